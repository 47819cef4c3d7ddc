// The private-address rule (SSRF): which addresses are special, and which
// requests may reach them, on the first hop and on redirects.
#include "fetch/address_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "fetch/fetch.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::fetch {
namespace {

using testing::HttpTestServer;

TEST(AddressClassTest, NamesEachSpecialPurposeIpv4Block) {
  const std::pair<const char*, AddressClass> cases[] = {
      {"127.0.0.1", AddressClass::kLoopback},        {"127.255.0.9", AddressClass::kLoopback},
      {"10.1.2.3", AddressClass::kPrivate},          {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},    {"192.168.0.1", AddressClass::kPrivate},
      {"169.254.169.254", AddressClass::kLinkLocal}, {"100.64.0.1", AddressClass::kSharedNat},
      {"100.127.255.255", AddressClass::kSharedNat}, {"0.0.0.0", AddressClass::kUnspecified},
      {"0.1.2.3", AddressClass::kUnspecified},       {"224.0.0.1", AddressClass::kMulticast},
      {"239.255.255.250", AddressClass::kMulticast}, {"255.255.255.255", AddressClass::kBroadcast},
      {"240.0.0.1", AddressClass::kReserved},        {"192.0.0.8", AddressClass::kReserved},
      {"192.0.2.1", AddressClass::kDocumentation},   {"198.51.100.7", AddressClass::kDocumentation},
      {"203.0.113.9", AddressClass::kDocumentation}, {"198.18.0.1", AddressClass::kBenchmarking},
      {"198.19.255.1", AddressClass::kBenchmarking}, {"192.88.99.1", AddressClass::kReserved},
      {"8.8.8.8", AddressClass::kPublic},            {"93.184.216.34", AddressClass::kPublic},
      {"172.32.0.1", AddressClass::kPublic},         {"100.128.0.1", AddressClass::kPublic},
      {"198.20.0.1", AddressClass::kPublic},         {"169.253.255.255", AddressClass::kPublic},
  };
  for (const auto& [address, kind] : cases) {
    EXPECT_EQ(classify_address(address), kind) << address;
  }
}

TEST(AddressClassTest, NamesEachSpecialPurposeIpv6Block) {
  const std::pair<const char*, AddressClass> cases[] = {
      {"::1", AddressClass::kLoopback},          {"[::1]", AddressClass::kLoopback},
      {"::", AddressClass::kUnspecified},        {"fe80::1", AddressClass::kLinkLocal},
      {"fe80::1%eth0", AddressClass::kLinkLocal}, {"febf::1", AddressClass::kLinkLocal},
      {"fc00::1", AddressClass::kUniqueLocal},   {"fd12:3456::1", AddressClass::kUniqueLocal},
      {"fec0::1", AddressClass::kPrivate},       {"ff02::1", AddressClass::kMulticast},
      {"2001:db8::1", AddressClass::kDocumentation}, {"100::1", AddressClass::kReserved},
      {"2001::1", AddressClass::kReserved},      {"64:ff9b:1::1", AddressClass::kPrivate},
      {"4000::1", AddressClass::kReserved},      {"2606:2800:220:1:248:1893:25c8:1946", AddressClass::kPublic},
      {"2a00:1450:4001:80b::200e", AddressClass::kPublic},
  };
  for (const auto& [address, kind] : cases) {
    EXPECT_EQ(classify_address(address), kind) << address;
  }
}

TEST(AddressClassTest, IPv4WrittenAsIpv6IsClassedAsThatIpv4Address) {
  for (const char* v4 : {"127.0.0.1", "10.0.0.1", "169.254.169.254", "100.64.0.1", "192.168.1.1",
                         "224.0.0.1", "203.0.113.9", "8.8.8.8"}) {
    const AddressClass kind = classify_address(v4);
    EXPECT_EQ(classify_address(std::string("::ffff:") + v4), kind) << v4;      // mapped
    EXPECT_EQ(classify_address(std::string("[::ffff:") + v4 + "]"), kind) << v4;
    if (kind != AddressClass::kUnspecified) {
      EXPECT_EQ(classify_address(std::string("::") + v4), kind) << v4;         // compatible
    }
    EXPECT_EQ(classify_address(std::string("64:ff9b::") + v4), kind) << v4;  // NAT64
  }
  EXPECT_EQ(classify_address("::ffff:7f00:1"), AddressClass::kLoopback);
  EXPECT_EQ(classify_address("::ffff:a9fe:a9fe"), AddressClass::kLinkLocal);
  EXPECT_EQ(classify_address("2002:c0a8:101::1"), AddressClass::kPrivate);  // 6to4 of 192.168.1.1
  EXPECT_EQ(classify_address("2002:808:808::1"), AddressClass::kPublic);
}

TEST(AddressClassTest, WhatIsNoAddressCountsAsPrivate) {
  for (const char* text :
       {"", "localhost", "example.com", "1.2.3", "::ffff:1.2.3.4.5", "[::1", "8.8.8.8%eth0"}) {
    EXPECT_EQ(classify_address(text), AddressClass::kNotAnAddress) << text;
    EXPECT_TRUE(is_private_address(text)) << text;
  }
}

// Regression: inet_pton read "255.255.255.255\0..." up to the NUL, while
// the rest of the string decided the class (fuzz/address_fuzzer).
TEST(AddressClassTest, AnAddressWithANulInsideIsNoAddress) {
  using namespace std::string_view_literals;
  EXPECT_EQ(classify_address("255.255.255.255\0%eth0"sv), AddressClass::kNotAnAddress);
  EXPECT_EQ(classify_address("8.8.8.8\0"sv), AddressClass::kNotAnAddress);
}

TEST(AddressClassTest, HostAsWrittenCountsLocalhostAndNamesUnderItAsLoopback) {
  EXPECT_EQ(classify_host("localhost"), AddressClass::kLoopback);
  EXPECT_EQ(classify_host("LocalHost."), AddressClass::kLoopback);
  EXPECT_EQ(classify_host("admin.localhost"), AddressClass::kLoopback);
  EXPECT_EQ(classify_host("[::ffff:169.254.169.254]"), AddressClass::kLinkLocal);
  EXPECT_EQ(classify_host("notlocalhost"), AddressClass::kNotAnAddress);
  EXPECT_EQ(classify_host("localhost.example"), AddressClass::kNotAnAddress);
  EXPECT_EQ(classify_host("news.example"), AddressClass::kNotAnAddress);
}

TEST(AddressClassTest, HostOfUrlReadsIpv4InEveryFormLibcurlAccepts) {
  EXPECT_EQ(host_of_url("http://127.0.0.1:8080/x"), "127.0.0.1");
  EXPECT_EQ(host_of_url("http://[::1]/x"), "[::1]");
  EXPECT_EQ(host_of_url("http://News.Example/x"), "news.example");
  EXPECT_EQ(classify_host(host_of_url("http://2130706433/")), AddressClass::kLoopback);
  EXPECT_EQ(classify_host(host_of_url("http://0x7f.1/")), AddressClass::kLoopback);
  EXPECT_EQ(host_of_url("not a url"), "");
}

TEST(HopAllowedTest, EachPolicyDecidesTheFirstHopAndTheRedirects) {
  using P = PrivateAddresses;
  // A public hop is always allowed.
  for (P policy : {P::kIfTheFirstHopIs, P::kRefused, P::kAllowed}) {
    EXPECT_TRUE(hop_allowed(policy, false, true, false, false));
    EXPECT_TRUE(hop_allowed(policy, false, false, false, false));
  }
  EXPECT_TRUE(hop_allowed(P::kIfTheFirstHopIs, false, true, false, true));   // the operator's URL
  EXPECT_TRUE(hop_allowed(P::kIfTheFirstHopIs, false, false, true, true));   // within their network
  EXPECT_FALSE(hop_allowed(P::kIfTheFirstHopIs, false, false, false, true)); // inward from outside
  EXPECT_FALSE(hop_allowed(P::kRefused, false, true, false, true));
  EXPECT_FALSE(hop_allowed(P::kRefused, false, false, true, true));
  EXPECT_TRUE(hop_allowed(P::kAllowed, false, true, false, true));
  EXPECT_TRUE(hop_allowed(P::kAllowed, false, false, false, true));
  EXPECT_TRUE(hop_allowed(P::kRefused, true, true, false, true));  // allow_private_addresses
}

// 127.0.0.2 plays the public internet, 127.0.0.1 the private network.
ClientOptions public_127_0_0_2() {
  ClientOptions options;
  options.max_attempts = 1;
  options.address_is_private = [](std::string_view address) { return address != "127.0.0.2"; };
  return options;
}

Response fetch_one(const ClientOptions& options, Request request) {
  auto client = make_http_client(options);
  Response response;
  client->fetch_all({std::move(request)}, [&](std::size_t, Response done) { response = std::move(done); });
  return response;
}

TEST(PrivateAddressPolicyTest, RequestForAPublicSourceNeverReachesAPrivateAddressOnItsFirstHop) {
  HttpTestServer internal;
  internal.set("/secret", {.body = "secret"});
  const Response response =
      fetch_one(public_127_0_0_2(), {internal.url("/secret"), "", "", PrivateAddresses::kRefused});

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error, "GET " + internal.url("/secret") +
                                ": address 127.0.0.1 is loopback, refused for a feed on a public "
                                "address (allow_private_addresses is off)");
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(internal.request_count("/secret"), 0u);  // not one byte of the request reached it
}

