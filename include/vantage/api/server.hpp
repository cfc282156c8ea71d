#pragma once
/// @file
/// The HTTP front of the service (cpp-httplib): the routes of docs/api.md under /api/v1, the OpenAPI 3 document
/// at /api/v1/openapi.json, the web map's static files, JSON errors, body-size limits and optional TLS.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vantage/api/service.hpp"

namespace vantage::api {

/// Server settings.
struct ServerOptions {
    std::string bind = "127.0.0.1"; ///< address to listen on
    int port = 8080;                ///< TCP port; 0 picks a free one (see HttpServer::port)
    std::string web_dir;            ///< folder of the web map's files (index.html ...); empty: none served
    std::string tls_cert;           ///< PEM certificate chain: with tls_key, serve HTTPS
    std::string tls_key;            ///< PEM private key
    int threads = 64;               ///< worker threads (each keep-alive connection holds one while it is open)
    bool access_log = false;        ///< one line per request on stderr
};

/// One API operation: method, OpenAPI path template and operationId.
struct RouteInfo {
    std::string method;       ///< "GET", "POST"
    std::string path;         ///< "/api/v1/requests/{id}"
    std::string operation_id; ///< as in the OpenAPI document
    bool authenticated;       ///< needs a bearer token
};

/// The operations the server registers (the same table drives the registration).
const std::vector<RouteInfo> &api_routes();

/// The OpenAPI 3 document served at /api/v1/openapi.json (src/api/openapi.json, embedded at build time).
const std::string &openapi_document();

/// Maps a URL path under the web folder to a file, refusing anything outside it (`..` segments, hidden files,
/// symbolic links that lead out, non-regular files). Returns the file's path, or empty when refused / absent.
std::string resolve_static_path(const std::string &web_dir, const std::string &url_path);

class HttpServer {
public:
    /// @throws ConfigError when TLS is asked for with a missing certificate or key
    HttpServer(Service &service, ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    /// Binds the listening socket; returns the port. @throws Error(invalid_argument) if it cannot bind
    int bind();
    /// Serves until stop() (binds first if needed).
    void run();
    /// Serves on a background thread (binds first if needed).
    void start();
    void stop();
    int port() const noexcept { return m_port; }
    bool tls() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    Service &m_service;
    ServerOptions m_options;
    int m_port = 0;
    bool m_bound = false;
    std::thread m_thread;
};

} // namespace vantage::api
