// The HTTP server: Boost.Beast on Asio, event-driven. One route table (method, OpenAPI path, operationId,
// handler) registers the handlers and is what the OpenAPI test compares with the document. Everything an
// operation does is in Service; here are only connections, headers, bodies, status codes and static files.
//
// Design (docs/architecture/api.md "Server"): a few event-loop threads own every socket (a strand per
// connection) and never block: they read headers under a deadline, refuse a body that is over its route's
// limit before reading it, and hand a complete request to a small worker pool that runs the Service call
// (which may block on the store or a planning run). The worker posts the answer back to the connection's
// strand, which writes it. Idle and trickling connections therefore cost a socket and a few hundred bytes,
// never a thread.
#include "vantage/api/server.hpp"

#include <sys/resource.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/api/stapi.hpp"
#include "vantage/core/error.hpp"

namespace vantage::api {

namespace detail {
extern const char *const openapi_json; // openapi_doc.cpp, generated from src/api/openapi.json
}

namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::ordered_json;
using SteadyClock = std::chrono::steady_clock;

/// What a handler gets.
struct Call {
    const std::string &body;
    std::vector<std::string> args; ///< path parameters in order
    Principal principal;
    std::optional<std::string> idempotency_key;
    Query query;
    StapiContext ctx;       ///< base URL, Prefer (STAPI routes)
    Stapi *stapi = nullptr; ///< the STAPI layer over the same service
    std::optional<std::string> last_event_id; ///< the Last-Event-ID header (event streams)
    std::optional<std::string> if_match;      ///< the If-Match header (amendments)
};

using Handler = std::function<Response(Service &, const Call &)>;

struct Route {
    RouteInfo info;
    bool json_body; ///< POST body must be JSON (Content-Type application/json when given)
    Handler handler;
};

Response openapi_response()
{
    return Response{200, openapi_document(), "application/json", {}, nullptr};
}

const std::vector<Route> &route_table()
{
    static const std::vector<Route> routes = {
        {{"GET", "/api/v1/health", "getHealth", false}, false, [](Service &s, const Call &) { return s.health(); }},
        {{"GET", "/api/v1/openapi.json", "getOpenApi", false}, false, [](Service &, const Call &) { return openapi_response(); }},
        {{"GET", "/api/v1/whoami", "whoAmI", true}, false, [](Service &s, const Call &c) { return s.whoami(c.principal); }},
        {{"POST", "/api/v1/requests", "submitRequest", true}, true,
         [](Service &s, const Call &c) { return s.submit_request(c.principal, c.body, c.idempotency_key); }},
        {{"GET", "/api/v1/requests", "listRequests", true}, false,
         [](Service &s, const Call &c) { return s.list_requests(c.principal, c.query); }},
        {{"GET", "/api/v1/requests/{id}", "getRequest", true}, false,
         [](Service &s, const Call &c) { return s.get_request(c.principal, c.args.at(0)); }},
        {{"PATCH", "/api/v1/requests/{id}", "amendRequest", true}, true,
         [](Service &s, const Call &c) { return s.amend_request(c.principal, c.args.at(0), c.body, c.if_match, c.idempotency_key); }},
        {{"POST", "/api/v1/requests/{id}/cancel", "cancelRequest", true}, false,
         [](Service &s, const Call &c) { return s.cancel_request(c.principal, c.args.at(0), c.idempotency_key); }},
        {{"POST", "/api/v1/feasibility", "checkFeasibility", true}, true,
         [](Service &s, const Call &c) { return s.feasibility(c.principal, c.body); }},
        {{"POST", "/api/v1/plan", "createPlan", true}, true,
         [](Service &s, const Call &c) { return s.plan(c.principal, c.body, c.idempotency_key); }},
        {{"GET", "/api/v1/plan", "getPlan", true}, false, [](Service &s, const Call &c) { return s.get_plan(c.principal); }},
        {{"GET", "/api/v1/plan.czml", "getPlanCzml", true}, false,
         [](Service &s, const Call &c) { return s.get_plan_czml(c.principal); }},
        {{"POST", "/api/v1/acquisitions/{id}/outcome", "reportOutcome", true}, true,
         [](Service &s, const Call &c) {
             return s.record_outcome(c.principal, c.args.at(0), c.body, c.idempotency_key);
         }},
        {{"POST", "/api/v1/elements", "uploadElements", true}, false,
         [](Service &s, const Call &c) { return s.upload_elements(c.principal, c.body, c.query, c.idempotency_key); }},
        {{"GET", "/api/v1/satellites", "listSatellites", true}, false,
         [](Service &s, const Call &c) { return s.list_satellites(c.principal); }},
        {{"GET", "/api/v1/stations", "listStations", true}, false,
         [](Service &s, const Call &c) { return s.list_stations(c.principal); }},
        {{"POST", "/api/v1/tokens", "createToken", true}, true,
         [](Service &s, const Call &c) { return s.create_token(c.principal, c.body, c.idempotency_key); }},
        {{"GET", "/api/v1/tokens", "listTokens", true}, false, [](Service &s, const Call &c) { return s.list_tokens(c.principal); }},
        {{"POST", "/api/v1/tokens/{id}/revoke", "revokeToken", true}, false,
         [](Service &s, const Call &c) { return s.revoke_token(c.principal, c.args.at(0), c.idempotency_key); }},
        {{"GET", "/api/v1/audit", "listAudit", true}, false,
         [](Service &s, const Call &c) { return s.list_audit(c.principal, c.query); }},
        {{"GET", "/api/v1/events", "listEvents", true}, false,
         [](Service &s, const Call &c) { return s.list_events(c.principal, c.query); }},
        {{"GET", "/api/v1/events/stream", "streamEvents", true}, false,
         [](Service &s, const Call &c) { return s.event_stream(c.principal, c.query, c.last_event_id); }},
        {{"POST", "/api/v1/webhooks", "createWebhook", true}, true,
         [](Service &s, const Call &c) { return s.create_webhook(c.principal, c.body, c.idempotency_key); }},
        {{"GET", "/api/v1/webhooks", "listWebhooks", true}, false,
         [](Service &s, const Call &c) { return s.list_webhooks(c.principal); }},
        {{"POST", "/api/v1/webhooks/{id}/disable", "disableWebhook", true}, false,
         [](Service &s, const Call &c) { return s.disable_webhook(c.principal, c.args.at(0), c.idempotency_key); }},
        {{"GET", "/api/v1/webhooks/{id}/deliveries", "listWebhookDeliveries", true}, false,
         [](Service &s, const Call &c) { return s.list_deliveries(c.principal, c.args.at(0), c.query); }},
        // STAPI v0.1.0 (include/vantage/api/stapi.hpp): the paths of its OpenAPI document under /stapi, plus the
        // asynchronous opportunity search's records.
        {{"GET", "/stapi/", "stapiLanding", false}, false, [](Service &, const Call &c) { return c.stapi->landing(c.ctx); }},
        {{"GET", "/stapi", "stapiLandingNoSlash", false}, false, [](Service &, const Call &c) { return c.stapi->landing(c.ctx); }},
        {{"GET", "/stapi/conformance", "stapiConformance", false}, false,
         [](Service &, const Call &c) { return c.stapi->conformance(c.ctx); }},
        {{"GET", "/stapi/products", "stapiProducts", true}, false,
         [](Service &, const Call &c) { return c.stapi->products(c.principal, c.ctx); }},
        {{"GET", "/stapi/products/{productId}", "stapiProduct", true}, false,
         [](Service &, const Call &c) { return c.stapi->product(c.principal, c.args.at(0), c.ctx); }},
        {{"GET", "/stapi/products/{productId}/queryables", "stapiQueryables", true}, false,
         [](Service &, const Call &c) { return c.stapi->queryables(c.principal, c.args.at(0), c.ctx); }},
        {{"GET", "/stapi/products/{productId}/order-parameters", "stapiOrderParameters", true}, false,
         [](Service &, const Call &c) { return c.stapi->order_parameters(c.principal, c.args.at(0), c.ctx); }},
        {{"POST", "/stapi/products/{productId}/opportunities", "stapiSearchOpportunities", true}, true,
         [](Service &, const Call &c) { return c.stapi->opportunities(c.principal, c.args.at(0), c.body, c.query, c.ctx); }},
        {{"GET", "/stapi/products/{productId}/opportunities/{opportunityCollectionId}", "stapiOpportunityCollection", true},
         false,
         [](Service &, const Call &c) { return c.stapi->search_result(c.principal, c.args.at(0), c.args.at(1), c.ctx); }},
        {{"GET", "/stapi/searches/opportunities", "stapiSearchRecords", true}, false,
         [](Service &, const Call &c) { return c.stapi->search_records(c.principal, c.ctx); }},
        {{"GET", "/stapi/searches/opportunities/{searchRecordId}", "stapiSearchRecord", true}, false,
         [](Service &, const Call &c) { return c.stapi->search_record(c.principal, c.args.at(0), c.ctx); }},
        {{"POST", "/stapi/products/{productId}/orders", "stapiCreateOrder", true}, true,
         [](Service &, const Call &c) { return c.stapi->create_order(c.principal, c.args.at(0), c.body, c.ctx); }},
        {{"GET", "/stapi/products/{productId}/orders", "stapiProductOrders", true}, false,
         [](Service &, const Call &c) { return c.stapi->orders(c.principal, c.args.at(0), c.query, c.ctx); }},
        {{"GET", "/stapi/orders", "stapiOrders", true}, false,
         [](Service &, const Call &c) { return c.stapi->orders(c.principal, std::nullopt, c.query, c.ctx); }},
        {{"GET", "/stapi/orders/{orderId}", "stapiOrder", true}, false,
         [](Service &, const Call &c) { return c.stapi->order(c.principal, c.args.at(0), c.ctx); }},
        {{"GET", "/stapi/orders/{orderId}/statuses", "stapiOrderStatuses", true}, false,
         [](Service &, const Call &c) { return c.stapi->order_statuses(c.principal, c.args.at(0), c.query, c.ctx); }},
    };
    return routes;
}


/// The route templates split into segments ("/api/v1/requests/{id}" -> "api", "v1", "requests", "{id}").
std::vector<std::string> split_path(std::string_view path)
{
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        const std::size_t next = std::min(path.find('/', pos), path.size());
        out.emplace_back(path.substr(pos, next - pos));
        pos = next + 1;
    }
    return out;
}

