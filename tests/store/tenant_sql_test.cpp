// Structural test of nation isolation in the store (issue 14, item 6): every SQL statement in src/store that
// reads, changes or deletes rows of a table a nation owns must carry the nation in its WHERE clause
// (`tenant = ?`), so that a lookup on behalf of one nation never even reads another nation's row (no timing side
// channel, no forgotten check after the read). The coalition-wide statements (used for coalition operators and
// admins, the feasibility worker, the planner and authentication) are tagged in the SQL itself with
// `/* coalition-wide: NAME */` and NAME must be on the allow-list below, which says why each one is
// coalition-wide (docs/architecture/store.md § Nation isolation lists the same).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// Tables whose rows belong to one nation. request_events has no tenant column: its statements must restrict
/// request_id to a nation's requests (a subquery with `tenant = ?`).
const std::set<std::string> tenant_owned = {"requests", "request_events", "acquisitions", "tokens", "audit",
                                            "requests_quarantine", "webhooks", "webhook_deliveries"};

/// The coalition-wide statements, by tag, and why.
const std::map<std::string, std::string> allowed = {
    {"request-by-id", "a coalition caller (operator, admin) reads any nation's request by its full id"},
    {"request-status", "the worker, the planner and coalition callers move a request they already hold"},
    {"list-requests", "coalition listings, the planner's input and the worker's queue span every nation"},
    {"count-requests", "coalition-wide status counts (operators)"},
    {"queue-tenants", "the round robin of the feasibility queue needs the nations that have SUBMITTED requests"},
    {"acquisition-by-id", "outcomes are reported by coalition operators on any nation's acquisition"},
    {"list-acquisitions", "the planner, the simulation ticker and coalition views span every nation"},
    {"plan-supersede", "a new coalition plan supersedes the planned acquisitions of earlier plans, every nation's"},
    {"plan-superseded", "the requests of every nation whose acquisitions a new plan superseded"},
    {"token-by-id", "authentication finds a presented token by its id before any nation is known"},
    {"list-tokens", "a coalition admin lists every token"},
    {"revoke-token", "a coalition admin revokes any token"},
    {"list-audit", "a coalition admin reads the whole audit log"},
    {"revalidate-requests", "opening the store revalidates every nation's stored requests against the parser once"},
    {"quarantine-by-id", "a coalition caller reads any nation's quarantined request by its full id"},
    {"list-events", "a coalition caller's event stream spans every nation"},
    {"last-event", "a new webhook starts after the store's latest event, whichever nation's (a count, no row read)"},
    {"webhook-by-id", "a coalition admin reads any nation's webhook by id"},
    {"list-webhooks", "the delivery worker serves every nation's webhooks; a coalition admin lists them"},
    {"disable-webhook", "a coalition admin disables any nation's webhook"},
    {"list-deliveries", "a coalition admin reads any webhook's delivery log"},
};

struct Statement {
    std::string file;
    int line = 0;
    std::string sql;
};

/// The string literals of a C++ source, adjacent literals joined (raw strings included); comments skipped.
std::vector<Statement> literals(const fs::path &path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string src = ss.str();
    std::vector<Statement> out;
    std::size_t i = 0;
    int line = 1;
    bool joining = false; // the last token was a literal: the next literal continues it
    auto count_lines = [&](std::size_t from, std::size_t to) {
        for (std::size_t k = from; k < to && k < src.size(); ++k) {
            line += src[k] == '\n';
        }
    };
    while (i < src.size()) {
        const char c = src[i];
        if (c == '/' && i + 1 < src.size() && src[i + 1] == '/') {
            const std::size_t e = src.find('\n', i);
            i = e == std::string::npos ? src.size() : e;
            continue;
        }
        if (c == '/' && i + 1 < src.size() && src[i + 1] == '*') {
            const std::size_t e = src.find("*/", i + 2);
            const std::size_t to = e == std::string::npos ? src.size() : e + 2;
            count_lines(i, to);
            i = to;
            continue;
        }
        if (c == '\'') { // a character literal
            std::size_t k = i + 1;
            while (k < src.size() && src[k] != '\'') {
                k += src[k] == '\\' ? 2 : 1;
            }
            i = k + 1;
            joining = false;
            continue;
        }
        if (c == 'R' && i + 1 < src.size() && src[i + 1] == '"') {
            const std::size_t open = src.find('(', i + 2);
            if (open == std::string::npos) {
                break;
            }
            std::string delim(1, ')');
            delim.append(src, i + 2, open - (i + 2));
            delim.push_back('"');
            const std::size_t close = src.find(delim, open);
            const std::string text = src.substr(open + 1, close - open - 1);
            if (joining) {
                out.back().sql += text;
            } else {
                out.push_back({path.filename().string(), line, text});
            }
            count_lines(i, close + delim.size());
            i = close + delim.size();
            joining = true;
            continue;
        }
        if (c == '"') {
            std::string text;
            std::size_t k = i + 1;
            while (k < src.size() && src[k] != '"') {
                if (src[k] == '\\' && k + 1 < src.size()) {
                    text += src[k + 1];
                    k += 2;
                } else {
                    text += src[k++];
                }
            }
            if (joining) {
                out.back().sql += text;
            } else {
                out.push_back({path.filename().string(), line, text});
            }
            i = k + 1;
            joining = true;
            continue;
        }
        if (c == '\n') {
            ++line;
        }
        if (!std::isspace(static_cast<unsigned char>(c))) {
            joining = false;
        }
        ++i;
    }
    return out;
}

