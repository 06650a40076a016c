#!/usr/bin/env python3
"""Attacked pictures for calibrating and checking the watermark detector's screen (decision 0102).

Usage: $BENCH_PY Benchmarks/scripts/wm_screen_set.py WMBENCH_OUT ORIGINALS OUT_DIR [--per-image N] [--seed S]

WMBENCH_OUT is a `wmbench.py --keep` output folder (its marked/ pictures and results.jsonl give each marked picture
and its payload); ORIGINALS is the folder wmbench read. For each picture, N random attack chains are drawn
(crops of 45-100 % of the area anywhere, rotations to ±6°, rescales 0.35-1.6x, one-sided stretches 0.7-1.4,
JPEG 25-95, WebP 40-90, blur, noise, gamma, contrast, mirror, 1080-px screenshots, and chains of two or three of
them) and applied to the marked picture, and every third chain also to the unmarked original. Output, as PNG:
  OUT_DIR/marked/<payload>__<image>__<k>__<chain>.png
  OUT_DIR/unmarked/none__<image>__<k>__<chain>.png
The chains are drawn from a seeded generator, so a run is reproducible.
"""
import argparse
import io
import json
import math
import os
import random
import re

import numpy as np
from PIL import Image, ImageEnhance, ImageOps


def jpeg(im, q):
    b = io.BytesIO()
    im.save(b, "JPEG", quality=q)
    b.seek(0)
    return Image.open(b).convert("RGB")


def webp(im, q):
    b = io.BytesIO()
    im.save(b, "WEBP", quality=q)
    b.seek(0)
    return Image.open(b).convert("RGB")


def crop(im, rng):
    w, h = im.size
    area = rng.uniform(0.45, 1.0)
    aspect = rng.uniform(0.8, 1.25)
    cw = max(64, min(w, round(w * math.sqrt(area * aspect))))
    ch = max(64, min(h, round(h * math.sqrt(area / aspect))))
    x0 = rng.randint(0, w - cw)
    y0 = rng.randint(0, h - ch)
    return im.crop((x0, y0, x0 + cw, y0 + ch)), f"crop{cw}x{ch}+{x0}+{y0}"


def scale(im, s):
    w, h = im.size
    return im.resize((max(64, round(w * s)), max(64, round(h * s))), Image.BICUBIC)


def step(im, rng):
    """One random attack: (image, label)."""
    kind = rng.choice(["crop", "crop", "rotate", "scale", "stretch", "jpeg", "jpeg", "webp", "blur", "noise", "gamma", "contrast", "mirror", "shot"])
    if kind == "crop":
        return crop(im, rng)
    if kind == "rotate":
        d = round(rng.uniform(-6, 6), 2)
        return im.rotate(d, resample=Image.BICUBIC, expand=False, fillcolor=(0, 0, 0)), f"rot{d}"
    if kind == "scale":
        s = round(rng.uniform(0.35, 1.6), 3)
        return scale(im, s), f"scale{s}"
    if kind == "stretch":
        s = round(rng.uniform(0.7, 1.4), 3)
        w, h = im.size
        if rng.random() < 0.5:
            return im.resize((max(64, round(w * s)), h), Image.BICUBIC), f"stretchx{s}"
        return im.resize((w, max(64, round(h * s))), Image.BICUBIC), f"stretchy{s}"
    if kind == "jpeg":
        q = rng.randint(25, 95)
        return jpeg(im, q), f"jpeg{q}"
    if kind == "webp":
        q = rng.randint(40, 90)
        return webp(im, q), f"webp{q}"
    if kind == "blur":
        from PIL import ImageFilter
        r = round(rng.uniform(0.5, 1.5), 2)
        return im.filter(ImageFilter.GaussianBlur(r)), f"blur{r}"
    if kind == "noise":
        sd = round(rng.uniform(2, 8), 1)
        a = np.asarray(im).astype(np.float32) + np.random.default_rng(rng.randint(0, 2**31)).normal(0, sd, size=np.asarray(im).shape)
        return Image.fromarray(np.clip(np.round(a), 0, 255).astype(np.uint8)), f"noise{sd}"
    if kind == "gamma":
        g = round(rng.uniform(0.6, 1.5), 2)
        lut = [min(255, round(255 * (i / 255) ** g)) for i in range(256)] * 3
        return im.point(lut), f"gamma{g}"
    if kind == "contrast":
        c = round(rng.uniform(0.6, 1.4), 2)
        return ImageEnhance.Contrast(im).enhance(c), f"contrast{c}"
    if kind == "mirror":
        return ImageOps.mirror(im), "mirror"
    w, h = im.size
    return im.resize((1080, max(64, round(h * 1080 / w))), Image.BICUBIC), "shot1080"


def chain(im, rng):
    labels = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        im, label = step(im, rng)
        labels.append(label)
    return im, "+".join(labels)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wmbench_out")
    ap.add_argument("originals")
    ap.add_argument("out")
    ap.add_argument("--per-image", type=int, default=100)
    ap.add_argument("--seed", type=int, default=102)
    ap.add_argument("--only", help="regex on picture names")
    a = ap.parse_args()
    payloads = {}
    for line in open(os.path.join(a.wmbench_out, "results.jsonl")):
        r = json.loads(line)
        if "payload" in r and "image" in r:
            payloads[r["image"]] = r["payload"]
    os.makedirs(os.path.join(a.out, "marked"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "unmarked"), exist_ok=True)
    count = 0
    for name in sorted(payloads):
        if a.only and not re.search(a.only, name):
            continue
        marked = os.path.join(a.wmbench_out, "marked", name + ".png")
        if not os.path.exists(marked):
            continue
        m = Image.open(marked).convert("RGB")
        o = Image.open(os.path.join(a.originals, name + ".png")).convert("RGB")
        for k in range(a.per_image):
            state = random.Random(f"{a.seed}:{name}:{k}")
            attacked, label = chain(m, state)
            attacked.save(os.path.join(a.out, "marked", f"{payloads[name]}__{name}__{k}__{label}.png"), compress_level=1)
            count += 1
            if k % 3 == 0:
                state = random.Random(f"{a.seed}:{name}:{k}")
                attacked, label = chain(o, state)
                attacked.save(os.path.join(a.out, "unmarked", f"none__{name}__{k}__{label}.png"), compress_level=1)
    print(f"{count} marked pictures attacked; originals under unmarked/")


if __name__ == "__main__":
    main()
