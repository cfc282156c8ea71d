// PostgreSQL connections for the store through libpq: the store's `?` placeholders become $1, $2 ..., values
// travel as text (the server infers the types from the columns), synchronous_commit is on for the writer so
// COMMIT returns once the WAL is flushed.
#include <libpq-fe.h>

#include <fmt/format.h>

#include "sql.hpp"
#include "unique_violation.hpp"
#include "vantage/core/error.hpp"

namespace vantage::store::detail {

namespace {

/// `?` → `$n` (the store's SQL never has a `?` inside a string literal).
std::string to_pg_placeholders(const std::string &sql)
{
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    for (char ch : sql) {
        if (ch == '?') {
            out += fmt::format("${}", ++n);
        } else {
            out += ch;
        }
    }
    return out;
}

struct ResultDeleter {
    void operator()(PGresult *r) const noexcept { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection final : public Connection {
public:
    PgConnection(const std::string &conninfo, bool writer)
    {
        m_conn = PQconnectdb(conninfo.c_str());
        if (m_conn == nullptr || PQstatus(m_conn) != CONNECTION_OK) {
            const std::string msg = m_conn ? PQerrorMessage(m_conn) : "out of memory";
            PQfinish(m_conn);
            m_conn = nullptr;
            throw Error(ErrorCode::storage, fmt::format("cannot connect to PostgreSQL: {}", trim(msg)),
                        ErrorContext{redact(conninfo), 0, "", ""});
        }
        exec("SET client_min_messages = warning");
        exec("SET TIME ZONE 'UTC'");
        if (writer) {
            exec("SET synchronous_commit = on");
        }
    }
    ~PgConnection() override { PQfinish(m_conn); }

    void exec(const std::string &sql) override
    {
        Result r(PQexec(m_conn, sql.c_str()));
        check(r.get(), sql);
    }

    std::vector<Row> query(const std::string &sql, std::span<const Param> params) override
    {
        Result r = run(sql, params);
        std::vector<Row> rows;
        const int nrow = PQntuples(r.get());
        const int ncol = PQnfields(r.get());
        rows.reserve(static_cast<std::size_t>(nrow));
        for (int i = 0; i < nrow; ++i) {
            Row row(static_cast<std::size_t>(ncol));
            for (int j = 0; j < ncol; ++j) {
                if (!PQgetisnull(r.get(), i, j)) {
                    row[static_cast<std::size_t>(j)] = std::string(PQgetvalue(r.get(), i, j),
                                                                   static_cast<std::size_t>(PQgetlength(r.get(), i, j)));
                }
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    std::int64_t execute(const std::string &sql, std::span<const Param> params) override
    {
        Result r = run(sql, params);
        const char *n = PQcmdTuples(r.get());
        return (n && *n) ? std::stoll(n) : 0;
    }

    Dialect dialect() const noexcept override { return Dialect::postgresql; }

private:
    Result run(const std::string &sql, std::span<const Param> params)
    {
        std::vector<std::string> text(params.size());
        std::vector<const char *> values(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (const auto *v = std::get_if<std::int64_t>(&params[i])) {
                text[i] = std::to_string(*v);
                values[i] = text[i].c_str();
            } else if (const auto *s = std::get_if<std::string>(&params[i])) {
                values[i] = s->c_str();
            }
        }
        const std::string pg = to_pg_placeholders(sql);
        Result r(PQexecParams(m_conn, pg.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                              nullptr, 0));
        check(r.get(), sql);
        return r;
    }

    void check(PGresult *r, const std::string &sql)
    {
        const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            return;
        }
        const std::string msg = trim(r ? PQresultErrorMessage(r) : PQerrorMessage(m_conn));
        const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        if (state && std::string_view(state) == "23505") { // unique_violation
            throw UniqueViolation(msg);
        }
        throw Error(ErrorCode::storage, fmt::format("PostgreSQL: {}", msg), ErrorContext{"", 0, "", sql.substr(0, 60)});
    }

    static std::string trim(std::string s)
    {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
            s.pop_back();
        }
        return s;
    }

    /// The conninfo without its password, for messages.
    static std::string redact(const std::string &conninfo)
    {
        const auto at = conninfo.find('@');
        const auto scheme = conninfo.find("://");
        if (at != std::string::npos && scheme != std::string::npos && at > scheme) {
            const auto colon = conninfo.find(':', scheme + 3);
            if (colon != std::string::npos && colon < at) {
                return conninfo.substr(0, colon + 1) + "***" + conninfo.substr(at);
            }
        }
        return conninfo.find("password") != std::string::npos ? std::string("<conninfo with password>") : conninfo;
    }

    PGconn *m_conn = nullptr;
};

class PgFactory final : public ConnectionFactory {
public:
    explicit PgFactory(std::string conninfo) : m_conninfo(std::move(conninfo)) {}
    std::unique_ptr<Connection> connect(bool writer) override { return std::make_unique<PgConnection>(m_conninfo, writer); }
    Dialect dialect() const noexcept override { return Dialect::postgresql; }

private:
    std::string m_conninfo;
};

} // namespace

std::unique_ptr<ConnectionFactory> postgresql_factory(const std::string &conninfo)
{
    return std::make_unique<PgFactory>(conninfo);
}

} // namespace vantage::store::detail
