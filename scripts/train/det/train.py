"""Trains the plate detector on the scenes gen_scenes.py rendered (scripts/train/work/det/).

    nice -n 5 /usr/bin/python3 scripts/train/det/train.py --minutes 40 --threads 1

Time-budgeted (the machine is shared): the learning rate follows a cosine over --minutes of
wall time (after a short warm-up) and training stops when the time is up (or at --steps).

Loss: binary cross-entropy on the soft stride-4 map plus a soft Dice term (plates are a small
fraction of the pixels). Checkpoints go to work/det/ckpt.pt every 200 steps; --resume continues.
"""
import argparse
import glob
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from common import WORK  # noqa: E402
from det_model import PlateDet  # noqa: E402

DIR = os.path.join(WORK, "det")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=100000)
    ap.add_argument("--minutes", type=float, default=40)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=192)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--resume", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    shards = sorted(f for f in glob.glob(os.path.join(DIR, "scenes_*.npz")) if ".tmp" not in f)
    xs, ys = [], []
    for f in shards:
        d = np.load(f)
        xs.append(d["x"])
        ys.append(d["y"])
    x_all, y_all = np.concatenate(xs), np.concatenate(ys)
    n = len(x_all)
    print(f"{n} scenes from {len(shards)} shards", flush=True)
    net = PlateDet()
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    budget = a.minutes * 60

    def lr_at(step, frac):
        warm = min(1.0, (step + 1) / 100)
        return a.lr * warm * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * min(1.0, frac))))
    step, t_used = 0, 0.0
    ck = os.path.join(DIR, "ckpt.pt")
    if a.resume and os.path.exists(ck):
        s = torch.load(ck)
        net.load_state_dict(s["net"])
        opt.load_state_dict(s["opt"])
        step, t_used = s["step"], s["seconds"]
        print(f"resumed at step {step}", flush=True)
    size = x_all.shape[1]
    c, c4 = a.crop, a.crop // 4
    t0 = time.time() - t_used
    net.train()
    run = []
    while step < a.steps and time.time() - t0 < budget:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, (time.time() - t0) / budget)
        idx = rng.integers(0, n, a.batch)
        bx = np.empty((a.batch, c, c, 3), np.uint8)
        by = np.empty((a.batch, c4, c4), np.uint8)
        for k, i in enumerate(idx):
            ox, oy = int(rng.integers(0, (size - c) // 4 + 1)) * 4, int(rng.integers(0, (size - c) // 4 + 1)) * 4
            im, m = x_all[i, oy:oy + c, ox:ox + c], y_all[i, oy // 4:oy // 4 + c4, ox // 4:ox // 4 + c4]
            if rng.random() < 0.5:
                im, m = im[:, ::-1], m[:, ::-1]
            bx[k], by[k] = im, m
        x = torch.from_numpy(bx).permute(0, 3, 1, 2).float() / 255.0
        y = torch.from_numpy(by).float().unsqueeze(1) / 255.0
        logit = net(x)
        bce = F.binary_cross_entropy_with_logits(logit, y)
        p = torch.sigmoid(logit)
        dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1)
        loss = bce * 4 + dice
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        run.append((bce.item(), dice.item()))
        if step % 50 == 0:
            b, d = np.mean(run, 0)
            run = []
            print(f"step {step} bce {b:.4f} dice {d:.3f} lr {opt.param_groups[0]['lr']:.5f} {time.time() - t0:.0f}s", flush=True)
        if step % 200 == 0:
            torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step, "seconds": time.time() - t0}, ck + ".tmp")
            os.replace(ck + ".tmp", ck)
    torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step, "seconds": time.time() - t0}, ck)
    json.dump({"steps": step, "seconds": time.time() - t0, "scenes": n, "batch": a.batch, "crop": c}, open(os.path.join(DIR, "train.json"), "w"))
    print("done", flush=True)


if __name__ == "__main__":
    main()
