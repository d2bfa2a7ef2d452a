"""Shared definitions for the plate recogniser: alphabet, input geometry, the crop
convention the daemon's reader reproduces, the train/validation split, and the
augmentation that turns any plate box in any picture into a network input.

Keep CROP_MARGIN_X/Y, INPUT_H/W and the grey conversion in step with
daemon/vision/plate-rec-reader.ts: the reader must crop exactly as training did.
"""
import os
import zlib

import cv2
import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # CTC class k+1 is ALPHABET[k]; 0 is blank
NUM_CLASSES = len(ALPHABET) + 1
INPUT_H, INPUT_W = 32, 128
MAX_LEN = 8

# The reader widens the detector's plate box by these fractions per side before resizing.
# Training jitters around them so a detector's looser or tighter box still reads.
CROP_MARGIN_X = 0.05
CROP_MARGIN_Y = 0.08

STATES = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VA", "VT", "WA", "WI", "WV", "WY",
]
STATE_INDEX = {s: i for i, s in enumerate(STATES)}

DATASETS = os.environ.get(
    "ALPR_DATASETS",
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets"),
)
WORK = os.environ.get("ALPR_TRAIN_WORK", os.path.join(os.path.dirname(__file__), "work"))


def is_val(name: str) -> bool:
    """Deterministic ~10 % hold-out of openalpr-us-crops by file name (stable across runs)."""
    return zlib.crc32(name.encode()) % 10 == 0


def encode(text: str) -> list:
    return [ALPHABET.index(c) + 1 for c in text]


def to_grey(rgb: np.ndarray) -> np.ndarray:
    """BT.601 luma, the same weights the TS reader uses."""
    f = rgb.astype(np.float32)
    return np.clip(0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2] + 0.5, 0, 255).astype(np.uint8)


def us_folds(items):
    """Cross-validation folds (0-4) of openalpr-us-crops items [(path, state, plate)], by plate: fold 0
    holds every plate of which some crop is held out (`is_val`, the 70 crops plate-rec-v1..v10 never
    trained on) and folds 1-4 the other plates by CRC32 of the plate, so no plate is in two folds."""
    val_plates = {plate for path, _, plate in items if is_val(os.path.basename(path))}
    return [0 if plate in val_plates else 1 + zlib.crc32(plate.encode()) % 4 for _, _, plate in items]


# The daemon's crops of a detection (plate-rec-reader.ts defaultPlateRecOptions): [margin x, margin y]
# scale factors on CROP_MARGIN_X/Y. Without a character line: VIEWS around the plate box; with one:
# LINE_VIEWS around the line and ALT_VIEWS around the plate box.
VIEWS = [(1, 1), (0, 0), (2.5, 2), (1, 3.5)]
LINE_VIEWS = [(1, 1), (0, 0)]
ALT_VIEWS = [(1, 1), (2.5, 2)]


def reader_crop(rgb: np.ndarray, box, fx=1.0, fy=1.0) -> np.ndarray:
    """The deterministic crop the daemon makes: margins (scaled by fx, fy: one of the reader's views),
    clamp to the image, grey, bilinear resize."""
    x, y, w, h = box
    x0 = x - w * CROP_MARGIN_X * fx
    x1 = x + w * (1 + CROP_MARGIN_X * fx)
    y0 = y - h * CROP_MARGIN_Y * fy
    y1 = y + h * (1 + CROP_MARGIN_Y * fy)
    H, W = rgb.shape[:2]
    x0, y0 = max(0, int(round(x0))), max(0, int(round(y0)))
    x1, y1 = min(W, int(round(x1))), min(H, int(round(y1)))
    g = to_grey(rgb[y0:y1, x0:x1])
    return cv2.resize(g, (INPUT_W, INPUT_H), interpolation=cv2.INTER_LINEAR)


def _motion_kernel(rng, length):
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1)
    k = cv2.warpAffine(k, m, (length, length))
    return k / max(k.sum(), 1e-6)


