// The store suite on SQLite: one database file per test in the test's working directory.
#include <filesystem>

#include "store_suite.hpp"

namespace {
std::filesystem::path path_of(const std::string &name)
{
    return std::filesystem::current_path() / ("store_test_" + name + ".db");
}
} // namespace

std::string test_store_url(const std::string &name, bool fresh)
{
    if (fresh) {
        drop_test_store(name);
    }
    return "sqlite:" + path_of(name).string();
}

std::unique_ptr<vantage::store::detail::Connection> test_connection(const std::string &name)
{
    return vantage::store::detail::sqlite_factory(path_of(name).string(), 1000)->connect(true);
}

void drop_test_store(const std::string &name)
{
    for (const char *suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path_of(name).string() + suffix);
    }
}
