// Webhooks (include/vantage/api/webhooks.hpp): URL checks against server-side request forgery, Standard Webhooks
// signatures with libsodium's HMAC-SHA256, one attempt as a Boost.Beast client under one deadline, and the delivery
// threads that walk each webhook's cursor through the store's events.
#include "vantage/api/webhooks.hpp"

#include <sodium.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <iostream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/api/service.hpp" // system_now
#include "vantage/core/error.hpp"

namespace vantage::api {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

[[noreturn]] void bad_url(const std::string &why, const std::string &url)
{
    throw Error(ErrorCode::out_of_range, why, ErrorContext{"", 0, "url", url.substr(0, 200)});
}

bool restricted_v4(const asio::ip::address_v4 &a)
{
    const std::uint32_t x = a.to_uint();
    auto in = [x](std::uint32_t net, int bits) { return bits == 0 || (x >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8)      // "this network", 0.0.0.0
           || in(0x0A000000, 8)   // 10/8
           || in(0x64400000, 10)  // 100.64/10 shared (CGNAT)
           || in(0x7F000000, 8)   // loopback
           || in(0xA9FE0000, 16)  // link-local (cloud metadata 169.254.169.254)
           || in(0xAC100000, 12)  // 172.16/12
           || in(0xC0000000, 24)  // 192.0.0/24 IETF protocol assignments
           || in(0xC0000200, 24)  // 192.0.2/24 TEST-NET-1
           || in(0xC0A80000, 16)  // 192.168/16
           || in(0xC6120000, 15)  // 198.18/15 benchmarking
           || in(0xC6336400, 24)  // 198.51.100/24 TEST-NET-2
           || in(0xCB007100, 24)  // 203.0.113/24 TEST-NET-3
           || in(0xE0000000, 4)   // multicast
           || in(0xF0000000, 4);  // reserved and broadcast
}

bool restricted(const asio::ip::address &a)
{
    if (a.is_v4()) {
        return restricted_v4(a.to_v4());
    }
    const auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) {
        return restricted_v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
    }
    const auto b = v6.to_bytes();
    const bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b; // 64:ff9b::/96 embeds an IPv4
    if (nat64) {
        return restricted_v4(asio::ip::address_v4({b[12], b[13], b[14], b[15]}));
    }
    return v6.is_loopback() || v6.is_unspecified() || v6.is_link_local() || v6.is_site_local() || v6.is_multicast()
           || (b[0] & 0xfe) == 0xfc                   // fc00::/7 unique local
           || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8); // 2001:db8::/32 documentation
}

std::string base64(const unsigned char *data, std::size_t n)
{
    std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}


} // namespace

bool is_restricted_address(std::string_view ip)
{
    beast::error_code ec;
    const auto a = asio::ip::make_address(std::string(ip), ec);
    return ec || restricted(a);
}

WebhookUrl parse_webhook_url(const std::string &url, const WebhookOptions &options)
{
    if (url.size() > 2048) {
        bad_url("url must be at most 2048 characters", url);
    }
    for (const char ch : url) {
        if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f || ch == '\\') {
            bad_url("url must not contain spaces, control characters or backslashes", url);
        }
    }
    WebhookUrl u;
    const auto colon = url.find("://");
    if (colon == std::string::npos) {
        bad_url("url must be an absolute https:// URL", url);
    }
    u.scheme = url.substr(0, colon);
    std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (u.scheme != "https" && !(u.scheme == "http" && options.allow_http)) {
        bad_url(options.allow_http ? "url must be https:// or http://" : "url must be https:// (plain http is not allowed)", url);
    }
    std::string rest = url.substr(colon + 3);
    const auto path_at = rest.find_first_of("/?#");
    std::string authority = rest.substr(0, path_at);
    u.target = path_at == std::string::npos ? "/" : rest.substr(path_at);
    if (const auto hash = u.target.find('#'); hash != std::string::npos) {
        u.target.erase(hash);
    }
    if (u.target.empty() || u.target[0] != '/') {
        u.target = "/" + u.target;
    }
    if (authority.find('@') != std::string::npos) {
        bad_url("url must not contain user information (credentials belong in the signing secret)", url);
    }
    if (!authority.empty() && authority[0] == '[') {
        const auto close = authority.find(']');
        if (close == std::string::npos) {
            bad_url("url has an unclosed IPv6 literal", url);
        }
        u.host = authority.substr(1, close - 1);
        const std::string after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') {
                bad_url("url has characters after the IPv6 literal", url);
            }
            u.port = after.substr(1);
        }
    } else {
        const auto c = authority.rfind(':');
        u.host = authority.substr(0, c);
        if (c != std::string::npos) {
            u.port = authority.substr(c + 1);
        }
    }
    if (u.host.empty()) {
        bad_url("url has no host", url);
    }
    for (const char ch : u.host) {
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':')) {
            bad_url("url's host may hold letters, digits, '.', '-' (or an IP literal) only", url);
        }
    }
    if (u.port.empty()) {
        u.port = u.scheme == "https" ? "443" : "80";
    }
    const bool digits = u.port.size() <= 5 && std::all_of(u.port.begin(), u.port.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits || std::stoi(u.port) < 1 || std::stoi(u.port) > 65535) {
        bad_url("url's port must be in 1..65535", url);
    }
    beast::error_code ec;
    const auto literal = asio::ip::make_address(u.host, ec);
    if (!ec && !options.allow_private && restricted(literal)) {
        bad_url("url's address is loopback, private, link-local or otherwise not public", url);
    }
    std::string lower = u.host;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (!options.allow_private && (lower == "localhost" || (lower.size() > 10 && lower.substr(lower.size() - 10) == ".localhost"))) {
        bad_url("url's host is loopback", url);
    }
    return u;
}