# augment_crop's strength: "v10" is what plate-rec-v1..v10 were trained with; "strong" adds what
# the errors of plate-rec-v10 show (see scripts/train/README.md, plate-rec-v11): loose crops with
# clutter, oblique views, plates under 48 px wide, defocus, blown-out glare, corner stickers and
# interlaced video rows. Synthetic shards take it from SYNTH_AUG, realdata.py from --aug.
AUG = os.environ.get("SYNTH_AUG", "v10")


def augment_crop(rgb: np.ndarray, box, rng, low_res_p=0.6, strength=None) -> np.ndarray:
    """Crop `box` out of `rgb` the way a detector plus the reader would, with jittered
    margins, perspective, resolution loss and camera damage; returns INPUT_H x INPUT_W grey."""
    strong = (strength or AUG) == "strong"
    x, y, w, h = box
    cut = rng.random() < (0.15 if strong else 0.12)
    ml = w * (CROP_MARGIN_X + rng.uniform(-0.07, 0.09))
    mr = w * (CROP_MARGIN_X + rng.uniform(-0.07, 0.09))
    mt = h * (CROP_MARGIN_Y + rng.uniform(-0.1, 0.14))
    mb = h * (CROP_MARGIN_Y + rng.uniform(-0.1, 0.14))
    if strong and not cut and rng.random() < 0.25:
        # a loose box (the daemon's wider views, a detector box around plate and frame): clutter around the number
        ml, mr = ml + w * rng.uniform(0, 0.3), mr + w * rng.uniform(0, 0.3)
        mt, mb = mt + h * rng.uniform(0, 0.5), mb + h * rng.uniform(0, 0.5)
    if cut:  # a box that clips one edge of the plate a little
        side = rng.integers(4)
        amount = rng.uniform(0.02, 0.06)
        if side == 0:
            ml = -w * amount
        elif side == 1:
            mr = -w * amount
        elif side == 2:
            mt = -h * amount * 2
        else:
            mb = -h * amount * 2
    x0, x1, y0, y1 = x - ml, x + w + mr, y - mt, y + h + mb
    cw, ch = x1 - x0, y1 - y0
    j = np.array([cw, ch], np.float32) * np.array([0.035, 0.06], np.float32)
    src = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    src += rng.uniform(-1, 1, (4, 2)).astype(np.float32) * j
    if strong and rng.random() < 0.3:
        # seen obliquely: one end of the plate nearer the camera (taller) than the other
        f = rng.uniform(0.0, 0.3) * ch / 2
        end = [0, 3] if rng.random() < 0.5 else [1, 2]
        src[end[0], 1] -= f
        src[end[1], 1] += f
    # rotation about the centre
    ang = np.deg2rad(rng.normal(0, 5.0 if strong and rng.random() < 0.2 else 2.0))
    c = src.mean(0)
    r = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]], np.float32)
    src = (src - c) @ r.T + c
    # resolution the camera gave this plate: often as low as openalpr-us-dev (~60 px wide)
    if rng.random() < low_res_p:
        lw = int(rng.uniform(32, 48)) if strong and rng.random() < 0.15 else int(rng.uniform(48, 120))
    else:
        lw = int(rng.uniform(120, 220))
    lh = max(10, int(round(lw * ch / max(cw, 1) * rng.uniform(0.9, 1.1))))
    big_w, big_h = lw * 2, lh * 2
    dst = np.array([[0, 0], [big_w, 0], [big_w, big_h], [0, big_h]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    border = cv2.BORDER_REPLICATE if rng.random() < 0.7 else cv2.BORDER_REFLECT
    warped = cv2.warpPerspective(rgb, m, (big_w, big_h), flags=cv2.INTER_LINEAR, borderMode=border)
    img = cv2.resize(warped, (lw, lh), interpolation=cv2.INTER_AREA).astype(np.float32)
    # sensor: random channel weights (IR-ish / colour casts) then grey
    if rng.random() < 0.25:
        wts = rng.dirichlet([1, 1, 1]).astype(np.float32)
    else:
        wts = np.array([0.299, 0.587, 0.114], np.float32)
    g = img @ wts
    if rng.random() < 0.35:
        k = int(rng.integers(2, 6))
        g = cv2.filter2D(g, -1, _motion_kernel(rng, k))
    if rng.random() < 0.3:
        g = cv2.GaussianBlur(g, (0, 0), rng.uniform(0.4, 1.2))
    elif strong and rng.random() < 0.12:  # out of focus
        g = cv2.GaussianBlur(g, (0, 0), rng.uniform(1.2, 2.0))
    # light: contrast, brightness, gamma, glare
    lo, hi = np.percentile(g, 2), np.percentile(g, 98)
    contrast = rng.uniform(0.45, 1.2)
    g = (g - g.mean()) * contrast + g.mean() + rng.uniform(-50, 50)
    if rng.random() < 0.2:
        yy, xx = np.mgrid[0:lh, 0:lw].astype(np.float32)
        cx, cy = rng.uniform(0, lw), rng.uniform(0, lh)
        s = rng.uniform(0.15, 0.5) * lw
        g += rng.uniform(40, 120) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2 * 4) / (2 * s * s))
    if strong and rng.random() < 0.08:  # glare blown out to white over part of the plate
        yy, xx = np.mgrid[0:lh, 0:lw].astype(np.float32)
        cx, cy = rng.uniform(0, lw), rng.uniform(0, lh)
        s = rng.uniform(0.04, 0.12) * lw
        g = g + rng.uniform(150, 300) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2 * 2) / (2 * s * s))
    if strong and rng.random() < 0.08:  # a sticker or bolt cover in a corner
        sw, sh = max(2, int(lw * rng.uniform(0.04, 0.1))), max(2, int(lh * rng.uniform(0.15, 0.4)))
        sx = int(rng.uniform(0, 0.06) * lw) if rng.random() < 0.5 else lw - sw - int(rng.uniform(0, 0.06) * lw)
        sy = 0 if rng.random() < 0.5 else lh - sh
        g[sy:sy + sh, max(0, sx):sx + sw] = rng.uniform(0, 255)
    if rng.random() < 0.15:  # shadow band
        yy, xx = np.mgrid[0:lh, 0:lw].astype(np.float32)
        a, b = rng.uniform(-1, 1), rng.uniform(0, lw)
        g = np.where(xx > a * yy + b, g * rng.uniform(0.4, 0.8), g)
    g = np.clip(g, 0, 255)
    if rng.random() < 0.3:
        gamma = rng.uniform(0.6, 1.6)
        g = 255 * (g / 255) ** gamma
    g = g + rng.normal(0, rng.uniform(0, 10), g.shape)
    if strong and rng.random() < 0.08 and lh >= 12:  # one field of interlaced video, rows doubled
        g = cv2.resize(g[::2], (lw, lh), interpolation=cv2.INTER_LINEAR)
    g = np.clip(g, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        q = int(rng.uniform(15, 90))
        ok, enc = cv2.imencode(".jpg", g, [cv2.IMWRITE_JPEG_QUALITY, q])
        if ok:
            g = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    del lo, hi
    return cv2.resize(g, (INPUT_W, INPUT_H), interpolation=cv2.INTER_LINEAR)


def load_us_crops():
    """[(path, state, plate)] from openalpr-us-crops/groundtruth.csv."""
    return load_crops("openalpr-us-crops")


def load_crops(folder):
    """[(path, state, plate)] from a crops folder's groundtruth.csv (openalpr-us-crops, openalpr-br-crops)."""
    root = os.path.join(DATASETS, folder)
    out = []
    with open(os.path.join(root, "groundtruth.csv")) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) != 3 or parts[0] == "file":
                continue
            plate = "".join(ch for ch in parts[2].upper() if ch.isalnum())
            out.append((os.path.join(root, parts[0]), parts[1].upper(), plate))
    return out


def load_boxes(folder):
    """[(image_path, (x, y, w, h), plate)] from a NAME.txt-per-image folder (openalpr-eu, -us-dev)."""
    root = os.path.join(DATASETS, folder)
    out = []
    for name in sorted(os.listdir(root)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(root, name)) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 6:
                    continue
                x, y, w, h = (int(v) for v in parts[1:5])
                plate = "".join(ch for ch in parts[5].upper() if ch.isalnum())
                out.append((os.path.join(root, parts[0]), (x, y, w, h), plate))
    return out
