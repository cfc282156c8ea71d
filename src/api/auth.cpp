// Token generation and checking with libsodium: CSPRNG (randombytes_buf), BLAKE2b (crypto_generichash) and
// a constant-time comparison (sodium_memcmp).
#include "vantage/api/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <mutex>

#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::api {

namespace {

constexpr std::size_t id_bytes = 8;
constexpr std::size_t secret_bytes = 32;
constexpr std::size_t hash_bytes = 32; // BLAKE2b-256
// Unpadded base64url of 32 bytes: ceil(32 * 4 / 3) = 43 characters.
constexpr std::size_t secret_chars = 43;

void ensure_sodium()
{
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = sodium_init() >= 0; });
    if (!ok) {
        throw Error(ErrorCode::internal, "libsodium could not be initialised");
    }
}

std::string to_hex(const unsigned char *data, std::size_t n)
{
    std::string out(2 * n + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, n);
    out.pop_back();
    return out;
}

std::array<unsigned char, hash_bytes> blake2b(const unsigned char *data, std::size_t n)
{
    std::array<unsigned char, hash_bytes> h{};
    crypto_generichash(h.data(), h.size(), data, n, nullptr, 0);
    return h;
}

bool is_hex_id(std::string_view s)
{
    return s.size() == 2 * id_bytes
           && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

void check_tenant(const std::string &tenant, const std::string &field)
{
    const bool ok = !tenant.empty() && tenant.size() <= 16
                    && std::all_of(tenant.begin(), tenant.end(), [](unsigned char c) {
                           return std::isalnum(c) || c == '_' || c == '-';
                       });
    if (!ok) {
        throw ConfigError(ErrorCode::syntax, "a nation code is 1 to 16 characters from A-Z, a-z, 0-9, '_' and '-'",
                          ErrorContext{"", 0, field, tenant});
    }
}

std::string random_hex(std::size_t bytes)
{
    ensure_sodium();
    std::vector<unsigned char> b(bytes);
    randombytes_buf(b.data(), b.size());
    return to_hex(b.data(), b.size());
}

std::string hash_secret(std::string_view secret)
{
    ensure_sodium();
    const auto h = blake2b(reinterpret_cast<const unsigned char *>(secret.data()), secret.size());
    return to_hex(h.data(), h.size());
}

NewToken generate_token(const std::string &tenant, store::Role role, const std::string &label, const time::Instant &now,
                        const std::optional<time::Instant> &expires, const std::string &created_by)
{
    ensure_sodium();
    check_tenant(tenant);
    std::array<unsigned char, id_bytes> id{};
    std::array<unsigned char, secret_bytes> secret{};
    randombytes_buf(id.data(), id.size());
    randombytes_buf(secret.data(), secret.size());
    std::string secret_text(sodium_base64_ENCODED_LEN(secret_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(secret_text.data(), secret_text.size(), secret.data(), secret.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    secret_text.resize(std::strlen(secret_text.c_str()));
    NewToken t;
    t.record.id = to_hex(id.data(), id.size());
    t.record.tenant = tenant;
    t.record.role = role;
    // NOTE: the hash is taken over the secret's text (what the client sends), so checking needs no decoding.
    t.record.secret_hash = hash_secret(secret_text);
    t.record.label = label;
    t.record.created = now;
    t.record.expires = expires;
    t.record.created_by = created_by;
    t.token = t.record.id + "." + secret_text;
    sodium_memzero(secret.data(), secret.size());
    return t;
}

AuthResult authenticate(store::Store &store, std::string_view authorization, const time::Instant &now)
{
    ensure_sodium();
    AuthResult r;
    if (authorization.empty()) {
        r.failure = AuthFailure::missing;
        return r;
    }
    // The scheme is case-insensitive (RFC 9110 section 11.1): "Bearer", "bearer" and "BEARER" are the same.
    constexpr std::string_view scheme = "bearer";
    if (authorization.size() <= scheme.size() + 1
        || !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                       [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })
        || authorization[scheme.size()] != ' ') {
        r.failure = AuthFailure::malformed;
        return r;
    }
    std::string_view token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
        token.remove_suffix(1);
    }
    const auto dot = token.find('.');
    if (dot == std::string_view::npos || !is_hex_id(token.substr(0, dot)) || token.size() - dot - 1 != secret_chars) {
        r.failure = AuthFailure::malformed;
        return r;
    }
    const std::string_view id = token.substr(0, dot);
    const std::string_view secret = token.substr(dot + 1);
    const auto presented = blake2b(reinterpret_cast<const unsigned char *>(secret.data()), secret.size());
    const auto rec = store.find_token(std::string(id));
    // NOTE: an unknown id is compared against a dummy digest, so that a wrong id and a wrong secret take the
    // same time and both answer "invalid token".
    std::array<unsigned char, hash_bytes> stored{};
    bool have = false;
    if (rec && rec->secret_hash.size() == 2 * hash_bytes) {
        std::size_t len = 0;
        have = sodium_hex2bin(stored.data(), stored.size(), rec->secret_hash.data(), rec->secret_hash.size(), nullptr,
                              &len, nullptr)
                   == 0
               && len == hash_bytes;
    }
    const bool match = sodium_memcmp(presented.data(), stored.data(), hash_bytes) == 0;
    if (!have || !match) {
        r.failure = rec ? AuthFailure::wrong_secret : AuthFailure::unknown;
        return r;
    }
    if (rec->revoked) {
        r.failure = AuthFailure::revoked;
        return r;
    }
    if (rec->expires && *rec->expires <= now) {
        r.failure = AuthFailure::expired;
        return r;
    }
    r.principal = Principal{rec->id, rec->tenant, rec->role};
    return r;
}

std::string token_id_of(std::string_view authorization)
{
    const auto sp = authorization.find(' ');
    if (sp == std::string_view::npos) {
        return {};
    }
    std::string_view token = authorization.substr(sp);
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    const auto dot = token.find('.');
    return std::string(token.substr(0, std::min({dot, token.size(), std::size_t{2 * id_bytes}})));
}

AuthThrottle::AuthThrottle(AuthThrottleOptions options) : m_options(options)
{
    if (!(m_options.base_delay_s >= 0.0) || !(m_options.max_delay_s >= m_options.base_delay_s)
        || m_options.max_failures_per_address < 1 || !(m_options.window_s > 0.0) || !(m_options.forget_s > 0.0)) {
        throw ConfigError(ErrorCode::out_of_range,
                          "auth throttling: need 0 <= base delay <= max delay, failures per address >= 1, window > 0",
                          ErrorContext{"", 0, "--auth-max-delay-s", ""});
    }
}

void AuthThrottle::prune(Clock::time_point now)
{
    const auto window = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_options.window_s));
    const auto forget = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_options.forget_s));
    for (auto it = m_addresses.begin(); it != m_addresses.end();) {
        auto &times = it->second.failures;
        while (!times.empty() && now - times.front() >= window) {
            times.pop_front();
        }
        it = times.empty() && it->second.in_flight == 0 ? m_addresses.erase(it) : std::next(it);
    }
    for (auto it = m_pairs.begin(); it != m_pairs.end();) {
        it = now - it->second.last >= forget ? m_pairs.erase(it) : std::next(it);
    }
    // Still too many (a flood of distinct ids or addresses): forget the oldest pairs, keeping memory bounded.
    while (m_pairs.size() > m_options.max_tracked) {
        auto oldest = std::min_element(m_pairs.begin(), m_pairs.end(),
                                       [](const auto &a, const auto &b) { return a.second.last < b.second.last; });
        m_pairs.erase(oldest);
    }
    for (auto it = m_addresses.begin(); it != m_addresses.end() && m_addresses.size() > m_options.max_tracked;) {
        it = it->second.in_flight == 0 ? m_addresses.erase(it) : std::next(it);
    }
}

