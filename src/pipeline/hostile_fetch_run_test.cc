// SSRF through the whole run: a feed on the internet that redirects into
// the private network fails, naming where it led; the user's own feed on
// that network is archived in the same run.
#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/pipeline.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using testing::HttpTestServer;

TEST(HostileFetchRunTest, RedirectFromAPublicFeedIntoThePrivateNetworkFailsThatFeedOnly) {
  HttpTestServer internal;  // 127.0.0.1 plays the private network
  internal.set("/own.xml",
               {.headers = {{"Content-Type", "application/rss+xml"}},
                .body = "<rss version=\"2.0\"><channel><title>Own</title><item><title>Own story</title>"
                        "<guid>own-1</guid><description>Kept.</description></item></channel></rss>"});
  internal.set("/admin", {.body = "<rss version=\"2.0\"><channel><title>secret</title></channel></rss>"});
  HttpTestServer outside("127.0.0.2");  // plays the internet
  outside.set("/feed.xml", {.status = 302, .headers = {{"Location", internal.url("/admin")}}});

  testing::TempDir dir;
  ASSERT_TRUE(Archive::init(dir.path()).has_value());
  testing::write_file(dir.path() / kConfigFileName, "[publish.git]\nenabled = false\n");
  auto archive = Archive::open(dir.path());
  ASSERT_TRUE(archive.has_value()) << archive.error().message();
  ASSERT_TRUE((*archive)->store().add_feed("own", internal.url("/own.xml"), "").has_value());
  ASSERT_TRUE((*archive)->store().add_feed("hostile", outside.url("/feed.xml"), "").has_value());
  fetch::ClientOptions options = (*archive)->config().fetch;
  options.address_is_private = [](std::string_view address) { return address == "127.0.0.1"; };
  auto client = fetch::make_http_client(options);

  auto summary = run_fetch(**archive, *client, *parse_date("2023-06-19T01:47:05Z"), nullptr);

  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  EXPECT_EQ(summary->feeds_failed, 1u);
  EXPECT_EQ(summary->counts.articles_new, 1u);
  ASSERT_EQ(summary->errors.size(), 1u);
  EXPECT_EQ(summary->errors[0], "hostile: GET " + outside.url("/feed.xml") + ": redirected to " +
                                    internal.url("/admin") +
                                    " at private address 127.0.0.1, refused "
                                    "(allow_private_addresses is off)");
  EXPECT_EQ(internal.request_count("/admin"), 0u);
}

}  // namespace
}  // namespace newsvault::pipeline
