#pragma once
/// @file
/// API tokens: `<id>.<secret>`, where `id` is 16 lower-case hex digits (8 random bytes, the public part, the
/// primary key of the token in the store) and `secret` is 32 random bytes from libsodium's CSPRNG in
/// unpadded base64url (43 characters). Only BLAKE2b-256(secret) is stored; a presented token is checked by
/// hashing its secret and comparing the digests in constant time (sodium_memcmp). Each token is bound to one
/// nation (tenant) and one role.

#include <optional>
#include <string>
#include <string_view>

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

/// Checks `Authorization: Bearer <id>.<secret>` against the store at `now`.
AuthResult authenticate(store::Store &store, std::string_view authorization, const time::Instant &now);

/// `bytes` random bytes from libsodium's CSPRNG as lower-case hex (for ids).
std::string random_hex(std::size_t bytes);

/// Validates a tenant code (`[A-Za-z0-9_-]{1,16}`); throws ConfigError(syntax) with `field`.
void check_tenant(const std::string &tenant, const std::string &field = "tenant");

} // namespace vantage::api
