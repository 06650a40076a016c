#!/bin/sh
# Explicit text label check throughput beside UTF-8 validation of the same buffer (issue 20: ≥ 100 MB/s).
# Writes the raw result, with the command and the machine's load, to Benchmarks/results/text-check.json.
#   sh Benchmarks/scripts/text-check.sh            (from the package root; SIGIL_TEXT_MB, SIGIL_TEXT_ROUNDS)
set -eu
cd "$(dirname "$0")/.."
swift build -c release -j "${JOBS:-2}" --product sigil-text-bench
out=$(./.build/release/sigil-text-bench)
printf '%s\n' "$out" | python3 -c '
import json, sys, platform
result = json.load(sys.stdin)
result = {"command": "sh Benchmarks/scripts/text-check.sh", "kernel": platform.release(), **result}
json.dump(result, open("results/text-check.json", "w"), indent=2, sort_keys=False)
open("results/text-check.json", "a").write("\n")
print(json.dumps(result, indent=2))
'
