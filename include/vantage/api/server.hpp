#pragma once
/// @file
/// The HTTP front of the service (Boost.Beast on Asio, event-driven): the routes of docs/api.md under /api/v1, the
/// OpenAPI 3 document at /api/v1/openapi.json, the web map's static files, JSON errors, body-size limits checked
/// before a body is read, header and request deadlines, a connection cap, failed-authentication throttling and
/// optional TLS (Asio's OpenSSL streams). docs/architecture/api.md describes the design and its threat model.

#include <cstddef>
#include <memory>
#include <string>
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
    int threads = 16;               ///< worker threads that run the service's operations (connections take none)
    int io_threads = 1;             ///< event-loop threads (sockets, TLS, parsing)
    int max_connections = 10000;    ///< open connections beyond this are closed at once after accept
    double header_timeout_s = 10.0; ///< a request's headers (or a keep-alive connection's next request) within this (s)
    double request_timeout_s = 60.0; ///< a request's headers and body within this from its first wait (s)
    double write_timeout_s = 60.0;  ///< a response written within this (s)
    double drain_s = 1.0;           ///< stop(): in-flight requests get this long to finish before being abandoned (s)
    std::size_t max_header_bytes = 16 * 1024; ///< request line and headers (431 beyond)
    AuthThrottleOptions auth_throttle; ///< failed-authentication throttling
    bool access_log = false;        ///< one line per request on stderr
};

/// Raises the process's soft open-file limit (RLIMIT_NOFILE) to its hard limit; returns the soft limit in force
/// afterwards (each open connection takes one descriptor).
long raise_open_file_limit();

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
    /// Serves on background threads (binds first if needed).
    void start();
    /// Stops accepting, closes idle connections, gives in-flight requests up to `drain_s` to finish, then closes
    /// everything and returns (run() returns too). Callable from any thread (a signal-handling one included).
    /// Worker threads still inside a service call are joined by the destructor.
    void stop();
    /// Open connections now.
    std::size_t connections() const;
    int port() const noexcept { return m_port; }
    bool tls() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    Service &m_service;
    ServerOptions m_options;
    int m_port = 0;
    bool m_bound = false;
};

} // namespace vantage::api
