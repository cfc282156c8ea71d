// vantage serve: the tasking service (store + HTTP API + web map). vantage admin: token management on the
// store directly (the first admin token is made here).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/api/auth.hpp"
#include "vantage/api/server.hpp"
#include "vantage/api/service.hpp"
#include "vantage/io/mission_scenario.hpp"
#include "vantage/io/scenario.hpp"
#include "vantage/store/store.hpp"

namespace vantage::cli {

namespace {

struct ServeOptions {
    std::string db;
    int port = 8080;
    std::string bind = "127.0.0.1";
    std::string scenario;
    std::string web;
    bool no_web = false;
    std::string tls_cert;
    std::string tls_key;
    int threads = 16;
    int io_threads = 1;
    int max_connections = 10000;
    double header_timeout_s = 10.0;
    double request_timeout_s = 60.0;
    double drain_s = 1.0;
    double auth_base_delay_s = 0.25;
    double auth_max_delay_s = 8.0;
    int auth_failures_per_min = 30;
    bool simulate = false;
    std::string sim_start;
    double sim_speed = 1.0;
    double horizon_h = 48.0;
    bool access_log = false;
    // bounds, rates and quotas (docs/api.md § Limits)
    double max_window_h = 31 * 24.0;
    double max_lead_h = 366 * 24.0;
    double max_horizon_h = 14 * 24.0;
    double feasibility_budget_s = 10.0;
    double nation_rate = 50.0;
    double nation_burst = 500.0;
    std::int64_t nation_max_open = 10000;
    bool webhook_allow_private = false;
    bool webhook_allow_http = false;
    double webhook_timeout_s = 5.0;
    double webhook_max_backoff_s = 600.0;
};

/// The store URL without credentials, for messages ("postgresql://user:secret@host/db" -> "postgresql://host/db").
std::string redacted(const std::string &url)
{
    const auto scheme = url.find("://");
    const auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) {
        return url;
    }
    return url.substr(0, scheme + 3) + url.substr(at + 1);
}

std::string default_web_dir()
{
#ifdef VANTAGE_WEB_DIR
    if (std::filesystem::is_regular_file(std::filesystem::path(VANTAGE_WEB_DIR) / "index.html")) {
        return VANTAGE_WEB_DIR;
    }
#endif
    return {};
}

int run_serve(const ServeOptions &o)
{
    // Signals are taken by one thread (sigwait) that stops the server; every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    api::Fleet fleet;
    if (!o.scenario.empty()) {
        io::Scenario sc = io::read_scenario_file(o.scenario);
        print_diagnostics(std::cerr, sc.diagnostics);
        fleet.satellites = std::move(sc.satellites);
        fleet.stations = std::move(sc.stations);
        fleet.sensors = std::move(sc.sensors);
        fleet.eop = std::move(sc.eop);
        fleet.search = sc.search;
        fleet.sgp4 = sc.sgp4;
        // The scenario's tasking keys (agility, storage, data rates, shares, outages, planning), when it has them.
        fleet.tasking = std::make_shared<const scheduling::Mission>(io::read_mission_file(o.scenario));
    }
    api::ServiceOptions so;
    so.simulate = o.simulate;
    so.plan_horizon_h = o.horizon_h;
    so.max_request_window_h = o.max_window_h;
    so.max_request_lead_h = o.max_lead_h;
    so.max_plan_horizon_h = std::max(o.max_horizon_h, o.horizon_h);
    so.feasibility_budget_s = o.feasibility_budget_s;
    so.nation_rate_per_s = o.nation_rate;
    so.nation_burst = o.nation_burst;
    so.nation_max_open = o.nation_max_open;
    so.webhooks.allow_private = o.webhook_allow_private;
    so.webhooks.allow_http = o.webhook_allow_http;
    so.webhooks.timeout_s = o.webhook_timeout_s;
    so.webhooks.max_backoff_s = o.webhook_max_backoff_s;
    if (o.simulate) {
        const time::Instant start = o.sim_start.empty() ? api::system_now() : parse_time_option(o.sim_start, "--sim-start");
        const auto wall0 = std::chrono::steady_clock::now();
        const double speed = o.sim_speed;
        so.clock = [start, wall0, speed] {
            const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
            return start + time::Duration::from_seconds(dt * speed);
        };
    } else if (!o.sim_start.empty()) {
        throw ConfigError(ErrorCode::invalid_argument, "--sim-start needs --simulate", ErrorContext{"", 0, "--sim-start", o.sim_start});
    }
    auto store = store::Store::open(o.db);
    api::Service service(*store, std::move(fleet), api::make_default_planner(), so);

    api::ServerOptions srv;
    srv.bind = o.bind;
    srv.port = o.port;
    srv.web_dir = o.no_web ? std::string() : (o.web.empty() ? default_web_dir() : o.web);
    srv.tls_cert = o.tls_cert;
    srv.tls_key = o.tls_key;
    srv.threads = o.threads;
    srv.io_threads = o.io_threads;
    srv.access_log = o.access_log;
    srv.header_timeout_s = o.header_timeout_s;
    srv.request_timeout_s = o.request_timeout_s;
    srv.drain_s = o.drain_s;
    srv.auth_throttle.base_delay_s = o.auth_base_delay_s;
    srv.auth_throttle.max_delay_s = o.auth_max_delay_s;
    srv.auth_throttle.max_failures_per_address = o.auth_failures_per_min;
    srv.auth_throttle.enabled = o.auth_failures_per_min > 0;
    if (!srv.auth_throttle.enabled) {
        srv.auth_throttle.max_failures_per_address = 1;
    }
    // Each connection takes a file descriptor; the store, the web files and the process need a few more.
    // Debian's default soft limit is 1,024: raise it to the hard limit and keep the connection cap under it.
    constexpr long reserved_fds = 64;
    const long nofile = api::raise_open_file_limit();
    srv.max_connections = o.max_connections;
    if (nofile > 0 && srv.max_connections > nofile - reserved_fds) {
        srv.max_connections = static_cast<int>(std::max(1L, nofile - reserved_fds));
        std::cerr << fmt::format("vantage serve: open-file limit {} (ulimit -n): at most {} connections (--max-connections {} "
                                 "needs a limit of {})\n",
                                 nofile, srv.max_connections, o.max_connections, o.max_connections + reserved_fds);
    }
    api::HttpServer server(service, srv);
    const int port = server.bind();
    const auto f = service.fleet();
    std::cerr << fmt::format("vantage serve: store {} ({}), {} satellites, {} stations, planner {}, {}web map {}\n", redacted(o.db),
                             store->backend(), f->satellites.size(), f->stations.size(),
                             api::make_default_planner()->name(), o.simulate ? "simulation clock, " : "",
                             srv.web_dir.empty() ? "off" : srv.web_dir);
    std::cout << fmt::format("listening on {}://{}:{}", server.tls() ? "https" : "http", o.bind, port) << std::endl;

    // SIGINT/SIGTERM: stop accepting, close idle connections, give requests in flight --drain-s, then return.
    // Whatever still runs after that (a planning run, a feasibility search that did not stop when asked) is
    // abandoned: a watchdog ends the process 2 s after the signal at the latest. Every acknowledged write is
    // already committed (the store is crash-safe), so nothing acknowledged is lost.
    std::atomic<bool> done{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        if (done) {
            return;
        }
        const auto signalled = std::chrono::steady_clock::now();
        service.stop(); // the feasibility worker and a running plan stop (the plan's request answers 503)
        // Detached: it ends with the process, or ends the process (the server's and service's destructors, which
        // join their threads, run after run() returns and are covered too).
        std::thread([signalled] {
            std::this_thread::sleep_until(signalled + std::chrono::milliseconds(1900));
            std::cerr << "vantage serve: work still running 1.9 s after the signal was abandoned; exiting\n";
            std::_Exit(exit_ok);
        }).detach();
        server.stop();
    });
    server.run();
    done = true;
    kill(getpid(), SIGTERM); // wake the waiter if the server stopped on its own (it is blocked in sigwait)
    waiter.join();
    std::cerr << "vantage serve: stopped\n";
    return exit_ok;
}

