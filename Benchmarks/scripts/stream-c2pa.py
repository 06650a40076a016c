#!/usr/bin/env python3
"""The c2pa mark as a stream (decision 0034): `sigil label --marks implicit,c2pa` on a long WAV and a long MP4 with
the release `sigil`, as a provider runs it, beside `cp` of the same file and beside an earlier build (which read the
whole file into memory for the manifest) in the same run.

    make release && python3 Benchmarks/scripts/stream-c2pa.py --baseline /path/to/older/sigil [--rounds 3]
        [--marks implicit,explicit,watermark,c2pa --inputs wav --out Benchmarks/results/stream-default-marks.json]

Inputs, made here with ffmpeg from the shared media (held out: no Sigil setting was tuned on them):
- a 1-hour 48 kHz stereo 16-bit WAV (m01_orchestra_beethoven9.wav looped), about 690 MB;
- a 20-minute 720p H.264 MP4 (bbb_1280x720_24.mp4 looped with -c copy; ffmpeg puts `moov` after `mdat`).
Rows per input, interleaved over --rounds, `sync` before each: `cp`; this build and the baseline build with
`--marks implicit,c2pa --no-record` (signed ReservedCode1 and ES256 manifest, the defaults); this build and the
baseline with the record kept (the default: a SQLite log in a scratch folder). Figures: median wall time, its ratio
to `cp` of the same file, and peak RSS from GNU time. Every output is verified with this build's `sigil verify`
(C2PA valid with the development anchor, one label) in the first round.
Writes Benchmarks/results/stream-c2pa.json.
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared", "media")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--baseline", required=True, help="an earlier release sigil, run in the same rounds")
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--work", default=os.path.join(root, ".build/stream-c2pa-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/stream-c2pa.json"))
p.add_argument("--marks", default="implicit,c2pa", help="the --marks of every sigil row (the default marks: implicit,explicit,watermark,c2pa)")
p.add_argument("--inputs", default="wav,mp4", help="which inputs: wav, mp4 or both")
args = p.parse_args()
for binary in (args.sigil, args.baseline):
    if not os.access(binary, os.X_OK): sys.exit(f"{binary} is not an executable (make release)")
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
env = dict(os.environ, SIGIL_PRODUCER="001191110102MACQD9K64010000", SIGIL_DATA=os.path.join(args.work, "data-shared"))
keys = os.path.join(args.work, "keys")
subprocess.run([args.sigil, "keys", "init", "--keys", keys, "--organization", "Bench AI"], check=True, env=env,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
anchor = os.path.join(args.work, "anchor.pem")
with open(anchor, "w") as f:
    f.write(subprocess.run([args.sigil, "keys", "anchor", "--keys", keys], check=True, env=env, capture_output=True, text=True).stdout)

def ffmpeg(*a):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *a], check=True)

inputs = {}
wanted = set(args.inputs.split(","))
if "wav" in wanted:
    wav = os.path.join(args.work, "hour.wav")
    ffmpeg("-stream_loop", "-1", "-i", os.path.join(shared, "audio", "m01_orchestra_beethoven9.wav"), "-t", "3600",
           "-ar", "48000", "-ac", "2", "-c:a", "pcm_s16le", wav)
    inputs["1-hour WAV"] = wav
if "mp4" in wanted:
    mp4 = os.path.join(args.work, "long.mp4")
    ffmpeg("-stream_loop", "-1", "-i", os.path.join(shared, "video", "bbb_1280x720_24.mp4"), "-t", "1200", "-c", "copy", mp4)
    inputs["20-minute MP4"] = mp4

def rows_for(path):
    ext = os.path.splitext(path)[1]
    out = os.path.join(args.work, "out" + ext)
    def label(binary, record):
        data = os.path.join(args.work, "data-" + ("new" if binary == args.sigil else "old"))
        argv = [binary, "label", path, "-o", out, "--marks", args.marks, "--keys", keys]
        return (argv + ["--data", data]) if record else (argv + ["--no-record"])
    return out, {
        "cp": ["cp", path, out],
        f"sigil label --marks {args.marks} --no-record": label(args.sigil, False),
        "baseline: the same": label(args.baseline, False),
        f"sigil label --marks {args.marks} (record kept)": label(args.sigil, True),
        "baseline: the same (record kept)": label(args.baseline, True),
    }

def verify(path):
    r = subprocess.run([args.sigil, "verify", path, "--json", "--keys", keys, "--trust-anchors", anchor], env=env,
                       capture_output=True, text=True)
    report = json.loads(r.stdout)
    c2pa = (report.get("c2pa") or {}).get("state")
    assert c2pa == "valid", (path, c2pa, r.stderr[-300:])
    assert len(report.get("implicit") or []) == 1, report.get("implicit")

result = {
    "command": "make release && python3 Benchmarks/scripts/stream-c2pa.py " + " ".join(sys.argv[1:]),
    "sigil": args.sigil, "baseline": args.baseline, "marks": args.marks, "rounds": args.rounds, "cores": os.cpu_count(),
    "kernel": platform.release(), "inputs": {}, "anchors": "each row against cp of the same file in this run (median wall times)",
}
for title, path in inputs.items():
    out, rows = rows_for(path)
    walls = {n: [] for n in rows}
    rss = {n: [] for n in rows}
    for round_ in range(args.rounds):
        for name, argv in rows.items():
            if os.path.exists(out): os.remove(out)
            subprocess.run(["sync"], check=True)
            timing = os.path.join(args.work, "time.txt")
            r = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", timing] + argv, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
            if r.returncode != 0: sys.exit(f"{title}: {name} failed: {r.stderr.decode()[-500:]}")
            wall, peak = open(timing).read().split()[-2:]
            walls[name].append(float(wall)); rss[name].append(int(peak))
            if name != "cp" and round_ == 0: verify(out)  # every row's output checked once (a verify of an hour of audio is slow)
            print(f"{title} round {round_ + 1}: {float(wall):7.2f} s {int(peak) // 1024:6d} MB  {name}", file=sys.stderr)
    med = {n: statistics.median(w) for n, w in walls.items()}
    result["inputs"][title] = {
        "fileBytes": os.path.getsize(path),
        "rows": {n: {"medianWallSeconds": round(med[n], 3), "wallSeconds": walls[n], "maxRSSKiB": max(rss[n]),
                     "ratioToCp": round(med[n] / med["cp"], 2)} for n in rows},
    }
    for n in rows:
        print(f"{title:14} {med[n]:8.2f} s {med[n] / med['cp']:6.2f}x cp {max(rss[n]) // 1024:6d} MB  {n}")
result["loadAverageAtEnd"] = os.getloadavg()
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f: json.dump(result, f, indent=2)
shutil.rmtree(args.work)
