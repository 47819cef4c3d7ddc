// One `fetch` as a cron cycle runs it: documents, indexes, feeds out and the
// site's pages published, one commit, and only what changed rewritten.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_command;
using testing::run_newsvault;
using testing::shell_quote;

// An item published `day` days after 2023-01-01 (so a feed spreads over months).
std::string item(int number, int day, const std::string& link) {
  const int month = 1 + day / 28;
  const int day_of_month = 1 + day % 28;
  char date[64];
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::snprintf(date, sizeof date, "%02d %s 2023 08:00:00 GMT", day_of_month, kMonths[(month - 1) % 12]);
  const std::string id = std::to_string(number);
  return "<item><title>Story " + id + "</title><link>" + link + "</link><guid>story-" + id +
         "</guid><pubDate>" + date + "</pubDate><description>&lt;p&gt;Text of story " + id +
         ", long enough to read.&lt;/p&gt;</description></item>";
}

std::string feed(const std::string& items) {
  return "<rss version=\"2.0\"><channel><title>Gazette</title>" + items + "</channel></rss>";
}

// Each file people see or a host serves (not .git/ or .newsvault/), with
// its bytes and its modification time: a file rewritten with the same
// bytes still counts as written.
std::map<std::string, std::pair<std::string, fs::file_time_type>> snapshot(const fs::path& archive) {
  std::map<std::string, std::pair<std::string, fs::file_time_type>> files;
  for (auto it = fs::recursive_directory_iterator(archive); it != fs::recursive_directory_iterator(); ++it) {
    const std::string path = fs::relative(it->path(), archive).generic_string();
    if (path == ".git" || path == ".newsvault") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files[path] = {testing::read_file(it->path()), it->last_write_time()};
  }
  return files;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

class PublishCycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v git").exit_status != 0) GTEST_SKIP() << "the git command is not installed";
    archive_ = dir_.path() / "archive";
    ASSERT_EQ(run_newsvault("init " + shell_quote(archive_.string())).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml", "[fetch]\nmax_attempts = 1  # no retries\n");
  }

  void serve(const std::string& items) {
    server_.set("/feed.xml", {200, {{"Content-Type", "application/rss+xml"}}, feed(items), {}});
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }

  std::string git(const std::string& arguments) {
    return run_command("git -C " + shell_quote(archive_.string()) + " " + arguments).out;
  }

  std::string link(int number) { return server_.url("/story-" + std::to_string(number) + ".html"); }

  HttpTestServer server_;
  testing::TempDir dir_;
  fs::path archive_;
};

TEST_F(PublishCycleTest, AFetchOfNewArticlesUpdatesTheSiteAndFeedsOutInOneCommit) {
  serve(item(2, 40, link(2)) + item(1, 10, link(1)));
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name gazette --full-text never").exit_status, 0);
  const auto first = newsvault("fetch --now 2023-06-19T09:00:00Z");
  ASSERT_EQ(first.exit_status, 0) << first.err;
  EXPECT_EQ(git("rev-list --count HEAD"), "1\n");
  EXPECT_NE(testing::read_file(archive_ / "site/index.html").find("Story 2"), std::string::npos);
  EXPECT_TRUE(fs::exists(archive_ / "site/feeds/gazette/2023/02/13-story-2.html"));

  serve(item(3, 70, link(3)) + item(2, 40, link(2)) + item(1, 10, link(1)));
  const auto second = newsvault("fetch --now 2023-06-20T09:00:00Z");
  ASSERT_EQ(second.exit_status, 0) << second.err;
  // One command made one commit, and published the site and the feeds out with it.
  EXPECT_EQ(git("rev-list --count HEAD"), "2\n");
  EXPECT_EQ(git("log -1 --format=%s"), "1 new in gazette\n");
  EXPECT_NE(testing::read_file(archive_ / "site/index.html").find("Story 3"), std::string::npos);
  EXPECT_NE(testing::read_file(archive_ / "site/feeds/gazette/index.html").find("Story 3"), std::string::npos);
  EXPECT_TRUE(fs::exists(archive_ / "site/feeds/gazette/2023/03/15-story-3.html"));
  EXPECT_NE(testing::read_file(archive_ / "gazette/feed.json").find("Story 3"), std::string::npos);
  EXPECT_NE(testing::read_file(archive_ / "atom.xml").find("Story 3"), std::string::npos);
  // The documents and indexes are the history; the feeds out and the site are served, not committed.
  const std::string tracked = git("ls-files");
  EXPECT_NE(tracked.find("gazette/2023/03/15-story-3.md"), std::string::npos) << tracked;
  EXPECT_NE(tracked.find("gazette/2023/03/README.md"), std::string::npos) << tracked;
  EXPECT_EQ(tracked.find("feed.json"), std::string::npos) << tracked;
  EXPECT_EQ(tracked.find("site/"), std::string::npos) << tracked;
  EXPECT_EQ(newsvault("check").exit_status, 0);
}

