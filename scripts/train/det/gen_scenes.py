"""Training scenes for the plate detector, rendered to npz shards.

A scene is a SIZE x SIZE BGR crop at the detector's input scale (a frame whose long side is
640 px, i.e. a 1280x720 camera frame halved), plus a stride-4 soft map of "plate pixels"
(the whole plate rectangle, as the ground-truth boxes draw it).

Backgrounds: openalpr-eu photos (their own labelled plate is a positive), randomly rescaled
and cropped, or procedural clutter. Extra plates are pasted in: synthetic US plates from
../synth.py's render_plate and real openalpr-us-crops (training split only, common.is_val
false) with random size (plate width 14-180 px at input scale = 28-360 px in a 1280 frame),
perspective, rotation, colour/brightness matching, blur, noise, soft edges and whole-scene
JPEG, so that paste borders do not give the plates away. openalpr-us-dev is never read.

    nice -n 5 /usr/bin/python3 scripts/train/det/gen_scenes.py --count 1500 --shard 0
"""
import argparse
import csv
import glob
import os
import sys
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from common import DATASETS, WORK, is_val  # noqa: E402
from synth import render_plate  # noqa: E402

SIZE = 256
STRIDE = 4
OUT = os.path.join(WORK, "det")


def load_eu():
    out = []
    for txt in sorted(glob.glob(os.path.join(DATASETS, "openalpr-eu", "*.txt"))):
        boxes = []
        name = None
        for line in open(txt):
            f = line.rstrip("\n").split("\t")
            if len(f) >= 6:
                name = f[0]
                boxes.append(tuple(float(v) for v in f[1:5]))
        if name:
            img = cv2.imread(os.path.join(os.path.dirname(txt), name), cv2.IMREAD_COLOR)
            if img is not None:
                out.append((img, boxes))
    return out


def load_us_crops():
    root = os.path.join(DATASETS, "openalpr-us-crops")
    out = []
    with open(os.path.join(root, "groundtruth.csv")) as fh:
        for row in csv.reader(fh):
            if not row or is_val(row[0]):
                continue
            img = cv2.imread(os.path.join(root, row[0]), cv2.IMREAD_COLOR)
            if img is not None:
                out.append(img)
    return out


def clutter(rng, h, w):
    """Procedural background: gradient, noise, rectangles, lines, and non-plate text."""
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img = (c0 * (1 - t) + c1 * t) * np.ones((h, w, 1), np.float32)
    img += rng.normal(0, rng.uniform(2, 25), (h, w, 1))
    for _ in range(rng.integers(3, 15)):
        col = tuple(float(v) for v in rng.uniform(0, 255, 3))
        x0, y0 = int(rng.uniform(-w / 4, w)), int(rng.uniform(-h / 4, h))
        if rng.random() < 0.6:
            cv2.rectangle(img, (x0, y0), (x0 + int(rng.uniform(5, w)), y0 + int(rng.uniform(5, h))), col, -1)
        else:
            cv2.line(img, (x0, y0), (int(rng.uniform(0, w)), int(rng.uniform(0, h))), col, int(rng.uniform(1, 6)))
    return np.clip(img, 0, 255).astype(np.uint8)


