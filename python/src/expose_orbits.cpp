// vantage.ElementSet (+ from_tle), vantage.propagate (batch SGP4, GIL released, NumPy out) and
// vantage._topocentric (azimuth, elevation, range from a station).
#include <cmath>
#include <limits>
#include <optional>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/look.hpp"
#include "vantage/geometry/site.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/sgp4_batch.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"
#include "vantage_python_frames.hpp"

namespace vantage::python {

namespace {

orbits::Sgp4Options sgp4_options(const std::string &gravity, const std::string &opsmode)
{
    orbits::Sgp4Options o;
    if (gravity == "wgs72") o.gravity = orbits::GravityModel::wgs72;
    else if (gravity == "wgs72old") o.gravity = orbits::GravityModel::wgs72old;
    else if (gravity == "wgs84") o.gravity = orbits::GravityModel::wgs84;
    else throw Error(ErrorCode::invalid_argument, "gravity must be 'wgs72', 'wgs72old' or 'wgs84'", ErrorContext{"", 0, "gravity", gravity});
    if (opsmode == "i") o.opsmode = orbits::OpsMode::improved;
    else if (opsmode == "a") o.opsmode = orbits::OpsMode::afspc;
    else throw Error(ErrorCode::invalid_argument, "opsmode must be 'i' or 'a'", ErrorContext{"", 0, "opsmode", opsmode});
    return o;
}

std::vector<orbits::ElementSet> to_element_list(const py::object &elements)
{
    if (py::isinstance<orbits::ElementSet>(elements)) {
        return {elements.cast<orbits::ElementSet>()};
    }
    return elements.cast<std::vector<orbits::ElementSet>>();
}

/// Propagates every set to every time into `s` (N*M*6: km, km/s in `out_frame`) and `e` (N*M SGP4 codes).
/// A state whose code is not 0 is NaN in all six components, whatever the frame. Call without the GIL.
void propagate_into(const std::vector<orbits::ElementSet> &sets, const std::vector<time::Instant> &ts,
                    FrameName out_frame, const orbits::Sgp4Options &opt, const frames::EarthOrientation &eop,
                    unsigned threads, double *s, std::int8_t *e)
{
    const std::size_t n = sets.size(), mt = ts.size();
    std::vector<orbits::Sgp4Propagator> props;
    props.reserve(n);
    for (const auto &es : sets) {
        props.emplace_back(es, opt);
    }
    const std::size_t k = n * mt;
    std::vector<double> x(k), y(k), z(k), vx(k), vy(k), vz(k);
    std::vector<orbits::Sgp4Status> st(k);
    orbits::Sgp4BatchOptions bopt;
    bopt.threads = threads;
    bopt.eop = eop;
    // ITRF comes straight out of the batch kernel; GCRF goes TEME -> GCRF below.
    bopt.frame = out_frame == FrameName::itrf ? orbits::Sgp4BatchFrame::itrf : orbits::Sgp4BatchFrame::teme;
    const FrameName batch_frame = out_frame == FrameName::itrf ? FrameName::itrf : FrameName::teme;
    orbits::propagate_batch(props, ts, orbits::Sgp4BatchOutput{x, y, z, vx, vy, vz, st}, bopt);
    for (std::size_t i = 0; i < k; ++i) {
        double *o = s + 6 * i;
        e[i] = static_cast<std::int8_t>(st[i]);
        if (st[i] != orbits::Sgp4Status::ok) {
            // NaN as python-sgp4's SatrecArray and Skyfield give; the error array says why.
            std::fill(o, o + 6, std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        o[0] = x[i];
        o[1] = y[i];
        o[2] = z[i];
        o[3] = vx[i];
        o[4] = vy[i];
        o[5] = vz[i];
        convert_state(batch_frame, out_frame, ts[i % mt], o, eop);
    }
}

void warn_eop_coverage(const frames::EarthOrientation &eop, const std::vector<time::Instant> &ts)
{
    if (!ts.empty()) {
        if (const auto warn = eop.coverage_warning(ts.front(), ts.back())) {
            py::module_::import("warnings").attr("warn")(*warn);
        }
    }
}

frames::EarthOrientation eop_or_empty(const py::object &eop_obj)
{
    return eop_obj.is_none() ? frames::EarthOrientation() : eop_obj.cast<frames::EarthOrientation>();
}

/// A GroundStation, or a sequence (lat_deg, lon_deg[, alt_m]).
frames::Geodetic station_location(const py::object &station)
{
    if (py::isinstance<geometry::GroundStation>(station)) {
        return station.cast<geometry::GroundStation>().location;
    }
    if (!py::isinstance<py::str>(station) && py::isinstance<py::sequence>(station)) {
        const auto seq = station.cast<py::sequence>();
        if (seq.size() == 2 || seq.size() == 3) {
            const double lat_deg = seq[0].cast<double>();
            const double lon_deg = seq[1].cast<double>();
            const double alt_m = seq.size() == 3 ? seq[2].cast<double>() : 0.0;
            if (!(lat_deg >= -90.0 && lat_deg <= 90.0) || !std::isfinite(lon_deg) || !std::isfinite(alt_m)) {
                throw Error(ErrorCode::out_of_range, "latitude must be in [-90, 90] deg, longitude and altitude finite",
                            ErrorContext{"", 0, "station", py::repr(station).cast<std::string>()});
            }
            return frames::Geodetic{lat_deg, lon_deg, alt_m / 1000.0};
        }
    }
    throw Error(ErrorCode::invalid_argument, "station must be a GroundStation or (lat_deg, lon_deg[, alt_m])",
                ErrorContext{"", 0, "station", py::repr(station).cast<std::string>()});
}

} // namespace

void expose_orbits(py::module_ &m)
{
    using orbits::ElementSet;
    py::class_<ElementSet>(m, "ElementSet", element_set_doc().c_str())
        .def_readonly("norad_id", &ElementSet::norad_id)
        .def_readonly("object_name", &ElementSet::object_name)
        .def_readonly("object_id", &ElementSet::object_id)
        .def_property_readonly("classification", [](const ElementSet &e) { return std::string(1, e.classification); })
        .def_property_readonly("epoch", [](const ElementSet &e) { return to_datetime(e.epoch); })
        .def_readonly("inclination_deg", &ElementSet::inclination_deg)
        .def_readonly("raan_deg", &ElementSet::raan_deg)
        .def_readonly("eccentricity", &ElementSet::eccentricity)
        .def_readonly("arg_perigee_deg", &ElementSet::arg_perigee_deg)
        .def_readonly("mean_anomaly_deg", &ElementSet::mean_anomaly_deg)
        .def_readonly("mean_motion_rev_day", &ElementSet::mean_motion_rev_day)
        .def_readonly("mean_motion_dot_rev_day2", &ElementSet::mean_motion_dot_rev_day2)
        .def_readonly("mean_motion_ddot_rev_day3", &ElementSet::mean_motion_ddot_rev_day3)
        .def_readonly("bstar_per_er", &ElementSet::bstar_per_er)
        .def_readonly("element_set_no", &ElementSet::element_set_no)
        .def_readonly("rev_at_epoch", &ElementSet::rev_at_epoch)
        .def_readonly("ephemeris_type", &ElementSet::ephemeris_type)
        .def_static(
            "from_tle",
            [](const std::string &line1, const std::string &line2, const std::optional<std::string> &name,
               bool verify_checksum) {
                io::TleReadOptions o;
                o.verify_checksum = verify_checksum;
                // Line numbers 1 and 2 (no source): errors read "line 2: field 'eccentricity (cols 27-33)': ...".
                return io::parse_tle(line1, line2, name.value_or(std::string()), o, ErrorContext{"", 1, "", ""});
            },
            py::arg("line1"), py::arg("line2"), py::arg("name") = py::none(), py::arg("verify_checksum") = true,
            element_set_from_tle_doc().c_str())
        .def("__repr__", [](const ElementSet &e) {
            return "ElementSet(norad_id=" + std::to_string(e.norad_id) + ", object_name='" + e.object_name + "', epoch='"
                   + e.epoch.to_iso8601_utc(6) + "')";
        });

    m.def(
        "propagate",
        [](const py::object &elements, const py::object &times, const std::string &frame, const std::string &gravity,
           const std::string &opsmode, const py::object &eop_obj, unsigned threads) {
            const auto sets = to_element_list(elements);
            const auto ts = to_instants(times);
            const FrameName out_frame = parse_frame(frame);
            const orbits::Sgp4Options opt = sgp4_options(gravity, opsmode);
            const frames::EarthOrientation eop = eop_or_empty(eop_obj);
            if (out_frame != FrameName::teme) {
                warn_eop_coverage(eop, ts);
            }
            const std::size_t n = sets.size(), mt = ts.size();
            py::array_t<double> states({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(mt), py::ssize_t{6}});
            py::array_t<std::int8_t> errors({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(mt)});
            double *s = states.mutable_data();
            std::int8_t *e = errors.mutable_data();
            {
                py::gil_scoped_release release;
                propagate_into(sets, ts, out_frame, opt, eop, threads, s, e);
            }
            return py::make_tuple(states, errors);
        },
        py::arg("elements"), py::arg("times"), py::arg("frame") = "teme", py::arg("gravity") = "wgs72",
        py::arg("opsmode") = "i", py::arg("eop") = py::none(), py::arg("threads") = 1u, propagate_doc().c_str());

    // The public vantage.topocentric (python/vantage/__init__.py) wraps this in a named tuple.
    m.def(
        "_topocentric",
        [](const py::object &elements, const py::object &station, const py::object &times, const py::object &eop_obj,
           const std::string &gravity, const std::string &opsmode, unsigned threads) {
            const auto sets = to_element_list(elements);
            const auto ts = to_instants(times);
            const frames::Geodetic site = station_location(station);
            const orbits::Sgp4Options opt = sgp4_options(gravity, opsmode);
            const frames::EarthOrientation eop = eop_or_empty(eop_obj);
            warn_eop_coverage(eop, ts);
            const std::size_t n = sets.size(), mt = ts.size();
            const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(mt)};
            py::array_t<double> az(shape), el(shape), range(shape);
            double *paz = az.mutable_data(), *pel = el.mutable_data(), *prange = range.mutable_data();
            {
                py::gil_scoped_release release;
                std::vector<double> s(n * mt * 6);
                std::vector<std::int8_t> e(n * mt);
                propagate_into(sets, ts, FrameName::itrf, opt, eop, threads, s.data(), e.data());
                constexpr double nan = std::numeric_limits<double>::quiet_NaN();
                for (std::size_t i = 0; i < n * mt; ++i) {
                    if (e[i] != 0) {
                        paz[i] = pel[i] = prange[i] = nan; // SGP4 failed: propagate() gives the code
                        continue;
                    }
                    const double *o = s.data() + 6 * i;
                    // The access engine's definitions (geometry/look.hpp): WGS-84 geodetic normal, azimuth
                    // from north through east.
                    const frames::StateVector<frames::Itrf> sat{ts[i % mt], Vec3(o[0], o[1], o[2]),
                                                                Vec3(o[3], o[4], o[5])};
                    const geometry::LookAngles look = geometry::look_angles(sat, site);
                    paz[i] = look.azimuth_deg;
                    pel[i] = look.elevation_deg;
                    prange[i] = look.range_km;
                }
            }
            return py::make_tuple(az, el, range);
        },
        py::arg("elements"), py::arg("station"), py::arg("times"), py::arg("eop") = py::none(),
        py::arg("gravity") = "wgs72", py::arg("opsmode") = "i", py::arg("threads") = 1u);
}

} // namespace vantage::python
