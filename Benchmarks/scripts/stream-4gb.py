#!/usr/bin/env python3
"""The streaming path at scale (issue 24): label a 4 GB WAV (a real RIFF/WAVE container whose data chunk is sparse
zeros) with the release `sigil`, as a provider runs it, beside `cp` of the same file in the same run.

    make release && python3 Benchmarks/scripts/stream-4gb.py [--rounds 3] [--work DIR]

Rows, each run --rounds times interleaved (round 1 of every row, then round 2, ...), `sync` before each so every
row starts with a clean page cache of dirty pages; the figure is the median wall time, peak RSS from GNU time:
- `cp --sparse=never` and `sigil label` (default: atomic rename, no flush, as cp), unsigned and signed;
- `cp --sparse=never && sync` and `sigil label --durable` (flushed before success: the same durability).
Ratios are against the cp row of the same durability. Writes Benchmarks/results/stream-4gb.json and checks every
output (one AIGC chunk before data, the RIFF size right, the data chunk intact in length).
"""
import argparse, json, os, platform, shutil, statistics, struct, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--work", default=os.path.join(root, ".build/stream-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/stream-4gb.json"))
args = p.parse_args()
if not os.access(args.sigil, os.X_OK): sys.exit("build the release sigil first (make release)")
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(os.path.join(args.work, "data"))
env = dict(os.environ, SIGIL_DATA=os.path.join(args.work, "data"), SIGIL_PRODUCER="001191110102MACQD9K64010000")

source = os.path.join(args.work, "big.wav")
data = 4_000_000_000
fmt = struct.pack('<HHIIHH', 1, 2, 48000, 48000 * 4, 4, 16)
with open(source, 'wb') as f:
    f.write(b'RIFF' + struct.pack('<I', 4 + 8 + len(fmt) + 8 + data) + b'WAVE')
    f.write(b'fmt ' + struct.pack('<I', len(fmt)) + fmt)
    f.write(b'data' + struct.pack('<I', data))
    f.truncate(f.tell() + data)  # sparse: the audio frames are zeros, never written

out = os.path.join(args.work, "out.wav")
label = [args.sigil, "label", source, "-o", out, "--marks", "implicit", "--no-record"]
rows = {
    "cp --sparse=never": ["cp", "--sparse=never", source, out],
    "sigil label --marks implicit --label-signature none": label + ["--label-signature", "none"],
    "sigil label --marks implicit (default: SM3withSM2 ReservedCode1, SHA-256 binding digested while the kernel copies)": label,
    "cp --sparse=never && sync": ["sh", "-c", 'cp --sparse=never "$1" "$2" && sync', "_", source, out],
    "sigil label --marks implicit --durable (signed, flushed before success)": label + ["--durable"],
}
anchors = {name: ("cp --sparse=never && sync" if "sync" in name or "--durable" in name else "cp --sparse=never") for name in rows}

def check(path):
    with open(path, 'rb') as f:
        head = f.read(12); assert head[:4] == b'RIFF' and head[8:] == b'WAVE', path
        riff = struct.unpack('<I', head[4:8])[0]
        ids, label, data_len = [], b"", None
        while True:
            h = f.read(8)
            if len(h) < 8: break
            cid, n = h[:4], struct.unpack('<I', h[4:])[0]
            ids.append(cid.decode())
            if cid == b'AIGC': label = f.read(n); f.seek(n & 1, 1)
            else:
                if cid == b'data': data_len = n
                f.seek(n + (n & 1), 1)
        assert ids == ['fmt ', 'AIGC', 'data'], ids
        f.seek(0, 2); assert riff + 8 == f.tell(), (riff, f.tell())
        assert label.startswith(b'{"Label":"1"'), label[:40]
        assert data_len == data, data_len
        return label

walls = {n: [] for n in rows}
rss = {n: [] for n in rows}
for round_ in range(args.rounds):
    for name, argv in rows.items():
        if os.path.exists(out): os.remove(out)
        subprocess.run(["sync"], check=True)
        timing = os.path.join(args.work, "time.txt")
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", timing] + argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if r.returncode != 0: sys.exit(f"{name} failed: {r.stderr.decode()[-500:]}")
        wall, peak = open(timing).read().split()[-2:]
        walls[name].append(float(wall)); rss[name].append(int(peak))
        if name.startswith("sigil"):
            got = check(out)
            assert (b'SecurityData' in got) == ("none" not in name), name
        print(f"round {round_ + 1}: {float(wall):7.2f} s  {name}", file=sys.stderr)
os.remove(out)

med = {n: statistics.median(w) for n, w in walls.items()}
result = {
    "command": "make release && python3 Benchmarks/scripts/stream-4gb.py " + " ".join(sys.argv[1:]),
    "fileBytes": os.path.getsize(source), "container": "RIFF/WAVE, 16-bit stereo 48 kHz, sparse data chunk",
    "rounds": args.rounds, "cores": os.cpu_count(), "kernel": platform.release(), "loadAverageAtEnd": os.getloadavg(),
    "anchors": "each row against the cp row of the same durability in this run (median wall times)",
    "rows": {n: {"medianWallSeconds": round(med[n], 2), "wallSeconds": walls[n], "maxRSSKiB": max(rss[n]),
                 "vs": anchors[n], "ratio": round(med[n] / med[anchors[n]], 2)} for n in rows},
}
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f: json.dump(result, f, indent=2)
for n in rows: print(f"{med[n]:7.2f} s  {result['rows'][n]['ratio']:5.2f}x {anchors[n]:<26} {max(rss[n]) // 1024:5d} MB  {n}")
shutil.rmtree(args.work)
