// Schema migrations: an ordered list, each applied once in its own transaction and recorded in
// `schema_migrations`. Never edit a migration that has shipped; append a new one.
//
// The SQL is common to SQLite and PostgreSQL except for two spellings, substituted here:
//   {serial}  an ever-increasing integer primary key (SQLite AUTOINCREMENT never reuses a value, so cursors
//             over `seq` stay valid), {int}  a 64-bit integer column.
// Instants are ISO 8601 UTC text with 6 decimals and `Z` (fixed width, so text order is time order).
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "sql.hpp"
#include "vantage/core/error.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::store::detail {

namespace {

struct Migration {
    int version;
    const char *name;
    std::vector<const char *> statements;
};

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> list = {
        {1,
         "initial schema: requests with status history, plans, acquisitions, element sets, stations, tokens, audit",
         {
             R"(CREATE TABLE requests (
                  seq {serial},
                  id TEXT NOT NULL UNIQUE,
                  tenant TEXT NOT NULL,
                  status TEXT NOT NULL,
                  priority {int} NOT NULL,
                  body TEXT NOT NULL,
                  created_utc TEXT NOT NULL,
                  updated_utc TEXT NOT NULL,
                  submitted_by TEXT NOT NULL,
                  feasibility TEXT NOT NULL DEFAULT ''))",
             "CREATE INDEX requests_tenant_seq ON requests (tenant, seq)",
             "CREATE INDEX requests_status_seq ON requests (status, seq)",
             R"(CREATE TABLE request_events (
                  seq {serial},
                  request_id TEXT NOT NULL REFERENCES requests (id),
                  status TEXT NOT NULL,
                  time_utc TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  note TEXT NOT NULL DEFAULT ''))",
             "CREATE INDEX request_events_request ON request_events (request_id, seq)",
             R"(CREATE TABLE plans (
                  seq {serial},
                  plan_id TEXT NOT NULL UNIQUE,
                  created_utc TEXT NOT NULL,
                  now_utc TEXT NOT NULL,
                  planner TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  document TEXT NOT NULL))",
             R"(CREATE TABLE acquisitions (
                  acquisition_id TEXT PRIMARY KEY,
                  plan_id TEXT NOT NULL REFERENCES plans (plan_id),
                  request_id TEXT NOT NULL REFERENCES requests (id),
                  tenant TEXT NOT NULL,
                  occurrence {int} NOT NULL,
                  satellite TEXT NOT NULL,
                  norad_id {int} NOT NULL,
                  start_utc TEXT NOT NULL,
                  end_utc TEXT NOT NULL,
                  delivered_utc TEXT,
                  state TEXT NOT NULL,
                  outcome_utc TEXT,
                  note TEXT NOT NULL DEFAULT '',
                  document TEXT NOT NULL))",
             "CREATE INDEX acquisitions_state_end ON acquisitions (state, end_utc)",
             "CREATE INDEX acquisitions_request ON acquisitions (request_id)",
             R"(CREATE TABLE element_uploads (
                  upload_id {serial},
                  time_utc TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  tenant TEXT NOT NULL,
                  source_name TEXT NOT NULL,
                  format TEXT NOT NULL,
                  accepted {int} NOT NULL,
                  rejected TEXT NOT NULL,
                  warnings TEXT NOT NULL))",
             R"(CREATE TABLE element_sets (
                  seq {serial},
                  upload_id {int} NOT NULL REFERENCES element_uploads (upload_id),
                  norad_id {int} NOT NULL,
                  name TEXT NOT NULL,
                  epoch_utc TEXT NOT NULL,
                  omm_json TEXT NOT NULL,
                  sensor TEXT))",
             "CREATE INDEX element_sets_norad ON element_sets (norad_id, epoch_utc, upload_id)",
             R"(CREATE TABLE stations (
                  name TEXT PRIMARY KEY,
                  station TEXT NOT NULL,
                  updated_utc TEXT NOT NULL))",
             R"(CREATE TABLE tokens (
                  id TEXT PRIMARY KEY,
                  tenant TEXT NOT NULL,
                  role TEXT NOT NULL,
                  secret_hash TEXT NOT NULL,
                  label TEXT NOT NULL DEFAULT '',
                  created_utc TEXT NOT NULL,
                  expires_utc TEXT,
                  revoked_utc TEXT,
                  created_by TEXT NOT NULL))",
             R"(CREATE TABLE audit (
                  seq {serial},
                  time_utc TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  tenant TEXT NOT NULL,
                  action TEXT NOT NULL,
                  object_id TEXT NOT NULL,
                  detail TEXT NOT NULL))",
         }},
        {2,
         "idempotency keys (a retried POST returns the first response); audit lookup by object",
         {
             R"(CREATE TABLE idempotency (
                  scope TEXT NOT NULL,
                  idem_key TEXT NOT NULL,
                  fingerprint TEXT NOT NULL,
                  status {int} NOT NULL,
                  body TEXT NOT NULL,
                  created_utc TEXT NOT NULL,
                  PRIMARY KEY (scope, idem_key)))",
             "CREATE INDEX audit_object ON audit (object_id, seq)",
         }},
        {3,
         "per-nation lookups: the tenant leads the indexes the nation-scoped queries and the fair queue use",
         {
             // NOTE: a nation-scoped lookup by id walks (tenant, id): another nation's id is then not found in the
             // index, exactly like an absent one, instead of being found by id and its row read to compare tenants.
             "CREATE UNIQUE INDEX requests_tenant_id ON requests (tenant, id)",
             "CREATE UNIQUE INDEX acquisitions_tenant_id ON acquisitions (tenant, acquisition_id)",
             "CREATE UNIQUE INDEX tokens_tenant_id ON tokens (tenant, id)",
             "CREATE INDEX requests_tenant_status_seq ON requests (tenant, status, seq)",
             "CREATE INDEX requests_status_tenant ON requests (status, tenant)",
             "CREATE INDEX acquisitions_tenant_request ON acquisitions (tenant, request_id)",
             "CREATE INDEX tokens_tenant ON tokens (tenant, created_utc)",
             "CREATE INDEX audit_tenant_seq ON audit (tenant, seq)",
         }},
        {4,
         "requests that a stricter request parser no longer reads are moved aside whole (row, history, acquisitions)",
         {
             R"(CREATE TABLE requests_quarantine (
                  seq {serial},
                  id TEXT NOT NULL,
                  tenant TEXT NOT NULL,
                  status TEXT NOT NULL,
                  body TEXT NOT NULL,
                  error TEXT NOT NULL,
                  field TEXT NOT NULL,
                  record TEXT NOT NULL,
                  quarantined_utc TEXT NOT NULL))",
             // not unique: a request submitted again under the same id may be quarantined again one day
             "CREATE INDEX requests_quarantine_tenant_id ON requests_quarantine (tenant, id, seq)",
             R"(CREATE TABLE store_meta (
                  meta_key TEXT PRIMARY KEY,
                  meta_value TEXT NOT NULL))",
         }},
        {5,
         "webhooks per nation with their delivery cursor (the events are the request_events rows) and delivery log",
         {
             R"(CREATE TABLE webhooks (
                  id TEXT PRIMARY KEY,
                  tenant TEXT NOT NULL,
                  url TEXT NOT NULL,
                  secret TEXT NOT NULL,
                  description TEXT NOT NULL DEFAULT '',
                  created_utc TEXT NOT NULL,
                  created_by TEXT NOT NULL,
                  disabled_utc TEXT,
                  cursor_seq {int} NOT NULL,
                  failures {int} NOT NULL DEFAULT 0,
                  next_attempt_utc TEXT))",
             "CREATE UNIQUE INDEX webhooks_tenant_id ON webhooks (tenant, id)",
             R"(CREATE TABLE webhook_deliveries (
                  seq {serial},
                  webhook_id TEXT NOT NULL,
                  tenant TEXT NOT NULL,
                  event_seq {int} NOT NULL,
                  attempt {int} NOT NULL,
                  time_utc TEXT NOT NULL,
                  status_code {int} NOT NULL,
                  error TEXT NOT NULL,
                  delivered {int} NOT NULL,
                  duration_ms {int} NOT NULL))",
             "CREATE INDEX webhook_deliveries_tenant_hook ON webhook_deliveries (tenant, webhook_id, seq)",
         }},
    };
    return list;
}

