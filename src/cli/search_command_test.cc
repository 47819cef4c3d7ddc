// newsvault search from the command line, on archives fetched from an HTTP
// server on 127.0.0.1 whose articles differ between runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::run_newsvault;
using testing::shell_quote;

class SearchCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A word no other run has: what is found was archived by this run.
    word_ = "word" + std::to_string(std::random_device()());
    server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml; charset=utf-8"}},
                              .body = feed_body()});
    archive_ = dir_.path() / "archive";
    ASSERT_EQ(run_newsvault("init -q " + shell_quote(archive_.string())).exit_status, 0);
    ASSERT_EQ(newsvault("add -q " + server_.url("/feed.xml") + " --name news --full-text never").exit_status, 0);
  }

  std::string feed_body() const {
    return R"(<rss version="2.0"><channel><title>News</title>
<item><title>臺灣選舉</title><link>https://news.example/1</link><guid>one</guid>
<pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;今天臺灣的選舉 )" +
           word_ + R"(.&lt;/p&gt;</description></item>
<item><title>Weather</title><link>https://news.example/2</link><guid>two</guid>
<pubDate>Tue, 20 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;Rain in 台灣 and )" +
           word_ + R"(s.&lt;/p&gt;</description></item>
</channel></rss>)";
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }

  nlohmann::json search_json(const std::string& arguments) {
    auto result = newsvault("search --json " + arguments);
    EXPECT_EQ(result.exit_status, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
  }

  testing::TempDir dir_;
  testing::HttpTestServer server_;
  fs::path archive_;
  std::string word_;
};

TEST_F(SearchCommandTest, ArticleIsFoundRightAfterFetchArchivedIt) {
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-21T00:00:00Z").exit_status, 0);
  auto found = search_json(word_);
  ASSERT_EQ(found["results"].size(), 1u) << found.dump();
  EXPECT_EQ(found["results"][0]["url"], "https://news.example/1");
  auto both = search_json("台湾");
  EXPECT_EQ(both["results"].size(), 2u) << both.dump();
}

TEST_F(SearchCommandTest, JsonResultsHaveIdUrlTitleFeedPublishedAndSnippet) {
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-21T00:00:00Z").exit_status, 0);
  auto found = search_json("选举");
  ASSERT_EQ(found["results"].size(), 1u) << found.dump();
  const auto& hit = found["results"][0];
  EXPECT_TRUE(hit["id"].is_number_integer());
  EXPECT_EQ(hit["url"], "https://news.example/1");
  EXPECT_EQ(hit["title"], "臺灣選舉");
  EXPECT_EQ(hit["feed"], "news");
  EXPECT_EQ(hit["published"], "2023-06-19T01:00:00.000Z");
  EXPECT_NE(hit["snippet"].get<std::string>().find("[選舉]"), std::string::npos) << hit["snippet"];
}

TEST_F(SearchCommandTest, FeedSinceAndLimitOptionsNarrowResults) {
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-21T00:00:00Z").exit_status, 0);
  EXPECT_EQ(search_json("--limit 1 台湾")["results"].size(), 1u);
  auto since = search_json("--since 2023-06-20 台湾");
  ASSERT_EQ(since["results"].size(), 1u);
  EXPECT_EQ(since["results"][0]["url"], "https://news.example/2");
  EXPECT_EQ(search_json("--feed news 台湾")["results"].size(), 2u);
  auto unknown = newsvault("search --feed nothing 台湾");
  EXPECT_NE(unknown.exit_status, 0);
  EXPECT_NE(unknown.err.find("no feed named nothing"), std::string::npos) << unknown.err;
}

TEST_F(SearchCommandTest, ReadOnlyArchiveSearches) {
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-21T00:00:00Z").exit_status, 0);
  ASSERT_EQ(run_command("chmod -R a-w " + shell_quote(archive_.string())).exit_status, 0);
  auto found = newsvault("search 台湾");
  run_command("chmod -R u+w " + shell_quote(archive_.string()));
  EXPECT_EQ(found.exit_status, 0) << found.err;
  EXPECT_NE(found.out.find("臺灣選舉"), std::string::npos) << found.out;
}

TEST_F(SearchCommandTest, RebuildIndexesArchiveMadeBeforeTheIndex) {
  if (run_command("command -v sqlite3").exit_status != 0) GTEST_SKIP() << "needs the sqlite3 shell";
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-21T00:00:00Z").exit_status, 0);
  // The store as a newsvault without search left it: schema version 5, no
  // search tables (the FTS5 table's own row goes by hand: the shell has no
  // newsvault tokenizer to drop it with).
  const std::string store = shell_quote((archive_ / ".newsvault/store.db").string());
  ASSERT_EQ(run_command("sqlite3 " + store +
                        " \"PRAGMA writable_schema=ON; DELETE FROM sqlite_master WHERE name='search_index';\"")
                .exit_status,
            0);
  ASSERT_EQ(run_command("sqlite3 " + store +
                        " 'DROP TABLE search_index_data; DROP TABLE search_index_idx; "
                        "DROP TABLE search_index_docsize; DROP TABLE search_index_config; "
                        "DROP TABLE search_text; DROP TABLE poll_schedule; DROP TABLE user_articles; "
                        "DROP TABLE user_tokens; DROP TABLE users; "
                        "ALTER TABLE articles DROP COLUMN entry_fingerprint; "
                        "ALTER TABLE revisions DROP COLUMN warc_record; "
                        "ALTER TABLE revisions DROP COLUMN language; "
                        "DROP TABLE article_images; DROP TABLE images; DROP TABLE feed_bodies; "
                        "ALTER TABLE feeds DROP COLUMN state; ALTER TABLE feeds DROP COLUMN lease_owner; "
                        "ALTER TABLE feeds DROP COLUMN lease_expires; "
                        "PRAGMA user_version=5;'")
                .exit_status,
            0);
  // Upgraded by the next run that writes (migration 6), not yet indexed.
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-22T00:00:00Z").exit_status, 0);
  auto not_built = newsvault("search 台湾");
  EXPECT_NE(not_built.exit_status, 0);
  EXPECT_NE(not_built.err.find("newsvault search --rebuild"), std::string::npos) << not_built.err;
  auto rebuilt = newsvault("search --rebuild");
  ASSERT_EQ(rebuilt.exit_status, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("2 articles"), std::string::npos) << rebuilt.out;
  EXPECT_EQ(search_json("台湾")["results"].size(), 2u);
}

}  // namespace
}  // namespace newsvault::cli
