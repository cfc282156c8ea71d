// The store suite on PostgreSQL: one schema per test in the database that the libpq environment names
// (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE: pg_virtualenv sets them; run_postgres_suite.sh starts it).
// Without a reachable server every test fails: this executable is only run where a server is started for it.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "store_suite.hpp"

namespace {

std::string schema_of(std::string name)
{
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    });
    return "vt_" + name.substr(0, 50);
}

std::string base_url()
{
    const char *url = std::getenv("VANTAGE_TEST_PG_URL");
    return url && *url ? url : "postgresql:///";
}

std::string url_with_schema(const std::string &schema)
{
    const std::string base = base_url();
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

} // namespace

std::string test_store_url(const std::string &name, bool fresh)
{
    const std::string schema = schema_of(name);
    auto admin = vantage::store::detail::postgresql_factory(base_url())->connect(true);
    if (fresh) {
        admin->exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    admin->exec("CREATE SCHEMA IF NOT EXISTS " + schema);
    return url_with_schema(schema);
}

std::unique_ptr<vantage::store::detail::Connection> test_connection(const std::string &name)
{
    return vantage::store::detail::postgresql_factory(url_with_schema(schema_of(name)))->connect(true);
}

void drop_test_store(const std::string &name)
{
    auto admin = vantage::store::detail::postgresql_factory(base_url())->connect(true);
    admin->exec("DROP SCHEMA IF EXISTS " + schema_of(name) + " CASCADE");
}