std::string substitute(std::string sql, Dialect d)
{
    auto replace_all = [&](const std::string &from, const std::string &to) {
        for (std::size_t pos = 0; (pos = sql.find(from, pos)) != std::string::npos; pos += to.size()) {
            sql.replace(pos, from.size(), to);
        }
    };
    replace_all("{serial}", d == Dialect::sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                 : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace_all("{int}", d == Dialect::sqlite ? "INTEGER" : "BIGINT");
    return sql;
}

const char *begin_sql(Dialect d)
{
    return d == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
}

} // namespace

std::string now_iso()
{
    const double unix_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const double days = std::floor(unix_s / 86400.0);
    return time::Instant::from_utc_jd(2440587.5 + days, (unix_s - days * 86400.0) / 86400.0).to_iso8601_utc(6);
}

int latest_schema_version() noexcept
{
    return migrations().back().version;
}

int schema_version(Connection &c)
{
    const auto rows = c.query("SELECT MAX(version) FROM schema_migrations", {});
    return rows.empty() || !rows[0][0] ? 0 : static_cast<int>(to_int(rows[0][0]));
}

void migrate(Connection &c, int target)
{
    const int latest = latest_schema_version();
    if (target < 0) {
        target = latest;
    }
    c.exec(R"(CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_utc TEXT NOT NULL))");
    const int have = schema_version(c);
    if (have > latest) {
        throw Error(ErrorCode::unsupported,
                    fmt::format("the database has schema version {}, newer than this build's {}: use a newer vantage",
                                have, latest),
                    ErrorContext{"", 0, "schema_version", std::to_string(have)});
    }
    for (const auto &m : migrations()) {
        if (m.version <= have || m.version > target) {
            continue;
        }
        c.exec(begin_sql(c.dialect()));
        try {
            if (c.dialect() == Dialect::postgresql) {
                c.exec("LOCK TABLE schema_migrations IN EXCLUSIVE MODE"); // one migrating process at a time
            }
            // Another process may have migrated between our read and our lock.
            const auto rows = c.query("SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
                                      {Param{std::int64_t{m.version}}});
            if (to_int(rows.at(0).at(0)) == 0) {
                for (const char *stmt : m.statements) {
                    c.exec(substitute(stmt, c.dialect()));
                }
                c.execute("INSERT INTO schema_migrations (version, name, applied_utc) VALUES (?, ?, ?)",
                          {Param{std::int64_t{m.version}}, Param{std::string(m.name)}, Param{now_iso()}});
            }
            c.exec("COMMIT");
        } catch (...) {
            rollback_quietly(c);
            throw;
        }
    }
}

} // namespace vantage::store::detail
