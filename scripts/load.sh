#!/usr/bin/env bash
# A bounded load run on loopback: starts a release `sigil serve` on a throwaway data directory, then drives
# POST /v1/verify (on the labeled file, then on the unlabeled one: every watermark sync stage runs there) and
# POST /v1/label with wrk on a 1 MP JPEG for a fixed time each, sampling the server's memory
# and CPU. Prints a Markdown table (also written to out/load/report.md).
# Usage: scripts/load.sh [SECONDS] [CONNECTIONS] [RATE_LIMIT]   RATE_LIMIT: off (default) or on.
# off lifts the per-address verify limit so every request does the work (a capacity figure); on keeps the shipped
# defaults (600 verifies a minute per address, burst 60), so most verify requests from the one load client get 429.
set -euo pipefail
seconds=${1:-30}
connections=${2:-4}
limit=${3:-off}
case $limit in on | off) ;; *) echo "RATE_LIMIT must be on or off, not $limit" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
sigil=$root/.build/release/sigil
work=$root/out/load
rm -rf "$work" && mkdir -p "$work"
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk, or make deps)" >&2; exit 2; }
[ -x "$sigil" ] || { echo "build first: make release" >&2; exit 2; }

# A 1 MP photo-like JPEG (1224×816) from the sample landscape.
convert "$root/examples/landscape.jpg" -resize '1224x816!' -quality 90 "$work/1mp.jpg"

# The verify cache is off: every request here verifies (scripts/verify-load.sh measures the cache too).
if [ "$limit" = off ]; then export SIGIL_VERIFY_PER_MINUTE=100000000 SIGIL_VERIFY_BURST=100000000; fi
export SIGIL_VERIFY_CACHE_ENTRIES=0
. "$root/scripts/throwaway-server.sh"
start_throwaway_server "$sigil" "$work"
curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: image/jpeg' --data-binary @"$work/1mp.jpg" \
  "http://$address/v1/label" -o "$work/labeled.jpg"

# Sample RSS (kB) and CPU ticks once a second while the phases run.
( while kill -0 $pid 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    echo "$(date +%s) $rss" >>"$work/rss.txt"; sleep 1
  done ) &
sampler=$!
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
hz=$(getconf CLK_TCK)

phase() { # name path file token
  local before after start end
  before=$(ticks); start=$(date +%s.%N)
  LOAD_FILE=$3 LOAD_TOKEN=$4 wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$root/scripts/load-post.lua" "http://$address$2" \
    | grep '^RESULT' | sed "s/^RESULT/$1/" >>"$work/results.txt"
  after=$(ticks); end=$(date +%s.%N)
  echo "$1 cores=$(awk -v a="$after" -v b="$before" -v hz="$hz" -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", (a - b) / hz / (e - s) }')" >>"$work/cpu.txt"
}
phase verify /v1/verify "$work/labeled.jpg" ""
phase verify-unmarked /v1/verify "$work/1mp.jpg" ""
phase label /v1/label "$work/1mp.jpg" "$token"
kill $sampler 2>/dev/null || true

{
  echo "Rate limit $limit."
  echo
  echo "| route | requests | req/s | 2xx/s | p50 ms | p99 ms | max ms | non-2xx | socket errors | server CPU (cores) |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  while read -r name rest; do
    declare -A v=(); for kv in $rest; do v[${kv%%=*}]=${kv#*=}; done
    cpu=$(grep "^$name " "$work/cpu.txt" | sed 's/.*cores=//')
    ok=$(awk -v r="${v[requests]}" -v n="${v[non2xx]}" -v s="${v[seconds]}" 'BEGIN { printf "%.1f", (r - n) / s }')
    echo "| $name | ${v[requests]} | ${v[rps]} | $ok | ${v[p50_ms]} | ${v[p99_ms]} | ${v[max_ms]} | ${v[non2xx]} | ${v[socket_errors]} | $cpu |"
  done <"$work/results.txt"
  n=$(wc -l <"$work/rss.txt")
  first=$(awk 'NR==1 {print $2}' "$work/rss.txt"); last=$(tail -1 "$work/rss.txt" | awk '{print $2}')
  tenth=$(awk -v n="$n" 'NR==int(n/10)+1 {print $2}' "$work/rss.txt")
  max=$(awk '{ if ($2 > m) m = $2 } END { print m }' "$work/rss.txt")
  echo
  echo "Server RSS over ${n} s: first $((first / 1024)) MiB, at 10 % $((tenth / 1024)) MiB, max $((max / 1024)) MiB, last $((last / 1024)) MiB ($connections connections, ${seconds} s per route, 1224×816 JPEG)."
} | tee "$work/report.md"
