#include <gtest/gtest.h>

#include "core/core.h"

namespace newsvault {
namespace {

TEST(RedactUrlTest, HidesUserinfo) {
  EXPECT_EQ(redact_url("https://ghp_TOKEN@github.com/a/b.git"), "https://***@github.com/a/b.git");
  EXPECT_EQ(redact_url("https://user%3Atoken@host/x"), "https://***@host/x");
  EXPECT_EQ(redact_url("socks5h://u:p@proxy:1080"), "socks5h://***@proxy:1080");
  // An '@' in the path is not userinfo.
  EXPECT_EQ(redact_url("https://host/@someone"), "https://host/@someone");
}

TEST(RedactUrlTest, HidesCredentialQueryValuesOfAnyCase) {
  EXPECT_EQ(redact_url("https://host/a?Access_Token=s3cret&page=2&KEY=k#top"),
            "https://host/a?Access_Token=***&page=2&KEY=***#top");
  EXPECT_EQ(redact_url("https://host/a?private_token=x&auth=y&password=z&token=t"),
            "https://host/a?private_token=***&auth=***&password=***&token=***");
  EXPECT_EQ(redact_url("https://host/a?monkey=1&tokens=2"), "https://host/a?monkey=1&tokens=2");
}

TEST(RedactUrlTest, LeavesUrlsWithoutSecretsAndOtherTextAlone) {
  for (const char* text : {"https://host/a.git", "git@github.com:a/b.git", "/srv/mirror.git", "not a url", ""}) {
    EXPECT_EQ(redact_url(text), text);
    EXPECT_FALSE(url_holds_credentials(text)) << text;
  }
  EXPECT_TRUE(url_holds_credentials("https://t@host/"));
}

TEST(RedactUrlTest, RedactsEveryUrlInAMessage) {
  EXPECT_EQ(redact_urls("push to origin (https://T@h/x): unexpected http status code: 401 for "
                        "'https://h/x/info/refs?service=git-receive-pack&token=T'"),
            "push to origin (https://***@h/x): unexpected http status code: 401 for "
            "'https://h/x/info/refs?service=git-receive-pack&token=***'");
  EXPECT_EQ(redact_urls("no address here"), "no address here");
}

}  // namespace
}  // namespace newsvault