TEST(PrivateAddressPolicyTest, RequestForAPublicSourceIsNotRedirectedInward) {
  HttpTestServer internal;
  internal.set("/secret", {.body = "secret"});
  HttpTestServer outside("127.0.0.2");
  outside.set("/page", {.status = 302, .headers = {{"Location", internal.url("/secret")}}});
  const Response response =
      fetch_one(public_127_0_0_2(), {outside.url("/page"), "", "", PrivateAddresses::kRefused});

  EXPECT_EQ(response.error, "GET " + outside.url("/page") + ": redirected to " +
                                internal.url("/secret") +
                                ": address 127.0.0.1 is loopback, refused for a feed on a public "
                                "address (allow_private_addresses is off)");
  EXPECT_EQ(internal.request_count("/secret"), 0u);
}

TEST(PrivateAddressPolicyTest, RequestForATrustedSourceOrWithAllowPrivateAddressesReachesIt) {
  HttpTestServer internal;
  internal.set("/page", {.body = "page"});
  EXPECT_EQ(fetch_one(public_127_0_0_2(), {internal.url("/page"), "", "", PrivateAddresses::kAllowed})
                .outcome,
            FetchOutcome::kOk);
  ClientOptions allow_all = public_127_0_0_2();
  allow_all.allow_private_addresses = true;
  EXPECT_EQ(fetch_one(allow_all, {internal.url("/page"), "", "", PrivateAddresses::kRefused}).outcome,
            FetchOutcome::kOk);
}

