-- Shared by the wrk scripts in bench/: a fixed seed per wrk thread (so the
-- real server and the probe get the same requests), the API token (from the
-- environment variable BENCH_TOKEN, as bench/run.sh sets it), URL encoding,
-- and one line of results (key=value, milliseconds) that bench/run.sh reads.

local threads_made = 0

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_number", threads_made)
end

function bench_seed()
  math.randomseed(20261123 + 7919 * (thread_number or 0))
end

-- Every request of this thread carries "Authorization: Bearer $BENCH_TOKEN" (none when unset).
function bench_auth()
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

function bench_urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.2f rps=%.1f mean_ms=%.2f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
