#pragma once
/// @file
/// API tokens: `<id>.<secret>`, where `id` is 16 lower-case hex digits (8 random bytes, the public part, the
/// primary key of the token in the store) and `secret` is 32 random bytes from libsodium's CSPRNG in
/// unpadded base64url (43 characters). Only BLAKE2b-256(secret) is stored; a presented token is checked by
/// hashing its secret and comparing the digests in constant time (sodium_memcmp). Each token is bound to one
/// nation (tenant) and one role.

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "vantage/store/store.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::api {

/// The caller of an API operation, from its token.
struct Principal {
    std::string token_id;
    std::string tenant;
    store::Role role = store::Role::requester;
};

/// A newly created token: the record to store and the token text to show the user once.
struct NewToken {
    store::TokenRecord record;
    std::string token; ///< "<id>.<secret>"; never stored
};

/// Creates a random token bound to `tenant` with `role`.
/// @param tenant nation code, `[A-Za-z0-9_-]{1,16}` (ConfigError(syntax), field "tenant", otherwise)
/// @param expires expiry instant, if any
NewToken generate_token(const std::string &tenant, store::Role role, const std::string &label,
                        const time::Instant &now, const std::optional<time::Instant> &expires,
                        const std::string &created_by);

/// BLAKE2b-256 of the secret, lower-case hex (64 characters).
std::string hash_secret(std::string_view secret);

/// Why a presented token was refused.
enum class AuthFailure { missing, malformed, unknown, wrong_secret, expired, revoked };

/// Result of checking an Authorization header value.
struct AuthResult {
    std::optional<Principal> principal; ///< set when accepted
    AuthFailure failure = AuthFailure::missing;
};

/// Checks `Authorization: Bearer <id>.<secret>` against the store at `now` (the scheme name is matched without
/// regard to case, RFC 9110 section 11.1; one or more spaces separate it from the token).
AuthResult authenticate(store::Store &store, std::string_view authorization, const time::Instant &now);

/// `bytes` random bytes from libsodium's CSPRNG as lower-case hex (for ids).
std::string random_hex(std::size_t bytes);

/// The token id of an Authorization value (`Bearer <id>.<secret>` -> `<id>`, at most 16 characters), or empty.
std::string token_id_of(std::string_view authorization);

/// Settings of failed-authentication throttling (docs/api.md "Failed authentication").
struct AuthThrottleOptions {
    bool enabled = true;
    double base_delay_s = 0.25;        ///< delay after the first failure of a (token id, address) pair (s)
    double max_delay_s = 8.0;          ///< the delay doubles with each further failure up to this (s)
    int max_failures_per_address = 30; ///< failures per address in `window_s` before 429 (>= 1)
    double window_s = 60.0;            ///< the per-address window (s)
    double forget_s = 900.0;           ///< a pair with no failure for this long starts again from 0 (s)
    std::size_t max_tracked = 100000;  ///< pairs and addresses kept (the oldest are forgotten beyond this)
};

/// Failed-authentication throttling, keyed on (token id, client address) for the delay and on the client
/// address for the cap, so failures from one address never slow down the token's owner at another address.
/// Thread-safe. Callers wait the returned delay with a timer (never a sleep on the event loop).
class AuthThrottle {
public:
    using Clock = std::chrono::steady_clock;
    explicit AuthThrottle(AuthThrottleOptions options = {});

    /// What to do before checking a presented token.
    struct Decision {
        std::chrono::milliseconds delay{0};  ///< wait this long before checking (0: at once)
        std::optional<int> retry_after_s;    ///< set: refuse with 429 and this Retry-After (seconds)
        bool reserved = false;               ///< counted in flight: call release(address) once it is decided
    };
    Decision before(const std::string &token_id, const std::string &address, Clock::time_point now = Clock::now());
    /// A presented token was refused (401).
    void failure(const std::string &token_id, const std::string &address, Clock::time_point now = Clock::now());
    /// A presented token was accepted: the pair's failures are forgotten (the address's count stays) and the
    /// pair is trusted (its attempts are not counted in flight).
    void success(const std::string &token_id, const std::string &address, Clock::time_point now = Clock::now());
    /// Ends an attempt that before() reserved.
    void release(const std::string &address);
    const AuthThrottleOptions &options() const noexcept { return m_options; }

private:
    struct Pair {
        int failures = 0;
        bool trusted = false; ///< succeeded since its last failure
        Clock::time_point last;
    };
    struct Address {
        std::deque<Clock::time_point> failures; ///< failure times within the window
        int in_flight = 0;                      ///< attempts being checked (counted once the address has failed)
    };
    void prune(Clock::time_point now);
    AuthThrottleOptions m_options;
    std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, Pair> m_pairs;
    std::map<std::string, Address> m_addresses;
};

/// Validates a tenant code (`[A-Za-z0-9_-]{1,16}`); throws ConfigError(syntax) with `field`.
void check_tenant(const std::string &tenant, const std::string &field = "tenant");

} // namespace vantage::api