const std::vector<std::vector<std::string>> &route_segments()
{
    static const std::vector<std::vector<std::string>> segs = [] {
        std::vector<std::vector<std::string>> v;
        for (const auto &r : route_table()) {
            v.push_back(split_path(r.info.path));
        }
        return v;
    }();
    return segs;
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Percent-decoding (an invalid escape stays as it is); `plus_is_space` for query strings.
std::string percent_decode(std::string_view s, bool plus_is_space)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0
            && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

/// A request target split up: the path decoded whole (static files, messages), its segments decoded one by
/// one (so that an id may hold an encoded '/'), and the query.
struct Target {
    std::string path;
    std::vector<std::string> segments;
    Query query;
};

Target parse_target(std::string_view target)
{
    Target t;
    const auto q = target.find('?');
    const std::string_view raw_path = target.substr(0, q);
    t.path = percent_decode(raw_path, false);
    if (!raw_path.empty() && raw_path[0] == '/') {
        for (const auto &seg : split_path(raw_path)) {
            t.segments.push_back(percent_decode(seg, false));
        }
    }
    if (q != std::string_view::npos) {
        std::string_view rest = target.substr(q + 1);
        while (!rest.empty()) {
            const auto amp = std::min(rest.find('&'), rest.size());
            const std::string_view kv = rest.substr(0, amp);
            if (!kv.empty()) {
                const auto eq = kv.find('=');
                t.query.emplace(percent_decode(kv.substr(0, eq), true),
                                eq == std::string_view::npos ? std::string() : percent_decode(kv.substr(eq + 1), true));
            }
            rest.remove_prefix(std::min(amp + 1, rest.size()));
        }
    }
    return t;
}

/// What the target and method select.
struct Selection {
    enum Kind { operation, no_route, not_allowed, static_file } kind = no_route;
    const Route *route = nullptr;
    std::vector<std::string> args;
    std::string allow; ///< for not_allowed: "GET, POST"
};

Selection select(std::string_view method, const Target &t)
{
    Selection s;
    const auto &routes = route_table();
    const auto &segs = route_segments();
    for (std::size_t i = 0; i < routes.size(); ++i) {
        const auto &pattern = segs[i];
        if (pattern.size() != t.segments.size()) {
            continue;
        }
        std::vector<std::string> args;
        bool ok = true;
        for (std::size_t k = 0; k < pattern.size() && ok; ++k) {
            if (!pattern[k].empty() && pattern[k].front() == '{') {
                ok = !t.segments[k].empty();
                args.push_back(t.segments[k]);
            } else {
                ok = pattern[k] == t.segments[k];
            }
        }
        if (!ok) {
            continue;
        }
        if (routes[i].info.method == method) {
            s.kind = Selection::operation;
            s.route = &routes[i];
            s.args = std::move(args);
            return s;
        }
        if (s.allow.find(routes[i].info.method) == std::string::npos) {
            s.allow += (s.allow.empty() ? "" : ", ") + routes[i].info.method;
        }
    }
    if (!s.allow.empty()) {
        s.kind = Selection::not_allowed;
    } else if (method == "GET" && t.path.rfind("/api/", 0) != 0 && t.path != "/stapi" && t.path.rfind("/stapi/", 0) != 0) {
        s.kind = Selection::static_file;
    }
    return s;
}

/// `application/json`, with optional parameters, compared without regard to case (RFC 9110 section 8.3.1);
/// a charset other than UTF-8 is refused. `application/jsonx`, `application/json-patch` ... are not JSON.
bool is_json_media_type(std::string_view v, bool merge_patch = false)
{
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
            s.remove_prefix(1);
        }
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
            s.remove_suffix(1);
        }
        return s;
    };
    auto iequal = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
               });
    };
    const auto semi = v.find(';');
    if (!iequal(trim(v.substr(0, semi)), "application/json")
        && !(merge_patch && iequal(trim(v.substr(0, semi)), "application/merge-patch+json"))) {
        return false;
    }
    std::string_view params = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
    while (!params.empty()) {
        const auto next = std::min(params.find(';'), params.size());
        const std::string_view p = trim(params.substr(0, next));
        params.remove_prefix(std::min(next + 1, params.size()));
        if (p.empty()) {
            continue;
        }
        const auto eq = p.find('=');
        if (eq == std::string_view::npos) {
            return false; // a parameter without a value is malformed
        }
        if (iequal(trim(p.substr(0, eq)), "charset")) {
            std::string_view value = trim(p.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            if (!iequal(value, "utf-8")) {
                return false;
            }
        }
    }
    return true;
}

