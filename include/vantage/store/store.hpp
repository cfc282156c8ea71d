#pragma once
/// @file
/// The service's persistent store: observation requests with their status history, plans and their
/// acquisitions, element sets, ground stations, API tokens, idempotency records and an audit log.
///
/// Two backends behind this one class, chosen by the URL given to `Store::open`:
/// - SQLite (the embedded default: a file path or `sqlite:PATH`): WAL journal, `synchronous=FULL`, so a
///   committed transaction survives a crash of the process or of the machine;
/// - PostgreSQL (`postgresql://...` or `postgres://...`, any libpq URL; `synchronous_commit=on`).
/// Both run the same SQL (docs/architecture/store.md) and pass the same test suite (tests/store).
///
/// Durability and throughput: every mutation is a job for one writer thread, which runs all the jobs that are
/// waiting in **one** transaction (each inside its own savepoint, so one failing job does not undo the others),
/// commits once and only then returns to the callers (group commit). A method that returns has therefore been
/// made durable; a method that throws changed nothing. Every mutation writes its audit-log entry, and its
/// idempotency record when the caller gives a key, in the same transaction as the change itself.
///
/// Reads run on a pool of reader connections concurrently with the writer (WAL readers do not block it) and
/// see every mutation that has returned.
///
/// Errors: `Error(storage)` when the database cannot be opened, read or written; `Error(duplicate)` (field
/// `id`) for an id already taken; `Error(not_found)` for an unknown id; `Error(conflict)` when the object's
/// state forbids the change, or an idempotency key is reused with a different request.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/geometry/site.hpp"
#include "vantage/mission/request.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::store {

/// Whose rows a call may see or change: a nation's code restricts it to that nation's rows (the tenant is then
/// part of every statement's WHERE clause, so another nation's row is never even read); nullopt is a
/// coalition-wide call (operators, the feasibility worker, the planner; docs/architecture/store.md lists them).
using TenantScope = std::optional<std::string>;

/// Life cycle of a request (docs/design/tasking-model.md § Request status):
/// SUBMITTED → FEASIBLE | INFEASIBLE → SCHEDULED → ACQUIRED → DELIVERED, or CANCELLED before ACQUIRED, or
/// EXPIRED: its last window passed while it was SUBMITTED or FEASIBLE (unserved; terminal).
enum class RequestStatus { submitted, feasible, infeasible, scheduled, acquired, delivered, cancelled, expired };

/// "SUBMITTED", "FEASIBLE", ... (the names used in JSON and in the database).
std::string_view to_string(RequestStatus status) noexcept;
/// The inverse of to_string (exact, upper case); nullopt for anything else.
std::optional<RequestStatus> parse_request_status(std::string_view text) noexcept;
/// Whether the status machine allows `from` → `to`:
/// SUBMITTED → FEASIBLE | INFEASIBLE; FEASIBLE → SCHEDULED; SCHEDULED → FEASIBLE (dropped by a replan, or an
/// acquisition failed: back to the queue) | ACQUIRED; ACQUIRED → DELIVERED; and SUBMITTED, FEASIBLE, INFEASIBLE,
/// SCHEDULED → CANCELLED. DELIVERED and CANCELLED are final.
bool transition_allowed(RequestStatus from, RequestStatus to) noexcept;

/// API roles (docs/api.md § Roles). Two authorities:
/// - a nation's roles, bound to the token's nation (tenant): `requester` (submits and follows its nation's
///   requests, sees its nation's view of the plan) and `nation_admin` (a requester that also manages its own
///   nation's tokens, requester or nation_admin, and reads its own nation's audit entries);
/// - the coalition's roles, independent of the token's nation: `operator` (runs the constellation: plans,
///   reports outcomes, uploads element sets; sees every nation) and `admin` (an operator that also manages every
///   token and reads the whole audit log).
enum class Role { requester, nation_admin, operator_, admin };
/// Whether the role is one of the coalition's (operator, admin): it sees every nation's rows.
constexpr bool coalition_role(Role r) noexcept
{
    return r == Role::operator_ || r == Role::admin;
}
/// "requester", "nation_admin", "operator", "admin".
std::string_view to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view text) noexcept;

/// State of one planned acquisition.
enum class AcquisitionState { planned, succeeded, failed, delivered, superseded };
/// "planned", "succeeded", "failed", "delivered", "superseded".
std::string_view to_string(AcquisitionState state) noexcept;
std::optional<AcquisitionState> parse_acquisition_state(std::string_view text) noexcept;

