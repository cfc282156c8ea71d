#pragma once
/// @file
/// The tasking service without HTTP: every API operation as a method that takes the authenticated caller and
/// the request body, and returns the status and JSON body to send (or throws ApiError). The HTTP layer
/// (server.hpp) only routes, reads headers and writes responses, so the rules below are tested here once.
///
/// Rules (docs/api.md):
/// - roles (store::Role): a nation's `requester` and `nation_admin` see and change only their own nation's
///   requests and plan products (every store lookup carries their nation: another nation's id answers 404,
///   exactly as an id that does not exist); a `nation_admin` also manages its own nation's tokens. The
///   coalition's `operator` and `admin` see every nation (they run the shared constellation): operators plan,
///   report outcomes and upload element sets; admins also manage every token and read the whole audit log.
/// - ids: a request's id is namespaced by the server: `<nation>:<client id>` (the client id is the body's `id`,
///   or a random one), so no id a client sends can collide with, or reveal, another nation's.
/// - bounds: a request's windows span at most `max_request_window_h` and start at most `max_request_lead_h`
///   ahead; a window that has ended is refused (outside simulation); a plan's horizon is at most
///   `max_plan_horizon_h`; each feasibility search has a work budget. Per nation: a token bucket of submissions
///   (and feasibility checks) and a quota of open requests (429 with Retry-After); the feasibility queue is
///   served round robin across nations.
/// - a submitted request is stored SUBMITTED (durable before the 201 answer); a background worker then
///   searches its opportunities with the access engine and moves it to FEASIBLE or INFEASIBLE.
/// - POST operations accept an Idempotency-Key: a retry with the same key and body returns the first response.
/// - simulation mode: a planned acquisition whose end has passed becomes succeeded, and one whose
///   delivered_utc has passed becomes delivered (ACQUIRED / DELIVERED follow).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "vantage/api/auth.hpp"
#include "vantage/api/fleet.hpp"
#include "vantage/api/planner.hpp"
#include "vantage/api/webhooks.hpp"
#include "vantage/core/error.hpp"
#include "vantage/store/store.hpp"

namespace vantage::api {

/// An error answered as HTTP `status` with the JSON body `{code, message, field}` (+ `source`, `line` for
/// uploaded files, + `errors` when several records were refused).
class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string &message, std::string field = {})
        : std::runtime_error(message), m_status(status), m_code(std::move(code)), m_field(std::move(field))
    {
    }
    int status() const noexcept { return m_status; }
    const std::string &code() const noexcept { return m_code; }
    const std::string &field() const noexcept { return m_field; }
    std::string source;
    int line = 0;
    std::string errors_json; ///< JSON array of every refused record, when there were several
    /// The JSON body.
    std::string body() const;

private:
    int m_status;
    std::string m_code;
    std::string m_field;
};

/// The API error for a Vantage error (HTTP status from its code: 400 bad input, 404 not_found, 409 duplicate or
/// conflict, 422 physics (SGP4) or idempotency mismatch, 503 storage, 500 internal).
ApiError to_api_error(const Error &e);

/// A Server-Sent Events answer (text/event-stream): after the headers, the server calls `next()` every `poll_s` on a
/// worker thread and writes what it returns ("" = nothing new; a comment line keeps the connection alive every 15 s),
/// until the client goes away, the server stops, or `max_s` has passed (the client reconnects with Last-Event-ID).
/// `on_close` runs once when the stream ends.
struct EventStream {
    std::function<std::string()> next;
    double poll_s = 1.0;
    double max_s = 3600.0;
    std::function<void()> on_close;
    ~EventStream()
    {
        if (on_close) {
            on_close();
        }
    }
};

/// An answer: status, body (JSON unless content_type says otherwise) and extra headers; `stream` for an event
/// stream (the body is then empty).
struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<EventStream> stream;
};

/// Query parameters (`?limit=10&cursor=...`), already URL-decoded.
using Query = std::multimap<std::string, std::string>;