def add_text_negatives(img, rng, avoid):
    """Signs, stickers, shop names: text that is not a plate, so 'text' alone is not enough."""
    h, w = img.shape[:2]
    for _ in range(rng.integers(1, 4)):
        n = int(rng.integers(2, 14))
        s = "".join(rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 abcdefghijklmnopqrstuvwxyz-.")) for _ in range(n))
        scale = rng.uniform(0.25, 1.6)
        thick = int(rng.integers(1, 4))
        font = int(rng.choice([cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_PLAIN]))
        (tw, th), _ = cv2.getTextSize(s, font, scale, thick)
        x, y = int(rng.uniform(-tw / 3, w - tw / 2)), int(rng.uniform(th, h))
        if any(x < bx + bw and x + tw > bx and y - th < by + bh and y > by for bx, by, bw, bh in avoid):
            continue
        if rng.random() < 0.4:  # on a panel, like a sign
            pad = int(th * rng.uniform(0.2, 0.8))
            cv2.rectangle(img, (x - pad, y - th - pad), (x + tw + pad, y + pad), tuple(float(v) for v in rng.uniform(0, 255, 3)), -1)
        cv2.putText(img, s, (x, y), font, scale, tuple(float(v) for v in rng.uniform(0, 255, 3)), thick, cv2.LINE_AA)


def plate_source(rng, us_crops):
    """A plate picture (BGR) whose whole area is the plate, with a little surrounding context."""
    if rng.random() < 0.55 or not us_crops:
        car, box, *_ = render_plate(rng)
        x, y, w, h = box
        mx, my = int(w * 0.25), int(h * 0.35)
        src = cv2.cvtColor(car[y - my:y + h + my, x - mx:x + w + mx], cv2.COLOR_RGB2BGR)
        return src, (mx, my, w, h)
    img = us_crops[rng.integers(len(us_crops))]
    return img, (0, 0, img.shape[1], img.shape[0])


def paste_plate(scene, rng, us_crops, placed):
    """Pastes one plate; returns its quad (4x2, scene pixels) or None if it found no free spot."""
    H, W = scene.shape[:2]
    src, (px, py, pw, ph) = plate_source(rng, us_crops)
    width = float(np.exp(rng.uniform(np.log(14), np.log(180))))
    aspect = (pw / ph) * rng.uniform(0.8, 1.25)
    height = width / aspect
    for _ in range(8):
        cx, cy = rng.uniform(-0.1 * width, W + 0.1 * width), rng.uniform(0, H)
        bx, by = cx - width / 2, cy - height / 2
        if not any(bx < qx + qw + 4 and bx + width + 4 > qx and by < qy + qh + 4 and by + height + 4 > qy for qx, qy, qw, qh in placed):
            break
    else:
        return None
    # destination quad: rectangle with perspective and rotation
    dst = np.array([[bx, by], [bx + width, by], [bx + width, by + height], [bx, by + height]], np.float32)
    dst += rng.uniform(-1, 1, (4, 2)).astype(np.float32) * np.array([width * 0.06, height * 0.1], np.float32)
    ang = np.deg2rad(rng.normal(0, 4))
    c = dst.mean(0)
    r = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]], np.float32)
    dst = (dst - c) @ r.T + c
    srcq = np.array([[px, py], [px + pw, py], [px + pw, py + ph], [px, py + ph]], np.float32)
    m = cv2.getPerspectiveTransform(srcq, dst)
    # pre-blur the source in proportion to the shrink, as a camera would
    shrink = pw / max(width, 1)
    s = src.astype(np.float32)
    if shrink > 1.5:
        s = cv2.GaussianBlur(s, (0, 0), 0.4 * shrink)
    warped = cv2.warpPerspective(s, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # alpha: the plate plus some of its context, feathered so the paste has no hard border
    ctx = rng.uniform(0.0, 1.0) if px > 0 else 0.0
    ex, ey = px * ctx, py * ctx
    area = np.array([[px - ex, py - ey], [px + pw + ex, py - ey], [px + pw + ex, py + ph + ey], [px - ex, py + ph + ey]], np.float32)
    alpha = np.zeros((H, W), np.float32)
    cv2.fillConvexPoly(alpha, cv2.perspectiveTransform(area[None], m)[0].round().astype(np.int32), 1.0, cv2.LINE_AA)
    feather = rng.uniform(0.3, 1.5) + width * rng.uniform(0, 0.02)
    alpha = cv2.GaussianBlur(alpha, (0, 0), feather)[..., None]
    # match brightness and colour to the neighbourhood
    ys, xs = np.nonzero(alpha[..., 0] > 0.5)
    if len(ys) == 0:
        return None
    y0, y1, x0, x1 = max(0, ys.min() - 10), min(H, ys.max() + 10), max(0, xs.min() - 10), min(W, xs.max() + 10)
    local = scene[y0:y1, x0:x1].reshape(-1, 3).mean(0)
    gain = rng.uniform(0.45, 1.25) * (0.6 + 0.4 * local.mean() / 128.0)
    tint = rng.uniform(0.85, 1.15, 3)
    warped = warped * gain * tint + rng.uniform(-25, 25)
    warped = warped * 0.85 + local * 0.15 if rng.random() < 0.5 else warped
    if rng.random() < 0.3:
        k = rng.uniform(0.5, 1.5)
        warped = cv2.GaussianBlur(warped, (0, 0), k)
    out = scene.astype(np.float32) * (1 - alpha) + warped * alpha
    scene[:] = np.clip(out, 0, 255).astype(np.uint8)
    placed.append((float(dst[:, 0].min()), float(dst[:, 1].min()), float(np.ptp(dst[:, 0])), float(np.ptp(dst[:, 1]))))
    return dst


def background(rng, eu):
    """A SIZE x SIZE crop of a rescaled eu photo (with its plate boxes) or procedural clutter."""
    if rng.random() < 0.15:
        return clutter(rng, SIZE, SIZE), []
    img, boxes = eu[rng.integers(len(eu))]
    h, w = img.shape[:2]
    # at inference the frame's long side becomes 640; vary around that
    s = 640.0 / max(h, w) * float(np.exp(rng.uniform(np.log(0.5), np.log(2.2))))
    nw, nh = max(SIZE, int(round(w * s))), max(SIZE, int(round(h * s)))
    s_x, s_y = nw / w, nh / h
    interp = cv2.INTER_AREA if s < 1 and rng.random() < 0.5 else cv2.INTER_LINEAR
    big = cv2.resize(img, (nw, nh), interpolation=interp)
    # prefer crops that hold the labelled plate half of the time
    if boxes and rng.random() < 0.5:
        bx, by, bw, bh = boxes[rng.integers(len(boxes))]
        cx, cy = (bx + bw / 2) * s_x, (by + bh / 2) * s_y
        ox = int(np.clip(cx - rng.uniform(0.1, 0.9) * SIZE, 0, nw - SIZE))
        oy = int(np.clip(cy - rng.uniform(0.1, 0.9) * SIZE, 0, nh - SIZE))
    else:
        ox, oy = int(rng.integers(0, nw - SIZE + 1)), int(rng.integers(0, nh - SIZE + 1))
    crop = big[oy:oy + SIZE, ox:ox + SIZE].copy()
    quads = []
    for bx, by, bw, bh in boxes:
        x0, y0, x1, y1 = bx * s_x - ox, by * s_y - oy, (bx + bw) * s_x - ox, (by + bh) * s_y - oy
        quads.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32))
    return crop, quads


