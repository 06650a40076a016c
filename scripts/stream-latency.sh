#!/usr/bin/env bash
# POST /v1/label/stream beside POST /v1/label (decision 0026): starts a release `sigil serve` on a throwaway data
# directory and runs Benchmarks/scripts/stream_latency.py on a 24 kHz mono clip made from the shared speech samples,
# paced in real time and unpaced. Writes Benchmarks/results/audio-stream/{paced,unpaced}.json and SUMMARY.md.
# Usage: scripts/stream-latency.sh [RUNS]
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
sigil=$root/.build/release/sigil
work=$root/out/stream-latency
out=$root/Benchmarks/results/audio-stream
rm -rf "$work" && mkdir -p "$work" "$out"
[ -x "$sigil" ] || { echo "build first: make release" >&2; exit 2; }
clip=$(ls "$root"/../shared/media/audio/*speech*.wav | head -1)
# 10 s of the first shared clip as 24 kHz mono 16-bit PCM, the usual TTS stream format.
ffmpeg -nostdin -v error -i "$clip" -t 10 -ac 1 -ar 24000 -f s16le "$work/clip.s16"

. "$root/scripts/throwaway-server.sh"
start_throwaway_server "$sigil" "$work"
for pace in 1 0; do
  name=$([ $pace = 1 ] && echo paced || echo unpaced)
  python3 "$root/Benchmarks/scripts/stream_latency.py" --address "$address" --token "$token" --pcm "$work/clip.s16" \
    --rate 24000 --runs "$runs" --pace $pace > "$out/$name.json"
done
python3 - "$out" "$(basename "$clip")" <<'PY' | tee "$out/SUMMARY.md"
import json, sys
out, clip = sys.argv[1], sys.argv[2]
print(f"10 s of `{clip}` as 24 kHz mono 16-bit PCM, sent in 100 ms chunks; medians of each run's figures (ms).\n")
print("| upload | route | first byte | opening label heard in full | after the last chunk | whole exchange |")
print("|---|---|---|---|---|---|")
for name, label in (("paced", "real time (a TTS stream)"), ("unpaced", "as fast as the socket takes it")):
    d = json.load(open(f"{out}/{name}.json"))
    s, f = d["stream"], d["file_route"]
    print(f"| {label} | `/v1/label/stream` | {s['first_byte_ms']} | {s['label_ms']} | {s['tail_ms']} | {s['total_ms']} |")
    print(f"| {label} | `/v1/label` after the whole clip | {f['first_byte_ms']} | — | — | {f['total_ms']} |")
PY
