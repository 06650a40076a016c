#!/usr/bin/env bash
# The video watermark's results (issue 19, decision 0106) under Benchmarks/results/video-watermark/:
#   tuning/, heldout/    vwbench runs of sigil (../shared/media/video; the held-out clips of vw_heldout_set.sh)
#   anchor-tuning/       vwbench's frame-wise DWT-DCT anchor (invisible-watermark dwtDct) on the tuning clips
#   extra-*.jsonl/.md    the attack rows vwbench does not run (vw_extra_attacks.py) on the marked files of both runs
#   fpr.txt              sigil-vw-bench fpr: 2-s windows of every unmarked clip x 107 derived keys (94 windows x 107 = 10,058 decisions)
#   speed.md             embed/label/detect speed on a quiet machine, beside a plain ffmpeg re-encode
# Usage: vw-results.sh [all|sigil|anchor|extra|fpr|speed]   (from the repository root, after `make release`,
# `swift build -c release --package-path Benchmarks --product sigil-vw-bench` and ../shared/bench/setup.sh once).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SIGIL_SHARED:-$ROOT/../shared}
PY=${BENCH_PY:-$HOME/.cache/sigil-bench-venv/bin/python}
OUT=$ROOT/Benchmarks/results/video-watermark
WORK=${VW_WORK:-/tmp/vwb}
SIGIL=${SIGIL:-$ROOT/.build/release/sigil}
VWB=${VWB:-$ROOT/Benchmarks/.build/release/sigil-vw-bench}
HELD=$WORK/heldout-clips
what=${1:-all}
mkdir -p "$OUT" "$WORK/data"
export SIGIL_DATA=$WORK/data   # a fresh keystore: development keys are generated on first use
[ -d "$HELD" ] || BENCH_PY=$PY bash "$ROOT/Benchmarks/scripts/vw_heldout_set.sh" "$HELD"
EMBED="SIGIL_DATA=$WORK/data $SIGIL watermark embed {in} {out} --payload {payload}"
DETECT="SIGIL_DATA=$WORK/data $SIGIL watermark detect {in} --json"
keep() { mkdir -p "$OUT/$2"; cp "$WORK/$1"/{REPORT.md,summary.json,results.jsonl} "$OUT/$2/"; }
if [ "$what" = all ] || [ "$what" = sigil ]; then
  (cd "$SHARED/bench" && "$PY" vwbench.py --name sigil --embed "$EMBED" --detect "$DETECT" --out "$WORK/sigil" --jobs 2)
  keep sigil tuning
  (cd "$SHARED/bench" && "$PY" vwbench.py --name sigil-heldout --media "$HELD" --embed "$EMBED" --detect "$DETECT" \
    --out "$WORK/sigil-heldout" --jobs 2)
  keep sigil-heldout heldout
fi
if [ "$what" = all ] || [ "$what" = anchor ]; then
  (cd "$SHARED/bench" && "$PY" vwbench.py --name dwtdct --anchor dwtdct --out "$WORK/anchor" --jobs 2)
  keep anchor anchor-tuning
fi
if [ "$what" = all ] || [ "$what" = extra ]; then
  ONLY=h264_crf50,h265_crf40,av1_svt_crf40,scale360p,crop25_offcentre,aspect_4_5_1080w,aspect_squeeze_4_3,fps25,gamma_1_4,combined_crf30_crop071_bright,rotate2,rotate90,excerpt2_at0,excerpt2_at80
  "$PY" "$ROOT/Benchmarks/scripts/vw_extra_attacks.py" "$SIGIL" "$WORK/sigil" "$OUT/extra-tuning.jsonl" --jobs 2 --only $ONLY > "$OUT/extra-tuning.md"
  "$PY" "$ROOT/Benchmarks/scripts/vw_extra_attacks.py" "$SIGIL" "$WORK/sigil-heldout" "$OUT/extra-heldout.jsonl" --jobs 2 \
    --only $ONLY > "$OUT/extra-heldout.md"
fi
if [ "$what" = all ] || [ "$what" = fpr ]; then
  V=$SHARED/media/video
  "$VWB" fpr 107 "$V"/*.mp4 "$V"/*.mov "$V"/*.webm "$V"/*.avi "$V"/*.flv "$HELD"/* > "$OUT/fpr.txt"
fi
if [ "$what" = all ] || [ "$what" = speed ]; then
  bash "$ROOT/Benchmarks/scripts/vw_speed.sh" "$SIGIL" "$SHARED/media/video/leaves_1920x1080_25.mp4" "$HELD/ho_moto_1920x1080_30.mp4" \
    "$SHARED/media/video/bbb_1280x720_24.mp4" > "$OUT/speed.md"
fi
