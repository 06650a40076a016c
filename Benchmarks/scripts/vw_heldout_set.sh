#!/usr/bin/env bash
# Builds the video watermark's held-out clips: content the video mark (decision 0106) was never run on while it was
# built. The photographs are the image mark's held-out set (Benchmarks/scripts/wm_heldout_set.py: scikit-image
# sample photos that are not in ../shared/media/images), rendered as slow pans with ../shared/media/video/pan.py (the
# tool that made the shared leaves clip), plus one synthetic clip (ffmpeg's mandelbrot zoom with a tone).
# Sizes, rates and containers mirror the shared set's spread.
#
# Usage: BENCH_PY=~/.cache/sigil-bench-venv/bin/python Benchmarks/scripts/vw_heldout_set.sh OUT_DIR
set -euo pipefail
OUT=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SIGIL_SHARED:-$ROOT/../shared}
PY=${BENCH_PY:-$HOME/.cache/sigil-bench-venv/bin/python}
PAN="$PY $SHARED/media/video/pan.py"
FF="ffmpeg -hide_banner -v error -y -threads 2"
X264="-c:v libx264 -preset medium -profile:v high -pix_fmt yuv420p -threads 2"
mkdir -p "$OUT"
PHOTOS=$(mktemp -d)
trap 'rm -rf "$PHOTOS"' EXIT
"$PY" "$ROOT/Benchmarks/scripts/wm_heldout_set.py" "$PHOTOS" > /dev/null
P=$PHOTOS
# 1. 1080p30 MP4: the motorcycle photo, a slow zoom and a pan, H.264 CRF 21, 2-s GOP, silent.
$PAN 1920 1080 30 "$P/ho_motorcycle_left.png:5:0.50,0.50,1.00:0.45,0.55,0.70" "$P/ho_motorcycle_left.png:5:0.30,0.40,0.60:0.70,0.60,0.60" |
  $FF -f rawvideo -pix_fmt bgr24 -s 1920x1080 -r 30 -i - $X264 -crf 21 -g 60 -movflags +faststart "$OUT/ho_moto_1920x1080_30.mp4"
# 2. 720p25 MKV: brick then grass textures, H.264 CRF 23, with a tone.
$PAN 1280 720 25 "$P/ho_brick.png:5:0.50,0.50,0.90:0.55,0.45,0.70" "$P/ho_grass.png:5:0.45,0.50,0.80:0.55,0.50,0.95" |
  $FF -f rawvideo -pix_fmt bgr24 -s 1280x720 -r 25 -i - -f lavfi -i "sine=frequency=330:duration=10" $X264 -crf 23 \
    -c:a aac -b:a 96k -shortest "$OUT/ho_textures_1280x720_25.mkv"
# 3. 480p24 WebM: the camera man then the coins, VP9 CRF 30, Opus.
$PAN 854 480 24 "$P/ho_camera.png:5:0.50,0.50,1.00:0.50,0.40,0.75" "$P/ho_coins.png:5:0.40,0.50,0.90:0.60,0.50,0.90" |
  $FF -f rawvideo -pix_fmt bgr24 -s 854x480 -r 24 -i - -f lavfi -i "sine=frequency=220:duration=10" -c:v libvpx-vp9 -crf 30 -b:v 0 \
    -deadline good -cpu-used 2 -row-mt 1 -g 48 -pix_fmt yuv420p -c:a libopus -b:a 64k -shortest "$OUT/ho_camera_854x480_24.webm"
# 4. vertical 720x1280 30 fps MOV: the moon then the tissue micrograph, H.264 CRF 20.
$PAN 720 1280 30 "$P/ho_moon.png:5:0.50,0.50,0.60:0.50,0.50,0.45" "$P/ho_ihc.png:5:0.50,0.40,0.55:0.50,0.60,0.55" |
  $FF -f rawvideo -pix_fmt bgr24 -s 720x1280 -r 30 -i - $X264 -crf 20 -f mov "$OUT/ho_vertical_720x1280_30.mov"
# 5. synthetic: ffmpeg's mandelbrot zoom, 720p25 MP4, H.264 CRF 20, with a tone.
$FF -f lavfi -i "mandelbrot=size=1280x720:rate=25,trim=duration=10" -f lavfi -i "sine=frequency=440:duration=10" $X264 -crf 20 \
  -c:a aac -b:a 96k -shortest "$OUT/ho_mandelbrot_1280x720_25.mp4"
ls -l "$OUT"
