#pragma once
// One reader of the request model for both syntaxes (private header): JSON bodies call it directly, the YAML
// scenario reader converts each `requests:` item with yaml_to_json and passes the item's line and key path.

#include <nlohmann/json.hpp>

#include "json_util.hpp"
#include "vantage/io/request_json.hpp"
#include "vantage/mission/request.hpp"

namespace vantage::io::detail {

/// One request object at `at` (errors carry at.source, at.line and at.path + the key path inside).
mission::Request request_from_json(const nlohmann::json &value, const JsonWhere &at, const RequestDefaults &defaults = {});

/// The request as a JSON value (the keys of request_to_json).
nlohmann::json request_to_json_value(const mission::Request &request);

} // namespace vantage::io::detail
