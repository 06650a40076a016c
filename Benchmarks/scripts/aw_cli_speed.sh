#!/bin/sh
# Whole-process embed and detect time, Sigil (`sigil watermark`) beside audiowmark 0.6.5 (`add` / `get`), the same
# clips in the same run, each command best of 3. Usage: AUDIOWMARK=… aw_cli_speed.sh CLIP.wav... > speed-cli.md
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIGIL=${SIGIL:-$ROOT/.build/release/sigil}
AW=${AUDIOWMARK:?set AUDIOWMARK to the audiowmark binary}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
head -c 32 /dev/urandom > "$T/watermark.key"
best() { b=999; for i in 1 2 3; do s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); b=$(echo "$e - $s < $b" | bc -l | grep -q 1 && echo "$e - $s" | bc -l || echo $b); done; echo $b; }
echo "clip | seconds | sigil embed s | audiowmark add s | sigil detect s | audiowmark get s | embed: aw time ÷ sigil time | detect: aw ÷ sigil"
echo "---|---|---|---|---|---|---|---"
for c in "$@"; do
  n=$(basename "$c" .wav)
  d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$c")
  se=$(best "$SIGIL" watermark embed "$c" "$T/s.wav" --payload 0123456789abcdef --keys "$T")
  ae=$(best "$AW" add -q "$c" "$T/a.wav" 0123456789abcdef0123456789abcdef)
  sd=$(best "$SIGIL" watermark detect "$T/s.wav" --keys "$T")
  ad=$(best "$AW" get "$T/a.wav")
  printf '%s | %.1f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f\n' "$n" "$d" "$se" "$ae" "$sd" "$ad" "$(echo "$ae / $se" | bc -l)" "$(echo "$ad / $sd" | bc -l)"
done
