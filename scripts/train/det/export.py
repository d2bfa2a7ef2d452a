"""Exports the trained plate detector to ONNX (opset 13, dynamic H and W) with a sigmoid output.

    /usr/bin/python3 scripts/train/det/export.py --out models/plate-det-v1.onnx

Input `image` [1, 3, H, W] BGR 0..1 (H, W multiples of 32); output `plate` [1, 1, H/4, W/4].
Checks that onnxruntime gives the same map as PyTorch before writing.
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from common import WORK  # noqa: E402
from det_model import PlateDet  # noqa: E402


class WithSigmoid(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        return torch.sigmoid(self.net(image))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(WORK, "det", "ckpt.pt"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "..", "..", "models", "plate-det-v1.onnx"))
    a = ap.parse_args()
    net = PlateDet()
    net.load_state_dict(torch.load(a.ckpt)["net"])
    net.eval()
    m = WithSigmoid(net).eval()
    x = torch.rand(1, 3, 384, 640)
    tmp = a.out + ".tmp"
    torch.onnx.export(m, x, tmp, opset_version=13, input_names=["image"], output_names=["plate"],
                      dynamic_axes={"image": {2: "H", 3: "W"}, "plate": {2: "H4", 3: "W4"}}, do_constant_folding=True)
    model = onnx.load(tmp)
    onnx.checker.check_model(model)
    try:
        import onnxruntime as ort
        s = ort.InferenceSession(tmp, providers=["CPUExecutionProvider"])
        for h, w in ((384, 640), (480, 640)):
            xi = torch.rand(1, 3, h, w)
            ref = m(xi).detach().numpy()
            got = s.run(None, {"image": xi.numpy()})[0]
            assert got.shape == ref.shape and np.abs(got - ref).max() < 1e-4, (got.shape, np.abs(got - ref).max())
    except ImportError:
        print("onnxruntime (python) not installed: shape check left to scripts/train/det/check-det.mjs")
    os.replace(tmp, a.out)
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes)")


if __name__ == "__main__":
    main()