AuthThrottle::Decision AuthThrottle::before(const std::string &token_id, const std::string &address, Clock::time_point now)
{
    Decision d;
    if (!m_options.enabled) {
        return d;
    }
    std::lock_guard lock(m_mutex);
    const auto window = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_options.window_s));
    const auto p = m_pairs.find({token_id, address});
    const bool trusted = p != m_pairs.end() && p->second.trusted;
    if (const auto a = m_addresses.find(address); a != m_addresses.end()) {
        auto &times = a->second.failures;
        while (!times.empty() && now - times.front() >= window) {
            times.pop_front();
        }
        // Attempts in flight count as failures to come, so that a burst of parallel guesses from an address
        // that has failed is capped too. Pairs that have succeeded (the owner's own requests) are not counted.
        const std::size_t counted = times.size() + static_cast<std::size_t>(a->second.in_flight);
        if (!times.empty() && !trusted && counted >= static_cast<std::size_t>(m_options.max_failures_per_address)) {
            const double left_s = std::chrono::duration<double>(times.front() + window - now).count();
            d.retry_after_s = std::max(1, static_cast<int>(std::ceil(left_s)));
            return d;
        }
        if (times.size() >= static_cast<std::size_t>(m_options.max_failures_per_address)) {
            const double left_s = std::chrono::duration<double>(times.front() + window - now).count();
            d.retry_after_s = std::max(1, static_cast<int>(std::ceil(left_s)));
            return d;
        }
        if (!times.empty() && !trusted) {
            ++a->second.in_flight;
            d.reserved = true;
        }
    }
    if (p != m_pairs.end() && p->second.failures > 0) {
        const auto forget = std::chrono::duration<double>(m_options.forget_s);
        if (now - p->second.last < forget) {
            const double delay_s =
                std::min(m_options.max_delay_s, m_options.base_delay_s * std::ldexp(1.0, std::min(p->second.failures - 1, 30)));
            d.delay = std::chrono::milliseconds(static_cast<std::int64_t>(delay_s * 1000.0));
        }
    }
    return d;
}

void AuthThrottle::failure(const std::string &token_id, const std::string &address, Clock::time_point now)
{
    if (!m_options.enabled) {
        return;
    }
    std::lock_guard lock(m_mutex);
    auto &p = m_pairs[{token_id, address}];
    const auto forget = std::chrono::duration<double>(m_options.forget_s);
    if (p.failures > 0 && now - p.last >= forget) {
        p.failures = 0;
    }
    p.failures = std::min(p.failures + 1, 1000);
    p.trusted = false;
    p.last = now;
    auto &times = m_addresses[address].failures;
    times.push_back(now);
    while (times.size() > static_cast<std::size_t>(m_options.max_failures_per_address) + 1) {
        times.pop_front();
    }
    if (m_pairs.size() > m_options.max_tracked || m_addresses.size() > m_options.max_tracked) {
        prune(now);
    }
}

void AuthThrottle::success(const std::string &token_id, const std::string &address, Clock::time_point now)
{
    if (!m_options.enabled) {
        return;
    }
    std::lock_guard lock(m_mutex);
    auto &p = m_pairs[{token_id, address}];
    p.failures = 0;
    p.trusted = true;
    p.last = now;
    if (m_pairs.size() > m_options.max_tracked) {
        prune(now);
    }
}

void AuthThrottle::release(const std::string &address)
{
    std::lock_guard lock(m_mutex);
    if (const auto a = m_addresses.find(address); a != m_addresses.end() && a->second.in_flight > 0) {
        --a->second.in_flight;
    }
}

} // namespace vantage::api
