#!/usr/bin/env python3
"""The image watermark's speed table: Sigil beside invisible-watermark's dwtDct, measured in one session.

Usage: wm_speed_table.py DIR   (DIR holds wmbench-sigil.json, wmbench-dwtdct.json, dwtdct-inprocess.json, as
written by `wm-results.sh anchor-speed`). Prints a Markdown table; every figure is read from those files.
"""
import json
import os
import sys

d = sys.argv[1]
sigil = json.load(open(os.path.join(d, "wmbench-sigil.json")))
anchor = json.load(open(os.path.join(d, "wmbench-dwtdct.json")))
inproc = json.load(open(os.path.join(d, "dwtdct-inprocess.json")))


def row(name, s, a):
    return f"| {name} | {s:.2f} | {a:.2f} | **{s / a:.1f}×** |"


print(f"Images: {sigil['images']} ({sigil['total_mp']:.1f} MP), 64-bit payloads, megapixels per second (higher is faster).\n")
print("| measurement | Sigil MP/s | dwtDct MP/s | Sigil ÷ dwtDct |")
print("|---|---|---|---|")
print(row("whole process per image, embed (PNG in, PNG out)", sigil["embed_proc_mps"], anchor["embed_proc_mps"]))
print(row("whole process per image, extract", sigil["extract_proc_mps"], anchor["extract_proc_mps"]))
print(row("in-process library calls, embed (decode/encode not timed)", sigil["embed_inproc_mps"], inproc["embed_mps"]))
print(row("in-process library calls, extract", sigil["extract_inproc_mps"], inproc["extract_mps"]))


def exact(summary):
    rows = [r for r in summary["rows"] if r.get("attack") == "none"]
    return f"{rows[0]['exact'] * 100:.0f} %" if rows else "?"


print(f"\nUnattacked exact recovery in the same runs: Sigil {exact(sigil)}, dwtDct {exact(anchor)} (whole process), "
      f"dwtDct in-process {inproc['exact_unattacked']}.")