Response error_response(const ApiError &e)
{
    Response r{e.status(), e.body(), "application/json", {}, nullptr};
    if (e.status() == 401) {
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vantage\"");
    }
    return r;
}

std::string content_type_of(const fs::path &p)
{
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},        {".czml", "application/json"},
        {".png", "image/png"},                {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},              {".gif", "image/gif"},
        {".svg", "image/svg+xml"},            {".ico", "image/x-icon"},
        {".webp", "image/webp"},              {".xml", "application/xml"},
        {".wasm", "application/wasm"},        {".glb", "model/gltf-binary"},
        {".gltf", "model/gltf+json"},         {".bin", "application/octet-stream"},
        {".ktx2", "image/ktx2"},              {".woff", "font/woff"},
        {".woff2", "font/woff2"},             {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},         {".md", "text/plain; charset=utf-8"},
    };
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto it = types.find(ext);
    return it == types.end() ? "application/octet-stream" : it->second;
}


// Static files get a policy that lets CesiumJS run; every other answer (the API, errors) forbids everything.
constexpr const char *static_csp =
    // CesiumJS needs 'unsafe-eval' (its widgets' knockout bindings) and blob: scripts (workers); connections stay
    // on this server.
    "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; "
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' data: blob:; "
    "frame-ancestors 'none'";
constexpr const char *api_csp = "default-src 'none'; frame-ancestors 'none'";

/// A complete request handed to a worker.
struct Pending {
    std::string method;
    Target target;
    Selection selection;
    std::string body;
    std::string authorization;
    bool has_authorization = false;
    std::optional<std::string> idempotency_key;
    std::optional<std::string> content_type;
    std::optional<std::string> prefer; ///< RFC 7240 (STAPI's asynchronous search)
    std::string host;                  ///< the Host header, for STAPI's absolute links
    std::optional<std::string> last_event_id; ///< the Last-Event-ID header (event streams)
    std::optional<std::string> if_match;      ///< the If-Match header (amendments)
    std::string address;
    std::shared_ptr<void> throttle_slot; ///< an attempt counted in flight by AuthThrottle: released when reset
};

class SessionBase {
public:
    virtual ~SessionBase() = default;
    /// Closes the connection if it waits for a request (stop()).
    virtual void close_if_idle() = 0;
    /// Closes the connection whatever it does (end of the drain).
    virtual void abort() = 0;
};

std::chrono::steady_clock::duration seconds(double s)
{
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

/// Everything the connections share.
class ServerCore {
public:
    ServerCore(Service &svc, const ServerOptions &opts) : service(svc), options(opts), throttle(opts.auth_throttle)
    {
    }

    Service &service;
    const ServerOptions &options;
    AuthThrottle throttle;
    Stapi stapi{service};

    // Declared before the io_context: sessions unregister in their destructors, which may run while the
    // io_context is destroyed.
    mutable std::mutex sessions_mutex;
    std::map<SessionBase *, std::weak_ptr<SessionBase>> sessions;
    std::optional<asio::ssl::context> ssl;
    std::atomic<bool> stopping{false};

    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    asio::steady_timer accept_retry{ioc};
    std::unique_ptr<asio::thread_pool> pool;
    std::vector<std::thread> io_threads;

    std::size_t connection_count() const
    {
        std::lock_guard lock(sessions_mutex);
        return sessions.size();
    }
    void add(SessionBase *s, std::weak_ptr<SessionBase> w)
    {
        std::lock_guard lock(sessions_mutex);
        sessions.emplace(s, std::move(w));
    }
    void remove(SessionBase *s)
    {
        std::lock_guard lock(sessions_mutex);
        sessions.erase(s);
    }
    void for_each_session(const std::function<void(SessionBase &)> &f)
    {
        std::vector<std::shared_ptr<SessionBase>> live;
        {
            std::lock_guard lock(sessions_mutex);
            for (const auto &[_, w] : sessions) {
                if (auto s = w.lock()) {
                    live.push_back(std::move(s));
                }
            }
        }
        for (const auto &s : live) {
            f(*s);
        }
    }

    void do_accept();

    /// Runs on a worker: the operation, the static file, or the routing error.
    Response handle(Pending &p);
    /// A route of the STAPI layer (its errors take STAPI's shape).
    static bool is_stapi(const Pending &p)
    {
        return p.selection.kind == Selection::operation && p.selection.route->info.path.rfind("/stapi", 0) == 0;
    }
    /// What a STAPI answer needs of the HTTP request: the base of its absolute links (the Host header, reduced to the
    /// characters a host and port may hold; the answer goes to the same caller), Prefer and the Idempotency-Key.
    StapiContext stapi_context(const Pending &p) const
    {
        std::string host;
        for (const char ch : p.host) {
            if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == ':' || ch == '-' || ch == '[' || ch == ']') {
                host += ch;
            }
        }
        if (host.empty()) {
            host = "localhost";
        }
        return StapiContext{std::string(ssl ? "https://" : "http://") + host, p.prefer, p.idempotency_key};
    }
    Response static_file(const std::string &path) const;
};

