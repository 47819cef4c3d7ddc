#include "fetch/http_attempt.h"

#include <strings.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fetch/address_policy.h"

namespace newsvault::fetch {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Adds "name: value" unless the value is empty or would smuggle in another
// header (validators come from stored data, which came from a server).
bool append_header(CurlSlist& list, std::string_view name, std::string_view value) {
  if (value.empty() || value.find_first_of("\r\n") != std::string_view::npos) return true;
  const std::string line = std::string(name) + ": " + std::string(value);
  curl_slist* longer = curl_slist_append(list.get(), line.c_str());
  if (longer == nullptr) return false;
  list.release();
  list.reset(longer);
  return true;
}

// Whether libcurl will go through a proxy: the option, or the environment
// variables it reads (http_proxy lower case only, as libcurl does). no_proxy
// is not weighed: judging a direct connection by its host as written is
// only less exact, never less strict.
bool uses_proxy(const ClientOptions& options) {
  if (!options.proxy.empty()) return true;
  for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return true;
  }
  return false;
}

// Where one hop goes, as the private-address rule sees it.
struct Hop {
  std::string address;  // connected to, or the host as written
  AddressClass kind = AddressClass::kNotAnAddress;
  bool is_private = false;
};

Hop judge_hop(const ClientOptions& options, std::string address, bool by_host) {
  Hop hop;
  hop.kind = by_host ? classify_host(address) : classify_address(address);
  const bool literal = classify_address(address) != AddressClass::kNotAnAddress;
  if (by_host && !literal) {
    // Through a proxy a name is resolved where we cannot see it: only what
    // the name itself says (localhost) can be judged.
    hop.is_private = hop.kind != AddressClass::kNotAnAddress;
  } else {
    hop.is_private = options.address_is_private ? options.address_is_private(address)
                                                : hop.kind != AddressClass::kPublic;
  }
  hop.address = std::move(address);
  return hop;
}

}  // namespace

std::size_t response_limit(const Request& request, const ClientOptions& options) {
  return request.max_bytes > 0 ? std::min(request.max_bytes, options.max_response_bytes)
                               : options.max_response_bytes;
}

std::unique_ptr<HttpAttempt> HttpAttempt::create(const Request& request,
                                                 const ClientOptions& options, std::size_t tag) {
  ensure_curl_initialized();
  std::unique_ptr<HttpAttempt> attempt(
      new HttpAttempt(options, request.private_addresses, response_limit(request, options)));
  attempt->proxied_ = uses_proxy(options);
  attempt->easy_.reset(curl_easy_init());
  if (!attempt->easy_) return nullptr;
  if (!append_header(attempt->headers_, "If-None-Match", request.etag) ||
      !append_header(attempt->headers_, "If-Modified-Since", request.last_modified)) {
    return nullptr;
  }

  CURL* easy = attempt->easy_.get();
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE,
                   reinterpret_cast<void*>(static_cast<std::uintptr_t>(tag)));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, attempt->error_buffer_);
  // Local files never reach libcurl (see local_file.h), and a server must
  // not redirect us to one either.
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(std::max(0, options.max_redirects)));
  // "": every encoding this libcurl can undo (gzip, deflate, br, zstd).
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  if (!options.user_agent.empty()) {
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  // A server trickling bytes keeps a transfer alive, within the timeout, for
  // as long as it likes; below this speed for this long the transfer ends.
  if (options.low_speed_bytes_per_second > 0 && options.low_speed_time.count() > 0) {
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT,
                     static_cast<long>(std::min<std::size_t>(options.low_speed_bytes_per_second,
                                                             LONG_MAX)));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  }
  // Called with the address of the connection each request (every redirect
  // hop) goes out on, new or reused: where the SSRF rule is checked.
  curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &HttpAttempt::on_connected);
  curl_easy_setopt(easy, CURLOPT_PREREQDATA, attempt.get());
  // Refuses up front a response whose Content-Length is over the limit; the
  // body callback catches the rest (no length, or compressed smaller).
  const auto max_file_size = std::min<std::uintmax_t>(attempt->max_bytes_, INT64_MAX);
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_file_size));
  // Left unset, libcurl follows http_proxy, https_proxy, all_proxy, no_proxy.
  if (!options.proxy.empty()) curl_easy_setopt(easy, CURLOPT_PROXY, options.proxy.c_str());
  // A proxy's "200 Connection established" is not the server's status line.
  curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  if (attempt->headers_) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, attempt->headers_.get());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &HttpAttempt::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, attempt.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &HttpAttempt::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, attempt.get());
  if (options.record_exchanges) {
    // libcurl hands the debug callback the bytes as they cross the wire,
    // before it undoes chunking or content-encoding; it calls it only when
    // verbose, and prints nothing itself once the callback is set.
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &HttpAttempt::on_wire);
    curl_easy_setopt(easy, CURLOPT_DEBUGDATA, attempt.get());
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
  }
  return attempt;
}

