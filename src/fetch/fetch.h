// fetch: gets documents over HTTP(S), or from file:// URLs and local paths.
//
// One HttpClient runs many requests at once (libcurl's multi interface)
// within a global and a per-host connection limit, retries 5xx answers and
// network errors with exponential backoff and jitter, honours Retry-After,
// follows redirects, sends conditional requests (ETag / Last-Modified),
// accepts gzip/deflate/br, and goes through an HTTP or SOCKS5 proxy when
// configured (or as the usual *_proxy environment variables say).
//
// Servers are not trusted: every response is held to limits (its decoded
// size, the size of its headers, the time it takes, the speed it comes at,
// the redirects it makes). A request made for a source on the internet never
// reaches a private, loopback or otherwise special address (SSRF), on its
// first hop or any redirect, unless allowed (Request::private_addresses).
// What each limit is and why: docs/internals/fetch.md.
//
// file:// URLs and local paths are read directly, without libcurl, retries
// or a proxy. Every failure is a Response with outcome kFailed and a message
// naming the URL and what went wrong; nothing here throws.
//
// An HttpClient is used from one thread at a time; fetch_all calls back on
// that thread. Separate clients may run on separate threads.
#ifndef NEWSVAULT_FETCH_FETCH_H_
#define NEWSVAULT_FETCH_FETCH_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace newsvault::fetch {

// Which private addresses (is_private_address) a request may reach. Who
// the request is made for decides: the operator, or a source the operator
// trusts, or a source on the internet that anyone may have written.
enum class PrivateAddresses {
  // A URL the operator gave (a feed's own URL, `add`, `extract`): the first
  // hop goes where it says; a redirect may reach a private address only if
  // that first hop did (a feed on the operator's own network, moved within it).
  kIfTheFirstHopIs,
  // Made for a source on a public address (an entry's page, an adapter's API
  // document): no hop may reach one, the first included.
  kRefused,
  // Made for a source the operator put on a private address or in a file:
  // any hop may.
  kAllowed,
};

