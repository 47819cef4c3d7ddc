#include <gtest/gtest.h>

#include <string>

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


TEST(NormalizeUrlTest, RemovesDotSegmentsAsRfc3986Section524Does) {
  EXPECT_EQ(normalize_url("http://x/a/../b"), "http://x/b");
  EXPECT_EQ(normalize_url("http://x/a/./b/../../c/"), "http://x/c/");
  EXPECT_EQ(normalize_url("http://x/../../a"), "http://x/a");
  EXPECT_EQ(normalize_url("http://x/a/b/.."), "http://x/a/");
  EXPECT_EQ(normalize_url("http://x/a/b/."), "http://x/a/b/");
  EXPECT_EQ(normalize_url("http://x/a/..b/c"), "http://x/a/..b/c") << "'..b' is a name, not a dot segment";
}

TEST(NormalizeUrlTest, LowerCasesSchemeAndHostAndDropsDefaultPorts) {
  EXPECT_EQ(normalize_url("HTTPS://News.Example.ORG:443/World/Story"), "https://news.example.org/World/Story");
  EXPECT_EQ(normalize_url("http://example.org:80"), "http://example.org/");
  EXPECT_EQ(normalize_url("http://example.org:8080/a"), "http://example.org:8080/a");
  EXPECT_EQ(normalize_url("https://example.org:80/a"), "https://example.org:80/a");
  EXPECT_EQ(normalize_url("http://[2001:DB8::1]:80/a"), "http://[2001:db8::1]/a");
}

TEST(NormalizeUrlTest, NormalisesPercentEncodingCaseAndDecodesUnreservedCharacters) {
  EXPECT_EQ(normalize_url("http://x/a%2fb%7Ec?q=%3a%41#%5b"), "http://x/a%2Fb~c?q=%3AA#%5B");
  EXPECT_EQ(normalize_url("http://x/100%"), "http://x/100%") << "a stray percent sign stays";
}

TEST(NormalizeUrlTest, LowerCasesAHostLetterThatWasPercentEncoded) {
  EXPECT_EQ(normalize_url("http://%41%62.Example/%7e"), "http://ab.example/~");
}

TEST(NormalizeUrlTest, NormalisingTwiceChangesNothingMore) {
  for (const char* url : {"HTTP://%41.x:80/a/%2E%2E/b/./%7e?Q=%3a#F%2f", "http://x", "http://x:/a/..//b",
                          "https://[::1]:443/%2e%2E/", "http://u%3a@X/100%", "http://x/a/.%2E/.%2e%2e/c",
                          // Regression: "%a%41" became "%aA", which a second pass upper-cased.
                          "http://x/%a%41/%%34"}) {
    const std::string once = normalize_url(url);
    EXPECT_EQ(normalize_url(once), once) << url;
  }
}

TEST(NormalizeUrlTest, KeepsQueryAndFragmentAndLeavesOtherTextAlone) {
  EXPECT_EQ(normalize_url("https://x/a/../b?page=../2#../c"), "https://x/b?page=../2#../c");
  EXPECT_EQ(normalize_url("urn:uuid:1234"), "urn:uuid:1234");
  EXPECT_EQ(normalize_url("http://A:b:80/x/../y"), "http://A:b:80/x/../y") << "no host and port";
  EXPECT_EQ(normalize_url("http://X:8o/x/../y"), "http://X:8o/x/../y") << "no port";
  EXPECT_EQ(normalize_url("/relative/../path"), "/relative/../path");
  EXPECT_EQ(normalize_url("tag:example.org,2023:/a/../b"), "tag:example.org,2023:/a/../b");
}

TEST(UrlOriginTest, IsSchemeHostAndPortWithoutUserInfoPathOrQuery) {
  EXPECT_EQ(url_origin("https://Img.Example.ORG/a/b.jpg?w=1#x"), "https://img.example.org");
  EXPECT_EQ(url_origin("http://user:pw@host:8080/x"), "http://host:8080");
  EXPECT_EQ(url_origin("https://host:443/x"), "https://host");
  EXPECT_EQ(url_origin("http://[::1]:9/x"), "http://[::1]:9");
  // One origin however the address is spelled; another port is another origin.
  EXPECT_EQ(url_origin("HTTPS://HOST/a"), url_origin("https://host:443/b"));
  EXPECT_NE(url_origin("http://host/a"), url_origin("http://host:81/a"));
  EXPECT_EQ(url_origin("data:image/png;base64,AAAA"), "");
  EXPECT_EQ(url_origin("/img/1.jpg"), "");
  EXPECT_EQ(url_origin("https:///nohost"), "");
}

}  // namespace
}  // namespace newsvault