Response ServerCore::static_file(const std::string &path) const
{
    const std::string file = resolve_static_path(options.web_dir, path);
    if (file.empty()) {
        return error_response(ApiError(404, "not_found", "no such file"));
    }
    std::ifstream in(file, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Response r{200, std::move(body), content_type_of(file), {}, nullptr};
    r.headers.emplace_back("Content-Security-Policy", static_csp);
    const bool asset = path.rfind("/cesium/", 0) == 0;
    r.headers.emplace_back("Cache-Control", asset ? "public, max-age=86400" : "no-cache");
    return r;
}

Response ServerCore::handle(Pending &p)
{
    Response out;
    try {
        switch (p.selection.kind) {
        case Selection::static_file: return static_file(p.target.path);
        case Selection::not_allowed:
            out = error_response(ApiError(405, "method_not_allowed",
                                          fmt::format("{} {}: allowed {}", p.method, p.target.path, p.selection.allow)));
            out.headers.emplace_back("Allow", p.selection.allow);
            return out;
        case Selection::no_route:
            return error_response(ApiError(404, "no_route", fmt::format("no operation {} {}", p.method, p.target.path)));
        case Selection::operation: break;
        }
        const Route &r = *p.selection.route;
        StapiContext ctx = stapi_context(p);
        Call call{p.body, std::move(p.selection.args), {}, std::move(p.idempotency_key), std::move(p.target.query),
                  std::move(ctx), &stapi, std::move(p.last_event_id), std::move(p.if_match)};
        if (r.info.authenticated) {
            const std::string token_id = token_id_of(p.authorization);
            try {
                call.principal = service.authenticate(p.authorization);
            } catch (const ApiError &e) {
                if (e.status() == 401 && p.has_authorization) {
                    throttle.failure(token_id, p.address);
                }
                p.throttle_slot.reset();
                throw;
            }
            if (p.has_authorization) {
                throttle.success(token_id, p.address);
            }
            p.throttle_slot.reset();
        }
        if (r.json_body && !p.body.empty() && p.content_type && !is_json_media_type(*p.content_type, r.info.method == "PATCH")) {
            throw ApiError(415, "unsupported_media_type", "the body must be application/json (charset utf-8)",
                           "Content-Type");
        }
        out = r.handler(service, call);
    } catch (const ApiError &e) {
        out = is_stapi(p) ? Stapi::error_response(e) : error_response(e);
    } catch (const Error &e) {
        out = is_stapi(p) ? Stapi::error_response(to_api_error(e)) : error_response(to_api_error(e));
        if (out.status >= 500) {
            std::cerr << "vantage serve: " << p.method << ' ' << p.target.path << ": " << e.what() << '\n';
        }
    } catch (const std::exception &e) {
        std::cerr << "vantage serve: " << p.method << ' ' << p.target.path << ": internal error: " << e.what() << '\n';
        out = error_response(ApiError(500, "internal", "internal error"));
    }
    return out;
}

bool is_http_parse_error(const beast::error_code &ec)
{
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

/// One connection: plain TCP (`beast::tcp_stream`) or TLS (`beast::ssl_stream<beast::tcp_stream>`).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

    template <class... Args>
    Session(ServerCore &core, std::string address, Args &&...args)
        : m_core(core), m_address(std::move(address)), m_stream(std::forward<Args>(args)...),
          m_timer(m_stream.get_executor())
    {
    }
    ~Session() override { m_core.remove(this); }

    void start()
    {
        m_core.add(this, this->shared_from_this());
        asio::dispatch(m_stream.get_executor(), [self = this->shared_from_this()] { self->begin(); });
    }

    void close_if_idle() override
    {
        asio::post(m_stream.get_executor(), [self = this->shared_from_this()] {
            if (self->m_state == State::idle) {
                self->close_now();
            }
        });
    }
    void abort() override
    {
        asio::post(m_stream.get_executor(), [self = this->shared_from_this()] { self->close_now(); });
    }

private:
    enum class State { handshake, idle, body, handling, writing, closing, closed };

    beast::tcp_stream &lowest() { return beast::get_lowest_layer(m_stream); }

    void begin()
    {
        if constexpr (tls) {
            m_state = State::handshake;
            lowest().expires_after(seconds(m_core.options.header_timeout_s));
            m_stream.async_handshake(asio::ssl::stream_base::server,
                                     [self = this->shared_from_this()](const beast::error_code &ec) {
                                         if (ec) {
                                             self->close_now();
                                         } else {
                                             self->read_request();
                                         }
                                     });
        } else {
            read_request();
        }
    }

    void read_request()
    {
        if (m_core.stopping) {
            close_now();
            return;
        }
        m_state = State::idle;
        m_head = false;
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_core.options.max_header_bytes));
        // The route's limit is set once the headers are in (on_header). NOTE: not boost::none, which Beast 1.74
        // compares as "less than any length" in its header check (body_limit exceeded for every body).
        m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
        m_request_start = SteadyClock::now();
        lowest().expires_after(seconds(m_core.options.header_timeout_s));
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                [self = this->shared_from_this()](const beast::error_code &ec, std::size_t) {
                                    self->on_header(ec);
                                });
    }

    /// An error answered before the request was read through: the connection closes after it.
    void refuse(const ApiError &e, std::vector<std::pair<std::string, std::string>> extra = {})
    {
        Response r = error_response(e);
        for (auto &h : extra) {
            r.headers.push_back(std::move(h));
        }
        m_close = true;
        write(std::move(r));
    }

    void on_header(const beast::error_code &ec)
    {
        if (ec) {
            if (ec == http::error::header_limit) {
                m_method = "-";
                refuse(ApiError(431, "headers_too_large",
                                fmt::format("the request line and headers exceed {} bytes", m_core.options.max_header_bytes)));
            } else if (ec == http::error::bad_content_length) {
                m_method = "-";
                refuse(ApiError(400, "bad_request",
                                "Content-Length is invalid, given twice with different values, or sent with "
                                "Transfer-Encoding (RFC 9112 section 6.3)",
                                "Content-Length"));
            } else if (ec == http::error::bad_transfer_encoding) {
                m_method = "-";
                refuse(ApiError(400, "bad_request",
                                "Transfer-Encoding is given twice or together with Content-Length (RFC 9112 section 6.3)",
                                "Transfer-Encoding"));
            } else if (is_http_parse_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
                m_method = "-";
                refuse(ApiError(400, "bad_request",
                                fmt::format("the HTTP request could not be read: {} (malformed request line, a header "
                                            "with a forbidden character such as NUL, or bad framing)",
                                            ec.message())));
            } else {
                close_now(); // the client went away, or its headers did not arrive in time
            }
            return;
        }
        auto &req = m_parser->get();
        m_method = std::string(req.method_string());
        m_target_text = std::string(req.target());
        m_keep_alive = req.keep_alive();
        m_version = req.version();
        // Header rules beyond what the parser enforces.
        std::size_t authorizations = 0;
        bool has_content_length = false;
        bool has_transfer_encoding = false;
        for (const auto &f : req) {
            if (f.name_string().find('\0') != beast::string_view::npos || f.value().find('\0') != beast::string_view::npos) {
                refuse(ApiError(400, "bad_request", "a header holds a NUL character", std::string(f.name_string())));
                return;
            }
            authorizations += f.name() == http::field::authorization ? 1 : 0;
            has_content_length = has_content_length || f.name() == http::field::content_length;
            has_transfer_encoding = has_transfer_encoding || f.name() == http::field::transfer_encoding;
        }
        if (authorizations > 1) {
            refuse(ApiError(400, "bad_request", "more than one Authorization header", "Authorization"));
            return;
        }
        if (has_transfer_encoding && (has_content_length || !m_parser->chunked())) {
            refuse(ApiError(400, "bad_request",
                            has_content_length ? "Transfer-Encoding together with Content-Length (RFC 9112 section 6.3)"
                                               : "the only transfer coding accepted is chunked, last",
                            "Transfer-Encoding"));
            return;
        }
        m_pending = Pending{};
        m_pending.method = m_method;
        m_pending.target = parse_target(std::string_view(req.target().data(), req.target().size()));
        // HEAD is GET without the body (RFC 9110 section 9.3.2).
        m_head = m_method == "HEAD";
        m_pending.selection = select(m_head ? std::string_view("GET") : std::string_view(m_method), m_pending.target);
        m_pending.address = m_address;
        // The body limit of what was asked for, checked before a byte of the body is read.
        std::size_t limit = 64 * 1024;
        if (m_pending.selection.kind == Selection::operation && m_pending.selection.route->info.method == "POST") {
            limit = m_pending.selection.route->info.path == "/api/v1/elements" ? m_core.service.options().max_elements_body_bytes
                                                                                : m_core.service.options().max_request_body_bytes;
        }
        if (const auto cl = m_parser->content_length(); cl && *cl > limit) {
            refuse(ApiError(413, "payload_too_large",
                            fmt::format("the body is {} bytes; the limit of {} {} is {}", *cl, m_method, m_pending.target.path, limit),
                            "Content-Length"));
            return;
        }
        m_limit = limit;
        m_parser->body_limit(limit);
        lowest().expires_at(m_request_start + seconds(m_core.options.request_timeout_s));
        m_state = State::body;
        if (m_parser->is_done()) {
            on_body({});
            return;
        }
        const auto expect = req[http::field::expect];
        if (beast::iequals(expect, "100-continue")) {
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, m_version);
            http::async_write(m_stream, *cont, [self = this->shared_from_this(), cont](const beast::error_code &wec, std::size_t) {
                if (wec) {
                    self->close_now();
                } else {
                    self->read_body();
                }
            });
            return;
        }
        read_body();
    }

    void read_body()
    {
        http::async_read(m_stream, m_buffer, *m_parser, [self = this->shared_from_this()](const beast::error_code &ec, std::size_t) {
            self->on_body(ec);
        });
    }

    void on_body(const beast::error_code &ec)
    {
        if (ec) {
            if (ec == http::error::body_limit) {
                refuse(ApiError(413, "payload_too_large",
                                fmt::format("the body is over the limit of {} {} ({} bytes)", m_method, m_pending.target.path, m_limit)));
            } else if (is_http_parse_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
                refuse(ApiError(400, "bad_request", fmt::format("the body could not be read: {}", ec.message())));
            } else {
                close_now();
            }
            return;
        }
        auto &req = m_parser->get();
        m_pending.body = std::move(req.body());
        if (const auto a = req.find(http::field::authorization); a != req.end()) {
            m_pending.authorization = std::string(a->value());
            m_pending.has_authorization = true;
        }
        if (const auto k = req.find("Idempotency-Key"); k != req.end()) {
            m_pending.idempotency_key = std::string(k->value());
        }
        if (const auto c = req.find(http::field::content_type); c != req.end()) {
            m_pending.content_type = std::string(c->value());
        }
        if (const auto pr = req.find("Prefer"); pr != req.end()) {
            m_pending.prefer = std::string(pr->value());
        }
        if (const auto h = req.find(http::field::host); h != req.end()) {
            m_pending.host = std::string(h->value());
        }
        if (const auto l = req.find("Last-Event-ID"); l != req.end()) {
            m_pending.last_event_id = std::string(l->value());
        }
        if (const auto im = req.find(http::field::if_match); im != req.end()) {
            m_pending.if_match = std::string(im->value());
        }
        m_parser.reset();
        m_state = State::handling;
        lowest().expires_never();
        // Failed-authentication throttling: a 429 at once, or a delay (a timer, the loop goes on) before the check.
        if (m_pending.selection.kind == Selection::operation && m_pending.selection.route->info.authenticated
            && m_pending.has_authorization) {
            const auto d = m_core.throttle.before(token_id_of(m_pending.authorization), m_address);
            if (d.retry_after_s) {
                m_close = false;
                write(error_response(ApiError(429, "too_many_failures",
                                              fmt::format("too many failed authentications from this address; retry "
                                                          "after {} s",
                                                          *d.retry_after_s),
                                              "Authorization")),
                      {{"Retry-After", std::to_string(*d.retry_after_s)}});
                return;
            }
            if (d.reserved) {
                m_pending.throttle_slot = std::shared_ptr<void>(nullptr, [core = &m_core, address = m_address](void *) {
                    core->throttle.release(address);
                });
            }
            if (d.delay.count() > 0) {
                m_timer.expires_after(d.delay);
                m_timer.async_wait([self = this->shared_from_this()](const beast::error_code &tec) {
                    if (tec || self->m_state == State::closed) {
                        self->close_now();
                    } else {
                        self->dispatch_to_worker();
                    }
                });
                return;
            }
        }
        dispatch_to_worker();
    }

    void dispatch_to_worker()
    {
        // The work guard keeps the connection's io_context running until the answer is posted back: while a worker
        // handles the request the connection has no operation pending, so once stop() closes the acceptor the
        // io_context could otherwise run out of work, its threads return, and the answer (e.g. a cancelled plan's
        // 503) would never be written (ServeCancelProperty).
        asio::post(*m_core.pool, [self = this->shared_from_this(), work = asio::make_work_guard(m_stream.get_executor())]() mutable {
            Response r = self->m_core.handle(self->m_pending);
            auto ex = self->m_stream.get_executor();
            asio::post(ex, [self = std::move(self), r = std::move(r)]() mutable {
                if (self->m_state == State::handling) {
                    self->write(std::move(r));
                }
            });
            work.reset();
        });
    }

    void write(Response r, std::vector<std::pair<std::string, std::string>> extra = {})
    {
        m_state = State::writing;
        auto res = std::make_shared<http::response<http::string_body>>();
        res->version(m_version == 10 ? 10 : 11);
        res->result(static_cast<unsigned>(r.status));
        for (const auto &[k, v] : r.headers) {
            res->insert(k, v);
        }
        for (const auto &[k, v] : extra) {
            res->insert(k, v);
        }
        // On every answer: API, static files and errors alike.
        res->set(http::field::content_type, r.content_type);
        res->set("X-Content-Type-Options", "nosniff");
        res->set("X-Frame-Options", "DENY");
        res->set("Referrer-Policy", "no-referrer");
        if (res->find("Content-Security-Policy") == res->end()) {
            res->set("Content-Security-Policy", api_csp);
        }
        if (res->find(http::field::cache_control) == res->end()) {
            res->set(http::field::cache_control, "no-store");
        }
        if (r.stream && !m_head && r.status == 200) {
            start_stream(std::move(res), std::move(r.stream));
            return;
        }
        const bool close = m_close || !m_keep_alive || m_core.stopping;
        res->keep_alive(!close);
        m_close = close;
        const std::size_t body_bytes = r.body.size();
        res->body() = std::move(r.body);
        res->prepare_payload();
        if (m_core.options.access_log) {
            std::cerr << fmt::format("{} {} {} {} {}\n", m_address, m_method, m_target_text.substr(0, m_target_text.find('?')),
                                     r.status, res->body().size());
        }
        lowest().expires_after(seconds(m_core.options.write_timeout_s));
        if (m_head) { // the headers of the GET answer, its Content-Length included, and no body
            auto head = std::make_shared<http::response<http::empty_body>>(std::move(res->base()));
            head->content_length(body_bytes);
            http::async_write(m_stream, *head, [self = this->shared_from_this(), head](const beast::error_code &ec, std::size_t) {
                self->after_write(ec);
            });
            return;
        }
        http::async_write(m_stream, *res, [self = this->shared_from_this(), res](const beast::error_code &ec, std::size_t) {
            self->after_write(ec);
        });
    }

    // --- Server-Sent Events (EventStream): headers with chunked transfer coding, then one chunk per poll that found
    // something (or a comment every 15 s), until an error, the server's stop or the stream's max_s; then the
    // connection closes (the client reconnects with Last-Event-ID).
    void start_stream(std::shared_ptr<http::response<http::string_body>> res, std::shared_ptr<EventStream> stream)
    {
        auto head = std::make_shared<http::response<http::empty_body>>(std::move(res->base()));
        head->chunked(true);
        head->keep_alive(false);
        m_close = true;
        m_stream_source = std::move(stream);
        m_stream_start = SteadyClock::now();
        m_stream_last_write = m_stream_start;
        auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*head);
        lowest().expires_after(seconds(m_core.options.write_timeout_s));
        http::async_write_header(m_stream, *sr, [self = this->shared_from_this(), head, sr](const beast::error_code &ec, std::size_t) {
            if (ec) {
                self->end_stream();
            } else {
                self->watch_client();
                self->stream_tick(true);
            }
        });
    }

    /// An event-stream client sends nothing after its request: the socket turning readable means it closed (or
    /// broke the protocol), and the stream ends at once, freeing its nation's slot (not at the next write).
    void watch_client()
    {
        lowest().socket().async_wait(tcp::socket::wait_read, [self = this->shared_from_this()](const beast::error_code &) {
            self->end_stream();
        });
    }

    void stream_tick(bool at_once)
    {
        if (m_state == State::closed || m_core.stopping || !m_stream_source
            || std::chrono::duration<double>(SteadyClock::now() - m_stream_start).count() > m_stream_source->max_s) {
            end_stream();
            return;
        }
        lowest().expires_never();
        const double poll_s = m_stream_source->poll_s;
        m_timer.expires_after(at_once ? std::chrono::steady_clock::duration::zero() : seconds(poll_s));
        m_timer.async_wait([self = this->shared_from_this()](const beast::error_code &tec) {
            if (tec || self->m_state == State::closed) {
                self->end_stream();
                return;
            }
            // The store is read on a worker, never on the event loop. The worker holds its own reference to the
            // source: end_stream() may reset the session's on the strand meanwhile (the client closed).
            auto source = self->m_stream_source;
            if (!source) {
                self->end_stream();
                return;
            }
            asio::post(*self->m_core.pool, [self, source, work = asio::make_work_guard(self->m_stream.get_executor())]() mutable {
                auto text = std::make_shared<std::string>();
                bool failed = false;
                try {
                    *text = source->next();
                } catch (const std::exception &e) {
                    std::cerr << "vantage serve: event stream: " << e.what() << '\n';
                    failed = true;
                }
                asio::post(self->m_stream.get_executor(), [self, text, failed]() {
                    if (failed || self->m_state == State::closed) {
                        self->end_stream();
                        return;
                    }
                    if (text->empty() && SteadyClock::now() - self->m_stream_last_write > std::chrono::seconds(15)) {
                        *text = ": keep-alive\n\n";
                    }
                    if (text->empty()) {
                        self->stream_tick(false);
                        return;
                    }
                    self->m_stream_last_write = SteadyClock::now();
                    self->lowest().expires_after(seconds(self->m_core.options.write_timeout_s));
                    asio::async_write(self->m_stream, http::make_chunk(asio::buffer(*text)),
                                      [self, text](const beast::error_code &ec, std::size_t) {
                                          if (ec) {
                                              self->end_stream();
                                          } else {
                                              self->stream_tick(false);
                                          }
                                      });
                });
                work.reset();
            });
        });
    }

    void end_stream()
    {
        m_stream_source.reset(); // its on_close frees the nation's stream slot
        close_now();
    }

    void after_write(const beast::error_code &ec)
    {
        if (ec) {
            close_now();
        } else if (m_close) {
            linger_close();
        } else {
            read_request();
        }
    }

    /// Half-close, then read and drop what the client still sends (at most 2 s and 64 MiB), so that the client
    /// reads the answer instead of a reset (a refused body may still be on its way).
    void linger_close()
    {
        m_state = State::closing;
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) {
            close_now();
            return;
        }
        lowest().expires_after(std::chrono::seconds(2));
        discard();
    }

    void discard()
    {
        lowest().async_read_some(asio::buffer(m_discard), [self = this->shared_from_this()](const beast::error_code &ec, std::size_t n) {
            self->m_discarded += n;
            if (ec || self->m_discarded > (64u << 20)) {
                self->close_now();
            } else {
                self->discard();
            }
        });
    }

    void close_now()
    {
        if (m_state == State::closed) {
            return;
        }
        m_state = State::closed;
        m_timer.cancel();
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        lowest().close();
    }

    ServerCore &m_core;
    std::string m_address;
    Stream m_stream;
    asio::steady_timer m_timer;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Pending m_pending;
    State m_state = State::idle;
    SteadyClock::time_point m_request_start;
    std::size_t m_limit = 0;
    std::string m_method = "-";
    std::string m_target_text;
    unsigned m_version = 11;
    bool m_keep_alive = false;
    bool m_close = false;
    bool m_head = false;
    std::array<char, 16384> m_discard{};
    std::size_t m_discarded = 0;
    std::shared_ptr<EventStream> m_stream_source;
    SteadyClock::time_point m_stream_start{};
    SteadyClock::time_point m_stream_last_write{};
};

