"""Trains the plate recogniser on synthetic shards mixed with augmented real plates.

One run does pre-training and fine-tuning as a schedule: the share of real samples in a
batch rises from --real-start to --real-end, the learning rate follows a cosine to zero.
Checkpoints (model, optimiser, step) go to work/ckpt_last.pt every --ckpt-every steps, so
a stopped run resumes with --resume and loses little; the best model on the held-out
us-crops is kept as work/ckpt_best.pt.

    nice -n 5 /usr/bin/python3 scripts/train/train.py --steps 10000
"""
import argparse
import glob
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from common import ALPHABET, STATES, WORK, encode  # noqa: E402
from model import PlateRec  # noqa: E402


def greedy(probs):
    """CTC greedy decode of (N, T, C) scores to strings."""
    best = probs.argmax(2).numpy()
    out = []
    for row in best:
        s, prev = [], 0
        for k in row:
            if k != prev and k != 0:
                s.append(ALPHABET[k - 1])
            prev = k
        out.append("".join(s))
    return out


def load_real(spec, exclude_fold, work):
    """Real samples from `path[:share],...` (paths relative to the work dir): the arrays joined, and each
    sample's probability within the real part of a batch (each file gets its share; equal shares when
    none is given). Samples whose cross-validation fold (a `fold` array, realdata.py --set us) is
    `exclude_fold` are left out."""
    xs, ys, ss, ps = [], [], [], []
    parts = [p.rsplit(":", 1) if ":" in p else (p, None) for p in spec.split(",")]
    for path, share in parts:
        r = np.load(path if os.path.isabs(path) else os.path.join(work, path))
        keep = np.ones(len(r["y"]), bool) if exclude_fold < 0 or "fold" not in r else r["fold"] != exclude_fold
        n = int(keep.sum())
        xs.append(r["x"][keep]), ys.append(r["y"][keep]), ss.append(r["state"][keep])
        ps.append(np.full(n, (float(share) if share else 1.0 / len(parts)) / max(n, 1)))
        print(f"real {path}: {n} samples{f' (fold {exclude_fold} left out)' if n < len(r['y']) else ''}, share {ps[-1][0] * n:.2f}", flush=True)
    p = np.concatenate(ps)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ss), p / p.sum()


class Pool:
    """Samples batches from in-memory uint8 arrays; re-scans synth shards as the renderer adds them."""

    def __init__(self, synth_dir, real, rng):
        self.synth_dir, self.rng = synth_dir, rng
        self.seen = set()
        self.sx, self.sy, self.ss = [], [], []
        self.rx, self.ry, self.rs, self.rp = real
        self.refresh()

    def refresh(self):
        new = [p for p in sorted(glob.glob(os.path.join(self.synth_dir, "shard_*.npz")))
               if p not in self.seen and not p.endswith(".tmp.npz")]
        for p in new:
            d = np.load(p)
            self.sx.append(d["x"]), self.sy.append(d["y"]), self.ss.append(d["state"])
            self.seen.add(p)
        if new:
            self.X = np.concatenate(self.sx)
            self.Y = np.concatenate(self.sy)
            self.S = np.concatenate(self.ss)
        return len(new)

    def batch(self, n, real_share):
        nr = int(round(n * real_share)) if self.sx else n  # real only until the first synth shard lands
        ir = self.rng.choice(len(self.rx), nr, p=self.rp)
        isy = self.rng.integers(0, len(self.X), n - nr) if self.sx else np.zeros(0, np.int64)
        X, Y, S = (self.X, self.Y, self.S) if self.sx else (self.rx, self.ry, self.rs)
        x = np.concatenate([self.rx[ir], X[isy]])
        y = list(self.ry[ir]) + list(Y[isy])
        s = np.concatenate([self.rs[ir], S[isy]]).astype(np.int64)
        # a few inverted / flipped-contrast samples so dark-on-light and light-on-dark both read
        flip = self.rng.random(n) < 0.05
        x = x.copy()
        x[flip] = 255 - x[flip]
        return x, y, s


