// `newsvault publish` as a user runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;

// An archive with one fetched feed of two articles.
fs::path fetched_archive(const testing::TempDir& dir) {
  const fs::path feed = dir.path() / "feed.xml";
  testing::write_file(feed, R"(<rss version="2.0"><channel><title>Plain</title>
<item><title>First &amp; foremost</title><link>https://example.org/1</link><guid>one</guid>
<pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;Text one.&lt;/p&gt;</description></item>
<item><title>Second</title><link>https://example.org/2</link><guid>two</guid>
<pubDate>Tue, 20 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;Text two.&lt;/p&gt;</description></item>
</channel></rss>)");
  const fs::path archive = dir.path() / "archive";
  EXPECT_EQ(run_newsvault("init " + archive.string()).exit_status, 0);
  EXPECT_EQ(run_newsvault("--dir " + archive.string() + " add " + feed.string() + " --name plain").exit_status, 0);
  EXPECT_EQ(run_newsvault("--dir " + archive.string() + " fetch -q --now 2023-06-20T02:00:00Z").exit_status, 0);
  return archive;
}

TEST(PublishCommandTest, RendersTheSiteIntoTheArchive) {
  testing::TempDir dir;
  const fs::path archive = fetched_archive(dir);
  {
    std::ofstream config(archive / "newsvault.toml", std::ios::app);
    config << "[feeds.plain]\nconvert = [\"s2t\"]\n";
  }
  const auto result = run_newsvault("--dir " + archive.string() + " publish");
  ASSERT_EQ(result.exit_status, 0) << result.err;
  // 2 articles and their 2 copies, the home, changes, days and feed pages.
  EXPECT_NE(result.out.find("site: 10 pages in "), std::string::npos) << result.out;
  EXPECT_TRUE(fs::exists(archive / "site/feeds/plain/2023/06/19-one.html"));
  EXPECT_TRUE(fs::exists(archive / "site/feeds/plain/zh-Hant/2023/06/19-one.html"));
  const std::string home = testing::read_file(archive / "site/index.html");
  EXPECT_NE(home.find(">First &amp; foremost</a>"), std::string::npos) << home;
}

TEST(PublishCommandTest, TheSiteFolderIsASettingAndAFolderOfItsOwn) {
  testing::TempDir dir;
  const fs::path archive = fetched_archive(dir);
  {
    std::ofstream config(archive / "newsvault.toml", std::ios::app);
    config << "[publish.site]\ndir = \"plain\"\n";
  }
  const auto refused = run_newsvault("--dir " + archive.string() + " publish");
  EXPECT_EQ(refused.exit_status, 1);
  EXPECT_NE(refused.err.find("publish.site.dir \"plain\": is the folder of feed plain"), std::string::npos)
      << refused.err;

  testing::write_file(archive / "newsvault.toml", "[publish.site]\ndir = \"www\"\n");
  const auto result = run_newsvault("--dir " + archive.string() + " publish --json");
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("\"pages\": 8"), std::string::npos) << result.out;
  EXPECT_TRUE(fs::exists(archive / "www/index.html"));
}

}  // namespace
}  // namespace newsvault::cli
