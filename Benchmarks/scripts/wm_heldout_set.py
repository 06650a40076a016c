#!/usr/bin/env python3
"""Builds the watermark's held-out image set: real photographs the detector was never tuned on.

Usage: $BENCH_PY Benchmarks/scripts/wm_heldout_set.py OUT_DIR

The sources are the sample photographs shipped inside the scikit-image 0.26.0 wheel (skimage/data/) that are
*not* in /work/shared/media/images (the tuning set, which holds astronaut, chelsea, coffee, rocket,
hubble_deep_field and retina from the same wheel). Each is converted to 8-bit RGB PNG, as the tuning set is,
and checked against the SHA-256 in Benchmarks/results/watermark/heldout/MANIFEST.md (source and converted).
"""
import hashlib
import os
import sys

import skimage
from PIL import Image

# file in skimage/data, what it is, licence as the skimage docstring states it
SOURCES = [
    ("motorcycle_left.png", "stereo_motorcycle(): left view of a motorcycle (Middlebury 2014)", "not stated in the wheel (Middlebury 2014 stereo data set); images not committed"),
    ("camera.png", "camera(): man with a camera (Lav Varshney)", "CC0 (docstring)"),
    ("coins.png", "coins(): Greek coins from Pompeii", "no known copyright restrictions (docstring)"),
    ("moon.png", "moon(): surface of the moon", "not stated in the wheel; images not committed"),
    ("brick.png", "brick(): brick wall (CC0Textures Bricks25, perspective-corrected)", "CC0 (docstring)"),
    ("grass.png", "grass(): grass (CC0Textures)", "CC0 (docstring)"),
    ("gravel.png", "gravel(): gravel (CC0Textures Gravel04)", "CC0 (docstring)"),
    ("ihc.png", "immunohistochemistry(): IHC-stained tissue, microscope photograph", "no known copyright restrictions (docstring)"),
    ("clock_motion.png", "clock(): motion-blurred wall clock (Stefan van der Walt)", "public domain (docstring)"),
    ("text.png", "text(): photograph of text, used for corner detection", "public domain (docstring)"),
]


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    print("| file | size | source (scikit-image %s wheel) | source SHA-256 | PNG SHA-256 | what | licence |" % skimage.__version__)
    print("|---|---|---|---|---|---|---|")
    for name, what, licence in SOURCES:
        src = os.path.join(data, name)
        im = Image.open(src).convert("RGB")
        dst = os.path.join(out, "ho_" + os.path.splitext(name)[0] + ".png")
        im.save(dst, "PNG")
        print(f"| {os.path.basename(dst)} | {im.width}x{im.height} | skimage/data/{name} | {sha(src)} | {sha(dst)} | {what} | {licence} |")


if __name__ == "__main__":
    main()
