"""Cross-validation reads of openalpr-us-crops: each crop read as the daemon reads a detection, by
networks that never trained on its fold (plate-rec-v11's selection protocol, scripts/train/README.md).

work/cv_views.npz (realdata.py --set us) holds each crop's four views: the crop edge-repeated
around as the detector's refine step pads it (det-boxes.ts), then the reader's crops of its
character line (two margins) and of its plate box (two margins), or four of the plate box when no
line was found. Each view's greedy CTC read votes with its confidence (the product of its
characters' best probabilities, plate-rec-reader.ts); the string with the most votes is the read.
The daemon also weighs by the plate-shape prior (plate-syntax-us, counted on these same labels), so
it is left out here: these figures compare networks, not the whole reader.

A candidate is a checkpoint (`PATH`), the mean of two checkpoints' weights (`mean:A,B`, WiSE-FT:
a fine-tune averaged with its start; both need the same frozen BatchNorm statistics, i.e. the
fine-tune ran with --freeze-bn), or a shipped ONNX reader (`onnx:PATH:WIDTHS`).

    /usr/bin/python3 cv_eval.py --fold 2 --name F=work/ft2_ckpt_last.pt --name P=work/pre_ckpt_last.pt \
        --name M=mean:work/pre_ckpt_last.pt,work/ft2_ckpt_last.pt --out work/cv/fold2.json
    /usr/bin/python3 cv_eval.py --summary work/cv        # the folds' reads joined: top-1 per candidate

--fold -1 reads every crop (for a network that never saw any us-crop, e.g. the pre-trained one).
"""
import argparse
import glob
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import ALPHABET, WORK  # noqa: E402
from model import PlateRec, from_checkpoint  # noqa: E402


def load(spec):
    if spec.startswith("onnx:"):
        from average import columns_of
        from train import load_onnx_weights
        _, path, widths = spec.split(":")
        net = PlateRec(tuple(int(v) for v in widths.split(",")), columns_of(path))
        load_onnx_weights(net, path)
        return net.eval()
    if spec.startswith("mean:"):
        a, b = (torch.load(p) for p in spec[5:].split(","))
        if not (a.get("freeze_bn") or b.get("freeze_bn")):
            print(f"warning: {spec}: neither checkpoint has frozen BatchNorm statistics; the mean may not be meaningful", flush=True)
        net = from_checkpoint(a)
        sa, sb = a["model"], b["model"]
        net.load_state_dict({k: (sa[k].double() * 0.5 + sb[k].double() * 0.5).to(sa[k].dtype) if sa[k].is_floating_point() else sb[k]
                             for k in sa})
        return net.eval()
    ck = torch.load(spec)
    net = from_checkpoint(ck)
    net.load_state_dict(ck["model"])
    return net.eval()


def greedy_reads(probs):
    """(text, confidence) per row of (N, T, C) probabilities, as plate-rec-reader.ts decodeCtc does."""
    best = probs.argmax(2)
    pmax = probs.max(2)
    out = []
    for row, prow in zip(best, pmax):
        chars, ps, prev = [], [], 0
        for k, p in zip(row, prow):
            if k != 0 and k != prev:
                chars.append(ALPHABET[k - 1]), ps.append(p)
            elif k != 0 and k == prev and p > ps[-1]:
                ps[-1] = p
            prev = k
        out.append(("".join(chars), float(np.prod(ps)) if ps else 0.0))
    return out


def vote(reads):
    """The daemon's choice among a detection's view reads, without the shape prior: the string whose
    views' confidences sum highest (reads under 2 or over 8 characters do not vote)."""
    votes = {}
    for text, conf in reads:
        if 2 <= len(text) <= 8:
            votes[text] = votes.get(text, 0.0) + conf
    return max(votes.items(), key=lambda kv: kv[1])[0] if votes else ""


def read_all(net, views, batch=256):
    n, v = views.shape[:2]
    flat = views.reshape(n * v, 1, *views.shape[2:])
    probs = []
    with torch.no_grad():
        for i in range(0, len(flat), batch):
            y, _ = net(torch.from_numpy(flat[i:i + batch]).float())
            probs.append(y.softmax(2).numpy())
    reads = greedy_reads(np.concatenate(probs))
    per = [reads[i * v:(i + 1) * v] for i in range(n)]
    return [vote(r) for r in per], [r[0][0] for r in per]


def interval(k, n):
    """95 % Wilson interval of k right of n."""
    if n == 0:
        return (math.nan, math.nan)
    z, p = 1.96, k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (c - h, c + h)


def summary(folder):
    """Joins the per-fold files: for each candidate, top-1 over every crop it was scored on."""
    rows = {}
    for path in sorted(glob.glob(os.path.join(folder, "fold*.json"))):
        with open(path) as f:
            d = json.load(f)
        for name, r in d["candidates"].items():
            acc = rows.setdefault(name, {"n": 0, "right": 0, "first_view_right": 0, "held_out_n": 0, "held_out_right": 0, "folds": []})
            acc["folds"].append(d["fold"])
            for c in r["crops"]:
                acc["n"] += 1
                acc["right"] += c["read"] == c["truth"]
                acc["first_view_right"] += c["first_view"] == c["truth"]
                acc["held_out_n"] += c["held_out"]
                acc["held_out_right"] += c["held_out"] and c["read"] == c["truth"]
    for name, a in sorted(rows.items()):
        lo, hi = interval(a["right"], a["n"])
        ho = a["held_out_right"] / a["held_out_n"] if a["held_out_n"] else math.nan
        print(f"{name}: top-1 {a['right'] / max(a['n'], 1):.3f} of {a['n']} (95 % {lo:.3f}-{hi:.3f}; folds {a['folds']}), "
              f"first view alone {a['first_view_right'] / max(a['n'], 1):.3f}, "
              f"the 70 held-out crops {ho:.3f} ({a['held_out_right']}/{a['held_out_n']})")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fold", type=int, default=-1, help="read only this fold's crops (-1: all)")
    ap.add_argument("--name", action="append", default=[], help="LABEL=candidate (see above); repeatable")
    ap.add_argument("--views", default=os.path.join(WORK, "cv_views.npz"))
    ap.add_argument("--out")
    ap.add_argument("--summary", help="a folder of fold*.json: print the joined figures and exit")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    if a.summary:
        summary(a.summary)
        return
    torch.set_num_threads(a.threads)
    d = np.load(a.views)
    keep = np.ones(len(d["y"]), bool) if a.fold < 0 else d["fold"] == a.fold
    views = d["x"][keep]
    truth, names, held = d["y"][keep], d["names"][keep], d["held_out"][keep]
    out = {"fold": a.fold, "n": int(keep.sum()), "candidates": {}}
    for spec in a.name:
        label, cand = spec.split("=", 1)
        reads, first = read_all(load(cand), views)
        right = sum(r == t for r, t in zip(reads, truth))
        out["candidates"][label] = {"spec": cand, "top1": right / len(truth), "crops": [
            {"name": str(n), "truth": str(t), "read": r, "first_view": f, "held_out": bool(h)}
            for n, t, r, f, h in zip(names, truth, reads, first, held)]}
        print(f"fold {a.fold} {label} ({cand}): top-1 {right}/{len(truth)} = {right / len(truth):.3f}", flush=True)
    if a.out:
        os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