void ServerCore::do_accept()
{
    acceptor.async_accept(asio::make_strand(ioc), [this](const beast::error_code &ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open() || stopping) {
            return;
        }
        if (ec) {
            // Out of file descriptors (EMFILE) or similar: pause accepting a little instead of spinning.
            static std::atomic<bool> said{false};
            if (!said.exchange(true)) {
                std::cerr << "vantage serve: accept failed: " << ec.message()
                          << " (raise the open-file limit, or lower --max-connections)\n";
            }
            accept_retry.expires_after(std::chrono::milliseconds(100));
            accept_retry.async_wait([this](const beast::error_code &tec) {
                if (!tec) {
                    do_accept();
                }
            });
            return;
        }
        if (connection_count() >= static_cast<std::size_t>(options.max_connections)) {
            beast::error_code ignored;
            socket.close(ignored); // over the cap: closed at once
        } else {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            const auto ep = socket.remote_endpoint(ignored);
            std::string address = ignored ? std::string("?") : ep.address().to_string();
            if (ssl) {
                std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(address), std::move(socket), *ssl)
                    ->start();
            } else {
                std::make_shared<Session<beast::tcp_stream>>(*this, std::move(address), std::move(socket))->start();
            }
        }
        do_accept();
    });
}

} // namespace

const std::vector<RouteInfo> &api_routes()
{
    static const std::vector<RouteInfo> infos = [] {
        std::vector<RouteInfo> v;
        for (const auto &r : route_table()) {
            v.push_back(r.info);
        }
        return v;
    }();
    return infos;
}

