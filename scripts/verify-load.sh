#!/usr/bin/env bash
# Verification at platform scale (issue 23), one run, on loopback against a release `sigil serve`:
#   1. POST /v1/verify with the verify cache off: a labeled and an unmarked 1 MP JPEG, then the unmarked one with
#      decode=false (metadata only);
#   2. the same, authenticated with a `verify` key, 90 % unmarked / 10 % labeled;
#   3. the unmarked file again with the cache on (every request after the first is a re-upload);
#   4. POST /v1/verify/batch with a tar of BATCH files (the labeled JPEG under distinct names), cache off, against
#      the per-request labeled figure of step 1, with the server's RSS sampled every 0.2 s.
# Server CPU (cores busy) and RSS are sampled per phase. Writes out/verify-load/results.json and prints it.
# Usage: scripts/verify-load.sh [SECONDS] [CONNECTIONS] [BATCH]
set -euo pipefail
seconds=${1:-20}
connections=${2:-4}
batch=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
sigil=${SIGIL:-$root/.build/release/sigil}
work=$root/out/verify-load
rm -rf "$work" && mkdir -p "$work"
for tool in wrk curl convert jq tar; do command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 2; }; done
[ -x "$sigil" ] || { echo "build first: make release" >&2; exit 2; }

# A 1 MP photo-like JPEG (1224×816) from the sample landscape.
convert "$root/examples/landscape.jpg" -resize '1224x816!' -quality 90 "$work/1mp.jpg"

pid=
start_server() { # name, then extra environment
  local name=$1; shift
  rm -f "$work/ready"
  env SIGIL_VERIFY_PER_MINUTE=100000000 SIGIL_VERIFY_BURST=100000000 "$@" \
    "$sigil" serve --development --no-duties --data "$work/data" --port 0 --ready-file "$work/ready" >"$work/serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do [ -s "$work/ready" ] && break; sleep 0.1; done
  [ -s "$work/ready" ] || { cat "$work/serve-$name.log"; exit 1; }
  address=$(cat "$work/ready")
}
stop_server() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap 'stop_server' EXIT

hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
now() { date +%s.%N; }
phases=()
# phase NAME PATH TOKEN FILE [FILE_B SHARE_B]: wrk for $seconds, server CPU and peak RSS over the phase.
phase() {
  local name=$1 path=$2 token=$3 file=$4 fileb=${5:-$4} share=${6:-0}
  local before after t0 t1 rssfile=$work/rss-$name.txt
  ( while kill -0 "$pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$pid/status" >>"$rssfile" 2>/dev/null; sleep 0.2; done ) &
  local sampler=$!
  before=$(ticks); t0=$(now)
  local line
  line=$(LOAD_FILE=$file LOAD_FILE_B=$fileb LOAD_SHARE_B=$share LOAD_TOKEN=$token \
    wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$root/scripts/load-post.lua" "http://$address$path" | grep '^RESULT')
  after=$(ticks); t1=$(now)
  kill $sampler 2>/dev/null || true
  local cores rss
  cores=$(awk -v a="$after" -v b="$before" -v hz="$hz" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.2f", (a - b) / hz / (e - s) }')
  rss=$(sort -n "$rssfile" | tail -1)
  phases+=("$(echo "$line" | sed 's/^RESULT //' | tr ' ' '\n' | awk -F= -v n="$name" -v c="$cores" -v r="$rss" -v p="$path" '
    BEGIN { printf "{\"phase\":\"%s\",\"path\":\"%s\"", n, p } { printf ",\"%s\":%s", $1, $2 } END { printf ",\"serverCores\":%s,\"peakRSSKiB\":%s}", c, r }')")
  echo "${phases[-1]}" >&2
}

# 1–2: every request verifies (cache off).
start_server nocache SIGIL_VERIFY_CACHE_ENTRIES=0
token=$(grep -o 'sgk_[A-Za-z0-9_-]*' "$work/serve-nocache.log" | head -1)
curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: image/jpeg' --data-binary @"$work/1mp.jpg" \
  "http://$address/v1/label" -o "$work/labeled.jpg"
verify_token=$("$sigil" apikey create --scope verify --name load --data "$work/data" --json | jq -r .token)
phase labeled /v1/verify "" "$work/labeled.jpg"
phase unmarked /v1/verify "" "$work/1mp.jpg"
phase unmarked-metadata-only "/v1/verify?decode=false" "" "$work/1mp.jpg"
phase mixed-authenticated /v1/verify "$verify_token" "$work/1mp.jpg" "$work/labeled.jpg" 0.1

# 4: a tar of $batch labeled files, streamed to the batch route; peak RSS sampled during it.
mkdir -p "$work/batch"
for i in $(seq -w 1 "$batch"); do ln "$work/labeled.jpg" "$work/batch/f$i.jpg"; done
tar --hard-dereference -cf "$work/batch.tar" -C "$work/batch" .
rssfile=$work/rss-batch.txt
( while kill -0 "$pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$pid/status" >>"$rssfile" 2>/dev/null; sleep 0.2; done ) &
sampler=$!
before=$(ticks); t0=$(now)
# `Expect:` (empty) stops curl from asking for 100-continue, which the server does not send: curl would wait its
# 1-s expect timeout before sending the body, and that second would be counted as verification time.
curl -sf -X POST -H "Authorization: Bearer $verify_token" -H 'Content-Type: application/x-tar' -H 'Expect:' -T "$work/batch.tar" \
  "http://$address/v1/verify/batch" -o "$work/batch.ndjson"
after=$(ticks); t1=$(now)
kill $sampler 2>/dev/null || true
lines=$(wc -l <"$work/batch.ndjson")
verdicts=$(grep -c '"verdict"' "$work/batch.ndjson" || true)
phases+=("$(awk -v n="$lines" -v v="$verdicts" -v s="$t0" -v e="$t1" -v a="$after" -v b="$before" -v hz="$hz" \
  -v first="$(head -1 "$rssfile")" -v peak="$(sort -n "$rssfile" | tail -1)" -v last="$(tail -1 "$rssfile")" -v bytes="$(stat -c %s "$work/batch.tar")" '
  BEGIN { d = e - s; printf "{\"phase\":\"batch-tar\",\"path\":\"/v1/verify/batch\",\"files\":%d,\"verdicts\":%d,\"bytes\":%d,\"seconds\":%.1f,\"filesPerSecond\":%.1f,\"serverCores\":%.2f,\"rssFirstKiB\":%d,\"peakRSSKiB\":%d,\"rssLastKiB\":%d}", n, v, bytes, d, n / d, (a - b) / hz / d, first, peak, last }')")
echo "${phases[-1]}" >&2
stop_server

# 3: re-uploads with the cache on.
start_server cache
phase unmarked-reupload-cached /v1/verify "" "$work/1mp.jpg"
curl -sf "http://$address/metrics" | grep '^sigil_verify_cache_total' >"$work/cache-metrics.txt" || true
stop_server

{
  printf '{"date":"%s","host":{"cores":%d,"loadAverage":"%s"},"seconds":%d,"connections":%d,"file":"1224x816 JPEG (examples/landscape.jpg, quality 90), %d bytes","phases":[' \
    "$(date -u +%FT%TZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$seconds" "$connections" "$(stat -c %s "$work/1mp.jpg")"
  (IFS=,; echo -n "${phases[*]}")
  printf '],"cacheMetrics":%s}\n' "$(jq -R . <"$work/cache-metrics.txt" | jq -s .)"
} | jq . >"$work/results.json"
cat "$work/results.json"
