// Feeds out in a real feed reader: Debian's newsboat fetches them from
// 127.0.0.1 and must list every article of each format.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <set>

#include "publish/publish.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;

// Two feeds of two articles each, with a body, as a fetch leaves them.
std::vector<std::string> write_archive_feeds(const fs::path& root) {
  std::vector<store::FeedRecord> feeds(2);
  std::vector<store::ArticleSummary> summaries;
  std::map<std::int64_t, extract::Article> articles;
  for (int f = 0; f < 2; ++f) {
    feeds[f].id = f + 1;
    feeds[f].name = f == 0 ? "world" : "dw-chinese";
    feeds[f].url = "https://news.example.org/" + feeds[f].name + ".xml";
    for (int a = 0; a < 2; ++a) {
      store::ArticleSummary summary;
      summary.id = static_cast<std::int64_t>(summaries.size()) + 1;
      summary.feed_id = feeds[f].id;
      summary.feed_name = feeds[f].name;
      summary.key = "story-" + std::to_string(summary.id);
      summary.first_seen = *parse_date("2023-06-19T02:00:00Z") + std::chrono::hours(summary.id);
      summary.last_changed = summary.first_seen;
      summary.document_path = feeds[f].name + "/2023/06/19-" + summary.key + ".md";
      extract::Article article;
      article.title = (f == 0 ? "Story " : "新聞 ") + std::to_string(summary.id);
      article.url = "https://news.example.org/" + summary.key;
      article.body_html = "<p>Body of " + summary.key + "</p>";
      articles[summary.id] = article;
      summaries.push_back(summary);
    }
  }
  auto written = write_feeds_out(
      root, feeds, summaries,
      [&](const store::ArticleSummary& summary) -> Result<extract::Article> {
        return articles.at(summary.id);
      },
      PublishOptions{}, FeedsOutOptions{});
  EXPECT_TRUE(written.has_value());
  return written.value_or(std::vector<std::string>{});
}

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};

// Titles newsboat keeps in its cache, by the feed URL they came from.
std::map<std::string, std::set<std::string>> cached_titles(const fs::path& cache) {
  std::map<std::string, std::set<std::string>> titles;
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(cache.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, SqliteClose> db(raw);
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT feedurl, title FROM rss_item", -1, &statement, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sqlite3_errmsg(db.get());
    return titles;
  }
  while (sqlite3_step(statement) == SQLITE_ROW) {
    titles[reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))].insert(
        reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)));
  }
  sqlite3_finalize(statement);
  return titles;
}

// One newsboat run with a throwaway HOME, config and cache (nothing of the
// user's read or written) over one feed URL; the titles it cached.
std::set<std::string> newsboat_titles(const std::string& url) {
  testing::TempDir reader;
  const fs::path home = reader.path() / "home";
  fs::create_directories(home);
  testing::write_file(reader.path() / "urls", url + "\n");
  testing::write_file(reader.path() / "config", "");
  const std::string q = testing::shell_quote(reader.path().string());
  const auto run = testing::run_command(
      "env HOME=" + testing::shell_quote(home.string()) + " XDG_CONFIG_HOME=" + q +
      "/xdg XDG_DATA_HOME=" + q + "/xdg XDG_CACHE_HOME=" + q + "/xdg newsboat -x reload -q -u " + q +
      "/urls -c " + q + "/cache.db -C " + q + "/config");
  EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
  auto titles = cached_titles(reader.path() / "cache.db");
  return titles[url];
}

// newsboat (2.21, Debian 12) reads Atom and RSS; it has no JSON Feed
// reader, so feed.json is checked by FeedOutTest alone. Each file gets its
// own cache: newsboat keys articles by id across feeds, and the formats
// share their articles' ids, as they should.
TEST(FeedOutReaderTest, NewsboatListsTheArticlesOfAtomAndRssFeeds) {
  if (testing::run_command("command -v newsboat").exit_status != 0) {
    GTEST_SKIP() << "newsboat is not installed (scripts/install-deps.sh)";
  }
  testing::TempDir archive;
  const auto written = write_archive_feeds(archive.path());
  HttpTestServer server;
  std::size_t checked = 0;
  for (const std::string& path : written) {
    // changes.xml is a feed of events, not of articles: FeedOutTest reads it.
    if (path.ends_with("feed.json") || path == publish::kChangesFeedFileName) continue;
    const std::string type = path.ends_with("atom.xml") ? "application/atom+xml" : "application/rss+xml";
    server.set("/" + path, {.headers = {{"Content-Type", type}},
                            .body = testing::read_file(archive.path() / path)});
    const std::set<std::string> listed = newsboat_titles(server.url("/" + path));
    if (path.starts_with("world/")) {
      EXPECT_EQ(listed, (std::set<std::string>{"Story 1", "Story 2"})) << path;
    } else if (path.starts_with("dw-chinese/")) {
      EXPECT_EQ(listed, (std::set<std::string>{"新聞 3", "新聞 4"})) << path;
    } else {
      EXPECT_EQ(listed, (std::set<std::string>{"Story 1", "Story 2", "新聞 3", "新聞 4"})) << path;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6u);
  EXPECT_EQ(server.request_count("/atom.xml"), 1u);
}

}  // namespace
}  // namespace newsvault::publish
