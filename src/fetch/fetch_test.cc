#include "fetch/fetch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::fetch {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestServer;
using Clock = std::chrono::steady_clock;

// Options that keep failing tests quick.
ClientOptions quick_options() {
  ClientOptions options;
  options.timeout = 5s;
  options.connect_timeout = 2s;
  options.retry_base_delay = 10ms;
  return options;
}

Request get(std::string url, std::string etag = "", std::string last_modified = "") {
  Request request;
  request.url = std::move(url);
  request.etag = std::move(etag);
  request.last_modified = std::move(last_modified);
  return request;
}

std::vector<Response> fetch_all(HttpClient& client, const std::vector<Request>& requests) {
  std::vector<Response> responses(requests.size());
  std::vector<int> calls(requests.size(), 0);
  client.fetch_all(requests, [&](std::size_t index, Response response) {
    ++calls.at(index);
    responses[index] = std::move(response);
  });
  for (int count : calls) EXPECT_EQ(count, 1);
  return responses;
}

Response fetch_one(HttpClient& client, Request request) {
  return fetch_all(client, {std::move(request)}).front();
}

Response fetch_one(const ClientOptions& options, Request request) {
  auto client = make_http_client(options);
  return fetch_one(*client, std::move(request));
}

long long millis_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// "<rss version="2.0"><channel><title>Gzip works</title></channel></rss>\n",
// compressed by Python's gzip module.
const std::string kGzippedFeed(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xb3\x29\x2a\x2e\x56\x28\x4b\x2d\x2a\xce\xcc\xcf\xb3"
    "\x55"
    "\x32\xd2\x33\x50\xb2\xb3\x49\xce\x48\xcc\xcb\x4b\xcd\xb1\xb3\x29\xc9\x2c\xc9\x49\xb5\x73\xaf"
    "\xca"
    "\x2c\x50\x28\xcf\x2f\xca\x2e\xb6\xd1\x87\x88\xd8\xe8\xc3\x95\xe8\x03\xf5\xdb\x71\x01\x00\x27"
    "\x41"
    "\x50\xc1\x46\x00\x00\x00",
    78);

// 100000 times 'a', gzipped to 133 bytes.
const std::string kGzippedHundredThousandBytes(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xed\xc1\x31\x01\x00\x00\x00\xc2\xa0\xac\xeb\x5f\xc2"
    "\x1a"
    "\x1e\x40\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00"
    "\x00\x00\x00\xaf\x06\x87\xfa\xe2\x1b\xa0\x86\x01\x00",
    133);