const std::string &openapi_document()
{
    static const std::string doc = detail::openapi_json;
    return doc;
}

std::string resolve_static_path(const std::string &web_dir, const std::string &url_path)
{
    if (web_dir.empty() || url_path.empty() || url_path[0] != '/' || url_path.find('\0') != std::string::npos
        || url_path.find('\\') != std::string::npos) {
        return {};
    }
    std::error_code ec;
    const fs::path root = fs::canonical(web_dir, ec);
    if (ec) {
        return {};
    }
    fs::path p = root;
    std::size_t pos = 1;
    while (pos <= url_path.size()) {
        const std::size_t next = std::min(url_path.find('/', pos), url_path.size());
        const std::string seg = url_path.substr(pos, next - pos);
        pos = next + 1;
        if (seg.empty()) {
            continue;
        }
        if (seg[0] == '.') { // "..", "." and hidden files
            return {};
        }
        p /= seg;
    }
    if (fs::is_directory(p, ec)) {
        p /= "index.html";
    }
    const fs::path real = fs::canonical(p, ec);
    if (ec) {
        return {};
    }
    // NOTE: canonical() resolves symbolic links, so a link that points outside the folder is refused here.
    const auto [r_end, _] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (r_end != root.end() || !fs::is_regular_file(real, ec)) {
        return {};
    }
    return real.string();
}