def load_onnx_weights(net, path):
    """Starts `net` from a shipped model (e.g. models/plate-rec-v2.onnx), whose checkpoints are gone.

    The export folded each BatchNorm into the convolution before it, so every conv gets the folded
    weights and its BatchNorm becomes an identity that carries the folded bias (mean 0, variance
    1 - eps, scale 1). Train such a net with frozen BatchNorm statistics (`freeze_bn`): it then
    computes exactly what the ONNX model does."""
    import onnx
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    folded = [v for k, v in inits.items() if k.startswith("onnx::Conv_")]  # weight, bias pairs in graph order
    convs = [(m, bn) for m, bn in zip(net.modules(), list(net.modules())[1:])
             if isinstance(m, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d)]
    if len(folded) != 2 * len(convs):
        raise SystemExit(f"{path}: {len(folded) // 2} folded convolutions, this network has {len(convs)} (other --widths?)")
    with torch.no_grad():
        for (conv, bn), w, b in zip(convs, folded[0::2], folded[1::2]):
            if tuple(conv.weight.shape) != w.shape:
                raise SystemExit(f"{path}: folded conv {w.shape} does not fit {tuple(conv.weight.shape)} (other --widths?)")
            conv.weight.copy_(torch.from_numpy(w))
            bn.weight.fill_(1.0), bn.bias.copy_(torch.from_numpy(b))
            bn.running_mean.zero_(), bn.running_var.fill_(1.0 - bn.eps)
        for name in ("head.weight", "head.bias", "state.weight", "state.bias"):
            dict(net.named_parameters())[name].copy_(torch.from_numpy(inits["net." + name]))


def train_mode(net, freeze_bn):
    """net.train(), with BatchNorm kept on its running statistics when they are frozen."""
    net.train()
    if freeze_bn:
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()


