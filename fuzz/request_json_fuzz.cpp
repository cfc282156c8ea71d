// libFuzzer target: parse_request_json, the parser of every POST /api/v1/requests and /feasibility body.
// Any exception other than vantage::Error escaping the parser is a bug (the service would answer 500), and so
// is a broken round trip: every accepted request written back with request_to_json must read back equal, with
// the error of a refused one naming its source.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vantage/core/error.hpp"
#include "vantage/io/request_json.hpp"

namespace {

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace vantage;
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    mission::Request r;
    try {
        r = io::parse_request_json(text, "fuzz", io::RequestDefaults{"FR-fuzz", "FR"});
    } catch (const vantage::Error &e) {
        check(e.context().source == "fuzz" || e.context().source.empty());
        check(std::string(e.what()).size() > 0);
        return 0;
    }
    const std::string written = io::request_to_json(r);
    mission::Request back;
    try {
        back = io::parse_request_json(written, "fuzz-roundtrip");
    } catch (const vantage::Error &) {
        std::abort(); // what we write must read back
    }
    // Times are written to the microsecond: compare the text forms, which carry the same rounding.
    check(io::request_to_json(back) == written);
    return 0;
}
