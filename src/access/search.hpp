#pragma once
// Private to the access module: all windows of one satellite against a site set.

#include <cstddef>
#include <memory>
#include <vector>

#include "site_set.hpp"
#include "vantage/access/access.hpp"

namespace vantage::access::detail {

struct PairResult {
    std::size_t site; // input index
    Window window;
};

/// Per-thread working memory of the node path (per-site state arrays), reused across satellites.
struct Scratch;
struct ScratchDeleter {
    void operator()(Scratch *s) const;
};
using ScratchPtr = std::unique_ptr<Scratch, ScratchDeleter>;
ScratchPtr make_scratch();

/// All windows of one satellite against all sites of `set`.
/// @param target_spec the satellite's sensor (targets) or nullptr (stations: the set's per-site specs)
/// @param rot TEME -> ITRF over [0, span_s], shared by all satellites
/// @param sun the Sun over the interval; may be nullptr when no spec uses the Sun and attributes are off
std::vector<PairResult> search_satellite(const orbits::Sgp4Propagator &prop, const SiteSet &set, const Spec *target_spec,
                                         const time::Instant &start, double span_s, const frames::EarthOrientation &eop,
                                         const TemeToItrf &rot, const geometry::detail::SunTable *sun,
                                         const SearchOptions &opt, Scratch &scratch);

} // namespace vantage::access::detail
