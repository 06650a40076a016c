-- wrk script (scripts/load.sh, scripts/verify-load.sh): POST one of two files per request — LOAD_FILE_B with probability LOAD_SHARE_B (0…1), else LOAD_FILE —
-- with an optional bearer token (LOAD_TOKEN); prints one RESULT line at the end.
local function read(path)
  local f = assert(io.open(path, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end
local a = read(os.getenv("LOAD_FILE"))
local b = read(os.getenv("LOAD_FILE_B") or os.getenv("LOAD_FILE"))
local share = tonumber(os.getenv("LOAD_SHARE_B") or "0")
local headers = { ["Content-Type"] = "image/jpeg" }
local token = os.getenv("LOAD_TOKEN")
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end

init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

request = function()
  local body = a
  if math.random() < share then body = b end
  return wrk.format("POST", nil, headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status, errors))
end