TEST(PrivateAddressPolicyTest, ResponseSaysWhetherTheSourceIsOnAPrivateAddress) {
  HttpTestServer internal;
  internal.set("/feed.xml", {.body = "own"});
  HttpTestServer outside("127.0.0.2");
  outside.set("/feed.xml", {.body = "theirs"});
  testing::TempDir dir;
  testing::write_file(dir.path() / "feed.xml", "file");

  EXPECT_TRUE(fetch_one(public_127_0_0_2(), {internal.url("/feed.xml"), "", ""}).private_source);
  EXPECT_FALSE(fetch_one(public_127_0_0_2(), {outside.url("/feed.xml"), "", ""}).private_source);
  EXPECT_TRUE(fetch_one(public_127_0_0_2(), {(dir.path() / "feed.xml").string(), "", ""}).private_source);
  // No connection made: the host as written decides.
  ClientOptions one_attempt;
  one_attempt.max_attempts = 1;
  const Response refused = fetch_one(one_attempt, {"http://127.0.0.1:1/feed.xml", "", ""});
  EXPECT_EQ(refused.outcome, FetchOutcome::kFailed);
  EXPECT_TRUE(refused.private_source);
}

TEST(PrivateAddressPolicyTest, ThroughAProxyTheHostAsWrittenIsJudged) {
  // The proxy (on a "public" address) would resolve localhost on its own
  // side; the name alone says where it leads.
  HttpTestServer proxy("127.0.0.2");
  proxy.set("/", {.body = "proxied"});
  ClientOptions options = public_127_0_0_2();
  options.proxy = proxy.base_url();

  const Response response =
      fetch_one(options, {"http://admin.localhost:8080/secret", "", "", PrivateAddresses::kRefused});

  EXPECT_EQ(response.error,
            "GET http://admin.localhost:8080/secret: host admin.localhost is loopback, refused for "
            "a feed on a public address (allow_private_addresses is off)");
  EXPECT_TRUE(proxy.requests().empty());
}

}  // namespace
}  // namespace newsvault::fetch
