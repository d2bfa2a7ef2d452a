#!/bin/sh
# Rebuilds the plate detector from nothing: scenes, training, ONNX export,
# shape/timing check. On the 2-core unit with a reader job beside it: scenes ~8 min, training
# as long as --minutes says (42 for plate-det-v1), export and check < 1 min.
# Then measure and record (see scripts/train/det/README.md):
#   node bin/alpr-edge.js eval --dataset ../shared/datasets/openalpr-us-dev --detector plate-det-v1 --reader plate-rec-v1
#   /usr/bin/python3 scripts/train/det/update_manifest.py --scores '...'
set -e
cd "$(dirname "$0")/../../.."
PY=/usr/bin/python3
for s in 0 1 2 3 4 5 6 7; do nice -n 5 $PY scripts/train/det/gen_scenes.py --count 1500 --shard $s; done
nice -n 5 $PY scripts/train/det/train.py --minutes "${MINUTES:-42}" --threads 1
$PY scripts/train/det/export.py --out models/plate-det-v1.onnx
node --import tsx scripts/train/det/check-det.mjs models/plate-det-v1.onnx
