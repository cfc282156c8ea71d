// vantage.ElementSet and vantage.propagate (batch SGP4, GIL released, NumPy out).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
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
            frames::EarthOrientation eop;
            if (!eop_obj.is_none()) {
                eop = eop_obj.cast<frames::EarthOrientation>();
            }
            if (out_frame != FrameName::teme && !ts.empty()) {
                if (const auto warn = eop.coverage_warning(ts.front(), ts.back())) {
                    py::module_::import("warnings").attr("warn")(*warn);
                }
            }
            const std::size_t n = sets.size(), mt = ts.size();
            py::array_t<double> states({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(mt), py::ssize_t{6}});
            py::array_t<std::int8_t> errors({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(mt)});
            double *s = states.mutable_data();
            std::int8_t *e = errors.mutable_data();
            {
                py::gil_scoped_release release;
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
                        std::fill(o, o + 6, 0.0); // never NaN: the error array says why
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
            return py::make_tuple(states, errors);
        },
        py::arg("elements"), py::arg("times"), py::arg("frame") = "teme", py::arg("gravity") = "wgs72",
        py::arg("opsmode") = "i", py::arg("eop") = py::none(), py::arg("threads") = 1u, propagate_doc().c_str());
}

} // namespace vantage::python
