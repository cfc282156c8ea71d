// The tasking service's operations (service.hpp), independent of HTTP.
#include "vantage/api/service.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "czml.hpp"
#include "vantage/core/error.hpp"
#include "vantage/io/elements.hpp"
#include "vantage/io/json_text.hpp"
#include "vantage/io/omm.hpp"
#include "vantage/io/request_json.hpp"

namespace vantage::api {

namespace {

// NOTE: every dump() here replaces invalid UTF-8 (U+FFFD) instead of throwing: error messages and diagnostics
// quote what callers sent (path ids, uploaded files), which need not be UTF-8.
using json = nlohmann::ordered_json;
using store::AcquisitionState;
using store::RequestStatus;
using store::Role;

constexpr int default_page = 50;
constexpr int max_page = 500;

// ------------------------------------------------------------------------------------ errors and JSON helpers

/// HTTP status of a Vantage error.
int status_of(ErrorCode c)
{
    switch (c) {
    case ErrorCode::not_found: return 404;
    case ErrorCode::duplicate:
    case ErrorCode::conflict: return 409;
    case ErrorCode::storage: return 503;
    case ErrorCode::internal: return 500;
    case ErrorCode::sgp4_mean_eccentricity:
    case ErrorCode::sgp4_mean_motion:
    case ErrorCode::sgp4_perturbed_eccentricity:
    case ErrorCode::sgp4_semi_latus_rectum:
    case ErrorCode::sgp4_suborbital:
    case ErrorCode::sgp4_decayed:
    case ErrorCode::data_out_of_range: return 422;
    default: return 400;
    }
}

[[noreturn]] void raise(const Error &e)
{
    throw to_api_error(e);
}

/// Deepest JSON nesting accepted in the service's own small bodies (plan, outcome, tokens).
constexpr int max_body_depth = 16;

json parse_json_body(std::string_view body, const char *what)
{
    try {
        io::check_json_text(body, what, max_body_depth); // keys given twice, NaN, 1e999: a 400 naming the key
    } catch (const Error &e) {
        raise(e);
    }
    const json::parser_callback_t depth_guard = [](int depth, json::parse_event_t, json &) {
        if (depth > max_body_depth) {
            throw ApiError(400, "syntax", fmt::format("the body is nested deeper than {} levels", max_body_depth));
        }
        return true;
    };
    try {
        return json::parse(body.begin(), body.end(), depth_guard);
    } catch (const json::exception &e) {
        throw ApiError(400, "syntax", fmt::format("{} is not valid JSON: {}", what, e.what()));
    }
}

/// Checks that `j` is an object with only `keys`.
void check_keys(const json &j, std::initializer_list<const char *> keys)
{
    if (!j.is_object()) {
        throw ApiError(400, "syntax", "the body must be a JSON object");
    }
    for (const auto &[k, v] : j.items()) {
        if (std::none_of(keys.begin(), keys.end(), [&](const char *x) { return k == x; })) {
            throw ApiError(400, "unknown_key", fmt::format("unknown key '{}'", k), k);
        }
    }
}

std::string iso(const time::Instant &t)
{
    return t.to_iso8601_utc(6);
}

json opt_iso(const std::optional<time::Instant> &t)
{
    return t ? json(iso(*t)) : json(nullptr);
}

std::string encode_cursor(std::int64_t seq)
{
    return fmt::format("s{}", seq);
}

std::int64_t decode_cursor(const Query &q)
{
    const auto it = q.find("cursor");
    if (it == q.end() || it->second.empty()) {
        return 0;
    }
    const std::string &c = it->second;
    bool ok = c.size() >= 2 && c.size() <= 20 && c[0] == 's'
              && std::all_of(c.begin() + 1, c.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!ok) {
        throw ApiError(400, "syntax", "cursor must be a next_cursor value returned by this API", "cursor");
    }
    return std::stoll(c.substr(1));
}

int decode_limit(const Query &q)
{
    const auto it = q.find("limit");
    if (it == q.end()) {
        return default_page;
    }
    const std::string &s = it->second;
    const bool digits = !s.empty() && s.size() <= 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    const int v = digits ? std::stoi(s) : -1;
    if (v < 1 || v > max_page) {
        throw ApiError(400, "out_of_range", fmt::format("limit must be an integer in [1, {}]", max_page), "limit");
    }
    return v;
}

std::optional<std::string> query_value(const Query &q, const char *key)
{
    const auto it = q.find(key);
    return it == q.end() ? std::nullopt : std::optional<std::string>(it->second);
}

json request_summary(const store::RequestRecord &r)
{
    json j = json::parse(io::request_to_json(r.request));
    j["status"] = store::to_string(r.status);
    j["created_utc"] = iso(r.created);
    j["updated_utc"] = iso(r.updated);
    return j;
}

/// The strong ETag of a request's version (its latest history entry's seq).
std::string etag_of(std::int64_t version)
{
    return fmt::format("\"v{}\"", version);
}

json acquisition_summary(const store::AcquisitionRecord &a)
{
    return {{"acquisition_id", a.acquisition_id},
            {"plan_id", a.plan_id},
            {"occurrence", a.occurrence},
            {"satellite", a.satellite},
            {"norad_id", a.norad_id},
            {"start_utc", iso(a.start)},
            {"end_utc", iso(a.end)},
            {"delivered_utc", opt_iso(a.delivered)},
            {"state", store::to_string(a.state)},
            {"outcome_utc", opt_iso(a.outcome_time)},
            {"note", a.note}};
}

json opportunity_json(const Opportunity &o)
{
    const auto &w = o.window;
    return {{"occurrence", o.occurrence},
            {"satellite", o.satellite_name},
            {"norad_id", o.norad_id},
            {"sensor", o.sensor},
            {"target_lat_deg", o.lat_deg},
            {"target_lon_deg", o.lon_deg},
            {"start_utc", iso(w.start)},
            {"end_utc", iso(w.end)},
            {"best_utc", iso(w.best)},
            {"duration_s", w.duration_s()},
            {"off_nadir_deg_at_best", w.min_off_nadir_deg},
            {"incidence_deg_at_best", w.incidence_deg_at_best},
            {"sun_elevation_deg_at_best", w.sun_elevation_deg_at_best},
            {"elevation_deg_at_best", w.max_elevation_deg},
            {"look_side", look_side_name(w.look_side)},
            {"pass_direction", pass_direction_name(w.pass_direction)},
            {"partial", w.partial}};
}

json opportunities_json(const Opportunities &o, const time::Instant &now, bool with_items)
{
    json j{{"feasible", o.feasible},
           {"reason", o.reason.empty() ? json(nullptr) : json(o.reason)},
           {"checked_utc", iso(now)},
           {"occurrences_total", o.occurrences_total},
           {"occurrences_searched", o.occurrences_searched},
           {"occurrences_feasible", o.occurrences_feasible},
           {"opportunities_found", o.items.size()},
           {"truncated", o.truncated},
           {"skipped_satellites", o.skipped_satellites}};
    if (!o.items.empty()) {
        j["first_opportunity"] = opportunity_json(o.items.front());
    }
    if (with_items) {
        json items = json::array();
        for (const auto &it : o.items) {
            items.push_back(opportunity_json(it));
        }
        j["opportunities"] = std::move(items);
    }
    return j;
}

json sensor_json(const geometry::Sensor &s)
{
    json j{{"name", s.name}, {"type", s.type == geometry::SensorType::sar ? "sar" : "optical"}};
    auto opt = [&](const char *k, const std::optional<double> &v) {
        if (v) {
            j[k] = *v;
        }
    };
    opt("max_off_nadir_deg", s.max_off_nadir_deg);
    opt("swath_km", s.swath_km);
    opt("min_sun_elevation_deg", s.min_sun_elevation_deg);
    opt("incidence_min_deg", s.incidence_min_deg);
    opt("incidence_max_deg", s.incidence_max_deg);
    opt("max_squint_deg", s.max_squint_deg);
    opt("gsd_nadir_m", s.gsd_nadir_m);
    opt("slant_range_resolution_m", s.slant_range_resolution_m);
    if (!s.polarizations.empty()) {
        j["polarizations"] = s.polarizations;
    }
    j["look_side"] = look_side_name(s.look_side);
    j["pass_direction"] = pass_direction_name(s.pass_direction);
    return j;
}

json station_json(const geometry::GroundStation &s)
{
    return {{"name", s.name},
            {"lat_deg", s.location.lat_deg},
            {"lon_deg", s.location.lon_deg},
            {"alt_m", s.location.h_km * 1000.0},
            {"min_elevation_deg", s.min_elevation_deg},
            {"downlink_mbit_s", s.downlink_mbit_s},
            {"antennas", s.antennas}};
}

json token_json(const store::TokenRecord &t)
{
    return {{"id", t.id},
            {"tenant", t.tenant},
            {"role", store::to_string(t.role)},
            {"label", t.label},
            {"created_utc", iso(t.created)},
            {"expires_utc", opt_iso(t.expires)},
            {"revoked_utc", opt_iso(t.revoked)},
            {"created_by", t.created_by}};
}

json diagnostics_json(const std::vector<Diagnostic> &ds)
{
    json out = json::array();
    for (const auto &d : ds) {
        out.push_back({{"code", to_string(d.code)},
                       {"message", d.message},
                       {"source", d.context.source},
                       {"line", d.context.line},
                       {"field", d.context.field},
                       {"value", d.context.value}});
    }
    return out;
}

Response json_response(int status, const json &j)
{
    return Response{status, j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json", {}, nullptr};
}

Response from_stored(const store::StoredResponse &s, bool replayed)
{
    Response r{s.status, s.body, "application/json", {}, nullptr};
    if (replayed) {
        r.headers.emplace_back("Idempotent-Replayed", "true");
    }
    return r;
}

/// "2025-10-03T10:15:30Z" (an id-safe compact form).
std::string compact(const time::Instant &t)
{
    std::string s = t.to_iso8601_utc(0);
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':'; }), s.end());
    return s;
}

