# Sourced by the load scripts: `start_throwaway_server SIGIL WORK` starts a release `sigil serve --development
# --no-duties` on a fresh data directory under WORK (with whatever SIGIL_* variables the caller exported), waits for
# it, and sets `pid`, `address` and `token` (the first admin key it printed); the server is stopped on exit.
start_throwaway_server() {
  local sigil=$1 work=$2
  "$sigil" serve --development --no-duties --data "$work/data" --port 0 --ready-file "$work/ready" >"$work/serve.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 600); do [ -s "$work/ready" ] && break; sleep 0.1; done
  [ -s "$work/ready" ] || { cat "$work/serve.log"; exit 1; }
  address=$(cat "$work/ready")
  token=$(grep -o 'sgk_[A-Za-z0-9_-]*' "$work/serve.log" | head -1)
}
