// The store: one writer thread with group commit, a pool of readers, and every query written once for both
// SQLite and PostgreSQL (sql.hpp).
#include "vantage/store/store.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sql.hpp"
#include "unique_violation.hpp"
#include "vantage/core/error.hpp"
#include "vantage/io/request_json.hpp"

namespace vantage::store {

// ---------------------------------------------------------------------------------------------- enums

std::string_view to_string(RequestStatus s) noexcept
{
    switch (s) {
    case RequestStatus::submitted: return "SUBMITTED";
    case RequestStatus::feasible: return "FEASIBLE";
    case RequestStatus::infeasible: return "INFEASIBLE";
    case RequestStatus::scheduled: return "SCHEDULED";
    case RequestStatus::acquired: return "ACQUIRED";
    case RequestStatus::delivered: return "DELIVERED";
    case RequestStatus::cancelled: return "CANCELLED";
    case RequestStatus::expired: return "EXPIRED";
    }
    return "UNKNOWN";
}

std::optional<RequestStatus> parse_request_status(std::string_view t) noexcept
{
    for (auto s : {RequestStatus::submitted, RequestStatus::feasible, RequestStatus::infeasible, RequestStatus::scheduled,
                   RequestStatus::acquired, RequestStatus::delivered, RequestStatus::cancelled, RequestStatus::expired}) {
        if (to_string(s) == t) {
            return s;
        }
    }
    return std::nullopt;
}

bool transition_allowed(RequestStatus from, RequestStatus to) noexcept
{
    using S = RequestStatus;
    switch (from) {
    case S::submitted: return to == S::feasible || to == S::infeasible || to == S::cancelled || to == S::expired;
    case S::feasible: return to == S::scheduled || to == S::cancelled || to == S::expired;
    case S::infeasible: return to == S::cancelled;
    case S::scheduled: return to == S::feasible || to == S::acquired || to == S::cancelled;
    case S::acquired: return to == S::delivered;
    case S::delivered:
    case S::cancelled:
    case S::expired: return false;
    }
    return false;
}

std::string_view to_string(Role r) noexcept
{
    switch (r) {
    case Role::requester: return "requester";
    case Role::nation_admin: return "nation_admin";
    case Role::operator_: return "operator";
    case Role::admin: return "admin";
    }
    return "unknown";
}

std::optional<Role> parse_role(std::string_view t) noexcept
{
    for (auto r : {Role::requester, Role::nation_admin, Role::operator_, Role::admin}) {
        if (to_string(r) == t) {
            return r;
        }
    }
    return std::nullopt;
}

std::string_view to_string(AcquisitionState s) noexcept
{
    switch (s) {
    case AcquisitionState::planned: return "planned";
    case AcquisitionState::succeeded: return "succeeded";
    case AcquisitionState::failed: return "failed";
    case AcquisitionState::delivered: return "delivered";
    case AcquisitionState::superseded: return "superseded";
    }
    return "unknown";
}

std::optional<AcquisitionState> parse_acquisition_state(std::string_view t) noexcept
{
    for (auto s : {AcquisitionState::planned, AcquisitionState::succeeded, AcquisitionState::failed,
                   AcquisitionState::delivered, AcquisitionState::superseded}) {
        if (to_string(s) == t) {
            return s;
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------- backend

namespace detail {

void fail_storage(std::string_view what, std::string_view detail)
{
    throw Error(ErrorCode::storage, fmt::format("store: {}: {}", what, detail));
}

std::int64_t to_int(const std::optional<std::string> &col)
{
    if (!col) {
        fail_storage("read", "unexpected NULL integer");
    }
    try {
        std::size_t used = 0;
        const long long v = std::stoll(*col, &used);
        if (used != col->size()) {
            throw std::invalid_argument("trailing text");
        }
        return v;
    } catch (const std::exception &) {
        fail_storage("read", fmt::format("'{}' is not an integer", *col));
    }
}

/// Bumped whenever io::parse_request_json refuses what an earlier version stored (the strict parser of the
/// service-hardening issue: duplicate keys, longitudes outside [-180, 180], times without a zone, degenerate
/// rings, non-finite numbers): the next open revalidates every stored request once.
constexpr int request_parser_version = 1;

/// Moves the stored requests that the request parser no longer reads into `requests_quarantine`, each whole: its
/// row, status history and acquisitions as one JSON record, with the parser's message and field, and an audit
/// entry. Without it one such row would make every listing that reads it fail (the planner's input, a nation's
/// list). Runs once per parser version (`store_meta.request_parser`), in one transaction; says on stderr what it
/// moved. Nothing is deleted without its copy in the quarantine.
void revalidate_requests(Connection &c)
{
    using json = nlohmann::json;
    auto txt = [](const std::optional<std::string> &col) { return col.value_or(std::string()); };
    c.exec(c.dialect() == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    try {
        if (c.dialect() == Dialect::postgresql) {
            c.exec("LOCK TABLE store_meta IN EXCLUSIVE MODE"); // one revalidating process at a time
        }
        const auto have = c.query("SELECT meta_value FROM store_meta WHERE meta_key = 'request_parser'", {});
        if (!have.empty() && txt(have[0][0]) == std::to_string(request_parser_version)) {
            c.exec("COMMIT");
            return;
        }
        struct Bad {
            std::string id, tenant, status, body, created, error, field;
        };
        std::vector<Bad> bad;
        for (const auto &r : c.query("SELECT id, tenant, status, body, created_utc FROM requests "
                                     "/* coalition-wide: revalidate-requests */ ORDER BY seq",
                                     {})) {
            try {
                (void)io::parse_request_json(txt(r[3]), "store:requests." + txt(r[0]));
            } catch (const Error &e) {
                bad.push_back({txt(r[0]), txt(r[1]), txt(r[2]), txt(r[3]), txt(r[4]), e.what(), e.context().field});
            } catch (const std::exception &e) { // anything else the parser throws: the row is unreadable all the same
                bad.push_back({txt(r[0]), txt(r[1]), txt(r[2]), txt(r[3]), txt(r[4]), e.what(), ""});
            }
        }
        const std::string now = now_iso();
        for (const auto &b : bad) {
            json history = json::array(), acquisitions = json::array();
            for (const auto &e : c.query("SELECT status, time_utc, actor, note FROM request_events WHERE request_id IN "
                                         "(SELECT id FROM requests WHERE tenant = ? AND id = ?) ORDER BY seq",
                                         {Param{b.tenant}, Param{b.id}})) {
                history.push_back({{"status", txt(e[0])}, {"time_utc", txt(e[1])}, {"actor", txt(e[2])}, {"note", txt(e[3])}});
            }
            for (const auto &a : c.query("SELECT acquisition_id, plan_id, state, start_utc, end_utc, note, document "
                                         "FROM acquisitions WHERE tenant = ? AND request_id = ?",
                                         {Param{b.tenant}, Param{b.id}})) {
                acquisitions.push_back({{"acquisition_id", txt(a[0])}, {"plan_id", txt(a[1])}, {"state", txt(a[2])},
                                        {"start_utc", txt(a[3])}, {"end_utc", txt(a[4])}, {"note", txt(a[5])},
                                        {"document", txt(a[6])}});
            }
            const json record = {{"id", b.id},           {"tenant", b.tenant}, {"status", b.status},
                                 {"created_utc", b.created}, {"body", b.body}, {"history", std::move(history)},
                                 {"acquisitions", std::move(acquisitions)}};
            c.execute("INSERT INTO requests_quarantine (id, tenant, status, body, error, field, record, quarantined_utc) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      {Param{b.id}, Param{b.tenant}, Param{b.status}, Param{b.body}, Param{b.error}, Param{b.field},
                       Param{record.dump(-1, ' ', false, json::error_handler_t::replace)}, Param{now}});
            c.execute("DELETE FROM request_events WHERE request_id IN (SELECT id FROM requests WHERE tenant = ? AND id = ?)",
                      {Param{b.tenant}, Param{b.id}});
            c.execute("DELETE FROM acquisitions WHERE tenant = ? AND request_id = ?", {Param{b.tenant}, Param{b.id}});
            c.execute("DELETE FROM requests WHERE tenant = ? AND id = ?", {Param{b.tenant}, Param{b.id}});
            c.execute("INSERT INTO audit (time_utc, actor, tenant, action, object_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
                      {Param{now}, Param{std::string("store")}, Param{b.tenant}, Param{std::string("request.quarantine")},
                       Param{b.id},
                       Param{json{{"error", b.error}, {"field", b.field}}.dump(-1, ' ', false, json::error_handler_t::replace)}});
            std::cerr << fmt::format("warning: store: request {} no longer passes the request parser (field '{}': {}); "
                                     "moved to requests_quarantine with its history and acquisitions\n",
                                     b.id, b.field, b.error);
        }
        c.execute("INSERT INTO store_meta (meta_key, meta_value) VALUES ('request_parser', ?) "
                  "ON CONFLICT (meta_key) DO UPDATE SET meta_value = excluded.meta_value",
                  {Param{std::to_string(request_parser_version)}});
        c.exec("COMMIT");
    } catch (...) {
        rollback_quietly(c);
        throw;
    }
}

/// SQLite: the WAL is rewound past this many frames (4 KiB pages: 64 MiB) and truncated back to this size.
constexpr std::int64_t max_wal_frames = 16384;
constexpr std::int64_t max_wal_bytes = 64LL << 20;

/// Connections, the writer thread (group commit) and the reader pool.
class Backend {
public:
    Backend(std::unique_ptr<ConnectionFactory> factory, const StoreOptions &options, std::string name)
        : m_factory(std::move(factory)), m_options(options), m_name(std::move(name))
    {
        m_writer_conn = writer_connection();
        migrate(*m_writer_conn);
        revalidate_requests(*m_writer_conn);
        m_writer = std::thread([this] { writer_loop(); });
        if (dialect() == Dialect::sqlite) {
            m_checkpointer = std::thread([this] { checkpoint_loop(); });
        }
    }
    ~Backend()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_cv_checkpoint.notify_all();
        m_writer.join();
        if (m_checkpointer.joinable()) {
            m_checkpointer.join();
        }
    }

    Dialect dialect() const noexcept { return m_factory->dialect(); }
    const std::string &name() const noexcept { return m_name; }

    /// Runs `fn` in the next group commit; returns (or rethrows) once that transaction has committed.
    void write(std::function<void(Connection &)> fn)
    {
        Job job{std::move(fn), {}};
        auto done = job.done.get_future();
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(&job);
        }
        m_cv.notify_one();
        done.get();
    }

    /// Runs `fn` on a reader connection (a snapshot transaction when `snapshot`).
    template <class F>
    auto read(F &&fn, bool snapshot = false)
    {
        std::unique_ptr<Connection> conn = acquire();
        try {
            if (snapshot) {
                conn->exec(dialect() == Dialect::sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ");
            }
            auto result = fn(*conn);
            if (snapshot) {
                conn->exec("COMMIT");
            }
            release(std::move(conn));
            return result;
        } catch (...) {
            discard(); // a connection in an unknown state is not reused
            throw;
        }
    }

    int schema_version()
    {
        return read([](Connection &c) { return detail::schema_version(c); });
    }

private:
    struct Job {
        std::function<void(Connection &)> fn;
        std::promise<void> done;
    };

    void writer_loop()
    {
        for (;;) {
            std::vector<Job *> batch;
            {
                std::unique_lock lock(m_mutex);
                m_cv.wait(lock, [&] { return m_stop || !m_queue.empty(); });
                if (m_queue.empty()) {
                    return; // stopping, nothing left
                }
                const std::size_t n = std::min<std::size_t>(m_queue.size(), static_cast<std::size_t>(m_options.max_batch));
                batch.assign(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(n));
                m_queue.erase(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(n));
            }
            run_batch(batch);
        }
    }

    void run_batch(const std::vector<Job *> &batch)
    {
        std::vector<std::exception_ptr> errors(batch.size());
        try {
            if (!m_writer_conn) {
                m_writer_conn = writer_connection();
            }
            Connection &c = *m_writer_conn;
            c.exec(dialect() == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
            try {
                for (std::size_t i = 0; i < batch.size(); ++i) {
                    c.exec("SAVEPOINT job");
                    try {
                        batch[i]->fn(c);
                        c.exec("RELEASE SAVEPOINT job");
                    } catch (const UniqueViolation &) {
                        errors[i] = std::current_exception();
                        c.exec("ROLLBACK TO SAVEPOINT job");
                        c.exec("RELEASE SAVEPOINT job");
                    } catch (const Error &e) {
                        errors[i] = std::current_exception();
                        c.exec("ROLLBACK TO SAVEPOINT job");
                        c.exec("RELEASE SAVEPOINT job");
                        if (e.code() == ErrorCode::storage) {
                            throw; // the connection itself may be broken: fail the batch
                        }
                    } catch (...) {
                        errors[i] = std::current_exception();
                        c.exec("ROLLBACK TO SAVEPOINT job");
                        c.exec("RELEASE SAVEPOINT job");
                    }
                }
                // NOTE: the durability point. The callers are answered only after COMMIT has returned
                // (SQLite synchronous=FULL / PostgreSQL synchronous_commit=on: the log is on disk).
                c.exec("COMMIT");
            } catch (...) {
                detail::rollback_quietly(c);
                throw;
            }
        } catch (...) {
            // Nothing of this batch was committed: every job fails with the batch's error.
            const auto err = std::current_exception();
            for (auto &e : errors) {
                e = err;
            }
            m_writer_conn.reset(); // reconnect for the next batch
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (errors[i]) {
                batch[i]->done.set_exception(errors[i]);
            } else {
                batch[i]->done.set_value();
            }
        }
    }

    std::unique_ptr<Connection> writer_connection()
    {
        auto c = m_factory->connect(true);
        if (dialect() == Dialect::sqlite) {
            // NOTE: checkpoints (copying the WAL into the database file, with its fsyncs) run on their own thread
            // (checkpoint_loop), not inside the writer's COMMIT, where they stalled every waiting submission.
            c->exec("PRAGMA wal_autocheckpoint = 0");
            c->exec(fmt::format("PRAGMA journal_size_limit = {}", max_wal_bytes));
        }
        return c;
    }

    /// SQLite: a PASSIVE checkpoint every 200 ms (it never blocks the writer or the readers); a TRUNCATE one
    /// at the end so the WAL file does not outlive the store.
    void checkpoint_loop()
    {
        std::unique_ptr<Connection> c;
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                if (m_cv_checkpoint.wait_for(lock, std::chrono::milliseconds(200), [&] { return m_stop; })) {
                    break;
                }
            }
            try {
                if (!c) {
                    c = m_factory->connect(true);
                }
                // (busy, frames in the WAL, frames checkpointed). Under a steady stream of writes and reads the
                // WAL is never rewound (a reader always holds a snapshot inside it), so past max_wal_frames a
                // RESTART checkpoint waits for the readers to move to the database file (the writer pauses
                // meanwhile) and the next transaction starts the WAL again from the top (journal_size_limit
                // then truncates the file).
                const auto rows = c->query("PRAGMA wal_checkpoint(PASSIVE)", {});
                if (!rows.empty() && rows[0].size() == 3 && to_int(rows[0][1]) > max_wal_frames) {
                    c->exec("PRAGMA wal_checkpoint(RESTART)");
                }
            } catch (const std::exception &) {
                c.reset(); // e.g. the file is locked by another process: try again next time
            }
        }
        try {
            if (c) {
                c->exec("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        } catch (const std::exception &) {
        }
    }

    std::unique_ptr<Connection> acquire()
    {
        std::unique_lock lock(m_pool_mutex);
        m_pool_cv.wait(lock, [&] { return !m_free.empty() || m_open < m_options.max_readers; });
        if (!m_free.empty()) {
            auto c = std::move(m_free.back());
            m_free.pop_back();
            return c;
        }
        ++m_open;
        lock.unlock();
        try {
            return m_factory->connect(false);
        } catch (...) {
            discard();
            throw;
        }
    }
    void release(std::unique_ptr<Connection> c)
    {
        {
            std::lock_guard lock(m_pool_mutex);
            m_free.push_back(std::move(c));
        }
        m_pool_cv.notify_one();
    }
    void discard()
    {
        {
            std::lock_guard lock(m_pool_mutex);
            --m_open;
        }
        m_pool_cv.notify_one();
    }

    std::unique_ptr<ConnectionFactory> m_factory;
    StoreOptions m_options;
    std::string m_name;

    std::unique_ptr<Connection> m_writer_conn; // used by the writer thread only (and the constructor)
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Job *> m_queue;
    bool m_stop = false;
    std::thread m_writer;
    std::condition_variable m_cv_checkpoint;
    std::thread m_checkpointer;

    std::mutex m_pool_mutex;
    std::condition_variable m_pool_cv;
    std::vector<std::unique_ptr<Connection>> m_free;
    int m_open = 0;
};

} // namespace detail

// ---------------------------------------------------------------------------------------------- helpers

namespace {

using detail::Connection;
using detail::Param;
using detail::Row;
using detail::to_int;
using json = nlohmann::json;

std::string iso(const time::Instant &t)
{
    return t.to_iso8601_utc(6);
}

time::Instant from_iso(const std::optional<std::string> &col)
{
    if (!col) {
        detail::fail_storage("read", "unexpected NULL time");
    }
    return time::Instant::parse_iso8601(*col);
}

std::optional<time::Instant> opt_time(const std::optional<std::string> &col)
{
    return col ? std::optional<time::Instant>(time::Instant::parse_iso8601(*col)) : std::nullopt;
}

Param opt_param(const std::optional<time::Instant> &t)
{
    return t ? Param{iso(*t)} : Param{nullptr};
}

std::string text(const std::optional<std::string> &col)
{
    return col.value_or(std::string());
}

void insert_audit(Connection &c, const Mutation &m, const std::string &action, const std::string &object_id,
                  const std::string &detail_json)
{
    c.execute("INSERT INTO audit (time_utc, actor, tenant, action, object_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
              {Param{iso(m.time)}, Param{m.actor}, Param{m.tenant}, Param{action}, Param{object_id}, Param{detail_json}});
}

/// The stored response of the mutation's idempotency key, if it was used. @throws Error(conflict) on a mismatch.
std::optional<StoredResponse> idem_lookup(Connection &c, const Idempotency &k)
{
    const auto rows = c.query("SELECT fingerprint, status, body FROM idempotency WHERE scope = ? AND idem_key = ?",
                              {Param{k.scope}, Param{k.key}});
    if (rows.empty()) {
        return std::nullopt;
    }
    if (text(rows[0][0]) != k.fingerprint) {
        throw Error(ErrorCode::conflict,
                    "this Idempotency-Key was already used for a different request (method, path or body)",
                    ErrorContext{"", 0, "Idempotency-Key", k.key});
    }
    return StoredResponse{static_cast<int>(to_int(rows[0][1])), text(rows[0][2])};
}

template <class T>
void idem_store(Connection &c, const Mutation &m, const Render<T> &render, const T &value)
{
    if (!m.idempotency) {
        return;
    }
    if (!render) {
        throw Error(ErrorCode::internal, "an idempotent mutation needs a response renderer");
    }
    const StoredResponse r = render(value);
    c.execute("INSERT INTO idempotency (scope, idem_key, fingerprint, status, body, created_utc) VALUES (?, ?, ?, ?, ?, ?)",
              {Param{m.idempotency->scope}, Param{m.idempotency->key}, Param{m.idempotency->fingerprint},
               Param{std::int64_t{r.status}}, Param{r.body}, Param{iso(m.time)}});
}

/// An idempotent mutation in one job of the writer: the stored response when the key was used already, else
/// `body` (which makes the change and returns its result) and the result's response under the key, together.
template <class T, class F>
Written<T> write_idempotent(detail::Backend &backend, const Mutation &m, const Render<T> &render, F &&body)
{
    Written<T> out;
    backend.write([&](Connection &c) {
        if (m.idempotency) {
            if (auto replay = idem_lookup(c, *m.idempotency)) {
                out.replay = std::move(replay);
                return;
            }
        }
        out.value = body(c);
        idem_store(c, m, render, out.value);
    });
    return out;
}

const char *request_columns = "seq, id, tenant, status, body, created_utc, updated_utc, submitted_by, feasibility";

RequestRecord request_from_row(const Row &r)
{
    RequestRecord rec;
    rec.seq = to_int(r[0]);
    rec.request = io::parse_request_json(text(r[4]), "store:requests." + text(r[1]));
    const auto st = parse_request_status(text(r[3]));
    if (!st) {
        detail::fail_storage("read", fmt::format("request {} has unknown status '{}'", text(r[1]), text(r[3])));
    }
    rec.status = *st;
    rec.created = from_iso(r[5]);
    rec.updated = from_iso(r[6]);
    rec.submitted_by = text(r[7]);
    rec.feasibility = text(r[8]);
    return rec;
}

std::vector<StatusEvent> load_history(Connection &c, const std::string &tenant, const std::string &id)
{
    std::vector<StatusEvent> out;
    for (const auto &r : c.query("SELECT status, time_utc, actor, note, seq FROM request_events WHERE request_id = ? "
                                 "AND request_id IN (SELECT id FROM requests WHERE tenant = ? AND id = ?) ORDER BY seq",
                                 {Param{id}, Param{tenant}, Param{id}})) {
        StatusEvent e;
        e.seq = to_int(r[4]);
        e.status = parse_request_status(text(r[0])).value_or(RequestStatus::submitted);
        e.time = from_iso(r[1]);
        e.actor = text(r[2]);
        e.note = text(r[3]);
        out.push_back(std::move(e));
    }
    return out;
}

/// The request `id`: of nation `tenant` only when given (the tenant is in the WHERE clause, so another nation's
/// row is never read), else coalition-wide.
std::optional<RequestRecord> load_request(Connection &c, const std::string &id, bool with_history,
                                          const TenantScope &tenant)
{
    const auto rows =
        tenant ? c.query(fmt::format("SELECT {} FROM requests WHERE tenant = ? AND id = ?", request_columns),
                         {Param{*tenant}, Param{id}})
               : c.query(fmt::format("SELECT {} FROM requests /* coalition-wide: request-by-id */ WHERE id = ?",
                                     request_columns),
                         {Param{id}});
    if (rows.empty()) {
        return std::nullopt;
    }
    RequestRecord rec = request_from_row(rows[0]);
    if (with_history) {
        rec.history = load_history(c, rec.request.tenant, id);
    }
    return rec;
}

/// The current status and nation of request `id` (of nation `tenant` only when given, else coalition-wide).
std::optional<std::pair<RequestStatus, std::string>> request_status(Connection &c, const std::string &id,
                                                                    const TenantScope &tenant)
{
    const auto rows =
        tenant && !tenant->empty()
            ? c.query("SELECT status, tenant FROM requests WHERE tenant = ? AND id = ?", {Param{*tenant}, Param{id}})
            : c.query("SELECT status, tenant FROM requests /* coalition-wide: request-status */ WHERE id = ?",
                      {Param{id}});
    if (rows.empty()) {
        return std::nullopt;
    }
    return std::pair{parse_request_status(text(rows[0][0])).value_or(RequestStatus::submitted), text(rows[0][1])};
}

/// Moves one request from its current status to `to` (one step), recording the event and the audit entry.
void set_status(Connection &c, const std::string &tenant, const std::string &id, RequestStatus from, RequestStatus to,
                const Mutation &m, const std::string &note, const std::optional<std::string> &feasibility,
                const std::string &action)
{
    if (feasibility) {
        c.execute("UPDATE requests SET status = ?, updated_utc = ?, feasibility = ? WHERE tenant = ? AND id = ?",
                  {Param{std::string(to_string(to))}, Param{iso(m.time)}, Param{*feasibility}, Param{tenant}, Param{id}});
    } else {
        c.execute("UPDATE requests SET status = ?, updated_utc = ? WHERE tenant = ? AND id = ?",
                  {Param{std::string(to_string(to))}, Param{iso(m.time)}, Param{tenant}, Param{id}});
    }
    c.execute("INSERT INTO request_events (request_id, status, time_utc, actor, note) VALUES (?, ?, ?, ?, ?)",
              {Param{id}, Param{std::string(to_string(to))}, Param{iso(m.time)}, Param{m.actor}, Param{note}});
    insert_audit(c, m, action, id,
                 json{{"from", to_string(from)}, {"to", to_string(to)}, {"note", note}}.dump(-1, ' ', false, json::error_handler_t::replace));
}

/// Shortest path of allowed transitions from `from` to `to` (empty when unreachable or equal).
std::vector<RequestStatus> path_to(RequestStatus from, RequestStatus to)
{
    constexpr RequestStatus all[] = {RequestStatus::submitted, RequestStatus::feasible,  RequestStatus::infeasible,
                                     RequestStatus::scheduled, RequestStatus::acquired,  RequestStatus::delivered,
                                     RequestStatus::cancelled};
    if (from == to) {
        return {};
    }
    std::map<RequestStatus, RequestStatus> prev;
    std::deque<RequestStatus> q{from};
    std::set<RequestStatus> seen{from};
    while (!q.empty()) {
        const RequestStatus s = q.front();
        q.pop_front();
        for (RequestStatus n : all) {
            if (n == RequestStatus::cancelled || n == RequestStatus::expired || seen.count(n) || !transition_allowed(s, n)) {
                continue; // the rollup never cancels nor expires
            }
            seen.insert(n);
            prev[n] = s;
            if (n == to) {
                std::vector<RequestStatus> path{n};
                for (RequestStatus p = s; p != from; p = prev[p]) {
                    path.push_back(p);
                }
                std::reverse(path.begin(), path.end());
                return path;
            }
            q.push_back(n);
        }
    }
    return {};
}

/// Brings a request to the status its acquisitions imply (Store::record_outcome documents the rule).
void rollup(Connection &c, const std::string &tenant, const std::string &request_id, const Mutation &m,
            const std::string &note)
{
    const auto cur = request_status(c, request_id, tenant);
    if (!cur) {
        return;
    }
    const RequestStatus current = cur->first;
    if (current != RequestStatus::feasible && current != RequestStatus::scheduled && current != RequestStatus::acquired) {
        return;
    }
    // Latest acquisition per occurrence (rows ordered by start, so later rows win).
    std::map<std::int64_t, AcquisitionState> latest;
    for (const auto &r : c.query("SELECT occurrence, state FROM acquisitions WHERE tenant = ? AND request_id = ? "
                                 "AND state <> 'superseded' ORDER BY start_utc, acquisition_id",
                                 {Param{tenant}, Param{request_id}})) {
        latest[to_int(r[0])] = parse_acquisition_state(text(r[1])).value_or(AcquisitionState::planned);
    }
    auto any = [&](AcquisitionState s) {
        return std::any_of(latest.begin(), latest.end(), [&](const auto &kv) { return kv.second == s; });
    };
    RequestStatus target = RequestStatus::feasible;
    if (latest.empty()) {
        target = RequestStatus::feasible;
    } else if (any(AcquisitionState::planned)) {
        target = RequestStatus::scheduled;
    } else if (any(AcquisitionState::failed)) {
        target = RequestStatus::feasible;
    } else if (std::all_of(latest.begin(), latest.end(),
                           [](const auto &kv) { return kv.second == AcquisitionState::delivered; })) {
        target = RequestStatus::delivered;
    } else {
        target = RequestStatus::acquired;
    }
    RequestStatus from = current;
    for (RequestStatus step : path_to(current, target)) {
        set_status(c, tenant, request_id, from, step, m, note, std::nullopt, "request.status");
        from = step;
    }
}

const char *acquisition_columns = "acquisition_id, plan_id, request_id, tenant, occurrence, satellite, norad_id, "
                                  "start_utc, end_utc, delivered_utc, state, outcome_utc, note, document";

AcquisitionRecord acquisition_from_row(const Row &r)
{
    AcquisitionRecord a;
    a.acquisition_id = text(r[0]);
    a.plan_id = text(r[1]);
    a.request_id = text(r[2]);
    a.tenant = text(r[3]);
    a.occurrence = static_cast<int>(to_int(r[4]));
    a.satellite = text(r[5]);
    a.norad_id = static_cast<std::uint32_t>(to_int(r[6]));
    a.start = from_iso(r[7]);
    a.end = from_iso(r[8]);
    a.delivered = opt_time(r[9]);
    a.state = parse_acquisition_state(text(r[10])).value_or(AcquisitionState::planned);
    a.outcome_time = opt_time(r[11]);
    a.note = text(r[12]);
    a.document = text(r[13]);
    return a;
}

std::optional<AcquisitionRecord> load_acquisition(Connection &c, const std::string &id, const TenantScope &tenant)
{
    const auto rows =
        tenant ? c.query(fmt::format("SELECT {} FROM acquisitions WHERE tenant = ? AND acquisition_id = ?",
                                     acquisition_columns),
                         {Param{*tenant}, Param{id}})
               : c.query(fmt::format("SELECT {} FROM acquisitions /* coalition-wide: acquisition-by-id */ "
                                     "WHERE acquisition_id = ?",
                                     acquisition_columns),
                         {Param{id}});
    if (rows.empty()) {
        return std::nullopt;
    }
    return acquisition_from_row(rows[0]);
}

const char *plan_columns = "seq, plan_id, created_utc, now_utc, planner, actor, document";

PlanRecord plan_from_row(const Row &r)
{
    PlanRecord p;
    p.seq = to_int(r[0]);
    p.plan_id = text(r[1]);
    p.created = from_iso(r[2]);
    p.now = from_iso(r[3]);
    p.planner = text(r[4]);
    p.actor = text(r[5]);
    p.document = text(r[6]);
    return p;
}

const char *token_columns = "id, tenant, role, secret_hash, label, created_utc, expires_utc, revoked_utc, created_by";

TokenRecord token_from_row(const Row &r)
{
    TokenRecord t;
    t.id = text(r[0]);
    t.tenant = text(r[1]);
    t.role = parse_role(text(r[2])).value_or(Role::requester);
    t.secret_hash = text(r[3]);
    t.label = text(r[4]);
    t.created = from_iso(r[5]);
    t.expires = opt_time(r[6]);
    t.revoked = opt_time(r[7]);
    t.created_by = text(r[8]);
    return t;
}

std::optional<TokenRecord> load_token(Connection &c, const std::string &id, const TenantScope &tenant = {})
{
    const auto rows =
        tenant ? c.query(fmt::format("SELECT {} FROM tokens WHERE tenant = ? AND id = ?", token_columns),
                         {Param{*tenant}, Param{id}})
               : c.query(fmt::format("SELECT {} FROM tokens /* coalition-wide: token-by-id */ WHERE id = ?", token_columns),
                         {Param{id}});
    if (rows.empty()) {
        return std::nullopt;
    }
    return token_from_row(rows[0]);
}

json station_to_json(const geometry::GroundStation &s)
{
    json mask = json::array();
    for (const auto &p : s.mask) {
        mask.push_back({{"azimuth_deg", p.azimuth_deg}, {"min_elevation_deg", p.min_elevation_deg}});
    }
    return json{{"name", s.name},
                {"lat_deg", s.location.lat_deg},
                {"lon_deg", s.location.lon_deg},
                {"alt_km", s.location.h_km},
                {"min_elevation_deg", s.min_elevation_deg},
                {"mask", mask},
                {"downlink_mbit_s", s.downlink_mbit_s},
                {"antennas", s.antennas}};
}

geometry::GroundStation station_from_json(const json &j)
{
    geometry::GroundStation s;
    s.name = j.at("name").get<std::string>();
    s.location.lat_deg = j.at("lat_deg").get<double>();
    s.location.lon_deg = j.at("lon_deg").get<double>();
    s.location.h_km = j.at("alt_km").get<double>();
    s.min_elevation_deg = j.at("min_elevation_deg").get<double>();
    for (const auto &p : j.at("mask")) {
        s.mask.push_back({p.at("azimuth_deg").get<double>(), p.at("min_elevation_deg").get<double>()});
    }
    s.downlink_mbit_s = j.at("downlink_mbit_s").get<double>();
    s.antennas = j.at("antennas").get<int>();
    return s;
}

std::string in_list(std::size_t n)
{
    std::string s = "(";
    for (std::size_t i = 0; i < n; ++i) {
        s += i ? ", ?" : "?";
    }
    return s + ")";
}

} // namespace

// ---------------------------------------------------------------------------------------------- Store

Store::Store(std::unique_ptr<detail::Backend> backend) : m_backend(std::move(backend)) {}
Store::~Store() = default;

std::unique_ptr<Store> Store::open(const std::string &url, const StoreOptions &options)
{
    if (options.max_readers < 1 || options.max_batch < 1) {
        throw Error(ErrorCode::invalid_argument, "store options: max_readers and max_batch must be >= 1");
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        return std::unique_ptr<Store>(
            new Store(std::make_unique<detail::Backend>(detail::postgresql_factory(url), options, "postgresql")));
    }
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path.empty()) {
        throw Error(ErrorCode::invalid_argument, "store: empty database path", ErrorContext{"", 0, "--db", url});
    }
    return std::unique_ptr<Store>(new Store(std::make_unique<detail::Backend>(
        detail::sqlite_factory(path, options.busy_timeout_ms), options, "sqlite")));
}

std::string_view Store::backend() const noexcept
{
    return m_backend->name();
}

int Store::schema_version()
{
    return m_backend->schema_version();
}

int Store::current_schema_version() noexcept
{
    return detail::latest_schema_version();
}

// --- requests

Written<RequestRecord> Store::submit_request(const mission::Request &request, const Mutation &m,
                                             const Render<RequestRecord> &render)
{
    mission::validate_request(request);
    const std::string body = io::request_to_json(request);
    return write_idempotent<RequestRecord>(*m_backend, m, render, [&](Connection &c) {
        const std::string t = iso(m.time);
        std::vector<Row> rows;
        try {
            rows = c.query("INSERT INTO requests (id, tenant, status, priority, body, created_utc, updated_utc, submitted_by) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
                           {Param{request.id}, Param{request.tenant}, Param{std::string("SUBMITTED")},
                            Param{std::int64_t{request.priority}}, Param{body}, Param{t}, Param{t}, Param{m.actor}});
        } catch (const detail::UniqueViolation &) {
            throw Error(ErrorCode::duplicate, fmt::format("request id '{}' is already in use", request.id),
                        ErrorContext{"", 0, "id", request.id});
        }
        const auto ev = c.query("INSERT INTO request_events (request_id, status, time_utc, actor, note) VALUES (?, ?, ?, ?, ?) "
                                "RETURNING seq",
                                {Param{request.id}, Param{std::string("SUBMITTED")}, Param{t}, Param{m.actor}, Param{std::string()}});
        RequestRecord rec;
        rec.request = request;
        rec.status = RequestStatus::submitted;
        rec.seq = to_int(rows.at(0).at(0));
        rec.created = rec.updated = time::Instant::parse_iso8601(t);
        rec.submitted_by = m.actor;
        rec.history = {StatusEvent{RequestStatus::submitted, rec.created, m.actor, "", to_int(ev.at(0).at(0))}};
        insert_audit(c, m, "request.submit", request.id,
                     json{{"tenant", request.tenant}, {"priority", request.priority}}.dump(-1, ' ', false, json::error_handler_t::replace));
        return rec;
    });
}

std::optional<RequestRecord> Store::get_request(const std::string &id, bool with_history, const TenantScope &tenant)
{
    return m_backend->read([&](Connection &c) { return load_request(c, id, with_history, tenant); }, with_history);
}

std::optional<QuarantinedRequest> Store::get_quarantined_request(const std::string &id, const TenantScope &tenant)
{
    return m_backend->read([&](Connection &c) -> std::optional<QuarantinedRequest> {
        const char *cols = "id, tenant, status, body, error, field, record, quarantined_utc";
        const auto rows =
            tenant ? c.query(fmt::format("SELECT {} FROM requests_quarantine WHERE tenant = ? AND id = ? "
                                         "ORDER BY seq DESC LIMIT 1",
                                         cols),
                             {Param{*tenant}, Param{id}})
                   : c.query(fmt::format("SELECT {} FROM requests_quarantine /* coalition-wide: quarantine-by-id */ "
                                         "WHERE id = ? ORDER BY seq DESC LIMIT 1",
                                         cols),
                             {Param{id}});
        if (rows.empty()) {
            return std::nullopt;
        }
        const auto &r = rows[0];
        return QuarantinedRequest{text(r[0]), text(r[1]), text(r[2]), text(r[3]),
                                  text(r[4]), text(r[5]), text(r[6]), from_iso(r[7])};
    });
}

std::vector<RequestRecord> Store::list_requests(const RequestQuery &q)
{
    if (q.limit < 1 || q.limit > 10000) {
        throw Error(ErrorCode::out_of_range, "limit must be in [1, 10000]",
                    ErrorContext{"", 0, "limit", std::to_string(q.limit)});
    }
    std::string sql = q.tenant ? fmt::format("SELECT {} FROM requests WHERE tenant = ? AND seq > ?", request_columns)
                               : fmt::format("SELECT {} FROM requests /* coalition-wide: list-requests */ WHERE seq > ?",
                                             request_columns);
    std::vector<Param> params;
    if (q.tenant) {
        params.emplace_back(*q.tenant);
    }
    params.emplace_back(q.after_seq);
    if (q.status) {
        sql += " AND status = ?";
        params.emplace_back(std::string(to_string(*q.status)));
    }
    sql += " ORDER BY seq LIMIT ?";
    params.emplace_back(std::int64_t{q.limit});
    return m_backend->read(
        [&](Connection &c) {
            std::vector<RequestRecord> out;
            for (const auto &r : c.query(sql, params)) {
                out.push_back(request_from_row(r));
                if (q.with_history) {
                    out.back().history = load_history(c, out.back().request.tenant, out.back().request.id);
                }
            }
            return out;
        },
        q.with_history);
}

std::vector<std::pair<RequestStatus, std::int64_t>> Store::count_requests(const std::optional<std::string> &tenant)
{
    return m_backend->read([&](Connection &c) {
        std::vector<Row> rows = tenant ? c.query("SELECT status, COUNT(*) FROM requests WHERE tenant = ? GROUP BY status",
                                                 {Param{*tenant}})
                                       : c.query("SELECT status, COUNT(*) FROM requests /* coalition-wide: count-requests */ "
                                                 "GROUP BY status",
                                                 {});
        std::vector<std::pair<RequestStatus, std::int64_t>> out;
        for (const auto &r : rows) {
            if (auto s = parse_request_status(text(r[0]))) {
                out.emplace_back(*s, to_int(r[1]));
            }
        }
        return out;
    });
}

std::int64_t Store::count_open_requests(const std::string &tenant)
{
    return m_backend->read([&](Connection &c) {
        const auto rows = c.query("SELECT COUNT(*) FROM requests WHERE tenant = ? AND status IN (?, ?, ?)",
                                  {Param{tenant}, Param{std::string("SUBMITTED")}, Param{std::string("FEASIBLE")},
                                   Param{std::string("SCHEDULED")}});
        return rows.empty() ? std::int64_t{0} : to_int(rows[0][0]);
    });
}

std::vector<std::string> Store::tenants_with_submitted()
{
    return m_backend->read([&](Connection &c) {
        std::vector<std::string> out;
        for (const auto &r : c.query("SELECT DISTINCT tenant FROM requests /* coalition-wide: queue-tenants */ "
                                     "WHERE status = ? ORDER BY tenant",
                                     {Param{std::string("SUBMITTED")}})) {
            out.push_back(text(r[0]));
        }
        return out;
    });
}

Written<RequestRecord> Store::cancel_request(const std::string &id, const Mutation &m, const Render<RequestRecord> &render,
                                             const TenantScope &tenant)
{
    return write_idempotent<RequestRecord>(*m_backend, m, render, [&](Connection &c) {
        const auto found = request_status(c, id, tenant);
        if (!found) {
            throw Error(ErrorCode::not_found, fmt::format("no request '{}'", id), ErrorContext{"", 0, "id", id});
        }
        const RequestStatus cur = found->first;
        const std::string &owner = found->second;
        if (!transition_allowed(cur, RequestStatus::cancelled)) {
            throw Error(ErrorCode::conflict,
                        fmt::format("request '{}' is {} and can no longer be cancelled", id, to_string(cur)),
                        ErrorContext{"", 0, "status", std::string(to_string(cur))});
        }
        set_status(c, owner, id, cur, RequestStatus::cancelled, m, "cancelled", std::nullopt, "request.cancel");
        c.execute("UPDATE acquisitions SET state = 'superseded', note = 'request cancelled' "
                  "WHERE tenant = ? AND request_id = ? AND state = 'planned'",
                  {Param{owner}, Param{id}});
        return *load_request(c, id, true, owner);
    });
}

Written<RequestRecord> Store::amend_request(const mission::Request &request, std::int64_t expected_version,
                                            const std::string &changed, const Mutation &m, const Render<RequestRecord> &render,
                                            const TenantScope &tenant)
{
    mission::validate_request(request);
    const std::string body = io::request_to_json(request);
    return write_idempotent<RequestRecord>(*m_backend, m, render, [&](Connection &c) {
        const auto found = load_request(c, request.id, true, tenant);
        if (!found) {
            throw Error(ErrorCode::not_found, fmt::format("no request '{}'", request.id), ErrorContext{"", 0, "id", request.id});
        }
        const std::string &owner = found->request.tenant;
        if (found->version() != expected_version) {
            throw Error(ErrorCode::conflict,
                        fmt::format("request '{}' has changed since version {} (now {}): read it again", request.id,
                                    expected_version, found->version()),
                        ErrorContext{"", 0, "If-Match", std::to_string(found->version())});
        }
        const RequestStatus cur = found->status;
        if (cur != RequestStatus::submitted && cur != RequestStatus::feasible && cur != RequestStatus::infeasible) {
            throw Error(ErrorCode::conflict,
                        fmt::format("request '{}' is {}: only a request not yet scheduled can be amended", request.id,
                                    to_string(cur)),
                        ErrorContext{"", 0, "status", std::string(to_string(cur))});
        }
        c.execute("UPDATE requests SET body = ?, priority = ?, status = 'SUBMITTED', feasibility = '', updated_utc = ? "
                  "WHERE tenant = ? AND id = ?",
                  {Param{body}, Param{std::int64_t{request.priority}}, Param{iso(m.time)}, Param{owner}, Param{request.id}});
        const std::string note = "amended: " + changed;
        c.execute("INSERT INTO request_events (request_id, status, time_utc, actor, note) VALUES (?, ?, ?, ?, ?)",
                  {Param{request.id}, Param{std::string("SUBMITTED")}, Param{iso(m.time)}, Param{m.actor}, Param{note}});
        insert_audit(c, m, "request.amend", request.id,
                     json{{"from", to_string(cur)}, {"to", "SUBMITTED"}, {"changed", changed}}.dump(-1, ' ', false,
                                                                                                  json::error_handler_t::replace));
        return *load_request(c, request.id, true, owner);
    });
}

std::size_t Store::apply_transitions(const std::vector<Transition> &transitions, const Mutation &m,
                                     const std::string &action)
{
    std::size_t applied = 0;
    if (transitions.empty()) {
        return 0;
    }
    m_backend->write([&](Connection &c) {
        applied = 0;
        for (const auto &t : transitions) {
            const auto found = request_status(c, t.request_id, t.tenant.empty() ? TenantScope{} : TenantScope{t.tenant});
            if (!found) {
                continue;
            }
            const RequestStatus cur = found->first;
            if (std::find(t.from.begin(), t.from.end(), cur) == t.from.end() || !transition_allowed(cur, t.to)) {
                continue;
            }
            if (t.expected_request) {
                const auto now_stored = load_request(c, t.request_id, false, found->second);
                if (!now_stored || !(now_stored->request == *t.expected_request)) {
                    continue; // amended since the verdict was computed
                }
            }
            set_status(c, found->second, t.request_id, cur, t.to, m, t.note, t.feasibility, action);
            ++applied;
        }
    });
    return applied;
}

// --- plans and acquisitions

Written<PlanRecord> Store::save_plan(const PlanRecord &plan, const std::vector<AcquisitionRecord> &acquisitions,
                                     const std::vector<std::string> &planned_requests, const Mutation &m,
                                     const Render<PlanRecord> &render)
{
    return write_idempotent<PlanRecord>(*m_backend, m, render, [&](Connection &c) {
        PlanRecord rec = plan;
        std::vector<Row> rows;
        try {
            rows = c.query("INSERT INTO plans (plan_id, created_utc, now_utc, planner, actor, document) "
                           "VALUES (?, ?, ?, ?, ?, ?) RETURNING seq",
                           {Param{plan.plan_id}, Param{iso(plan.created)}, Param{iso(plan.now)}, Param{plan.planner},
                            Param{plan.actor}, Param{plan.document}});
        } catch (const detail::UniqueViolation &) {
            throw Error(ErrorCode::duplicate, fmt::format("plan id '{}' is already in use", plan.plan_id),
                        ErrorContext{"", 0, "plan_id", plan.plan_id});
        }
        rec.seq = to_int(rows.at(0).at(0));
        for (const auto &a : acquisitions) {
            c.execute("INSERT INTO acquisitions (acquisition_id, plan_id, request_id, tenant, occurrence, satellite, norad_id, "
                      "start_utc, end_utc, delivered_utc, state, note, document) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', '', ?) "
                      "ON CONFLICT (acquisition_id) DO UPDATE SET plan_id = excluded.plan_id, "
                      "satellite = excluded.satellite, norad_id = excluded.norad_id, start_utc = excluded.start_utc, "
                      "end_utc = excluded.end_utc, delivered_utc = excluded.delivered_utc, document = excluded.document, "
                      // a superseded acquisition that a plan takes up again is planned again; an outcome (failed,
                      // succeeded, delivered) stays, also one reported while the plan was computed
                      "state = CASE WHEN acquisitions.state = 'superseded' THEN 'planned' ELSE acquisitions.state END",
                      {Param{a.acquisition_id}, Param{plan.plan_id}, Param{a.request_id}, Param{a.tenant},
                       Param{std::int64_t{a.occurrence}}, Param{a.satellite}, Param{std::int64_t{a.norad_id}},
                       Param{iso(a.start)}, Param{iso(a.end)}, opt_param(a.delivered), Param{a.document}});
        }
        c.execute("UPDATE acquisitions /* coalition-wide: plan-supersede */ SET state = 'superseded', note = ? "
                  "WHERE state = 'planned' AND plan_id <> ?",
                  {Param{"not in plan " + plan.plan_id}, Param{plan.plan_id}});
        insert_audit(c, m, "plan.create", plan.plan_id,
                     json{{"planner", plan.planner}, {"acquisitions", acquisitions.size()},
                          {"requests", planned_requests.size()}}
                         .dump(-1, ' ', false, json::error_handler_t::replace));
        // Requests whose planned acquisitions were just superseded are rolled up as well.
        std::set<std::pair<std::string, std::string>> touched; // (tenant, request id)
        for (const auto &id : planned_requests) {
            if (const auto found = request_status(c, id, std::nullopt)) {
                touched.insert({found->second, id});
            }
        }
        for (const auto &r : c.query("SELECT DISTINCT tenant, request_id FROM acquisitions "
                                     "/* coalition-wide: plan-superseded */ WHERE note = ?",
                                     {Param{"not in plan " + plan.plan_id}})) {
            touched.insert({text(r[0]), text(r[1])});
        }
        for (const auto &[tenant, id] : touched) {
            rollup(c, tenant, id, m, "plan " + plan.plan_id);
        }
        return rec;
    });
}

std::optional<PlanRecord> Store::latest_plan()
{
    return m_backend->read([&](Connection &c) -> std::optional<PlanRecord> {
        const auto rows = c.query(fmt::format("SELECT {} FROM plans ORDER BY seq DESC LIMIT 1", plan_columns), {});
        if (rows.empty()) {
            return std::nullopt;
        }
        return plan_from_row(rows[0]);
    });
}

std::optional<std::string> Store::latest_plan_id()
{
    return m_backend->read([&](Connection &c) -> std::optional<std::string> {
        const auto rows = c.query("SELECT plan_id FROM plans ORDER BY seq DESC LIMIT 1", {});
        if (rows.empty()) {
            return std::nullopt;
        }
        return text(rows[0][0]);
    });
}

std::optional<AcquisitionRecord> Store::get_acquisition(const std::string &id, const TenantScope &tenant)
{
    return m_backend->read([&](Connection &c) { return load_acquisition(c, id, tenant); });
}

std::vector<AcquisitionRecord> Store::list_acquisitions(const AcquisitionQuery &q)
{
    std::string sql = q.tenant ? fmt::format("SELECT {} FROM acquisitions WHERE tenant = ?", acquisition_columns)
                               : fmt::format("SELECT {} FROM acquisitions /* coalition-wide: list-acquisitions */ "
                                             "WHERE 1 = 1",
                                             acquisition_columns);
    std::vector<Param> params;
    if (q.tenant) {
        params.emplace_back(*q.tenant);
    }
    if (!q.states.empty()) {
        sql += " AND state IN " + in_list(q.states.size());
        for (auto s : q.states) {
            params.emplace_back(std::string(to_string(s)));
        }
    }
    if (q.ending_before) {
        sql += " AND end_utc <= ?";
        params.emplace_back(iso(*q.ending_before));
    }
    if (q.request_id) {
        sql += " AND request_id = ?";
        params.emplace_back(*q.request_id);
    }
    if (q.plan_id) {
        sql += " AND plan_id = ?";
        params.emplace_back(*q.plan_id);
    }
    sql += " ORDER BY start_utc, acquisition_id";
    return m_backend->read([&](Connection &c) {
        std::vector<AcquisitionRecord> out;
        for (const auto &r : c.query(sql, params)) {
            out.push_back(acquisition_from_row(r));
        }
        return out;
    });
}

Written<AcquisitionRecord> Store::record_outcome(const std::string &acquisition_id,
                                                 const std::vector<AcquisitionState> &from, AcquisitionState to,
                                                 const std::string &note, const Mutation &m,
                                                 const Render<AcquisitionRecord> &render)
{
    return write_idempotent<AcquisitionRecord>(*m_backend, m, render, [&](Connection &c) {
        auto a = load_acquisition(c, acquisition_id, std::nullopt);
        if (!a) {
            throw Error(ErrorCode::not_found, fmt::format("no acquisition '{}'", acquisition_id),
                        ErrorContext{"", 0, "id", acquisition_id});
        }
        if (std::find(from.begin(), from.end(), a->state) == from.end()) {
            throw Error(ErrorCode::conflict,
                        fmt::format("acquisition '{}' is {}: cannot become {}", acquisition_id, to_string(a->state),
                                    to_string(to)),
                        ErrorContext{"", 0, "state", std::string(to_string(a->state))});
        }
        c.execute("UPDATE acquisitions SET state = ?, outcome_utc = ?, note = ? WHERE tenant = ? AND acquisition_id = ?",
                  {Param{std::string(to_string(to))}, Param{iso(m.time)}, Param{note}, Param{a->tenant},
                   Param{acquisition_id}});
        insert_audit(c, m, "acquisition.outcome", acquisition_id,
                     json{{"from", to_string(a->state)}, {"to", to_string(to)}, {"request_id", a->request_id},
                          {"note", note}}
                         .dump(-1, ' ', false, json::error_handler_t::replace));
        rollup(c, a->tenant, a->request_id, m, fmt::format("acquisition {} {}", acquisition_id, to_string(to)));
        return *load_acquisition(c, acquisition_id, a->tenant);
    });
}

// --- element sets and stations

Written<std::int64_t> Store::save_elements(const ElementUpload &upload, const Mutation &m,
                                           const Render<std::int64_t> &render)
{
    return write_idempotent<std::int64_t>(*m_backend, m, render, [&](Connection &c) {
        const auto rows = c.query(
            "INSERT INTO element_uploads (time_utc, actor, tenant, source_name, format, accepted, rejected, warnings) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING upload_id",
            {Param{iso(m.time)}, Param{m.actor}, Param{m.tenant}, Param{upload.source_name}, Param{upload.format},
             Param{static_cast<std::int64_t>(upload.accepted.size())},
             Param{upload.rejected.empty() ? std::string("[]") : upload.rejected},
             Param{upload.warnings.empty() ? std::string("[]") : upload.warnings}});
        const std::int64_t id = to_int(rows.at(0).at(0));
        for (const auto &e : upload.accepted) {
            c.execute("INSERT INTO element_sets (upload_id, norad_id, name, epoch_utc, omm_json, sensor) VALUES (?, ?, ?, ?, ?, ?)",
                      {Param{id}, Param{std::int64_t{e.norad_id}}, Param{e.name}, Param{iso(e.epoch)}, Param{e.omm_json},
                       e.sensor ? Param{*e.sensor} : Param{nullptr}});
        }
        insert_audit(c, m, "elements.upload", std::to_string(id),
                     json{{"source", upload.source_name}, {"format", upload.format},
                          {"accepted", upload.accepted.size()},
                          {"rejected", json::parse(upload.rejected.empty() ? "[]" : upload.rejected).size()}}
                         .dump(-1, ' ', false, json::error_handler_t::replace));
        return id;
    });
}

std::vector<ElementSetRecord> Store::latest_elements()
{
    return m_backend->read([&](Connection &c) {
        std::vector<ElementSetRecord> out;
        for (const auto &r : c.query(
                 "SELECT e.norad_id, e.name, e.epoch_utc, e.omm_json, "
                 "(SELECT s.sensor FROM element_sets s WHERE s.norad_id = e.norad_id AND s.sensor IS NOT NULL "
                 " ORDER BY s.seq DESC LIMIT 1), e.upload_id FROM element_sets e "
                 "WHERE e.seq = (SELECT x.seq FROM element_sets x WHERE x.norad_id = e.norad_id "
                 " ORDER BY x.epoch_utc DESC, x.upload_id DESC, x.seq DESC LIMIT 1) ORDER BY e.norad_id",
                 {})) {
            ElementSetRecord e;
            e.norad_id = static_cast<std::uint32_t>(to_int(r[0]));
            e.name = text(r[1]);
            e.epoch = from_iso(r[2]);
            e.omm_json = text(r[3]);
            e.sensor = r[4];
            e.upload_id = to_int(r[5]);
            out.push_back(std::move(e));
        }
        return out;
    });
}

void Store::upsert_stations(const std::vector<geometry::GroundStation> &stations, const Mutation &m)
{
    if (stations.empty()) {
        return;
    }
    m_backend->write([&](Connection &c) {
        json names = json::array();
        for (const auto &s : stations) {
            c.execute("INSERT INTO stations (name, station, updated_utc) VALUES (?, ?, ?) "
                      "ON CONFLICT (name) DO UPDATE SET station = excluded.station, updated_utc = excluded.updated_utc",
                      {Param{s.name}, Param{station_to_json(s).dump(-1, ' ', false, json::error_handler_t::replace)}, Param{iso(m.time)}});
            names.push_back(s.name);
        }
        insert_audit(c, m, "stations.upsert", "stations", json{{"stations", names}}.dump(-1, ' ', false, json::error_handler_t::replace));
    });
}

std::vector<geometry::GroundStation> Store::list_stations()
{
    return m_backend->read([&](Connection &c) {
        std::vector<geometry::GroundStation> out;
        for (const auto &r : c.query("SELECT station FROM stations ORDER BY name", {})) {
            try {
                out.push_back(station_from_json(json::parse(text(r[0]))));
            } catch (const json::exception &e) {
                detail::fail_storage("read station", e.what());
            }
        }
        return out;
    });
}

// --- tokens

Written<TokenRecord> Store::create_token(const TokenRecord &token, const Mutation &m, const Render<TokenRecord> &render)
{
    return write_idempotent<TokenRecord>(*m_backend, m, render, [&](Connection &c) {
        try {
            c.execute("INSERT INTO tokens (id, tenant, role, secret_hash, label, created_utc, expires_utc, revoked_utc, "
                      "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                      {Param{token.id}, Param{token.tenant}, Param{std::string(to_string(token.role))},
                       Param{token.secret_hash}, Param{token.label}, Param{iso(token.created)}, opt_param(token.expires),
                       Param{token.created_by}});
        } catch (const detail::UniqueViolation &) {
            throw Error(ErrorCode::duplicate, "token id already exists", ErrorContext{"", 0, "id", token.id});
        }
        insert_audit(c, m, "token.create", token.id,
                     json{{"tenant", token.tenant}, {"role", to_string(token.role)}, {"label", token.label}}.dump(-1, ' ', false, json::error_handler_t::replace));
        return *load_token(c, token.id);
    });
}

std::optional<TokenRecord> Store::find_token(const std::string &id)
{
    return m_backend->read([&](Connection &c) { return load_token(c, id); });
}

std::vector<TokenRecord> Store::list_tokens(const TenantScope &tenant)
{
    return m_backend->read([&](Connection &c) {
        std::vector<TokenRecord> out;
        const auto rows =
            tenant ? c.query(fmt::format("SELECT {} FROM tokens WHERE tenant = ? ORDER BY created_utc, id", token_columns),
                             {Param{*tenant}})
                   : c.query(fmt::format("SELECT {} FROM tokens /* coalition-wide: list-tokens */ ORDER BY created_utc, id",
                                         token_columns),
                             {});
        for (const auto &r : rows) {
            out.push_back(token_from_row(r));
        }
        return out;
    });
}

Written<TokenRecord> Store::revoke_token(const std::string &id, const Mutation &m, const Render<TokenRecord> &render,
                                         const TenantScope &tenant)
{
    return write_idempotent<TokenRecord>(*m_backend, m, render, [&](Connection &c) {
        const auto n =
            tenant ? c.execute("UPDATE tokens SET revoked_utc = COALESCE(revoked_utc, ?) WHERE tenant = ? AND id = ?",
                               {Param{iso(m.time)}, Param{*tenant}, Param{id}})
                   : c.execute("UPDATE tokens /* coalition-wide: revoke-token */ SET revoked_utc = COALESCE(revoked_utc, ?) "
                               "WHERE id = ?",
                               {Param{iso(m.time)}, Param{id}});
        if (n == 0) {
            throw Error(ErrorCode::not_found, fmt::format("no token '{}'", id), ErrorContext{"", 0, "id", id});
        }
        insert_audit(c, m, "token.revoke", id, "{}");
        return *load_token(c, id, tenant);
    });
}

// --- audit and idempotency

void Store::audit(const std::string &action, const std::string &object_id, const std::string &detail, const Mutation &m)
{
    m_backend->write([&](Connection &c) { insert_audit(c, m, action, object_id, detail); });
}

std::vector<AuditEntry> Store::list_audit(std::int64_t after_seq, int limit, const TenantScope &tenant)
{
    if (limit < 1 || limit > 10000) {
        throw Error(ErrorCode::out_of_range, "limit must be in [1, 10000]",
                    ErrorContext{"", 0, "limit", std::to_string(limit)});
    }
    return m_backend->read([&](Connection &c) {
        std::vector<AuditEntry> out;
        const auto rows =
            tenant ? c.query("SELECT seq, time_utc, actor, tenant, action, object_id, detail FROM audit "
                             "WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?",
                             {Param{*tenant}, Param{after_seq}, Param{std::int64_t{limit}}})
                   : c.query("SELECT seq, time_utc, actor, tenant, action, object_id, detail FROM audit "
                             "/* coalition-wide: list-audit */ WHERE seq > ? ORDER BY seq LIMIT ?",
                             {Param{after_seq}, Param{std::int64_t{limit}}});
        for (const auto &r : rows) {
            out.push_back(AuditEntry{to_int(r[0]), from_iso(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]),
                                     text(r[6])});
        }
        return out;
    });
}

std::optional<StoredResponse> Store::find_idempotent(const Idempotency &key)
{
    return m_backend->read([&](Connection &c) { return idem_lookup(c, key); });
}

// --- events and webhooks

namespace {

EventRecord event_from_row(const Row &r)
{
    EventRecord e;
    e.seq = to_int(r[0]);
    e.request_id = text(r[1]);
    e.tenant = text(r[2]);
    e.status = parse_request_status(text(r[3])).value_or(RequestStatus::submitted);
    e.time = from_iso(r[4]);
    e.note = text(r[5]);
    return e;
}

const char *webhook_columns = "id, tenant, url, secret, description, created_utc, created_by, disabled_utc, cursor_seq, "
                              "failures, next_attempt_utc";

WebhookRecord webhook_from_row(const Row &r)
{
    WebhookRecord w;
    w.id = text(r[0]);
    w.tenant = text(r[1]);
    w.url = text(r[2]);
    w.secret = text(r[3]);
    w.description = text(r[4]);
    w.created = from_iso(r[5]);
    w.created_by = text(r[6]);
    if (r[7]) {
        w.disabled = from_iso(r[7]);
    }
    w.cursor = to_int(r[8]);
    w.failures = static_cast<int>(to_int(r[9]));
    if (r[10]) {
        w.next_attempt = from_iso(r[10]);
    }
    return w;
}

std::optional<WebhookRecord> load_webhook(Connection &c, const std::string &id, const TenantScope &tenant)
{
    const auto rows =
        tenant ? c.query(fmt::format("SELECT {} FROM webhooks WHERE tenant = ? AND id = ?", webhook_columns),
                         {Param{*tenant}, Param{id}})
               : c.query(fmt::format("SELECT {} FROM webhooks /* coalition-wide: webhook-by-id */ WHERE id = ?",
                                     webhook_columns),
                         {Param{id}});
    if (rows.empty()) {
        return std::nullopt;
    }
    return webhook_from_row(rows[0]);
}

void check_limit(int limit)
{
    if (limit < 1 || limit > 10000) {
        throw Error(ErrorCode::out_of_range, "limit must be in [1, 10000]", ErrorContext{"", 0, "limit", std::to_string(limit)});
    }
}

} // namespace

std::vector<EventRecord> Store::list_events(std::int64_t after_seq, int limit, const TenantScope &tenant)
{
    check_limit(limit);
    return m_backend->read([&](Connection &c) {
        std::vector<EventRecord> out;
        const auto rows =
            tenant ? c.query("SELECT e.seq, e.request_id, r.tenant, e.status, e.time_utc, e.note FROM request_events e "
                             "JOIN requests r ON r.id = e.request_id WHERE r.tenant = ? AND e.seq > ? ORDER BY e.seq LIMIT ?",
                             {Param{*tenant}, Param{after_seq}, Param{std::int64_t{limit}}})
                   : c.query("SELECT e.seq, e.request_id, r.tenant, e.status, e.time_utc, e.note FROM request_events e "
                             "/* coalition-wide: list-events */ JOIN requests r ON r.id = e.request_id WHERE e.seq > ? "
                             "ORDER BY e.seq LIMIT ?",
                             {Param{after_seq}, Param{std::int64_t{limit}}});
        for (const auto &r : rows) {
            out.push_back(event_from_row(r));
        }
        return out;
    });
}

std::int64_t Store::last_event_seq()
{
    return m_backend->read([&](Connection &c) {
        const auto rows = c.query("SELECT MAX(seq) FROM request_events /* coalition-wide: last-event */", {});
        return rows.empty() || !rows[0][0] ? std::int64_t{0} : to_int(rows[0][0]);
    });
}

Written<WebhookRecord> Store::create_webhook(const WebhookRecord &w, const Mutation &m, const Render<WebhookRecord> &render)
{
    return write_idempotent<WebhookRecord>(*m_backend, m, render, [&](Connection &c) {
        try {
            c.execute("INSERT INTO webhooks (id, tenant, url, secret, description, created_utc, created_by, disabled_utc, "
                      "cursor_seq, failures, next_attempt_utc) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, NULL)",
                      {Param{w.id}, Param{w.tenant}, Param{w.url}, Param{w.secret}, Param{w.description},
                       Param{iso(w.created)}, Param{w.created_by}, Param{w.cursor}});
        } catch (const detail::UniqueViolation &) {
            throw Error(ErrorCode::duplicate, "webhook id already exists", ErrorContext{"", 0, "id", w.id});
        }
        insert_audit(c, m, "webhook.create", w.id,
                     json{{"tenant", w.tenant}, {"url", w.url}}.dump(-1, ' ', false, json::error_handler_t::replace));
        return *load_webhook(c, w.id, w.tenant);
    });
}

std::optional<WebhookRecord> Store::get_webhook(const std::string &id, const TenantScope &tenant)
{
    return m_backend->read([&](Connection &c) { return load_webhook(c, id, tenant); });
}

std::vector<WebhookRecord> Store::list_webhooks(const TenantScope &tenant, bool active_only)
{
    return m_backend->read([&](Connection &c) {
        std::vector<WebhookRecord> out;
        const auto rows =
            tenant ? c.query(fmt::format("SELECT {} FROM webhooks WHERE tenant = ? ORDER BY created_utc, id", webhook_columns),
                             {Param{*tenant}})
                   : c.query(fmt::format("SELECT {} FROM webhooks /* coalition-wide: list-webhooks */ ORDER BY created_utc, id",
                                         webhook_columns),
                             {});
        for (const auto &r : rows) {
            auto w = webhook_from_row(r);
            if (!active_only || !w.disabled) {
                out.push_back(std::move(w));
            }
        }
        return out;
    });
}

Written<WebhookRecord> Store::disable_webhook(const std::string &id, const Mutation &m, const Render<WebhookRecord> &render,
                                              const TenantScope &tenant)
{
    return write_idempotent<WebhookRecord>(*m_backend, m, render, [&](Connection &c) {
        const auto n =
            tenant ? c.execute("UPDATE webhooks SET disabled_utc = COALESCE(disabled_utc, ?) WHERE tenant = ? AND id = ?",
                               {Param{iso(m.time)}, Param{*tenant}, Param{id}})
                   : c.execute("UPDATE webhooks /* coalition-wide: disable-webhook */ SET disabled_utc = "
                               "COALESCE(disabled_utc, ?) WHERE id = ?",
                               {Param{iso(m.time)}, Param{id}});
        if (n == 0) {
            throw Error(ErrorCode::not_found, fmt::format("no webhook '{}'", id), ErrorContext{"", 0, "id", id});
        }
        insert_audit(c, m, "webhook.disable", id, "{}");
        return *load_webhook(c, id, tenant);
    });
}

void Store::record_delivery(const DeliveryRecord &d, const std::optional<time::Instant> &next_attempt)
{
    m_backend->write([&](Connection &c) {
        c.execute("INSERT INTO webhook_deliveries (webhook_id, tenant, event_seq, attempt, time_utc, status_code, error, "
                  "delivered, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {Param{d.webhook_id}, Param{d.tenant}, Param{d.event_seq}, Param{std::int64_t{d.attempt}}, Param{iso(d.time)},
                   Param{std::int64_t{d.status_code}}, Param{d.error}, Param{std::int64_t{d.delivered ? 1 : 0}},
                   Param{d.duration_ms}});
        if (d.delivered) {
            // Never moves back: a late duplicate acknowledgement of an older event leaves the cursor where it is.
            c.execute("UPDATE webhooks SET cursor_seq = ?, failures = 0, next_attempt_utc = NULL "
                      "WHERE tenant = ? AND id = ? AND cursor_seq < ?",
                      {Param{d.event_seq}, Param{d.tenant}, Param{d.webhook_id}, Param{d.event_seq}});
        } else {
            c.execute("UPDATE webhooks SET failures = failures + 1, next_attempt_utc = ? WHERE tenant = ? AND id = ?",
                      {opt_param(next_attempt), Param{d.tenant}, Param{d.webhook_id}});
        }
    });
}

