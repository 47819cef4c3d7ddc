// SSRF through the whole run: a feed on the internet that redirects into
// the private network fails, naming where it led; the user's own feed on
// that network is archived in the same run.
#include <gtest/gtest.h>

#include <algorithm>

#include "extract/testdata_path.h"
#include "pipeline/pipeline.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using testing::HttpTestServer;

// An archive with the operator's own feed "own" and a feed "hostile" on the
// internet, and a client for which only 127.0.0.1 is private (127.0.0.2
// plays the internet).
class HostileFetchRunTest : public ::testing::Test {
 protected:
  void open_archive(const std::string& settings, const std::string& own_url,
                    const std::string& hostile_url) {
    ASSERT_TRUE(Archive::init(dir_.path()).has_value());
    testing::write_file(dir_.path() / kConfigFileName, "[publish.git]\nenabled = false\n" + settings);
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
    ASSERT_TRUE(archive_->store().add_feed("own", own_url, "").has_value());
    ASSERT_TRUE(archive_->store().add_feed("hostile", hostile_url, "").has_value());
    fetch::ClientOptions options = archive_->config().fetch;
    options.address_is_private = [](std::string_view address) { return address == "127.0.0.1"; };
    client_ = fetch::make_http_client(options);
  }

  Result<FetchSummary> fetch_at(const char* now) {
    return run_fetch(*archive_, *client_, *parse_date(now), nullptr);
  }

  testing::TempDir dir_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

TEST_F(HostileFetchRunTest, RedirectFromAPublicFeedIntoThePrivateNetworkFailsThatFeedOnly) {
  HttpTestServer internal;  // 127.0.0.1 plays the private network
  internal.set("/own.xml",
               {.headers = {{"Content-Type", "application/rss+xml"}},
                .body = "<rss version=\"2.0\"><channel><title>Own</title><item><title>Own story</title>"
                        "<guid>own-1</guid><description>Kept.</description></item></channel></rss>"});
  internal.set("/admin", {.body = "<rss version=\"2.0\"><channel><title>secret</title></channel></rss>"});
  HttpTestServer outside("127.0.0.2");  // plays the internet
  outside.set("/feed.xml", {.status = 302, .headers = {{"Location", internal.url("/admin")}}});

  open_archive("", internal.url("/own.xml"), outside.url("/feed.xml"));

  auto summary = fetch_at("2023-06-19T01:47:05Z");

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

std::string rss_with_link(const std::string& guid, const std::string& link) {
  return "<rss version=\"2.0\"><channel><title>T</title><item><title>Story " + guid +
         "</title><guid>" + guid + "</guid><link>" + link +
         "</link><description>The entry's own text.</description></item></channel></rss>";
}

// Regression: only redirects were checked, so a feed on the internet could
// link an entry to http://169.254.169.254/... or a loopback admin page, and
// its text was fetched and published.
TEST_F(HostileFetchRunTest, APublicFeedsEntryLinkingThePrivateNetworkIsNeverRequested) {
  HttpTestServer internal;  // 127.0.0.1 plays the private network
  internal.set("/secret", {.headers = {{"Content-Type", "text/html"}},
                           .body = "<html><body><article><p>secret</p></article></body></html>"});
  internal.set("/own.xml", {.headers = {{"Content-Type", "application/rss+xml"}},
                            .body = rss_with_link("own-1", internal.url("/own-page"))});
  internal.set("/own-page", {.headers = {{"Content-Type", "text/html"}},
                             .body = "<html><body><article><p>The operator's own page, "
                                     "read in full.</p></article></body></html>"});
  HttpTestServer outside("127.0.0.2");  // plays the internet
  outside.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml"}},
                            .body = rss_with_link("hostile-1", internal.url("/secret"))});

  open_archive("[fetch]\nfull_text = \"always\"\n", internal.url("/own.xml"), outside.url("/feed.xml"));
  const std::string refusal = "GET " + internal.url("/secret") +
                              ": address 127.0.0.1 is loopback, refused for a feed on a public "
                              "address (allow_private_addresses is off)";

  // The first run, and a later one that asks the pending page again: the
  // page belongs to its feed either way.
  for (const char* now : {"2023-06-19T01:47:05Z", "2023-06-21T01:47:05Z"}) {
    auto summary = fetch_at(now);

    ASSERT_TRUE(summary.has_value()) << summary.error().message();
    ASSERT_EQ(summary->errors.size(), 1u) << now;
    EXPECT_NE(summary->errors[0].find("hostile: " + refusal), std::string::npos) << summary->errors[0];
  }
  EXPECT_EQ(internal.request_count("/secret"), 0u);
  EXPECT_EQ(internal.request_count("/own-page"), 2u);  // the operator's own feed is trusted
  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value()) << articles.error().message();
  ASSERT_EQ(articles->size(), 2u);  // the hostile entry stands in for its page
}

// The operator's own adapter API ([adapters.dw] article_api written in
// newsvault.toml) on a private address serves a feed on the internet: the
// operator chose that host, the feed only the article's id.
TEST_F(HostileFetchRunTest, TheOperatorsOwnAdapterApiOnAPrivateAddressServesAPublicFeed) {
  HttpTestServer internal;  // 127.0.0.1: the operator's API
  internal.set("/api/65955570", {.headers = {{"Content-Type", "application/json"}},
                                 .body = testing::read_file(extract::testing::dw_article_65955570())});
  internal.set("/own.xml", {.headers = {{"Content-Type", "application/rss+xml"}},
                            .body = rss_with_link("own-1", internal.url("/own-page"))});
  HttpTestServer outside("127.0.0.2");  // plays the internet
  outside.set("/dw.rdf",
              {.headers = {{"Content-Type", "application/rdf+xml"}},
               .body = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
                       "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dwsyn=\"http://rss.dw.com/syndication/dwsyn/\">"
                       "<channel rdf:about=\"https://www.dw.com/zh\"><title>DW</title></channel>"
                       "<item rdf:about=\"https://www.dw.com/zh/a-65955570\"><title>Story</title>"
                       "<link>https://www.dw.com/zh/a-65955570</link>"
                       "<dwsyn:contentID>65955570</dwsyn:contentID></item></rdf:RDF>"});

  open_archive("[fetch]\nfull_text = \"never\"\n[adapters.dw]\narticle_api = \"" +
                   internal.url("/api/{id}") + "\"\n",
               internal.url("/own.xml"), outside.url("/none.xml"));
  ASSERT_TRUE(archive_->store().add_feed("dw", outside.url("/dw.rdf"), "dw").has_value());

  auto summary = fetch_at("2023-06-19T01:47:05Z");

  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  EXPECT_EQ(internal.request_count("/api/65955570"), 1u);
  auto dw = archive_->store().feed_by_name("dw");
  ASSERT_TRUE(dw.has_value() && dw->has_value());
  auto articles = archive_->store().articles((*dw)->id);
  ASSERT_TRUE(articles.has_value());
  ASSERT_EQ(articles->size(), 1u);
  EXPECT_EQ(articles->front().latest.origin, "api");
}

}  // namespace
}  // namespace newsvault::pipeline
