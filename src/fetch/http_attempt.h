// Private to fetch: one attempt at one http(s) request, as a libcurl easy
// handle with its callbacks, and what came back.
#ifndef NEWSVAULT_FETCH_HTTP_ATTEMPT_H_
#define NEWSVAULT_FETCH_HTTP_ATTEMPT_H_

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fetch/curl_handles.h"
#include "fetch/fetch.h"

namespace newsvault::fetch {

// A limit a hostile or broken server ran into; the attempt ended there.
enum class LimitHit {
  kNone,
  kResponseSize,    // decoded body over max_response_bytes
  kHeaderSize,      // status line and headers over max_header_bytes
  kHeaderLine,      // one header line over libcurl's CURL_MAX_HTTP_HEADER
  kLowSpeed,        // slower than low_speed_bytes_per_second for low_speed_time
  kPrivateAddress,  // a hop to a private address its request may not reach
};

// What one attempt came back with.
struct AttemptResult {
  CURLcode code = CURLE_OK;
  std::string curl_error;                // libcurl's words for `code`, naming host, port and so on
  long http_status = 0;                  // of the last response received; 0 when none came
  bool moved_permanently = false;        // a followed redirect was a 301 or 308
  std::chrono::microseconds elapsed{0};  // from start to end of the attempt
  LimitHit limit = LimitHit::kNone;
  std::string refused_url;      // kPrivateAddress: where the hop led
  std::string refused_address;  // kPrivateAddress: the address it connected to (the host through a proxy)
  std::string refused_class;    // kPrivateAddress: address_class_name of it
  bool refused_first_hop = false;  // kPrivateAddress: on the request's first hop
  bool refused_by_host = false;    // kPrivateAddress: judged by the host as written (a proxy)
  PrivateAddresses refused_policy = PrivateAddresses::kIfTheFirstHopIs;  // kPrivateAddress: the request's
  // Whether the first hop went to a private address; empty when no hop went out.
  std::optional<bool> first_hop_private;
  std::string body;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string retry_after;
  std::string cache_control;
  std::string final_url;
  std::vector<Exchange> exchanges;  // ClientOptions::record_exchanges: one per hop
};

// The most decoded bytes a response to `request` may hold: the smaller of
// Request::max_bytes (when set) and ClientOptions::max_response_bytes.
std::size_t response_limit(const Request& request, const ClientOptions& options);

class HttpAttempt {
 public:
  // An easy handle set up for `request`, tagged with `tag` (CURLOPT_PRIVATE).
  // nullptr when libcurl cannot make one (out of memory). `options` must
  // outlive the attempt.
  static std::unique_ptr<HttpAttempt> create(const Request& request, const ClientOptions& options,
                                             std::size_t tag);

  // Leaves the multi handle, if add_to() joined one.
  ~HttpAttempt();
  HttpAttempt(const HttpAttempt&) = delete;
  HttpAttempt& operator=(const HttpAttempt&) = delete;

  // Starts the transfer on `multi`.
  CURLMcode add_to(CURLM* multi);

  // The tag of the easy handle libcurl reports as done.
  static std::size_t tag_of(CURL* easy);

  // Once libcurl reports the transfer done with `code`: leaves the multi
  // handle and hands over what came back.
  AttemptResult finish(CURLcode code);

 private:
  HttpAttempt(const ClientOptions& options, PrivateAddresses policy, std::size_t max_bytes)
      : options_(options), policy_(policy), max_bytes_(max_bytes) {}

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  static int on_connected(void* self, char* primary_ip, char* local_ip, int primary_port,
                          int local_port);
  // CURLOPT_DEBUGFUNCTION: the bytes as they go out and come in.
  static int on_wire(CURL* easy, curl_infotype type, char* data, std::size_t size, void* self);
  void leave_multi();

  CurlEasy easy_;
  CurlSlist headers_;
  CURLM* multi_ = nullptr;
  const ClientOptions& options_;  // the client's, which outlives every attempt
  std::size_t header_bytes_ = 0;  // of the response being received
  bool headers_ended_ = false;    // the last header line was the blank one
  PrivateAddresses policy_;       // the request's
  std::size_t max_bytes_;         // response_limit of the request
  bool proxied_ = false;          // a proxy connects: hops are judged by their host as written
  std::vector<long> statuses_;  // every final (non-1xx) status line, in order
  std::string hop_url_;  // the hop on_connected saw last, for its exchange
  std::string hop_ip_;
  AttemptResult result_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_HTTP_ATTEMPT_H_