TEST(HttpClientTest, ReturnsBodyContentTypeAndValidatorsOf200) {
  HttpTestServer server;
  server.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml; charset=utf-8"},
                                       {"ETag", "\"v1\""},
                                       {"Last-Modified", "Mon, 19 Jun 2023 01:41:50 GMT"}},
                           .body = "<rss/>"});

  const Response response = fetch_one(quick_options(), get(server.url("/feed.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.body, "<rss/>");
  EXPECT_EQ(response.content_type, "application/rss+xml; charset=utf-8");
  EXPECT_EQ(response.etag, "\"v1\"");
  EXPECT_EQ(response.last_modified, "Mon, 19 Jun 2023 01:41:50 GMT");
  EXPECT_EQ(response.final_url, server.url("/feed.xml"));
  EXPECT_FALSE(response.moved_permanently);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_TRUE(response.error.empty());
}

TEST(HttpClientTest, AtTheRunTimeoutATransferInFlightIsAbandonedAndWhatFinishedIsKept) {
  HttpTestServer server;
  server.set("/quick.xml", {.body = "<rss/>"});
  server.set("/hung.xml", {.body = "<rss/>", .delay = 60s});  // held until the server stops
  ClientOptions options = quick_options();
  options.timeout = 60s;
  options.run_timeout = 1s;
  auto client = make_http_client(options);

  const auto responses = fetch_all(*client, {get(server.url("/quick.xml")), get(server.url("/hung.xml"))});
  EXPECT_EQ(responses[0].outcome, FetchOutcome::kOk) << responses[0].error;
  EXPECT_EQ(responses[1].outcome, FetchOutcome::kFailed);
  EXPECT_NE(responses[1].error.find("GET " + server.url("/hung.xml") + ": abandoned"), std::string::npos)
      << responses[1].error;
  EXPECT_NE(responses[1].error.find("run_timeout_seconds = 1"), std::string::npos) << responses[1].error;
  EXPECT_EQ(server.request_count("/hung.xml"), 1u) << "it was in flight";

  // The run's time is up: nothing more is begun.
  const Response late = fetch_one(*client, get(server.url("/quick.xml")));
  EXPECT_EQ(late.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(server.request_count("/quick.xml"), 1u);
}

TEST(HttpClientTest, SendsValidatorsAndReportsNotModifiedOn304) {
  HttpTestServer server;
  server.set_handler("/feed.xml", [](const HttpTestServer::RecordedRequest& request) {
    if (request.header("if-none-match") == "\"v1\"" &&
        request.header("if-modified-since") == "Mon, 19 Jun 2023 01:41:50 GMT") {
      return HttpTestServer::CannedResponse{.status = 304};
    }
    return HttpTestServer::CannedResponse{.body = "changed"};
  });

  const Response response = fetch_one(
      quick_options(), get(server.url("/feed.xml"), "\"v1\"", "Mon, 19 Jun 2023 01:41:50 GMT"));

  EXPECT_EQ(response.outcome, FetchOutcome::kNotModified) << response.error;
  EXPECT_EQ(response.http_status, 304);
  EXPECT_TRUE(response.body.empty());
  // The server sent no validators: the ones we hold still stand.
  EXPECT_EQ(response.etag, "\"v1\"");
  EXPECT_EQ(response.last_modified, "Mon, 19 Jun 2023 01:41:50 GMT");
}

TEST(HttpClientTest, NotModifiedKeepsNewValidatorsTheServerSent) {
  HttpTestServer server;
  server.set("/feed.xml", {.status = 304, .headers = {{"ETag", "\"v2\""}}});

  const Response response = fetch_one(quick_options(), get(server.url("/feed.xml"), "\"v1\""));

  EXPECT_EQ(response.outcome, FetchOutcome::kNotModified);
  EXPECT_EQ(response.etag, "\"v2\"");
  EXPECT_EQ(server.requests().at(0).header("if-modified-since"), "");
}

TEST(HttpClientTest, SendsNoConditionalHeadersWithoutValidators) {
  HttpTestServer server;
  server.set("/feed.xml", {.body = "x"});

  fetch_one(quick_options(), get(server.url("/feed.xml")));

  const auto request = server.requests().at(0);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.header("if-none-match"), "");
  EXPECT_EQ(request.header("if-modified-since"), "");
}

TEST(HttpClientTest, SendsTheConfiguredUserAgent) {
  HttpTestServer server;
  server.set("/feed.xml", {.body = "x"});
  ClientOptions options = quick_options();
  options.user_agent = "newsvault-test/9.9 (+https://example.org/bot)";

  fetch_one(options, get(server.url("/feed.xml")));

  EXPECT_EQ(server.requests().at(0).header("user-agent"),
            "newsvault-test/9.9 (+https://example.org/bot)");
}

TEST(HttpClientTest, RetriesServiceUnavailableThenSucceeds) {
  HttpTestServer server;
  std::atomic<int> calls = 0;
  server.set_handler("/feed.xml", [&](const HttpTestServer::RecordedRequest&) {
    return ++calls == 1 ? HttpTestServer::CannedResponse{.status = 503}
                        : HttpTestServer::CannedResponse{.body = "second time lucky"};
  });

  const Response response = fetch_one(quick_options(), get(server.url("/feed.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body, "second time lucky");
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(server.request_count("/feed.xml"), 2u);
}

TEST(HttpClientTest, RetriesTooManyRequests) {
  HttpTestServer server;
  std::atomic<int> calls = 0;
  server.set_handler("/feed.xml", [&](const HttpTestServer::RecordedRequest&) {
    return ++calls == 1 ? HttpTestServer::CannedResponse{.status = 429}
                        : HttpTestServer::CannedResponse{.body = "ok"};
  });

  const Response response = fetch_one(quick_options(), get(server.url("/feed.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.attempts, 2);
}

TEST(HttpClientTest, GivesUpAfterMaxAttemptsNamingStatusAndAttempts) {
  HttpTestServer server;
  server.set("/feed.xml", {.status = 502});

  const Response response = fetch_one(quick_options(), get(server.url("/feed.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.http_status, 502);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(response.error, "GET " + server.url("/feed.xml") + ": HTTP 502 (3 attempts)");
  EXPECT_EQ(server.request_count("/feed.xml"), 3u);
}

TEST(HttpClientTest, DoesNotRetryNotFoundAndNamesUrlAndStatus) {
  HttpTestServer server;

  const Response response = fetch_one(quick_options(), get(server.url("/missing.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.http_status, 404);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.error, "GET " + server.url("/missing.xml") + ": HTTP 404");
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(server.request_count("/missing.xml"), 1u);
}

TEST(HttpClientTest, HonoursRetryAfterWithoutHoldingUpOtherTransfers) {
  HttpTestServer server;
  std::atomic<int> calls = 0;
  server.set_handler("/busy.xml", [&](const HttpTestServer::RecordedRequest&) {
    return ++calls == 1
               ? HttpTestServer::CannedResponse{.status = 503, .headers = {{"Retry-After", "1"}}}
               : HttpTestServer::CannedResponse{.body = "busy done"};
  });
  server.set("/quick.xml", {.body = "quick done", .delay = 100ms});
  auto client = make_http_client(quick_options());

  const auto start = Clock::now();
  std::vector<long long> done_after(2, -1);
  std::vector<Response> responses(2);
  client->fetch_all({get(server.url("/busy.xml")), get(server.url("/quick.xml"))},
                    [&](std::size_t index, Response response) {
                      done_after[index] = millis_since(start);
                      responses[index] = std::move(response);
                    });

  EXPECT_EQ(responses[0].outcome, FetchOutcome::kOk) << responses[0].error;
  EXPECT_EQ(responses[0].attempts, 2);
  EXPECT_GE(done_after[0], 900);  // the server's second, not our 10 ms backoff
  EXPECT_LT(done_after[0], 3000);
  EXPECT_EQ(responses[1].body, "quick done");
  EXPECT_LT(done_after[1], 700);  // not queued behind the wait
}

TEST(HttpClientTest, FailsAtOnceWhenRetryAfterIsBeyondMaxRetryDelay) {
  HttpTestServer server;
  server.set("/feed.xml", {.status = 429, .headers = {{"Retry-After", "3600"}}});
  ClientOptions options = quick_options();
  options.max_retry_delay = 60s;

  const auto start = Clock::now();
  const Response response = fetch_one(options, get(server.url("/feed.xml")));

  EXPECT_LT(millis_since(start), 1000);
  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.error, "GET " + server.url("/feed.xml") +
                                ": HTTP 429 with Retry-After 3600 s, beyond the 60 s limit");
  EXPECT_EQ(server.request_count("/feed.xml"), 1u);
}

TEST(HttpClientTest, TellsTheSchedulerWhatTheServerAskedOfTheNextRequest) {
  HttpTestServer server;
  server.set("/busy.xml", {.status = 503, .headers = {{"Retry-After", "7200"}}});
  server.set("/fresh.xml", {.headers = {{"Cache-Control", "public, Max-Age=900"}}, .body = "<rss/>"});
  server.set("/no-store.xml", {.headers = {{"Cache-Control", "max-age=900, no-store"}}, .body = "<rss/>"});

  const Response busy = fetch_one(quick_options(), get(server.url("/busy.xml")));
  EXPECT_EQ(busy.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(busy.retry_after, 7200s);
  EXPECT_FALSE(busy.unreachable);  // the server answered
  const Response fresh = fetch_one(quick_options(), get(server.url("/fresh.xml")));
  EXPECT_EQ(fresh.max_age, 900s);
  EXPECT_EQ(fresh.retry_after, std::nullopt);
  EXPECT_EQ(fetch_one(quick_options(), get(server.url("/no-store.xml"))).max_age, std::nullopt);
}

TEST(HttpClientTest, SaysWhenNoServerCouldBeReached) {
  int port = 0;
  {
    HttpTestServer gone;  // its port, closed again
    port = gone.port();
  }
  ClientOptions options = quick_options();
  options.max_attempts = 1;
  const Response refused = fetch_one(options, get("http://127.0.0.1:" + std::to_string(port) + "/feed.xml"));
  EXPECT_EQ(refused.outcome, FetchOutcome::kFailed);
  EXPECT_TRUE(refused.unreachable) << refused.error;
  const Response unresolved = fetch_one(options, get("http://no-such-host.invalid/feed.xml"));
  EXPECT_TRUE(unresolved.unreachable) << unresolved.error;
}

TEST(HttpClientTest, CancelledClientAbandonsItsTransfersAtOnce) {
  HttpTestServer server;
  server.set("/slow.xml", {.body = "<rss/>", .delay = 20s});
  ClientOptions options = quick_options();
  options.timeout = 60s;
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  options.cancel = cancel;
  auto client = make_http_client(options);
  std::thread stopper([cancel] {
    std::this_thread::sleep_for(300ms);
    *cancel = true;
  });
  const Response response = fetch_one(*client, get(server.url("/slow.xml")));
  stopper.join();
  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error, "GET " + server.url("/slow.xml") + ": abandoned: newsvault is stopping");
}

TEST(HttpClientTest, FollowsPermanentRedirectsAndReportsTheMove) {
  HttpTestServer server;
  server.set("/old.xml", {.status = 301, .headers = {{"Location", "/newer.xml"}}});
  server.set("/newer.xml", {.status = 308, .headers = {{"Location", server.url("/new.xml")}}});
  server.set("/new.xml", {.headers = {{"ETag", "\"n\""}}, .body = "moved here"});

  const Response response = fetch_one(quick_options(), get(server.url("/old.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body, "moved here");
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.final_url, server.url("/new.xml"));
  EXPECT_TRUE(response.moved_permanently);
  EXPECT_EQ(response.etag, "\"n\"");
}

TEST(HttpClientTest, TemporaryRedirectIsNotAMove) {
  HttpTestServer server;
  server.set("/feed.xml", {.status = 302, .headers = {{"Location", "/today.xml"}}});
  server.set("/today.xml", {.body = "today"});

  const Response response = fetch_one(quick_options(), get(server.url("/feed.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body, "today");
  EXPECT_EQ(response.final_url, server.url("/today.xml"));
  EXPECT_FALSE(response.moved_permanently);
}

TEST(HttpClientTest, StopsAfterTenRedirects) {
  HttpTestServer server;
  server.set("/loop.xml", {.status = 302, .headers = {{"Location", "/loop.xml"}}});

  const Response response = fetch_one(quick_options(), get(server.url("/loop.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_TRUE(response.error.starts_with("GET " + server.url("/loop.xml") + ": "))
      << response.error;
  EXPECT_NE(response.error.find("redirects"), std::string::npos) << response.error;
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(server.request_count("/loop.xml"), 11u);
}

TEST(HttpClientTest, DecodesGzipBody) {
  HttpTestServer server;
  server.set("/feed.xml", {.headers = {{"Content-Encoding", "gzip"}}, .body = kGzippedFeed});

  const Response response = fetch_one(quick_options(), get(server.url("/feed.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body,
            "<rss version=\"2.0\"><channel><title>Gzip works</title></channel></rss>\n");
  const std::string accept_encoding = server.requests().at(0).header("accept-encoding");
  EXPECT_NE(accept_encoding.find("gzip"), std::string::npos) << accept_encoding;
}

TEST(HttpClientTest, RefusesResponseWhoseContentLengthIsOverTheLimit) {
  HttpTestServer server;
  server.set("/big.xml", {.body = std::string(2000, 'x')});
  ClientOptions options = quick_options();
  options.max_response_bytes = 1000;

  const Response response = fetch_one(options, get(server.url("/big.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error, "GET " + server.url("/big.xml") + ": response larger than 1000 bytes");
  EXPECT_EQ(response.attempts, 1);
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpClientTest, StopsReceivingWhenABodyWithoutLengthPassesTheLimit) {
  HttpTestServer server;
  server.set("/big.xml",
             {.headers = {{"Transfer-Encoding", "chunked"}}, .body = std::string(50'000, 'x')});
  ClientOptions options = quick_options();
  options.max_response_bytes = 1000;

  const Response response = fetch_one(options, get(server.url("/big.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error, "GET " + server.url("/big.xml") + ": response larger than 1000 bytes");
  EXPECT_EQ(response.attempts, 1);
}

TEST(HttpClientTest, CountsTheLimitInDecodedBytes) {
  HttpTestServer server;
  server.set("/bomb.xml",
             {.headers = {{"Content-Encoding", "gzip"}}, .body = kGzippedHundredThousandBytes});
  ClientOptions options = quick_options();
  options.max_response_bytes = 10'000;

  const Response response = fetch_one(options, get(server.url("/bomb.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error,
            "GET " + server.url("/bomb.xml") + ": response larger than 10000 bytes");
}

TEST(HttpClientTest, AcceptsBodyExactlyAtTheLimit) {
  HttpTestServer server;
  server.set("/edge.xml", {.body = std::string(1000, 'x')});
  ClientOptions options = quick_options();
  options.max_response_bytes = 1000;

  const Response response = fetch_one(options, get(server.url("/edge.xml")));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body.size(), 1000u);
}

TEST(HttpClientTest, TimesOutASlowServerAndSaysSo) {
  HttpTestServer server;
  server.set("/slow.xml", {.body = "too late", .delay = 3s});
  ClientOptions options = quick_options();
  options.timeout = 300ms;
  options.max_attempts = 2;

  const auto start = Clock::now();
  const Response response = fetch_one(options, get(server.url("/slow.xml")));

  EXPECT_LT(millis_since(start), 2000);
  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(response.error,
            "GET " + server.url("/slow.xml") + ": timed out after 0.3 s (2 attempts)");
}

TEST(HttpClientTest, RetriesARefusedConnectionAndReportsLibcurlsWords) {
  std::string url;
  {
    HttpTestServer gone;  // a port that nothing listens on any more
    url = gone.url("/feed.xml");
  }
  ClientOptions options = quick_options();
  options.max_attempts = 2;

  const Response response = fetch_one(options, get(url));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(response.http_status, 0);
  EXPECT_TRUE(response.error.starts_with("GET " + url + ": ")) << response.error;
  EXPECT_NE(response.error.find("onnect"), std::string::npos) << response.error;
  EXPECT_NE(response.error.find("(2 attempts)"), std::string::npos) << response.error;
}

TEST(HttpClientTest, RefusesSchemesOtherThanHttp) {
  const Response response = fetch_one(quick_options(), get("ftp://127.0.0.1/feed.xml"));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_TRUE(response.error.starts_with("GET ftp://127.0.0.1/feed.xml: ")) << response.error;
  EXPECT_EQ(response.attempts, 1);
}

TEST(HttpClientTest, KeepsWithinThePerHostLimit) {
  HttpTestServer server;
  server.set("/slow.xml", {.body = "x", .delay = 150ms});
  ClientOptions options = quick_options();
  options.max_per_host = 2;
  std::vector<Request> requests(10, get(server.url("/slow.xml")));

  auto client = make_http_client(options);
  for (const auto& response : fetch_all(*client, requests)) {
    EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  }

  EXPECT_EQ(server.max_concurrent_requests(), 2u);
  EXPECT_LE(server.max_concurrent_connections(), 2u);
}

TEST(HttpClientTest, KeepsWithinTheTotalLimitAcrossHosts) {
  HttpTestServer server;
  server.set("/slow.xml", {.body = "x", .delay = 150ms});
  ClientOptions options = quick_options();
  options.max_connections = 3;
  options.max_per_host = 10;
  const std::string by_name = "http://localhost:" + std::to_string(server.port()) + "/slow.xml";
  std::vector<Request> requests;
  for (int i = 0; i < 6; ++i) {
    requests.push_back(get(server.url("/slow.xml")));
    requests.push_back(get(by_name));
  }

  auto client = make_http_client(options);
  for (const auto& response : fetch_all(*client, requests)) {
    EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  }

  EXPECT_LE(server.max_concurrent_requests(), 3u);
  EXPECT_GE(server.max_concurrent_requests(), 2u);
}

TEST(HttpClientTest, CompletesTwoHundredRequestsOverReusedConnections) {
  HttpTestServer server;
  server.set_handler("/item", [](const HttpTestServer::RecordedRequest& request) {
    return HttpTestServer::CannedResponse{.body = "item " + request.query};
  });
  std::vector<Request> requests;
  for (int i = 0; i < 200; ++i) requests.push_back(get(server.url("/item?" + std::to_string(i))));
  ClientOptions options = quick_options();

  auto client = make_http_client(options);
  const auto responses = fetch_all(*client, requests);

  for (std::size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].outcome, FetchOutcome::kOk) << responses[i].error;
    EXPECT_EQ(responses[i].body, "item " + std::to_string(i));
  }
  EXPECT_EQ(server.request_count("/item"), 200u);
  EXPECT_LE(server.connection_count(), options.max_per_host);
}

TEST(HttpClientTest, ReusesConnectionsAcrossCalls) {
  HttpTestServer server;
  server.set("/feed.xml", {.body = "x"});
  auto client = make_http_client(quick_options());

  fetch_one(*client, get(server.url("/feed.xml")));
  fetch_one(*client, get(server.url("/feed.xml")));

  EXPECT_EQ(server.request_count("/feed.xml"), 2u);
  EXPECT_EQ(server.connection_count(), 1u);
}

TEST(HttpClientTest, GoesThroughTheConfiguredProxy) {
  HttpTestServer proxy;
  proxy.set("/feed.xml", {.body = "via proxy"});
  ClientOptions options = quick_options();
  options.proxy = proxy.base_url();

  // feeds.example never resolves: only the proxy is asked for it.
  const Response response = fetch_one(options, get("http://feeds.example/feed.xml"));

  EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
  EXPECT_EQ(response.body, "via proxy");
  const auto request = proxy.requests().at(0);
  EXPECT_EQ(request.target, "http://feeds.example/feed.xml");
  EXPECT_EQ(request.header("host"), "feeds.example");
}

TEST(HttpClientTest, ReadsLocalPathsAndFileUrls) {
  testing::TempDir dir;
  const auto path = dir.path() / "feed one.xml";
  testing::write_file(path, "<feed/>");
  const std::string relative = std::filesystem::relative(path).string();
  ASSERT_FALSE(relative.starts_with("/"));
  const std::string file_url = "file://" + dir.path().string() + "/feed%20one.xml";

  auto client = make_http_client(quick_options());
  const auto responses = fetch_all(*client, {get(path.string()), get(relative), get(file_url)});

  for (const auto& response : responses) {
    EXPECT_EQ(response.outcome, FetchOutcome::kOk) << response.error;
    EXPECT_EQ(response.body, "<feed/>");
    EXPECT_EQ(response.http_status, 0);
  }
  EXPECT_EQ(responses[2].final_url, file_url);
}

TEST(HttpClientTest, MissingLocalFileFailsNamingThePath) {
  auto client = make_http_client(quick_options());
  const auto responses = fetch_all(*client, {get("/nonexistent/newsvault/feed.xml"),
                                             get("file:///nonexistent/newsvault/a%20b.xml")});

  EXPECT_EQ(responses[0].outcome, FetchOutcome::kFailed);
  EXPECT_EQ(responses[0].error, "read /nonexistent/newsvault/feed.xml: No such file or directory");
  EXPECT_EQ(responses[1].outcome, FetchOutcome::kFailed);
  EXPECT_EQ(responses[1].error, "read /nonexistent/newsvault/a b.xml: No such file or directory");
}

TEST(HttpClientTest, LocalFileOverTheLimitFails) {
  testing::TempDir dir;
  const auto path = dir.path() / "big.xml";
  testing::write_file(path, std::string(2000, 'x'));
  ClientOptions options = quick_options();
  options.max_response_bytes = 1000;

  const Response response = fetch_one(options, get(path.string()));

  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error, "read " + path.string() + ": larger than 1000 bytes");
}

TEST(HttpClientTest, MixesLocalAndRemoteRequestsInOneCall) {
  HttpTestServer server;
  server.set("/a.xml", {.body = "remote"});
  testing::TempDir dir;
  testing::write_file(dir.path() / "b.xml", "local");

  auto client = make_http_client(quick_options());
  const auto responses =
      fetch_all(*client, {get(server.url("/a.xml")), get((dir.path() / "b.xml").string()),
                          get(server.url("/none.xml"))});

  EXPECT_EQ(responses[0].body, "remote");
  EXPECT_EQ(responses[1].body, "local");
  EXPECT_EQ(responses[2].outcome, FetchOutcome::kFailed);
}

TEST(HttpClientTest, EmptyRequestListReturnsAtOnce) {
  auto client = make_http_client(quick_options());
  int calls = 0;
  client->fetch_all({}, [&](std::size_t, Response) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace newsvault::fetch
