// Private to fetch: when to try a request again and how long to wait first.
// Plain functions over values, so the rules can be tested without a network.
#ifndef NEWSVAULT_FETCH_RETRY_POLICY_H_
#define NEWSVAULT_FETCH_RETRY_POLICY_H_

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace newsvault::fetch {

// 5xx and 429 are worth another attempt; other statuses will not change.
bool is_retryable_status(long http_status);

// Network trouble (resolving, connecting, timeouts, a connection cut short)
// is worth another attempt; a malformed URL, a refused certificate, too many
// redirects or a response over the size limit is not.
bool is_retryable_curl_code(CURLcode code);

// RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date (any of the
// three formats of §5.6.7). Returns how long to wait from `now`: a date in
// the past means no wait. nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// RFC 9111 §5.2.2.1: how long a response is fresh by its Cache-Control
// header's max-age directive (names in any case, the value bare or quoted).
// nullopt without one, or with no-cache or no-store (nothing to wait for).
std::optional<std::chrono::seconds> parse_max_age(std::string_view cache_control);

// Whether a failure happened before any server answered: the name did not
// resolve, no connection could be made (refused, unreachable, or the
// connect timeout). What every request meets when the network is down.
bool is_unreachable_curl_code(CURLcode code);

// The wait before retry number `retry` (0 for the first retry):
// base * 2^retry, spread by jitter to [0.5, 1.5) times that so that clients
// that failed together do not come back together, and never more than `cap`.
// `unit_random` is a uniform random number in [0, 1).
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base, int retry,
                                        double unit_random, std::chrono::milliseconds cap);

// "30 s", "0.3 s", "1.25 s": a duration for an error message.
std::string format_seconds(std::chrono::milliseconds duration);

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_RETRY_POLICY_H_