/// Service settings.
struct ServiceOptions {
    std::function<time::Instant()> clock;   ///< the service's "now" (default: the system clock)
    bool simulate = false;                  ///< acquisitions succeed when their time passes (see above)
    bool background = true;                 ///< run the feasibility worker and the simulation ticker threads
    double tick_s = 1.0;                    ///< background poll period (s, > 0)
    double plan_horizon_h = 48.0;           ///< default planning horizon (h, > 0)
    SearchLimits feasibility;               ///< limits of a feasibility search
    std::size_t max_request_body_bytes = 1 << 20;   ///< requests, feasibility, plan, outcome bodies
    std::size_t max_elements_body_bytes = 16 << 20; ///< element-set uploads
    // --- bounds against denial of service (docs/api.md § Limits; `vantage serve` options)
    double max_request_window_h = 31 * 24.0;  ///< window_start_utc to the end of the last occurrence (h, > 0)
    double max_request_lead_h = 366 * 24.0;   ///< window_start_utc at most this far after now (h, > 0)
    double max_plan_horizon_h = 14 * 24.0;    ///< the largest horizon_h of POST /plan (h, >= plan_horizon_h)
    double feasibility_budget_s = 10.0;       ///< wall-clock budget of one feasibility search (s, > 0)
    double nation_rate_per_s = 50.0;          ///< submissions and feasibility checks per nation per second (0: no limit)
    double nation_burst = 500.0;              ///< token-bucket depth per nation (>= 1 when rate > 0)
    std::int64_t nation_max_open = 10000;     ///< open (SUBMITTED, FEASIBLE, SCHEDULED) requests per nation (0: no quota)
    int fair_batch = 4;                       ///< requests per nation per round of the feasibility queue (>= 1)
    int max_streams_per_nation = 8;           ///< open event streams (SSE) per nation
    double stream_poll_s = 0.5;               ///< how often an event stream looks for new events (s)
    WebhookOptions webhooks;                  ///< webhook delivery (docs/api.md § Webhooks)
    std::string version = "0.1.0";
};

/// The system clock as a UTC instant.
time::Instant system_now();

/// The service.
class Service {
public:
    /// @param fleet satellites (with sensors), stations and EOP; the store's latest element sets are applied on top
    Service(store::Store &store, Fleet fleet, std::unique_ptr<Planner> planner, ServiceOptions options = {});
    ~Service();
    Service(const Service &) = delete;
    Service &operator=(const Service &) = delete;

    /// Checks an Authorization header; throws ApiError(401, "unauthorized").
    Principal authenticate(std::string_view authorization);
    time::Instant now() const;

    // --- operations (docs/api.md); `idempotency_key` is the Idempotency-Key header, if any
    Response health();
    Response whoami(const Principal &p);
    Response submit_request(const Principal &p, std::string_view body, const std::optional<std::string> &idempotency_key);
    Response list_requests(const Principal &p, const Query &q);
    Response get_request(const Principal &p, const std::string &id);
    Response cancel_request(const Principal &p, const std::string &id, const std::optional<std::string> &idempotency_key);
    /// PATCH /api/v1/requests/{id}: a JSON Merge Patch (RFC 7396) of the request, applied only if `if_match` (the
    /// If-Match header: the ETag of GET, or *) is its current version and it is not yet scheduled; it goes back to
    /// SUBMITTED. No If-Match: 428; another version: 412; scheduled or later: 409.
    Response amend_request(const Principal &p, const std::string &id, std::string_view body,
                           const std::optional<std::string> &if_match, const std::optional<std::string> &idempotency_key);
    Response feasibility(const Principal &p, std::string_view body);
    /// A feasibility search checked and admitted (body, bounds, the nation's rate) but not yet run: `refused` is the
    /// 429 answer when the rate limit refused it, otherwise `run()` searches and answers as feasibility() (callable
    /// later, on another thread: STAPI's asynchronous opportunity search). @throws ApiError as feasibility()
    struct PreparedSearch {
        std::optional<Response> refused;
        std::function<Response()> run;
    };
    PreparedSearch prepare_feasibility(const Principal &p, std::string_view body);
    Response plan(const Principal &p, std::string_view body, const std::optional<std::string> &idempotency_key);
    Response get_plan(const Principal &p);
    Response get_plan_czml(const Principal &p);
    Response record_outcome(const Principal &p, const std::string &acquisition_id, std::string_view body,
                            const std::optional<std::string> &idempotency_key);
    Response upload_elements(const Principal &p, std::string_view body, const Query &q,
                             const std::optional<std::string> &idempotency_key);
    Response list_satellites(const Principal &p);
    Response list_stations(const Principal &p);
    Response create_token(const Principal &p, std::string_view body, const std::optional<std::string> &idempotency_key);
    Response list_tokens(const Principal &p);
    Response revoke_token(const Principal &p, const std::string &id, const std::optional<std::string> &idempotency_key);
    Response list_audit(const Principal &p, const Query &q);
    // --- events and webhooks (docs/api.md § Events and webhooks)
    Response list_events(const Principal &p, const Query &q);
    /// GET /api/v1/events/stream: the same events as Server-Sent Events, from `last_event_id` (the Last-Event-ID
    /// header, "evt_<seq>") or `?cursor=`, else from now on. At most `max_streams_per_nation` open per nation (429).
    Response event_stream(const Principal &p, const Query &q, const std::optional<std::string> &last_event_id);
    Response create_webhook(const Principal &p, std::string_view body, const std::optional<std::string> &idempotency_key);
    Response list_webhooks(const Principal &p);
    Response disable_webhook(const Principal &p, const std::string &id, const std::optional<std::string> &idempotency_key);
    Response list_deliveries(const Principal &p, const std::string &id, const Query &q);

