#!/usr/bin/env bash
# The watermark's committed figures (decisions 0102, 0103): wmbench on the tuning set and on the held-out set, the
# screen's calibration (tuning set) and check (held-out set), and detect times with and without the screen.
#
# Usage: Benchmarks/scripts/wm-results.sh [STEP...]
#   steps: build heldout wmbench screen ranked speed anchor-speed speed-12mp extra fpr (default: all)
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
steps=${*:-build heldout wmbench screen ranked speed anchor-speed speed-12mp extra fpr}
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
  ranked)
    # The ranked search (decision 0105, the default): wmbench with it on both sets, then every attacked picture
    # (wmbench's and random attack chains) and every unmarked one searched both ways in one process.
    for set in tuning heldout; do
      images=$tuning
      [ "$set" = heldout ] && images=$work/heldout-images
      out=$work/wmbench-$set-ranked
      rm -rf "$out" "$work/ranked-$set"
      "$py" "$wmbench" --name "sigil-$set-ranked" --images "$images" --embed "$bin embed {in} {out} {payload}" \
        --extract "$bin detect --search ranked {in}" --jobs 2 --keep --out "$out"
      mkdir -p "$res/$set/ranked"
      cp "$out/summary.json" "$out/REPORT.md" "$out/results.jsonl" "$res/$set/ranked/"
      "$py" "$root/Benchmarks/scripts/wm_screen_set.py" "$out" "$images" "$work/ranked-$set" --per-image 30
      "$bin" compare "$out/attacked" "$work/ranked-$set/marked" --jobs 2 > "$res/$set/ranked/compare-marked.ndjson"
      "$bin" compare "$work/ranked-$set/unmarked" "$images" --jobs 2 > "$res/$set/ranked/compare-unmarked.ndjson"
      python3 "$root/Benchmarks/scripts/wm_ranked_summary.py" --set "$set" "$res/$set/ranked/compare-marked.ndjson" \
        "$res/$set/ranked/compare-unmarked.ndjson" --json "$res/$set/ranked/compare-summary.json" > "$res/$set/ranked/COMPARE.md"
    done ;;
  speed)
    # The load test's 1 MP JPEG (scripts/load.sh), unmarked and marked, and every picture of both sets, unmarked and
    # marked; ranked, staged and exhaustive detection interleaved in one process.
    convert "$root/examples/landscape.jpg" -resize '1224x816!' -quality 90 "$work/1mp.jpg"
    "$bin" embed "$work/1mp.jpg" "$work/1mp-marked.png" 0123456789abcdef
    convert "$work/1mp-marked.png" -quality 90 "$work/1mp-marked.jpg"
    "$bin" nomark-speed "$work/1mp.jpg" "$work/1mp-marked.jpg" --repeat 7 > "$res/speed-1mp.ndjson" ;;
  anchor-speed)
    # Embed/extract throughput on the tuning set beside invisible-watermark's dwtDct, both ways users run them:
    # whole processes (wmbench phase 1, one process per image) and in-process (Sigil's `timeit`, dwtDct's library
    # called from one Python process over all images). Run on a quiet machine; one after the other, same session.
    out=$res/speed; mkdir -p "$out"
    for run in sigil dwtdct; do
      rm -rf "$work/speed-$run"
      if [ $run = sigil ]; then
        "$py" "$wmbench" --name sigil-speed --images "$tuning" --attacks none --jobs 1 --out "$work/speed-$run" \
          --embed "$bin embed {in} {out} {payload}" --extract "$bin detect {in}" --timeit "$bin timeit {in} {payload}"
      else
        "$py" "$wmbench" --name dwtDct-speed --images "$tuning" --attacks none --jobs 1 --out "$work/speed-$run" \
          --embed "$py $root/Benchmarks/scripts/wm_anchors.py dwtDct embed {in} {out} {payload}" \
          --extract "$py $root/Benchmarks/scripts/wm_anchors.py dwtDct extract {in}"
      fi
      cp "$work/speed-$run/summary.json" "$out/wmbench-$run.json"
    done
    "$py" "$root/Benchmarks/scripts/wm_dwtdct_inprocess.py" "$tuning" --repeat 3 > "$out/dwtdct-inprocess.json"
    python3 "$root/Benchmarks/scripts/wm_speed_table.py" "$out" > "$out/SPEED.md" ;;
  speed-12mp)
    # One 12 MP picture: in-process times (best of 3), and whole-process CPU time and peak RSS (GNU time).
    convert "$root/examples/landscape.jpg" -resize '4000x3000!' "$work/12mp.png"
    out=$res/speed; mkdir -p "$out"
    {
      echo "\$ sigil-wm-bench speed 12mp.png --repeat 3"
      "$bin" speed "$work/12mp.png" --repeat 3
      for cmd in "embed $work/12mp.png $work/12mp-marked.png 0123456789abcdef" "detect $work/12mp-marked.png" \
        "detect $work/12mp.png"; do
        /usr/bin/time -f "user %U s, sys %S s, wall %e s, peak RSS %M KiB" "$bin" $cmd 2>&1 | sed -e "s|^|$cmd: |" -e "s|$work/||g"
      done
    } > "$out/12mp.txt" ;;
  extra)
    # The stronger attacks (Benchmarks/scripts/wm_extra_attacks.py) on both sets, marked with wmbench's payloads.
    for set in tuning heldout; do
      images=$tuning
      [ "$set" = heldout ] && images=$work/heldout-images
      rm -rf "$work/extra-$set"
      "$py" "$wmbench" --name "sigil-$set-marked" --images "$images" --attacks none --embed "$bin embed {in} {out} {payload}" \
        --extract "$bin detect --exhaustive {in}" --jobs 2 --out "$work/extra-$set"
      "$py" "$root/Benchmarks/scripts/wm_extra_attacks.py" "$bin" "$work/extra-$set/marked" > "$res/$set/extra-attacks.md"
    done ;;
  fpr)
    "$bin" fpr "$tuning" "$root/examples" "$root/../shared/fixtures/c2pa" "$root/../shared/fixtures/c2pa/foreign" \
      "$root/../shared/fixtures/c2pa/minimal" --count "${FPR_COUNT:-10000}" > "$res/fpr.txt" ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
