#pragma once
/// @file
/// Webhooks: each nation's request status transitions POSTed to the URLs it registered, signed by the Standard
/// Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256(key,
/// "id.timestamp.body")>`), in event order, at least once, from the durable outbox (the events are the store's
/// request history rows, written in the transaction of the transition; a webhook's cursor moves only when a 2xx
/// acknowledged an event). docs/api.md § Webhooks.
///
/// Against server-side request forgery: targets are `https` only (unless `allow_http`), the host's every address
/// is checked after resolution and the connection goes to a checked address (no second lookup), loopback,
/// private, link-local, shared, multicast and unspecified addresses are refused (unless `allow_private`), and a
/// redirect is a failed attempt, never followed.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "vantage/store/store.hpp"

namespace vantage::api {

/// Delivery settings (`vantage serve --webhook-*`).
struct WebhookOptions {
    bool allow_private = false;   ///< allow loopback and private addresses (tests, a receiver inside the enclave)
    bool allow_http = false;      ///< allow plain http:// targets
    double timeout_s = 5.0;       ///< one attempt: resolve, connect, TLS, send and the answer's headers (s)
    double max_backoff_s = 600.0; ///< the wait after a failure doubles from 1 s up to this (s)
    double poll_s = 0.5;          ///< how often an idle webhook looks for new events (s)
    int max_per_nation = 4;       ///< active webhooks per nation
    bool background = true;       ///< run the delivery threads
};

/// A checked webhook target.
struct WebhookUrl {
    std::string scheme; ///< "https" or "http"
    std::string host;   ///< a name or an IP literal (IPv6 without brackets)
    std::string port;
    std::string target; ///< path and query ("/" at least)
};

/// Parses and checks a target URL. @throws Error(invalid_argument) naming what is wrong (field `url`)
WebhookUrl parse_webhook_url(const std::string &url, const WebhookOptions &options);

/// Whether an IP address (text) is one a webhook may not reach without `allow_private`: loopback, private
/// (RFC 1918, fc00::/7), link-local, CGNAT 100.64/10, unspecified, multicast, broadcast, documentation and
/// benchmarking ranges, IPv4-mapped forms of these.
bool is_restricted_address(std::string_view ip);

/// A new signing secret: "whsec_" + base64 of 32 random bytes.
std::string new_webhook_secret();

/// The Standard Webhooks signature header value "v1,<base64>" of `body` for message `id` at unix `timestamp`.
/// @throws Error(invalid_argument) for a malformed secret
std::string sign_webhook(const std::string &secret, const std::string &id, std::int64_t timestamp, std::string_view body);

/// The event's message id ("evt_<seq>": unique in the store, the same on every retry).
std::string event_id(const store::EventRecord &e);
/// The JSON body of an event: {"type": "request.status", "timestamp", "data": {event_id, request_id, tenant, status,
/// time_utc, note}}.
std::string event_payload(const store::EventRecord &e);

/// The result of one attempt.
struct DeliveryAttempt {
    int status_code = 0;    ///< the answer's status (0: none)
    std::string error;      ///< "" when a 2xx answered
    std::int64_t duration_ms = 0;
};

/// POSTs a signed event to a webhook once (no retry, no redirect).
DeliveryAttempt deliver_once(const store::WebhookRecord &webhook, const store::EventRecord &event,
                             const WebhookOptions &options);

/// The delivery threads: one per active webhook (a slow receiver delays only its own nation's deliveries).
class WebhookDispatcher {
public:
    WebhookDispatcher(store::Store &store, WebhookOptions options);
    ~WebhookDispatcher(); ///< stop()
    WebhookDispatcher(const WebhookDispatcher &) = delete;
    WebhookDispatcher &operator=(const WebhookDispatcher &) = delete;

    void start();
    /// Asks every thread to stop, without waiting (an attempt in flight ends within its timeout).
    void request_stop();
    /// request_stop(), then waits for the threads.
    void stop();
    /// Look for new webhooks and events now.
    void wake();

private:
    void manage();
    void serve(const std::string &id, const std::string &tenant);
    bool wait_for(double seconds);

    store::Store &m_store;
    WebhookOptions m_options;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::uint64_t m_wakes = 0;
    std::thread m_manager;
    std::map<std::string, std::thread> m_workers; ///< by webhook id
    std::vector<std::string> m_finished;          ///< workers that have returned (a disabled webhook's): joined by manage()
};

} // namespace vantage::api
