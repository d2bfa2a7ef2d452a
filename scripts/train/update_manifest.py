"""Writes (or replaces) this model's entry in models/manifest.yaml, leaving every other entry
and comment as it is: the block from `  NAME:` to the next two-space key is swapped as text.

    /usr/bin/python3 scripts/train/update_manifest.py --model models/plate-rec-v1.onnx \
        --eval scripts/train/work/eval.json --train-log scripts/train/work/train.log
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(__file__))
from common import ALPHABET, INPUT_H, INPUT_W, WORK  # noqa: E402
from manifest_block import code_commit, file_sha256, q, score_pairs, write_block  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", default="plate-rec-v1")
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "plate-rec-v1.onnx"))
    ap.add_argument("--eval", default=os.path.join(WORK, "eval.json"))
    ap.add_argument("--manifest", default=os.path.join(ROOT, "models", "manifest.yaml"))
    ap.add_argument("--train-seconds", type=float, default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--fine-tuned-from", help="the shipped model the run started from (train.py --init-onnx)")
    ap.add_argument("--averaged-from", help="comma-separated shipped models whose weights average.py averaged (no training of its own)")
    ap.add_argument("--state-head-of", help="the shipped model whose frozen trunk state_head.py refitted the state head on")
    ap.add_argument("--e2e", help="end-to-end scores from `alpr-edge eval`, e.g. 'us_dev_top1=0.80,us_dev_top5=0.90'")
    ap.add_argument("--e2e-detector", default="ppocr-v4-det", help="the detector whose boxes --e2e was measured on")
    a = ap.parse_args()
    sha = file_sha256(a.model)
    graph = onnx.load(a.model).graph
    out_dims = {o.name: [d.dim_value or -1 for d in o.type.tensor_type.shape.dim] for o in graph.output}
    steps = out_dims["chars"][1]
    commit, dirty = code_commit(ROOT, "scripts/train")
    ev = json.load(open(a.eval))
    head = [
        f"  {a.name}:",
        "    kind: reader",
        f"    file: {os.path.basename(a.model)}",
        f"    sha256: {sha}",
        "    source:",
        "      package: alpr-edge",
        f"      version: {q(commit[:12] + (' (+local changes)' if dirty else ''))}",
        "      upstream: " + (f"{a.state_head_of}'s trunk with its state head refitted in this project by scripts/train/state_head.py"
                           if a.state_head_of else "averaged in this project by scripts/train/average.py from models it trained"
                           if a.averaged_from else "trained in this project by scripts/train/run-all.sh"),
        "    licence: project's own (trained by alpr-edge; no third-party weights)",
        "    input:",
        "      name: image",
        f"      shape: [-1, 1, {INPUT_H}, {INPUT_W}]   # N, grey 0..255 (normalised inside the graph)",
        "      layout: NCHW",
        "    output:",
        "      name: chars",
        f"      shape: [-1, {steps}, 37]   # N, T, blank + alphabet (softmax); second output `state`: [-1, 51]",
        f"    alphabet: {q(ALPHABET)}",
        "    training:",
        f"      code_commit: {q(commit)}",
        f"      code_dirty: {q(bool(dirty))}",
    ]
    if a.averaged_from:
        parents = [p.strip() for p in a.averaged_from.split(",") if p.strip()]
        lines = head + [
            f"      averaged_from: [{', '.join(parents)}]   # the mean of their weights; no training of its own",
            "      data:",
            f"        description: what {' and '.join(parents)} were trained on (see their entries)",
            "        never_trained_on: openalpr-us-dev (validation only)",
        ]
    elif a.state_head_of:
        real = np.load(os.path.join(WORK, "real_train.npz"))
        lines = head + [
            f"      state_head_of: {a.state_head_of}   # its weights, all frozen but the state head (one linear layer)",
            "      data:",
            f"        description: the state head alone, on {a.state_head_of}'s features of the real US plates below and of synthetic plates whose banner names a state (a fifth of the weight)",
            f"        openalpr_us_crops_train: {int(real['n_us'])}   # ~90 % of openalpr-us-crops (common.is_val false)",
            f"        real_augmented_samples: {int((real['state'] >= 0).sum())}",
            "        never_trained_on: openalpr-us-dev (validation only)",
        ]
    else:
        real = np.load(os.path.join(WORK, "real_train.npz"))
        synth_dir = os.path.join(WORK, "synth")
        n_synth = sum(int(np.load(os.path.join(synth_dir, f))["y"].shape[0]) for f in os.listdir(synth_dir) if f.startswith("shard_") and f.endswith(".npz") and ".tmp" not in f)
        lines = head + [
            "      data:",
            f"        synthetic_plates: {n_synth}   # scripts/train/synth.py, rendered once, then seen many times",
            f"        openalpr_us_crops_train: {int(real['n_us'])}   # ~90 % of openalpr-us-crops (common.is_val false)",
            f"        openalpr_eu_plates: {int(real['n_eu'])}",
            f"        real_augmented_samples: {int(real['x'].shape[0])}",
            "        never_trained_on: openalpr-us-dev (validation only)",
        ]
    if a.fine_tuned_from:
        lines.append(f"      fine_tuned_from: {a.fine_tuned_from}   # its weights, then the steps below on the data above")
    if a.steps:
        lines.append(f"      steps: {a.steps}")
    if a.train_seconds:
        lines.append(f"      train_seconds_on_2_core_cpu: {int(a.train_seconds)}")
    lines += [
        "      scores:",
        f"        heldout_us_crops_top1: {ev['us_crops_heldout']['top1']:.3f}   # n={ev['us_crops_heldout']['n']}",
        f"        heldout_us_crops_64px_top1: {ev['us_crops_heldout_64px']['top1']:.3f}",
        f"        heldout_us_crops_state_accuracy: {ev['state_accuracy_heldout']:.3f}",
        f"        us_dev_gt_boxes_top1: {ev['us_dev_gt_boxes']['top1']:.3f}   # reader alone on ground-truth boxes, n={ev['us_dev_gt_boxes']['n']}",
    ]
    lines += [f"        e2e_{k}: {v:.3f}   # alpr-edge eval, {a.e2e_detector} boxes" for k, v in score_pairs(a.e2e)]
    write_block(a.manifest, a.name, lines)
    print(f"manifest: {a.name} sha256 {sha[:12]}… commit {commit[:12]}")


if __name__ == "__main__":
    main()