/// The tables a statement reads or changes (after FROM, JOIN, UPDATE, DELETE FROM).
std::set<std::string> tables_of(const std::string &sql)
{
    static const std::regex re(R"(\b(?:FROM|JOIN|UPDATE)\s+(?:/\*[^*]*\*/\s*)?([a-z_]+))", std::regex::icase);
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(sql.begin(), sql.end(), re); it != std::sregex_iterator(); ++it) {
        out.insert((*it)[1].str());
    }
    return out;
}

std::vector<Statement> store_statements()
{
    std::vector<Statement> out;
    for (const auto &e : fs::directory_iterator(fs::path(VANTAGE_SOURCE_DIR) / "src" / "store")) {
        if (e.path().extension() != ".cpp") {
            continue;
        }
        for (auto &s : literals(e.path())) {
            static const std::regex verb(R"(^\s*(SELECT|UPDATE|DELETE|WITH)\b)", std::regex::icase);
            if (std::regex_search(s.sql, verb)) {
                out.push_back(std::move(s));
            }
        }
    }
    return out;
}

TEST(StoreTenantIsolationProperty, EveryStatementOnANationsTableCarriesTheNationOrIsAllowListed)
{
    const auto statements = store_statements();
    ASSERT_GT(statements.size(), 20u) << "the scanner found too few statements: is it reading src/store?";
    static const std::regex tenant_cond(R"(\btenant\s*=\s*\?)", std::regex::icase);
    static const std::regex tag(R"(/\*\s*coalition-wide:\s*([a-z-]+)\s*\*/)");
    std::set<std::string> used;
    int owned = 0;
    int scoped = 0;
    for (const auto &s : statements) {
        const auto tables = tables_of(s.sql);
        const bool touches = std::any_of(tables.begin(), tables.end(), [](const std::string &t) { return tenant_owned.count(t) > 0; });
        if (!touches) {
            continue;
        }
        ++owned;
        std::smatch m;
        if (std::regex_search(s.sql, m, tag)) {
            EXPECT_TRUE(allowed.count(m[1].str())) << s.file << ":" << s.line << ": coalition-wide tag '" << m[1]
                                                   << "' is not on the allow-list: " << s.sql;
            used.insert(m[1].str());
            continue;
        }
        EXPECT_TRUE(std::regex_search(s.sql, tenant_cond))
            << s.file << ":" << s.line << ": a statement on a nation's table without `tenant = ?` in its WHERE clause "
            << "(add the nation, or tag it /* coalition-wide: NAME */ and allow-list NAME here): " << s.sql;
        ++scoped;
    }
    for (const auto &[name, why] : allowed) {
        EXPECT_TRUE(used.count(name)) << "allow-list entry '" << name << "' (" << why << ") is used by no statement: remove it";
    }
    std::cout << "[ isolation ] " << statements.size() << " statements scanned, " << owned << " on nations' tables: "
              << scoped << " carry the nation, " << owned - scoped << " coalition-wide (" << used.size()
              << " allow-listed tags)\n";
}

TEST(StoreTenantIsolationProperty, TheScannerCatchesAStatementWithoutTheNation)
{
    // The scanner itself, on statements written here.
    EXPECT_EQ(tables_of("SELECT a FROM requests WHERE id = ?"), (std::set<std::string>{"requests"}));
    EXPECT_EQ(tables_of("SELECT a FROM requests /* coalition-wide: x */ WHERE id = ?"), (std::set<std::string>{"requests"}));
    EXPECT_EQ(tables_of("UPDATE tokens SET x = 1"), (std::set<std::string>{"tokens"}));
    EXPECT_EQ(tables_of("SELECT a FROM request_events WHERE request_id IN (SELECT id FROM requests WHERE tenant = ?)"),
              (std::set<std::string>{"request_events", "requests"}));
    const fs::path tmp = fs::temp_directory_path() / "vantage_tenant_sql_scan.cpp";
    std::ofstream(tmp) << "auto q = c.query(\"SELECT a \"\n   \"FROM acquisitions WHERE id = ?\", {}); // \"FROM tokens\"\n"
                          "auto r = R\"(SELECT b FROM audit WHERE tenant = ?)\";\n";
    const auto found = literals(tmp);
    fs::remove(tmp);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].sql, "SELECT a FROM acquisitions WHERE id = ?");
    EXPECT_EQ(found[0].line, 1);
    EXPECT_EQ(found[1].sql, "SELECT b FROM audit WHERE tenant = ?");
}

} // namespace