struct Request {
  std::string url;            // http://, https://, file://, or a local path
                              // ("/x/feed.xml", or "feeds/a.xml" from the current directory)
  std::string etag;           // sent as If-None-Match when not empty
  std::string last_modified;  // sent as If-Modified-Since when not empty
  // ClientOptions::allow_private_addresses = true allows every hop whatever
  // this says.
  PrivateAddresses private_addresses = PrivateAddresses::kIfTheFirstHopIs;
  // This request's own bound on its decoded body (an image's cap, below the
  // client's); 0: ClientOptions::max_response_bytes. The smaller one holds.
  std::size_t max_bytes = 0;
  // Tries at most, the first included; 0: ClientOptions::max_attempts.
  // (Work that has a retry queue of its own, images, tries once a run.)
  int max_attempts = 0;
  // A wall-clock time past which this request is abandoned, in flight or
  // not begun, as at ClientOptions::run_timeout (a run's budget for work
  // that must not hold it: images); none: only the client's bounds.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// One request and the response to it, as they went over the wire: what a
// record of the responses received (a WARC file) keeps. Kept only with
// ClientOptions::record_exchanges; a redirect is one exchange per hop, and
// a request tried again keeps the exchanges of every attempt.
struct Exchange {
  std::string url;         // of this hop
  std::string ip_address;  // connected to ("" when unknown; through a proxy, the proxy's)
  std::chrono::system_clock::time_point date;  // when the request went out
  std::string request_head;   // request line and headers as sent, blank line included
  std::string response_head;  // status line and headers as received, blank line included;
                              // "" when no response came
  // The body as received: neither its content-encoding (gzip, br) nor its
  // transfer-encoding (chunked) undone.
  std::string payload;
  // The response did not end normally: a limit, a timeout or the network
  // cut it ("length", "time", "disconnect" as WARC-Truncated says); "".
  std::string truncated;
};

// Expected outcomes are values (a 304 is not an error).
enum class FetchOutcome { kOk, kNotModified, kFailed };

struct Response {
  FetchOutcome outcome = FetchOutcome::kFailed;
  long http_status = 0;       // 0 for file:// and for network errors
  std::string body;           // content-encoding already undone
  std::string content_type;   // the Content-Type header, as sent
  std::string etag;           // the validators to send next time (the request's on a 304)
  std::string last_modified;
  std::string final_url;      // after redirects (the request's url when none, and for files)
  // A followed redirect was a 301 or 308: store final_url as the new URL.
  bool moved_permanently = false;
  // For kFailed, what failed and where: "GET https://x/feed: HTTP 404",
  // "GET https://x/feed: timed out after 30 s (3 attempts)",
  // "GET https://x/feed: response larger than 67108864 bytes",
  // "GET https://x/feed: slower than 100 bytes/s for 20 s",
  // "GET https://x/feed: response headers larger than 262144 bytes",
  // "GET https://x/feed: more than 10 redirects",
  // "GET https://x/feed: redirected to http://10.0.0.1/ at private address
  //  10.0.0.1, refused (allow_private_addresses is off)",
  // "GET http://169.254.169.254/latest: address 169.254.169.254 is
  //  link-local, refused for a feed on a public address
  //  (allow_private_addresses is off)",
  // "GET https://x/feed: HTTP 503 with Retry-After 3600 s, beyond the 60 s limit",
  // "read /x/feed.xml: No such file or directory".
  std::string error;
  // What the server asked of the next request for this URL: Retry-After
  // (RFC 9110 §10.2.3, on any answer, an HTTP-date made a delay), and the
  // freshness Cache-Control max-age gives (RFC 9111 §5.2.2.1; none with
  // no-cache or no-store). The scheduler waits at least that long.
  std::optional<std::chrono::seconds> retry_after;
  std::optional<std::chrono::seconds> max_age;
  // kFailed before any server answered: the name did not resolve, or no
  // connection could be made (refused, unreachable, the connect timeout).
  // Every request fails so when the network is down.
  bool unreachable = false;
  // kFailed because the client was cancelled (ClientOptions::cancel) before
  // an answer came: newsvault stopped, the server did nothing wrong.
  bool abandoned = false;
  // kFailed because the body was larger than the limit (Request::max_bytes
  // or ClientOptions::max_response_bytes): asking again gets the same.
  bool too_large = false;
  int attempts = 0;  // tries made, the first included (redirects are within one); 1 for a file
  // The source is on the operator's own side: a local file, or the first
  // hop of the last attempt went to a private address (through a proxy, or
  // when no connection was made: the host as written is an IP literal of
  // one, or localhost). Requests made for what it holds may then go to
  // private addresses too (PrivateAddresses::kAllowed).
  bool private_source = false;
  // With ClientOptions::record_exchanges, every exchange of the request in
  // the order they happened; empty for files.
  std::vector<Exchange> exchanges;
  // Where a record of this response was kept ("FILE.warc.gz:OFFSET"), filled
  // in by whoever records the exchanges (the record stage); "" when none was.
  std::string record;
};

struct ClientOptions {
  std::size_t max_connections = 32;  // in flight at once, all hosts together
  std::size_t max_per_host = 6;
  // The whole transfer, per attempt. A request takes at most about
  // max_attempts times this, plus the waits between attempts.
  std::chrono::milliseconds timeout{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
  int max_attempts = 3;  // 5xx, 429 and network errors are tried again
  std::chrono::milliseconds retry_base_delay{500};   // doubled per attempt, with jitter
  std::chrono::milliseconds max_retry_delay{60'000};  // Retry-After beyond this fails the request
  // Counted after content-encoding is undone; a Content-Length over it fails
  // before the body is read. Applies to local files too.
  std::size_t max_response_bytes = 64u * 1024 * 1024;
  // A transfer slower than this many bytes a second for low_speed_time ends
  // (a server trickling a byte a second would otherwise hold a connection
  // until the timeout, and again on every retry). 0 turns the check off.
  std::size_t low_speed_bytes_per_second = 100;
  std::chrono::seconds low_speed_time{20};
  // The wall-clock bound on all the transfers of one client (a run makes
  // its client as it begins), counted from the client's creation; 0: none.
  // Once it passes, transfers in flight are abandoned (removed from
  // libcurl, their connections closed) and those not begun are not: each
  // is a kFailed response whose error names run_timeout_seconds, as every
  // request of a later fetch_all is.
  std::chrono::seconds run_timeout{0};
  // Set to true (from any thread), the transfers of the fetch_all under way
  // and of every later one are abandoned as at run_timeout, each failing
  // with "abandoned: newsvault is stopping": a daemon told to stop ends
  // its requests within about a second.
  std::shared_ptr<const std::atomic<bool>> cancel;
  int max_redirects = 10;  // followed within one attempt; one more fails it
  // The status line and headers of any one response, together; beyond it the
  // transfer ends. (libcurl also refuses any single header line over 100 KB.)
  std::size_t max_header_bytes = 256u * 1024;
  // SSRF: a request may reach a private, loopback or link-local address (an
  // internal service a stranger's server should not reach through us) only
  // as its Request::private_addresses says, unless this is true: then every
  // request may. The check is on the address actually connected to, at
  // every hop. Through a proxy (`proxy`, or the *_proxy environment
  // variables) the proxy resolves names and connects: the check is then on
  // the host as written (IP literals, localhost and names under it).
  bool allow_private_addresses = false;
  // Which addresses count as private ("10.0.0.1", "::1"); empty:
  // is_private_address below. Tests replace it to play a public server on a
  // loopback address.
  std::function<bool(std::string_view address)> address_is_private;
  std::string user_agent = "newsvault/0.1";
  // Keep each request and response as they went over the wire
  // (Response::exchanges): headers as sent and received, the body before
  // decoding. Costs a second copy of each body while it is in flight.
  bool record_exchanges = false;
  // "http://host:port" or "socks5h://host:port"; empty: libcurl reads the
  // usual http_proxy / https_proxy / all_proxy / no_proxy variables.
  std::string proxy;
};

// What an IP address is, by RFC 6890's special-purpose registries: only
// kPublic is the public internet.
enum class AddressClass {
  kPublic,
  kLoopback,       // 127.0.0.0/8, ::1
  kPrivate,        // RFC 1918, and the deprecated site-local fec0::/10, local-use NAT64
  kLinkLocal,      // 169.254.0.0/16 (cloud metadata at 169.254.169.254), fe80::/10
  kUniqueLocal,    // fc00::/7 (RFC 4193)
  kSharedNat,      // 100.64.0.0/10 carrier-grade NAT (RFC 6598)
  kUnspecified,    // 0.0.0.0/8 "this network", ::
  kMulticast,      // 224.0.0.0/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kDocumentation,  // 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32
  kBenchmarking,   // 198.18.0.0/15
  kReserved,       // 240.0.0.0/4, 192.0.0.0/24, 2001::/23, 100::/64, outside 2000::/3
  kNotAnAddress,   // not an IPv4 or IPv6 literal
};

// The class of an IPv4 ("10.0.0.1") or IPv6 ("::1", "[::1]", "fe80::1%eth0")
// address. An IPv4 address written as IPv6 (mapped ::ffff:10.0.0.1,
// compatible ::10.0.0.1, NAT64 64:ff9b::a00:1, 6to4 2002:a00:1::) is
// classed as that IPv4 address.
AddressClass classify_address(std::string_view address);

// In words, for errors: "link-local", "loopback", "for documentation".
std::string_view address_class_name(AddressClass kind);

// True unless classify_address says kPublic: an address that is not a
// literal IPv4 or IPv6 address counts as private, as unknown is not safe.
bool is_private_address(std::string_view address);

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Fetches every request, many at once within the limits. Calls
  // on_done(index into requests, response) once per request, as each
  // completes (any order), on the calling thread; returns when all are done.
  // Never throws: every failure is a Response with outcome kFailed.
  virtual void fetch_all(const std::vector<Request>& requests,
                         const std::function<void(std::size_t, Response)>& on_done) = 0;
};

// The production client, on libcurl. Keeps its connections open between
// fetch_all calls for reuse.
std::unique_ptr<HttpClient> make_http_client(const ClientOptions& options);

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_FETCH_H_
