#pragma once
/// @file
/// Strict checking of JSON text, the rules every JSON body of the service follows (request bodies are read by
/// io/request_json.hpp, which applies them too): RFC 8259 syntax, no key given twice in one object (no "last
/// wins"), no number beyond double range (`1e999`), nesting limited.

#include <string>
#include <string_view>

namespace vantage::io {

/// Checks that `text` is one JSON value under the rules above.
/// @param source_name name used in error contexts ("the body", a file path)
/// @param max_depth deepest nesting of objects and arrays accepted
/// @throws ParseError(syntax | invalid_number) whose context field is the key path of the value at fault
///         (`horizon_h`, `features[1].id`) when the error is inside one value or is a key given twice, and empty
///         for errors of the text's structure (a missing comma, truncation, nesting) — with the line.
void check_json_text(std::string_view text, const std::string &source_name, int max_depth = 64);

} // namespace vantage::io