struct AdminOptions {
    std::string db;
    std::string tenant;
    std::string role = "requester";
    std::string label;
    double expires_h = 0.0;
    std::string id;
};

store::Mutation cli_mutation(const std::string &tenant)
{
    const char *user = std::getenv("USER");
    return store::Mutation{fmt::format("cli:{}", user ? user : "unknown"), tenant, api::system_now(), std::nullopt};
}

int run_create_token(const AdminOptions &o)
{
    const auto role = store::parse_role(o.role);
    if (!role) {
        throw ConfigError(ErrorCode::out_of_range, "--role must be requester, nation_admin, operator or admin",
                          ErrorContext{"", 0, "--role", o.role});
    }
    if (o.expires_h < 0.0) {
        throw ConfigError(ErrorCode::out_of_range, "--expires-h must be > 0 (0: never)",
                          ErrorContext{"", 0, "--expires-h", std::to_string(o.expires_h)});
    }
    api::check_tenant(o.tenant, "--tenant"); // before the store is opened: a usage error naming the option
    auto store = store::Store::open(o.db);
    const auto m = cli_mutation(o.tenant);
    std::optional<time::Instant> expires;
    if (o.expires_h > 0.0) {
        expires = m.time + time::Duration::from_hours(o.expires_h);
    }
    const auto t = api::generate_token(o.tenant, *role, o.label, m.time, expires, m.actor);
    store->create_token(t.record, m);
    std::cerr << fmt::format("token {} for {} ({}){}; keep it secret, it is not shown again:\n", t.record.id,
                             t.record.tenant, store::to_string(t.record.role),
                             expires ? ", expires " + expires->to_iso8601_utc(0) : std::string());
    std::cout << t.token << std::endl;
    return exit_ok;
}

