-- wrk script: POST /api/v1/requests with bearer tokens; the server assigns every id, so each call stores a new
-- request (durable before its 201). VANTAGE_TOKENS (space-separated, one requester token per nation) spreads
-- the requests over the nations round robin, per request (each wrk thread starts at another nation);
-- VANTAGE_TOKEN alone: one nation. done() prints the numbers bench/api_submit.sh reads (non_2xx: any status
-- >= 400, e.g. a 429 from the per-nation limiter).
local body = '{"target": {"lat_deg": 43.6047, "lon_deg": 1.4442}, "window_start_utc": "2025-10-03T00:00:00Z", '
  .. '"window_end_utc": "2025-10-04T00:00:00Z", "priority": 6, "sensor": "optical"}'
local tokens = {}
for t in string.gmatch(os.getenv("VANTAGE_TOKENS") or os.getenv("VANTAGE_TOKEN") or "", "%S+") do
  tokens[#tokens + 1] = t
end
assert(#tokens > 0, "set VANTAGE_TOKENS (or VANTAGE_TOKEN)")
wrk.method = "POST"
wrk.body = body

local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local requests, next_one = {}, 1
function init(args)
  -- One prepared request per nation (wrk.format once here, not per request).
  for i, t in ipairs(tokens) do
    requests[i] = wrk.format(nil, nil, {["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json"})
  end
  next_one = ((thread_index or 0) % #requests) + 1
end

function request()
  local r = requests[next_one]
  next_one = next_one % #requests + 1
  return r
end

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("RESULT requests %d duration_s %.2f submissions_per_s %.0f non_2xx %d socket_errors %d "
    .. "p50_ms %.2f p90_ms %.2f p99_ms %.2f max_ms %.2f\n",
    summary.requests, s, summary.requests / s, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
