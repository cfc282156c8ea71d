// vantage.EarthOrientation, convert_states, itrf_to_geodetic (NumPy in and out).
#include <array>
#include <cmath>
#include <limits>

#include <pybind11/numpy.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage_python_frames.hpp"

namespace vantage::python {

FrameName parse_frame(const std::string &name)
{
    if (name == "teme") return FrameName::teme;
    if (name == "itrf") return FrameName::itrf;
    if (name == "gcrf") return FrameName::gcrf;
    throw Error(ErrorCode::invalid_argument, "frame must be 'teme', 'itrf' or 'gcrf'", ErrorContext{"", 0, "frame", name});
}

void convert_state(FrameName from, FrameName to, const time::Instant &t, double *s, const frames::EarthOrientation &eop)
{
    if (from == to) {
        return;
    }
    const Vec3 r(s[0], s[1], s[2]);
    const Vec3 v(s[3], s[4], s[5]);
    frames::StateVector<frames::Itrf> itrf;
    switch (from) {
    case FrameName::teme: itrf = frames::teme_to_itrf({t, r, v}, eop); break;
    case FrameName::gcrf: itrf = frames::gcrf_to_itrf({t, r, v}, eop); break;
    case FrameName::itrf: itrf = {t, r, v}; break;
    }
    Vec3 ro = itrf.r_km, vo = itrf.v_km_s;
    if (to == FrameName::teme) {
        const auto o = frames::itrf_to_teme(itrf, eop);
        ro = o.r_km;
        vo = o.v_km_s;
    } else if (to == FrameName::gcrf) {
        const auto o = frames::itrf_to_gcrf(itrf, eop);
        ro = o.r_km;
        vo = o.v_km_s;
    }
    for (int i = 0; i < 3; ++i) {
        s[i] = ro[i];
        s[3 + i] = vo[i];
    }
}

void expose_frames(py::module_ &m)
{
    py::class_<frames::EarthOrientation>(m, "EarthOrientation", earth_orientation_doc().c_str())
        .def(py::init<>())
        .def("__len__", &frames::EarthOrientation::size)
        .def_property_readonly("source_name", &frames::EarthOrientation::source_name)
        .def("at", [](const frames::EarthOrientation &eop, const py::object &t) {
            const auto v = eop.at(to_instant(t));
            py::dict d;
            d["ut1_minus_utc_s"] = v.ut1_minus_utc_s;
            d["lod_s"] = v.lod_s;
            d["xp_rad"] = v.xp_rad;
            d["yp_rad"] = v.yp_rad;
            d["dx_rad"] = v.dx_rad;
            d["dy_rad"] = v.dy_rad;
            d["dpsi_rad"] = v.dpsi_rad;
            d["deps_rad"] = v.deps_rad;
            d["in_range"] = v.in_range;
            d["predicted"] = v.predicted;
            return d;
        }, py::arg("time"));

    m.def(
        "convert_states",
        [](py::array_t<double, py::array::c_style | py::array::forcecast> states, const py::object &times,
           const std::string &from_frame, const std::string &to_frame, const frames::EarthOrientation &eop) {
            if (states.ndim() < 1 || states.shape(states.ndim() - 1) != 6) {
                throw Error(ErrorCode::invalid_argument, "states must have shape (..., 6)", ErrorContext{"", 0, "states", ""});
            }
            const FrameName from = parse_frame(from_frame);
            const FrameName to = parse_frame(to_frame);
            const auto ts = to_instants(times);
            const std::size_t n = static_cast<std::size_t>(states.size() / 6);
            // One time per state, or one per row of the last-but-one axis (broadcast over leading axes).
            const std::size_t per = ts.size();
            if (per == 0 || n % per != 0) {
                throw Error(ErrorCode::invalid_argument,
                            "times must have one entry per state or per row of the last-but-one axis",
                            ErrorContext{"", 0, "times", std::to_string(ts.size())});
            }
            py::array_t<double> out(states.request().shape);
            std::copy(states.data(), states.data() + states.size(), out.mutable_data());
            double *p = out.mutable_data();
            {
                py::gil_scoped_release release;
                for (std::size_t i = 0; i < n; ++i) {
                    convert_state(from, to, ts[i % per], p + 6 * i, eop);
                }
            }
            return out;
        },
        py::arg("states"), py::arg("times"), py::arg("from_frame"), py::arg("to_frame"),
        py::arg("eop") = frames::EarthOrientation(), convert_states_doc().c_str());

    m.def(
        "itrf_to_geodetic",
        [](py::array_t<double, py::array::c_style | py::array::forcecast> r_km) {
            const py::ssize_t last = r_km.ndim() ? r_km.shape(r_km.ndim() - 1) : 0;
            if (last != 3 && last != 6) {
                throw Error(ErrorCode::invalid_argument, "r_km must have shape (..., 3) or (..., 6)",
                            ErrorContext{"", 0, "r_km", ""});
            }
            std::vector<py::ssize_t> shape(r_km.shape(), r_km.shape() + r_km.ndim());
            shape.back() = 3;
            py::array_t<double> out(shape);
            const std::size_t n = static_cast<std::size_t>(r_km.size() / last);
            const double *in = r_km.data();
            double *o = out.mutable_data();
            {
                py::gil_scoped_release release;
                for (std::size_t i = 0; i < n; ++i) {
                    const double *s = in + static_cast<std::size_t>(last) * i;
                    if (!std::isfinite(s[0]) || !std::isfinite(s[1]) || !std::isfinite(s[2])) {
                        // A state propagate() could not compute (NaN): its geodetic position is NaN too.
                        o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = std::numeric_limits<double>::quiet_NaN();
                        continue;
                    }
                    const auto g = frames::itrf_to_geodetic(Vec3(s[0], s[1], s[2]));
                    o[3 * i] = g.lat_deg;
                    o[3 * i + 1] = g.lon_deg;
                    o[3 * i + 2] = g.h_km;
                }
            }
            return out;
        },
        py::arg("r_km"), itrf_to_geodetic_doc().c_str());
}

} // namespace vantage::python