def evaluate(net, val):
    net.eval()
    res = {}
    with torch.no_grad():
        for key in ("x", "x_low"):
            x = torch.from_numpy(val[key]).float().unsqueeze(1)
            y, st = net(x)
            pred = greedy(y.softmax(2))
            res[key] = float(np.mean([p == t for p, t in zip(pred, val["y"])]))
            if key == "x":
                has = val["state"] >= 0
                sp = st.argmax(1).numpy()
                res["state"] = float(np.mean(sp[has] == val["state"][has])) if has.any() else 0.0
                res["errors"] = [(str(n), str(t), p) for n, t, p in zip(val["names"], val["y"], pred) if p != t]
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--real-start", type=float, default=0.3)
    ap.add_argument("--real-end", type=float, default=0.7)
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--widths", default="16,32,64,80,112")
    ap.add_argument("--columns", type=int, default=64, choices=(32, 64), help="CTC time steps")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="weights' start and batch order (a second seed shows how much of a gain is luck)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init", help="start from these weights (fine-tune)")
    ap.add_argument("--init-onnx", help="start from a shipped ONNX reader (fine-tune; BatchNorm statistics stay frozen)")
    ap.add_argument("--swa-from", type=int, default=0,
                    help="also keep the running mean of the weights at every checkpoint from this step on "
                         "(stochastic weight averaging, Izmailov et al. 2018), saved as {tag}ckpt_swa.pt; 0: off")
    ap.add_argument("--real", default="real_train.npz",
                    help="real samples: npz files in the work dir, each with its share of the real part of a batch, "
                         "e.g. real_us.npz:0.7,real_pre.npz:0.3 (equal shares when none given)")
    ap.add_argument("--exclude-fold", type=int, default=-1, help="leave out this cross-validation fold of the real samples (common.us_folds)")
    ap.add_argument("--freeze-bn", action="store_true",
                    help="keep BatchNorm on the --init checkpoint's statistics (a fine-tune whose weights may be averaged with its start)")
    ap.add_argument("--val", default="real_val.npz", help="held-out crops printed at each eval (a log; never used to stop)")
    ap.add_argument("--work", default=WORK)
    ap.add_argument("--tag", default="", help="prefix for this run's checkpoint files (several runs, one work dir)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    widths = tuple(int(v) for v in a.widths.split(","))
    net = PlateRec(widths, a.columns)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    step, best, cpu_before = 0, -1.0, 0.0
    swa, swa_n = None, 0
    last = os.path.join(a.work, f"{a.tag}ckpt_last.pt")
    # BatchNorm statistics stay frozen for a net started from a shipped ONNX model (folded at export)
    # and for every fine-tune or resumed run of one
    freeze_bn = bool(a.init_onnx)
    if a.resume and os.path.exists(last):
        ck = torch.load(last)
        net.load_state_dict(ck["model"]), opt.load_state_dict(ck["opt"])
        step, best, freeze_bn = ck["step"], ck.get("best", -1.0), ck.get("freeze_bn", False)
        swa, swa_n = ck.get("swa"), ck.get("swa_n", 0)
        cpu_before = ck.get("cpu_s", 0.0)
        print(f"resumed at step {step} ({cpu_before / 3600:.2f} CPU-hours before)", flush=True)
    elif a.init:
        ck = torch.load(a.init)
        net.load_state_dict(ck["model"])
        freeze_bn = ck.get("freeze_bn", False) or a.freeze_bn
        cpu_before = ck.get("cpu_s", 0.0)  # the start's training CPU counts towards this run's
    elif a.init_onnx:
        load_onnx_weights(net, a.init_onnx)
    pool = Pool(os.path.join(a.work, "synth"), load_real(a.real, a.exclude_fold, a.work), rng)
    val = dict(np.load(os.path.join(a.work, a.val)))
    cpu0 = time.process_time()
    cpu_s = lambda: cpu_before + time.process_time() - cpu0  # noqa: E731  training CPU seconds, all runs leading here
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    ce = nn.CrossEntropyLoss(ignore_index=-1)
    print(f"params {sum(p.numel() for p in net.parameters())}, synth {len(pool.X) if pool.sx else 0}, real {len(pool.rx)}, "
          f"val {len(val['y'])}", flush=True)
    if (a.init_onnx or a.init) and step == 0:
        r = evaluate(net, val)
        print(f"start ({a.init_onnx or a.init}): held-out us-crops top-1 {r['x']:.3f} (at 64 px wide {r['x_low']:.3f}), state {r['state']:.3f}", flush=True)
    train_mode(net, freeze_bn)
    t0, tl, losses = time.time(), time.time(), []
    while step < a.steps:
        frac = step / a.steps
        for g in opt.param_groups:
            g["lr"] = a.lr * 0.5 * (1 + np.cos(np.pi * frac)) if step > 200 else a.lr * (step + 1) / 200
        x, y, s = pool.batch(a.batch, a.real_start + (a.real_end - a.real_start) * frac)
        xt = torch.from_numpy(x).float().unsqueeze(1)
        targets = torch.tensor([k for t in y for k in encode(t)], dtype=torch.long)
        tlen = torch.tensor([len(t) for t in y], dtype=torch.long)
        logits, st = net(xt)
        lp = logits.log_softmax(2).permute(1, 0, 2)
        loss = ctc(lp, targets, torch.full((len(y),), lp.shape[0], dtype=torch.long), tlen)
        loss = loss + 0.1 * ce(st, torch.from_numpy(s))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        step += 1
        losses.append(loss.item())
        if step % 100 == 0:
            print(f"step {step} loss {np.mean(losses):.3f} lr {opt.param_groups[0]['lr']:.5f} "
                  f"{(time.time() - tl) / 100 * 1000:.0f} ms/step", flush=True)
            losses, tl = [], time.time()
        if step % a.ckpt_every == 0 or step == a.steps:
            n = pool.refresh()
            if n:
                print(f"synth pool now {len(pool.X)}", flush=True)
            if a.swa_from and step >= a.swa_from:
                # BatchNorm statistics are frozen in a fine-tune (--init-onnx), so the mean needs no BN pass
                cur = {k: v.detach().double() for k, v in net.state_dict().items()}
                swa = cur if swa is None else {k: swa[k] + (cur[k] - swa[k]) / (swa_n + 1) for k in swa}
                swa_n += 1
                torch.save({"model": {k: v.to(net.state_dict()[k].dtype) for k, v in swa.items()}, "step": step, "swa_n": swa_n,
                            "swa_from": a.swa_from, "widths": widths, "columns": a.columns, "freeze_bn": freeze_bn},
                           os.path.join(a.work, f"{a.tag}ckpt_swa.pt"))
            torch.save({"model": net.state_dict(), "opt": opt.state_dict(), "step": step, "best": best, "swa": swa, "swa_n": swa_n,
                        "widths": widths, "columns": a.columns, "freeze_bn": freeze_bn, "cpu_s": cpu_s(), "steps": a.steps}, last + ".tmp")
            os.replace(last + ".tmp", last)
        if step % a.eval_every == 0 or step == a.steps:
            r = evaluate(net, val)
            train_mode(net, freeze_bn)
            score = (r["x"] + r["x_low"]) / 2
            print(f"eval step {step}: held-out us-crops top-1 {r['x']:.3f} (at 64 px wide {r['x_low']:.3f}), "
                  f"state {r['state']:.3f}, {time.time() - t0:.0f} s, {cpu_s() / 3600:.2f} CPU-hours", flush=True)
            if score >= best:
                best = score
                torch.save({"model": net.state_dict(), "step": step, "widths": widths, "columns": a.columns, "freeze_bn": freeze_bn, "val": {k: v for k, v in r.items() if k != "errors"}},
                           os.path.join(a.work, f"{a.tag}ckpt_best.pt"))
                with open(os.path.join(a.work, f"{a.tag}best_eval.json"), "w") as f:
                    json.dump({"step": step, **r, "seconds": time.time() - t0, "synth": int(len(pool.X)) if pool.sx else 0,
                               "real": int(len(pool.rx))}, f, indent=1)
    with open(os.path.join(a.work, f"{a.tag}done.json"), "w") as f:
        json.dump({"steps": step, "cpu_s": cpu_s(), "best": best, "args": vars(a)}, f, indent=1)
    print(f"done: {step} steps in {time.time() - t0:.0f} s, best {best:.3f}, {cpu_s() / 3600:.2f} CPU-hours in all", flush=True)


if __name__ == "__main__":
    main()
