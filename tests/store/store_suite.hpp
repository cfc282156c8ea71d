#pragma once
// What each backend's test executable provides to the shared store suite (store_suite.cpp).
#include <memory>
#include <string>

#include "sql.hpp"

/// A store URL private to test `name`; `fresh` removes what an earlier run left.
std::string test_store_url(const std::string &name, bool fresh);
/// A raw writer connection to that store (for migration tests).
std::unique_ptr<vantage::store::detail::Connection> test_connection(const std::string &name);
/// Removes the test's database.
void drop_test_store(const std::string &name);
