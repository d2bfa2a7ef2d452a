"""Writes (or replaces) the plate detector's entry in models/manifest.yaml, leaving every other
entry and comment as it is (the block from `  NAME:` to the next two-space key is swapped).

    /usr/bin/python3 scripts/train/det/update_manifest.py \
        --scores 'us_dev_recall=0.97,us_dev_top1=0.80,us_dev_top5=0.88,detect_ms_1280x720=12'
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from common import WORK  # noqa: E402
from manifest_block import code_commit, file_sha256, q, score_pairs, write_block  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DIR = os.path.join(WORK, "det")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", default="plate-det-v1")
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "plate-det-v1.onnx"))
    ap.add_argument("--manifest", default=os.path.join(ROOT, "models", "manifest.yaml"))
    ap.add_argument("--scores", default="", help="k=v,... from `alpr-edge eval` and check-det.mjs")
    a = ap.parse_args()
    sha = file_sha256(a.model)
    commit, dirty = code_commit(ROOT, "scripts/train/det")
    tr = json.load(open(os.path.join(DIR, "train.json")))
    shards = sorted(f for f in os.listdir(DIR) if f.startswith("scenes_") and f.endswith(".npz") and ".tmp" not in f)
    first = np.load(os.path.join(DIR, shards[0]))
    lines = [
        f"  {a.name}:",
        "    kind: detector",
        f"    file: {os.path.basename(a.model)}",
        f"    sha256: {sha}",
        "    source:",
        "      package: alpr-edge",
        f"      version: {q(commit[:12] + (' (+local changes)' if dirty else ''))}",
        "      upstream: trained in this project by scripts/train/det/",
        "    licence: project's own (trained by alpr-edge; no third-party weights)",
        "    input:",
        "      name: image",
        "      shape: [1, 3, -1, -1]   # N, C (BGR, 0..1; normalised inside the graph), H, W multiples of 32 (frame long side at 640)",
        "      layout: NCHW",
        "    output:",
        "      name: plate",
        "      shape: [1, 1, -1, -1]   # plate-pixel probability at stride 4 (H/4, W/4)",
        "    training:",
        f"      code_commit: {q(commit)}",
        f"      code_dirty: {q(bool(dirty))}",
        "      data:",
        f"        scenes: {tr['scenes']}   # scripts/train/det/gen_scenes.py, 256x256 at input scale, rendered once",
        f"        openalpr_eu_photos: {int(first['n_eu'])}   # backgrounds; their labelled plates are positives",
        f"        openalpr_us_crops_train: {int(first['n_us'])}   # pasted plates (common.is_val false)",
        "        synthetic_plates: pasted, rendered by scripts/train/synth.py render_plate, one or more per scene",
        "        never_trained_on: openalpr-us-dev (validation only)",
        f"      steps: {tr['steps']}   # batch {tr['batch']}, {tr['crop']}x{tr['crop']} crops",
        f"      train_seconds_on_2_core_cpu: {int(tr['seconds'])}",
        "      scores:",
    ]
    lines += [f"        {k}: {v:.3f}" for k, v in score_pairs(a.scores)]
    write_block(a.manifest, a.name, lines)
    print(f"manifest: {a.name} sha256 {sha[:12]}… commit {commit[:12]}")


if __name__ == "__main__":
    main()
