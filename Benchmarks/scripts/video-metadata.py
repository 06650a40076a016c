#!/usr/bin/env python3
"""Metadata-only video labels: the release `sigil` beside `cp` and `ffmpeg -c copy -metadata AIGC=...` in one run.

For every clip in ../shared/media/video (MP4, MOV, WebM, AVI, FLV), each command runs REPEATS times in turn
(interleaved, so load drifts hit every command alike); the median wall time of each is reported with its ratio to
the median `cp` of the same clip. Sigil runs as a provider does for a metadata-only label: `--marks implicit
--no-record`, once without the ReservedCode1 signature and once with the default one. Sigil fsyncs before its
atomic rename, so `cp && sync` is given too. ffmpeg gets `-movflags use_metadata_tags` for MP4/MOV (without it
the key is dropped). Every output is checked: ffprobe reads the AIGC tag where ffmpeg can read one (not AVI's
INFO item), the packets' framemd5 equals the source's for Sigil's outputs. Writes
Benchmarks/results/video-metadata.json.

    swift build -c release --product sigil && python3 Benchmarks/scripts/video-metadata.py [REPEATS]
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# SIGIL=<path> measures another build (the result records which); the figures to quote are the release binary's.
sigil = os.environ.get("SIGIL", os.path.join(root, ".build/release/sigil"))
clips_dir = os.path.join(os.path.dirname(root), "shared/media/video")
out_json = os.environ.get("OUT", os.path.join(root, "Benchmarks/results/video-metadata.json"))
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
label = ('{"Label":"1","ContentProducer":"001191000000000000000K10000","ProduceID":"bench-0001","ReservedCode1":"",'
         '"ContentPropagator":"001191000000000000000K10000","PropagateID":"bench-0001","ReservedCode2":""}')

if not os.access(sigil, os.X_OK):
    sys.exit("build the release sigil first: swift build -c release --product sigil")
for tool in ("ffmpeg", "ffprobe"):
    if shutil.which(tool) is None:
        sys.exit(f"{tool} is not installed")

work = tempfile.mkdtemp(prefix="video-metadata-")
env = dict(os.environ, SIGIL_DATA=os.path.join(work, "data"))


def run(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {done.stderr.decode()[-400:]}")
    return elapsed


def framemd5(path):
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0", "-c", "copy", "-f", "framemd5", "-"],
                         capture_output=True, check=True).stdout.decode()
    return [line.split(", S=")[0] for line in out.splitlines() if not line.startswith("#")]


def probe_tags(path):
    out = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", path], capture_output=True, check=True).stdout)
    return {k.upper(): v for k, v in out.get("format", {}).get("tags", {}).items()}


rows = {}
for name in sorted(os.listdir(clips_dir)):
    ext = name.rsplit(".", 1)[-1]
    if ext not in ("mp4", "mov", "webm", "mkv", "avi", "flv"):
        continue
    src = os.path.join(clips_dir, name)
    local = os.path.join(work, name)
    shutil.copyfile(src, local)  # the page cache holds the source for every command alike
    out = {k: os.path.join(work, f"{k}.{ext}") for k in ("cp", "cpsync", "sigil", "signed", "ffmpeg")}
    movflags = ["-movflags", "use_metadata_tags"] if ext in ("mp4", "mov") else []
    commands = {
        "cp": ["cp", local, out["cp"]],
        "cp && sync": ["sh", "-c", 'cp "$1" "$2" && sync', "_", local, out["cpsync"]],
        "sigil label --marks implicit --no-record --label-signature none":
            [sigil, "label", local, "-o", out["sigil"], "--marks", "implicit", "--no-record", "--label-signature", "none"],
        "sigil label --marks implicit --no-record (default ReservedCode1 signature)":
            [sigil, "label", local, "-o", out["signed"], "--marks", "implicit", "--no-record"],
        "ffmpeg -c copy -metadata AIGC=" + (" -movflags use_metadata_tags" if movflags else ""):
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", local, "-map", "0", "-c", "copy", "-metadata", f"AIGC={label}"] + movflags + [out["ffmpeg"]],
    }
    times = {k: [] for k in commands}
    for _ in range(repeats):
        for key, cmd in commands.items():
            target = out["cpsync"] if cmd[0] == "sh" else cmd[-1]
            if os.path.exists(target):
                os.remove(target)
            times[key].append(run(cmd))
    anchor = statistics.median(times["cp"])
    same = framemd5(local)
    checks = {
        "sigilPacketsIdentical": framemd5(out["sigil"]) == same,
        "signedPacketsIdentical": framemd5(out["signed"]) == same,
        "ffmpegPacketsIdentical": framemd5(out["ffmpeg"]) == same,
        "ffprobeReadsSigilAIGC": "AIGC" in probe_tags(out["sigil"]),
        "ffprobeReadsFFmpegAIGC": "AIGC" in probe_tags(out["ffmpeg"]),
        "sourceBytes": os.path.getsize(local),
        "sigilBytes": os.path.getsize(out["sigil"]),
    }
    rows[name] = {
        "checks": checks,
        "commands": {k: {"medianSeconds": round(statistics.median(v), 5), "allSeconds": [round(x, 5) for x in v],
                         "vsCp": round(statistics.median(v) / anchor, 2)} for k, v in times.items()},
    }
    print(name, {k: r["vsCp"] for k, r in rows[name]["commands"].items()}, checks, flush=True)

result = {
    "command": ("" if "SIGIL" not in os.environ else f"SIGIL={os.path.relpath(sigil, root)} OUT={os.path.relpath(out_json, root)} ")
    + "python3 Benchmarks/scripts/video-metadata.py " + str(repeats),
    "sigilBinary": os.path.relpath(sigil, root),
    "repeats": repeats,
    "anchor": "median cp of the same clip in this run (commands interleaved)",
    "cores": os.cpu_count(),
    "kernel": os.uname().release,
    "loadAverageAtEnd": os.getloadavg(),
    "ffmpeg": subprocess.run(["ffmpeg", "-version"], capture_output=True).stdout.decode().splitlines()[0],
    "clips": rows,
}
with open(out_json, "w") as f:
    json.dump(result, f, indent=2)
shutil.rmtree(work)
print("wrote", out_json)
