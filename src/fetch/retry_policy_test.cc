#include "fetch/retry_policy.h"

#include <gtest/gtest.h>

namespace newsvault::fetch {
namespace {

using namespace std::chrono_literals;

// 1994-11-06T08:49:37Z, the date RFC 9110 §5.6.7 writes three ways.
const auto kDate = std::chrono::system_clock::from_time_t(784111777);

TEST(RetryPolicyTest, RetriesServerErrorsAndTooManyRequestsOnly) {
  EXPECT_TRUE(is_retryable_status(500));
  EXPECT_TRUE(is_retryable_status(503));
  EXPECT_TRUE(is_retryable_status(599));
  EXPECT_TRUE(is_retryable_status(429));
  EXPECT_FALSE(is_retryable_status(404));
  EXPECT_FALSE(is_retryable_status(403));
  EXPECT_FALSE(is_retryable_status(410));
  EXPECT_FALSE(is_retryable_status(200));
  EXPECT_FALSE(is_retryable_status(304));
}

TEST(RetryPolicyTest, RetriesNetworkTroubleButNotPermanentFailures) {
  EXPECT_TRUE(is_retryable_curl_code(CURLE_COULDNT_CONNECT));
  EXPECT_TRUE(is_retryable_curl_code(CURLE_COULDNT_RESOLVE_HOST));
  EXPECT_TRUE(is_retryable_curl_code(CURLE_OPERATION_TIMEDOUT));
  EXPECT_TRUE(is_retryable_curl_code(CURLE_RECV_ERROR));
  EXPECT_FALSE(is_retryable_curl_code(CURLE_URL_MALFORMAT));
  EXPECT_FALSE(is_retryable_curl_code(CURLE_TOO_MANY_REDIRECTS));
  EXPECT_FALSE(is_retryable_curl_code(CURLE_FILESIZE_EXCEEDED));
  EXPECT_FALSE(is_retryable_curl_code(CURLE_PEER_FAILED_VERIFICATION));
}

TEST(RetryPolicyTest, ReadsRetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("120", kDate), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", kDate), 0s);
}

TEST(RetryPolicyTest, ReadsRetryAfterInEveryHttpDateFormat) {
  const auto now = kDate - 30s;
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 30s);
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), 30s);
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), 30s);
}

TEST(RetryPolicyTest, DateInThePastMeansNoWait) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kDate + 1h), 0ms);
}

TEST(RetryPolicyTest, IgnoresRetryAfterThatIsNeitherSecondsNorDate) {
  EXPECT_EQ(parse_retry_after("", kDate), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", kDate), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", kDate), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", kDate), std::nullopt);
}

TEST(RetryPolicyTest, HugeRetryAfterIsClampedNotOverflowed) {
  const auto delay = parse_retry_after("99999999999999999999999", kDate);
  ASSERT_TRUE(delay.has_value());
  EXPECT_GT(*delay, 24h);
}

TEST(RetryPolicyTest, BackoffDoublesPerRetryWithinJitterBounds) {
  for (int retry = 0; retry < 4; ++retry) {
    const auto nominal = 500ms * (1 << retry);
    EXPECT_EQ(backoff_delay(500ms, retry, 0.0, 1h), nominal / 2);
    EXPECT_EQ(backoff_delay(500ms, retry, 0.5, 1h), nominal);
    EXPECT_LT(backoff_delay(500ms, retry, 0.999, 1h), nominal * 3 / 2);
  }
}

TEST(RetryPolicyTest, BackoffNeverExceedsTheCap) {
  EXPECT_EQ(backoff_delay(500ms, 10, 0.9, 60s), 60s);
  EXPECT_EQ(backoff_delay(500ms, 1000, 0.9, 60s), 60s);
}

TEST(RetryPolicyTest, FormatsSecondsForMessages) {
  EXPECT_EQ(format_seconds(30s), "30 s");
  EXPECT_EQ(format_seconds(300ms), "0.3 s");
  EXPECT_EQ(format_seconds(1250ms), "1.25 s");
  EXPECT_EQ(format_seconds(1005ms), "1.005 s");
  EXPECT_EQ(format_seconds(0ms), "0 s");
}

}  // namespace
}  // namespace newsvault::fetch
