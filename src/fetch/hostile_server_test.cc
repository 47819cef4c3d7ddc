// Servers written to hurt the client: each test shows a request ends with
// an error naming the limit it hit, soon, in little memory, while a
// well-behaved request beside it still succeeds.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <string>
#include <vector>

#include "fetch/fetch.h"
#include "support/hostile_responses.h"
#include "support/http_test_server.h"

namespace newsvault::fetch {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestServer;
using Clock = std::chrono::steady_clock;

ClientOptions small_limits() {
  ClientOptions options;
  options.timeout = 5s;
  options.connect_timeout = 2s;
  options.retry_base_delay = 10ms;
  options.max_response_bytes = 1024 * 1024;
  options.low_speed_bytes_per_second = 100;
  options.low_speed_time = 1s;
  options.max_redirects = 3;
  options.max_header_bytes = 16 * 1024;
  return options;
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Fetches the hostile path and a good one at once; checks the good one.
// Returns the hostile one's response.
Response fetch_beside_a_good_feed(HttpTestServer& server, const std::string& hostile_path,
                                  const ClientOptions& options) {
  server.set("/good.xml", {.body = "<rss version=\"2.0\"><channel><title>Good</title></channel></rss>"});
  const std::vector<Request> requests = {{server.url(hostile_path), "", ""},
                                         {server.url("/good.xml"), "", ""}};
  std::vector<Response> responses(2);
  auto client = make_http_client(options);
  client->fetch_all(requests, [&](std::size_t index, Response response) {
    responses.at(index) = std::move(response);
  });
  EXPECT_EQ(responses[1].outcome, FetchOutcome::kOk) << responses[1].error;
  EXPECT_NE(responses[1].body.find("Good"), std::string::npos);
  EXPECT_EQ(responses[0].outcome, FetchOutcome::kFailed);
  EXPECT_TRUE(responses[0].body.empty());
  EXPECT_TRUE(responses[0].error.starts_with("GET " + server.url(hostile_path) + ": "))
      << responses[0].error;
  return responses[0];
}

TEST(HostileServerTest, GzipBombStopsAtTheSizeLimitInDecodedBytes) {
  HttpTestServer server;
  server.set("/bomb.xml", testing::gzip_bomb(2ull * 1024 * 1024 * 1024));  // 2 GB, ~2 MB sent
  const long before = peak_rss_kb();
  const auto start = Clock::now();

  const Response response = fetch_beside_a_good_feed(server, "/bomb.xml", small_limits());

  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(response.error, "GET " + server.url("/bomb.xml") + ": response larger than 1048576 bytes");
  EXPECT_EQ(response.attempts, 1);  // a bomb is not tried again
  EXPECT_LT(peak_rss_kb() - before, 64 * 1024);
}

TEST(HostileServerTest, EndlessBodyStopsAtTheSizeLimit) {
  HttpTestServer server;
  server.set("/endless.xml", testing::endless_body());
  const auto start = Clock::now();

  const Response response = fetch_beside_a_good_feed(server, "/endless.xml", small_limits());

  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(response.error,
            "GET " + server.url("/endless.xml") + ": response larger than 1048576 bytes");
}

TEST(HostileServerTest, TrickleOfAByteASecondEndsAtTheLowSpeedLimit) {
  HttpTestServer server;
  server.set("/trickle.xml", testing::trickle(std::string(1000, 'x'), 1s));
  const auto start = Clock::now();

  const Response response = fetch_beside_a_good_feed(server, "/trickle.xml", small_limits());

  // The low-speed window (1 s), not the timeout (5 s), and not again.
  EXPECT_LT(Clock::now() - start, 4s);
  EXPECT_EQ(response.error,
            "GET " + server.url("/trickle.xml") + ": slower than 100 bytes/s for 1 s");
  EXPECT_EQ(response.attempts, 1);
}

TEST(HostileServerTest, ContentLengthPromisingMoreThanComesEndsAtTheLowSpeedLimit) {
  HttpTestServer server;
  server.set("/short.xml", testing::wrong_content_length(500'000, "<rss version=\"2.0\">"));
  const auto start = Clock::now();

  const Response response = fetch_beside_a_good_feed(server, "/short.xml", small_limits());

  EXPECT_LT(Clock::now() - start, 4s);
  EXPECT_EQ(response.error, "GET " + server.url("/short.xml") + ": slower than 100 bytes/s for 1 s");
}

TEST(HostileServerTest, ContentLengthOverTheLimitIsRefusedBeforeTheBody) {
  HttpTestServer server;
  server.set("/huge.xml", testing::wrong_content_length(50'000'000'000, "<rss"));

  const Response response = fetch_beside_a_good_feed(server, "/huge.xml", small_limits());

  EXPECT_EQ(response.error, "GET " + server.url("/huge.xml") + ": response larger than 1048576 bytes");
}

TEST(HostileServerTest, EndlessHeadersStopAtTheHeaderLimit) {
  HttpTestServer server;
  server.set("/headers.xml", testing::endless_headers());
  const auto start = Clock::now();

  const Response response = fetch_beside_a_good_feed(server, "/headers.xml", small_limits());

  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(response.error,
            "GET " + server.url("/headers.xml") + ": response headers larger than 16384 bytes");
  EXPECT_EQ(response.attempts, 1);
}

TEST(HostileServerTest, OneGiantHeaderLineIsRefused) {
  HttpTestServer server;
  server.set("/giant.xml", {.headers = {{"X-Giant", std::string(300'000, 'g')}}, .body = "<rss/>"});

  const Response response = fetch_beside_a_good_feed(server, "/giant.xml", small_limits());

  // libcurl's own cap on one line (100 KB) comes before ours on the whole.
  EXPECT_EQ(response.error,
            "GET " + server.url("/giant.xml") + ": response header line longer than 102400 bytes");
  EXPECT_EQ(response.attempts, 1);
}

TEST(HostileServerTest, RedirectLoopEndsAtTheRedirectLimit) {
  HttpTestServer server;
  server.set("/a.xml", {.status = 302, .headers = {{"Location", "/b.xml"}}});
  server.set("/b.xml", {.status = 301, .headers = {{"Location", "/a.xml"}}});

  const Response response = fetch_beside_a_good_feed(server, "/a.xml", small_limits());

  EXPECT_EQ(response.error, "GET " + server.url("/a.xml") + ": more than 3 redirects");
  EXPECT_EQ(server.request_count("/a.xml") + server.request_count("/b.xml"), 4u);
}

TEST(HostileServerTest, EndlessChainOfNewAddressesEndsAtTheRedirectLimit) {
  HttpTestServer server;
  server.set_handler("/next", [](const HttpTestServer::RecordedRequest& request) {
    const int step = request.query.empty() ? 0 : std::stoi(request.query);
    return HttpTestServer::CannedResponse{
        .status = 307, .headers = {{"Location", "/next?" + std::to_string(step + 1)}}};
  });

  const Response response = fetch_beside_a_good_feed(server, "/next", small_limits());

  EXPECT_EQ(response.error, "GET " + server.url("/next") + ": more than 3 redirects");
  EXPECT_EQ(server.request_count("/next"), 4u);
}

// 127.0.0.2 plays the public internet, 127.0.0.1 the private network.
bool only_first_loopback_is_private(std::string_view address) { return address == "127.0.0.1"; }

TEST(HostileServerTest, RedirectFromAPublicToAPrivateAddressIsRefused) {
  HttpTestServer internal;  // 127.0.0.1: "private"
  internal.set("/admin", {.body = "secret"});
  HttpTestServer outside("127.0.0.2");
  outside.set("/feed.xml", {.status = 302, .headers = {{"Location", internal.url("/admin")}}});
  ClientOptions options = small_limits();
  options.address_is_private = only_first_loopback_is_private;

  const Response response = fetch_beside_a_good_feed(outside, "/feed.xml", options);

  EXPECT_EQ(response.error, "GET " + outside.url("/feed.xml") + ": redirected to " +
                                internal.url("/admin") +
                                " at private address 127.0.0.1, refused "
                                "(allow_private_addresses is off)");
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(internal.request_count("/admin"), 0u);  // not one byte of the request reached it
}

TEST(HostileServerTest, RedirectToAPrivateAddressIsFollowedWhenAllowed) {
  HttpTestServer internal;
  internal.set("/admin", {.body = "secret"});
  HttpTestServer outside("127.0.0.2");
  outside.set("/feed.xml", {.status = 302, .headers = {{"Location", internal.url("/admin")}}});
  ClientOptions options = small_limits();
  options.address_is_private = only_first_loopback_is_private;
  options.allow_private_addresses = true;

  auto client = make_http_client(options);
  Response response;
  client->fetch_all({{outside.url("/feed.xml"), "", ""}},
                    [&](std::size_t, Response done) { response = std::move(done); });

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body, "secret");
}

TEST(HostileServerTest, AFeedTheUserPutOnAPrivateAddressMayRedirectWithinIt) {
  // The user's own choice: a feed on the local network, moved within it.
  HttpTestServer internal;
  internal.set("/old.xml", {.status = 301, .headers = {{"Location", "/new.xml"}}});
  internal.set("/new.xml", {.body = "local feed"});
  ClientOptions options = small_limits();
  options.address_is_private = only_first_loopback_is_private;

  auto client = make_http_client(options);
  Response response;
  client->fetch_all({{internal.url("/old.xml"), "", ""}},
                    [&](std::size_t, Response done) { response = std::move(done); });

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body, "local feed");
}

TEST(HostileServerTest, ReusedConnectionToAPrivateAddressIsCheckedToo) {
  // A connection to the private server is already open (a feed the user
  // put there); a public feed redirecting to it must not ride on it.
  HttpTestServer internal;
  internal.set("/feed.xml", {.body = "own feed"});
  internal.set("/admin", {.body = "secret"});
  HttpTestServer outside("127.0.0.2");
  outside.set("/feed.xml", {.status = 302, .headers = {{"Location", internal.url("/admin")}}});
  ClientOptions options = small_limits();
  options.address_is_private = only_first_loopback_is_private;
  auto client = make_http_client(options);
  client->fetch_all({{internal.url("/feed.xml"), "", ""}}, [](std::size_t, Response) {});

  Response response;
  client->fetch_all({{outside.url("/feed.xml"), "", ""}},
                    [&](std::size_t, Response done) { response = std::move(done); });

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_NE(response.error.find("at private address 127.0.0.1, refused"), std::string::npos)
      << response.error;
  EXPECT_EQ(internal.request_count("/admin"), 0u);
}

TEST(PrivateAddressTest, ClassifiesLoopbackPrivateLinkLocalAndMappedAddresses) {
  for (const char* address :
       {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::",
        "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
        "64:ff9b::a00:1", "2002:c0a8:101::1", "[::1]", "fe80::1%eth0", "localhost", ""}) {
    EXPECT_TRUE(is_private_address(address)) << address;
  }
  for (const char* address : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1",
                              "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8",
                              "2002:808:808::1"}) {
    EXPECT_FALSE(is_private_address(address)) << address;
  }
}

}  // namespace
}  // namespace newsvault::fetch
