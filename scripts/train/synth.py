"""Synthetic US-style licence plates, rendered to numpy shards for training.

Each sample is a whole plate (state banner, slogan, stickers, bolts, optional dealer
frame, graphics, separators between character groups) placed on a car-like background
and then cropped through common.augment_crop, exactly as real plates are.

Fonts come from Debian font packages: fonts-dejavu-core, fonts-dejavu-extra,
fonts-liberation, fonts-freefont-ttf, fonts-urw-base35, fonts-noto-mono.

    /usr/bin/python3 scripts/train/synth.py --count 20000 --shard 0 --out scripts/train/work/synth
"""
import argparse
import glob
import os
import sys
import time

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(__file__))
from common import ALPHABET, INPUT_H, INPUT_W, STATE_INDEX, augment_crop  # noqa: E402

STATE_NAMES = {
    "AK": "ALASKA", "AL": "ALABAMA", "AR": "ARKANSAS", "AZ": "ARIZONA", "CA": "California",
    "CO": "COLORADO", "CT": "CONNECTICUT", "DC": "DISTRICT OF COLUMBIA", "DE": "DELAWARE",
    "FL": "FLORIDA", "GA": "GEORGIA", "HI": "HAWAII", "IA": "IOWA", "ID": "IDAHO",
    "IL": "ILLINOIS", "IN": "INDIANA", "KS": "KANSAS", "KY": "KENTUCKY", "LA": "LOUISIANA",
    "MA": "Massachusetts", "MD": "Maryland", "ME": "MAINE", "MI": "MICHIGAN", "MN": "MINNESOTA",
    "MO": "MISSOURI", "MS": "MISSISSIPPI", "MT": "MONTANA", "NC": "NORTH CAROLINA",
    "ND": "NORTH DAKOTA", "NE": "NEBRASKA", "NH": "NEW HAMPSHIRE", "NJ": "NEW JERSEY",
    "NM": "NEW MEXICO", "NV": "NEVADA", "NY": "NEW YORK", "OH": "OHIO", "OK": "OKLAHOMA",
    "OR": "Oregon", "PA": "PENNSYLVANIA", "RI": "RHODE ISLAND", "SC": "SOUTH CAROLINA",
    "SD": "South Dakota", "TN": "TENNESSEE", "TX": "TEXAS", "UT": "UTAH", "VA": "VIRGINIA",
    "VT": "VERMONT", "WA": "Washington", "WI": "WISCONSIN", "WV": "WEST VIRGINIA", "WY": "WYOMING",
}
SLOGANS = [
    "THE FIRST STATE", "LAND OF LINCOLN", "GARDEN STATE", "LIVE FREE OR DIE", "SUNSHINE STATE",
    "Great Faces. Great Places.", "Treasure the Chesapeake", "SHOW ME STATE", "EMPIRE STATE",
    "Famous Potatoes", "Explore Minnesota", "America's Dairyland", "Evergreen State",
    "Peace Garden State", "Land of Enchantment", "Wild, Wonderful", "Green Mountain State",
    "Ocean State", "Pelican State", "Aloha State", "Grand Canyon State", "Lone Star State",
    "Sportsman's Paradise", "Beautiful", "Big Sky Country", "Discover the Spirit",
    "Celebrating Statehood", "Sweet Home", "Hospitality State", "First in Flight",
    "dmv.ca.gov", "COUNTY", "Hamilton", "Clayton", "TAXATION WITHOUT REPRESENTATION",
    "In God We Trust", "Native Texan", "Support Education", "Save the Bay", "Veteran",
]
DEALERS = ["AUTO MALL", "TOYOTA OF", "HONDA", "FORD", "CHEVROLET", "MOTORS", "555-0199",
           "THE HYUNDAI STORE", "NISSAN", "BMW OF", "SUNTRUP", "KIA", "CARMAX", "SUBARU"]

FONT_GLOBS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/Liberation*.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans*.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMono*.ttf",
    "/usr/share/fonts/truetype/noto/Noto*Mono*.ttf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSans*.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS*.otf",
    "/usr/share/fonts/opentype/urw-base35/URWGothic*.otf",
]


def find_fonts():
    fonts = sorted({f for g in FONT_GLOBS for f in glob.glob(g)})
    fonts = [f for f in fonts if "ExtraLight" not in f]
    if not fonts:
        raise SystemExit("no fonts found: apt-get install fonts-dejavu fonts-liberation fonts-freefont-ttf")
    plate = [f for f in fonts if "Italic" not in f and "Oblique" not in f and "Serif" not in f]
    return plate, fonts