std::string new_webhook_secret()
{
    std::array<unsigned char, 32> key{};
    randombytes_buf(key.data(), key.size());
    return "whsec_" + base64(key.data(), key.size());
}

std::string sign_webhook(const std::string &secret, const std::string &id, std::int64_t timestamp, std::string_view body)
{
    if (secret.rfind("whsec_", 0) != 0) {
        throw Error(ErrorCode::invalid_argument, "a webhook secret starts with whsec_");
    }
    const std::string b64 = secret.substr(6);
    std::vector<unsigned char> key(b64.size());
    std::size_t key_len = 0;
    if (sodium_base642bin(key.data(), key.size(), b64.data(), b64.size(), nullptr, &key_len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL)
            != 0
        || key_len == 0) {
        throw Error(ErrorCode::invalid_argument, "a webhook secret is whsec_ and base64");
    }
    const std::string prefix = fmt::format("{}.{}.", id, timestamp);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key.data(), key_len);
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char *>(prefix.data()), prefix.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char *>(body.data()), body.size());
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
    crypto_auth_hmacsha256_final(&st, mac.data());
    sodium_memzero(key.data(), key.size());
    return "v1," + base64(mac.data(), mac.size());
}

std::string event_id(const store::EventRecord &e)
{
    return fmt::format("evt_{}", e.seq);
}

std::string event_payload(const store::EventRecord &e)
{
    const std::string t = e.time.to_iso8601_utc(6);
    return json{{"type", "request.status"},
                {"timestamp", t},
                {"data", json{{"event_id", event_id(e)},
                              {"seq", e.seq},
                              {"request_id", e.request_id},
                              {"tenant", e.tenant},
                              {"status", store::to_string(e.status)},
                              {"time_utc", t},
                              {"note", e.note}}}}
        .dump(-1, ' ', false, json::error_handler_t::replace);
}