TEST_F(PublishCycleTest, ASteadyStateRunWithOneNewArticleRewritesAndCommitsOnlyAFewFiles) {
  std::string items;
  for (int number = 60; number >= 1; --number) items += item(number, number * 5, link(number));
  serve(items);
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name gazette --full-text never").exit_status, 0);
  ASSERT_EQ(newsvault("fetch --now 2023-12-01T09:00:00Z").exit_status, 0);
  const auto before = snapshot(archive_);
  ASSERT_GT(before.size(), 150u) << "60 documents, their site pages, indexes";

  serve(item(61, 330, link(61)) + items);
  const auto fetched = newsvault("fetch --now 2023-12-02T09:00:00Z");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  std::vector<std::string> written;
  int search_articles_written = 0;
  for (const auto& [path, file] : snapshot(archive_)) {
    const auto old = before.find(path);
    if (old != before.end() && old->second == file) continue;
    // The site's search index: the new article's file, and the buckets its
    // words fall in (site_search_test.cc); no other article's file.
    if (path.starts_with("site/search/")) {
      search_articles_written += path.starts_with("site/search/a/");
      continue;
    }
    written.push_back(path);
  }
  // The new document, its month's, its feed's and the root index; the
  // feed's and the archive's feeds out and changes.xml; the new article's
  // page, its feed's and day's pages, the days page, home and changes.
  EXPECT_LE(written.size(), 17u) << ::testing::PrintToString(written);
  EXPECT_EQ(search_articles_written, 1);
  for (const std::string& path : written) {
    EXPECT_FALSE(path.starts_with("site/feeds/gazette/2023/0")) << path << ": an old article's page rewritten";
    EXPECT_FALSE(path.starts_with("gazette/2023/0")) << path << ": an old month rewritten";
  }
  EXPECT_EQ(lines(git("diff --name-only HEAD~1 HEAD")),
            (std::vector<std::string>{"README.md", "gazette/2023/12/23-story-61.md", "gazette/2023/12/README.md",
                                      "gazette/README.md"}));
  EXPECT_EQ(newsvault("check").exit_status, 0);
}

std::string story_page(int number) {
  const std::string id = std::to_string(number);
  return "<html><head><title>Story " + id + " | Gazette</title></head><body><nav>Home World</nav><article><h1>Story " +
         id + "</h1><p>The whole text of story " + id +
         " as its page gives it, three sentences long. The harbour reopened to shipping on Monday morning, "
         "three days after the storm.</p><p>Port officials said divers had inspected the channel overnight "
         "and found it clear of debris.</p></article><footer>Footer</footer></body></html>";
}

TEST_F(PublishCycleTest, AFailedArticlePageDoesNotStopTheRestBeingPublished) {
  serve(item(2, 40, link(2)) + item(1, 10, link(1)));
  server_.set("/story-1.html", {200, {{"Content-Type", "text/html"}}, story_page(1), {}});
  server_.set("/story-2.html", {500, {}, "down", {}});
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name gazette --full-text always").exit_status, 0);
  const auto fetched = newsvault("fetch --now 2023-06-19T09:00:00Z");
  // README: exit status 3, each failure printed; everything else archived and published.
  EXPECT_EQ(fetched.exit_status, 3) << fetched.out << fetched.err;
  EXPECT_NE(fetched.err.find("/story-2.html"), std::string::npos) << fetched.err;
  EXPECT_EQ(git("rev-list --count HEAD"), "1\n");
  EXPECT_NE(testing::read_file(archive_ / "gazette/2023/01/11-story-1.md").find("The whole text of story 1"),
            std::string::npos);
  EXPECT_NE(testing::read_file(archive_ / "site/feeds/gazette/2023/01/11-story-1.html").find("The whole text of story 1"),
            std::string::npos);
  EXPECT_NE(testing::read_file(archive_ / "gazette/feed.json").find("The whole text of story 1"), std::string::npos);
  // The entry stands in for the page that failed, until it can be read.
  EXPECT_TRUE(fs::exists(archive_ / "site/feeds/gazette/2023/02/13-story-2.html"));
}

TEST_F(PublishCycleTest, TheFirstRunAfterUpgradeRewritesTheOldIndexAndTakesFeedsOutOutOfHistory) {
  serve(item(2, 40, link(2)) + item(1, 10, link(1)));
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name gazette --full-text never").exit_status, 0);
  ASSERT_EQ(newsvault("fetch --now 2023-06-19T09:00:00Z").exit_status, 0);
  // An archive as the version before months left it: one index per feed
  // listing every article, and the feeds out committed.
  testing::write_file(archive_ / ".gitignore", "/.newsvault/\n/newsvault.toml\n");
  fs::remove_all(archive_ / "gazette/2023/01/README.md");
  fs::remove_all(archive_ / "gazette/2023/02/README.md");
  testing::write_file(archive_ / "gazette/README.md",
                      "# gazette\n\n- 2023-02-13 [Story 2](2023/02/13-story-2.md)\n"
                      "- 2023-01-11 [Story 1](2023/01/11-story-1.md)\n");
  ASSERT_EQ(run_command("cd " + shell_quote(archive_.string()) +
                        " && git add -A -f gazette feed.json .gitignore && git -c user.name=t -c user.email=t@t "
                        "commit -q -m old")
                .exit_status,
            0);
  const auto checked = newsvault("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("before indexes were split by month"), std::string::npos) << checked.out;

  const auto fetched = newsvault("fetch --now 2023-06-20T09:00:00Z");  // nothing new
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  EXPECT_EQ(testing::read_file(archive_ / "gazette/README.md").find("Story"), std::string::npos);
  EXPECT_TRUE(fs::exists(archive_ / "gazette/2023/02/README.md"));
  EXPECT_EQ(git("ls-files feed.json"), "");
  EXPECT_TRUE(fs::exists(archive_ / "feed.json")) << "still served";
  EXPECT_EQ(git("status --porcelain"), "");
  const auto sound = newsvault("check");
  EXPECT_EQ(sound.exit_status, 0) << sound.out;
  EXPECT_NE(sound.out.find("0 warnings"), std::string::npos) << sound.out;
}

}  // namespace
}  // namespace newsvault::cli