HttpAttempt::~HttpAttempt() { leave_multi(); }

void HttpAttempt::leave_multi() {
  if (multi_ != nullptr) {
    curl_multi_remove_handle(multi_, easy_.get());
    multi_ = nullptr;
  }
}

CURLMcode HttpAttempt::add_to(CURLM* multi) {
  const CURLMcode code = curl_multi_add_handle(multi, easy_.get());
  if (code == CURLM_OK) multi_ = multi;
  return code;
}

std::size_t HttpAttempt::tag_of(CURL* easy) {
  void* tag = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &tag);
  return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(tag));
}

std::size_t HttpAttempt::on_body(char* data, std::size_t size, std::size_t count, void* self) {
  auto* attempt = static_cast<HttpAttempt*>(self);
  const std::size_t bytes = size * count;
  // Checked on the decoded bytes, so a small compressed body cannot unpack
  // past the limit either (libcurl's CURLOPT_MAXFILESIZE sees only the
  // Content-Length and the bytes on the wire). Returning less than given
  // aborts the transfer.
  const std::size_t max_bytes = attempt->max_bytes_;
  if (bytes > max_bytes - std::min(max_bytes, attempt->result_.body.size())) {
    attempt->result_.limit = LimitHit::kResponseSize;
    return 0;
  }
  attempt->result_.body.append(data, bytes);
  return bytes;
}

// Called once per header line of every response, redirects included.
std::size_t HttpAttempt::on_header(char* data, std::size_t size, std::size_t count, void* self) {
  auto* attempt = static_cast<HttpAttempt*>(self);
  AttemptResult& result = attempt->result_;
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);

  // Endless or giant headers: counted per response (a blank line ends one),
  // status line included.
  if (attempt->headers_ended_) attempt->header_bytes_ = 0;
  attempt->headers_ended_ = line == "\r\n" || line == "\n";
  attempt->header_bytes_ += bytes;
  if (attempt->header_bytes_ > attempt->options_.max_header_bytes) {
    result.limit = LimitHit::kHeaderSize;
    return 0;
  }

  if (line.starts_with("HTTP/")) {
    // A new response: what the previous one said no longer applies.
    result.content_type.clear();
    result.etag.clear();
    result.last_modified.clear();
    result.retry_after.clear();
    result.cache_control.clear();
    const auto space = line.find(' ');
    long status = 0;
    if (space != std::string_view::npos) {
      for (char c : line.substr(space + 1, 3)) {
        if (c < '0' || c > '9') break;
        status = status * 10 + (c - '0');
      }
    }
    // RFC 9110 §15.2: a 1xx answer is interim; the real one follows.
    if (status >= 200) attempt->statuses_.push_back(status);
    return bytes;
  }

  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  const std::string_view name = trim_ascii(line.substr(0, colon));
  const std::string value(trim_ascii(line.substr(colon + 1)));
  if (equals_ignoring_case(name, "Content-Type")) {
    result.content_type = value;
  } else if (equals_ignoring_case(name, "ETag")) {
    result.etag = value;
  } else if (equals_ignoring_case(name, "Last-Modified")) {
    result.last_modified = value;
  } else if (equals_ignoring_case(name, "Retry-After")) {
    result.retry_after = value;
  } else if (equals_ignoring_case(name, "Cache-Control")) {
    result.cache_control += (result.cache_control.empty() ? "" : ", ") + value;
  }
  return bytes;
}

int HttpAttempt::on_wire(CURL*, curl_infotype type, char* data, std::size_t size, void* self) {
  auto* attempt = static_cast<HttpAttempt*>(self);
  std::vector<Exchange>& exchanges = attempt->result_.exchanges;
  const std::string_view bytes(data, size);
  switch (type) {
    case CURLINFO_HEADER_OUT: {
      // A request goes out: the hop on_connected has just judged.
      Exchange exchange;
      exchange.url = attempt->hop_url_;
      exchange.ip_address = attempt->hop_ip_;
      exchange.date = std::chrono::system_clock::now();
      exchange.request_head = bytes;
      exchanges.push_back(std::move(exchange));
      break;
    }
    case CURLINFO_HEADER_IN:
      if (exchanges.empty()) break;
      // RFC 9110 §15.2: an interim 1xx head is followed by the real one.
      if (bytes.starts_with("HTTP/") && exchanges.back().response_head.ends_with("\r\n\r\n")) {
        exchanges.back().response_head.clear();
      }
      exchanges.back().response_head.append(bytes);
      break;
    case CURLINFO_DATA_IN:
      if (!exchanges.empty()) exchanges.back().payload.append(bytes);
      break;
    default:
      break;
  }
  return 0;
}

