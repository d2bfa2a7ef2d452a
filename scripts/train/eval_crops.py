"""Accuracy of a checkpoint on plate crops, cropped exactly as the daemon's reader does.

- held-out openalpr-us-crops (never trained on): at their own resolution and shrunk to
  64 px wide, like plates in the openalpr-us-dev photos;
- openalpr-us-dev ground-truth boxes (validation only; this is the reader alone, given a
  perfect box; the end-to-end figure comes from `alpr-edge eval`).

Prints JSON with the scores and the errors, worst (least confident) first.

    /usr/bin/python3 scripts/train/eval_crops.py --ckpt scripts/train/work/ckpt_best.pt
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import STATES, WORK, load_boxes, reader_crop  # noqa: E402
from model import from_checkpoint  # noqa: E402
from train import greedy  # noqa: E402


def run(net, xs):
    with torch.no_grad():
        y, st = net(torch.from_numpy(np.stack(xs)).float().unsqueeze(1))
        p = y.softmax(2)
        conf = p.max(2).values.clamp_min(1e-9).log().sum(1).exp().numpy()
        return greedy(p), conf, st.argmax(1).numpy()


def score(names, truth, pred, conf):
    errs = sorted([(float(c), n, t, p) for n, t, p, c in zip(names, truth, pred, conf) if p != t], reverse=True)
    return {"n": len(truth), "top1": float(np.mean([p == t for p, t in zip(pred, truth)])),
            "errors": [{"file": n, "truth": t, "read": p, "confidence": round(c, 3)} for c, n, t, p in errs]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(WORK, "ckpt_best.pt"))
    ap.add_argument("--out", help="also write the JSON here")
    a = ap.parse_args()
    torch.set_num_threads(1)
    ck = torch.load(a.ckpt)
    net = from_checkpoint(ck)
    net.load_state_dict(ck["model"])
    net.eval()
    out = {"step": ck.get("step")}
    val = np.load(os.path.join(WORK, "real_val.npz"))
    for key, label in (("x", "us_crops_heldout"), ("x_low", "us_crops_heldout_64px")):
        pred, conf, st = run(net, list(val[key]))
        out[label] = score(val["names"], val["y"], pred, conf)
        if key == "x":
            has = val["state"] >= 0
            out["state_accuracy_heldout"] = float(np.mean(st[has] == val["state"][has]))
    dev = load_boxes("openalpr-us-dev")
    xs = []
    for path, box, _ in dev:
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        xs.append(reader_crop(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), box))
    t = time.time()
    pred, conf, _ = run(net, xs)
    out["torch_ms_per_crop_batched"] = round((time.time() - t) * 1000 / len(xs), 2)
    out["us_dev_gt_boxes"] = score([os.path.basename(p) for p, _, _ in dev], [t for _, _, t in dev], pred, conf)
    for k in ("us_crops_heldout", "us_crops_heldout_64px", "us_dev_gt_boxes"):
        print(f"{k}: top-1 {out[k]['top1']:.3f} of {out[k]['n']}")
    print(f"state accuracy (held-out us-crops): {out['state_accuracy_heldout']:.3f} over {len(STATES)} states")
    text = json.dumps(out, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    if not a.out:
        print(text)


if __name__ == "__main__":
    main()
