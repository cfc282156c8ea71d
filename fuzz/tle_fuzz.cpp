// libFuzzer target: parse_tle_text with the default and the verification options.
// Any exception other than vantage::Error escaping the parser is a bug (libFuzzer reports it as a
// crash), and so is a broken invariant:
//  - every accepted record formats to a TLE that reads back (or format_tle throws vantage::Error
//    because a value is not representable), and formatting is idempotent;
//  - diagnostics always name a source and render with to_string().
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vantage/io/tle.hpp"

namespace {

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

void run(std::string_view text, const vantage::io::TleReadOptions &opts)
{
    using namespace vantage;
    ParseResult<io::ElementRecord> r;
    try {
        r = io::parse_tle_text(text, "fuzz", opts);
    } catch (const vantage::Error &) {
        return;
    }
    for (const auto &d : r.rejected) {
        check(d.severity == Severity::error && d.context.source == "fuzz" && !d.to_string().empty());
    }
    for (const auto &rec : r.items) {
        check(rec.line >= 1);
        std::array<std::string, 2> once;
        try {
            once = io::format_tle(rec.elements);
        } catch (const vantage::Error &) {
            continue; // not representable in TLE columns (documented)
        }
        const auto back = io::parse_tle(once[0], once[1]); // must not throw: format_tle checks this
        const auto twice = io::format_tle(back);
        check(once == twice);
        check(back.norad_id == rec.elements.norad_id);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    run(text, vantage::io::TleReadOptions{});
    run(text, vantage::io::TleReadOptions::vallado_verification());
    return 0;
}