DeliveryAttempt deliver_once(const store::WebhookRecord &webhook, const store::EventRecord &event, const WebhookOptions &options)
{
    DeliveryAttempt out;
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.timeout_s));
    auto finish = [&](int status, std::string error) {
        out.status_code = status;
        out.error = std::move(error);
        out.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
        return out;
    };
    WebhookUrl u;
    try {
        u = parse_webhook_url(webhook.url, options); // the rules may have tightened since it was registered
    } catch (const Error &e) {
        return finish(0, e.what());
    }
    asio::io_context ioc;
    // Runs the queued operation until `done` or the deadline.
    auto wait = [&](const bool &done) {
        ioc.restart();
        ioc.run_until(deadline);
        return done;
    };
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    bool done = false;
    tcp::resolver::results_type results;
    resolver.async_resolve(u.host, u.port, [&](const beast::error_code &e, tcp::resolver::results_type r) {
        ec = e;
        results = std::move(r);
        done = true;
    });
    if (!wait(done)) {
        return finish(0, "timed out resolving the host");
    }
    if (ec) {
        return finish(0, "cannot resolve the host: " + ec.message());
    }
    // Every address is checked, and the connection goes to these very addresses (no second lookup).
    std::vector<tcp::endpoint> endpoints;
    for (const auto &r : results) {
        if (!options.allow_private && restricted(r.endpoint().address())) {
            // NOTE: the address stays out of the delivery log (a nation admin must not map the service's internal
            // DNS by registering names); the server's log has it.
            std::cerr << fmt::format("vantage serve: webhook {}: {} resolves to {}: refused\n", webhook.id, u.host,
                                     r.endpoint().address().to_string());
            return finish(0, "the host resolves to a loopback, private or otherwise non-public address: refused");
        }
        endpoints.push_back(r.endpoint());
    }
    if (endpoints.empty()) {
        return finish(0, "the host has no address");
    }
    const std::string body = event_payload(event);
    const std::string id = event_id(event);
    const std::int64_t ts = unix_now();
    http::request<http::string_body> req{http::verb::post, u.target, 11};
    req.set(http::field::host, u.host);
    req.set(http::field::user_agent, "vantage-webhooks/1");
    req.set(http::field::content_type, "application/json");
    req.set("webhook-id", id);
    req.set("webhook-timestamp", std::to_string(ts));
    try {
        req.set("webhook-signature", sign_webhook(webhook.secret, id, ts, body));
    } catch (const Error &e) {
        return finish(0, e.what());
    }
    req.body() = body;
    req.prepare_payload();

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024);
    auto exchange = [&](auto &stream, auto &lowest) -> DeliveryAttempt {
        done = false;
        lowest.async_connect(endpoints, [&](const beast::error_code &e, const tcp::endpoint &) {
            ec = e;
            done = true;
        });
        if (!wait(done)) {
            return finish(0, "timed out connecting");
        }
        if (ec) {
            return finish(0, "cannot connect: " + ec.message());
        }
        if constexpr (!std::is_same_v<std::decay_t<decltype(stream)>, beast::tcp_stream>) {
            done = false;
            stream.async_handshake(asio::ssl::stream_base::client, [&](const beast::error_code &e) {
                ec = e;
                done = true;
            });
            if (!wait(done)) {
                return finish(0, "timed out in the TLS handshake");
            }
            if (ec) {
                return finish(0, "TLS handshake failed: " + ec.message());
            }
        }
        done = false;
        http::async_write(stream, req, [&](const beast::error_code &e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!wait(done)) {
            return finish(0, "timed out sending");
        }
        if (ec) {
            return finish(0, "cannot send: " + ec.message());
        }
        done = false;
        http::async_read_header(stream, buffer, parser, [&](const beast::error_code &e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!wait(done)) {
            return finish(0, "timed out waiting for the answer");
        }
        if (ec) {
            return finish(0, "no answer: " + ec.message());
        }
        const int status = static_cast<int>(parser.get().result_int());
        if (status >= 200 && status < 300) {
            return finish(status, "");
        }
        if (status >= 300 && status < 400) {
            return finish(status, "the receiver redirected; redirects are not followed");
        }
        return finish(status, fmt::format("the receiver answered {}", status));
    };
    if (u.scheme == "http") {
        beast::tcp_stream stream(ioc);
        return exchange(stream, stream);
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(asio::ssl::verify_peer);
    ctx.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1
                    | asio::ssl::context::no_tlsv1_1);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_callback(asio::ssl::host_name_verification(u.host));
    if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str())) {
        return finish(0, "cannot set the TLS server name");
    }
    return exchange(stream, beast::get_lowest_layer(stream));
}

// -------------------------------------------------------------------------------------- dispatcher

WebhookDispatcher::WebhookDispatcher(store::Store &store, WebhookOptions options) : m_store(store), m_options(options) {}

WebhookDispatcher::~WebhookDispatcher()
{
    stop();
}

void WebhookDispatcher::start()
{
    std::lock_guard lock(m_mutex);
    if (!m_manager.joinable() && !m_stop) {
        m_manager = std::thread([this] { manage(); });
    }
}

void WebhookDispatcher::request_stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
}

