#!/usr/bin/env python3
"""The dwtDct anchor used the way its users use it: one Python process, the library called per image.

Usage: wm_dwtdct_inprocess.py IMAGE_DIR [--repeat N] [--method dwtDct|dwtDctSvd]

Decodes every image once (not timed, as wmbench's --timeit does for Sigil), then times invisible-watermark's
encode and decode of a 64-bit payload over all of them, best of N passes. Prints one JSON object: megapixels,
seconds and MP/s for embed and extract, and the payload recovery it saw (unattacked), so a speed figure never
comes from a run that did not work.
"""
import argparse, glob, json, os, sys, time

import cv2
from imwatermark import WatermarkDecoder, WatermarkEncoder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("images")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--method", default="dwtDct")
    args = ap.parse_args()
    paths = sorted(p for p in glob.glob(os.path.join(args.images, "*")) if os.path.splitext(p)[1].lower() in (".png", ".jpg", ".jpeg"))
    if not paths:
        sys.exit(f"no images in {args.images}")
    images = [cv2.imread(p) for p in paths]
    mp = sum(im.shape[0] * im.shape[1] for im in images) / 1e6
    payload = 0x0123456789ABCDEF
    bits = [int(b) for b in format(payload, "064b")]
    best_embed, best_extract, marked, exact = float("inf"), float("inf"), [], 0
    for _ in range(args.repeat):
        encoder = WatermarkEncoder()
        encoder.set_watermark("bits", bits)
        start = time.perf_counter()
        marked = [encoder.encode(im, args.method) for im in images]
        best_embed = min(best_embed, time.perf_counter() - start)
        decoder = WatermarkDecoder("bits", 64)
        start = time.perf_counter()
        decoded = [decoder.decode(im, args.method) for im in marked]
        best_extract = min(best_extract, time.perf_counter() - start)
        exact = sum(int("".join(str(int(b)) for b in d), 2) == payload for d in decoded)
    print(json.dumps({
        "anchor": f"invisible-watermark {args.method}, in-process", "images": len(images), "megapixels": round(mp, 3),
        "repeat": args.repeat, "embed_s": round(best_embed, 4), "extract_s": round(best_extract, 4),
        "embed_mps": round(mp / best_embed, 3), "extract_mps": round(mp / best_extract, 3),
        "exact_unattacked": f"{exact}/{len(images)}",
    }))


if __name__ == "__main__":
    main()