/// A retried call with the same key returns the first call's stored response.
struct Idempotency {
    std::string scope;       ///< whose key it is (the API uses the token id)
    std::string key;         ///< the client's Idempotency-Key header (1..255 printable characters)
    std::string fingerprint; ///< digest of the call (method, path, body): the same key with another call is a conflict
};

/// The response an idempotent call returned the first time.
struct StoredResponse {
    int status = 0;   ///< HTTP status
    std::string body; ///< response body (JSON)
};

/// Who changes the store, when, and with which idempotency key: written to the audit log with the change.
struct Mutation {
    std::string actor;  ///< token id, or "cli" / "system"
    std::string tenant; ///< the actor's nation
    time::Instant time; ///< when (the service clock)
    std::optional<Idempotency> idempotency;
};

/// Renders the response of a mutation, inside its transaction, for its idempotency record.
template <class T>
using Render = std::function<StoredResponse(const T &)>;

/// The result of a mutation; `replay` is set (and `value` is default) when the idempotency key had been used.
template <class T>
struct Written {
    T value{};
    std::optional<StoredResponse> replay;
};

/// One entry of a request's status history.
struct StatusEvent {
    RequestStatus status = RequestStatus::submitted;
    time::Instant time;
    std::string actor;
    std::string note;
    std::int64_t seq = 0; ///< the event's seq (EventRecord)
};

/// A stored request.
struct RequestRecord {
    mission::Request request;
    RequestStatus status = RequestStatus::submitted;
    std::int64_t seq = 0;          ///< submission order (> 0), the pagination key
    time::Instant created;         ///< submission time
    time::Instant updated;         ///< time of the last transition
    std::string submitted_by;      ///< token id
    std::string feasibility;       ///< JSON summary of the last feasibility check ("" before the first)
    std::vector<StatusEvent> history; ///< oldest first; filled when asked for (get_request, with_history)
    /// The request's version: the seq of its latest history entry (every transition and amendment makes a new one;
    /// the API's ETag). 0 when the history was not loaded.
    std::int64_t version() const noexcept { return history.empty() ? 0 : history.back().seq; }
};

/// A stored request that a stricter request parser no longer reads, moved aside whole when the store was opened
/// (table `requests_quarantine`; docs/architecture/store.md § Quarantined requests).
struct QuarantinedRequest {
    std::string id;
    std::string tenant;
    std::string status;   ///< its status when it was moved
    std::string body;     ///< the request as it was stored
    std::string error;    ///< the parser's message
    std::string field;    ///< the key it names
    std::string record;   ///< JSON: the row, its status history and its acquisitions
    time::Instant quarantined;
};

/// Selection for list_requests: `after_seq` is the cursor (seq of the last item seen).
struct RequestQuery {
    std::optional<std::string> tenant;
    std::optional<RequestStatus> status;
    std::int64_t after_seq = 0;
    int limit = 50; ///< 1 .. 10000
    bool with_history = false;
};

/// A compare-and-set status change: applied only if the request's current status is one of `from`.
struct Transition {
    std::string request_id;
    std::vector<RequestStatus> from;
    RequestStatus to = RequestStatus::feasible;
    std::string note;
    std::optional<std::string> feasibility; ///< new feasibility summary (JSON), if any
    std::string tenant; ///< the request's nation (part of the lookup); empty: looked up coalition-wide
    /// Applied only if the request's content is still this: a verdict computed for a request that was amended
    /// meanwhile is dropped (the amended one is searched again). Empty: any content.
    std::optional<mission::Request> expected_request;
};

/// One acquisition of a plan.
struct AcquisitionRecord {
    std::string acquisition_id;
    std::string plan_id;  ///< the plan that (last) scheduled it
    std::string request_id;
    std::string tenant;
    int occurrence = 0;
    std::string satellite;
    std::uint32_t norad_id = 0;
    time::Instant start;
    time::Instant end;
    std::optional<time::Instant> delivered; ///< the plan's delivered_utc, if it has one
    AcquisitionState state = AcquisitionState::planned;
    std::optional<time::Instant> outcome_time;
    std::string note;
    std::string document; ///< the plan document's acquisition object (JSON)
};

