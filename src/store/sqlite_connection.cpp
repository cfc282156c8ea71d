// SQLite connections for the store: WAL journal so readers never block the writer, synchronous=FULL on the
// writer so that COMMIT returns only once the WAL is on disk (fsync), prepared statements cached per SQL text.
#include <sqlite3.h>

#include <fmt/format.h>
#include <unordered_map>

#include "sql.hpp"
#include "unique_violation.hpp"
#include "vantage/core/error.hpp"

namespace vantage::store::detail {

namespace {

class SqliteConnection final : public Connection {
public:
    SqliteConnection(const std::string &path, bool writer, int busy_timeout_ms)
    {
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
            const std::string msg = m_db ? sqlite3_errmsg(m_db) : "out of memory";
            sqlite3_close(m_db);
            m_db = nullptr;
            throw Error(ErrorCode::storage, fmt::format("cannot open SQLite database: {}", msg),
                        ErrorContext{path, 0, "", ""});
        }
        sqlite3_extended_result_codes(m_db, 1);
        sqlite3_busy_timeout(m_db, busy_timeout_ms);
        exec("PRAGMA foreign_keys = ON");
        if (writer) {
            // NOTE: journal_mode is persistent in the file; synchronous is per connection. In WAL mode FULL
            // syncs the WAL at every commit (NORMAL would only sync at checkpoints: not durable on power loss).
            auto rows = query("PRAGMA journal_mode = WAL", {});
            if (rows.empty() || !rows[0][0] || *rows[0][0] != "wal") {
                fail_storage("enable WAL", rows.empty() || !rows[0][0] ? "no answer" : *rows[0][0]);
            }
            exec("PRAGMA synchronous = FULL");
        } else {
            exec("PRAGMA query_only = ON");
        }
        m_path = path;
    }
    ~SqliteConnection() override
    {
        for (auto &[sql, stmt] : m_cache) {
            sqlite3_finalize(stmt);
        }
        sqlite3_close(m_db);
    }

    void exec(const std::string &sql) override
    {
        char *err = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            const std::string msg = err ? err : sqlite3_errmsg(m_db);
            sqlite3_free(err);
            raise(sql, msg);
        }
    }

    std::vector<Row> query(const std::string &sql, std::span<const Param> params) override
    {
        sqlite3_stmt *stmt = prepare(sql, params);
        std::vector<Row> rows;
        const int ncol = sqlite3_column_count(stmt);
        int rc = 0;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            Row row(static_cast<std::size_t>(ncol));
            for (int i = 0; i < ncol; ++i) {
                if (sqlite3_column_type(stmt, i) != SQLITE_NULL) {
                    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, i));
                    row[static_cast<std::size_t>(i)] =
                        std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
                }
            }
            rows.push_back(std::move(row));
        }
        finish(stmt, rc, sql);
        return rows;
    }

    std::int64_t execute(const std::string &sql, std::span<const Param> params) override
    {
        sqlite3_stmt *stmt = prepare(sql, params);
        int rc = 0;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        finish(stmt, rc, sql);
        return sqlite3_changes64(m_db);
    }

    Dialect dialect() const noexcept override { return Dialect::sqlite; }

private:
    sqlite3_stmt *prepare(const std::string &sql, std::span<const Param> params)
    {
        sqlite3_stmt *stmt = nullptr;
        if (auto it = m_cache.find(sql); it != m_cache.end()) {
            stmt = it->second;
        } else {
            if (sqlite3_prepare_v3(m_db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                   nullptr)
                != SQLITE_OK) {
                raise(sql, sqlite3_errmsg(m_db));
            }
            m_cache.emplace(sql, stmt);
        }
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int idx = static_cast<int>(i) + 1;
            int rc = SQLITE_OK;
            if (const auto *v = std::get_if<std::int64_t>(&params[i])) {
                rc = sqlite3_bind_int64(stmt, idx, *v);
            } else if (const auto *s = std::get_if<std::string>(&params[i])) {
                rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
            } else {
                rc = sqlite3_bind_null(stmt, idx);
            }
            if (rc != SQLITE_OK) {
                sqlite3_reset(stmt);
                sqlite3_clear_bindings(stmt);
                raise(sql, sqlite3_errmsg(m_db));
            }
        }
        return stmt;
    }

    void finish(sqlite3_stmt *stmt, int rc, const std::string &sql)
    {
        if (rc != SQLITE_DONE) {
            const std::string msg = sqlite3_errmsg(m_db);
            const int ext = sqlite3_extended_errcode(m_db);
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE) {
                throw UniqueViolation(msg);
            }
            raise(sql, msg);
        }
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }

    [[noreturn]] void raise(const std::string &sql, const std::string &msg) const
    {
        throw Error(ErrorCode::storage, fmt::format("SQLite: {}", msg), ErrorContext{m_path, 0, "", sql.substr(0, 60)});
    }

    sqlite3 *m_db = nullptr;
    std::string m_path;
    std::unordered_map<std::string, sqlite3_stmt *> m_cache;
};

class SqliteFactory final : public ConnectionFactory {
public:
    SqliteFactory(std::string path, int busy_timeout_ms) : m_path(std::move(path)), m_busy_ms(busy_timeout_ms) {}
    std::unique_ptr<Connection> connect(bool writer) override
    {
        return std::make_unique<SqliteConnection>(m_path, writer, m_busy_ms);
    }
    Dialect dialect() const noexcept override { return Dialect::sqlite; }

private:
    std::string m_path;
    int m_busy_ms;
};

} // namespace

std::unique_ptr<ConnectionFactory> sqlite_factory(const std::string &path, int busy_timeout_ms)
{
    if (sqlite3_threadsafe() == 0) {
        fail_storage("open", "this SQLite library was built without thread support");
    }
    return std::make_unique<SqliteFactory>(path, busy_timeout_ms);
}

} // namespace vantage::store::detail
