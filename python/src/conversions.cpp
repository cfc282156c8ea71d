#include "conversions.hpp"

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <utility>

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
        // NOTE: a naive datetime is UTC, as numpy.datetime64 is and as python-sgp4's jday() reads calendar
        // fields. Python's own astimezone() would take it as the machine's local time, so its fields are
        // read as they are.
        const bool naive = obj.attr("tzinfo").is_none() || obj.attr("utcoffset")().is_none();
        const py::object utc = naive ? py::reinterpret_borrow<py::object>(obj)
                                     : obj.attr("astimezone")(datetime.attr("timezone").attr("utc"));
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
        throw_time("a date is not an instant: give a datetime", py::str(obj).cast<std::string>(), what);
    }
    throw_time(fmt::format("expected a datetime, numpy.datetime64 or ISO 8601 string, got {}",
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
// The Python exception classes (created once per process, never freed: pybind11 2.10 has no
// gil_safe_call_once). Error is the root; the others also derive from the built-in a Python user
// catches (ValueError, OSError, FileNotFoundError).
PyObject *g_error_type = nullptr;
PyObject *g_parse_error_type = nullptr;
PyObject *g_file_error_type = nullptr;
PyObject *g_missing_file_type = nullptr;

/// Malformed input of any kind: the codes a caller fixes by changing what it passed.
bool is_bad_input(ErrorCode code)
{
    switch (code) {
    case ErrorCode::syntax:
    case ErrorCode::missing_field:
    case ErrorCode::invalid_number:
    case ErrorCode::out_of_range:
    case ErrorCode::checksum:
    case ErrorCode::mismatch:
    case ErrorCode::duplicate:
    case ErrorCode::unknown_key:
    case ErrorCode::unsupported:
    case ErrorCode::invalid_time:
    case ErrorCode::invalid_argument: return true;
    default: return false;
    }
}

PyObject *new_class(py::module_ &m, const char *name, const char *doc, std::initializer_list<PyObject *> bases)
{
    py::tuple b(bases.size());
    std::size_t i = 0;
    for (PyObject *base : bases) {
        b[i++] = py::reinterpret_borrow<py::object>(base);
    }
    const std::string full = m.attr("__name__").cast<std::string>() + "." + name;
    PyObject *type = PyErr_NewExceptionWithDoc(full.c_str(), doc, b.ptr(), nullptr);
    if (type == nullptr) {
        throw py::error_already_set();
    }
    m.attr(name) = py::reinterpret_borrow<py::object>(type); // the module holds a reference; so does `type`
    m.attr(name).attr("__module__") = "vantage";
    return type;
}

/// The instance to raise: its class follows the code (and, for files, what is at the path).
std::pair<PyObject *, py::object> make_error(ErrorCode code, const std::string &what, const std::string &message,
                                             const ErrorContext &ctx)
{
    PyObject *type = g_error_type;
    py::object inst;
    if (code == ErrorCode::file_not_found || code == ErrorCode::file_read) {
        // OSError(errno, strerror, filename): errno says why the file could not be read.
        int err = EIO;
        std::error_code ec;
        const std::filesystem::path path(ctx.source);
        if (code == ErrorCode::file_not_found) {
            if (ctx.source.empty() || !std::filesystem::exists(path, ec)) {
                err = ENOENT;
            } else if (std::filesystem::is_directory(path, ec)) {
                err = EISDIR;
            } else {
                err = EACCES;
            }
        }
        type = err == ENOENT ? g_missing_file_type : g_file_error_type;
        inst = py::reinterpret_borrow<py::object>(type)(err, message, ctx.source); // str(): [Errno 2] msg: 'path'
    } else {
        type = is_bad_input(code) ? g_parse_error_type : g_error_type;
        inst = py::reinterpret_borrow<py::object>(type)(what);
    }
    inst.attr("code") = std::string(to_string(code));
    inst.attr("message") = message;
    inst.attr("source") = ctx.source;
    inst.attr("line") = ctx.line;
    inst.attr("field") = ctx.field;
    inst.attr("value") = ctx.value;
    return {type, inst};
}
} // namespace

void register_errors(py::module_ &m)
{
    // NOTE: created once per process and kept (pybind11 2.10 has no gil_safe_call_once).
    static py::exception<Error> exc(m, "Error");
    exc.doc() = "Root of every Vantage error (``except vantage.Error`` catches them all). Attributes: code (str, "
                "e.g. 'checksum'; vantage.ERROR_CODES lists them), message (without the location), source (file or "
                "''), line (1-based, 0 if unknown), field (e.g. 'eccentricity (cols 27-33)'), value (the offending "
                "text). Subclasses: ParseError (also a ValueError), FileError (also an OSError) and MissingFileError "
                "(also a FileNotFoundError).";
    g_error_type = exc.ptr();
    exc.attr("__module__") = "vantage"; // tracebacks say vantage.Error, where users find it
    g_parse_error_type = new_class(
        m, "ParseError",
        "Bad input: a malformed file, record, line, time or argument value (codes syntax, missing_field, "
        "invalid_number, out_of_range, checksum, mismatch, duplicate, unknown_key, unsupported, invalid_time, "
        "invalid_argument). Derives from vantage.Error and ValueError; carries the same attributes as vantage.Error.",
        {g_error_type, PyExc_ValueError});
    g_file_error_type = new_class(
        m, "FileError",
        "A file that exists but cannot be read (code file_not_found with errno EISDIR or EACCES, or file_read with "
        "errno EIO). Derives from vantage.Error and OSError: errno, strerror and filename are set, plus "
        "vantage.Error's attributes (source == filename).",
        {g_error_type, PyExc_OSError});
    g_missing_file_type = new_class(
        m, "MissingFileError",
        "A file that does not exist (code file_not_found, errno ENOENT, filename set). Derives from "
        "vantage.FileError (so vantage.Error) and the built-in FileNotFoundError.",
        {g_file_error_type, PyExc_FileNotFoundError});
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) {
                std::rethrow_exception(p);
            }
        } catch (const Error &e) {
            const auto [type, inst] = make_error(e.code(), e.what(), e.message(), e.context());
            PyErr_SetObject(type, inst.ptr());
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
