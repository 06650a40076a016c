#!/usr/bin/env bash
# The streaming path at scale: label a 4 GB WAV (a real RIFF/WAVE container whose data chunk is sparse zeros) with
# the release `sigil`, as a provider runs it, beside `cp` + `sync` of the same file in the same run (Sigil fsyncs
# before its atomic rename, so the anchor has the same durability); report wall time, peak
# RSS (GNU time's %M) and the ratio to cp. Writes Benchmarks/results/stream-4gb.json.
#
#   make release && bash Benchmarks/scripts/stream-4gb.sh [WORKDIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
sigil="$root/.build/release/sigil"
work="${1:-$root/.build/stream-bench}"
out_json="$root/Benchmarks/results/stream-4gb.json"
[ -x "$sigil" ] || { echo "build the release sigil first (make release)" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work/data"
export SIGIL_DATA="$work/data"
input="$work/big.wav"

python3 - "$input" <<'PY'
import struct, sys
data = 4_000_000_000
fmt = struct.pack('<HHIIHH', 1, 2, 48000, 48000 * 4, 4, 16)
with open(sys.argv[1], 'wb') as f:
    f.write(b'RIFF' + struct.pack('<I', 4 + 8 + len(fmt) + 8 + data) + b'WAVE')
    f.write(b'fmt ' + struct.pack('<I', len(fmt)) + fmt)
    f.write(b'data' + struct.pack('<I', data))
    f.truncate(f.tell() + data)   # sparse: the audio frames are zeros, never written
PY
size=$(stat -c %s "$input")

measure() {  # name, output file, command...
  local name="$1" output="$2"; shift 2
  sync; rm -f "$output"
  /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err" >&2; exit 1; }
  cat "$work/$name.time"
}

# Anchor first and last, so page-cache state is the same on both sides of Sigil's runs.
cp_before=$(measure cp "$work/cp.wav" sh -c 'cp --sparse=never "$1" "$2" && sync' _ "$input" "$work/cp.wav")
unsigned=$(measure unsigned "$work/unsigned.wav" "$sigil" label "$input" -o "$work/unsigned.wav" --marks implicit --no-record --label-signature none)
signed=$(measure signed "$work/signed.wav" "$sigil" label "$input" -o "$work/signed.wav" --marks implicit --no-record)
cp_after=$(measure cp "$work/cp.wav" sh -c 'cp --sparse=never "$1" "$2" && sync' _ "$input" "$work/cp.wav")
cp_plain=$(measure cpplain "$work/cp.wav" cp --sparse=never "$input" "$work/cp.wav")

# The outputs: one AIGC chunk before data, the RIFF size right, the data chunk the same length.
python3 - "$work/unsigned.wav" "$work/signed.wav" <<'PY'
import struct, sys
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        head = f.read(12); assert head[:4] == b'RIFF' and head[8:] == b'WAVE', path
        riff = struct.unpack('<I', head[4:8])[0]
        ids = []
        while True:
            h = f.read(8)
            if len(h) < 8: break
            cid, n = h[:4], struct.unpack('<I', h[4:])[0]
            ids.append(cid.decode())
            if cid == b'AIGC': label = f.read(n); f.seek(n & 1, 1)
            else: f.seek(n + (n & 1), 1)
        assert ids == ['fmt ', 'AIGC', 'data'], ids
        f.seek(0, 2); assert riff + 8 == f.tell(), (riff, f.tell())
        assert label.startswith(b'{"Label":"1"'), label[:40]
print("outputs check: fmt, AIGC, data; RIFF size matches")
PY

python3 - "$out_json" "$size" "$cp_before" "$cp_after" "$unsigned" "$signed" "$(nproc)" "$(uname -r)" "$cp_plain" <<'PY'
import json, sys
out, size, cpb, cpa, uns, sig, cores, kernel, cpp = sys.argv[1:]
def parse(s):
    wall, rss = s.split(); return {"wallSeconds": float(wall), "maxRSSKiB": int(rss)}
cp = [parse(cpb), parse(cpa)]
anchor = min(c["wallSeconds"] for c in cp)
rows = {"cp --sparse=never && sync (before)": cp[0], "cp --sparse=never && sync (after)": cp[1],
        "cp --sparse=never, no sync (not durable; for reference)": parse(cpp),
        "sigil label --marks implicit --label-signature none": parse(uns),
        "sigil label --marks implicit (default: SM3withSM2 ReservedCode1, SHA-256 binding over the audio frames, digested while the kernel copies)": parse(sig)}
for r in rows.values(): r["vsCp"] = round(r["wallSeconds"] / anchor, 2) if anchor > 0 else None
json.dump({"command": "make release && bash Benchmarks/scripts/stream-4gb.sh", "fileBytes": int(size), "loadAverageAtEnd": __import__("os").getloadavg(),
           "container": "RIFF/WAVE, 16-bit stereo 48 kHz, sparse data chunk", "cores": int(cores), "kernel": kernel,
           "anchor": "fastest cp --sparse=never && sync of the same file in this run (sigil fsyncs before its atomic rename: the same durability)", "rows": rows}, open(out, "w"), indent=2)
print(open(out).read())
PY
rm -rf "$work"
