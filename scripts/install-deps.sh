#!/usr/bin/env bash
# Installs the Debian packages Sigil needs, only those missing. Idempotent; quiet when all are present.
set -euo pipefail

packages=(
  pkg-config
  libturbojpeg0-dev   # JPEG codec (TurboJPEG API)
  libpng-dev          # PNG codec (simplified API)
  libwebp-dev         # WebP codec
  libfreetype-dev     # explicit-label text rendering
  zlib1g-dev          # PNG zTXt/iTXt inflate
  libssl-dev          # OpenSSL libcrypto, for SM2/SM3 signatures only
  libebur128-dev      # EBU R128 loudness, for the audio rhythm label's level
  libchromaprint-dev  # audio fingerprints: a record found again for a sound that lost its labels
  fonts-wqy-microhei  # a CJK font for 「AI生成」 (fonts-noto-cjk also works)
  ffmpeg              # the video opening label (ffmpeg/ffprobe binaries, decision 0022) and the video tests
  libimage-exiftool-perl  # interop tests: exiftool reads our labels
  imagemagick         # interop tests and the benchmark's anchor pipeline
  ffmpeg              # the rhythm label in compressed audio, the video opening label, and the codec round-trip tests
  espeak-ng           # the synthesised spoken audio label (Mandarin voice)
  qpdf                # PDF tests: qpdf --check on labeled PDFs
  poppler-utils       # PDF text (pdftotext) and the verify page's first-page picture (pdftoppm); PDF tests: pdfinfo
  postgresql          # the log store's PostgreSQL tests start a throwaway server (initdb, pg_ctl)
  chromium            # the verify page's browser test (headless, DevTools over a pipe)
  wrk                 # the HTTP load script (make load)
  python3-numpy       # the text mark's Python package tests (ctypes over libsigiltextmark.so)
)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Pillow confirms, independently of our codecs, that metadata-only labels keep pixels identical.
if ! python3 -c 'import PIL' >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check pillow >/dev/null 2>&1 \
    || echo "note: Pillow could not be installed; the Pillow cross-check will be skipped" >&2
fi

# The C2PA oracle (c2pa-rs through c2pa-python, ../shared/bench/c2pa_check.py): the interop tests run our manifests
# past it and skip visibly without it. Only the oracle's package is installed here, at the version
# ../shared/bench/requirements.txt pins, into the venv ../shared/bench/setup.sh would make (it also installs the
# harnesses' heavier packages; run it for the benchmarks).
venv="${SIGIL_BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sigil-bench-venv}"
if ! "$venv/bin/python" -c 'import c2pa' >/dev/null 2>&1; then
  { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } \
    && "$venv/bin/pip" install --quiet --disable-pip-version-check "c2pa-python==0.38.1" >/dev/null 2>&1 \
    || echo "note: the C2PA oracle (c2pa-python) could not be installed; its interop tests will be skipped" >&2
fi
# The document libraries users read labeled documents with (IndependentReaderTests), at the versions
# ../shared/bench/requirements.txt pins, into the same venv.
if ! "$venv/bin/python" -c 'import docx, openpyxl, pptx, pikepdf, yaml' >/dev/null 2>&1; then
  { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } \
    && "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "pikepdf==10.18.0" "PyYAML==6.0.4" "python-docx==1.2.0" "openpyxl==3.1.5" "python-pptx==1.0.2" >/dev/null 2>&1 \
    || echo "note: the document libraries could not be installed; the independent-reader tests will be skipped" >&2
fi
