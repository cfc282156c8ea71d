-- wrk script: POST /api/v1/requests with a bearer token (VANTAGE_TOKEN); the server assigns every id, so each
-- call stores a new request (durable before its 201). done() prints the numbers bench/api_submit.sh reads.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("VANTAGE_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"target": {"lat_deg": 43.6047, "lon_deg": 1.4442}, "window_start_utc": "2025-10-03T00:00:00Z", '
  .. '"window_end_utc": "2025-10-04T00:00:00Z", "priority": 6, "sensor": "optical"}'

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("RESULT requests %d duration_s %.2f submissions_per_s %.0f non_2xx %d socket_errors %d "
    .. "p50_ms %.2f p90_ms %.2f p99_ms %.2f max_ms %.2f\n",
    summary.requests, s, summary.requests / s, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