PLATE_FONTS, ALL_FONTS = find_fonts()
_font_cache = {}


def font(path, size):
    key = (path, size)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(path, size)
    return _font_cache[key]


L = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
D = "0123456789"
# Many states leave I, O and Q out of serials (they read as 1 and 0); real labels agree
# (openalpr-us-crops: 16 O against 316 zeros), so the synthetic prior does too.
# SYNTH_CONFUSABLE_BOOST > 1 draws the characters real plates are misread between (8/B, 5/B, C/G,
# L/1, W/M/N, 0/D, 2/Z, J dropped...) that many times more often; I, O and Q keep their low prior.
CONFUSABLE = "BDSZGLTCJMWN8052617"
CONFUSABLE_BOOST = float(os.environ.get("SYNTH_CONFUSABLE_BOOST", "1"))
L_WEIGHTS = np.array([0.15 if ch in "IOQ" else CONFUSABLE_BOOST if ch in CONFUSABLE else 1.0 for ch in L])
L_WEIGHTS /= L_WEIGHTS.sum()
D_WEIGHTS = np.array([CONFUSABLE_BOOST if ch in CONFUSABLE else 1.0 for ch in D])
D_WEIGHTS /= D_WEIGHTS.sum()
PATTERNS = [  # (groups, weight): L letter, D digit, X either
    (["LLL", "DDDD"], 12), (["D", "LLL", "DDD"], 10), (["LLL", "DDD"], 10), (["DDD", "LLL"], 8),
    (["LL", "DDDDD"], 4), (["DDDD", "LL"], 3), (["L", "DD", "LLL"], 3), (["LLL", "DD", "L"], 3),
    (["DD", "LL", "DD"], 2), (["LL", "DDDD"], 4), (["DDD", "DDD"], 4), (["DDD", "DDDD"], 3),
    (["LL", "D", "LLLL"], 2), (["LLL", "L", "DD"], 2), (["DDDDDD"], 2), (["LLLDDDD"], 2),
    (["D", "LL", "DDDD"], 2), (["DDL", "LLL"], 2), (["X" * 2], 1), (["X" * 3], 1), (["X" * 4], 2),
    (["X" * 5], 2), (["X" * 6], 3), (["X" * 7], 3), (["X" * 8], 1), (["XXX", "XXX"], 2), (["XXXX", "XXX"], 2),
]
NATURAL_LAYOUT_P = float(os.environ.get("SYNTH_NATURAL_P", "0.4"))  # share of plates typeset by the font
KEEP_ASPECT_P = float(os.environ.get("SYNTH_KEEP_ASPECT_P", "0.3"))  # share of too-wide numbers not squeezed
SIDE_GRAPHIC_P = float(os.environ.get("SYNTH_SIDE_GRAPHIC_P", "0.15"))  # share of plates with a picture left of the number
PAT_W = np.array([w for _, w in PATTERNS], np.float64)
PAT_W /= PAT_W.sum()


def random_text(rng):
    groups = PATTERNS[rng.choice(len(PATTERNS), p=PAT_W)][0]
    out = []
    for g in groups:
        s = ""
        for c in g:
            if c == "D" or (c == "X" and rng.random() < 0.45):
                s += D[rng.integers(10)] if CONFUSABLE_BOOST == 1 else D[rng.choice(10, p=D_WEIGHTS)]
            else:
                s += L[rng.choice(26, p=L_WEIGHTS)]
        out.append(s)
    return out


def rand_colour(rng, light):
    if light:
        base = rng.uniform(190, 255, 3)
        if rng.random() < 0.4:
            base = base * rng.uniform(0.8, 1, 3)
    else:
        base = rng.uniform(0, 120, 3)
    return tuple(int(v) for v in base)


def text_layer(chars, fnt, spacing):
    """Renders chars one by one into an 'L' mask tight around the ink, so spacing is ours."""
    glyphs = []
    for c in chars:
        bb = fnt.getbbox(c)
        w, h = max(1, bb[2] - bb[0]), max(1, bb[3] - bb[1])
        im = Image.new("L", (w + 4, h + 4), 0)
        ImageDraw.Draw(im).text((2 - bb[0], 2 - bb[1]), c, font=fnt, fill=255)
        glyphs.append(im)
    return glyphs


