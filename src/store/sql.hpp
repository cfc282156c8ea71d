#pragma once
// The small SQL layer under the store: one Connection interface implemented for SQLite and libpq, so the
// store's queries are written once. Statements use `?` placeholders (translated to $1.. for PostgreSQL)
// and values travel as text, integers or NULL.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vantage::store::detail {

enum class Dialect { sqlite, postgresql };

/// A statement parameter.
using Param = std::variant<std::nullptr_t, std::int64_t, std::string>;

/// One result row: each column as text, or nullopt for NULL.
using Row = std::vector<std::optional<std::string>>;

/// One database connection (not thread-safe; the store gives each to one thread at a time).
class Connection {
public:
    virtual ~Connection() = default;
    /// Runs statements without parameters or results (DDL, BEGIN, COMMIT, SAVEPOINT ...).
    virtual void exec(const std::string &sql) = 0;
    /// Runs one statement and returns its rows (RETURNING included).
    virtual std::vector<Row> query(const std::string &sql, std::span<const Param> params) = 0;
    /// Runs one statement and returns the number of rows it changed.
    virtual std::int64_t execute(const std::string &sql, std::span<const Param> params) = 0;
    virtual Dialect dialect() const noexcept = 0;

    std::vector<Row> query(const std::string &sql, std::initializer_list<Param> params)
    {
        return query(sql, std::span<const Param>(params.begin(), params.size()));
    }
    std::int64_t execute(const std::string &sql, std::initializer_list<Param> params)
    {
        return execute(sql, std::span<const Param>(params.begin(), params.size()));
    }
};

/// Opens a connection of the backend's kind. `writer` connections get the durability settings.
class ConnectionFactory {
public:
    virtual ~ConnectionFactory() = default;
    virtual std::unique_ptr<Connection> connect(bool writer) = 0;
    virtual Dialect dialect() const noexcept = 0;
};

/// SQLite file (WAL, synchronous=FULL on writers, foreign keys, busy timeout).
std::unique_ptr<ConnectionFactory> sqlite_factory(const std::string &path, int busy_timeout_ms);
/// PostgreSQL through libpq (any conninfo string or URL).
std::unique_ptr<ConnectionFactory> postgresql_factory(const std::string &conninfo);

/// ROLLBACK, ignoring a failure (the transaction may already be gone with a broken connection).
inline void rollback_quietly(Connection &c) noexcept
{
    try {
        c.exec("ROLLBACK");
    } catch (...) {
    }
}

/// Throws Error(storage) naming the operation.
[[noreturn]] void fail_storage(std::string_view what, std::string_view detail);

/// Integer from a text column (throws Error(storage) if it is not one).
std::int64_t to_int(const std::optional<std::string> &col);

/// Applies the schema migrations above the database's version, up to `target` (all by default).
/// Each migration runs in its own transaction and records itself in `schema_migrations`.
/// @throws Error(unsupported) if the database is at a version above every migration this build knows
void migrate(Connection &c, int target = -1);
/// The database's schema version (0 for an empty database).
int schema_version(Connection &c);
/// The highest migration this build knows.
int latest_schema_version() noexcept;
/// The system clock's time, ISO 8601 UTC with 6 decimals (as the store writes instants).
std::string now_iso();
/// Moves stored requests that the request parser no longer reads into `requests_quarantine` (store.cpp).
void revalidate_requests(Connection &c);

} // namespace vantage::store::detail
