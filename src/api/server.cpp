// HTTP routing on cpp-httplib: one route table (method, OpenAPI path, operationId, handler) registers the
// handlers and is what the OpenAPI test compares with the document. Everything an operation does is in
// Service; here are only headers, bodies, status codes and static files.
#include "vantage/api/server.hpp"

#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/core/error.hpp"

namespace vantage::api {

namespace detail {
extern const char *const openapi_json; // openapi_doc.cpp, generated from src/api/openapi.json
}

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

/// What a handler gets.
struct Call {
    const httplib::Request &req;
    std::vector<std::string> args; ///< path parameters in order
    Principal principal;
    std::optional<std::string> idempotency_key;
    Query query;
};

using Handler = std::function<Response(Service &, const Call &)>;

struct Route {
    RouteInfo info;
    bool json_body; ///< POST body must be JSON (Content-Type application/json when given)
    Handler handler;
};

Response openapi_response()
{
    return Response{200, openapi_document(), "application/json", {}};
}

const std::vector<Route> &route_table()
{
    static const std::vector<Route> routes = {
        {{"GET", "/api/v1/health", "getHealth", false}, false, [](Service &s, const Call &) { return s.health(); }},
        {{"GET", "/api/v1/openapi.json", "getOpenApi", false}, false, [](Service &, const Call &) { return openapi_response(); }},
        {{"GET", "/api/v1/whoami", "whoAmI", true}, false, [](Service &s, const Call &c) { return s.whoami(c.principal); }},
        {{"POST", "/api/v1/requests", "submitRequest", true}, true,
         [](Service &s, const Call &c) { return s.submit_request(c.principal, c.req.body, c.idempotency_key); }},
        {{"GET", "/api/v1/requests", "listRequests", true}, false,
         [](Service &s, const Call &c) { return s.list_requests(c.principal, c.query); }},
        {{"GET", "/api/v1/requests/{id}", "getRequest", true}, false,
         [](Service &s, const Call &c) { return s.get_request(c.principal, c.args.at(0)); }},
        {{"POST", "/api/v1/requests/{id}/cancel", "cancelRequest", true}, false,
         [](Service &s, const Call &c) { return s.cancel_request(c.principal, c.args.at(0), c.idempotency_key); }},
        {{"POST", "/api/v1/feasibility", "checkFeasibility", true}, true,
         [](Service &s, const Call &c) { return s.feasibility(c.principal, c.req.body); }},
        {{"POST", "/api/v1/plan", "createPlan", true}, true,
         [](Service &s, const Call &c) { return s.plan(c.principal, c.req.body, c.idempotency_key); }},
        {{"GET", "/api/v1/plan", "getPlan", true}, false, [](Service &s, const Call &c) { return s.get_plan(c.principal); }},
        {{"GET", "/api/v1/plan.czml", "getPlanCzml", true}, false,
         [](Service &s, const Call &c) { return s.get_plan_czml(c.principal); }},
        {{"POST", "/api/v1/acquisitions/{id}/outcome", "reportOutcome", true}, true,
         [](Service &s, const Call &c) {
             return s.record_outcome(c.principal, c.args.at(0), c.req.body, c.idempotency_key);
         }},
        {{"POST", "/api/v1/elements", "uploadElements", true}, false,
         [](Service &s, const Call &c) { return s.upload_elements(c.principal, c.req.body, c.query, c.idempotency_key); }},
        {{"GET", "/api/v1/satellites", "listSatellites", true}, false,
         [](Service &s, const Call &c) { return s.list_satellites(c.principal); }},
        {{"GET", "/api/v1/stations", "listStations", true}, false,
         [](Service &s, const Call &c) { return s.list_stations(c.principal); }},
        {{"POST", "/api/v1/tokens", "createToken", true}, true,
         [](Service &s, const Call &c) { return s.create_token(c.principal, c.req.body, c.idempotency_key); }},
        {{"GET", "/api/v1/tokens", "listTokens", true}, false, [](Service &s, const Call &c) { return s.list_tokens(c.principal); }},
        {{"POST", "/api/v1/tokens/{id}/revoke", "revokeToken", true}, false,
         [](Service &s, const Call &c) { return s.revoke_token(c.principal, c.args.at(0), c.idempotency_key); }},
        {{"GET", "/api/v1/audit", "listAudit", true}, false,
         [](Service &s, const Call &c) { return s.list_audit(c.principal, c.query); }},
    };
    return routes;
}

/// "/api/v1/requests/{id}/cancel" -> "/api/v1/requests/([^/]+)/cancel" (literal parts escaped).
std::string to_regex(const std::string &path)
{
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '{') {
            i = path.find('}', i);
            out += "([^/]+)";
        } else if (std::string_view(".^$|()[]*+?\\").find(c) != std::string_view::npos) {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out;
}

Response error_response(const ApiError &e)
{
    Response r{e.status(), e.body(), "application/json", {}};
    if (e.status() == 401) {
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vantage\"");
    }
    return r;
}