def draw_small_text(draw, rng, text, box, colour, fonts):
    """Fits text in box (x0, y0, x1, y1) by choosing the font size from the height."""
    x0, y0, x1, y1 = box
    h = max(4, int(y1 - y0))
    f = font(fonts[rng.integers(len(fonts))], h)
    bb = f.getbbox(text)
    tw = bb[2] - bb[0]
    if tw > (x1 - x0) and tw > 0:
        f = font(f.path, max(4, int(h * (x1 - x0) / tw)))
        bb = f.getbbox(text)
        tw = bb[2] - bb[0]
    x = x0 + ((x1 - x0) - tw) / 2 - bb[0]
    draw.text((x, y0 - bb[1]), text, font=f, fill=colour)
    return (x + bb[0], y0, tw, bb[3] - bb[1])


def draw_graphic(dr, rng, box, ink):
    """A specialty plate's picture (wheelchair, cactus, whale tail, logo) as a few random shapes in
    one to three colours: it sits beside the number and is not part of it, like a bolt or emblem."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cols = [ink if rng.random() < 0.4 else rand_colour(rng, rng.random() < 0.3) for _ in range(rng.integers(1, 4))]
    for _ in range(rng.integers(2, 6)):
        col = cols[rng.integers(len(cols))]
        px = lambda: x0 + rng.uniform(0, 1) * w  # noqa: E731
        py = lambda: y0 + rng.uniform(0, 1) * h  # noqa: E731
        kind = rng.integers(4)
        if kind == 0:
            cx, cy, r = px(), py(), rng.uniform(0.15, 0.45) * min(w, h)
            dr.ellipse((cx - r, cy - r, cx + r, cy + r), fill=col if rng.random() < 0.6 else None, outline=col, width=int(rng.uniform(1, 4)))
        elif kind == 1:
            dr.polygon([(px(), py()) for _ in range(rng.integers(3, 7))], fill=col)
        elif kind == 2:
            dr.line([(px(), py()) for _ in range(rng.integers(2, 5))], fill=col, width=int(rng.uniform(2, 0.2 * w + 3)))
        else:
            a, b = sorted((px(), px())), sorted((py(), py()))
            dr.rectangle((a[0], b[0], a[1], b[1]), fill=col)


def render_plate(rng):
    """Returns (rgb plate image with frame and car around it, plate box, text, state or None)."""
    PW, PH = 300, 150
    dark = rng.random() < 0.15
    bg = np.array(rand_colour(rng, not dark), np.float32)
    img = np.ones((PH, PW, 3), np.float32) * bg
    # gradient and scenery, as many US plates carry pictures behind the number
    if rng.random() < 0.6:
        g2 = np.array(rand_colour(rng, not dark), np.float32)
        t = np.linspace(0, 1, PH if rng.random() < 0.6 else PW, dtype=np.float32)
        t = t[:, None, None] if len(t) == PH else t[None, :, None]
        img = img * (1 - t) + g2 * t
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    dr = ImageDraw.Draw(pil, "RGBA")
    for _ in range(rng.integers(0, 5)):
        col = rand_colour(rng, rng.random() < 0.5) + (int(rng.uniform(30, 120)),)
        kind = rng.integers(3)
        x0, y0 = rng.uniform(-50, PW), rng.uniform(-20, PH)
        x1, y1 = x0 + rng.uniform(20, 200), y0 + rng.uniform(10, 120)
        if kind == 0:
            dr.ellipse((x0, y0, x1, y1), fill=col)
        elif kind == 1:
            pts = [(rng.uniform(0, PW), rng.uniform(PH * 0.5, PH)) for _ in range(3)] + [(PW, PH), (0, PH)]
            dr.polygon(pts, fill=col)
        else:
            dr.line((x0, y0, x1, y1), fill=col, width=int(rng.uniform(1, 6)))
    ink = rand_colour(rng, dark)
    if not dark and rng.random() < 0.5:
        ink = tuple(int(v * 0.4) for v in rand_colour(rng, False))
    # top banner: the state's name (gives a state label) or a slogan
    state = None
    negs = []  # boxes of printing that is not the plate number (banner, slogan)
    accent = rand_colour(rng, dark) if rng.random() < 0.7 else ink
    top_h = rng.uniform(0.1, 0.2) * PH
    top_y = rng.uniform(0.03, 0.08) * PH
    if rng.random() < 0.85:
        if rng.random() < 0.75:
            state = list(STATE_NAMES)[rng.integers(len(STATE_NAMES))]
            banner = STATE_NAMES[state]
        else:
            banner = SLOGANS[rng.integers(len(SLOGANS))]
        negs.append(draw_small_text(dr, rng, banner, (PW * rng.uniform(0.15, 0.3), top_y, PW * rng.uniform(0.7, 0.85), top_y + top_h),
                        accent, ALL_FONTS))
    if rng.random() < 0.75:
        bh = rng.uniform(0.07, 0.13) * PH
        by = PH * rng.uniform(0.8, 0.9)
        text = SLOGANS[rng.integers(len(SLOGANS))] if rng.random() < 0.7 else STATE_NAMES[list(STATE_NAMES)[rng.integers(51)]]
        negs.append(draw_small_text(dr, rng, text, (PW * rng.uniform(0.1, 0.3), by, PW * rng.uniform(0.7, 0.9), by + bh), accent, ALL_FONTS))
    # registration stickers in the corners, month/year digits on them
    for corner in range(rng.integers(0, 3)):
        sw, sh = rng.uniform(0.09, 0.16) * PW, rng.uniform(0.12, 0.22) * PH
        sx = rng.uniform(0.02, 0.06) * PW if corner == 0 else PW * rng.uniform(0.8, 0.88)
        sy = rng.uniform(0.03, 0.08) * PH if rng.random() < 0.7 else PH * rng.uniform(0.72, 0.8)
        dr.rectangle((sx, sy, sx + sw, sy + sh), fill=rand_colour(rng, rng.random() < 0.5))
        draw_small_text(dr, rng, str(rng.integers(1, 32)) if rng.random() < 0.5 else ["JAN", "FEB", "MAR", "JUL", "OCT"][rng.integers(5)],
                        (sx + 2, sy + 2, sx + sw - 2, sy + sh - 2), (0, 0, 0), PLATE_FONTS)
    # the plate number
    groups = random_text(rng)
    chars = "".join(groups)
    fpath = PLATE_FONTS[rng.integers(len(PLATE_FONTS))]
    fnt = font(fpath, 96)
    glyphs = text_layer(chars, fnt, 0)
    cap = max(g.size[1] for g in glyphs)
    spacing = rng.uniform(0.02, 0.15) * cap
    gap_kind = rng.choice(["space", "dash", "sticker", "emblem", "dot", "none"], p=[0.3, 0.15, 0.2, 0.15, 0.05, 0.15])
    gap = rng.uniform(0.25, 0.6) * cap if gap_kind != "none" else spacing
    widths = [g.size[0] for g in glyphs]
    bounds = np.cumsum([len(g) for g in groups])[:-1]
    total = sum(widths) + spacing * (len(glyphs) - 1) + (gap - spacing) * len(bounds)
    gap_centres = []
    if rng.random() < NATURAL_LAYOUT_P:
        # the font's own advances and side bearings, separators as characters: what a plate maker's
        # typesetting (and the fixture clip's SVG text) gives; ink-tight glyphs spaced by us never
        # put a narrow J between H and W the way a real font does
        sep = {"space": " ", "dash": "-", "dot": "\u00b7"}.get(gap_kind, "" if gap_kind == "none" else " ")
        line = sep.join(groups)
        bb = fnt.getbbox(line)
        layer = Image.new("L", (bb[2] - bb[0] + 8, max(cap, bb[3] - bb[1]) + 8), 0)
        ImageDraw.Draw(layer).text((4 - bb[0], 4 - bb[1]), line, font=fnt, fill=255)
    else:
        layer = Image.new("L", (int(total) + 8, cap + 8), 0)
        x = 4.0
        for i, g in enumerate(glyphs):
            layer.paste(g, (int(x), 4 + cap - g.size[1]), g)
            x += g.size[0]
            if i + 1 in bounds:
                gap_centres.append(x + gap / 2)
                x += gap
            else:
                x += spacing
    # place it: the number fills most of the width and about half the height
    th = int(rng.uniform(0.42, 0.62) * PH)
    aspect = layer.size[0] / layer.size[1]
    if rng.random() < KEEP_ASPECT_P and aspect * th > PW * 0.92:
        # a wide font kept at its own proportions (smaller text, as on some plates and in the fixture
        # clip's DejaVu Sans Bold) rather than squeezed into a condensed face: wide glyphs must read too
        tw = int(PW * rng.uniform(0.78, 0.94))
        th = max(int(PH * 0.18), int(tw / aspect * rng.uniform(0.9, 1.15)))
    else:
        tw = int(min(PW * rng.uniform(0.55, 0.92), aspect * th * rng.uniform(0.75, 1.25)))
    sx, sy = tw / layer.size[0], th / layer.size[1]
    layer = layer.resize((tw, th), Image.BILINEAR)
    tx = int((PW - tw) / 2 + rng.uniform(-0.05, 0.05) * PW)
    ty = int(PH * rng.uniform(0.45, 0.55) - th / 2)
    graphic = None
    if rng.random() < SIDE_GRAPHIC_P and tw <= PW * 0.8:
        # a picture at the left, the number moved right of it (specialty plates)
        gl = PW * rng.uniform(0.02, 0.05)
        gw = PW * rng.uniform(0.08, max(0.09, min(0.22, 0.95 - tw / PW - 0.06)))
        tx = int(min(PW * 0.98 - tw, gl + gw + PW * rng.uniform(0.005, 0.03)))
        graphic = (gl, ty + th * rng.uniform(-0.15, 0.1), gl + gw, ty + th * rng.uniform(0.9, 1.15))
    pil.paste(Image.new("RGB", layer.size, ink), (tx, ty), layer)
    if graphic:
        draw_graphic(dr, rng, graphic, ink)
    text_box = (tx + 4 * sx, ty + 4 * sy, tw - 8 * sx, th - 8 * sy)  # the ink of the number, no padding
    # what sits between groups: dash, renewal sticker, state emblem, dot
    for gc in gap_centres:
        cx, cy = tx + gc * sx, ty + th / 2
        s = gap * sx
        if gap_kind == "dash":
            dr.rectangle((cx - s * 0.3, cy - th * 0.04, cx + s * 0.3, cy + th * 0.04), fill=ink)
        elif gap_kind == "sticker":
            hh = th * rng.uniform(0.2, 0.4)
            dr.rectangle((cx - s * 0.35, cy - hh, cx + s * 0.35, cy + hh * 0.6), fill=rand_colour(rng, rng.random() < 0.5))
        elif gap_kind == "emblem":
            hh = th * rng.uniform(0.25, 0.5)
            col = rand_colour(rng, rng.random() < 0.3)
            if rng.random() < 0.5:
                dr.ellipse((cx - s * 0.4, cy - hh, cx + s * 0.4, cy + hh), fill=col)
            else:
                dr.polygon([(cx, cy - hh), (cx + s * 0.4, cy), (cx, cy + hh), (cx - s * 0.4, cy)], fill=col)
        elif gap_kind == "dot":
            r = s * 0.12
            dr.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ink)
    # stacked small characters beside the number (not part of the plate string here)
    if rng.random() < 0.08 and tx > PW * 0.12:
        pair = L[rng.integers(26)] + L[rng.integers(26)]
        hh = th * 0.45
        draw_small_text(dr, rng, pair[0], (tx - PW * 0.08, ty, tx - 4, ty + hh), ink, PLATE_FONTS)
        draw_small_text(dr, rng, pair[1], (tx - PW * 0.08, ty + hh + 2, tx - 4, ty + 2 * hh), ink, PLATE_FONTS)
    # bolts and border
    for bx in (rng.uniform(0.18, 0.3), rng.uniform(0.7, 0.82)):
        if rng.random() < 0.6:
            r = rng.uniform(3, 7)
            by = PH * rng.uniform(0.06, 0.14)
            dr.ellipse((PW * bx - r, by - r, PW * bx + r, by + r), fill=rand_colour(rng, rng.random() < 0.5))
    if rng.random() < 0.5:
        dr.rounded_rectangle((1, 1, PW - 2, PH - 2), radius=int(rng.uniform(2, 14)), outline=ink if rng.random() < 0.5 else accent,
                             width=int(rng.uniform(1, 5)))
    plate = np.asarray(pil)
    # dealer frame around the plate
    if rng.random() < 0.4:
        ft, fb = int(rng.uniform(0.04, 0.2) * PH), int(rng.uniform(0.04, 0.22) * PH)
        fs = int(rng.uniform(0.02, 0.06) * PW)
        fcol = rand_colour(rng, rng.random() < 0.3)
        framed = np.empty((PH + ft + fb, PW + 2 * fs, 3), np.uint8)
        framed[:] = fcol
        fp = Image.fromarray(framed)
        fd = ImageDraw.Draw(fp)
        tcol = rand_colour(rng, sum(fcol) < 380)
        if fb > 8 and rng.random() < 0.7:
            draw_small_text(fd, rng, DEALERS[rng.integers(len(DEALERS))], (PW * 0.2, PH + ft + 2, PW * 0.8, PH + ft + fb - 2), tcol, ALL_FONTS)
        if ft > 8 and rng.random() < 0.5:
            draw_small_text(fd, rng, DEALERS[rng.integers(len(DEALERS))], (PW * 0.2, 2, PW * 0.8, ft - 2), tcol, ALL_FONTS)
        framed = np.asarray(fp).copy()
        framed[ft:ft + PH, fs:fs + PW] = plate
        plate, ox, oy = framed, fs, ft
    else:
        ox, oy = 0, 0
    # car around it
    H, W = plate.shape[0] * 2, plate.shape[1] * 2
    car = np.ones((H, W, 3), np.float32) * np.array(rand_colour(rng, rng.random() < 0.5), np.float32)
    car += rng.normal(0, rng.uniform(2, 20), (H, W, 1))
    for _ in range(rng.integers(0, 4)):
        yy = int(rng.uniform(0, H))
        cv2.rectangle(car, (0, yy), (W, yy + int(rng.uniform(2, 20))), tuple(float(v) for v in rand_colour(rng, rng.random() < 0.5)), -1)
    px, py = (W - plate.shape[1]) // 2, (H - plate.shape[0]) // 2
    car[py:py + plate.shape[0], px:px + plate.shape[1]] = plate
    car = np.clip(car, 0, 255).astype(np.uint8)
    box = (px + ox, py + oy, PW, PH)
    tbox = (px + ox + text_box[0], py + oy + text_box[1], text_box[2], text_box[3])
    negs = [(px + ox + b[0], py + oy + b[1], b[2], b[3]) for b in negs if b[2] > 4 and b[3] > 3]
    return car, box, tbox, chars, state, negs


def text_line_box(tbox, rng):
    """A text detector's box around the number (DB-style: the ink grown by part of its height)."""
    x, y, w, h = tbox
    gx, gy = h * rng.uniform(0.05, 0.45), h * rng.uniform(0.05, 0.35)
    return (x - gx, y - gy, w + 2 * gx, h + 2 * gy)


