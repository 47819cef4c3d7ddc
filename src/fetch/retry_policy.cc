#include "fetch/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/core.h"

namespace newsvault::fetch {

bool is_retryable_status(long http_status) {
  return http_status == 429 || (http_status >= 500 && http_status <= 599);
}

bool is_retryable_curl_code(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

bool is_unreachable_curl_code(CURLcode code) {
  return code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_COULDNT_RESOLVE_HOST ||
         code == CURLE_COULDNT_CONNECT;
}

std::optional<std::chrono::seconds> parse_max_age(std::string_view cache_control) {
  std::optional<std::chrono::seconds> max_age;
  while (!cache_control.empty()) {
    const std::size_t comma = cache_control.find(',');
    const std::string directive = lower_ascii(trim_ascii(cache_control.substr(0, comma)));
    cache_control = comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);
    if (directive == "no-cache" || directive == "no-store") return std::nullopt;
    if (!directive.starts_with("max-age=")) continue;
    std::string_view value = trim_ascii(std::string_view(directive).substr(8));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    long long seconds = 0;
    for (char c : value) seconds = std::min(86'400LL * 365, seconds * 10 + (c - '0'));
    max_age = std::chrono::seconds(seconds);
  }
  return max_age;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim_ascii(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // A day is plenty to compare against any sane max_retry_delay; longer
    // values are clamped rather than overflowed.
    constexpr long long kMaxSeconds = 86'400LL * 365;
    long long seconds = 0;
    for (char c : value) {
      seconds = std::min(kMaxSeconds, seconds * 10 + (c - '0'));
    }
    return std::chrono::seconds(seconds);
  }
  // curl_getdate reads IMF-fixdate, RFC 850 and asctime dates alike.
  const std::string text(value);
  const time_t date = curl_getdate(text.c_str(), nullptr);
  if (date == -1) return std::nullopt;
  const auto wait = std::chrono::system_clock::from_time_t(date) - now;
  return std::max(std::chrono::milliseconds(0), std::chrono::ceil<std::chrono::milliseconds>(wait));
}

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base, int retry,
                                        double unit_random, std::chrono::milliseconds cap) {
  const double exponential =
      static_cast<double>(base.count()) * std::ldexp(1.0, std::clamp(retry, 0, 40));
  const double jittered = exponential * (0.5 + std::clamp(unit_random, 0.0, 1.0));
  const double capped = std::min(jittered, static_cast<double>(cap.count()));
  return std::chrono::milliseconds(static_cast<long long>(std::max(0.0, capped)));
}

std::string format_seconds(std::chrono::milliseconds duration) {
  const long long millis = duration.count();
  std::string text = std::to_string(millis / 1000);
  if (long long fraction = millis % 1000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 3 - digits.size(), '0');
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text + " s";
}

}  // namespace newsvault::fetch