/// Selection for list_acquisitions (every given criterion must hold).
struct AcquisitionQuery {
    std::vector<AcquisitionState> states;      ///< one of these (all when empty)
    std::optional<time::Instant> ending_before; ///< end <= this
    std::optional<std::string> request_id;
    std::optional<std::string> plan_id;
    TenantScope tenant;                        ///< one nation's acquisitions only
};

/// A stored plan.
struct PlanRecord {
    std::string plan_id;
    std::int64_t seq = 0;
    time::Instant created;
    time::Instant now;    ///< the planning instant
    std::string planner;  ///< planner name
    std::string actor;
    std::string document; ///< the plan document (JSON, docs/design/tasking-model.md)
};

/// An element set as stored: the canonical OMM JSON of one record (io::format_omm_json) and its upload.
struct ElementSetRecord {
    std::uint32_t norad_id = 0;
    std::string name;
    time::Instant epoch;
    std::string omm_json;              ///< a one-element OMM JSON array
    std::optional<std::string> sensor; ///< sensor to fly it with (a scenario sensor name), when given at upload
    std::int64_t upload_id = 0;
};

/// An element-set upload: the accepted records and, in the same transaction, the diagnostics of the rejected ones.
struct ElementUpload {
    std::string source_name;
    std::string format;
    std::vector<ElementSetRecord> accepted;
    std::string rejected;  ///< JSON array of the rejected records' errors
    std::string warnings;  ///< JSON array of warnings
};

/// An API token. Only a hash of the secret is stored.
struct TokenRecord {
    std::string id;                ///< public part of the token
    std::string tenant;            ///< the nation it is bound to
    Role role = Role::requester;
    std::string secret_hash;       ///< lower-case hex of BLAKE2b-256(secret)
    std::string label;
    time::Instant created;
    std::optional<time::Instant> expires;
    std::optional<time::Instant> revoked;
    std::string created_by;
};

/// One audit-log entry: who did what to which object.
struct AuditEntry {
    std::int64_t seq = 0;
    time::Instant time;
    std::string actor;
    std::string tenant;
    std::string action;    ///< e.g. "request.submit", "plan.create", "token.revoke"
    std::string object_id;
    std::string detail;    ///< JSON
};

/// One status transition of a request as an event of the event stream (webhooks, GET /api/v1/events). It *is* the
/// request's history row (table request_events), written in the transaction that made the transition: the outbox
/// cannot miss one or invent one. `seq` orders every event of the store (one writer: commit order) and is its id.
struct EventRecord {
    std::int64_t seq = 0;
    std::string request_id;
    std::string tenant;
    RequestStatus status = RequestStatus::submitted;
    time::Instant time;
    std::string note;
};

/// A nation's webhook: the events of its requests are POSTed to `url`, signed with `secret` (Standard Webhooks),
/// in event order, each until a 2xx answers it (docs/api.md § Webhooks).
struct WebhookRecord {
    std::string id;
    std::string tenant;
    std::string url;
    std::string secret;       ///< "whsec_" + base64 of the HMAC key (the store keeps it: it signs every delivery)
    std::string description;
    time::Instant created;
    std::string created_by;
    std::optional<time::Instant> disabled;
    std::int64_t cursor = 0;  ///< seq of the last event a 2xx acknowledged (events after it are still to deliver)
    int failures = 0;         ///< consecutive failed attempts at the event after the cursor
    std::optional<time::Instant> next_attempt; ///< after a failure: not before this
};

/// One attempt to deliver an event to a webhook (the delivery log).
struct DeliveryRecord {
    std::int64_t seq = 0;
    std::string webhook_id;
    std::string tenant;
    std::int64_t event_seq = 0;
    int attempt = 1;          ///< 1 for the first attempt at this event
    time::Instant time;
    int status_code = 0;      ///< the receiver's HTTP status (0: no answer)
    std::string error;        ///< why it failed ("" when delivered)
    bool delivered = false;
    std::int64_t duration_ms = 0;
};

/// Connection settings.
struct StoreOptions {
    int max_readers = 16;     ///< reader connections kept open (>= 1)
    int max_batch = 512;      ///< mutations committed together at most (>= 1)
    int busy_timeout_ms = 10000; ///< SQLite: wait this long for another process's lock
};

namespace detail {
class Backend;
}

