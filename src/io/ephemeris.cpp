#include "vantage/io/ephemeris.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/core/error.hpp"

namespace vantage::io {

std::string_view to_string(OutputFrame frame) noexcept
{
    switch (frame) {
    case OutputFrame::teme: return "teme";
    case OutputFrame::itrf: return "itrf";
    case OutputFrame::gcrf: return "gcrf";
    case OutputFrame::geodetic: return "geodetic";
    }
    return "unknown";
}

namespace {

std::string json_string(const std::string &s)
{
    return nlohmann::json(s).dump();
}

// CCSDS SANA reference-frame names used in OEM REF_FRAME.
const char *oem_frame_name(OutputFrame f)
{
    switch (f) {
    case OutputFrame::teme: return "TEME";
    case OutputFrame::itrf: return "ITRF";
    case OutputFrame::gcrf: return "GCRF";
    case OutputFrame::geodetic: break;
    }
    return "";
}

} // namespace

EphemerisWriter::EphemerisWriter(std::ostream &out, EphemerisFormat format, OutputFrame frame,
                                 const time::Instant &creation_date)
    : m_out(out), m_format(format), m_frame(frame), m_creation(creation_date)
{
    if (format == EphemerisFormat::oem && frame == OutputFrame::geodetic) {
        throw Error(ErrorCode::invalid_argument, "OEM carries Cartesian states: use --frame teme, itrf or gcrf",
                    ErrorContext{"", 0, "frame", "geodetic"});
    }
}

void EphemerisWriter::begin_segment(const EphemerisSegment &segment)
{
    if (!m_started) {
        m_started = true;
        switch (m_format) {
        case EphemerisFormat::csv:
            if (m_frame == OutputFrame::geodetic) {
                m_out << "norad_id,time_utc,minutes_since_epoch,lat_deg,lon_deg,alt_km\n";
            } else {
                m_out << "norad_id,time_utc,minutes_since_epoch,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s\n";
            }
            break;
        case EphemerisFormat::json:
            m_out << "{\"frame\":\"" << to_string(m_frame) << "\",\"satellites\":[";
            break;
        case EphemerisFormat::oem:
            m_out << "CCSDS_OEM_VERS = 2.0\n";
            m_out << "CREATION_DATE = " << m_creation.to_iso8601_utc(6).substr(0, 26) << '\n';
            m_out << "ORIGINATOR = VANTAGE\n";
            break;
        }
    }
    m_segment = segment;
    m_rows.clear();
}

void EphemerisWriter::add(const EphemerisRow &row)
{
    m_rows.push_back(row);
}

void EphemerisWriter::end_segment()
{
    const bool geo = m_frame == OutputFrame::geodetic;
    switch (m_format) {
    case EphemerisFormat::csv:
        for (const auto &r : m_rows) {
            if (geo) {
                m_out << fmt::format("{},{},{},{},{},{}\n", m_segment.norad_id, r.t.to_iso8601_utc(6), r.minutes_since_epoch,
                                     r.values[0], r.values[1], r.values[2]);
            } else {
                m_out << fmt::format("{},{},{},{},{},{},{},{},{}\n", m_segment.norad_id, r.t.to_iso8601_utc(6),
                                     r.minutes_since_epoch, r.values[0], r.values[1], r.values[2], r.values[3],
                                     r.values[4], r.values[5]);
            }
        }
        break;
    case EphemerisFormat::json: {
        if (!m_first_segment) {
            m_out << ',';
        }
        m_out << fmt::format("{{\"norad_id\":{},\"object_name\":{},\"object_id\":{},\"states\":[", m_segment.norad_id,
                             json_string(m_segment.object_name), json_string(m_segment.object_id));
        bool first = true;
        for (const auto &r : m_rows) {
            m_out << (first ? "" : ",");
            first = false;
            if (geo) {
                m_out << fmt::format(
                    "{{\"time_utc\":\"{}\",\"minutes_since_epoch\":{},\"lat_deg\":{},\"lon_deg\":{},\"alt_km\":{}}}",
                    r.t.to_iso8601_utc(6), r.minutes_since_epoch, r.values[0], r.values[1], r.values[2]);
            } else {
                m_out << fmt::format("{{\"time_utc\":\"{}\",\"minutes_since_epoch\":{},\"x_km\":{},\"y_km\":{},"
                                     "\"z_km\":{},\"vx_km_s\":{},\"vy_km_s\":{},\"vz_km_s\":{}}}",
                                     r.t.to_iso8601_utc(6), r.minutes_since_epoch, r.values[0], r.values[1],
                                     r.values[2], r.values[3], r.values[4], r.values[5]);
            }
        }
        m_out << "]}";
        break;
    }
    case EphemerisFormat::oem:
        if (!m_rows.empty()) {
            // CCSDS 502.0-B-2 (OEM 2.0) KVN: one META block per satellite, then its data lines.
            m_out << "\nMETA_START\n";
            m_out << "OBJECT_NAME = " << (m_segment.object_name.empty() ? fmt::format("NORAD {}", m_segment.norad_id)
                                                                         : m_segment.object_name)
                  << '\n';
            m_out << "OBJECT_ID = "
                  << (m_segment.object_id.empty() ? fmt::format("{}", m_segment.norad_id) : m_segment.object_id) << '\n';
            m_out << "CENTER_NAME = EARTH\n";
            m_out << "REF_FRAME = " << oem_frame_name(m_frame) << '\n';
            m_out << "TIME_SYSTEM = UTC\n";
            m_out << "START_TIME = " << m_rows.front().t.to_iso8601_utc(6).substr(0, 26) << '\n';
            m_out << "STOP_TIME = " << m_rows.back().t.to_iso8601_utc(6).substr(0, 26) << '\n';
            m_out << "META_STOP\n";
            m_out << fmt::format("COMMENT NORAD catalog number {}, SGP4 (Vallado 2006), units km and km/s\n",
                                 m_segment.norad_id);
            for (const auto &r : m_rows) {
                m_out << fmt::format("{} {} {} {} {} {} {}\n", r.t.to_iso8601_utc(6).substr(0, 26), r.values[0],
                                     r.values[1], r.values[2], r.values[3], r.values[4], r.values[5]);
            }
        }
        break;
    }
    m_first_segment = false;
    m_rows.clear();
}

void EphemerisWriter::finish()
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    if (m_format == EphemerisFormat::json) {
        if (!m_started) {
            m_out << "{\"frame\":\"" << to_string(m_frame) << "\",\"satellites\":[";
        }
        m_out << "]}\n";
    } else if (m_format == EphemerisFormat::csv && !m_started) {
        begin_segment({});
    }
    m_out.flush();
}

EphemerisWriter::~EphemerisWriter()
{
    try {
        finish();
    } catch (...) { // NOTE: destructors must not throw; finish() only writes to a stream.
    }
}

} // namespace vantage::io