long raise_open_file_limit()
{
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        return -1;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            rl = raised;
        }
    }
    return rl.rlim_cur == RLIM_INFINITY ? -1 : static_cast<long>(rl.rlim_cur);
}

struct HttpServer::Impl : ServerCore {
    using ServerCore::ServerCore;
    std::mutex state_mutex;
    std::condition_variable state_cv;
    bool started = false;
    bool stop_requested = false;
    bool stopped = false;
};

HttpServer::HttpServer(Service &service, ServerOptions options) : m_service(service), m_options(std::move(options))
{
    auto positive = [](double v, const char *opt) {
        if (!(v > 0.0)) {
            throw ConfigError(ErrorCode::out_of_range, fmt::format("{} must be > 0", opt), ErrorContext{"", 0, opt, std::to_string(v)});
        }
    };
    if (m_options.threads < 1) {
        throw ConfigError(ErrorCode::out_of_range, "threads must be >= 1", ErrorContext{"", 0, "--threads", ""});
    }
    if (m_options.io_threads < 1) {
        throw ConfigError(ErrorCode::out_of_range, "io threads must be >= 1", ErrorContext{"", 0, "--io-threads", ""});
    }
    if (m_options.max_connections < 1) {
        throw ConfigError(ErrorCode::out_of_range, "max connections must be >= 1", ErrorContext{"", 0, "--max-connections", ""});
    }
    positive(m_options.header_timeout_s, "--header-timeout-s");
    positive(m_options.request_timeout_s, "--request-timeout-s");
    positive(m_options.write_timeout_s, "--write-timeout-s");
    if (!(m_options.drain_s >= 0.0)) {
        throw ConfigError(ErrorCode::out_of_range, "--drain-s must be >= 0", ErrorContext{"", 0, "--drain-s", ""});
    }
    m_impl = std::make_unique<Impl>(m_service, m_options);
    if (!m_options.tls_cert.empty() || !m_options.tls_key.empty()) {
        if (m_options.tls_cert.empty() || m_options.tls_key.empty()) {
            throw ConfigError(ErrorCode::missing_field, "TLS needs both a certificate and a private key",
                              ErrorContext{"", 0, m_options.tls_cert.empty() ? "--tls-cert" : "--tls-key", ""});
        }
        for (const auto &[opt, path] : {std::pair{"--tls-cert", m_options.tls_cert}, std::pair{"--tls-key", m_options.tls_key}}) {
            if (!fs::is_regular_file(path)) {
                throw ConfigError(ErrorCode::file_not_found, fmt::format("cannot read {}", path), ErrorContext{path, 0, opt, path});
            }
        }
        try {
            asio::ssl::context ctx(asio::ssl::context::tls_server);
            ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3
                            | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
            ctx.use_certificate_chain_file(m_options.tls_cert);
            ctx.use_private_key_file(m_options.tls_key, asio::ssl::context::pem);
            if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
                throw std::runtime_error("key does not match");
            }
            m_impl->ssl.emplace(std::move(ctx));
        } catch (const std::exception &) {
            throw ConfigError(ErrorCode::syntax, "the TLS certificate or key could not be loaded (PEM expected, key must match)",
                              ErrorContext{m_options.tls_cert, 0, "--tls-cert", m_options.tls_cert});
        }
    }
}