/// The store. Thread-safe: any number of threads may call any method.
class Store {
public:
    /// Opens (creating if needed) and migrates to the current schema.
    /// @param url a SQLite file path, `sqlite:PATH`, or a PostgreSQL URL (`postgresql://user@host:port/db`)
    /// @throws Error(storage) if it cannot be opened; Error(unsupported) if its schema is newer than this build's
    static std::unique_ptr<Store> open(const std::string &url, const StoreOptions &options = {});
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    /// "sqlite" or "postgresql".
    std::string_view backend() const noexcept;
    /// The schema version now in the database.
    int schema_version();
    /// The schema version this build migrates to.
    static int current_schema_version() noexcept;

    // --- requests
    /// Stores a new request (status SUBMITTED, first history entry), durable when it returns.
    /// @throws Error(duplicate) when the id exists; Error(conflict) for a reused key with another call
    Written<RequestRecord> submit_request(const mission::Request &request, const Mutation &m,
                                          const Render<RequestRecord> &render = {});
    /// The request `id` (of nation `tenant` only, when given: another nation's id is not found).
    std::optional<RequestRecord> get_request(const std::string &id, bool with_history = true,
                                             const TenantScope &tenant = {});
    /// The quarantined request `id` (of nation `tenant` only, when given), if the store moved it aside (the latest
    /// one, should an id have been quarantined twice).
    std::optional<QuarantinedRequest> get_quarantined_request(const std::string &id, const TenantScope &tenant = {});
    /// Requests in submission order with seq > after_seq.
    std::vector<RequestRecord> list_requests(const RequestQuery &query);
    /// Number of requests per status (optionally of one tenant).
    std::vector<std::pair<RequestStatus, std::int64_t>> count_requests(const std::optional<std::string> &tenant = {});
    /// Number of open requests (SUBMITTED, FEASIBLE or SCHEDULED) of a nation (its quota counts these).
    std::int64_t count_open_requests(const std::string &tenant);
    /// The nations that have SUBMITTED requests (the feasibility worker's round robin).
    std::vector<std::string> tenants_with_submitted();
    /// Cancels a request (of nation `tenant` only, when given).
    /// @throws Error(not_found); Error(conflict) if its status does not allow it
    Written<RequestRecord> cancel_request(const std::string &id, const Mutation &m,
                                          const Render<RequestRecord> &render = {}, const TenantScope &tenant = {});
    /// Replaces a request's content (an amendment, JSON Merge Patch in the API) if its version is still
    /// `expected_version` and it is SUBMITTED, FEASIBLE or INFEASIBLE (not yet scheduled): it goes back to SUBMITTED
    /// (its feasibility is searched again) with a history entry "amended" naming `changed`. With `tenant`, only that
    /// nation's. @throws Error(not_found); Error(conflict) with field "If-Match" when the version differs, field
    /// "status" when its status no longer allows it
    Written<RequestRecord> amend_request(const mission::Request &request, std::int64_t expected_version,
                                         const std::string &changed, const Mutation &m,
                                         const Render<RequestRecord> &render = {}, const TenantScope &tenant = {});
    /// Applies the transitions whose `from` matches (in one transaction); returns how many were applied.
    std::size_t apply_transitions(const std::vector<Transition> &transitions, const Mutation &m,
                                  const std::string &action = "request.status");

    // --- plans and acquisitions
    /// Stores a plan and its acquisitions (an existing acquisition id is updated, not duplicated; planned
    /// acquisitions of earlier plans that are not in this one become superseded), then brings each request of
    /// `planned_requests` to the status its acquisitions imply (see record_outcome).
    Written<PlanRecord> save_plan(const PlanRecord &plan, const std::vector<AcquisitionRecord> &acquisitions,
                                  const std::vector<std::string> &planned_requests, const Mutation &m,
                                  const Render<PlanRecord> &render = {});
    std::optional<PlanRecord> latest_plan();
    /// The id of the latest plan (without reading its document).
    std::optional<std::string> latest_plan_id();
    std::optional<AcquisitionRecord> get_acquisition(const std::string &id, const TenantScope &tenant = {});
    /// Acquisitions matching the query, by start time.
    std::vector<AcquisitionRecord> list_acquisitions(const AcquisitionQuery &query);
    /// Changes an acquisition's state if it is one of `from` and, in the same transaction, moves its request to
    /// the status its acquisitions imply. For each occurrence the latest (by start) non-superseded acquisition
    /// counts: any planned → SCHEDULED; else any failed → FEASIBLE (back to the queue); else all delivered →
    /// DELIVERED; else ACQUIRED; none → FEASIBLE. The request moves along allowed transitions only (each step is a
    /// history entry), and not at all when it is SUBMITTED, INFEASIBLE, CANCELLED or DELIVERED.
    /// @throws Error(not_found); Error(conflict) when its state is not in `from`
    Written<AcquisitionRecord> record_outcome(const std::string &acquisition_id,
                                              const std::vector<AcquisitionState> &from, AcquisitionState to,
                                              const std::string &note, const Mutation &m,
                                              const Render<AcquisitionRecord> &render = {});

