// An article's address is its identity in one spelling (normalize_url), and
// an article an older archive stored under another spelling stays itself.
#include <gtest/gtest.h>

#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;

// One entry without an id: its link is its identity.
std::string rss(const std::string& link, const std::string& body) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>World</title><item><title>Story</title>"
         "<link>" + link + "</link><pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>" + body +
         "</description></item></channel></rss>";
}

class ArticleAddressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "archive";
    feed_ = dir_.path() / "world.rss";
    ASSERT_TRUE(Archive::init(root_).has_value());
    testing::write_file(root_ / kConfigFileName,
                        "[publish.git]\nenabled = false\n[feeds.world]\nfull_text = \"never\"\n");
    open();
    ASSERT_TRUE(archive_->store().add_feed("world", "file://" + feed_.string(), "").has_value());
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  void open() {
    archive_.reset();
    auto archive = Archive::open(root_);
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
  }

  std::vector<store::ArticleSummary> fetch_at(const char* now) {
    auto summary = run_fetch(*archive_, *client_, *parse_date(now), nullptr);
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    auto articles = archive_->store().articles(std::nullopt);
    EXPECT_TRUE(articles.has_value());
    return articles ? *articles : std::vector<store::ArticleSummary>{};
  }

  testing::TempDir dir_;
  fs::path root_, feed_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

TEST_F(ArticleAddressTest, AnEntrysLinkIsNormalisedBeforeItIsTheArticlesKeyAndAddress) {
  testing::write_file(feed_, rss("HTTPS://News.Example.ORG:443/world/../story%7e1?utm_source=feed", "First"));
  const auto articles = fetch_at("2023-06-19T01:47:05Z");
  ASSERT_EQ(articles.size(), 1u);
  EXPECT_EQ(articles[0].key, "https://news.example.org/story~1");
  EXPECT_EQ(articles[0].url, "https://news.example.org/story~1");
}

TEST_F(ArticleAddressTest, AnArticleStoredUnderTheLinkAsGivenStaysTheSameArticle) {
  if (run_command("command -v sqlite3").exit_status != 0) GTEST_SKIP() << "the sqlite3 command is not installed";
  const std::string link = "https://News.Example.org/world/../story";
  testing::write_file(feed_, rss(link, "First"));
  ASSERT_EQ(fetch_at("2023-06-19T01:47:05Z").size(), 1u);
  // What an archive made before links were normalised holds: the key as
  // the feed spelt it.
  archive_.reset();
  const auto rekeyed = run_command("sqlite3 " + shell_quote((root_ / ".newsvault/store.db").string()) +
                                   " \"UPDATE articles SET key = '" + link + "'; UPDATE feed_articles SET key = '" +
                                   link + "';\"");
  ASSERT_EQ(rekeyed.exit_status, 0) << rekeyed.err;
  open();

  testing::write_file(feed_, rss(link, "First, corrected"));
  const auto articles = fetch_at("2023-06-19T02:47:05Z");
  ASSERT_EQ(articles.size(), 1u) << "the same article, not a second one";
  EXPECT_EQ(articles[0].key, link);
  auto revisions = archive_->store().revisions(articles[0].id);
  ASSERT_TRUE(revisions.has_value());
  EXPECT_EQ(revisions->size(), 2u) << "the correction is its second revision";
}

}  // namespace
}  // namespace newsvault::pipeline
