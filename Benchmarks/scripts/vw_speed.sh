#!/usr/bin/env bash
# Video watermark speed (issue 19: "embed >= real time for 1080p30 inside the labeling pipeline, detect >= 5x real
# time"), whole processes, best of 3 wall-clock runs each, on a quiet machine. The anchor is what a provider's pipeline
# pays anyway to re-encode a clip: ffmpeg decoding it and encoding it with the same H.264 settings Sigil uses
# (libx264 veryfast CRF 18), audio copied. Prints a Markdown table.
# Usage: vw_speed.sh SIGIL CLIP...   (SIGIL_DATA set; Sigil's keys are generated there on first use)
set -euo pipefail
SIGIL=$1; shift
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
best() { # best of 3 wall times (s) of the command
  local b=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
    b=$(python3 -c "print(min(float('$b' or 1e9), $e - $s))")
  done
  echo "$b"
}
echo "| clip | duration s | fps | ffmpeg re-encode s | watermark embed s (x ffmpeg, x RT) | sigil label s (x ffmpeg, x RT) | watermark detect s (x RT) |"
echo "|---|---|---|---|---|---|---|"
for clip in "$@"; do
  ext=${clip##*.}
  read -r dur fps < <(ffprobe -v error -select_streams v:0 -show_entries stream=avg_frame_rate:format=duration -of default=nw=1:nk=1 "$clip" |
    python3 -c "import sys; l=sys.stdin.read().split(); n,d=l[0].split('/'); print(l[1], round(int(n)/int(d),2))")
  ff=$(best ffmpeg -nostdin -v error -y -i "$clip" -map 0:v:0 -map 0:a? -c copy -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p "$T/ff.$ext")
  em=$(best "$SIGIL" watermark embed "$clip" "$T/em.$ext" --payload 0123456789abcdef)
  la=$(best "$SIGIL" label "$clip" -o "$T/la.$ext" --producer 001191110102MACQD9K64010000 --no-record)
  de=$(best "$SIGIL" watermark detect "$T/em.$ext")
  python3 - "$clip" "$dur" "$fps" "$ff" "$em" "$la" "$de" <<'PY'
import os, sys
clip, dur, fps, ff, em, la, de = sys.argv[1], *map(float, sys.argv[2:])
print(f"| {os.path.basename(clip)} | {dur:.1f} | {fps:g} | {ff:.2f} | {em:.2f} ({em/ff:.2f}x, {dur/em:.2f}x RT) | "
      f"{la:.2f} ({la/ff:.2f}x, {dur/la:.2f}x RT) | {de:.2f} ({dur/de:.1f}x RT) |")
PY
done
