#!/usr/bin/env bash
# The watermark's committed figures (decisions 0102, 0103): wmbench on the tuning set and on the held-out set, the
# screen's calibration (tuning set) and check (held-out set), and detect times with and without the screen.
#
# Usage: Benchmarks/scripts/wm-results.sh [STEP...]   steps: build heldout wmbench screen speed fpr (default: all)
# Needs ../shared/bench/setup.sh's Python ($BENCH_PY, default ~/.cache/sigil-bench-venv/bin/python) and ImageMagick.
# Writes Benchmarks/results/watermark/{tuning,heldout}/ and scratch files under $WORK (default /tmp/sigil-wm-results).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${BENCH_PY:-$HOME/.cache/sigil-bench-venv/bin/python}
work=${WORK:-/tmp/sigil-wm-results}
res=$root/Benchmarks/results/watermark
bin=$root/Benchmarks/.build/release/sigil-wm-bench
wmbench=${WMBENCH:-$root/../shared/bench/wmbench.py}
tuning=${TUNING_IMAGES:-$root/../shared/media/images}
steps=${*:-build heldout wmbench screen speed fpr}
mkdir -p "$work" "$res/tuning" "$res/heldout"

for step in $steps; do
  case $step in
  build)
    (cd "$root/Benchmarks" && swift build -c release --product sigil-wm-bench -j 2) ;;
  heldout)
    "$py" "$root/Benchmarks/scripts/wm_heldout_set.py" "$work/heldout-images" > "$res/heldout/MANIFEST.md" ;;
  wmbench)
    for set in tuning heldout; do
      images=$tuning
      [ "$set" = heldout ] && images=$work/heldout-images
      for mode in exhaustive staged; do
        flag=""; keep=""
        [ "$mode" = exhaustive ] && flag="--exhaustive" && keep="--keep"
        out=$work/wmbench-$set-$mode
        rm -rf "$out"
        "$py" "$wmbench" --name "sigil-$set-$mode" --images "$images" --embed "$bin embed {in} {out} {payload}" \
          --extract "$bin detect $flag {in}" --timeit "$bin timeit {in} {payload}" --jobs 2 $keep --out "$out"
        mkdir -p "$res/$set/$mode"
        cp "$out/summary.json" "$out/REPORT.md" "$out/results.jsonl" "$res/$set/$mode/"
      done
    done ;;
  screen)
    for set in tuning heldout; do
      images=$tuning
      [ "$set" = heldout ] && images=$work/heldout-images
      rm -rf "$work/screen-$set"
      "$py" "$root/Benchmarks/scripts/wm_screen_set.py" "$work/wmbench-$set-exhaustive" "$images" "$work/screen-$set" --per-image 100
      "$bin" screen "$work/screen-$set/marked" --jobs 2 > "$res/$set/screen-marked.ndjson"
      "$bin" screen "$work/screen-$set/unmarked" --jobs 2 > "$res/$set/screen-unmarked.ndjson"
      python3 "$root/Benchmarks/scripts/wm_screen_summary.py" --threshold "$("$bin" threshold)" \
        "$res/$set/screen-marked.ndjson" --unmarked "$res/$set/screen-unmarked.ndjson" --json "$res/$set/screen-summary.json" > /dev/null
    done ;;
  speed)
    # The load test's 1 MP JPEG (scripts/load.sh), unmarked and marked, and every picture of both sets, unmarked and
    # marked; staged and exhaustive detection interleaved in one process.
    convert "$root/examples/landscape.jpg" -resize '1224x816!' -quality 90 "$work/1mp.jpg"
    "$bin" embed "$work/1mp.jpg" "$work/1mp-marked.png" 0123456789abcdef
    convert "$work/1mp-marked.png" -quality 90 "$work/1mp-marked.jpg"
    "$bin" nomark-speed "$work/1mp.jpg" "$work/1mp-marked.jpg" --repeat 7 > "$res/speed-1mp.ndjson" ;;
  fpr)
    "$bin" fpr "$tuning" "$root/examples" "$root/../shared/fixtures/c2pa" "$root/../shared/fixtures/c2pa/foreign" \
      "$root/../shared/fixtures/c2pa/minimal" --count "${FPR_COUNT:-10000}" > "$res/fpr.txt" ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