HttpServer::~HttpServer()
{
    stop();
    // Reset here, before m_options goes: destroying m_impl joins the worker pool (a service call still running is waited for) and then the
    // io_context (its pending handlers, hence the sessions, are destroyed).
    m_impl.reset();
}

bool HttpServer::tls() const noexcept
{
    return !m_options.tls_cert.empty();
}

std::size_t HttpServer::connections() const
{
    return m_impl->connection_count();
}

int HttpServer::bind()
{
    if (m_bound) {
        return m_port;
    }
    try {
        const tcp::endpoint ep(asio::ip::make_address(m_options.bind), static_cast<unsigned short>(m_options.port));
        auto &a = m_impl->acceptor;
        a.open(ep.protocol());
        a.set_option(asio::socket_base::reuse_address(true));
        a.bind(ep);
        a.listen(asio::socket_base::max_listen_connections);
        m_port = a.local_endpoint().port();
    } catch (const std::exception &) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("cannot listen on {}:{} (address in use, or not an address of this machine)",
                                m_options.bind, m_options.port),
                    ErrorContext{"", 0, "--port", std::to_string(m_options.port)});
    }
    m_bound = true;
    return m_port;
}

void HttpServer::start()
{
    bind();
    std::lock_guard lock(m_impl->state_mutex);
    if (m_impl->started) {
        return;
    }
    m_impl->started = true;
    m_impl->pool = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(m_options.threads));
    m_impl->do_accept();
    for (int i = 0; i < m_options.io_threads; ++i) {
        m_impl->io_threads.emplace_back([impl = m_impl.get()] { impl->ioc.run(); });
    }
}

void HttpServer::run()
{
    start();
    std::unique_lock lock(m_impl->state_mutex);
    m_impl->state_cv.wait(lock, [this] { return m_impl->stopped; });
}

void HttpServer::stop()
{
    {
        std::unique_lock lock(m_impl->state_mutex);
        if (!m_impl->started || m_impl->stopped) {
            return;
        }
        if (m_impl->stop_requested) { // another thread stops it: wait for that
            m_impl->state_cv.wait(lock, [this] { return m_impl->stopped; });
            return;
        }
        m_impl->stop_requested = true;
    }
    Impl &impl = *m_impl;
    impl.stopping = true;
    asio::post(impl.ioc, [&impl] {
        beast::error_code ignored;
        impl.acceptor.close(ignored);
        impl.accept_retry.cancel();
    });
    // Idle connections close now; requests in flight get drain_s to be answered (each closes after its answer).
    impl.for_each_session([](SessionBase &s) { s.close_if_idle(); });
    const auto deadline = SteadyClock::now() + seconds(m_options.drain_s);
    while (impl.connection_count() > 0 && SteadyClock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    impl.for_each_session([](SessionBase &s) { s.abort(); });
    const auto abort_deadline = SteadyClock::now() + std::chrono::milliseconds(200);
    while (impl.connection_count() > 0 && SteadyClock::now() < abort_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    impl.ioc.stop();
    for (auto &t : impl.io_threads) {
        t.join();
    }
    impl.io_threads.clear();
    impl.pool->stop(); // queued, not started, operations are dropped; running ones finish (joined by ~Impl)
    {
        std::lock_guard lock(impl.state_mutex);
        impl.stopped = true;
    }
    impl.state_cv.notify_all();
}

} // namespace vantage::api
