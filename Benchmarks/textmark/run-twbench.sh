#!/usr/bin/env bash
# Runs ../shared/bench/twbench.py for Sigil's text mark beside the KGW anchor, English (SmolLM2-135M-Instruct) and
# Chinese (Gemma-3-270M), with the same prompts, samples, seed and human null set, then combines the summaries.
#
#   ../shared/bench/setup.sh && $BENCH_PY ../shared/bench/twbench.py fetch     # once per machine
#   swift build -c release --product sigil
#   Benchmarks/textmark/run-twbench.sh OUT_DIR [N_SAMPLES]
#
# The key is twbench's demo passphrase on both sides (a benchmark key, never a provider's). Generation runs the
# NumPy model on one core; a full run of the four arms takes about an hour on the 2-core machines.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: run-twbench.sh OUT_DIR [N_SAMPLES]}
n=${2:-2}
py=${BENCH_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/sigil-bench-venv/bin/python}
bench=${TWBENCH:-$here/../shared/bench/twbench.py}
sigil=${SIGIL:-$here/.build/release/sigil}
cache=${TWBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sigil-twbench}
key=sigil-twbench-demo-key
mkdir -p "$out"
for pair in en:smollm2 zh:gemma3; do
  lang=${pair%%:*}
  gen=${pair#*:}
  tok="$out/$gen.tokenizer.json"
  [ -f "$tok" ] || "$py" "$bench" tokenizer --generator "$gen" "$tok"
  if [ ! -f "$out/kgw-$lang/summary.json" ]; then
    "$py" "$bench" run --generator "$gen" --lang "$lang" --n "$n" --anchor kgw --out "$out/kgw-$lang" 2>"$out/kgw-$lang.log"
  fi
  "$py" "$bench" run --generator "$gen" --lang "$lang" --n "$n" --name "sigil-textmark-v1" \
    --logits-processor "$sigil textmark serve-lp --key-passphrase $key" \
    --detect-batch "$sigil textmark detect --batch {in} --tokenizer $tok --key-passphrase $key" \
    --out "$out/sigil-$lang" 2>"$out/sigil-$lang.log"
  "$py" "$bench" combine "$out/kgw-$lang/summary.json" "$out/sigil-$lang/summary.json" > "$out/combined-$lang.md"
done
echo "summaries: $out/combined-en.md $out/combined-zh.md"
