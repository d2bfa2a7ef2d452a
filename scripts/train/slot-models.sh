#!/usr/bin/env bash
# A temporary models folder for measuring a candidate reader with the daemon's own tools
# (alpr-edge eval --models-dir, MODELS_DIR=... scripts/vision-cpu.ts): copies (not links) of models/,
# with CANDIDATE.onnx in SLOT's place and SLOT's sha256 in manifest.yaml rewritten to match.
#
#   scripts/train/slot-models.sh work/cand.onnx plate-rec-v1 [OUT_DIR]   (default scripts/train/work/models-slot)
#
# The candidate must have the slot's input shape (the reader code checks outputs when it opens it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cand=$(realpath "$1")
slot=$2
out=${3:-$here/work/models-slot}
rm -rf "$out" && mkdir -p "$out"
cp -r "$here/../../models/." "$out/"
file=$(awk -v s="  $slot:" '$0 == s {f = 1; next} f && /^  [a-z0-9-]+:$/ {f = 0} f && $1 == "file:" {print $2; exit}' "$out/manifest.yaml")
[[ -n $file ]] || { echo "$slot: no such entry in models/manifest.yaml" >&2; exit 1; }
old=$(sha256sum "$out/$file" | cut -d' ' -f1)
cp "$cand" "$out/$file"
new=$(sha256sum "$out/$file" | cut -d' ' -f1)
sed -i "s/$old/$new/" "$out/manifest.yaml"
# files outside models/ (PP-OCR's, under node_modules) are named relative to it
sed -i "s|file: \.\./|file: $(realpath "$here/../..")/|" "$out/manifest.yaml"
echo "$out: $cand in $slot ($file)"