std::vector<DeliveryRecord> Store::list_deliveries(const std::string &webhook_id, std::int64_t after_seq, int limit,
                                                   const TenantScope &tenant)
{
    check_limit(limit);
    return m_backend->read([&](Connection &c) {
        std::vector<DeliveryRecord> out;
        const char *cols = "seq, webhook_id, tenant, event_seq, attempt, time_utc, status_code, error, delivered, duration_ms";
        const auto rows =
            tenant ? c.query(fmt::format("SELECT {} FROM webhook_deliveries WHERE tenant = ? AND webhook_id = ? AND seq > ? "
                                         "ORDER BY seq LIMIT ?",
                                         cols),
                             {Param{*tenant}, Param{webhook_id}, Param{after_seq}, Param{std::int64_t{limit}}})
                   : c.query(fmt::format("SELECT {} FROM webhook_deliveries /* coalition-wide: list-deliveries */ WHERE "
                                         "webhook_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                                         cols),
                             {Param{webhook_id}, Param{after_seq}, Param{std::int64_t{limit}}});
        for (const auto &r : rows) {
            DeliveryRecord d;
            d.seq = to_int(r[0]);
            d.webhook_id = text(r[1]);
            d.tenant = text(r[2]);
            d.event_seq = to_int(r[3]);
            d.attempt = static_cast<int>(to_int(r[4]));
            d.time = from_iso(r[5]);
            d.status_code = static_cast<int>(to_int(r[6]));
            d.error = text(r[7]);
            d.delivered = to_int(r[8]) != 0;
            d.duration_ms = to_int(r[9]);
            out.push_back(std::move(d));
        }
        return out;
    });
}

} // namespace vantage::store
