"""Trains the US plate syntax prior (models/plate-syntax-us.json): how often real US plates
take each shape of letters and digits ("DLLLDDD" for California's 1ABC234), overall and per
state. The reader uses it to choose between candidate strings its networks find about equally
likely, where one is a shape real plates have and the other is not (002HHM against O02HHM,
P602849 against P602B49). See daemon/vision/plate-syntax.ts for how it is used.

Counts come from the training part of openalpr-us-crops (common.is_val false: the held-out
crops stay unseen); openalpr-us-dev is never read. The file holds only the shape counts, no
plate strings.

    /usr/bin/python3 scripts/train/syntax.py     # models/plate-syntax-us.json and its manifest entry
    /usr/bin/python3 scripts/train/syntax.py --e2e us_dev_top1=0.910,...   # with scores measured by alpr-edge eval

    /usr/bin/python3 scripts/train/syntax.py --cv  # also: 10-fold cross-validated smoothing weights

A few seconds; deterministic (the same counts from the same labels). The smoothing weights in
daemon/vision/plate-syntax.ts (shapeBackoff, stateBackoff) are the ones --cv prints as best: the
held-out log-likelihood of the training labels' shapes, never an evaluation set.
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import MAX_LEN, STATES, is_val, load_us_crops  # noqa: E402
from manifest_block import code_commit, file_sha256, q, score_pairs, write_block  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def shape(plate: str) -> str:
    return "".join("D" if ch.isdigit() else "L" for ch in plate)


def trigram(counts):
    """P(shape) from a letter/digit trigram with add-half smoothing (as PlateSyntax.trigram)."""
    tri, ctx = collections.Counter(), collections.Counter()
    for sh, n in counts.items():
        s = "^^" + sh + "$"
        for i in range(2, len(s)):
            tri[s[i - 2:i + 1]] += n
            ctx[s[i - 2:i]] += n

    def p(sh):
        s, out = "^^" + sh + "$", 1.0
        for i in range(2, len(s)):
            out *= (tri[s[i - 2:i + 1]] + 0.5) / (ctx[s[i - 2:i]] + 1.5)
        return out
    return p


def cross_validate(train, folds=10):
    """Mean held-out log-likelihood of a plate's shape for each smoothing weight (as plate-syntax.ts computes it)."""
    import math
    import random
    data = [(s, shape(t)) for s, t in train]
    order = list(range(len(data)))
    random.Random(0).shuffle(order)
    split = [([data[i] for j, i in enumerate(order) if j % folds != f], [data[i] for j, i in enumerate(order) if j % folds == f]) for f in range(folds)]

    def overall(tr, beta):
        c = collections.Counter(sh for _, sh in tr)
        tri = trigram(c)
        return lambda sh: (c[sh] + beta * tri(sh)) / (len(tr) + beta)
    for beta in (5, 10, 20, 50, 100, 200, 500):
        ll = sum(math.log(overall(tr, beta)(sh)) for tr, te in split for _, sh in te)
        print(f"shapeBackoff {beta}: {ll / len(data):.4f} nats a plate")
    for gamma in (1, 3, 5, 10, 20, 50):
        ll = 0.0
        for tr, te in split:
            o, by = overall(tr, 50), collections.defaultdict(collections.Counter)
            for s, sh in tr:
                by[s][sh] += 1
            for s, sh in te:
                n = sum(by[s].values())
                ll += math.log((by[s][sh] + gamma * o(sh)) / (n + gamma) if n else o(sh))
        print(f"stateBackoff {gamma} (shapeBackoff 50, state known): {ll / len(data):.4f} nats a plate")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "plate-syntax-us.json"))
    ap.add_argument("--manifest", default=os.path.join(ROOT, "models", "manifest.yaml"))
    ap.add_argument("--cv", action="store_true", help="print the cross-validated smoothing weights too")
    ap.add_argument("--e2e", help="scores from `alpr-edge eval`, e.g. 'us_dev_top1_pair=0.910,us_dev_top1_pair_without=0.892'")
    a = ap.parse_args()
    rows = [(os.path.basename(p), s, t) for p, s, t in load_us_crops()]
    train = [(s, t) for n, s, t in rows if not is_val(n) and 2 <= len(t) <= MAX_LEN]
    if a.cv:
        cross_validate(train)
    shapes = collections.Counter(shape(t) for _, t in train)
    by_state = collections.defaultdict(collections.Counter)
    for s, t in train:
        if s in STATES:
            by_state[s][shape(t)] += 1
    model = {
        "name": "plate-syntax-us",
        "what": "counts of plate shapes (D digit, L letter) among real US plates, overall and per state",
        "data": {"openalpr_us_crops_train": len(train), "never_trained_on": "openalpr-us-dev, the held-out openalpr-us-crops"},
        "shapes": dict(sorted(shapes.items(), key=lambda kv: (-kv[1], kv[0]))),
        "states": {s: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for s, c in sorted(by_state.items())},
    }
    with open(a.out, "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    commit, dirty = code_commit(ROOT, "scripts/train")
    name = os.path.splitext(os.path.basename(a.out))[0]
    lines = [
        f"  {name}:",
        "    # Not a network: counts of letter/digit shapes the trained readers weigh their candidate",
        "    # strings by (config vision.plate_syntax; daemon/vision/plate-syntax.ts).",
        "    kind: syntax",
        f"    file: {os.path.basename(a.out)}",
        f"    sha256: {file_sha256(a.out)}",
        "    source:",
        "      package: alpr-edge",
        f"      version: {q(commit[:12] + (' (+local changes)' if dirty else ''))}",
        "      upstream: counted in this project by scripts/train/syntax.py",
        "    licence: project's own (shape counts only; no plate strings or images)",
        "    training:",
        f"      code_commit: {q(commit)}",
        f"      code_dirty: {q(bool(dirty))}",
        "      data:",
        f"        openalpr_us_crops_train: {len(train)}   # the labels of ~90 % of openalpr-us-crops (common.is_val false)",
        "        never_trained_on: openalpr-us-dev, the held-out openalpr-us-crops",
        f"      shapes: {len(shapes)}",
        f"      states: {len(by_state)}",
    ]
    scores = score_pairs(a.e2e)
    if scores:
        lines.append("      scores:")
        lines += [f"        {k}: {v:.3f}   # alpr-edge eval, plate-det-v1-text boxes" for k, v in scores]
    write_block(a.manifest, name, lines)
    print(f"{a.out}: {len(train)} plates, {len(shapes)} shapes, {len(by_state)} states; manifest entry {name}")


if __name__ == "__main__":
    main()
