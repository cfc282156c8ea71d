// Token generation and checking with libsodium: CSPRNG (randombytes_buf), BLAKE2b (crypto_generichash) and
// a constant-time comparison (sodium_memcmp).
#include "vantage/api/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>
#include <cctype>
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
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || authorization.substr(0, scheme.size()) != scheme) {
        r.failure = AuthFailure::malformed;
        return r;
    }
    std::string_view token = authorization.substr(scheme.size());
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

} // namespace vantage::api
