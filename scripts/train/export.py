"""Exports a checkpoint to ONNX (opset 13, dynamic batch) for onnxruntime-node.

Inputs:  `image`  float32 (N, 1, H, W), grey 0..255 (normalisation is in the graph); 32x128 unless the
                  checkpoint gives another `input`
Outputs: `chars`  float32 (N, T, 37) with T = 64 (32 for older checkpoints), per-column probabilities, class 0 = CTC blank,
                  class k = ALPHABET[k-1]
         `state`  float32 (N, 51), probabilities over common.STATES

    /usr/bin/python3 scripts/train/export.py --ckpt scripts/train/work/ckpt_best.pt --out models/plate-rec-v1.onnx
"""
import argparse
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import NUM_CLASSES, STATES  # noqa: E402
from model import Exported, from_checkpoint  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ck = torch.load(a.ckpt)
    net = from_checkpoint(ck)
    net.load_state_dict(ck["model"])
    net.eval()
    model = Exported(net).eval()
    x = torch.rand(2, 1, net.height, net.width) * 255
    torch.onnx.export(model, x, a.out, opset_version=13, input_names=["image"], output_names=["chars", "state"],
                      dynamic_axes={"image": {0: "batch"}, "chars": {0: "batch"}, "state": {0: "batch"}},
                      do_constant_folding=True)
    m = onnx.load(a.out)
    onnx.checker.check_model(m)
    with torch.no_grad():
        c, s = model(x)
    assert tuple(c.shape) == (2, ck.get("columns", 32), NUM_CLASSES) and tuple(s.shape) == (2, len(STATES))
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes) from step {ck.get('step')}")


if __name__ == "__main__":
    main()