int HttpAttempt::on_connected(void* self, char* primary_ip, char*, int, int) {
  auto* attempt = static_cast<HttpAttempt*>(self);
  const ClientOptions& options = attempt->options_;
  AttemptResult& result = attempt->result_;
  char* raw_url = nullptr;
  std::string url;
  if (curl_easy_getinfo(attempt->easy_.get(), CURLINFO_EFFECTIVE_URL, &raw_url) == CURLE_OK &&
      raw_url != nullptr) {
    url = raw_url;
  }
  if (options.record_exchanges) {
    attempt->hop_url_ = url;
    attempt->hop_ip_ = primary_ip != nullptr ? primary_ip : "";
  }
  // Without a proxy, the address this hop is connected to (after DNS, on a
  // new or reused connection); through one, the proxy's, which says nothing:
  // the host as written is judged instead.
  const Hop hop = attempt->proxied_
                      ? judge_hop(options, host_of_url(url), true)
                      : judge_hop(options, primary_ip != nullptr ? primary_ip : "", false);
  const bool first_hop = !result.first_hop_private.has_value();
  if (first_hop) result.first_hop_private = hop.is_private;
  if (hop_allowed(attempt->policy_, options.allow_private_addresses, first_hop,
                  *result.first_hop_private, hop.is_private)) {
    return CURL_PREREQFUNC_OK;
  }
  // The TCP connection is made, but not one byte of the request is sent.
  result.limit = LimitHit::kPrivateAddress;
  result.refused_address = hop.address;
  result.refused_class = hop.kind == AddressClass::kPublic || hop.kind == AddressClass::kNotAnAddress
                             ? "private"
                             : std::string(address_class_name(hop.kind));
  result.refused_first_hop = first_hop;
  result.refused_by_host = attempt->proxied_;
  result.refused_policy = attempt->policy_;
  result.refused_url = std::move(url);
  return CURL_PREREQFUNC_ABORT;
}

AttemptResult HttpAttempt::finish(CURLcode code) {
  leave_multi();
  CURL* easy = easy_.get();
  result_.code = code;
  if (code != CURLE_OK) {
    // curl may echo a URL it was given (a proxy's): its credentials hidden.
    result_.curl_error = redact_urls(error_buffer_[0] != '\0' ? error_buffer_ : curl_easy_strerror(code));
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result_.http_status);
  char* url = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != nullptr) {
    result_.final_url = url;
  }
  curl_off_t total_time = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_time);
  result_.elapsed = std::chrono::microseconds(total_time);
  // libcurl ends a trickle with the timeout's code; its own words ("Operation
  // too slow") are what tell the two apart.
  if (code == CURLE_OPERATION_TIMEDOUT && result_.curl_error.starts_with("Operation too slow")) {
    result_.limit = LimitHit::kLowSpeed;
  }
  // A header line over libcurl's own cap ends the transfer as "out of
  // memory" before our header callback sees it: in the middle of a head, that
  // is what it was.
  if (code == CURLE_OUT_OF_MEMORY && header_bytes_ > 0 && !headers_ended_) {
    result_.limit = LimitHit::kHeaderLine;
  }

  // The first `redirects` responses are the hops libcurl followed.
  long redirects = 0;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &redirects);
  const auto hops = std::min(statuses_.size(), static_cast<std::size_t>(std::max(0L, redirects)));
  result_.moved_permanently =
      std::any_of(statuses_.begin(), statuses_.begin() + hops,
                  [](long status) { return status == 301 || status == 308; });
  if (!result_.exchanges.empty() && (code != CURLE_OK || result_.limit != LimitHit::kNone)) {
    // WARC 1.1 §5.13: why the last response is not whole.
    Exchange& last = result_.exchanges.back();
    last.truncated = code == CURLE_OPERATION_TIMEDOUT                           ? "time"
                     : result_.limit == LimitHit::kResponseSize ||
                               result_.limit == LimitHit::kHeaderSize ||
                               code == CURLE_FILESIZE_EXCEEDED              ? "length"
                     : result_.limit == LimitHit::kLowSpeed                   ? "time"
                                                                              : "disconnect";
  }
  return std::move(result_);
}

}  // namespace newsvault::fetch
