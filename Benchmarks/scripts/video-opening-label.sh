#!/usr/bin/env bash
# The video opening label on a 10-min 1080p H.264 file (issue 18 Measure): the shared leaves clip looped to 600 s
# by stream copy (no re-encode, its keyframes kept), then sigil-video-bench times Sigil's head-only label beside
# ffmpeg re-encoding only the first 2 s (the anchor, before and after) and ffmpeg's drawtext whole re-encode with the
# same x264 settings (stopped at a cap: then the ratio is a measured lower bound). Writes
# Benchmarks/results/video-opening-label.json.
#
#   bash Benchmarks/scripts/video-opening-label.sh [WORKDIR] [WHOLE_CAP_SECONDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$root/.build/video-bench}"
cap="${2:-600}"
clip="$root/../shared/media/video/leaves_1920x1080_25.mp4"
[ -f "$clip" ] || { echo "the shared clip $clip is missing" >&2; exit 2; }
mkdir -p "$work"
input="$work/leaves-600s.mp4"
[ -f "$input" ] || ffmpeg -nostdin -v error -stream_loop 59 -i "$clip" -c copy -t 600 -movflags +faststart "$input"
swift build -c release --package-path "$root/Benchmarks" --product sigil-video-bench -j 2 >&2
bench="$(swift build -c release --package-path "$root/Benchmarks" --show-bin-path)/sigil-video-bench"
"$bench" "$input" "$work" "$cap" > "$work/result.json"
python3 - "$work/result.json" "$root/Benchmarks/results/video-opening-label.json" "$cap" <<'PY'
import json, sys, platform
result = json.load(open(sys.argv[1]))
result["command"] = f"bash Benchmarks/scripts/video-opening-label.sh .build/video-bench {sys.argv[3]}"
result["inputMadeWith"] = "ffmpeg -stream_loop 59 -i ../shared/media/video/leaves_1920x1080_25.mp4 -c copy -t 600 -movflags +faststart leaves-600s.mp4"
result["kernel"] = platform.release()
result["note"] = "one run on a 2-core machine shared with other builds: compare the ratios within this run, not the seconds across runs"
json.dump(result, open(sys.argv[2], "w"), indent=2, ensure_ascii=False)
open(sys.argv[2], "a").write("\n")
PY
cat "$root/Benchmarks/results/video-opening-label.json"
