#pragma once
/// @file
/// Observation requests as JSON (the body of `POST /api/v1/requests`, requests files, the store): the keys of
/// docs/design/tasking-model.md / docs/formats.md § Requests, parsed into `mission::Request` and written back.
///
/// Errors are `ParseError(syntax)` for text that is not JSON (with its line) and `ConfigError` for JSON that is
/// not a valid request, whose context field is the key path (`window_end_utc`, `aoi.coordinates[0][3]`,
/// `repeat.count`): unknown_key, missing_field, syntax (wrong JSON type), invalid_number, out_of_range,
/// invalid_time, unsupported — the codes `mission::validate_request` uses for the model's own rules.

#include <string>
#include <string_view>

#include "vantage/mission/request.hpp"

namespace vantage::io {

/// Defaults for keys a JSON body may leave out (the service fills the tenant from the token and may assign the
/// id); a key absent with an empty default is a missing_field error.
struct RequestDefaults {
    std::string id;
    std::string tenant;
};

/// Parses and validates one request object.
/// @param text JSON text of one object
/// @param source_name name used in error contexts ("request body", a file path)
mission::Request parse_request_json(std::string_view text, const std::string &source_name,
                                    const RequestDefaults &defaults = {});

/// The request as a JSON object with the same keys (times ISO 8601 UTC with 6 decimals and `Z`, numbers in
/// shortest round-trip form, optional keys only when set); parse_request_json(request_to_json(r)) == r for
/// instants representable to the microsecond.
std::string request_to_json(const mission::Request &request);

} // namespace vantage::io
