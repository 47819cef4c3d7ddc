// fetch: gets documents over HTTP(S), or from file:// URLs and local paths.
//
// One HttpClient runs many requests at once (libcurl's multi interface)
// within a global and a per-host connection limit, retries 5xx answers and
// network errors with exponential backoff and jitter, honours Retry-After,
// follows redirects, sends conditional requests (ETag / Last-Modified),
// accepts gzip/deflate/br, caps the size of a response, and goes through an
// HTTP or SOCKS5 proxy when configured (or as the usual *_proxy environment
// variables say).
//
// file:// URLs and local paths are read directly, without libcurl, retries
// or a proxy. Every failure is a Response with outcome kFailed and a message
// naming the URL and what went wrong; nothing here throws.
//
// An HttpClient is used from one thread at a time; fetch_all calls back on
// that thread. Separate clients may run on separate threads.
#ifndef NEWSVAULT_FETCH_FETCH_H_
#define NEWSVAULT_FETCH_FETCH_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"

namespace newsvault::fetch {

struct Request {
  std::string url;            // http://, https://, file://, or a local path
                              // ("/x/feed.xml", or "feeds/a.xml" from the current directory)
  std::string etag;           // sent as If-None-Match when not empty
  std::string last_modified;  // sent as If-Modified-Since when not empty
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
  // "GET https://x/feed: HTTP 503 with Retry-After 3600 s, beyond the 60 s limit",
  // "read /x/feed.xml: No such file or directory".
  std::string error;
  int attempts = 0;  // tries made, the first included (redirects are within one); 1 for a file
};

struct ClientOptions {
  std::size_t max_connections = 32;  // in flight at once, all hosts together
  std::size_t max_per_host = 6;
  std::chrono::milliseconds timeout{30'000};  // whole transfer, per attempt
  std::chrono::milliseconds connect_timeout{10'000};
  int max_attempts = 3;  // 5xx, 429 and network errors are tried again
  std::chrono::milliseconds retry_base_delay{500};   // doubled per attempt, with jitter
  std::chrono::milliseconds max_retry_delay{60'000};  // Retry-After beyond this fails the request
  // Counted after content-encoding is undone; a Content-Length over it fails
  // before the body is read. Applies to local files too.
  std::size_t max_response_bytes = 64u * 1024 * 1024;
  std::string user_agent = "newsvault/0.1";
  // "http://host:port" or "socks5h://host:port"; empty: libcurl reads the
  // usual http_proxy / https_proxy / all_proxy / no_proxy variables.
  std::string proxy;
};

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
