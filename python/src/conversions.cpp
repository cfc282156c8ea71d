#include "conversions.hpp"

#include <cmath>

#include <fmt/format.h>

namespace vantage::python {

namespace {

[[noreturn]] void throw_time(const std::string &msg, const std::string &value, const char *what)
{
    throw Error(ErrorCode::invalid_time, msg, ErrorContext{"", 0, what, value});
}

time::Instant from_unix_ns(std::int64_t ns)
{
    // POSIX time counts UTC days of 86400 s; 2440587.5 is the JD of 1970-01-01T00:00:00Z.
    constexpr std::int64_t ns_per_day = 86'400'000'000'000;
    std::int64_t days = ns / ns_per_day;
    std::int64_t rem = ns % ns_per_day;
    if (rem < 0) {
        rem += ns_per_day;
        --days;
    }
    return time::Instant::from_utc_jd(2440587.5 + static_cast<double>(days), static_cast<double>(rem) / 8.64e13);
}

} // namespace

time::Instant to_instant(const py::handle &obj, const char *what)
{
    if (py::isinstance<py::str>(obj)) {
        return time::Instant::parse_iso8601(obj.cast<std::string>());
    }
    const auto datetime = py::module_::import("datetime");
    if (py::isinstance(obj, datetime.attr("datetime"))) {
        if (obj.attr("tzinfo").is_none() || obj.attr("utcoffset")().is_none()) {
            throw_time("naive datetime: give a tz-aware datetime (e.g. tzinfo=datetime.timezone.utc)",
                       py::str(obj).cast<std::string>(), what);
        }
        const py::object utc = obj.attr("astimezone")(datetime.attr("timezone").attr("utc"));
        time::UtcCalendar c;
        c.year = utc.attr("year").cast<int>();
        c.month = utc.attr("month").cast<int>();
        c.day = utc.attr("day").cast<int>();
        c.hour = utc.attr("hour").cast<int>();
        c.minute = utc.attr("minute").cast<int>();
        c.second = utc.attr("second").cast<int>() + utc.attr("microsecond").cast<int>() * 1e-6;
        return time::Instant::from_utc(c);
    }
    const auto np = py::module_::import("numpy");
    if (py::isinstance(obj, np.attr("datetime64"))) {
        const py::object ns = obj.attr("astype")("datetime64[ns]").attr("astype")("int64");
        return from_unix_ns(ns.cast<std::int64_t>());
    }
    if (py::isinstance(obj, datetime.attr("date"))) {
        throw_time("a date is not an instant: give a tz-aware datetime", py::str(obj).cast<std::string>(), what);
    }
    throw_time(fmt::format("expected a tz-aware datetime, numpy.datetime64 or ISO 8601 string, got {}",
                           py::str(obj.get_type().attr("__name__")).cast<std::string>()),
               py::repr(obj).cast<std::string>(), what);
}

std::vector<time::Instant> to_instants(const py::handle &obj, const char *what)
{
    std::vector<time::Instant> out;
    const auto np = py::module_::import("numpy");
    if (py::isinstance<py::array>(obj)) {
        const py::array arr = py::reinterpret_borrow<py::array>(obj);
        if (arr.dtype().kind() == 'M') {
            const py::array_t<std::int64_t> ns =
                arr.attr("astype")("datetime64[ns]").attr("astype")("int64").attr("ravel")();
            const auto r = ns.unchecked<1>();
            out.reserve(static_cast<std::size_t>(r.shape(0)));
            for (py::ssize_t i = 0; i < r.shape(0); ++i) {
                out.push_back(from_unix_ns(r(i)));
            }
            return out;
        }
    }
    if (py::isinstance<py::str>(obj) || !py::hasattr(obj, "__iter__")) {
        throw_time("expected a sequence of times (list of datetimes or numpy datetime64 array)",
                   py::repr(obj).cast<std::string>(), what);
    }
    std::size_t i = 0;
    for (const auto item : obj) {
        try {
            out.push_back(to_instant(item, what));
        } catch (const Error &e) {
            throw Error(e.code(), e.message(), ErrorContext{"", 0, fmt::format("{}[{}]", what, i), e.context().value});
        }
        ++i;
    }
    return out;
}

py::object to_datetime(const time::Instant &t)
{
    const auto datetime = py::module_::import("datetime");
    // Round to the microsecond first so that 59.9999996 s carries into the next minute.
    const time::Instant r = t + time::Duration::from_seconds(0.5e-6);
    time::UtcCalendar c = r.to_utc();
    double sec = c.second;
    if (sec >= 60.0) {
        sec = 59.999999; // inside a leap second: datetime cannot say 23:59:60
    }
    const int whole = static_cast<int>(std::floor(sec));
    const int micro = std::min(999999, static_cast<int>(std::floor((sec - whole) * 1e6)));
    return datetime.attr("datetime")(c.year, c.month, c.day, c.hour, c.minute, whole, micro,
                                     datetime.attr("timezone").attr("utc"));
}

namespace {
PyObject *g_error_type = nullptr;

py::object make_error(ErrorCode code, const std::string &what, const std::string &message, const ErrorContext &ctx)
{
    py::object inst = py::reinterpret_borrow<py::object>(g_error_type)(what);
    inst.attr("code") = std::string(to_string(code));
    inst.attr("message") = message;
    inst.attr("source") = ctx.source;
    inst.attr("line") = ctx.line;
    inst.attr("field") = ctx.field;
    inst.attr("value") = ctx.value;
    return inst;
}
} // namespace

void register_errors(py::module_ &m)
{
    // NOTE: created once per process and kept (pybind11 2.10 has no gil_safe_call_once).
    static py::exception<Error> exc(m, "Error");
    exc.doc() = "Raised for every Vantage error. Attributes: code (str, e.g. 'checksum'), message, source "
                "(file or ''), line (1-based, 0 if unknown), field, value.";
    g_error_type = exc.ptr();
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) {
                std::rethrow_exception(p);
            }
        } catch (const Error &e) {
            const py::object inst = make_error(e.code(), e.what(), e.message(), e.context());
            PyErr_SetObject(g_error_type, inst.ptr());
        }
    });
}

void raise_diagnostic(const Diagnostic &d, std::size_t n_rejected)
{
    std::string msg = d.message;
    if (n_rejected > 1) {
        msg += fmt::format(" (first of {} rejected records; pass strict=False to keep the valid ones)", n_rejected);
    }
    throw ParseError(d.code, msg, d.context);
}

} // namespace vantage::python