    // --- background work (run by the service's threads; callable directly, e.g. in tests)
    /// Feasibility of the SUBMITTED requests, round robin across nations (`fair_batch` per nation per round)
    /// until none is left, `max_requests` were searched, or stop() was called; returns how many changed status.
    std::size_t process_pending(std::size_t max_requests = static_cast<std::size_t>(-1));
    /// Stops the background work: the worker, a running feasibility search and a running plan (the planner is
    /// cancelled: that POST /plan answers 503 `cancelled`) stop within about a second. The destructor waits for
    /// the worker. Safe to call from any thread, more than once.
    void stop();
    bool stopping() const noexcept { return m_cancel.load(); }
    /// Simulation step (only with `simulate`): acquisitions whose time has passed; returns how many changed.
    std::size_t simulate_tick();
    /// SUBMITTED and FEASIBLE requests whose last occurrence window has ended (unserved) become EXPIRED, each with
    /// a history entry "window passed unserved"; returns how many. `at`: the instant (default the service's now;
    /// POST /plan passes its planning instant). The worker runs it about once a minute when no plan runs, and
    /// POST /plan before it plans.
    std::size_t expire_passed(std::optional<time::Instant> at = std::nullopt);

    const ServiceOptions &options() const noexcept { return m_options; }
    std::shared_ptr<const Fleet> fleet() const;

private:
    void background_loop();
    void wake_worker();
    std::shared_ptr<const Fleet> fleet_with_elements(Fleet base);
    void require(const Principal &p, store::Role role, const char *what) const;
    std::optional<store::RequestRecord> visible_request(const Principal &p, const std::string &id);
    /// The latest plan as the caller may see it (GET /plan's document, also the CZML's source); nullopt before the
    /// first plan.
    std::optional<nlohmann::ordered_json> plan_view(const Principal &p);
    /// The store id of a path id for this caller (see resolve in service.cpp).
    std::string resolve_request_id(const Principal &p, const std::string &id);
    /// The token bucket of the caller's nation; a Response (429) when it is empty.
    std::optional<Response> rate_limited(const Principal &p);
    void check_request_bounds(const mission::Request &r, bool submission) const;
    store::Mutation mutation(const Principal &p, const std::optional<std::string> &key, const std::string &operation,
                             std::string_view body) const;
    std::optional<Response> replay_if_known(const store::Mutation &m);
    void check_body_size(std::string_view body, std::size_t limit) const;

    store::Store &m_store;
    std::unique_ptr<Planner> m_planner;
    ServiceOptions m_options;

    mutable std::mutex m_fleet_mutex;
    std::shared_ptr<const Fleet> m_fleet;
    std::mutex m_plan_mutex;    ///< one planning run at a time
    std::mutex m_pending_mutex; ///< one feasibility pass at a time

    std::mutex m_worker_mutex;
    std::condition_variable m_worker_cv;
    bool m_worker_wake = false;
    std::chrono::steady_clock::time_point m_last_expiry{}; ///< the worker's last expire_passed()
    bool m_stop = false;
    std::thread m_worker;
    std::atomic<bool> m_cancel{false}; ///< stop(): the worker, searches and the planner check it
    std::unique_ptr<WebhookDispatcher> m_webhooks;
    std::mutex m_stream_mutex;
    std::map<std::string, int> m_streams; ///< open event streams by nation

    struct Bucket {
        double tokens = 0.0;
        std::chrono::steady_clock::time_point at;
    };
    std::mutex m_bucket_mutex;
    std::map<std::string, Bucket> m_buckets; ///< by nation
};

} // namespace vantage::api
