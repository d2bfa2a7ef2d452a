#!/usr/bin/env bash
# Regenerates the training data, trains the plate recogniser, exports ONNX, evaluates it and
# updates models/manifest.yaml: one command for the trained reader.
#
#   scripts/train/run-all.sh                 # full run (see README for the time on a 2-core CPU)
#   STEPS=2000 SHARDS=2 scripts/train/run-all.sh   # a quick smoke run
#
# Needs Debian's python3-torch, python3-onnx, python3-opencv, python3-pil, python3-numpy and
# fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-freefont-ttf fonts-urw-base35
# fonts-noto-mono; the datasets in ../shared/datasets (or ALPR_DATASETS). Work files go to
# scripts/train/work/ (git-ignored). A stopped run continues with RESUME=1.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
STEPS=${STEPS:-6500}
FT_STEPS=${FT_STEPS:-3000}
SHARDS=${SHARDS:-6}          # 20,000 synthetic plates each
COPIES=${COPIES:-40}         # augmented copies of each real plate
WIDTHS=${WIDTHS:-16,32,64,80,112}   # plate-rec-v2 and v3: WIDTHS=24,48,96,128,160 FT_STEPS=0 (see README)
NAME=${NAME:-plate-rec-v1}
# the single schedule (FT_STEPS=0): learning rate, real share at its start and end, and an optional
# shipped model to fine-tune (plate-rec-v3: INIT_ONNX=../../models/plate-rec-v2.onnx LR=1e-3 REAL_START=0.5)
LR=${LR:-3e-3}
REAL_START=${REAL_START:-0.3}
REAL_END=${REAL_END:-0.8}
INIT_ONNX=${INIT_ONNX:-}
SEED=${SEED:-0}              # weights' start, batch order and augmentation (a second seed shows how much of a gain is luck)
OUT=../../models/$NAME.onnx
mkdir -p work/synth
start=$(date +%s)

if [[ "${RESUME:-0}" != 1 ]]; then
  echo "== synthetic plates: $SHARDS shards (two renderers)"
  render() { for s in "$@"; do [[ -f work/synth/shard_$(printf %03d "$s").npz ]] || nice -n 5 $PY synth.py --count 20000 --shard "$s" --out work/synth; done; }
  half=$(( (SHARDS + 1) / 2 ))
  render $(seq 0 $((half - 1))) &
  r1=$!
  render $(seq "$half" $((SHARDS - 1))) &
  r2=$!
  echo "== the daemon's detector boxes on the trainable plates"
  (cd ../.. && npx tsx scripts/train/det-boxes.ts)
  echo "== real plates"
  nice -n 5 $PY realdata.py --copies "$COPIES"
  wait $r1 $r2
fi

echo "== training ($STEPS steps)"
t0=$(date +%s)
resume=(); [[ "${RESUME:-0}" == 1 ]] && resume=(--resume)
if [[ "$FT_STEPS" -gt 0 ]]; then
  nice -n 5 $PY train.py --steps "$STEPS" --widths "$WIDTHS" --threads 1 "${resume[@]}" 2>&1 | tee -a work/train.log
  echo "== fine-tuning ($FT_STEPS steps, more real plates, lower learning rate)"
  nice -n 5 $PY train.py --tag ft_ --init work/ckpt_last.pt --steps "$FT_STEPS" --widths "$WIDTHS" --lr 1e-3 --real-start 0.6 --real-end 0.8 --threads 1 2>&1 | tee -a work/train.log
else
  # one schedule, real share REAL_START -> REAL_END (how plate-rec-v2 and v3 were trained, on two threads)
  init=(); [[ -n "$INIT_ONNX" ]] && init=(--init-onnx "$INIT_ONNX")
  nice -n 5 $PY train.py --tag ft_ --steps "$STEPS" --widths "$WIDTHS" --lr "$LR" --real-start "$REAL_START" --real-end "$REAL_END" \
    --eval-every 500 --threads 2 --seed "$SEED" "${init[@]}" "${resume[@]}" 2>&1 | tee -a work/train.log
fi
best=work/ft_ckpt_best.pt
# A fine-tune starts from a model already good on the 70 held-out crops, too few to pick a step by
# (±1 crop is 1.4 points): its schedule's end is shipped, as for plate-rec-v3.
[[ -n "$INIT_ONNX" ]] && best=work/ft_ckpt_last.pt
train_s=$(( $(date +%s) - t0 ))

echo "== export, evaluate, manifest"
$PY export.py --ckpt "$best" --out "$OUT"
node check-onnx.mjs "$OUT"
$PY eval_crops.py --ckpt "$best" --out work/eval.json | head -4
$PY update_manifest.py --name "$NAME" --model "$OUT" --eval work/eval.json --steps $((STEPS + FT_STEPS)) --train-seconds "$train_s" \
  ${INIT_ONNX:+--fine-tuned-from "$(basename "$INIT_ONNX" .onnx)"}
echo "== done in $(( $(date +%s) - start )) s (training $train_s s)"