void WebhookDispatcher::stop()
{
    request_stop();
    if (m_manager.joinable()) {
        m_manager.join();
    }
    std::map<std::string, std::thread> workers;
    {
        std::lock_guard lock(m_mutex);
        workers.swap(m_workers);
    }
    for (auto &kv : workers) {
        if (kv.second.joinable()) {
            kv.second.join();
        }
    }
}

void WebhookDispatcher::wake()
{
    {
        std::lock_guard lock(m_mutex);
        ++m_wakes;
    }
    m_cv.notify_all();
}

bool WebhookDispatcher::wait_for(double seconds)
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t seen = m_wakes;
    m_cv.wait_for(lock, std::chrono::duration<double>(std::max(0.0, seconds)), [&] { return m_stop || m_wakes != seen; });
    return !m_stop;
}

void WebhookDispatcher::manage()
{
    do {
        std::vector<store::WebhookRecord> active;
        try {
            active = m_store.list_webhooks(std::nullopt, true);
        } catch (const std::exception &) {
            continue; // the store is unavailable: try again next round
        }
        std::lock_guard lock(m_mutex);
        if (m_stop) {
            break;
        }
        // Join the workers that have returned (disabled webhooks), so that creating and disabling webhooks does not
        // pile up threads. A finished worker only has to return: it no longer takes the mutex.
        for (const auto &id : m_finished) {
            const auto it = m_workers.find(id);
            if (it != m_workers.end()) {
                if (it->second.joinable()) {
                    it->second.join();
                }
                m_workers.erase(it);
            }
        }
        m_finished.clear();
        for (const auto &w : active) {
            if (m_workers.count(w.id) == 0) {
                const std::string id = w.id;
                const std::string tenant = w.tenant;
                m_workers.emplace(id, std::thread([this, id, tenant] { serve(id, tenant); }));
            }
        }
    } while (wait_for(m_options.poll_s * 4));
}

void WebhookDispatcher::serve(const std::string &id, const std::string &tenant)
{
    struct Finished {
        WebhookDispatcher &d;
        const std::string &id;
        ~Finished()
        {
            std::lock_guard lock(d.m_mutex);
            d.m_finished.push_back(id);
        }
    } finished{*this, id};
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) {
                return;
            }
        }
        std::optional<store::WebhookRecord> w;
        std::vector<store::EventRecord> events;
        try {
            w = m_store.get_webhook(id, tenant);
            if (!w || w->disabled) {
                return; // a disabled webhook's thread ends (its record stays, with its log)
            }
            if (w->next_attempt) {
                const double wait_s = (*w->next_attempt - system_now()).seconds();
                if (wait_s > 0.0) {
                    if (!wait_for(std::min(wait_s, m_options.poll_s * 4))) {
                        return;
                    }
                    continue;
                }
            }
            events = m_store.list_events(w->cursor, 20, tenant);
        } catch (const std::exception &) {
            if (!wait_for(m_options.poll_s)) {
                return;
            }
            continue;
        }
        if (events.empty()) {
            if (!wait_for(m_options.poll_s)) {
                return;
            }
            continue;
        }
        int failures = w->failures;
        for (const auto &e : events) {
            DeliveryAttempt a;
            try {
                a = deliver_once(*w, e, m_options);
            } catch (const std::exception &ex) { // e.g. a TLS context that cannot be made: a failed attempt, not a crash
                a.error = fmt::format("internal error: {}", ex.what());
            }
            store::DeliveryRecord d;
            d.webhook_id = id;
            d.tenant = tenant;
            d.event_seq = e.seq;
            d.attempt = failures + 1;
            d.time = system_now();
            d.status_code = a.status_code;
            d.error = a.error;
            d.delivered = a.error.empty();
            d.duration_ms = a.duration_ms;
            std::optional<time::Instant> next;
            if (!d.delivered) {
                const double backoff = std::min(m_options.max_backoff_s, std::ldexp(1.0, std::min(failures, 30)));
                next = d.time + time::Duration::from_seconds(backoff);
            }
            try {
                m_store.record_delivery(d, next);
            } catch (const std::exception &) {
                break; // not recorded: the event is delivered again (at least once; the receiver de-duplicates by id)
            }
            if (!d.delivered) {
                break;
            }
            failures = 0;
            std::lock_guard lock(m_mutex);
            if (m_stop) {
                return;
            }
        }
    }
}

} // namespace vantage::api
