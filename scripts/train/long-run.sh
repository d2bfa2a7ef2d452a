#!/usr/bin/env bash
# plate-rec-v11's training in resumable stages (scripts/train/README.md, "plate-rec-v11: protocol"):
#   0. data: synthetic shards (SYNTH_AUG=strong), the detector's boxes, the real sets (pretrain, us)
#   1. pre-training on synthetic plates, openalpr-br-crops and openalpr-eu (no US plate)
#   2. five fine-tunes on openalpr-us-crops, each leaving one cross-validation fold out, then the
#      candidates read their left-out fold (cv_eval.py): P pre-trained, F fine-tuned, M their mean;
#      and the fine-tune on every fold, the model that ships if the protocol says so (two at a time)
# Every stage is skipped when its done-file exists and resumed from its last checkpoint otherwise,
# so the same command continues a stopped run:
#
#   cd scripts/train && setsid nohup nice -n 19 ./long-run.sh >> work/logs/long-run.log 2>&1 < /dev/null &
#
# Everything goes to scripts/train/work/ (git-ignored; ALPR_TRAIN_WORK elsewhere). PRE_STEPS and
# FT_STEPS may be raised on a resume (the cosine schedule stretches from the step it is at).
# A run of many hours should not pick up edits made meanwhile: run a copy of the code,
#   mkdir -p work/code && cp *.py *.sh work/code/ && ALPR_TRAIN_WORK=$PWD/work MODELS=$PWD/../../models \
#     ALPR_DATASETS=$PWD/../../../shared/datasets setsid nohup nice -n 19 work/code/long-run.sh ...
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
export ALPR_TRAIN_WORK=${ALPR_TRAIN_WORK:-$PWD/work}
W=$ALPR_TRAIN_WORK
MODELS=${MODELS:-../../models}
WIDTHS=${WIDTHS:-32,64,128,160,192}
SHARDS=${SHARDS:-10}
PRE_STEPS=${PRE_STEPS:-6000}
FT_STEPS=${FT_STEPS:-800}
FOLDS=${FOLDS:-0 1 2 3 4}
THREADS=${THREADS:-1}
mkdir -p $W/synth $W/logs $W/cv
stamp() { echo "== $(date -u +%FT%TZ) $*"; }

stamp "synthetic plates: $SHARDS shards in the background (one renderer)"
(flock -n 9 || exit 0  # one renderer, even when a stopped run is started again
 for s in $(seq 0 $((SHARDS - 1))); do
  f=$W/synth/shard_$(printf %03d "$s").npz
  [[ -f $f ]] || SYNTH_AUG=strong $PY synth.py --count 20000 --shard "$s" --out $W/synth
 done) 9> $W/synth/.render.lock >> $W/logs/render.log 2>&1 &
[[ -f $W/det_boxes.json ]] || (cd ../.. && npx tsx scripts/train/det-boxes.ts "$W/det_boxes.json")
[[ -f $W/real_pre.npz ]] || $PY realdata.py --set pretrain --aug strong
[[ -f $W/real_us.npz && -f $W/cv_views.npz ]] || $PY realdata.py --set us --copies 60 --aug strong
while [[ ! -f $W/synth/shard_000.npz ]]; do sleep 60; done

if [[ ! -f $W/pre_done.json ]]; then
  stamp "pre-training ($PRE_STEPS steps)"
  $PY train.py --tag pre_ --widths "$WIDTHS" --steps "$PRE_STEPS" --lr 3e-3 --real real_pre.npz \
    --real-start 0.3 --real-end 0.5 --eval-every 1000 --threads "$THREADS" --resume
fi

finetune() {  # TAG EXCLUDE_FOLD
  [[ -f $W/$1done.json ]] && return
  stamp "fine-tune $1 (fold $2 left out, $FT_STEPS steps)"
  local start=(--init $W/pre_ckpt_last.pt)
  [[ -f $W/$1ckpt_last.pt ]] && start=(--resume)
  $PY train.py --tag "$1" --widths "$WIDTHS" --steps "$FT_STEPS" --lr 1e-3 --freeze-bn \
    --real real_us.npz:0.7,real_pre.npz:0.3 --exclude-fold "$2" --real-start 0.5 --real-end 0.8 \
    --eval-every 500 --threads "$THREADS" "${start[@]}"
}

[[ -f $W/cv/pre_all.json ]] || $PY cv_eval.py --threads 1 --fold -1 --name P=$W/pre_ckpt_last.pt --out $W/cv/pre_all.json
fold() {  # K: fine-tune without fold K, then read fold K; "all": the fine-tune on every fold
  if [[ $1 == all ]]; then finetune ftall_ -1; return; fi
  finetune "ft$1_" "$1"
  [[ -f $W/cv/fold$1.json ]] || $PY cv_eval.py --threads 1 --fold "$1" --name "P=$W/pre_ckpt_last.pt" \
    --name "F=$W/ft$1_ckpt_last.pt" --name "M=mean:$W/pre_ckpt_last.pt,$W/ft$1_ckpt_last.pt" \
    $([[ $1 == 0 ]] && echo --name V10=onnx:$MODELS/plate-rec-v10.onnx:24,48,96,128,160) --out "$W/cv/fold$1.json"
}
# two single-threaded fine-tunes at a time: on a shared machine a second thread in one process
# doubled the CPU a step took (1.44 s against 2.96 s for 64 crops) and gained no time
set -- $FOLDS all
while (($#)); do
  pids=()
  for k in "$1" ${2:+"$2"}; do fold "$k" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  shift $(($# < 2 ? $# : 2))
done
$PY cv_eval.py --summary $W/cv | tee $W/cv/summary.txt
stamp "done: $W/ftall_ckpt_last.pt (and $W/pre_ckpt_last.pt for the mean); next: the protocol's shipping rule"