/// The plan document of `doc` that a nation's user (`tenant`) may see: its own acquisitions and unserved
/// occurrences, and nothing derived from another nation's (docs/api.md § A nation's view of the plan):
/// - only the keys below are kept (a key added to the plan document later is left out until it is listed here);
/// - an acquisition loses `slew_before_deg`, `slew_before_s` (measured from the acquisition before it, which may
///   be another nation's) and `storage_gbit_after` (the recorder holds every nation's images);
/// - `downlinks` is rebuilt from the nation's own acquisitions' downlink parts: per pass, its own data only;
/// - `metrics` is the nation's own (value, requests served and total); coalition-wide figures are left out.
/// Every request of the given statuses, coalition-wide, status by status in submission order (paged).
void each_request(store::Store &st, std::initializer_list<RequestStatus> statuses,
                  const std::function<void(const store::RequestRecord &)> &f)
{
    for (auto status : statuses) {
        store::RequestQuery q;
        q.status = status;
        q.limit = 10000;
        for (;;) {
            const auto page = st.list_requests(q);
            for (const auto &r : page) {
                f(r);
            }
            if (page.size() < static_cast<std::size_t>(q.limit)) {
                break;
            }
            q.after_seq = page.back().seq;
        }
    }
}

json filter_plan(const json &doc, const std::string &tenant, const std::set<std::string> &own_requests)
{
    static const std::set<std::string> top_keys = {"plan_format", "plan_id",  "planner",     "created_utc", "now_utc",
                                                   "start_utc",   "stop_utc", "horizon_end_utc", "time_step_s",
                                                   "satellites",  "stations", "station_outages"};
    static const std::set<std::string> dropped_acq_keys = {"slew_before_deg", "slew_before_s", "storage_gbit_after"};
    json out = json::object();
    for (const auto &[k, v] : doc.items()) {
        if (top_keys.count(k)) {
            out[k] = v;
        }
    }
    json acqs = json::array();
    double value = 0.0;
    std::set<std::string> served;
    // (satellite, station, start) -> the nation's part of that pass
    std::map<std::tuple<std::string, std::string, std::string>, json> passes;
    for (const auto &a : doc.value("acquisitions", json::array())) {
        if (a.value("tenant", std::string()) != tenant) {
            continue;
        }
        json own = json::object();
        for (const auto &[k, v] : a.items()) {
            if (!dropped_acq_keys.count(k)) {
                own[k] = v;
            }
        }
        if (a.contains("value") && a["value"].is_number()) {
            value += a["value"].get<double>();
        }
        served.insert(a.value("request_id", std::string()));
        for (const auto &d : a.value("downlinks", json::array())) {
            const auto key = std::make_tuple(a.value("satellite", std::string()), d.value("station", std::string()),
                                             d.value("start_utc", std::string()));
            const double gbit = d.contains("data_gbit") && d["data_gbit"].is_number() ? d["data_gbit"].get<double>() : 0.0;
            auto it = passes.find(key);
            if (it == passes.end()) {
                passes.emplace(key, json{{"satellite", std::get<0>(key)},
                                         {"norad_id", a.value("norad_id", json(nullptr))},
                                         {"station", std::get<1>(key)},
                                         {"start_utc", std::get<2>(key)},
                                         {"end_utc", d.value("end_utc", json(nullptr))},
                                         {"data_gbit", gbit}});
            } else {
                it->second["data_gbit"] = it->second["data_gbit"].get<double>() + gbit;
                if (d.contains("end_utc") && d["end_utc"].is_string() && it->second["end_utc"].is_string()
                    && it->second["end_utc"].get<std::string>() < d["end_utc"].get<std::string>()) {
                    it->second["end_utc"] = d["end_utc"];
                }
            }
        }
        acqs.push_back(std::move(own));
    }
    json unserved = json::array();
    for (const auto &u : doc.value("unserved", json::array())) {
        if (own_requests.count(u.value("request_id", std::string()))) {
            json v = u;
            if (v.contains("blocked_by")) {
                // What holds its time: its own acquisitions as they are; another nation's only as "another nation,
                // tier T, start-end on satellite S" - no id, request, nation or target (issue 13 item 5).
                json blockers = json::array();
                for (const auto &b : v["blocked_by"]) {
                    if (own_requests.count(b.value("request_id", std::string()))) {
                        blockers.push_back(b);
                    } else {
                        blockers.push_back(json{{"another_nation", true}, {"tier", b.value("tier", std::string())},
                                                {"satellite", b.value("satellite", std::string())},
                                                {"norad_id", b.value("norad_id", 0)},
                                                {"start_utc", b.value("start_utc", std::string())},
                                                {"end_utc", b.value("end_utc", std::string())}});
                    }
                }
                v["blocked_by"] = std::move(blockers);
            }
            if (v.contains("capacity") && v["capacity"].is_object()) {
                // The memory level and the busy contacts come from every nation's images: the nation sees where and
                // when its data did not fit (satellite, time, contacts), not by how much.
                v["capacity"].erase("excess_gbit");
            }
            unserved.push_back(std::move(v));
        }
    }
    json downlinks = json::array();
    for (auto &[key, d] : passes) {
        downlinks.push_back(std::move(d));
    }
    std::stable_sort(downlinks.begin(), downlinks.end(), [](const json &a, const json &b) {
        return a.value("start_utc", std::string()) < b.value("start_utc", std::string());
    });
    std::set<std::string> total;
    for (const auto &u : unserved) {
        total.insert(u.value("request_id", std::string()));
    }
    total.insert(served.begin(), served.end());
    out["acquisitions"] = std::move(acqs);
    out["downlinks"] = std::move(downlinks);
    out["unserved"] = std::move(unserved);
    out["metrics"] = {{"scope", "tenant"},
                      {"tenant", tenant},
                      {"value", value},
                      {"requests_served", served.size()},
                      {"requests_total", total.size()}};
    return out;
}

/// A caller of a nation (requester, nation_admin): every lookup is limited to its nation.
bool nation_scoped(const Principal &p)
{
    return !store::coalition_role(p.role);
}

store::TenantScope scope_of(const Principal &p)
{
    return nation_scoped(p) ? store::TenantScope{p.tenant} : std::nullopt;
}

/// The end of a request's last occurrence.
time::Instant last_end(const mission::Request &r)
{
    if (!r.repeat) {
        return r.window_end;
    }
    return r.window_start + time::Duration::from_hours(r.repeat->every_h * (r.repeat->count - 1) + r.repeat->window_h);
}

} // namespace

// ------------------------------------------------------------------------------------ ApiError, clock

ApiError to_api_error(const Error &e)
{
    ApiError a(status_of(e.code()), std::string(to_string(e.code())), e.message(), e.context().field);
    if (e.code() == ErrorCode::conflict && e.context().field == "Idempotency-Key") {
        a = ApiError(422, "idempotency_mismatch", e.message(), "Idempotency-Key");
    }
    if (e.code() == ErrorCode::internal || e.code() == ErrorCode::storage) {
        a = ApiError(a.status(), a.code(), e.code() == ErrorCode::storage ? "the store is unavailable" : "internal error");
    }
    if (e.context().line > 0) { // the error is in a file or body the caller sent: say where
        a.source = e.context().source;
        a.line = e.context().line;
    }
    return a;
}

