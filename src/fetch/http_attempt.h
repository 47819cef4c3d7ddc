// Private to fetch: one attempt at one http(s) request, as a libcurl easy
// handle with its callbacks, and what came back.
#ifndef NEWSVAULT_FETCH_HTTP_ATTEMPT_H_
#define NEWSVAULT_FETCH_HTTP_ATTEMPT_H_

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "fetch/curl_handles.h"
#include "fetch/fetch.h"

namespace newsvault::fetch {

// What one attempt came back with.
struct AttemptResult {
  CURLcode code = CURLE_OK;
  std::string curl_error;                // libcurl's words for `code`, naming host, port and so on
  long http_status = 0;                  // of the last response received; 0 when none came
  bool moved_permanently = false;        // a followed redirect was a 301 or 308
  std::chrono::microseconds elapsed{0};  // from start to end of the attempt
  bool too_large = false;                // the body outgrew max_response_bytes
  std::string body;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string retry_after;
  std::string final_url;
};

class HttpAttempt {
 public:
  // An easy handle set up for `request`, tagged with `tag` (CURLOPT_PRIVATE).
  // nullptr when libcurl cannot make one (out of memory).
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
  explicit HttpAttempt(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  void leave_multi();

  CurlEasy easy_;
  CurlSlist headers_;
  CURLM* multi_ = nullptr;
  std::size_t max_bytes_;
  std::vector<long> statuses_;  // every final (non-1xx) status line, in order
  AttemptResult result_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_HTTP_ATTEMPT_H_
