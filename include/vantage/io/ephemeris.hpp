#pragma once
/// @file
/// Streaming ephemeris writers: CSV, JSON and CCSDS OEM 2.0 (KVN), as `vantage propagate` writes them.
/// Times are UTC ISO 8601 with 6 decimals and a 'Z'; numbers are printed in the shortest form that
/// round-trips to the same double.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "vantage/time/instant.hpp"

namespace vantage::io {

enum class EphemerisFormat { csv, json, oem };
/// Output frame of a state. `geodetic` rows carry latitude/longitude (deg, WGS-84) and height (km).
enum class OutputFrame { teme, itrf, gcrf, geodetic };

std::string_view to_string(OutputFrame frame) noexcept;

/// One satellite's block of states.
struct EphemerisSegment {
    std::uint32_t norad_id = 0;
    std::string object_name;
    std::string object_id;
};

/// One state. For Cartesian frames `values` = x, y, z (km), vx, vy, vz (km/s); for geodetic
/// `values` = lat_deg, lon_deg, alt_km (the rest unused).
struct EphemerisRow {
    time::Instant t;
    double minutes_since_epoch = 0.0;
    double values[6] = {0, 0, 0, 0, 0, 0};
};

/// Writes segments one after the other. Rows of a segment are buffered until `end_segment()` (OEM
/// needs START_TIME/STOP_TIME in the metadata before the data); nothing else is held in memory.
class EphemerisWriter {
public:
    /// @throws Error(invalid_argument) for OEM with the geodetic frame (OEM carries Cartesian states).
    /// @param creation_date written as the OEM CREATION_DATE (callers pass "now", or SOURCE_DATE_EPOCH
    ///        for reproducible files)
    EphemerisWriter(std::ostream &out, EphemerisFormat format, OutputFrame frame, const time::Instant &creation_date = {});
    void begin_segment(const EphemerisSegment &segment);
    void add(const EphemerisRow &row);
    /// Writes the buffered rows. A segment without rows is written as an empty block in JSON and
    /// left out of CSV and OEM (an OEM data block must hold at least one state).
    void end_segment();
    /// Closes the document (JSON brackets). Called by the destructor if not called before.
    void finish();
    ~EphemerisWriter();

    EphemerisWriter(const EphemerisWriter &) = delete;
    EphemerisWriter &operator=(const EphemerisWriter &) = delete;

private:
    std::ostream &m_out;
    EphemerisFormat m_format;
    OutputFrame m_frame;
    time::Instant m_creation;
    EphemerisSegment m_segment;
    std::vector<EphemerisRow> m_rows;
    bool m_started = false;
    bool m_first_segment = true;
    bool m_finished = false;
};

} // namespace vantage::io
