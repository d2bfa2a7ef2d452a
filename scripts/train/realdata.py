"""Real training and validation arrays from the datasets the project may train on.

- openalpr-us-crops: ~90 % (common.is_val false) augmented many times for training; the
  other ~10 % become the held-out validation set, cropped deterministically twice: at the
  crop's own resolution and after shrinking the plate to ~64 px wide (the size of plates in
  openalpr-us-dev photos).
- openalpr-eu: every plate box less its country band, augmented for training (the text only; no state).
- work/det_boxes.json (scripts/train/det-boxes.ts), when present: the daemon's own detector boxes
  on those same plates, so that some copies are cropped the way the daemon crops at run time.
- openalpr-us-dev is never read here: it is validation for the whole pipeline only.

    /usr/bin/python3 scripts/train/realdata.py --copies 40            # plate-rec-v1..v10's set

--set pretrain and --set us are plate-rec-v11's two stages (scripts/train/long-run.sh):
- pretrain (work/real_pre.npz): openalpr-br-crops (photographed and rendered, half of each plate's
  copies at the daemon's character line when det-boxes.ts found one) and openalpr-eu; no US plate,
  so every us-crop is unseen by the pre-trained model;
- us (work/real_us.npz, with each sample's cross-validation fold, common.us_folds): every
  openalpr-us-crops plate, for the fine-tunes that leave one fold out; work/cv_views.npz: each
  crop as the daemon reads it (edge-repeated around as det-boxes.ts pads it, the reader's four
  views of its character line and plate box), for cv_eval.py; work/real_val.npz as before (the 70
  held-out crops, for train.py's log).
openalpr-br photos are not trained on: they stay an end-to-end check the reader never saw.
"""
import argparse
import json
import os
import re
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import (ALT_VIEWS, INPUT_H, INPUT_W, LINE_VIEWS, STATE_INDEX, VIEWS, WORK, augment_crop,  # noqa: E402
                    is_val, load_boxes, load_crops, load_us_crops, reader_crop, us_folds)