    // --- element sets and stations
    /// Stores an upload (accepted records and rejected diagnostics together); returns its upload id.
    Written<std::int64_t> save_elements(const ElementUpload &upload, const Mutation &m,
                                        const Render<std::int64_t> &render = {});
    /// For each NORAD id, its most recent element set (latest epoch; latest upload among equal epochs).
    std::vector<ElementSetRecord> latest_elements();
    /// Inserts or replaces stations by name.
    void upsert_stations(const std::vector<geometry::GroundStation> &stations, const Mutation &m);
    std::vector<geometry::GroundStation> list_stations();

    // --- tokens
    Written<TokenRecord> create_token(const TokenRecord &token, const Mutation &m,
                                      const Render<TokenRecord> &render = {});
    std::optional<TokenRecord> find_token(const std::string &id);
    /// The tokens (of nation `tenant` only, when given).
    std::vector<TokenRecord> list_tokens(const TenantScope &tenant = {});
    /// Marks a token revoked (idempotent: revoking twice keeps the first time); with `tenant`, only a token of that
    /// nation (another nation's is not found). @throws Error(not_found)
    Written<TokenRecord> revoke_token(const std::string &id, const Mutation &m, const Render<TokenRecord> &render = {},
                                      const TenantScope &tenant = {});

    // --- events and webhooks
    /// Events with seq > after_seq in order (of nation `tenant` only, when given).
    std::vector<EventRecord> list_events(std::int64_t after_seq, int limit, const TenantScope &tenant = {});
    /// The seq of the latest event (0 when none): a new webhook starts after it.
    std::int64_t last_event_seq();
    /// @throws Error(duplicate) when the id exists
    Written<WebhookRecord> create_webhook(const WebhookRecord &webhook, const Mutation &m,
                                          const Render<WebhookRecord> &render = {});
    std::optional<WebhookRecord> get_webhook(const std::string &id, const TenantScope &tenant = {});
    /// The webhooks (of nation `tenant` only, when given); `active_only`: not disabled.
    std::vector<WebhookRecord> list_webhooks(const TenantScope &tenant = {}, bool active_only = false);
    /// Disables a webhook (idempotent; with `tenant`, only that nation's). @throws Error(not_found)
    Written<WebhookRecord> disable_webhook(const std::string &id, const Mutation &m,
                                           const Render<WebhookRecord> &render = {}, const TenantScope &tenant = {});
    /// Logs a delivery attempt and, in the same transaction, moves the webhook on: a delivered event advances its
    /// cursor to the event and clears its failures; a failed one counts a failure and sets `next_attempt`.
    void record_delivery(const DeliveryRecord &delivery, const std::optional<time::Instant> &next_attempt);
    /// The delivery log of a webhook after `after_seq` (of nation `tenant` only, when given).
    std::vector<DeliveryRecord> list_deliveries(const std::string &webhook_id, std::int64_t after_seq, int limit,
                                                const TenantScope &tenant = {});

    // --- audit and idempotency
    /// Writes an audit entry on its own (for actions with no other change, e.g. a refused login is not one).
    void audit(const std::string &action, const std::string &object_id, const std::string &detail, const Mutation &m);
    /// Audit entries after `after_seq` (those written by nation `tenant`'s tokens only, when given).
    std::vector<AuditEntry> list_audit(std::int64_t after_seq, int limit, const TenantScope &tenant = {});
    /// The stored response of an idempotency key, if any (a read-only fast path; the write path checks again).
    /// @throws Error(conflict) when the key was used with another fingerprint
    std::optional<StoredResponse> find_idempotent(const Idempotency &key);

private:
    explicit Store(std::unique_ptr<detail::Backend> backend);
    std::unique_ptr<detail::Backend> m_backend;
};

} // namespace vantage::store