def camera(scene, rng):
    """Whole-frame degradation: low resolution, blur, noise, JPEG."""
    if rng.random() < 0.3:
        f = rng.uniform(0.4, 0.8)
        small = cv2.resize(scene, (int(SIZE * f), int(SIZE * f)), interpolation=cv2.INTER_AREA)
        scene = cv2.resize(small, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.25:
        scene = cv2.GaussianBlur(scene, (0, 0), rng.uniform(0.4, 1.2))
    if rng.random() < 0.4:
        scene = np.clip(scene.astype(np.float32) + rng.normal(0, rng.uniform(2, 10), scene.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.3:  # global exposure / colour cast
        scene = np.clip(scene.astype(np.float32) * rng.uniform(0.5, 1.4) * rng.uniform(0.85, 1.15, 3), 0, 255).astype(np.uint8)
    if rng.random() < 0.8:
        ok, enc = cv2.imencode(".jpg", scene, [cv2.IMWRITE_JPEG_QUALITY, int(rng.uniform(30, 95))])
        scene = cv2.imdecode(enc, cv2.IMREAD_COLOR)
    return scene


def make_scene(rng, eu, us_crops):
    scene, quads = background(rng, eu)
    placed = [(float(q[:, 0].min()), float(q[:, 1].min()), float(np.ptp(q[:, 0])), float(np.ptp(q[:, 1]))) for q in quads]
    if rng.random() < 0.5:
        add_text_negatives(scene, rng, placed)
    n = int(rng.choice([0, 1, 2, 3], p=[0.12, 0.45, 0.28, 0.15]))
    for _ in range(n):
        q = paste_plate(scene, rng, us_crops, placed)
        if q is not None:
            quads.append(q)
    scene = camera(scene, rng)
    mask = np.zeros((SIZE, SIZE), np.float32)
    for q in quads:
        cv2.fillConvexPoly(mask, (q * 4).round().astype(np.int32), 1.0, cv2.LINE_AA, shift=2)
    target = cv2.resize(mask, (SIZE // STRIDE, SIZE // STRIDE), interpolation=cv2.INTER_AREA)
    return scene, (target * 255).round().astype(np.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("--shard", type=int, default=0)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--preview", help="write a PNG grid of 16 scenes with their maps here and exit")
    a = ap.parse_args()
    rng = np.random.default_rng(5000 + a.shard)
    eu, us = load_eu(), load_us_crops()
    if a.preview:
        tiles = []
        for _ in range(16):
            s, t = make_scene(rng, eu, us)
            m = cv2.resize(t, (SIZE, SIZE), interpolation=cv2.INTER_NEAREST)
            s = s.copy()
            s[..., 2] = np.maximum(s[..., 2], m)
            tiles.append(s)
        cv2.imwrite(a.preview, np.vstack([np.hstack(tiles[r * 4:(r + 1) * 4]) for r in range(4)]))
        return
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    xs = np.zeros((a.count, SIZE, SIZE, 3), np.uint8)
    ys = np.zeros((a.count, SIZE // STRIDE, SIZE // STRIDE), np.uint8)
    for i in range(a.count):
        xs[i], ys[i] = make_scene(rng, eu, us)
    path = os.path.join(a.out, f"scenes_{a.shard:03d}.npz")
    np.savez(path + ".tmp.npz", x=xs, y=ys, n_eu=len(eu), n_us=len(us))
    os.replace(path + ".tmp.npz", path)
    print(f"wrote {path}: {a.count} scenes in {time.time() - t0:.0f} s (eu photos {len(eu)}, us crops {len(us)})", flush=True)


if __name__ == "__main__":
    main()
