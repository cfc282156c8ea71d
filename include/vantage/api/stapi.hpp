#pragma once
/// @file
/// STAPI (the Sensor Tasking API, spec v0.1.0: tests/reference/stac/stapi/openapi.yaml) mounted under `/stapi`,
/// on top of the same Service: an order *is* a request of `/api/v1` (same id, store, planner, feasibility worker,
/// roles, nation isolation, rate limits and Idempotency-Key), an opportunity is a window of the access engine
/// (Service::prepare_feasibility), a product is a sensor class of the fleet (`optical`, `sar`, `any`).
/// docs/api.md § STAPI documents the routes, the CQL2 subset of `filter`, and the mapping from Vantage's request
/// states and unserved reasons to STAPI's `OrderStatusCode` and reason codes.
///
/// Payloads are translated into `/api/v1` request bodies and read by the one request parser
/// (io::parse_request_json); its errors come back as STAPI's 422 `HTTPValidationError` with `loc` in the STAPI
/// payload's terms (`["body", "geometry", "coordinates", 0, 2]`, `["body", "filter"]`, `["body", "datetime"]`).

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "vantage/api/service.hpp"

namespace vantage::api {

/// What a STAPI answer needs from the HTTP request besides the body.
struct StapiContext {
    std::string base_url;                  ///< "http://host:port" for absolute link hrefs (from the Host header)
    std::optional<std::string> prefer;     ///< the Prefer header (RFC 7240), if any
    std::optional<std::string> idempotency_key;
};

/// Settings of the asynchronous opportunity searches (kept in memory: a search is a query, not a submission).
struct StapiOptions {
    std::size_t max_pending_per_nation = 8;  ///< searches queued or running per nation (429 beyond)
    std::size_t max_kept_per_nation = 64;    ///< finished searches kept per nation (the oldest are forgotten)
};

class Stapi {
public:
    explicit Stapi(Service &service, StapiOptions options = {});
    ~Stapi(); ///< stops the search thread (a running search ends with the service's stop)
    Stapi(const Stapi &) = delete;
    Stapi &operator=(const Stapi &) = delete;

    // --- the routes (docs/api.md § STAPI); every one answers STAPI's error shapes, never throws ApiError
    Response landing(const StapiContext &c);
    Response conformance(const StapiContext &c);
    Response products(const Principal &p, const StapiContext &c);
    Response product(const Principal &p, const std::string &product_id, const StapiContext &c);
    Response queryables(const Principal &p, const std::string &product_id, const StapiContext &c);
    Response order_parameters(const Principal &p, const std::string &product_id, const StapiContext &c);
    Response opportunities(const Principal &p, const std::string &product_id, std::string_view body, const Query &q,
                           const StapiContext &c);
    Response search_records(const Principal &p, const StapiContext &c);
    Response search_record(const Principal &p, const std::string &search_id, const StapiContext &c);
    Response search_result(const Principal &p, const std::string &product_id, const std::string &search_id,
                           const StapiContext &c);
    Response create_order(const Principal &p, const std::string &product_id, std::string_view body,
                          const StapiContext &c);
    /// `product_id`: only that product's orders (GET /products/{id}/orders)
    Response orders(const Principal &p, const std::optional<std::string> &product_id, const Query &q,
                    const StapiContext &c);
    Response order(const Principal &p, const std::string &order_id, const StapiContext &c);
    Response order_statuses(const Principal &p, const std::string &order_id, const Query &q, const StapiContext &c);

    /// An ApiError in STAPI's shape: 400 → 422 `{"detail": [{loc, msg, type}]}`, others `{"detail", "code", "field"}`.
    static Response error_response(const ApiError &e);

private:
    struct Search {
        std::string id;
        std::string tenant;
        std::string product_id;
        std::string created_utc;
        std::string status = "received"; ///< received, in_progress, completed, failed
        std::string status_utc;
        nlohmann::ordered_json request;  ///< the payload as given
        std::optional<Response> result;  ///< the OpportunityCollection (or the error answer) once finished
        std::function<Response()> run;
    };
    template <class F>
    Response guarded(F &&f);
    /// A request as GET /api/v1/requests/{id} answers it and the latest plan's unserved reason for it, or the
    /// service's refusal (404 for another nation's) — what GET /orders/{id} and its statuses both read.
    struct Order {
        std::optional<Response> refused;
        nlohmann::ordered_json request;
        std::optional<std::string> unserved;
    };
    Order load_order(const Principal &p, const std::string &order_id);
    nlohmann::ordered_json search_json(const Search &s, const StapiContext &c) const;
    void search_loop();

    Service &m_service;
    StapiOptions m_options;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::map<std::string, std::shared_ptr<Search>> m_searches; ///< by id
    std::deque<std::shared_ptr<Search>> m_queue;
    std::thread m_thread;
};

} // namespace vantage::api