def make(count, seed):
    rng = np.random.default_rng(seed)
    xs = np.zeros((count, INPUT_H, INPUT_W), np.uint8)
    ys, states = [], np.full(count, -1, np.int16)
    for i in range(count):
        car, box, tbox, text, state, negs = render_plate(rng)
        if negs and rng.random() < 0.06:
            # a text detector also boxes the state name and slogan: those must read as nothing
            xs[i] = augment_crop(car, text_line_box(negs[rng.integers(len(negs))], rng), rng)
            text = ""
        else:
            # half the crops are whole plates (a plate detector's box), half text lines (PP-OCR's)
            xs[i] = augment_crop(car, box if rng.random() < 0.5 else text_line_box(tbox, rng), rng)
        ys.append(text)
        if state is not None:
            states[i] = STATE_INDEX[state]
    return xs, np.array(ys), states


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--shard", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "work", "synth"))
    ap.add_argument("--preview", help="write a PNG grid of 48 samples here and exit")
    a = ap.parse_args()
    if a.preview:
        xs, ys, _ = make(48, a.shard)
        grid = np.vstack([np.hstack(list(xs[r * 4:(r + 1) * 4])) for r in range(12)])
        cv2.imwrite(a.preview, grid)
        print(" ".join(ys))
        return
    os.makedirs(a.out, exist_ok=True)
    t = time.time()
    xs, ys, st = make(a.count, 1000 + a.shard)
    path = os.path.join(a.out, f"shard_{a.shard:03d}.npz")
    np.savez(path + ".tmp.npz", x=xs, y=ys, state=st)
    os.replace(path + ".tmp.npz", path)
    print(f"wrote {path}: {a.count} plates in {time.time() - t:.0f} s", flush=True)


if __name__ == "__main__":
    main()