std::string ApiError::body() const
{
    json j{{"code", m_code}, {"message", what()}, {"field", m_field.empty() ? json(nullptr) : json(m_field)}};
    if (!source.empty()) {
        j["source"] = source;
    }
    if (line > 0) {
        j["line"] = line;
    }
    if (!errors_json.empty()) {
        j["errors"] = json::parse(errors_json);
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

time::Instant system_now()
{
    const double unix_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    // Unix time counts UTC days of 86400 s; 2440587.5 is the JD of 1970-01-01T00:00:00Z.
    const double days = std::floor(unix_s / 86400.0);
    return time::Instant::from_utc_jd(2440587.5 + days, (unix_s - days * 86400.0) / 86400.0);
}

// ------------------------------------------------------------------------------------ Service

Service::Service(store::Store &store, Fleet fleet, std::unique_ptr<Planner> planner, ServiceOptions options)
    : m_store(store), m_planner(std::move(planner)), m_options(std::move(options))
{
    if (!m_options.clock) {
        m_options.clock = system_now;
    }
    if (!(m_options.tick_s > 0.0) || !(m_options.plan_horizon_h > 0.0)) {
        throw ConfigError(ErrorCode::out_of_range, "service: tick_s and plan_horizon_h must be > 0");
    }
    if (!(m_options.max_request_window_h > 0.0) || !(m_options.max_request_lead_h > 0.0)
        || !(m_options.max_plan_horizon_h >= m_options.plan_horizon_h) || !(m_options.feasibility_budget_s > 0.0)
        || !(m_options.nation_rate_per_s >= 0.0) || (m_options.nation_rate_per_s > 0.0 && !(m_options.nation_burst >= 1.0))
        || m_options.nation_max_open < 0 || m_options.fair_batch < 1) {
        throw ConfigError(ErrorCode::out_of_range,
                          "service: the window and horizon limits and the feasibility budget must be > 0 (the largest "
                          "horizon at least the default one), the nation rate >= 0 with a burst >= 1, the quota >= 0 "
                          "and the fair batch >= 1");
    }
    if (!m_planner) {
        m_planner = make_default_planner();
    }
    m_store.upsert_stations(fleet.stations, store::Mutation{"system", "", now(), std::nullopt});
    m_fleet = fleet_with_elements(std::move(fleet));
    if (m_options.background) {
        m_worker = std::thread([this] { background_loop(); });
    }
    m_webhooks = std::make_unique<WebhookDispatcher>(m_store, m_options.webhooks);
    if (m_options.background && m_options.webhooks.background) {
        m_webhooks->start();
    }
}

Service::~Service()
{
    stop();
    if (m_worker.joinable()) {
        m_worker.join();
    }
    m_webhooks.reset(); // joins the delivery threads (each attempt ends within its timeout)
}

void Service::stop()
{
    m_cancel.store(true);
    if (m_webhooks) {
        m_webhooks->request_stop();
    }
    {
        std::lock_guard lock(m_worker_mutex);
        m_stop = true;
    }
    m_worker_cv.notify_all();
}

time::Instant Service::now() const
{
    return m_options.clock();
}

std::shared_ptr<const Fleet> Service::fleet() const
{
    std::lock_guard lock(m_fleet_mutex);
    return m_fleet;
}

std::shared_ptr<const Fleet> Service::fleet_with_elements(Fleet base)
{
    std::map<std::string, const geometry::Sensor *> sensors;
    for (const auto &s : base.sensors) {
        sensors[s.name] = &s;
    }
    std::vector<geometry::Sensor> keep_sensors = base.sensors;
    for (const auto &e : m_store.latest_elements()) {
        ParseResult<io::ElementRecord> parsed;
        try {
            parsed = io::parse_omm_text(e.omm_json, fmt::format("store:element_sets.{}", e.norad_id));
        } catch (const Error &err) {
            std::cerr << "warning: stored element set of " << e.norad_id << " does not parse: " << err.what() << '\n';
            continue;
        }
        if (parsed.items.empty()) {
            continue;
        }
        const auto &es = parsed.items.front().elements;
        auto it = std::find_if(base.satellites.begin(), base.satellites.end(), [&](const access::Satellite &s) {
            return s.propagator.elements().norad_id == e.norad_id;
        });
        if (it != base.satellites.end()) {
            if (!(es.epoch < it->propagator.elements().epoch)) {
                it->propagator = orbits::Sgp4Propagator(es, it->propagator.options());
            }
        } else if (e.sensor && sensors.count(*e.sensor)) {
            base.satellites.push_back(
                access::Satellite{orbits::Sgp4Propagator(es, base.sgp4), es.object_name.empty() ? std::to_string(e.norad_id) : es.object_name,
                                  *sensors[*e.sensor]});
        }
    }
    base.sensors = std::move(keep_sensors);
    return std::make_shared<const Fleet>(std::move(base));
}

Principal Service::authenticate(std::string_view authorization)
{
    const AuthResult r = api::authenticate(m_store, authorization, now());
    if (r.principal) {
        return *r.principal;
    }
    switch (r.failure) {
    case AuthFailure::missing: throw ApiError(401, "unauthorized", "an Authorization: Bearer <token> header is required");
    case AuthFailure::expired: throw ApiError(401, "unauthorized", "the token has expired");
    case AuthFailure::revoked: throw ApiError(401, "unauthorized", "the token has been revoked");
    default: throw ApiError(401, "unauthorized", "invalid token");
    }
}

void Service::require(const Principal &p, Role role, const char *what) const
{
    // The coalition's roles: operator < admin. A nation's roles (requester, nation_admin) hold neither; what a
    // nation_admin may do beyond a requester (its own nation's tokens and audit) is checked where it is done.
    bool ok = false;
    switch (role) {
    case Role::requester: ok = true; break;
    case Role::nation_admin: ok = p.role == Role::nation_admin || p.role == Role::admin; break;
    case Role::operator_: ok = store::coalition_role(p.role); break;
    case Role::admin: ok = p.role == Role::admin; break;
    }
    if (!ok) {
        throw ApiError(403, "forbidden",
                       role == Role::nation_admin
                           ? fmt::format("{} needs the nation_admin (own nation) or admin role", what)
                           : fmt::format("{} needs the coalition's {} role", what, store::to_string(role)));
    }
}

void Service::check_body_size(std::string_view body, std::size_t limit) const
{
    if (body.size() > limit) {
        throw ApiError(413, "payload_too_large", fmt::format("the body is {} bytes; the limit is {}", body.size(), limit));
    }
}

store::Mutation Service::mutation(const Principal &p, const std::optional<std::string> &key, const std::string &operation,
                                  std::string_view body) const
{
    store::Mutation m{p.token_id, p.tenant, now(), std::nullopt};
    if (key) {
        const bool ok = !key->empty() && key->size() <= 255
                        && std::all_of(key->begin(), key->end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
        if (!ok) {
            throw ApiError(400, "syntax", "Idempotency-Key must be 1 to 255 printable ASCII characters",
                           "Idempotency-Key");
        }
        std::string call = operation;
        call += '\n';
        call.append(body.data(), body.size());
        m.idempotency = store::Idempotency{p.token_id, *key, hash_secret(call)};
    }
    return m;
}

std::optional<Response> Service::replay_if_known(const store::Mutation &m)
{
    if (!m.idempotency) {
        return std::nullopt;
    }
    try {
        if (auto s = m_store.find_idempotent(*m.idempotency)) {
            return from_stored(*s, true);
        }
    } catch (const Error &e) {
        raise(e);
    }
    return std::nullopt;
}

/// A path id names a request as follows: a coalition caller gives the full id (`FR:op-1`); a nation's caller may
/// give the full id of its own nation or the client id (`op-1`, qualified with its nation). Requests stored before
/// ids were namespaced keep their plain id, which a nation's caller reaches as is.
std::string Service::resolve_request_id(const Principal &p, const std::string &id)
{
    if (!nation_scoped(p) || id.rfind(p.tenant + ":", 0) == 0) {
        return id;
    }
    return p.tenant + ":" + id;
}

std::optional<store::RequestRecord> Service::visible_request(const Principal &p, const std::string &id)
{
    // NOTE: a nation's caller looks up with its nation in the WHERE clause: another nation's request is never
    // read, and is answered exactly like one that does not exist (404, same body).
    const auto scope = scope_of(p);
    auto r = m_store.get_request(resolve_request_id(p, id), true, scope);
    if (!r && scope && resolve_request_id(p, id) != id) {
        r = m_store.get_request(id, true, scope); // a plain id stored before namespacing
    }
    return r;
}

std::optional<Response> Service::rate_limited(const Principal &p)
{
    if (!(m_options.nation_rate_per_s > 0.0)) {
        return std::nullopt;
    }
    const auto t = std::chrono::steady_clock::now();
    double wait_s = 0.0;
    {
        std::lock_guard lock(m_bucket_mutex);
        auto [it, fresh] = m_buckets.try_emplace(p.tenant, Bucket{m_options.nation_burst, t});
        Bucket &b = it->second;
        if (!fresh) {
            b.tokens = std::min(m_options.nation_burst,
                                b.tokens + std::chrono::duration<double>(t - b.at).count() * m_options.nation_rate_per_s);
            b.at = t;
        }
        if (b.tokens >= 1.0) {
            b.tokens -= 1.0;
            return std::nullopt;
        }
        wait_s = (1.0 - b.tokens) / m_options.nation_rate_per_s;
    }
    const int retry = std::max(1, static_cast<int>(std::ceil(wait_s)));
    Response r = json_response(
        429, {{"code", "rate_limited"},
              {"message", fmt::format("nation {} is over its rate of {} submissions per second (burst {}): retry in {} s",
                                      p.tenant, m_options.nation_rate_per_s, m_options.nation_burst, retry)},
              {"field", nullptr}});
    r.headers.emplace_back("Retry-After", std::to_string(retry));
    return r;
}

void Service::check_request_bounds(const mission::Request &r, bool submission) const
{
    const auto t = now();
    const char *end_field = r.repeat ? "repeat.count" : "window_end_utc";
    const double span_h = (last_end(r) - r.window_start).seconds() / 3600.0;
    if (span_h > m_options.max_request_window_h) {
        throw ApiError(400, "out_of_range",
                       fmt::format("the request's windows span {:.1f} h from window_start_utc to the end of the last "
                                   "occurrence; the limit is {} h",
                                   span_h, m_options.max_request_window_h),
                       end_field);
    }
    if ((r.window_start - t).seconds() / 3600.0 > m_options.max_request_lead_h) {
        throw ApiError(400, "out_of_range",
                       fmt::format("window_start_utc is more than {} h after now ({})", m_options.max_request_lead_h,
                                   iso(t)),
                       "window_start_utc");
    }
    if (submission && !m_options.simulate && !(t < last_end(r))) {
        throw ApiError(400, "out_of_range",
                       fmt::format("the request's window has already ended (now is {})", iso(t)), end_field);
    }
}

void Service::wake_worker()
{
    {
        std::lock_guard lock(m_worker_mutex);
        m_worker_wake = true;
    }
    m_worker_cv.notify_all();
}

void Service::background_loop()
{
    for (;;) {
        {
            std::unique_lock lock(m_worker_mutex);
            m_worker_cv.wait_for(lock, std::chrono::duration<double>(m_options.tick_s),
                                 [&] { return m_stop || m_worker_wake; });
            if (m_stop) {
                return;
            }
            m_worker_wake = false;
        }
        try {
            process_pending();
            if (!stopping()) {
                simulate_tick();
            }
            if (!stopping() && std::chrono::steady_clock::now() - m_last_expiry > std::chrono::seconds(60)) {
                // Not while a plan runs (it expires what it must itself): a request it schedules is not expired
                // under it.
                std::unique_lock no_plan(m_plan_mutex, std::try_to_lock);
                if (no_plan.owns_lock()) {
                    m_last_expiry = std::chrono::steady_clock::now();
                    expire_passed();
                }
            }
        } catch (const Error &e) {
            if (e.code() != ErrorCode::cancelled) {
                std::cerr << "vantage serve: background work failed: " << e.what() << '\n';
            }
        } catch (const std::exception &e) {
            std::cerr << "vantage serve: background work failed: " << e.what() << '\n';
        }
    }
}

std::size_t Service::expire_passed(std::optional<time::Instant> at)
{
    const time::Instant t = at.value_or(now());
    std::vector<store::Transition> expired;
    each_request(m_store, {RequestStatus::submitted, RequestStatus::feasible}, [&](const store::RequestRecord &r) {
        const auto occ = mission::occurrences(r.request);
        if (occ.empty() || t < occ.back().end) {
            return;
        }
        store::AcquisitionQuery aq; // one with an image planned or taken waits for it instead
        aq.request_id = r.request.id;
        aq.tenant = r.request.tenant;
        aq.states = {AcquisitionState::planned, AcquisitionState::succeeded, AcquisitionState::delivered};
        if (m_store.list_acquisitions(aq).empty()) {
            expired.push_back({r.request.id, {RequestStatus::submitted, RequestStatus::feasible}, RequestStatus::expired,
                               "window passed unserved", std::nullopt, r.request.tenant, std::nullopt});
        }
    });
    return expired.empty() ? 0
                           : m_store.apply_transitions(expired, store::Mutation{"system", "", t, std::nullopt},
                                                       "request.expire");
}

// --- operations

Response Service::health()
{
    const auto f = fleet();
    return json_response(200, {{"status", "ok"},
                               {"version", m_options.version},
                               {"store", m_store.backend()},
                               {"schema_version", m_store.schema_version()},
                               {"planner", m_planner->name()},
                               {"simulate", m_options.simulate},
                               {"now_utc", iso(now())},
                               {"satellites", f->satellites.size()},
                               {"stations", f->stations.size()}});
}

Response Service::whoami(const Principal &p)
{
    return json_response(200, {{"token_id", p.token_id}, {"tenant", p.tenant}, {"role", store::to_string(p.role)}});
}

Response Service::submit_request(const Principal &p, std::string_view body, const std::optional<std::string> &key)
{
    check_body_size(body, m_options.max_request_body_bytes);
    const store::Mutation m = mutation(p, key, "POST /api/v1/requests", body);
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    if (auto limited = rate_limited(p)) {
        return *limited;
    }
    mission::Request request;
    try {
        request = io::parse_request_json(body, "request body", io::RequestDefaults{random_hex(8), p.tenant});
    } catch (const Error &e) {
        raise(e);
    }
    if (request.tenant != p.tenant) {
        throw ApiError(403, "tenant_mismatch",
                       fmt::format("this token belongs to {}; a request of {} cannot be submitted with it", p.tenant,
                                   request.tenant),
                       "tenant");
    }
    // NOTE: ids are namespaced by nation: the stored id is "<nation>:<client id>", so a client's id never meets
    // another nation's (no 409 that would reveal one).
    const std::size_t max_client_id = 64 - p.tenant.size() - 1;
    if (request.id.size() > max_client_id) {
        throw ApiError(400, "syntax", fmt::format("id must be at most {} characters for nation {}", max_client_id, p.tenant),
                       "id");
    }
    request.id = p.tenant + ":" + request.id;
    check_request_bounds(request, true);
    if (m_options.nation_max_open > 0 && m_store.count_open_requests(p.tenant) >= m_options.nation_max_open) {
        Response r = json_response(
            429, {{"code", "quota_exceeded"},
                  {"message", fmt::format("nation {} has {} open requests (SUBMITTED, FEASIBLE or SCHEDULED), its quota: "
                                          "cancel some or wait until they are served",
                                          p.tenant, m_options.nation_max_open)},
                  {"field", nullptr}});
        r.headers.emplace_back("Retry-After", "60");
        return r;
    }
    const store::Render<store::RequestRecord> render = [](const store::RequestRecord &r) {
        return store::StoredResponse{201, json{{"id", r.request.id},
                                               {"status", store::to_string(r.status)},
                                               {"tenant", r.request.tenant},
                                               {"created_utc", iso(r.created)}}
                                              .dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    store::Written<store::RequestRecord> w;
    try {
        w = m_store.submit_request(request, m, render);
    } catch (const Error &e) {
        raise(e);
    }
    if (w.replay) {
        return from_stored(*w.replay, true);
    }
    wake_worker();
    Response r = from_stored(render(w.value), false);
    r.headers.emplace_back("Location", "/api/v1/requests/" + w.value.request.id);
    return r;
}

Response Service::list_requests(const Principal &p, const Query &q)
{
    store::RequestQuery rq;
    rq.limit = decode_limit(q) + 1; // one more tells whether there is a next page
    rq.after_seq = decode_cursor(q);
    if (auto s = query_value(q, "status")) {
        const auto st = store::parse_request_status(*s);
        if (!st) {
            throw ApiError(400, "out_of_range",
                           "status must be one of SUBMITTED, FEASIBLE, INFEASIBLE, SCHEDULED, ACQUIRED, DELIVERED, CANCELLED, EXPIRED",
                           "status");
        }
        rq.status = st;
    }
    if (nation_scoped(p)) {
        rq.tenant = p.tenant; // a nation's caller lists its own nation only, whatever ?tenant= says
    } else if (auto t = query_value(q, "tenant")) {
        rq.tenant = *t;
    }
    auto rows = m_store.list_requests(rq);
    json items = json::array();
    json next = nullptr;
    if (static_cast<int>(rows.size()) == rq.limit) {
        rows.pop_back();
        next = encode_cursor(rows.back().seq);
    }
    for (const auto &r : rows) {
        items.push_back(request_summary(r));
    }
    return json_response(200, {{"items", items}, {"next_cursor", next}});
}

Response Service::get_request(const Principal &p, const std::string &id)
{
    const auto r = visible_request(p, id);
    if (!r) {
        // A request stored by an older version that the strict parser refuses was moved aside when the store was
        // opened (store::revalidate_requests): its owner learns why, and that it must be submitted again.
        const auto scope = scope_of(p);
        auto q = m_store.get_quarantined_request(resolve_request_id(p, id), scope);
        if (!q && resolve_request_id(p, id) != id) {
            q = m_store.get_quarantined_request(id, scope);
        }
        if (q) {
            throw ApiError(410, "quarantined",
                           fmt::format("request '{}' was stored by an earlier version and no longer passes validation "
                                       "({}); it is kept aside, not planned: submit it again, corrected",
                                       q->id, q->error),
                           q->field);
        }
        throw ApiError(404, "not_found", fmt::format("no request '{}'", id), "id");
    }
    json j = request_summary(*r);
    json history = json::array();
    for (const auto &e : r->history) {
        history.push_back({{"status", store::to_string(e.status)}, {"time_utc", iso(e.time)}, {"actor", e.actor}, {"note", e.note}});
    }
    j["status_history"] = std::move(history);
    j["feasibility"] = r->feasibility.empty() ? json(nullptr) : json::parse(r->feasibility);
    store::AcquisitionQuery aq;
    aq.request_id = r->request.id;
    aq.tenant = r->request.tenant;
    json acqs = json::array();
    for (const auto &a : m_store.list_acquisitions(aq)) {
        acqs.push_back(acquisition_summary(a));
    }
    j["acquisitions"] = std::move(acqs);
    j["version"] = r->version();
    Response out = json_response(200, j);
    out.headers.emplace_back("ETag", etag_of(r->version()));
    return out;
}

Response Service::amend_request(const Principal &p, const std::string &id, std::string_view body,
                                const std::optional<std::string> &if_match, const std::optional<std::string> &key)
{
    check_body_size(body, m_options.max_request_body_bytes);
    const store::Mutation m = mutation(p, key, "PATCH /api/v1/requests/" + id + " " + if_match.value_or(""), body);
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    if (!if_match) {
        throw ApiError(428, "precondition_required",
                       "an amendment needs If-Match: the ETag of GET /api/v1/requests/{id} (or *), so that it does not "
                       "overwrite a change it has not seen",
                       "If-Match");
    }
    const auto found = visible_request(p, id);
    if (!found) {
        throw ApiError(404, "not_found", fmt::format("no request '{}'", id), "id");
    }
    std::int64_t expected = found->version();
    if (*if_match != "*") {
        std::string tag = *if_match;
        if (tag.rfind("W/", 0) == 0) {
            throw ApiError(412, "precondition_failed", "If-Match needs the strong ETag of the request (\"v<version>\")",
                           "If-Match");
        }
        const bool ok = tag.size() >= 4 && tag.front() == '"' && tag.back() == '"' && tag[1] == 'v' && tag.size() <= 21
                        && std::all_of(tag.begin() + 2, tag.end() - 1, [](char ch) { return ch >= '0' && ch <= '9'; });
        if (!ok) {
            throw ApiError(412, "precondition_failed", "If-Match must be the request's ETag, e.g. \"v12\", or *", "If-Match");
        }
        expected = std::stoll(tag.substr(2, tag.size() - 3));
    }
    if (auto limited = rate_limited(p)) {
        return *limited;
    }
    // An INFEASIBLE request is not open; amended, it is again: the nation's quota of open requests applies.
    if (found->status == RequestStatus::infeasible && m_options.nation_max_open > 0
        && m_store.count_open_requests(found->request.tenant) >= m_options.nation_max_open) {
        Response r = json_response(429, {{"code", "quota_exceeded"},
                                         {"message", fmt::format("nation {} has {} open requests, its quota: amending an "
                                                                 "infeasible one would open one more",
                                                                 found->request.tenant, m_options.nation_max_open)},
                                         {"field", nullptr}});
        r.headers.emplace_back("Retry-After", "60");
        return r;
    }
    const json patch = parse_json_body(body, "the body");
    if (!patch.is_object() || patch.empty()) {
        throw ApiError(400, "syntax", "the body must be a JSON Merge Patch object (RFC 7396) with at least one key");
    }
    json doc = json::parse(io::request_to_json(found->request));
    std::string changed;
    for (const auto &kv : patch.items()) {
        if (kv.key() == "id" || kv.key() == "tenant") {
            if (kv.value() != doc[kv.key()]) {
                throw ApiError(400, "unsupported", fmt::format("a request's {} cannot be amended", kv.key()), kv.key());
            }
            continue;
        }
        changed += (changed.empty() ? "" : ", ") + kv.key();
    }
    doc.merge_patch(patch);
    // NOTE: the tier and urgent keys say the same thing; a patch of one follows the other (the patch wins).
    if (patch.contains("urgent") && !patch.contains("tier")) {
        doc.erase("tier");
    } else if (patch.contains("tier") && !patch.contains("urgent")) {
        doc.erase("urgent");
    }
    mission::Request amended;
    try {
        amended = io::parse_request_json(doc.dump(), "request body", io::RequestDefaults{found->request.id, found->request.tenant});
    } catch (const Error &e) {
        raise(e);
    }
    check_request_bounds(amended, true);
    const store::Render<store::RequestRecord> render = [](const store::RequestRecord &r) {
        return store::StoredResponse{200, request_summary(r).dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    try {
        const auto w = m_store.amend_request(amended, expected, changed.empty() ? std::string("nothing") : changed, m, render,
                                             scope_of(p));
        if (w.replay) {
            return from_stored(*w.replay, true);
        }
        wake_worker();
        json out = request_summary(w.value);
        out["version"] = w.value.version();
        Response r = json_response(200, out);
        r.headers.emplace_back("ETag", etag_of(w.value.version()));
        return r;
    } catch (const Error &e) {
        if (e.code() == ErrorCode::conflict && e.context().field == "If-Match") {
            throw ApiError(412, "precondition_failed", e.what(), "If-Match");
        }
        raise(e);
    }
}

Response Service::cancel_request(const Principal &p, const std::string &id, const std::optional<std::string> &key)
{
    const store::Mutation m = mutation(p, key, "POST /api/v1/requests/" + id + "/cancel", "");
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    const auto found = visible_request(p, id);
    if (!found) {
        throw ApiError(404, "not_found", fmt::format("no request '{}'", id), "id");
    }
    const store::Render<store::RequestRecord> render = [](const store::RequestRecord &r) {
        return store::StoredResponse{200, request_summary(r).dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    try {
        const auto w = m_store.cancel_request(found->request.id, m, render, scope_of(p));
        return w.replay ? from_stored(*w.replay, true) : from_stored(render(w.value), false);
    } catch (const Error &e) {
        raise(e);
    }
}

Response Service::feasibility(const Principal &p, std::string_view body)
{
    PreparedSearch s = prepare_feasibility(p, body);
    return s.refused ? *s.refused : s.run();
}

Service::PreparedSearch Service::prepare_feasibility(const Principal &p, std::string_view body)
{
    check_body_size(body, m_options.max_request_body_bytes);
    mission::Request request;
    try {
        request = io::parse_request_json(body, "request body", io::RequestDefaults{"proposed", p.tenant});
    } catch (const Error &e) {
        raise(e);
    }
    if (request.tenant != p.tenant) {
        throw ApiError(403, "tenant_mismatch", fmt::format("this token belongs to {}", p.tenant), "tenant");
    }
    check_request_bounds(request, false);
    PreparedSearch out;
    if (auto limited = rate_limited(p)) {
        out.refused = std::move(limited);
        return out;
    }
    out.run = [this, request = std::move(request)]() {
        const auto t = now();
        Opportunities o;
        try {
            SearchLimits limits = m_options.feasibility;
            limits.budget_s = m_options.feasibility_budget_s;
            limits.cancel = &m_cancel;
            o = find_opportunities(*fleet(), request, t, limits);
        } catch (const Error &e) {
            raise(e);
        }
        json j = opportunities_json(o, t, true);
        j["request"] = json::parse(io::request_to_json(request));
        return json_response(200, j);
    };
    return out;
}

std::size_t Service::process_pending(std::size_t max_requests)
{
    std::size_t changed = 0;
    std::size_t searched = 0;
    // NOTE: round robin across nations: each round takes the `fair_batch` oldest SUBMITTED requests of every
    // nation that has some and interleaves them, so a nation that floods the queue delays another nation's
    // request by at most one round (docs/architecture/api.md § Quotas and fairness).
    while (searched < max_requests && !stopping()) {
        std::lock_guard guard(m_pending_mutex); // one round at a time (the worker and a planning run)
        const auto f = fleet();
        if (f->satellites.empty()) {
            return changed; // nothing to search with yet: requests stay SUBMITTED until element sets arrive
        }
        const auto tenants = m_store.tenants_with_submitted();
        if (tenants.empty()) {
            break;
        }
        std::vector<std::vector<store::RequestRecord>> queues;
        for (const auto &tenant : tenants) {
            store::RequestQuery q;
            q.status = RequestStatus::submitted;
            q.tenant = tenant;
            q.limit = m_options.fair_batch;
            queues.push_back(m_store.list_requests(q));
        }
        bool any = false;
        for (int i = 0; i < m_options.fair_batch && searched < max_requests && !stopping(); ++i) {
            for (const auto &queue : queues) {
                if (static_cast<std::size_t>(i) >= queue.size() || searched >= max_requests || stopping()) {
                    continue;
                }
                const auto &r = queue[static_cast<std::size_t>(i)];
                any = true;
                ++searched;
                const auto t = now();
                SearchLimits limits = m_options.feasibility;
                limits.stop_at_first_feasible = true;
                limits.budget_s = m_options.feasibility_budget_s;
                limits.cancel = &m_cancel;
                store::Transition tr;
                tr.request_id = r.request.id;
                tr.tenant = r.request.tenant;
                tr.from = {RequestStatus::submitted};
                tr.expected_request = r.request; // an amendment meanwhile voids this verdict
                try {
                    const Opportunities o = find_opportunities(*f, r.request, t, limits);
                    tr.to = o.feasible ? RequestStatus::feasible : RequestStatus::infeasible;
                    tr.note = o.feasible ? fmt::format("first opportunity {} by {}", iso(o.items.front().window.start),
                                                       o.items.front().satellite_name)
                                         : o.reason;
                    tr.feasibility = opportunities_json(o, t, false).dump(-1, ' ', false, json::error_handler_t::replace);
                } catch (const Error &e) {
                    if (e.code() == ErrorCode::cancelled) {
                        return changed; // stopping: the request stays SUBMITTED
                    }
                    tr.to = RequestStatus::infeasible;
                    tr.note = fmt::format("the opportunity search failed: {}", e.what());
                    tr.feasibility = json{{"feasible", false}, {"reason", tr.note}, {"checked_utc", iso(t)}}.dump(
                        -1, ' ', false, json::error_handler_t::replace);
                }
                changed += m_store.apply_transitions({tr}, store::Mutation{"system", "", t, std::nullopt},
                                                     "request.feasibility");
            }
        }
        if (!any) {
            break;
        }
    }
    return changed;
}

Response Service::plan(const Principal &p, std::string_view body, const std::optional<std::string> &key)
{
    require(p, Role::operator_, "planning");
    check_body_size(body, m_options.max_request_body_bytes);
    const store::Mutation m = mutation(p, key, "POST /api/v1/plan", body);
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    time::Instant plan_now = now();
    double horizon_h = m_options.plan_horizon_h;
    bool horizon_given = false, new_horizon = false;
    if (!body.empty()) {
        const json j = parse_json_body(body, "the body");
        check_keys(j, {"now_utc", "horizon_h", "new_horizon"});
        if (j.contains("new_horizon")) {
            if (!j["new_horizon"].is_boolean()) {
                throw ApiError(400, "syntax", "new_horizon must be true or false", "new_horizon");
            }
            new_horizon = j["new_horizon"].get<bool>();
        }
        if (j.contains("now_utc")) {
            if (!j["now_utc"].is_string()) {
                throw ApiError(400, "syntax", "now_utc must be an ISO 8601 UTC string", "now_utc");
            }
            try {
                plan_now = time::Instant::parse_iso8601(j["now_utc"].get<std::string>());
            } catch (const Error &) {
                throw ApiError(400, "invalid_time", "now_utc is not an ISO 8601 UTC time", "now_utc");
            }
        }
        if (j.contains("horizon_h")) {
            if (!j["horizon_h"].is_number() || !(j["horizon_h"].get<double>() > 0.0)
                || j["horizon_h"].get<double>() > m_options.max_plan_horizon_h) {
                throw ApiError(400, "out_of_range", fmt::format("horizon_h must be a number in (0, {}]", m_options.max_plan_horizon_h),
                               "horizon_h");
            }
            horizon_h = j["horizon_h"].get<double>();
            horizon_given = true;
        }
    }
    std::lock_guard one_plan(m_plan_mutex);
    // Requests submitted a moment ago are planned too; a long queue is the worker's (the plan does not wait for it).
    process_pending(256);
    expire_passed(plan_now); // what can no longer be served says so before the plan

    PlanInput in;
    in.now = plan_now;
    in.horizon_end = plan_now + time::Duration::from_hours(horizon_h);
    in.fleet = fleet();
    in.plan_id = fmt::format("plan-{}-{}", compact(now()), random_hex(3));
    in.cancel = &m_cancel;
    in.horizon_given = horizon_given;
    in.new_horizon = new_horizon;
    std::set<std::string> ids;
    each_request(m_store, {RequestStatus::feasible, RequestStatus::scheduled}, [&](const store::RequestRecord &r) {
        in.requests.push_back(r.request);
        ids.insert(r.request.id);
    });
    store::AcquisitionQuery aq;
    aq.states = {AcquisitionState::planned, AcquisitionState::succeeded, AcquisitionState::delivered,
                 AcquisitionState::failed};
    for (const auto &a : m_store.list_acquisitions(aq)) {
        if (a.state == AcquisitionState::failed) {
            in.failed.push_back(a.acquisition_id);
        } else if (a.state != AcquisitionState::planned) {
            in.served.insert({a.request_id, a.occurrence});
        } else if (a.start <= plan_now && ids.count(a.request_id)) {
            // started: in progress, or done and awaiting its outcome - kept as it is, never superseded by a plan
            in.locked.push_back(a.document);
        }
    }
    in.previous_plan_id = m_store.latest_plan_id(); // the id only: the planner holds its own plan
    std::string doc_text;
    try {
        doc_text = m_planner->plan(in);
    } catch (const Error &e) {
        if (e.code() == ErrorCode::cancelled) {
            throw ApiError(503, "cancelled", "the service is stopping: the plan was cancelled");
        }
        raise(e);
    }
    // The planner's document must hold what the service relies on.
    json doc;
    std::vector<store::AcquisitionRecord> acqs;
    try {
        doc = json::parse(doc_text);
        if (!doc.is_object() || !doc.contains("acquisitions") || !doc["acquisitions"].is_array()) {
            throw std::runtime_error("no acquisitions array");
        }
        std::map<std::string, const mission::Request *> by_id;
        for (const auto &r : in.requests) {
            by_id[r.id] = &r;
        }
        std::set<std::string> acq_ids;
        for (const auto &a : doc["acquisitions"]) {
            store::AcquisitionRecord rec;
            rec.acquisition_id = a.at("acquisition_id").get<std::string>();
            rec.request_id = a.at("request_id").get<std::string>();
            const auto it = by_id.find(rec.request_id);
            if (it == by_id.end()) {
                throw std::runtime_error("acquisition of an unknown request " + rec.request_id);
            }
            if (!acq_ids.insert(rec.acquisition_id).second) {
                throw std::runtime_error("duplicate acquisition_id " + rec.acquisition_id);
            }
            rec.plan_id = in.plan_id;
            rec.tenant = it->second->tenant;
            rec.occurrence = a.at("occurrence").get<int>();
            rec.satellite = a.at("satellite").get<std::string>();
            rec.norad_id = a.at("norad_id").get<std::uint32_t>();
            rec.start = time::Instant::parse_iso8601(a.at("start_utc").get<std::string>());
            rec.end = time::Instant::parse_iso8601(a.at("end_utc").get<std::string>());
            if (!(rec.start < rec.end)) {
                throw std::runtime_error("acquisition " + rec.acquisition_id + " does not end after it starts");
            }
            if (a.contains("delivered_utc") && a["delivered_utc"].is_string()) {
                rec.delivered = time::Instant::parse_iso8601(a["delivered_utc"].get<std::string>());
            }
            rec.document = a.dump(-1, ' ', false, json::error_handler_t::replace);
            acqs.push_back(std::move(rec));
        }
    } catch (const std::exception &e) {
        throw ApiError(500, "internal", fmt::format("the planner '{}' returned an invalid plan document: {}",
                                                    m_planner->name(), e.what()));
    }
    doc["plan_id"] = in.plan_id;
    doc["planner"] = doc.value("planner", m_planner->name());
    doc["created_utc"] = iso(now());
    doc["now_utc"] = iso(plan_now);
    const store::PlanRecord rec{in.plan_id, 0, now(), plan_now, m_planner->name(), p.token_id, doc.dump(-1, ' ', false, json::error_handler_t::replace)};
    const std::vector<std::string> planned(ids.begin(), ids.end());
    const store::Render<store::PlanRecord> render = [&](const store::PlanRecord &pr) {
        return store::StoredResponse{
            201, json{{"plan_id", pr.plan_id},
                      {"planner", pr.planner},
                      {"created_utc", iso(pr.created)},
                      {"now_utc", iso(pr.now)},
                      {"horizon_end_utc", iso(in.horizon_end)},
                      {"requests", in.requests.size()},
                      {"acquisitions", doc["acquisitions"].size()},
                      {"unserved", doc.value("unserved", json::array()).size()},
                      {"metrics", doc.value("metrics", json::object())},
                      {"replan", doc.value("replan", json(nullptr))}}
                     .dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    try {
        const auto w = m_store.save_plan(rec, acqs, planned, m, render);
        return w.replay ? from_stored(*w.replay, true) : from_stored(render(w.value), false);
    } catch (const Error &e) {
        raise(e);
    }
}

Response Service::get_plan(const Principal &p)
{
    auto doc = plan_view(p);
    if (!doc) {
        throw ApiError(404, "not_found", "no plan has been made yet (POST /api/v1/plan)");
    }
    return json_response(200, *doc);
}

std::optional<json> Service::plan_view(const Principal &p)
{
    const auto plan = m_store.latest_plan();
    if (!plan) {
        return std::nullopt;
    }
    json doc = json::parse(plan->document);
    store::AcquisitionQuery aq;
    aq.plan_id = plan->plan_id;
    std::map<std::string, store::AcquisitionRecord> state;
    for (auto &a : m_store.list_acquisitions(aq)) {
        state.emplace(a.acquisition_id, std::move(a));
    }
    for (auto &a : doc["acquisitions"]) {
        const auto it = state.find(a.value("acquisition_id", std::string()));
        a["state"] = it == state.end() ? "superseded" : std::string(store::to_string(it->second.state));
    }
    if (nation_scoped(p)) {
        std::set<std::string> own;
        for (const auto &u : doc.value("unserved", json::array())) {
            const std::string id = u.value("request_id", std::string());
            if (!own.count(id)) {
                if (auto r = m_store.get_request(id, false, p.tenant)) {
                    own.insert(id);
                }
            }
        }
        doc = filter_plan(doc, p.tenant, own);
    }
    return doc;
}

Response Service::get_plan_czml(const Principal &p)
{
    const auto t = now();
    const auto plan = m_store.latest_plan();
    json doc = json::object();
    if (plan) {
        doc = plan_view(p).value_or(json::object()); // the caller's view, not another answer's text parsed again
    }
    // The requests shown: those of the plan, plus the caller's open requests (their targets and AOIs).
    std::map<std::string, mission::Request> requests;
    std::set<std::string> ids;
    for (const auto &a : doc.value("acquisitions", json::array())) {
        ids.insert(a.value("request_id", std::string()));
    }
    for (const auto &u : doc.value("unserved", json::array())) {
        ids.insert(u.value("request_id", std::string()));
    }
    for (const auto &id : ids) {
        if (auto r = visible_request(p, id)) {
            requests.emplace(id, r->request);
        }
    }
    store::RequestQuery q;
    q.limit = 1000;
    if (nation_scoped(p)) {
        q.tenant = p.tenant;
    }
    for (auto status : {RequestStatus::submitted, RequestStatus::feasible, RequestStatus::scheduled}) {
        q.status = status;
        for (const auto &r : m_store.list_requests(q)) {
            requests.emplace(r.request.id, r.request);
        }
    }
    std::vector<mission::Request> shown;
    for (auto &[id, r] : requests) {
        shown.push_back(std::move(r));
    }
    time::Instant start = t;
    time::Instant stop = t + time::Duration::from_hours(12.0);
    if (plan) {
        start = plan->now;
        stop = plan->now + time::Duration::from_hours(12.0);
        if (doc.contains("horizon_end_utc") && doc["horizon_end_utc"].is_string()) {
            stop = time::Instant::parse_iso8601(doc["horizon_end_utc"].get<std::string>());
        }
        for (const auto &a : doc.value("acquisitions", json::array())) {
            const auto end = time::Instant::parse_iso8601(a.value("end_utc", iso(stop)));
            if (stop < end) {
                stop = end;
            }
        }
    }
    Response r;
    r.content_type = "application/json";
    r.body = build_czml(*fleet(), doc.dump(-1, ' ', false, json::error_handler_t::replace), shown, start, stop);
    return r;
}

Response Service::record_outcome(const Principal &p, const std::string &acquisition_id, std::string_view body,
                                 const std::optional<std::string> &key)
{
    require(p, Role::operator_, "reporting an acquisition outcome");
    check_body_size(body, m_options.max_request_body_bytes);
    const store::Mutation m = mutation(p, key, "POST /api/v1/acquisitions/" + acquisition_id + "/outcome", body);
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    const json j = parse_json_body(body, "the body");
    check_keys(j, {"outcome", "note"});
    if (!j.contains("outcome") || !j["outcome"].is_string()) {
        throw ApiError(400, "missing_field", "outcome (succeeded, failed, cloudy or delivered) is required", "outcome");
    }
    const std::string outcome = j["outcome"].get<std::string>();
    std::string note;
    if (j.contains("note")) {
        if (!j["note"].is_string() || j["note"].get<std::string>().size() > 1000) {
            throw ApiError(400, "syntax", "note must be a string of at most 1000 characters", "note");
        }
        note = j["note"].get<std::string>();
    }
    std::vector<AcquisitionState> from;
    AcquisitionState to = AcquisitionState::succeeded;
    if (outcome == "succeeded") {
        from = {AcquisitionState::planned};
        to = AcquisitionState::succeeded;
    } else if (outcome == "failed" || outcome == "cloudy") {
        // cloudy: an optical image the clouds spoiled - failed, so its occurrence goes back to the queue for the next
        // plan (issue 15); the note says why
        from = {AcquisitionState::planned, AcquisitionState::succeeded};
        to = AcquisitionState::failed;
        if (outcome == "cloudy" && note.empty()) {
            note = "cloudy";
        }
    } else if (outcome == "delivered") {
        from = {AcquisitionState::planned, AcquisitionState::succeeded};
        to = AcquisitionState::delivered;
    } else {
        throw ApiError(400, "out_of_range", "outcome must be one of: succeeded, failed, cloudy, delivered", "outcome");
    }
    const store::Render<store::AcquisitionRecord> render = [](const store::AcquisitionRecord &a) {
        json out = acquisition_summary(a);
        out["request_id"] = a.request_id;
        return store::StoredResponse{200, out.dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    try {
        const auto w = m_store.record_outcome(acquisition_id, from, to, note, m, render);
        if (w.replay) {
            return from_stored(*w.replay, true);
        }
        // The live answer also tells where the request now stands (read after the commit).
        json out = json::parse(render(w.value).body);
        const auto r = m_store.get_request(w.value.request_id, false, w.value.tenant);
        out["request_status"] = r ? json(std::string(store::to_string(r->status))) : json(nullptr);
        return json_response(200, out);
    } catch (const Error &e) {
        raise(e);
    }
}

Response Service::upload_elements(const Principal &p, std::string_view body, const Query &q,
                                  const std::optional<std::string> &key)
{
    require(p, Role::operator_, "uploading element sets");
    check_body_size(body, m_options.max_elements_body_bytes);
    std::string source = "upload";
    if (auto s = query_value(q, "source")) {
        const bool ok = !s->empty() && s->size() <= 64 && std::all_of(s->begin(), s->end(), [](unsigned char c) {
            return std::isalnum(c) || c == '.' || c == '_' || c == '-';
        });
        if (!ok) {
            throw ApiError(400, "syntax", "source must be a file name: 1 to 64 characters of A-Z a-z 0-9 . _ -", "source");
        }
        source = *s;
    }
    const auto f = fleet();
    std::optional<geometry::Sensor> sensor;
    if (auto s = query_value(q, "sensor")) {
        const auto it = std::find_if(f->sensors.begin(), f->sensors.end(), [&](const geometry::Sensor &x) { return x.name == *s; });
        if (it == f->sensors.end()) {
            std::string known;
            for (const auto &x : f->sensors) {
                known += (known.empty() ? "" : ", ") + x.name;
            }
            throw ApiError(400, "out_of_range", fmt::format("unknown sensor '{}' (known: {})", *s, known.empty() ? "none" : known),
                           "sensor");
        }
        sensor = *it;
    }
    const store::Mutation m = mutation(p, key, "POST /api/v1/elements?sensor=" + (sensor ? sensor->name : "") + "&source=" + source, body);
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    if (body.empty()) {
        throw ApiError(400, "missing_field", "the body must hold TLE or OMM (KVN, XML, JSON or CSV) element sets");
    }
    ParseResult<io::ElementRecord> parsed;
    std::string format;
    try {
        format = std::string(io::to_string(io::detect_element_format(body)));
        parsed = io::parse_elements_text(body, source);
    } catch (const Error &e) {
        raise(e);
    }
    if (parsed.items.empty()) {
        if (parsed.rejected.empty()) {
            throw ApiError(400, "missing_field", "no element sets found in the body");
        }
        const auto &d = parsed.rejected.front();
        ApiError a(400, std::string(to_string(d.code)),
                   fmt::format("no element set accepted; {} rejected (first: {})", parsed.rejected.size(), d.message),
                   d.context.field);
        a.source = d.context.source;
        a.line = d.context.line;
        a.errors_json = diagnostics_json(parsed.rejected).dump(-1, ' ', false, json::error_handler_t::replace);
        throw a;
    }
    store::ElementUpload up;
    up.source_name = source;
    up.format = format;
    for (const auto &rec : parsed.items) {
        store::ElementSetRecord e;
        e.norad_id = rec.elements.norad_id;
        e.name = rec.elements.object_name;
        e.epoch = rec.elements.epoch;
        e.omm_json = io::format_omm_json(std::vector<orbits::ElementSet>{rec.elements});
        if (sensor) {
            e.sensor = sensor->name;
        }
        up.accepted.push_back(std::move(e));
    }
    up.rejected = diagnostics_json(parsed.rejected).dump(-1, ' ', false, json::error_handler_t::replace);
    up.warnings = diagnostics_json(parsed.warnings).dump(-1, ' ', false, json::error_handler_t::replace);

    // The new fleet: newer element sets replace the satellites' own; new satellites fly with `sensor`.
    Fleet next = *f;
    json updated = json::array();
    json added = json::array();
    json not_in_fleet = json::array();
    for (const auto &rec : parsed.items) {
        const auto &es = rec.elements;
        auto it = std::find_if(next.satellites.begin(), next.satellites.end(),
                               [&](const access::Satellite &s) { return s.propagator.elements().norad_id == es.norad_id; });
        if (it != next.satellites.end()) {
            if (!(es.epoch < it->propagator.elements().epoch)) {
                it->propagator = orbits::Sgp4Propagator(es, it->propagator.options());
                if (sensor) {
                    it->sensor = *sensor;
                }
                updated.push_back(es.norad_id);
            }
        } else if (sensor) {
            next.satellites.push_back(access::Satellite{orbits::Sgp4Propagator(es, next.sgp4),
                                                        es.object_name.empty() ? std::to_string(es.norad_id) : es.object_name,
                                                        *sensor});
            added.push_back(es.norad_id);
        } else {
            not_in_fleet.push_back(es.norad_id);
        }
    }
    const store::Render<std::int64_t> render = [&](const std::int64_t &id) {
        return store::StoredResponse{201, json{{"upload_id", id},
                                               {"source", source},
                                               {"format", format},
                                               {"accepted", parsed.items.size()},
                                               {"rejected", diagnostics_json(parsed.rejected)},
                                               {"warnings", diagnostics_json(parsed.warnings)},
                                               {"updated", updated},
                                               {"added", added},
                                               {"not_in_fleet", not_in_fleet}}
                                              .dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    store::Written<std::int64_t> w;
    try {
        w = m_store.save_elements(up, m, render);
    } catch (const Error &e) {
        raise(e);
    }
    if (w.replay) {
        return from_stored(*w.replay, true);
    }
    {
        std::lock_guard lock(m_fleet_mutex);
        m_fleet = std::make_shared<const Fleet>(std::move(next));
    }
    wake_worker();
    return from_stored(render(w.value), false);
}

Response Service::list_satellites(const Principal &)
{
    const auto f = fleet();
    json items = json::array();
    for (const auto &s : f->satellites) {
        const auto &e = s.propagator.elements();
        items.push_back({{"name", s.name},
                         {"norad_id", e.norad_id},
                         {"object_id", e.object_id},
                         {"epoch_utc", iso(e.epoch)},
                         {"sgp4_ok", s.propagator.init_status() == orbits::Sgp4Status::ok},
                         {"sensor", sensor_json(s.sensor)}});
    }
    return json_response(200, {{"items", items}});
}

Response Service::list_stations(const Principal &)
{
    json items = json::array();
    for (const auto &s : fleet()->stations) {
        items.push_back(station_json(s));
    }
    return json_response(200, {{"items", items}});
}

Response Service::create_token(const Principal &p, std::string_view body, const std::optional<std::string> &key)
{
    require(p, Role::nation_admin, "managing tokens");
    check_body_size(body, m_options.max_request_body_bytes);
    const store::Mutation m = mutation(p, key, "POST /api/v1/tokens", body);
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    const json j = parse_json_body(body, "the body");
    check_keys(j, {"tenant", "role", "label", "expires_h"});
    if (!j.contains("tenant") || !j["tenant"].is_string()) {
        throw ApiError(400, "missing_field", "tenant (a nation code) is required", "tenant");
    }
    if (!j.contains("role") || !j["role"].is_string()) {
        throw ApiError(400, "missing_field", "role (requester, operator or admin) is required", "role");
    }
    const auto role = store::parse_role(j["role"].get<std::string>());
    if (!role) {
        throw ApiError(400, "out_of_range", "role must be one of: requester, nation_admin, operator, admin", "role");
    }
    // A nation administrator manages its own nation's tokens only, and only a nation's roles.
    if (p.role == Role::nation_admin) {
        if (j["tenant"].get<std::string>() != p.tenant) {
            throw ApiError(403, "forbidden",
                           fmt::format("a nation_admin of {} manages tokens of {} only", p.tenant, p.tenant), "tenant");
        }
        if (store::coalition_role(*role)) {
            throw ApiError(403, "forbidden", "a nation_admin creates requester or nation_admin tokens only", "role");
        }
    }
    std::string label;
    if (j.contains("label")) {
        if (!j["label"].is_string() || j["label"].get<std::string>().size() > 200) {
            throw ApiError(400, "syntax", "label must be a string of at most 200 characters", "label");
        }
        label = j["label"].get<std::string>();
    }
    std::optional<time::Instant> expires;
    if (j.contains("expires_h")) {
        if (!j["expires_h"].is_number() || !(j["expires_h"].get<double>() > 0.0) || j["expires_h"].get<double>() > 24.0 * 3660) {
            throw ApiError(400, "out_of_range", "expires_h must be a number of hours in (0, 87840]", "expires_h");
        }
        expires = now() + time::Duration::from_hours(j["expires_h"].get<double>());
    }
    NewToken t;
    try {
        t = generate_token(j["tenant"].get<std::string>(), *role, label, now(), expires, p.token_id);
    } catch (const Error &e) {
        raise(e);
    }
    // NOTE: the stored idempotent response leaves the secret out (it must exist nowhere but with the caller).
    const store::Render<store::TokenRecord> render = [](const store::TokenRecord &rec) {
        json out = token_json(rec);
        out["token"] = nullptr;
        out["note"] = "the token was shown once, in the first response";
        return store::StoredResponse{201, out.dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    try {
        const auto w = m_store.create_token(t.record, m, render);
        if (w.replay) {
            return from_stored(*w.replay, true);
        }
        json out = token_json(w.value);
        out["token"] = t.token;
        return json_response(201, out);
    } catch (const Error &e) {
        raise(e);
    }
}

Response Service::list_tokens(const Principal &p)
{
    require(p, Role::nation_admin, "managing tokens");
    json items = json::array();
    for (const auto &t : m_store.list_tokens(scope_of(p))) {
        if (nation_scoped(p) && store::coalition_role(t.role)) {
            continue; // a coalition token bound to this nation is the coalition's, not the nation's
        }
        items.push_back(token_json(t));
    }
    return json_response(200, {{"items", items}});
}

Response Service::revoke_token(const Principal &p, const std::string &id, const std::optional<std::string> &key)
{
    require(p, Role::nation_admin, "managing tokens");
    const store::Mutation m = mutation(p, key, "POST /api/v1/tokens/" + id + "/revoke", "");
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    const store::Render<store::TokenRecord> render = [](const store::TokenRecord &rec) {
        return store::StoredResponse{200, token_json(rec).dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    if (nation_scoped(p)) {
        // Another nation's token, or a coalition token, is answered like one that does not exist.
        const auto own = m_store.list_tokens(p.tenant);
        const bool mine = std::any_of(own.begin(), own.end(), [&](const store::TokenRecord &t) {
            return t.id == id && !store::coalition_role(t.role);
        });
        if (!mine) {
            throw ApiError(404, "not_found", fmt::format("no token '{}'", id), "id");
        }
    }
    try {
        const auto w = m_store.revoke_token(id, m, render, scope_of(p));
        return w.replay ? from_stored(*w.replay, true) : from_stored(render(w.value), false);
    } catch (const Error &e) {
        raise(e);
    }
}

Response Service::list_audit(const Principal &p, const Query &q)
{
    require(p, Role::nation_admin, "reading the audit log");
    const int limit = decode_limit(q);
    auto rows = m_store.list_audit(decode_cursor(q), limit + 1, scope_of(p));
    json next = nullptr;
    if (static_cast<int>(rows.size()) == limit + 1) {
        rows.pop_back();
        next = encode_cursor(rows.back().seq);
    }
    json items = json::array();
    for (const auto &a : rows) {
        items.push_back({{"seq", a.seq},
                         {"time_utc", iso(a.time)},
                         {"actor", a.actor},
                         {"tenant", a.tenant},
                         {"action", a.action},
                         {"object_id", a.object_id},
                         {"detail", json::parse(a.detail.empty() ? "{}" : a.detail)}});
    }
    return json_response(200, {{"items", items}, {"next_cursor", next}});
}

// ------------------------------------------------------------------------------- events and webhooks

namespace {

json event_json(const store::EventRecord &e)
{
    return {{"event_id", event_id(e)},
            {"seq", e.seq},
            {"request_id", e.request_id},
            {"tenant", e.tenant},
            {"status", store::to_string(e.status)},
            {"time_utc", iso(e.time)},
            {"note", e.note}};
}

json webhook_json(const store::WebhookRecord &w)
{
    return {{"id", w.id},
            {"tenant", w.tenant},
            {"url", w.url},
            {"description", w.description},
            {"created_utc", iso(w.created)},
            {"disabled_utc", opt_iso(w.disabled)},
            {"cursor_seq", w.cursor},
            {"failures", w.failures},
            {"next_attempt_utc", opt_iso(w.next_attempt)}};
}

} // namespace

Response Service::list_events(const Principal &p, const Query &q)
{
    const int limit = decode_limit(q);
    const auto rows = m_store.list_events(decode_cursor(q), limit + 1, nation_scoped(p) ? store::TenantScope(p.tenant)
                                                                                         : store::TenantScope());
    json items = json::array();
    json next = nullptr;
    for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
        items.push_back(event_json(rows[i]));
    }
    if (static_cast<int>(rows.size()) > limit) {
        next = encode_cursor(rows[static_cast<std::size_t>(limit) - 1].seq);
    } else if (!rows.empty()) {
        // The end for now: polling again from here returns only what happens next.
        next = encode_cursor(rows.back().seq);
    } else {
        const auto c = query_value(q, "cursor");
        next = c ? json(*c) : json(nullptr);
    }
    return json_response(200, {{"items", items}, {"next_cursor", next}});
}

Response Service::event_stream(const Principal &p, const Query &q, const std::optional<std::string> &last_event_id)
{
    std::int64_t cursor = 0;
    if (last_event_id) {
        const std::string &v = *last_event_id;
        const bool ok = v.rfind("evt_", 0) == 0 && v.size() > 4 && v.size() <= 22 // at most 18 digits: no overflow
                        && std::all_of(v.begin() + 4, v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (!ok) {
            throw ApiError(400, "syntax", "Last-Event-ID must be an event id evt_<seq>", "Last-Event-ID");
        }
        cursor = std::stoll(v.substr(4));
    } else if (query_value(q, "cursor")) {
        cursor = decode_cursor(q);
    } else {
        cursor = m_store.last_event_seq(); // from now on
    }
    const store::TenantScope scope = nation_scoped(p) ? store::TenantScope(p.tenant) : store::TenantScope();
    {
        std::lock_guard lock(m_stream_mutex);
        int &open = m_streams[p.tenant];
        if (open >= m_options.max_streams_per_nation) {
            Response r = json_response(429, {{"code", "too_many_streams"},
                                             {"message", fmt::format("nation {} has {} event streams open, the most allowed",
                                                                     p.tenant, open)},
                                             {"field", nullptr}});
            r.headers.emplace_back("Retry-After", "10");
            return r;
        }
        ++open;
    }
    auto stream = std::make_shared<EventStream>();
    stream->poll_s = m_options.stream_poll_s;
    stream->on_close = [this, tenant = p.tenant] {
        std::lock_guard lock(m_stream_mutex);
        --m_streams[tenant];
    };
    auto state = std::make_shared<std::pair<std::int64_t, bool>>(cursor, true); // cursor, first call
    stream->next = [this, state, scope]() {
        std::string out;
        if (state->second) {
            out += "retry: 3000\n\n"; // the browser's EventSource reconnects after 3 s, with Last-Event-ID
            state->second = false;
        }
        for (const auto &e : m_store.list_events(state->first, 200, scope)) {
            out += fmt::format("id: {}\nevent: request.status\ndata: {}\n\n", event_id(e),
                               event_json(e).dump(-1, ' ', false, json::error_handler_t::replace));
            state->first = e.seq;
        }
        return out;
    };
    Response r{200, "", "text/event-stream", {}, stream};
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("X-Accel-Buffering", "no"); // nginx: pass events through at once
    return r;
}

Response Service::create_webhook(const Principal &p, std::string_view body, const std::optional<std::string> &key)
{
    require(p, Role::nation_admin, "managing webhooks");
    check_body_size(body, m_options.max_request_body_bytes);
    const store::Mutation m = mutation(p, key, "POST /api/v1/webhooks", body);
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    const json j = parse_json_body(body, "the body");
    check_keys(j, {"url", "description", "tenant", "since_seq"});
    if (!j.contains("url") || !j["url"].is_string()) {
        throw ApiError(400, "missing_field", "url (an https:// URL) is required", "url");
    }
    store::WebhookRecord w;
    w.tenant = j.contains("tenant") && j["tenant"].is_string() ? j["tenant"].get<std::string>() : p.tenant;
    if (w.tenant != p.tenant && p.role != Role::admin) {
        throw ApiError(403, "tenant_mismatch", fmt::format("this token manages the webhooks of {} only", p.tenant), "tenant");
    }
    try {
        parse_webhook_url(j["url"].get<std::string>(), m_options.webhooks);
    } catch (const Error &e) {
        raise(e);
    }
    w.url = j["url"].get<std::string>();
    if (j.contains("description")) {
        if (!j["description"].is_string() || j["description"].get<std::string>().size() > 200) {
            throw ApiError(400, "syntax", "description must be a string of at most 200 characters", "description");
        }
        w.description = j["description"].get<std::string>();
    }
    if (j.contains("since_seq")) {
        if (!j["since_seq"].is_number_integer() || j["since_seq"].get<std::int64_t>() < 0) {
            throw ApiError(400, "out_of_range", "since_seq must be an integer >= 0 (an event seq; 0: every stored event)",
                           "since_seq");
        }
        w.cursor = j["since_seq"].get<std::int64_t>();
    } else {
        w.cursor = m_store.last_event_seq(); // from now on
    }
    const auto active = m_store.list_webhooks(w.tenant, true);
    if (static_cast<int>(active.size()) >= m_options.webhooks.max_per_nation) {
        throw ApiError(409, "conflict",
                       fmt::format("nation {} has {} active webhooks, the most allowed: disable one first", w.tenant,
                                   active.size()),
                       "url");
    }
    w.id = "wh_" + random_hex(8);
    w.secret = new_webhook_secret();
    w.created = now();
    w.created_by = p.token_id;
    // NOTE: as for tokens, the stored idempotent response leaves the secret out.
    const store::Render<store::WebhookRecord> render = [](const store::WebhookRecord &rec) {
        json out = webhook_json(rec);
        out["secret"] = nullptr;
        out["note"] = "the secret was shown once, in the first response";
        return store::StoredResponse{201, out.dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    try {
        const auto written = m_store.create_webhook(w, m, render);
        if (written.replay) {
            return from_stored(*written.replay, true);
        }
        if (m_webhooks) {
            m_webhooks->wake();
        }
        json out = webhook_json(written.value);
        out["secret"] = w.secret;
        return json_response(201, out);
    } catch (const Error &e) {
        raise(e);
    }
}

Response Service::list_webhooks(const Principal &p)
{
    require(p, Role::nation_admin, "managing webhooks");
    json items = json::array();
    for (const auto &w : m_store.list_webhooks(p.role == Role::admin ? store::TenantScope() : store::TenantScope(p.tenant))) {
        items.push_back(webhook_json(w));
    }
    return json_response(200, {{"items", items}});
}

Response Service::disable_webhook(const Principal &p, const std::string &id, const std::optional<std::string> &key)
{
    require(p, Role::nation_admin, "managing webhooks");
    const store::Mutation m = mutation(p, key, "POST /api/v1/webhooks/" + id + "/disable", "");
    if (auto r = replay_if_known(m)) {
        return *r;
    }
    const store::Render<store::WebhookRecord> render = [](const store::WebhookRecord &rec) {
        return store::StoredResponse{200, webhook_json(rec).dump(-1, ' ', false, json::error_handler_t::replace)};
    };
    try {
        const auto w = m_store.disable_webhook(id, m, render, p.role == Role::admin ? store::TenantScope() : store::TenantScope(p.tenant));
        if (m_webhooks) {
            m_webhooks->wake();
        }
        return w.replay ? from_stored(*w.replay, true) : from_stored(render(w.value), false);
    } catch (const Error &e) {
        if (e.code() == ErrorCode::not_found) {
            throw ApiError(404, "not_found", fmt::format("no webhook '{}'", id), "id");
        }
        raise(e);
    }
}

Response Service::list_deliveries(const Principal &p, const std::string &id, const Query &q)
{
    require(p, Role::nation_admin, "managing webhooks");
    const store::TenantScope scope = p.role == Role::admin ? store::TenantScope() : store::TenantScope(p.tenant);
    if (!m_store.get_webhook(id, scope)) {
        throw ApiError(404, "not_found", fmt::format("no webhook '{}'", id), "id");
    }
    const int limit = decode_limit(q);
    auto rows = m_store.list_deliveries(id, decode_cursor(q), limit + 1, scope);
    json next = nullptr;
    if (static_cast<int>(rows.size()) > limit) {
        rows.pop_back();
        next = encode_cursor(rows.back().seq);
    }
    json items = json::array();
    for (const auto &d : rows) {
        items.push_back({{"seq", d.seq},
                         {"event_id", fmt::format("evt_{}", d.event_seq)},
                         {"attempt", d.attempt},
                         {"time_utc", iso(d.time)},
                         {"status_code", d.status_code},
                         {"delivered", d.delivered},
                         {"error", d.error},
                         {"duration_ms", d.duration_ms}});
    }
    return json_response(200, {{"items", items}, {"next_cursor", next}});
}

std::size_t Service::simulate_tick()
{
    if (!m_options.simulate) {
        return 0;
    }
    const auto t = now();
    const store::Mutation m{"system", "", t, std::nullopt};
    std::size_t changed = 0;
    store::AcquisitionQuery due;
    due.states = {AcquisitionState::planned};
    due.ending_before = t;
    for (const auto &a : m_store.list_acquisitions(due)) {
        try {
            m_store.record_outcome(a.acquisition_id, {AcquisitionState::planned}, AcquisitionState::succeeded,
                                   "simulated: the planned time has passed", m);
            ++changed;
        } catch (const Error &e) {
            if (e.code() != ErrorCode::conflict) { // an operator reported it meanwhile
                throw;
            }
        }
    }
    store::AcquisitionQuery done;
    done.states = {AcquisitionState::succeeded};
    for (const auto &a : m_store.list_acquisitions(done)) {
        if (a.delivered && *a.delivered <= t) {
            try {
                m_store.record_outcome(a.acquisition_id, {AcquisitionState::succeeded}, AcquisitionState::delivered,
                                       "simulated: delivered_utc has passed", m);
                ++changed;
            } catch (const Error &e) {
                if (e.code() != ErrorCode::conflict) {
                    throw;
                }
            }
        }
    }
    return changed;
}

} // namespace vantage::api
