#!/usr/bin/env python3
"""Temporal consistency of a video mark (issue 19: "no flicker: measure frame-to-frame residual energy").

For each clip, r_t = marked luma - original luma (frames decoded by ffmpeg, aligned from the first frame); reports
  mark RMS        sqrt(mean r_t^2)                           (levels)
  flicker RMS     sqrt(mean (r_t - r_{t-1})^2)              (levels): how much the mark changes between frames
  flicker ratio   flicker RMS / (sqrt(2) * mark RMS)         1.0 for a mark independent from frame to frame, 0 for a
                                                             mark that never changes
for each marker's folder, plus the same for a plain ffmpeg re-encode (libx264 veryfast CRF 18) as the floor a
re-encode alone sets. Usage: vw_flicker.py ORIGINALS_DIR NAME=MARKED_DIR [NAME=MARKED_DIR ...]  (prints Markdown)
"""
import os
import subprocess
import sys
import tempfile

import numpy as np


def frames(path, w, h, limit=250):
    p = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-vf", "setpts=PTS-STARTPTS", "-frames:v", str(limit),
                        "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True)
    n = len(p.stdout) // (w * h)
    return np.frombuffer(p.stdout[: n * w * h], np.uint8).reshape(n, h, w).astype(np.float32)


def size(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path],
                         capture_output=True, text=True, check=True).stdout.strip().split(",")
    return int(out[0]), int(out[1])


def measure(orig, marked):
    w, h = size(orig)
    a, b = frames(orig, w, h), frames(marked, w, h)
    n = min(len(a), len(b))
    r = b[:n] - a[:n]
    mark = float(np.sqrt(np.mean(r * r)))
    d = r[1:] - r[:-1]
    flicker = float(np.sqrt(np.mean(d * d)))
    return mark, flicker, flicker / (np.sqrt(2) * mark) if mark > 0 else float("nan")


def main():
    originals = sys.argv[1]
    runs = [arg.split("=", 1) for arg in sys.argv[2:]]
    tmp = tempfile.mkdtemp()
    print("| clip | marker | mark RMS | flicker RMS | flicker ratio |")
    print("|---|---|---|---|---|")
    for clip in sorted(f for f in os.listdir(originals) if f.rsplit(".", 1)[-1] in ("mp4", "mov", "webm", "avi", "flv", "mkv")):
        orig = os.path.join(originals, clip)
        stem = os.path.splitext(clip)[0]
        re = os.path.join(tmp, stem + ".mp4")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", orig, "-map", "0:v:0", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
                        "-pix_fmt", "yuv420p", re], check=True)
        rows = [("ffmpeg re-encode (floor)", re)]
        for name, folder in runs:
            hit = [f for f in os.listdir(folder) if os.path.splitext(f)[0] == stem]
            if hit:
                rows.append((name, os.path.join(folder, hit[0])))
        for name, path in rows:
            m, f, ratio = measure(orig, path)
            print(f"| {clip} | {name} | {m:.2f} | {f:.2f} | {ratio:.2f} |", flush=True)
        os.remove(re)


if __name__ == "__main__":
    main()
