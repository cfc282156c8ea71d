// Webhook pieces without a network: the Standard Webhooks signature against the scheme's published test vector,
// the address classes a webhook may not reach (SSRF), the URL checks and the event body.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vantage/api/webhooks.hpp"
#include "vantage/core/error.hpp"

using namespace vantage;
using namespace vantage::api;

TEST(WebhookSignatureProperty, ReproducesTheStandardWebhooksTestVector)
{
    // The vector of the Standard Webhooks / Svix reference libraries (their own tests use it).
    EXPECT_EQ(sign_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                           R"({"test": 2432232314})"),
              "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    // Anything signed changes the signature.
    EXPECT_NE(sign_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331,
                           R"({"test": 2432232314})"),
              "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    EXPECT_THROW(sign_webhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "x", 1, "{}"), Error);
    EXPECT_THROW(sign_webhook("whsec_***", "x", 1, "{}"), Error);
    const std::string s = new_webhook_secret();
    EXPECT_EQ(s.rfind("whsec_", 0), 0u);
    EXPECT_EQ(s.size(), 6u + 44u); // 32 bytes in base64
    EXPECT_NE(s, new_webhook_secret());
    EXPECT_EQ(sign_webhook(s, "evt_1", 0, "{}").rfind("v1,", 0), 0u);
}

TEST(WebhookSsrfProperty, NonPublicAddressesAreRestricted)
{
    for (const char *ip : {"127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                           "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
                           "192.0.2.10", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
                           "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "2001:db8::1", "not an address"}) {
        EXPECT_TRUE(is_restricted_address(ip)) << ip;
    }
    for (const char *ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "193.51.0.1", "2a00:1450:4007::1",
                           "::ffff:8.8.8.8"}) {
        EXPECT_FALSE(is_restricted_address(ip)) << ip;
    }
}

TEST(WebhookSsrfProperty, UrlsAreHttpsPublicAndWithoutCredentialsUnlessAllowed)
{
    const WebhookOptions strict;
    const auto u = parse_webhook_url("https://hooks.example.org:8443/vantage/in?x=1#frag", strict);
    EXPECT_EQ(u.scheme, "https");
    EXPECT_EQ(u.host, "hooks.example.org");
    EXPECT_EQ(u.port, "8443");
    EXPECT_EQ(u.target, "/vantage/in?x=1");
    EXPECT_EQ(parse_webhook_url("https://example.org", strict).target, "/");
    EXPECT_EQ(parse_webhook_url("https://[2a00:1450:4007::1]/h", strict).host, "2a00:1450:4007::1");
    for (const char *bad : {"http://example.org/h", "ftp://example.org/h", "example.org/h", "https://127.0.0.1/h",
                            "https://10.1.2.3/h", "https://169.254.169.254/latest", "https://[::1]/h", "https://localhost/h",
                            "https://a.localhost/h", "https://user:pw@example.org/h", "https://example.org:0/h",
                            "https://example.org:99999/h", "https:///h", "https://exa mple.org/h", "https://exa\\mple.org",
                            "https://[::1/h", "https://ex_ample.org/h"}) {
        try {
            parse_webhook_url(bad, strict);
            ADD_FAILURE() << bad << " accepted";
        } catch (const Error &e) {
            EXPECT_EQ(e.context().field, "url") << bad;
        }
    }
    WebhookOptions open;
    open.allow_http = true;
    open.allow_private = true;
    EXPECT_EQ(parse_webhook_url("http://127.0.0.1:9000/h", open).port, "9000");
    EXPECT_EQ(parse_webhook_url("https://localhost/h", open).host, "localhost");
    EXPECT_THROW(parse_webhook_url("https://u@127.0.0.1/h", open), Error); // credentials never
}

TEST(WebhookPayloadProperty, TheBodyNamesTheEventAndItsRequest)
{
    store::EventRecord e;
    e.seq = 42;
    e.request_id = "FR:op-1";
    e.tenant = "FR";
    e.status = store::RequestStatus::scheduled;
    e.time = time::Instant::parse_iso8601("2025-10-03T10:00:00Z");
    e.note = "plan p1";
    EXPECT_EQ(event_id(e), "evt_42");
    const auto j = nlohmann::json::parse(event_payload(e));
    EXPECT_EQ(j["type"], "request.status");
    EXPECT_EQ(j["timestamp"], "2025-10-03T10:00:00.000000Z");
    EXPECT_EQ(j["data"]["event_id"], "evt_42");
    EXPECT_EQ(j["data"]["request_id"], "FR:op-1");
    EXPECT_EQ(j["data"]["status"], "SCHEDULED");
    EXPECT_EQ(j["data"]["note"], "plan p1");
}
