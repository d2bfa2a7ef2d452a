"""Averages the weights of plate recognisers of one architecture into a checkpoint ("model soup").

Fine-tunes started from the same model (plate-rec-v3 and a sibling run with another --seed, both
from plate-rec-v2) usually lie in one basin of the loss, where the mean of their weights reads
better than either; models that did not start together do not average usefully. The inputs are
shipped ONNX files (their checkpoints are usually gone): each is loaded as train.py --init-onnx
loads one (BatchNorm folded into the convolutions, then frozen), so the mean is taken over the
same parameters. The output is a checkpoint like train.py's, for export.py and eval_crops.py.

    /usr/bin/python3 scripts/train/average.py --widths 24,48,96,128,160 \
        --onnx models/plate-rec-v3.onnx models/plate-rec-v7.onnx --out scripts/train/work/soup.pt

A few seconds; no training data is read. --ckpt averages train.py checkpoints instead (e.g. a
fine-tune run with --freeze-bn and its start: plate-rec-v11's candidate M):

    /usr/bin/python3 scripts/train/average.py --ckpt work/pre_ckpt_last.pt work/ftall_ckpt_last.pt --out work/mean.pt
"""
import argparse
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(__file__))
from model import PlateRec  # noqa: E402
from train import load_onnx_weights  # noqa: E402


def columns_of(path):
    """T, the output columns of a shipped model (32 or 64), from its `chars` output shape."""
    out = {o.name: o for o in onnx.load(path).graph.output}["chars"]
    return out.type.tensor_type.shape.dim[1].dim_value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", nargs="+", help="two or more shipped models of one architecture")
    ap.add_argument("--widths", help="their --widths, e.g. 24,48,96,128,160")
    ap.add_argument("--ckpt", nargs="+", help="or two or more train.py checkpoints of one architecture")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.ckpt:
        cks = [torch.load(p) for p in a.ckpt]
        if len(cks) < 2 or any(ck["widths"] != cks[0]["widths"] or ck.get("columns") != cks[0].get("columns") for ck in cks):
            raise SystemExit("give two or more checkpoints of one architecture")
        states = [ck["model"] for ck in cks]
        mean = {k: sum(s[k].double() for s in states).div(len(states)).to(states[0][k].dtype) if states[0][k].is_floating_point() else states[-1][k]
                for k in states[0]}
        torch.save({"model": mean, "step": 0, "widths": cks[0]["widths"], "columns": cks[0].get("columns", 32),
                    "freeze_bn": True, "cpu_s": max(ck.get("cpu_s", 0.0) for ck in cks),
                    "averaged_from": [os.path.basename(p) for p in a.ckpt]}, a.out)
        print(f"{a.out}: mean of {', '.join(a.ckpt)}")
        return
    if not a.onnx or not a.widths:
        raise SystemExit("give --onnx and --widths, or --ckpt")
    if len(a.onnx) < 2:
        raise SystemExit("give two or more models to average")
    widths = tuple(int(v) for v in a.widths.split(","))
    columns = {columns_of(p) for p in a.onnx}
    if len(columns) != 1:
        raise SystemExit(f"the models have different output columns {sorted(columns)}: not one architecture")
    cols = columns.pop()
    states = []
    for path in a.onnx:
        net = PlateRec(widths, cols)
        load_onnx_weights(net, path)  # exits naming the file when it does not fit these widths
        states.append(net.state_dict())
    mean = {k: sum(s[k].double() for s in states).div(len(states)).to(states[0][k].dtype) if states[0][k].is_floating_point() else states[0][k]
            for k in states[0]}
    torch.save({"model": mean, "step": 0, "widths": widths, "columns": cols, "freeze_bn": True,
                "averaged_from": [os.path.basename(p) for p in a.onnx]}, a.out)
    print(f"{a.out}: mean of {', '.join(os.path.basename(p) for p in a.onnx)} ({cols} columns)")


if __name__ == "__main__":
    main()