def read_rgb(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise SystemExit(f"{path}: cannot read image")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def shrink(rgb, width):
    h = max(8, int(round(rgb.shape[0] * width / rgb.shape[1])))
    return cv2.resize(rgb, (width, h), interpolation=cv2.INTER_AREA)


def text_region(shape, rng):
    """Approximate text-line box of a whole-plate crop: the number sits in the middle band."""
    h, w = shape[:2]
    x0, x1 = w * rng.uniform(0.02, 0.1), w * rng.uniform(0.9, 0.98)
    y0, y1 = h * rng.uniform(0.16, 0.3), h * rng.uniform(0.72, 0.86)
    return (x0, y0, x1 - x0, y1 - y0)


def without_band(rgb, box):
    """The plate box with the EU country band at its left end cut off, and whether blue was seen.

    The band's letters (D, CZ, SK) are not part of the number; a reader trained on them learns to
    drop a plate's first character, which on US plates costs whole reads. Where the band's blue is
    clear the cut follows it; in dim or washed-out photos it takes the band's usual width (40 mm of a
    520 mm plate, and a little)."""
    x, y, w, h = box
    x0, x1 = max(0, int(x)), min(rgb.shape[1], int(x + w * 0.2))
    y0, y1 = max(0, int(y + h * 0.15)), min(rgb.shape[0], int(y + h * 0.85))
    if x1 - x0 >= 3 and y1 - y0 >= 3:
        hsv = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2HSV)
        blue = (hsv[..., 0] >= 95) & (hsv[..., 0] <= 135) & (hsv[..., 1] >= 50) & (hsv[..., 2] >= 30)
        cols = blue.mean(axis=0) > 0.3
        if cols[: max(1, len(cols) // 3)].any():
            cut = (x0 - x) + int(np.nonzero(cols)[0].max()) + 1 + 0.01 * w
            return (x + cut, y, w - cut, h), True
    return (x + 0.085 * w, y, w * 0.915, h), False


def load_det_boxes(path):
    """{"eu": {photo: [[x, y, w, h], ...]}, "usCrops": {crop: [x, y, w, h] | null}} or None."""
    if not os.path.exists(path):
        print(f"{path}: absent, so no copies are cropped at the detector's boxes "
              "(npx tsx scripts/train/det-boxes.ts writes it)", flush=True)
        return None
    with open(path) as f:
        return json.load(f)


def iou(a, b):
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / max(1e-6, a[2] * a[3] + b[2] * b[3] - inter)


def matching_detection(dets, box, band_cut):
    """The detector's box on this plate (best overlap, at least 0.3), its left edge no further
    left than the band cut: the band's letters are not in the label."""
    best = max(dets, key=lambda d: iou(d, box), default=None)
    if best is None or iou(best, box) < 0.3:
        return None
    x0 = max(best[0], band_cut[0])
    return (x0, best[1], best[0] + best[2] - x0, best[3])


def slovak_digits(plate):
    """Slovak numbers are two letters, three digits, two letters; a few labels give the digit 0 as O."""
    if re.fullmatch(r"[A-Z]{2}[0-9O]{3}[A-Z]{2}", plate):
        return plate[:2] + plate[2:5].replace("O", "0") + plate[5:]
    return plate


def eu_samples(det, copies, rng, strength, xs, ys, st):
    """openalpr-eu plate boxes less the country band, half the copies at the detector's box; returns (plates, bands seen, at detector boxes)."""
    n_eu = n_band = n_det = 0
    for path, box, plate in load_boxes("openalpr-eu"):
        rgb = read_rgb(path)
        n_eu += 1
        cut, found = without_band(rgb, box)
        n_band += found
        plate = slovak_digits(plate)
        found_box = det and matching_detection(det["eu"].get(os.path.basename(path), []), box, cut)
        n_det += bool(found_box)
        for _ in range(copies):
            b = found_box if found_box and rng.random() < 0.5 else cut
            xs.append(augment_crop(rgb, b, rng, low_res_p=0.4, strength=strength))
            ys.append(plate)
            st.append(-1)
    return n_eu, n_band, n_det


def padded(rgb, line):
    """The crop edge-repeated by the refine step's search margins (as det-boxes.ts pads it), with the
    plate box and the character line (or None) in the padded image's pixels."""
    h, w = rgb.shape[:2]
    left, top = int(round(w * 0.15)), int(round(h * 0.3))
    big = cv2.copyMakeBorder(rgb, top, top, left, left, cv2.BORDER_REPLICATE)
    plate = (left, top, w, h)
    return big, plate, (line[0] + left, line[1] + top, line[2], line[3]) if line else None


def daemon_views(rgb, line, line_views=LINE_VIEWS):
    """The reader's four crops of a crop read as the daemon reads a detection (see padded)."""
    big, plate, lb = padded(rgb, line)
    if lb:
        return [reader_crop(big, lb, fx, fy) for fx, fy in line_views] + [reader_crop(big, plate, fx, fy) for fx, fy in ALT_VIEWS]
    return [reader_crop(big, plate, fx, fy) for fx, fy in VIEWS]


def views_set(a, det):
    """Only the cross-validation views, with other margins for the character line's crops (a candidate
    reader option, plate-rec-reader.ts lineViews), e.g. --line-views 1,1:2,1 --views-out cv_views_b.npz."""
    line_views = [tuple(float(v) for v in p.split(",")) for p in a.line_views.split(":")]
    items = load_us_crops()
    lines = (det or {}).get("usCrops", {})
    cx = [np.stack(daemon_views(read_rgb(path), lines.get(os.path.basename(path)), line_views)) for path, _, _ in items]
    base = np.load(os.path.join(a.out, "cv_views.npz"))
    np.savez(os.path.join(a.out, a.views_out), **{k: base[k] for k in base.files if k != "x"}, x=np.stack(cx))
    print(f"{a.views_out}: {len(cx)} crops, line views {line_views}", flush=True)


def pretrain_set(a, det, rng):
    xs, ys, st = [], [], []
    lines = (det or {}).get("brCrops", {})
    n_photo = n_render = n_line = 0
    for path, _, plate in load_crops("openalpr-br-crops"):
        rgb = read_rgb(path)
        name = os.path.basename(path)
        photo = name.startswith("br-photo-")
        n_photo += photo
        n_render += not photo
        line = lines.get(name)
        n_line += bool(line)
        box = (0, 0, rgb.shape[1], rgb.shape[0])
        for _ in range(a.copies_br_photo if photo else a.copies_br_render):
            b = tuple(line) if line and rng.random() < 0.5 else box
            xs.append(augment_crop(rgb, b, rng, strength=a.aug))
            ys.append(plate)
            st.append(-1)
    n_eu, n_band, n_det = eu_samples(det, a.copies_eu, rng, a.aug, xs, ys, st)
    np.savez(os.path.join(a.out, "real_pre.npz"), x=np.stack(xs), y=np.array(ys), state=np.array(st, np.int16))
    print(f"pretrain: {n_photo} br photos x {a.copies_br_photo} + {n_render} br renders x {a.copies_br_render} ({n_line} at a "
          f"detector line half the time) + {n_eu} eu plates x {a.copies_eu} ({n_det} at detector boxes) = {len(xs)} samples", flush=True)


def us_set(a, det, rng):
    xs, ys, st, fo = [], [], [], []
    vx, vx_low, vy, vst, vnames = [], [], [], [], []
    cx, cy, cst, cfold, cnames, cline = [], [], [], [], [], []
    items = load_us_crops()
    folds = us_folds(items)
    lines = (det or {}).get("usCrops", {})
    for (path, state, plate), fold in zip(items, folds):
        rgb = read_rgb(path)
        name = os.path.basename(path)
        box = (0, 0, rgb.shape[1], rgb.shape[0])
        sidx = STATE_INDEX.get(state, -1)
        line = lines.get(name)
        cx.append(np.stack(daemon_views(rgb, line)))
        cy.append(plate), cst.append(sidx), cfold.append(fold), cnames.append(name), cline.append(bool(line))
        if is_val(name):
            vx.append(reader_crop(rgb, box))
            small = shrink(rgb, 64)
            vx_low.append(reader_crop(small, (0, 0, small.shape[1], small.shape[0])))
            vy.append(plate), vst.append(sidx), vnames.append(name)
        for _ in range(a.copies):
            r = rng.random()
            b = box if r < 1 / 3 else tuple(line) if line and r < 2 / 3 else text_region(rgb.shape, rng)
            xs.append(augment_crop(rgb, b, rng, strength=a.aug))
            ys.append(plate), st.append(sidx), fo.append(fold)
    np.savez(os.path.join(a.out, "real_us.npz"), x=np.stack(xs), y=np.array(ys), state=np.array(st, np.int16), fold=np.array(fo, np.int8))
    np.savez(os.path.join(a.out, "cv_views.npz"), x=np.stack(cx), y=np.array(cy), state=np.array(cst, np.int16), fold=np.array(cfold, np.int8),
             names=np.array(cnames), line=np.array(cline), held_out=np.array([is_val(n) for n in cnames]))
    np.savez(os.path.join(a.out, "real_val.npz"), x=np.stack(vx), x_low=np.stack(vx_low), y=np.array(vy),
             state=np.array(vst, np.int16), names=np.array(vnames))
    print(f"us: {len(items)} crops x {a.copies} = {len(xs)} samples in folds {np.bincount(folds).tolist()} (crops); "
          f"{sum(cline)} with a detector line; {len(vx)} held-out crops", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--line-views", default="1,1:0,0", help="--set views: the character line's crops, margin scales x,y:x,y")
    ap.add_argument("--views-out", default="cv_views_b.npz")
    ap.add_argument("--set", default="v10", choices=("v10", "pretrain", "us", "views"),
                    help="v10: plate-rec-v1..v10's real_train/real_val; pretrain, us: plate-rec-v11's two stages (see above)")
    ap.add_argument("--copies", type=int, default=40, help="augmented copies per real plate (v10, us)")
    ap.add_argument("--copies-br-photo", type=int, default=20)
    ap.add_argument("--copies-br-render", type=int, default=6)
    ap.add_argument("--copies-eu", type=int, default=60)
    ap.add_argument("--aug", default="v10", choices=("v10", "strong"), help="common.augment_crop strength")
    ap.add_argument("--out", default=WORK)
    ap.add_argument("--det-boxes", default=os.path.join(WORK, "det_boxes.json"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.set != "v10":
        t = time.time()
        det = load_det_boxes(a.det_boxes)
        if a.set == "views":
            views_set(a, det)
        else:
            (pretrain_set if a.set == "pretrain" else us_set)(a, det, np.random.default_rng(7))
        print(f"{time.time() - t:.0f} s", flush=True)
        return
    rng = np.random.default_rng(7)
    t = time.time()
    xs, ys, st = [], [], []
    vx, vx_low, vy, vst, vnames = [], [], [], [], []
    n_us = n_eu = n_det = 0
    det = load_det_boxes(a.det_boxes)
    for path, state, plate in load_us_crops():
        rgb = read_rgb(path)
        name = os.path.basename(path)
        box = (0, 0, rgb.shape[1], rgb.shape[0])
        sidx = STATE_INDEX.get(state, -1)
        if is_val(name):
            vx.append(reader_crop(rgb, box))
            small = shrink(rgb, 64)
            vx_low.append(reader_crop(small, (0, 0, small.shape[1], small.shape[0])))
            vy.append(plate)
            vst.append(sidx)
            vnames.append(name)
            continue
        n_us += 1
        line = det and det["usCrops"].get(name)
        n_det += bool(line)
        for _ in range(a.copies):
            # whole-plate boxes, the detector's text line, or a text-line box around where US
            # plate numbers sit, a third each
            r = rng.random()
            b = box if r < 1 / 3 else tuple(line) if line and r < 2 / 3 else text_region(rgb.shape, rng)
            xs.append(augment_crop(rgb, b, rng))
            ys.append(plate)
            st.append(sidx)
    n_band = 0
    for path, box, plate in load_boxes("openalpr-eu"):
        rgb = read_rgb(path)
        n_eu += 1
        cut, found = without_band(rgb, box)
        n_band += found
        plate = slovak_digits(plate)
        found_box = det and matching_detection(det["eu"].get(os.path.basename(path), []), box, cut)
        n_det += bool(found_box)
        for _ in range(a.copies):
            b = found_box if found_box and rng.random() < 0.5 else cut
            xs.append(augment_crop(rgb, b, rng, low_res_p=0.4))
            ys.append(plate)
            st.append(-1)
    np.savez(os.path.join(a.out, "real_train.npz"), x=np.stack(xs), y=np.array(ys), state=np.array(st, np.int16),
             n_us=n_us, n_eu=n_eu)
    np.savez(os.path.join(a.out, "real_val.npz"), x=np.stack(vx), x_low=np.stack(vx_low), y=np.array(vy),
             state=np.array(vst, np.int16), names=np.array(vnames))
    print(f"real: {n_us} us-crops + {n_eu} eu plates ({n_band} with a blue band seen) x {a.copies} copies = {len(xs)} train samples; "
          f"{n_det} cropped at detector boxes too; {len(vx)} held-out us-crops; {time.time() - t:.0f} s", flush=True)
    assert xs[0].shape == (INPUT_H, INPUT_W)


if __name__ == "__main__":
    main()
