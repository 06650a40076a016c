#!/usr/bin/env bash
# Bit-for-bit equivalence of two sigil-wm-bench builds (decision 0107): every picture of a corpus made from the tuning
# images — each unmarked, marked, and marked then attacked (JPEG 70; an off-centre 70 % crop; 3° rotation; half size;
# crop to 4:5 and fit 1080 wide at JPEG 80), plus an unmarked 60 % crop and the load test's 1 MP JPEG — detected with
# the ranked and the exhaustive search by both builds. The JSON each prints (payload, stage, sync and screen scores,
# lattice evidence, to the last digit) must be identical.
# Usage: Benchmarks/scripts/wm-equivalence.sh BASE_BIN NEW_BIN [OUT_DIR]   (needs ImageMagick's convert)
set -euo pipefail
base=$1
new=$2
out=${3:-/tmp/sigil-wm-equivalence}
root=$(cd "$(dirname "$0")/../.." && pwd)
images=${TUNING_IMAGES:-$root/../shared/media/images}
rm -rf "$out" && mkdir -p "$out/img"
for f in "$images"/*.png; do
  n=$(basename "$f" .png)
  cp "$f" "$out/img/$n-u.png"
  "$base" embed "$f" "$out/img/$n-m.png" 0123456789abcdef >/dev/null
  convert "$out/img/$n-m.png" -quality 70 "$out/img/$n-m-j70.jpg"
  convert "$out/img/$n-m.png" -gravity southeast -crop 70%x70%+0+0 +repage -quality 85 "$out/img/$n-m-crop.jpg"
  convert "$out/img/$n-m.png" -rotate 3 -quality 85 "$out/img/$n-m-rot.jpg"
  convert "$out/img/$n-m.png" -resize 50% -quality 85 "$out/img/$n-m-half.jpg"
  convert "$out/img/$n-m.png" -gravity center -crop 80%x100%+0+0 +repage -resize 1080x -quality 80 "$out/img/$n-m-45.jpg"
  convert "$out/img/$n-u.png" -gravity northwest -crop 60%x60%+0+0 +repage -quality 80 "$out/img/$n-u-crop.jpg"
done
convert "$root/examples/landscape.jpg" -resize '1224x816!' -quality 90 "$out/img/1mp.jpg"
for which in base new; do
  bin=$base
  [ "$which" = new ] && bin=$new
  : >"$out/$which.txt"
  for f in "$out"/img/*; do
    for s in ranked exhaustive; do echo "$(basename "$f") $s $("$bin" detect "$f" --json --search "$s")" >>"$out/$which.txt"; done
  done
done
pictures=$(ls "$out/img" | wc -l)
detected=$(grep -c '"detected":true' "$out/new.txt" || true)
if cmp -s "$out/base.txt" "$out/new.txt"; then verdict=identical; else verdict=DIFFERENT; fi
echo "{\"pictures\":$pictures,\"searches\":2,\"detectionsPrinted\":$(wc -l <"$out/new.txt"),\"detected\":$detected,\"verdict\":\"$verdict\"}"
[ "$verdict" = identical ]