int run_list_tokens(const AdminOptions &o)
{
    auto store = store::Store::open(o.db);
    std::cout << "id,tenant,role,label,created_utc,expires_utc,revoked_utc\n";
    for (const auto &t : store->list_tokens()) {
        std::cout << fmt::format("{},{},{},{},{},{},{}\n", t.id, t.tenant, store::to_string(t.role), csv_field(t.label),
                                 t.created.to_iso8601_utc(0), t.expires ? t.expires->to_iso8601_utc(0) : "",
                                 t.revoked ? t.revoked->to_iso8601_utc(0) : "");
    }
    return exit_ok;
}

int run_revoke_token(const AdminOptions &o)
{
    auto store = store::Store::open(o.db);
    const auto t = store->revoke_token(o.id, cli_mutation(""));
    std::cout << fmt::format("token {} revoked at {}\n", t.value.id, t.value.revoked->to_iso8601_utc(0));
    return exit_ok;
}

} // namespace

Runner add_serve(CLI::App &app)
{
    auto o = std::make_shared<ServeOptions>();
    CLI::App *cmd = app.add_subcommand("serve", "run the tasking service: HTTP API under /api/v1 and the web map");
    cmd->add_option("--db", o->db, "store: a SQLite file (created if absent) or a postgresql:// URL")->required();
    cmd->add_option("--port", o->port, "TCP port (0: any free port, printed)")->capture_default_str()->check(CLI::Range(0, 65535));
    cmd->add_option("--bind", o->bind, "address to listen on")->capture_default_str();
    cmd->add_option("--scenario", o->scenario, "scenario YAML: satellites with sensors, ground stations, EOP")
        ->check(CLI::ExistingFile);
    cmd->add_option("--web", o->web, "folder of the web map (default: web/dist of this build when built)");
    cmd->add_flag("--no-web", o->no_web, "serve the API only");
    cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate (with --tls-key: HTTPS)");
    cmd->add_option("--tls-key", o->tls_key, "PEM private key");
    cmd->add_option("--threads", o->threads, "worker threads running the API operations (connections take none)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--io-threads", o->io_threads, "event-loop threads (sockets, TLS, HTTP parsing)")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->add_option("--max-connections", o->max_connections, "open connections at most (more are closed at once)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--header-timeout-s", o->header_timeout_s, "a request's headers (or an idle connection's next request) within this (s)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--request-timeout-s", o->request_timeout_s, "a request's headers and body within this (s)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--drain-s", o->drain_s, "on SIGTERM, requests in flight get this long to finish (s, <= 1.5)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.5));
    cmd->add_option("--auth-base-delay-s", o->auth_base_delay_s, "delay after a failed authentication of a (token, address) pair (s)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 60.0));
    cmd->add_option("--auth-max-delay-s", o->auth_max_delay_s, "the delay doubles per failure up to this (s)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 600.0));
    cmd->add_option("--auth-failures-per-min", o->auth_failures_per_min, "failed authentications per address per minute before 429 (0: no throttling)")
        ->capture_default_str()
        ->check(CLI::Range(0, 100000));
    cmd->add_flag("--simulate", o->simulate, "simulation mode: acquisitions succeed (and deliver) when their time passes");
    cmd->add_option("--sim-start", o->sim_start, "simulation clock start (UTC ISO 8601; default: now)");
    cmd->add_option("--sim-speed", o->sim_speed, "simulation clock rate (simulated s per wall s)")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--horizon-h", o->horizon_h, "default planning horizon (h)")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_flag("--access-log", o->access_log, "one line per HTTP request on stderr");
    cmd->add_option("--max-window-h", o->max_window_h, "longest request: window_start_utc to the end of its last occurrence (h)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--max-lead-h", o->max_lead_h, "latest window_start_utc, after now (h)")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--max-horizon-h", o->max_horizon_h, "largest planning horizon of POST /plan (h)")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--feasibility-budget-s", o->feasibility_budget_s, "wall-clock budget of one feasibility search (s)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--nation-rate", o->nation_rate, "submissions and feasibility checks per nation per second (0: no limit)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_option("--nation-burst", o->nation_burst, "burst of the per-nation rate limit")->capture_default_str()->check(CLI::Range(1.0, 1e9));
    cmd->add_option("--nation-max-open", o->nation_max_open, "open requests per nation, its quota (0: none)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_flag("--webhook-allow-private", o->webhook_allow_private,
                  "let webhooks reach loopback and private addresses (a receiver inside the enclave, tests)");
    cmd->add_flag("--webhook-allow-http", o->webhook_allow_http, "let webhooks use plain http:// (default: https only)");
    cmd->add_option("--webhook-timeout-s", o->webhook_timeout_s, "one delivery attempt, from resolving to the answer's headers (s)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--webhook-max-backoff-s", o->webhook_max_backoff_s, "longest wait between attempts at one event (s)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    return [o]() { return run_serve(*o); };
}

Runner add_admin(CLI::App &app)
{
    auto o = std::make_shared<AdminOptions>();
    CLI::App *cmd = app.add_subcommand("admin", "administer a service store (tokens)");
    cmd->require_subcommand(1);
    CLI::App *create = cmd->add_subcommand("create-token", "create an API token; prints it once, on the last line");
    create->add_option("--db", o->db, "store: SQLite file or postgresql:// URL")->required();
    create->add_option("--tenant", o->tenant, "the nation the token is bound to (e.g. FR)")->required();
    create->add_option("--role", o->role, "requester, nation_admin (a nation's), operator or admin (the coalition's)")->capture_default_str();
    create->add_option("--label", o->label, "free text (who holds it)");
    create->add_option("--expires-h", o->expires_h, "lifetime in hours (default: no expiry)");
    CLI::App *list = cmd->add_subcommand("list-tokens", "list the tokens (CSV; never their secrets)");
    list->add_option("--db", o->db, "store")->required();
    CLI::App *revoke = cmd->add_subcommand("revoke-token", "revoke a token by id (effective at once)");
    revoke->add_option("--db", o->db, "store")->required();
    revoke->add_option("--id", o->id, "token id (the part before the dot)")->required();
    return [o, create, list]() {
        if (create->parsed()) {
            return run_create_token(*o);
        }
        if (list->parsed()) {
            return run_list_tokens(*o);
        }
        return run_revoke_token(*o);
    };
}

} // namespace vantage::cli
