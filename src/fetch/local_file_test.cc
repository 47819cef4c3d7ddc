#include "fetch/local_file.h"

#include <gtest/gtest.h>

namespace newsvault::fetch {
namespace {

Request local(std::string url) {
  Request request;
  request.url = std::move(url);
  return request;
}

TEST(LocalFileTest, PathsAndFileUrlsAreLocal) {
  EXPECT_TRUE(is_local("/x/feed.xml"));
  EXPECT_TRUE(is_local("feeds/a.xml"));
  EXPECT_TRUE(is_local("./a.xml"));
  EXPECT_TRUE(is_local("file:///x/feed.xml"));
  EXPECT_TRUE(is_local("FILE:///x/feed.xml"));
  EXPECT_TRUE(is_local("feeds/odd://name.xml"));  // '/' cannot be in a scheme
}

TEST(LocalFileTest, UrlsWithOtherSchemesAreNot) {
  EXPECT_FALSE(is_local("http://example.com/feed"));
  EXPECT_FALSE(is_local("HTTPS://example.com/feed"));
  EXPECT_FALSE(is_local("ftp://example.com/feed"));
}

TEST(LocalFileTest, DirectoryIsNotAFile) {
  const Response response = read_local(local("/"), 1000);
  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error, "read /: Is a directory");
}

TEST(LocalFileTest, FileUrlWithARemoteHostFails) {
  const Response response = read_local(local("file://elsewhere/x.xml"), 1000);
  EXPECT_EQ(response.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(response.error, "read file://elsewhere/x.xml: not a local file URL");
}

}  // namespace
}  // namespace newsvault::fetch
