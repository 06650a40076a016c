#!/usr/bin/env python3
"""`sigil verify` of a long labeled WAV, as a platform runs it (one process per file, the default checks: labels,
C2PA, the signed label, the rhythm label heard in the samples, the watermark), with the release `sigil` beside an
earlier build in the same interleaved rounds, and beside `sha256sum` of the same file (one read of it: the floor any
verifier that binds the content pays).

    make release && python3 Benchmarks/scripts/verify-long-audio.py --baseline /path/to/older/sigil [--rounds 3]

Input, made here with ffmpeg from the shared media (held out: nothing in the verifier was tuned on it): a 30-minute
44.1 kHz stereo 16-bit WAV (m07_etr_credits.wav looped), about 318 MB, labeled once by this build with
`--marks implicit,explicit,c2pa` (rhythm label at the start and the end, signed label, manifest). Rows per round,
`sync` before each: `sha256sum`; this build's and the baseline's `sigil verify FILE --json`. Figures: median wall
time, its ratio to the baseline's and to `sha256sum`'s, and peak RSS from GNU time. Both builds' reports must agree
on the verdict, the rhythm detections and the C2PA state (checked every round).
Writes Benchmarks/results/verify-long-audio.json.
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared", "media")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--baseline", required=True, help="an earlier release sigil, run in the same rounds")
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--minutes", type=int, default=30)
p.add_argument("--work", default=os.path.join(root, ".build/verify-long-audio-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/verify-long-audio.json"))
args = p.parse_args()
for binary in (args.sigil, args.baseline):
    if not os.access(binary, os.X_OK): sys.exit(f"{binary} is not an executable (make release)")
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
env = dict(os.environ, SIGIL_PRODUCER="001191110102MACQD9K64010000", SIGIL_DATA=os.path.join(args.work, "data"))
source = os.path.join(args.work, "long.wav")
subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "-1", "-i",
                os.path.join(shared, "audio", "m07_etr_credits.wav"), "-t", str(args.minutes * 60), "-c:a", "pcm_s16le", source],
               check=True)
labeled = os.path.join(args.work, "labeled.wav")
subprocess.run([args.sigil, "label", source, "-o", labeled, "--marks", "implicit,explicit,c2pa", "--no-record"], check=True, env=env,
               stdout=subprocess.DEVNULL)
os.remove(source)

rows = {
    "sha256sum": ["sha256sum", labeled],
    "sigil verify --json": [args.sigil, "verify", labeled, "--json"],
    "baseline: the same": [args.baseline, "verify", labeled, "--json"],
}
walls = {n: [] for n in rows}
rss = {n: [] for n in rows}
for round_ in range(args.rounds):
    reports = {}
    for name, argv in rows.items():
        subprocess.run(["sync"], check=True)
        timing = os.path.join(args.work, "time.txt")
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", timing] + argv, env=env, capture_output=True, text=True)
        if r.returncode not in (0, 1): sys.exit(f"{name} failed ({r.returncode}): {r.stderr[-500:]}")
        wall, peak = open(timing).read().split()[-2:]
        walls[name].append(float(wall)); rss[name].append(int(peak))
        if name != "sha256sum":
            report = json.loads(r.stdout)
            reports[name] = (report.get("verdict"), json.dumps(report.get("rhythm"), sort_keys=True), (report.get("c2pa") or {}).get("state"))
        print(f"round {round_ + 1}: {float(wall):7.2f} s {int(peak) // 1024:6d} MB  {name}", file=sys.stderr)
    new, old = reports["sigil verify --json"], reports["baseline: the same"]
    assert new == old, ("the builds disagree", new, old)
    assert new[0] == "ai-generated" and new[1] != "null", new
med = {n: statistics.median(w) for n, w in walls.items()}
result = {
    "command": "make release && python3 Benchmarks/scripts/verify-long-audio.py " + " ".join(sys.argv[1:]),
    "sigil": args.sigil, "baseline": args.baseline, "rounds": args.rounds, "cores": os.cpu_count(), "kernel": platform.release(),
    "fileBytes": os.path.getsize(labeled), "minutes": args.minutes,
    "anchors": "each sigil row against the baseline build and against sha256sum of the same file, same rounds (median wall times)",
    "rows": {n: {"medianWallSeconds": round(med[n], 3), "wallSeconds": walls[n], "maxRSSKiB": max(rss[n]),
                 "ratioToBaseline": round(med[n] / med["baseline: the same"], 2), "ratioToSha256sum": round(med[n] / med["sha256sum"], 2)}
             for n in rows},
    "loadAverageAtEnd": os.getloadavg(),
}
for n in rows:
    print(f"{med[n]:8.2f} s {med[n] / med['baseline: the same']:6.2f}x baseline {med[n] / med['sha256sum']:6.2f}x sha256sum "
          f"{max(rss[n]) // 1024:6d} MB  {n}")
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f: json.dump(result, f, indent=2)
shutil.rmtree(args.work)
