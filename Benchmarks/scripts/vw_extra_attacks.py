#!/usr/bin/env python3
"""The video watermark's attack rows that ../shared/bench/vwbench.py does not run (issue 19's list), on the marked
files a vwbench run kept: H.264 CRF 50, H.265 CRF 23/30/40, AV1, 360p, an off-centre 25 % crop, aspect changes,
fps 25, gamma and brightness/contrast alone, Video Seal's combined attack, rotations, and 2-s excerpts from five
places (for the >= 95 % excerpt target). Each attack is one ffmpeg command; detection is the sigil CLI.

Usage: SIGIL_DATA=KEYSTORE vw_extra_attacks.py SIGIL RUN_DIR OUT.jsonl [--jobs 2] [--only a,b]
  (SIGIL_DATA: the keystore the run embedded with, so detection uses the same key)
  RUN_DIR is a vwbench --out folder (its results.jsonl gives each clip's payload; marked/ holds the marked files).
Prints a Markdown table (attack x clip, exact payload recovery) after the JSONL is written.
"""
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import tempfile
import time

FF = ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", "-threads", "1"]
# veryfast, not vwbench's medium: 2 cores had to run 120+ attack encodes in the session; CRF sets the damage.
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]


def even(expr):
    return f"trunc(({expr})/2)*2"