void write(httplib::Response &res, const Response &r)
{
    res.status = r.status;
    for (const auto &[k, v] : r.headers) {
        res.set_header(k, v);
    }
    res.set_content(r.body, r.content_type);
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

struct HttpServer::Impl {
    std::unique_ptr<httplib::Server> server;
};

HttpServer::HttpServer(Service &service, ServerOptions options)
    : m_impl(std::make_unique<Impl>()), m_service(service), m_options(std::move(options))
{
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
        auto ssl = std::make_unique<httplib::SSLServer>(m_options.tls_cert.c_str(), m_options.tls_key.c_str());
        if (!ssl->is_valid()) {
            throw ConfigError(ErrorCode::syntax, "the TLS certificate or key could not be loaded (PEM expected, key must match)",
                              ErrorContext{m_options.tls_cert, 0, "--tls-cert", m_options.tls_cert});
        }
        m_impl->server = std::move(ssl);
    } else {
        m_impl->server = std::make_unique<httplib::Server>();
    }
    if (m_options.threads < 1) {
        throw ConfigError(ErrorCode::out_of_range, "threads must be >= 1", ErrorContext{"", 0, "--threads", ""});
    }
    httplib::Server &svr = *m_impl->server;
    const auto threads = static_cast<std::size_t>(m_options.threads);
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_tcp_nodelay(true);
    svr.set_keep_alive_max_count(100000);
    svr.set_keep_alive_timeout(5);
    svr.set_read_timeout(10);
    svr.set_write_timeout(10);
    // httplib refuses longer bodies with 413 before reading them; each operation has its own, smaller limit.
    svr.set_payload_max_length(std::max(service.options().max_elements_body_bytes, service.options().max_request_body_bytes) + 1);

    // NOTE: Debian's cpp-httplib compresses with brotli at its default quality 11 whenever a client accepts
    // "br": 39 s for CesiumJS's 5 MB Cesium.js here (gzip: 0.8 s). The "br" coding is dropped from
    // Accept-Encoding before routing, so browsers get gzip. (The Request object is not const; httplib passes
    // it by const reference.)
    svr.set_pre_routing_handler([](const httplib::Request &req, httplib::Response &) {
        auto &headers = const_cast<httplib::Request &>(req).headers;
        const auto [first, last] = headers.equal_range("Accept-Encoding");
        for (auto it = first; it != last; ++it) {
            std::string kept;
            std::size_t pos = 0;
            const std::string &v = it->second;
            while (pos <= v.size()) {
                const std::size_t comma = std::min(v.find(',', pos), v.size());
                std::string token = v.substr(pos, comma - pos);
                token.erase(0, token.find_first_not_of(' '));
                if (!token.empty() && token.rfind("br", 0) != 0) {
                    kept += (kept.empty() ? "" : ", ") + token;
                }
                pos = comma + 1;
            }
            it->second = kept.empty() ? "identity" : kept;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    for (const auto &route : route_table()) {
        const Route *r = &route;
        auto handler = [this, r](const httplib::Request &req, httplib::Response &res) {
            Response out;
            try {
                Call call{req, {}, {}, std::nullopt, {}};
                for (std::size_t i = 1; i < req.matches.size(); ++i) {
                    call.args.push_back(req.matches[i].str());
                }
                for (const auto &[k, v] : req.params) {
                    call.query.emplace(k, v);
                }
                if (r->info.authenticated) {
                    call.principal = m_service.authenticate(req.get_header_value("Authorization"));
                }
                if (req.has_header("Idempotency-Key")) {
                    call.idempotency_key = req.get_header_value("Idempotency-Key");
                }
                if (r->json_body && !req.body.empty() && req.has_header("Content-Type")
                    && req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
                    throw ApiError(415, "unsupported_media_type", "the body must be application/json", "Content-Type");
                }
                out = r->handler(m_service, call);
            } catch (const ApiError &e) {
                out = error_response(e);
            } catch (const Error &e) {
                out = error_response(to_api_error(e));
                if (out.status >= 500) {
                    std::cerr << "vantage serve: " << req.method << ' ' << req.path << ": " << e.what() << '\n';
                }
            } catch (const std::exception &e) {
                std::cerr << "vantage serve: " << req.method << ' ' << req.path << ": internal error: " << e.what() << '\n';
                out = error_response(ApiError(500, "internal", "internal error"));
            }
            out.headers.emplace_back("Cache-Control", "no-store");
            write(res, out);
        };
        const std::string pattern = to_regex(route.info.path);
        if (route.info.method == "GET") {
            svr.Get(pattern, handler);
        } else {
            svr.Post(pattern, handler);
        }
    }

    // Static files of the web map; unknown /api/ paths answer a JSON 404.
    const std::string web = m_options.web_dir;
    svr.Get(".*", [web](const httplib::Request &req, httplib::Response &res) {
        if (req.path.rfind("/api/", 0) == 0) {
            write(res, error_response(ApiError(404, "no_route", fmt::format("no operation GET {}", req.path))));
            return;
        }
        const std::string file = resolve_static_path(web, req.path);
        if (file.empty()) {
            write(res, error_response(ApiError(404, "not_found", "no such file")));
            return;
        }
        std::ifstream in(file, std::ios::binary);
        std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        res.status = 200;
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("X-Frame-Options", "DENY");
        res.set_header("Referrer-Policy", "no-referrer");
        res.set_header("Content-Security-Policy",
                       // CesiumJS needs 'unsafe-eval' (its widgets' knockout bindings) and blob: scripts (workers);
                       // connections stay on this server.
                       "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; "
                       "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' data: blob:; "
                       "frame-ancestors 'none'");
        const bool asset = req.path.rfind("/cesium/", 0) == 0;
        res.set_header("Cache-Control", asset ? "public, max-age=86400" : "no-cache");
        res.set_content(std::move(body), content_type_of(file));
    });

    svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request &req, httplib::Response &res) {
        if (!res.body.empty()) {
            return httplib::Server::HandlerResponse::Unhandled; // already a JSON error of ours
        }
        Response out;
        if (res.status == 404) {
            std::vector<std::string> allowed;
            for (const auto &r : route_table()) {
                if (std::regex_match(req.path, std::regex(to_regex(r.info.path)))) {
                    allowed.push_back(r.info.method);
                }
            }
            if (!allowed.empty()) {
                std::string allow;
                for (const auto &m : allowed) {
                    allow += (allow.empty() ? "" : ", ") + m;
                }
                out = error_response(ApiError(405, "method_not_allowed", fmt::format("{} {}: allowed {}", req.method, req.path, allow)));
                out.headers.emplace_back("Allow", allow);
            } else {
                out = error_response(ApiError(404, "no_route", fmt::format("no operation {} {}", req.method, req.path)));
            }
        } else if (res.status == 413) {
            const bool form = req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
            out = error_response(ApiError(
                413, "payload_too_large",
                form ? "a form-encoded body (curl -d without -H 'Content-Type: ...') is limited to 8 KiB: send JSON "
                       "as application/json and element sets as text/plain"
                     : "the body is larger than the server accepts",
                form ? "Content-Type" : ""));
        } else if (res.status == 400) {
            out = error_response(ApiError(400, "bad_request",
                                          "the HTTP request could not be read (malformed, or a body without "
                                          "Content-Length or chunked encoding)"));
        } else {
            out = error_response(ApiError(res.status, fmt::format("http_{}", res.status),
                                          fmt::format("{} {}: HTTP {}", req.method, req.path, res.status)));
        }
        write(res, out);
        return httplib::Server::HandlerResponse::Handled;
    }));
    if (m_options.access_log) {
        svr.set_logger([](const httplib::Request &req, const httplib::Response &res) {
            std::cerr << fmt::format("{} {} {} {}\n", req.method, req.path, res.status, res.body.size());
        });
    }
}

HttpServer::~HttpServer()
{
    stop();
}

bool HttpServer::tls() const noexcept
{
    return !m_options.tls_cert.empty();
}

int HttpServer::bind()
{
    if (m_bound) {
        return m_port;
    }
    httplib::Server &svr = *m_impl->server;
    if (m_options.port == 0) {
        m_port = svr.bind_to_any_port(m_options.bind);
    } else {
        m_port = svr.bind_to_port(m_options.bind, m_options.port) ? m_options.port : -1;
    }
    if (m_port <= 0) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("cannot listen on {}:{} (address in use, or not an address of this machine)",
                                m_options.bind, m_options.port),
                    ErrorContext{"", 0, "--port", std::to_string(m_options.port)});
    }
    m_bound = true;
    return m_port;
}

void HttpServer::run()
{
    bind();
    m_impl->server->listen_after_bind();
}

void HttpServer::start()
{
    bind();
    m_thread = std::thread([this] { m_impl->server->listen_after_bind(); });
    // Wait until the accept loop runs, so that a client connecting right after start() is served.
    while (!m_impl->server->is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void HttpServer::stop()
{
    if (m_impl && m_impl->server) {
        m_impl->server->stop();
    }
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

} // namespace vantage::api
