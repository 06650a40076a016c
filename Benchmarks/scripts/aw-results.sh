#!/bin/sh
# The audio watermark's committed figures (issue 17, decision 0104). Writes Benchmarks/results/audio-watermark/:
#   {tuning,heldout}/{default,harder,extra}/   awbench summary.md + results.json for Sigil (`sigil watermark`)
#   anchor-{tuning,heldout}-{default,harder,extra}/   the same for audiowmark 0.6.5 (when AUDIOWMARK is set)
#   speed.md   in-process embed/detect speed (sigil-aw-bench speed)
#   fpr.txt    the false-positive run (sigil-aw-bench fpr 10000)
# Usage: aw-results.sh [all|sigil|anchor|speed|fpr]   (from the repository root, after `swift build -c release`
# and `swift build -c release --package-path Benchmarks --product sigil-aw-bench`; ../shared/bench/setup.sh once).
# The tuning set is ../shared/media/audio; the held-out set is built by aw_heldout_set.sh.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SIGIL_SHARED:-$ROOT/../shared}
PY=${BENCH_PY:-$HOME/.cache/sigil-bench-venv/bin/python}
OUT=$ROOT/Benchmarks/results/audio-watermark
SIGIL=${SIGIL:-$ROOT/.build/release/sigil}
AWB=${AWB:-$ROOT/Benchmarks/.build/release/sigil-aw-bench}
HELD=$OUT/heldout-clips
KEYS=$(mktemp -d)
trap 'rm -rf "$KEYS"' EXIT
[ -d "$HELD" ] || sh "$ROOT/Benchmarks/scripts/aw_heldout_set.sh" "$HELD"
head -c 32 /dev/urandom > "$KEYS/watermark.key"   # a fresh key per run: no figure depends on one key
HARDER=mp3_32k,opus_32k,noise_20dB,noise_10dB,highpass_1k,lowpass_2k,echo_100ms,tempo_2pct,speed_3pct,excerpt_5s,excerpt_3s,cut1.3s+mp3_64k,mp3_64k_x2
EXTRA=speed_m1pct,speed_p1pct,speed_m3pct,speed_p3pct,speed_m5pct,speed_p5pct,tempo_m2pct,tempo_p2pct,tempo_m5pct,tempo_p5pct,pitch_m1st,pitch_p1st,opus_16k,telephone
SPEEDS=speed_m1pct,speed_p1pct,speed_m3pct,speed_p3pct,speed_m5pct,speed_p5pct

# run NAME CLIPS OUTDIR EXTRA_ARGS... : the three attack sets for one tool on one clip set
run() {
  name=$1; clips=$2; dir=$3; shift 3
  $PY "$SHARED/bench/awbench.py" --name "$name" --clips "$clips" "$@" --out "$dir/default"
  $PY "$SHARED/bench/awbench.py" --name "$name" --clips "$clips" "$@" --out "$dir/harder" --no-unmarked --attacks $HARDER
  $PY "$ROOT/Benchmarks/scripts/aw_extra_attacks.py" --name "$name" --clips "$clips" "$@" --out "$dir/extra" --no-unmarked --attacks $EXTRA
  rm -rf "$dir"/*/work
}

what=${1:-all}
if [ "$what" = all ] || [ "$what" = sigil ]; then
  for set in tuning heldout; do
    clips=$SHARED/media/audio; [ $set = heldout ] && clips=$HELD
    run sigil "$clips" "$OUT/$set" --bits 64 \
      --embed "$SIGIL watermark embed {in} {out} --payload {payload} --keys $KEYS" --detect "$SIGIL watermark detect {in} --keys $KEYS"
  done
fi
if { [ "$what" = all ] || [ "$what" = anchor ]; } && [ -n "$AUDIOWMARK" ]; then
  for set in tuning heldout; do
    clips=$SHARED/media/audio; [ $set = heldout ] && clips=$HELD
    AW=$AUDIOWMARK
    $PY "$SHARED/bench/awbench.py" --name audiowmark-0.6.5 --bits 128 --clips "$clips" --embed "$AW add -q {in} {out} {payload}" \
      --detect "$AW get {in}" --detect2 "$AW get --detect-speed {in}" --out "$OUT/anchor-$set/default"
    $PY "$SHARED/bench/awbench.py" --name audiowmark-0.6.5 --bits 128 --clips "$clips" --embed "$AW add -q {in} {out} {payload}" \
      --detect "$AW get {in}" --detect2 "$AW get --detect-speed {in}" --detect2-attacks speed_3pct,tempo_2pct \
      --out "$OUT/anchor-$set/harder" --no-unmarked --attacks $HARDER
    $PY "$ROOT/Benchmarks/scripts/aw_extra_attacks.py" --name audiowmark-0.6.5 --bits 128 --clips "$clips" --embed "$AW add -q {in} {out} {payload}" \
      --detect "$AW get {in}" --detect2 "$AW get --detect-speed {in}" --detect2-attacks $SPEEDS \
      --out "$OUT/anchor-$set/extra" --no-unmarked --attacks $EXTRA
    rm -rf "$OUT/anchor-$set"/*/work
  done
fi
if [ "$what" = all ] || [ "$what" = speed ]; then
  "$AWB" speed "$SHARED"/media/audio/*.wav "$HELD"/*.wav > "$OUT/speed.md"
fi
if [ "$what" = all ] || [ "$what" = fpr ]; then
  "$AWB" fpr 10000 "$SHARED"/media/audio/*.wav "$HELD"/*.wav > "$OUT/fpr.txt"
fi