def attacks(clip):
    d = clip["duration"]
    a = {
        "h264_crf50": (["-vf", "null"], X264 + ["-crf", "50"], ".mp4"),
        "h265_crf23": (["-vf", "null"], ["-c:v", "libx265", "-preset", "veryfast", "-crf", "23", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p"], ".mp4"),
        "h265_crf30": (["-vf", "null"], ["-c:v", "libx265", "-preset", "veryfast", "-crf", "30", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p"], ".mp4"),
        "h265_crf40": (["-vf", "null"], ["-c:v", "libx265", "-preset", "veryfast", "-crf", "40", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p"], ".mp4"),
        "av1_svt_crf40": (["-vf", "null"], ["-c:v", "libsvtav1", "-crf", "40", "-preset", "10", "-pix_fmt", "yuv420p"], ".mp4"),
        "scale360p": (["-vf", "scale=-2:360:flags=bicubic" if clip["w"] >= clip["h"] else "scale=360:-2:flags=bicubic"], X264 + ["-crf", "18"], ".mp4"),
        "crop25_offcentre": (["-vf", f"crop={even('iw*0.75')}:{even('ih*0.75')}:{even('iw*0.05')}:{even('ih*0.20')}"], X264 + ["-crf", "18"], ".mp4"),
        "aspect_squeeze_4_3": (["-vf", f"scale={even('iw*0.75')}:ih:flags=bicubic,setsar=1"], X264 + ["-crf", "18"], ".mp4"),
        "aspect_crop_1_1_720": (["-vf", "crop='min(iw,ih)':'min(iw,ih)',scale=720:720:flags=bicubic"], X264 + ["-crf", "23"], ".mp4"),
        "aspect_4_5_1080w": (["-vf", f"crop='min(iw,ih*4/5)':'min(ih,iw*5/4)',scale=1080:1350:flags=bicubic"], X264 + ["-crf", "23"], ".mp4"),
        "fps25": (["-vf", "fps=25"], X264 + ["-crf", "18"], ".mp4"),
        "gamma_1_4": (["-vf", "eq=gamma=1.4"], X264 + ["-crf", "18"], ".mp4"),
        "dark_low_contrast": (["-vf", "eq=brightness=-0.1:contrast=0.8"], X264 + ["-crf", "18"], ".mp4"),
        # Video Seal's combined attack as issue 19 names it: H.264 CRF 30 + centred crop keeping 71 % of each side
        # (about half the area) + a brightness lift.
        "combined_crf30_crop071_bright": (["-vf", f"crop={even('iw*0.71')}:{even('ih*0.71')},eq=brightness=0.1"], X264 + ["-crf", "30"], ".mp4"),
        "rotate2": (["-vf", "rotate=2*PI/180:fillcolor=black"], X264 + ["-crf", "18"], ".mp4"),
        "rotate5": (["-vf", "rotate=5*PI/180:fillcolor=black"], X264 + ["-crf", "18"], ".mp4"),
        "rotate90": (["-vf", "transpose=1"], X264 + ["-crf", "18"], ".mp4"),
    }
    for i, f in enumerate((0.0, 0.2, 0.4, 0.6, 0.8)):
        start = max(0.0, (d - 2.0) * f)
        a[f"excerpt2_at{int(f * 100)}"] = (["-ss", f"{start:.3f}", "-t", "2"], X264 + ["-crf", "23"], ".mp4")
    return a


def run_one(sigil, clip, marked, name, spec, tmp):
    pre, enc, ext = spec
    out = os.path.join(tmp, f"{clip['clip']}.{name}{ext}")
    if pre and pre[0] == "-ss":
        cmd = FF + pre[:2] + ["-i", marked] + pre[2:] + enc + ["-an", out]
    else:
        cmd = FF + ["-i", marked] + pre + enc + ["-an", out]
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"clip": clip["clip"], "attack": name, "error": p.stderr[-300:]}
    t1 = time.time()
    d = subprocess.run([sigil, "watermark", "detect", out, "--json"], capture_output=True, text=True)
    t2 = time.time()
    os.remove(out)
    try:
        j = json.loads(d.stdout)  # sigil prints one JSON object (pretty-printed)
    except Exception:  # noqa
        return {"clip": clip["clip"], "attack": name, "error": d.stderr[-300:]}
    got = j.get("payload")
    return {"clip": clip["clip"], "attack": name, "payload": clip["payload"], "got": got, "detected": j.get("detected"),
            "exact": got is not None and got.lower().lstrip("0") == clip["payload"].lower().lstrip("0"),
            "attack_s": round(t1 - t0, 2), "detect_s": round(t2 - t1, 2), "syncScore": j.get("syncScore")}


def main():
    sigil, run_dir, out = sys.argv[1:4]
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 2
    only = set(sys.argv[sys.argv.index("--only") + 1].split(",")) if "--only" in sys.argv else None
    clips = [json.loads(l) for l in open(os.path.join(run_dir, "results.jsonl")) if l.strip()]
    marked_dir = os.path.join(run_dir, "marked")
    marked_files = {os.path.splitext(f)[0]: os.path.join(marked_dir, f) for f in os.listdir(marked_dir)}
    tmp = tempfile.mkdtemp(prefix="vw-extra-")
    work = []
    for c in clips:
        if c["clip"] not in marked_files:
            continue
        for name, spec in attacks(c).items():
            if only is None or name in only or any(name.startswith(o) for o in only):
                work.append((c, marked_files[c["clip"]], name, spec))
    rows = []
    with cf.ThreadPoolExecutor(jobs) as ex, open(out, "w") as f:
        futs = [ex.submit(run_one, sigil, c, m, n, s, tmp) for c, m, n, s in work]
        for i, fu in enumerate(cf.as_completed(futs), 1):
            r = fu.result()
            rows.append(r)
            f.write(json.dumps(r) + "\n")
            f.flush()
            print(f"{i}/{len(futs)} {r['clip']} {r['attack']}: {'exact' if r.get('exact') else r.get('error', 'missed')}", file=sys.stderr, flush=True)
    names = list(dict.fromkeys(n for _, _, n, _ in work))
    clipnames = list(dict.fromkeys(c["clip"] for c, _, _, _ in work))
    print("| attack | " + " | ".join(clipnames) + " | exact |")
    print("|---|" + "---|" * (len(clipnames) + 1))
    for n in names:
        cells, ok, total = [], 0, 0
        for c in clipnames:
            r = next((r for r in rows if r["clip"] == c and r["attack"] == n), None)
            if r is None:
                cells.append("")
                continue
            total += 1
            ok += bool(r.get("exact"))
            cells.append("✓" if r.get("exact") else ("err" if "error" in r else "✗"))
        print(f"| {n} | " + " | ".join(cells) + f" | {ok}/{total} |")


if __name__ == "__main__":
    main()
