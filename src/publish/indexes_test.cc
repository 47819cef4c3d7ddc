#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "publish/publish.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;
using newsvault::testing::read_file;
using newsvault::testing::TempDir;

store::FeedRecord feed(std::int64_t id, std::string name, std::string url) {
  store::FeedRecord record;
  record.id = id;
  record.name = std::move(name);
  record.url = std::move(url);
  return record;
}

store::ArticleSummary article(std::int64_t feed_id, std::string feed_name, std::string key,
                              std::string title, std::string_view published) {
  store::ArticleSummary summary;
  summary.feed_id = feed_id;
  summary.feed_name = feed_name;
  summary.key = key;
  summary.title = std::move(title);
  summary.url = "https://example.org/" + key;
  summary.published = parse_date(published);
  summary.first_seen = *parse_date("2023-07-01T00:00:00Z");
  summary.last_changed = summary.first_seen;
  summary.revisions = 1;
  summary.document_path =
      document_path(feed_name, key, summary.published.value_or(summary.first_seen));
  return summary;
}

std::vector<store::FeedRecord> feeds() {
  return {feed(2, "world", "https://example.org/world.xml"),
          feed(1, "dw-chinese", "https://rss.dw.com/rdf/rss-chi-all")};
}

std::vector<store::ArticleSummary> articles() {
  return {article(1, "dw-chinese", "65953582", "布林肯抵達北京", "2023-06-18T10:00:00Z"),
          article(1, "dw-chinese", "65955570", "秦剛晤布林肯7.5小時 指中美關係處最低谷",
                  "2023-06-19T01:41:50.777Z"),
          article(2, "world", "a", "[Update] One", "2023-06-17T00:00:00Z")};
}

TEST(WriteIndexesTest, FeedIndexListsItsMonthsAndEachMonthItsArticlesNewestFirst) {
  TempDir root;
  auto list = articles();
  list.push_back(article(1, "dw-chinese", "6590", "五月", "2023-05-02T00:00:00Z"));
  auto written = write_indexes(root.path(), feeds(), list);
  ASSERT_TRUE(written.has_value()) << written.error().message();
  EXPECT_EQ(read_file(root.path() / "dw-chinese" / "README.md"),
            "# dw-chinese\n"
            "\n"
            "Source: [https://rss.dw.com/rdf/rss-chi-all](https://rss.dw.com/rdf/rss-chi-all)\n"
            "\n"
            "- [2023-06](2023/06/README.md): 2 articles\n"
            "- [2023-05](2023/05/README.md): 1 article\n");
  EXPECT_EQ(read_file(root.path() / "dw-chinese" / "2023" / "06" / "README.md"),
            "# dw-chinese, 2023-06\n"
            "\n"
            "[All months](../../README.md)\n"
            "\n"
            "- 2023-06-19 [秦剛晤布林肯7.5小時 指中美關係處最低谷](19-65955570.md)\n"
            "- 2023-06-18 [布林肯抵達北京](18-65953582.md)\n");
  EXPECT_EQ(read_file(root.path() / "world" / "2023" / "06" / "README.md"),
            "# world, 2023-06\n"
            "\n"
            "[All months](../../README.md)\n"
            "\n"
            "- 2023-06-17 [\\[Update\\] One](17-a.md)\n");
  EXPECT_FALSE(is_index_before_months(read_file(root.path() / "world" / "README.md")));
}

TEST(WriteIndexesTest, WithChangedArticlesOnlyTheirMonthsAndMissingMonthsAreWritten) {
  TempDir root;
  auto list = articles();
  list.push_back(article(1, "dw-chinese", "6590", "五月", "2023-05-02T00:00:00Z"));
  list.back().id = 7;
  ASSERT_TRUE(write_indexes(root.path(), feeds(), list).has_value());
  const fs::path june = root.path() / "dw-chinese" / "2023" / "06" / "README.md";
  const fs::path may = root.path() / "dw-chinese" / "2023" / "05" / "README.md";
  // Each month index says something the store no longer would: only the
  // one holding a changed article (id 7) is made again.
  testing::write_file(june, "stale\n");
  testing::write_file(may, "stale\n");
  fs::remove(root.path() / "world" / "2023" / "06" / "README.md");
  const std::set<std::int64_t> changed = {7};
  ASSERT_TRUE(write_indexes(root.path(), feeds(), list, &changed).has_value());
  EXPECT_NE(read_file(may), "stale\n");
  EXPECT_EQ(read_file(june), "stale\n");
  EXPECT_TRUE(fs::exists(root.path() / "world" / "2023" / "06" / "README.md")) << "a missing month is written";
}

TEST(WriteIndexesTest, RootIndexListsFeedsWithTheirCounts) {
  TempDir root;
  ASSERT_TRUE(write_indexes(root.path(), feeds(), articles()).has_value());
  EXPECT_EQ(read_file(root.path() / "README.md"),
            "# Archive\n"
            "\n"
            "- [dw-chinese](dw-chinese/README.md): 2 articles, latest 2023-06-19 "
            "[秦剛晤布林肯7.5小時 指中美關係處最低谷](dw-chinese/2023/06/19-65955570.md)\n"
            "- [world](world/README.md): 1 article, latest 2023-06-17 "
            "[\\[Update\\] One](world/2023/06/17-a.md)\n");
}

TEST(WriteIndexesTest, FeedWithoutArticlesStillGetsAnIndex) {
  TempDir root;
  ASSERT_TRUE(write_indexes(root.path(), {feed(3, "empty", "")}, {}).has_value());
  EXPECT_EQ(read_file(root.path() / "empty" / "README.md"), "# empty\n\nNo articles yet.\n");
  EXPECT_EQ(read_file(root.path() / "README.md"),
            "# Archive\n\n- [empty](empty/README.md): 0 articles\n");
}

TEST(WriteIndexesTest, ArticlesWithoutADocumentAreNotListed) {
  TempDir root;
  auto list = articles();
  list[1].document_path.clear();
  ASSERT_TRUE(write_indexes(root.path(), feeds(), list).has_value());
  const std::string index = read_file(root.path() / "dw-chinese" / "2023" / "06" / "README.md");
  EXPECT_EQ(index.find("65955570"), std::string::npos);
  EXPECT_NE(index.find("65953582"), std::string::npos);
}

TEST(WriteIndexesTest, UnchangedIndexesAreNotRewritten) {
  TempDir root;
  ASSERT_TRUE(write_indexes(root.path(), feeds(), articles()).has_value());
  const fs::path index = root.path() / "README.md";
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24);
  fs::last_write_time(index, old_time);
  ASSERT_TRUE(write_indexes(root.path(), feeds(), articles()).has_value());
  EXPECT_EQ(fs::last_write_time(index), old_time);
}

}  // namespace
}  // namespace newsvault::publish
