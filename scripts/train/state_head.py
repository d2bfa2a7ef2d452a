"""Retrains only the US-state head of a shipped reader, on its frozen trunk.

An averaged reader (plate-rec-v8: the mean of v2's and v3's weights) reads characters better than
either parent, but its state head is the mean of two heads that were trained on two different
trunks, and it gives the state less often than v3. The state head is one linear layer over the
trunk's pooled features (model.PlateRec.state), so it can be refitted alone: the trunk and the
character head are untouched, and the exported network reads exactly the same characters.

The features of every training sample are computed once (real US plates from work/real_train.npz,
and the synthetic plates whose banner names a state from work/synth, a fifth of the weight), then
the layer is trained from the shipped head by AdamW for a fixed number of epochs (chosen before
looking: the held-out crops are printed each epoch, never used to pick one). The output is a
checkpoint like train.py's, for export.py and eval_crops.py.

    /usr/bin/python3 scripts/train/state_head.py --onnx models/plate-rec-v8.onnx \\
        --widths 24,48,96,128,160 --out scripts/train/work/plate-rec-v10.pt

About two minutes on two threads for 40,000 real samples and 20,000 synthetic plates.
"""
import argparse
import glob
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from average import columns_of  # noqa: E402
from common import STATES, WORK  # noqa: E402
from model import PlateRec  # noqa: E402
from train import load_onnx_weights  # noqa: E402

GIVEN_P = 0.6  # the daemon reports a state only when its probability reaches this (plate-rec-reader.ts)


def pooled(net, x, batch=512):
    """The trunk's features averaged over the map, (N, c4), for uint8 crops (N, 32, 128)."""
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xt = torch.from_numpy(x[i:i + batch]).float().unsqueeze(1)
            out.append(net.features(xt).mean(dim=(2, 3)))
    return torch.cat(out) if out else torch.zeros(0, net.state.in_features)


def synthetic(work, limit):
    """Synthetic crops whose banner names a state, up to `limit`."""
    xs, ss = [], []
    for path in sorted(glob.glob(os.path.join(work, "synth", "shard_*.npz"))):
        if path.endswith(".tmp.npz"):
            continue
        d = np.load(path)
        keep = d["state"] >= 0
        xs.append(d["x"][keep]), ss.append(d["state"][keep])
    if not xs:
        return np.zeros((0, 32, 128), np.uint8), np.zeros(0, np.int64)
    x, s = np.concatenate(xs)[:limit], np.concatenate(ss)[:limit].astype(np.int64)
    return x, s


def report(head, feats, states):
    """(argmax accuracy, right / all when given at p >= GIVEN_P, given / all) on the held-out crops."""
    with torch.no_grad():
        p = head(feats).softmax(1)
    conf, arg = p.max(1)
    right = arg == states
    given = conf >= GIVEN_P
    n = len(states)
    return float(right.float().mean()), float((right & given).sum()) / n, float(given.sum()) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", required=True, help="the shipped reader whose trunk is kept")
    ap.add_argument("--widths", required=True, help="its --widths, e.g. 24,48,96,128,160")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--synth-weight", type=float, default=0.2, help="share of the loss given to synthetic plates")
    ap.add_argument("--synth-limit", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", default=WORK)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    widths = tuple(int(v) for v in a.widths.split(","))
    cols = columns_of(a.onnx)
    net = PlateRec(widths, cols)
    load_onnx_weights(net, a.onnx)
    net.eval()
    t0 = time.time()
    real = np.load(os.path.join(a.work, "real_train.npz"))
    keep = real["state"] >= 0
    fr, sr = pooled(net, real["x"][keep]), torch.from_numpy(real["state"][keep].astype(np.int64))
    xs, ss = synthetic(a.work, a.synth_limit)
    fs, s_s = pooled(net, xs), torch.from_numpy(ss)
    val = np.load(os.path.join(a.work, "real_val.npz"))
    vkeep = val["state"] >= 0
    fv, sv = pooled(net, val["x"][vkeep]), torch.from_numpy(val["state"][vkeep].astype(np.int64))
    print(f"features: {len(fr)} real, {len(fs)} synthetic, {len(fv)} held-out; {time.time() - t0:.0f} s", flush=True)
    if not len(fr):
        raise SystemExit(f"{os.path.join(a.work, 'real_train.npz')}: no US plates with a state (run realdata.py)")

    head = nn.Linear(net.state.in_features, len(STATES))
    head.load_state_dict(net.state.state_dict())
    acc, right, given = report(head, fv, sv)
    print(f"shipped head: held-out state {acc:.3f} (argmax), right {right:.3f} / given {given:.3f} at p >= {GIVEN_P}", flush=True)
    feats = torch.cat([fr, fs])
    labels = torch.cat([sr, s_s])
    sw = a.synth_weight if len(fs) else 0.0
    weights = torch.cat([torch.full((len(fr),), (1 - sw) / len(fr)),
                         torch.full((len(fs),), sw / max(1, len(fs)))]) * len(feats)
    opt = torch.optim.AdamW(head.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    ce = nn.CrossEntropyLoss(reduction="none")
    g = torch.Generator().manual_seed(a.seed)
    steps_per_epoch = (len(feats) + 255) // 256
    total = a.epochs * steps_per_epoch
    step = 0
    for epoch in range(a.epochs):
        order = torch.randperm(len(feats), generator=g)
        losses = []
        for i in range(0, len(feats), 256):
            idx = order[i:i + 256]
            for grp in opt.param_groups:
                grp["lr"] = a.lr * 0.5 * (1 + np.cos(np.pi * step / total))
            loss = (ce(head(feats[idx]), labels[idx]) * weights[idx]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            losses.append(loss.item())
        acc, right, given = report(head, fv, sv)
        print(f"epoch {epoch + 1}: loss {np.mean(losses):.3f}; held-out state {acc:.3f}, right {right:.3f} / given {given:.3f}",
              flush=True)
    state = net.state_dict()
    state["state.weight"], state["state.bias"] = head.weight.detach().clone(), head.bias.detach().clone()
    torch.save({"model": state, "step": 0, "widths": widths, "columns": cols, "freeze_bn": True,
                "state_head_of": os.path.basename(a.onnx)}, a.out)
    print(f"{a.out}: {os.path.basename(a.onnx)} with a refitted state head; {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
