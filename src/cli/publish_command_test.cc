// `newsvault publish` and the publishing `fetch` does, as a user runs them:
// output, exit statuses, a remote that fails and then works.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::run_newsvault;
using testing::shell_quote;

constexpr const char* kFeed =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title>"
    "<item><title>One</title><link>https://news.example.org/1</link><guid>one</guid>"
    "<pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>Body one</description></item>"
    "</channel></rss>";

class PublishCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v git").exit_status != 0) GTEST_SKIP() << "the git command is not installed";
    archive_ = dir_.path() / "archive";
    remote_ = dir_.path() / "mirror.git";
    testing::write_file(dir_.path() / "feed.rss", kFeed);
    ASSERT_EQ(run_newsvault("init " + shell_quote(archive_.string())).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml",
                        "[[publish.git.remote]]\nname = \"mirror\"\nurl = \"" + remote_.string() + "\"\n");
    // Its entries link hosts that do not exist: archived from the feed alone.
    ASSERT_EQ(run_newsvault(dir_option() + " add file://" + (dir_.path() / "feed.rss").string() +
                            " --name world --full-text never")
                  .exit_status,
              0);
  }
  std::string dir_option() const { return "--dir " + shell_quote(archive_.string()); }

  testing::TempDir dir_;
  fs::path archive_, remote_;
};

TEST_F(PublishCommandTest, FetchCommitsAndAFailedPushExitsWithFourUntilTheRemoteWorks) {
  const auto fetched = run_newsvault(dir_option() + " fetch --now 2023-06-19T01:47:05Z");
  EXPECT_EQ(fetched.exit_status, 4) << fetched.out << fetched.err;
  EXPECT_NE(fetched.out.find("committed "), std::string::npos) << fetched.out;
  EXPECT_NE(fetched.err.find("push to mirror (" + remote_.string() + "): no repository at"),
            std::string::npos)
      << fetched.err;

  ASSERT_EQ(run_command("git init -q --bare " + shell_quote(remote_.string())).exit_status, 0);
  const auto published = run_newsvault(dir_option() + " publish");
  EXPECT_EQ(published.exit_status, 0) << published.err;
  EXPECT_NE(published.out.find("pushed to mirror"), std::string::npos) << published.out;
  EXPECT_EQ(published.out.find("committed"), std::string::npos)
      << "fetch published the site already, and the site is not in the history: " << published.out;
  const auto again = run_newsvault(dir_option() + " publish");
  EXPECT_EQ(again.exit_status, 0) << again.err;
  EXPECT_EQ(again.out.find("committed"), std::string::npos) << "nothing new to commit";
}

TEST_F(PublishCommandTest, RebuildRewritesEveryDocumentAndReportsAsJson) {
  ASSERT_EQ(run_command("git init -q --bare " + shell_quote(remote_.string())).exit_status, 0);
  ASSERT_EQ(run_newsvault(dir_option() + " fetch --now 2023-06-19T01:47:05Z").exit_status, 0);
  const auto rebuilt = run_newsvault(dir_option() + " publish --rebuild");
  EXPECT_EQ(rebuilt.exit_status, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("rebuilt 1 documents"), std::string::npos) << rebuilt.out;
  const auto status = run_command("git -C " + shell_quote(archive_.string()) + " status --porcelain");
  EXPECT_EQ(status.out, "");

  const auto json = run_newsvault(dir_option() + " publish --json");
  EXPECT_EQ(json.exit_status, 0);
  EXPECT_NE(json.out.find("\"commit\": null"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"publish_errors\": []"), std::string::npos) << json.out;
}

TEST_F(PublishCommandTest, PublishRestoresADocumentEditedByHandAndSaysWhich) {
  ASSERT_EQ(run_command("git init -q --bare " + shell_quote(remote_.string())).exit_status, 0);
  ASSERT_EQ(run_newsvault(dir_option() + " fetch -q --now 2023-06-19T01:47:05Z").exit_status, 0);
  const std::string document = "world/2023/06/19-one.md";
  const std::string archived = testing::read_file(archive_ / document);
  testing::write_file(archive_ / document, archived + "Added by hand.\n");

  const auto published = run_newsvault(dir_option() + " publish --json --now 2023-06-20T00:00:00Z");
  EXPECT_EQ(published.exit_status, 0) << published.err;
  const std::string restored = "restored " + document + ": it differed from revision 1 of its article";
  EXPECT_NE(published.err.find("newsvault publish: " + restored + "\n"), std::string::npos) << published.err;
  const auto summary = nlohmann::json::parse(published.out, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << published.out;
  EXPECT_EQ(summary["restored"], nlohmann::json::array({restored}));
  EXPECT_EQ(testing::read_file(archive_ / document), archived);
  const auto committed = run_command("git -C " + shell_quote(archive_.string()) + " show HEAD:" + document);
  EXPECT_EQ(committed.out, archived);
  const auto checked = run_newsvault(dir_option() + " check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out;
}

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
  EXPECT_EQ(run_newsvault("--dir " + archive.string() + " add " + feed.string() +
                          " --name plain --full-text never")
                .exit_status,
            0);
  EXPECT_EQ(run_newsvault("--dir " + archive.string() + " fetch -q --now 2023-06-20T02:00:00Z").exit_status, 0);
  return archive;
}

TEST(PublishSiteTest, RendersTheSiteIntoTheArchive) {
  testing::TempDir dir;
  const fs::path archive = fetched_archive(dir);
  {
    std::ofstream config(archive / "newsvault.toml", std::ios::app);
    // add --full-text ended the file with the feed's own [feeds.plain].
    config << "convert = [\"s2t\"]\n";
  }
  const auto result = run_newsvault("--dir " + archive.string() + " publish");
  ASSERT_EQ(result.exit_status, 0) << result.err;
  // 2 articles and their 2 copies, the home, changes, days and feed pages.
  EXPECT_NE(result.out.find("site: 11 pages in "), std::string::npos) << result.out;
  EXPECT_TRUE(fs::exists(archive / "site/feeds/plain/2023/06/19-one.html"));
  EXPECT_TRUE(fs::exists(archive / "site/feeds/plain/zh-Hant/2023/06/19-one.html"));
  const std::string home = testing::read_file(archive / "site/index.html");
  EXPECT_NE(home.find(">First &amp; foremost</a>"), std::string::npos) << home;
}

TEST(PublishSiteTest, TheSiteFolderIsASettingAndAFolderOfItsOwn) {
  testing::TempDir dir;
  const fs::path archive = fetched_archive(dir);
  {
    std::ofstream config(archive / "newsvault.toml", std::ios::app);
    config << "[publish.site]\ndir = \"plain\"\n";
  }
  const auto refused = run_newsvault("--dir " + archive.string() + " publish");
  EXPECT_EQ(refused.exit_status, 1);
  EXPECT_NE(refused.err.find(
                "feeds.plain: feed name \"plain\": the static site's folder ([publish.site] dir = \"plain\")"), std::string::npos)
      << refused.err;

  testing::write_file(archive / "newsvault.toml", "[publish.site]\ndir = \"www\"\n");
  const auto result = run_newsvault("--dir " + archive.string() + " publish --json");
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("\"pages\": 9"), std::string::npos) << result.out;
  EXPECT_TRUE(fs::exists(archive / "www/index.html"));
}

// A remote that takes the connection and the request and never answers.
void answer_nothing(testing::HttpTestServer& server) {
  for (const char* path : {"/mirror.git/info/refs", "/mirror.git/git-receive-pack"}) {
    server.set(path, {.raw = [](testing::HttpTestServer::RawConnection& connection) {
                 while (connection.pause(std::chrono::milliseconds(50))) {
                 }
               }});
  }
}

TEST_F(PublishCommandTest, AHungRemoteEndsPublishWithFourNamingItAndCheckShowsItBehind) {
  testing::HttpTestServer server;
  answer_nothing(server);
  testing::write_file(archive_ / "newsvault.toml",
                      "[publish.git]\npush_timeout_seconds = 1\n[[publish.git.remote]]\nname = \"mirror\"\n"
                      "url = \"" + server.url("/mirror.git") + "\"\n");
  const auto published = run_newsvault(dir_option() + " publish");
  EXPECT_EQ(published.exit_status, 4) << published.out << published.err;
  EXPECT_NE(published.out.find("committed "), std::string::npos) << published.out;
  EXPECT_NE(published.err.find("push to mirror (" + server.url("/mirror.git") + "): timed out"), std::string::npos)
      << published.err;

  const auto checked = run_newsvault(dir_option() + " check --json");
  const auto report = nlohmann::json::parse(checked.out);
  ASSERT_EQ(report["remotes"].size(), 1u) << checked.out;
  const auto& remote = report["remotes"][0];
  EXPECT_EQ(remote["name"], "mirror");
  EXPECT_EQ(remote["behind"], 1);
  EXPECT_EQ(remote["failures"], 1);
  EXPECT_TRUE(remote["last_success"].is_null());
  EXPECT_NE(remote["last_error"].get<std::string>().find("timed out"), std::string::npos) << checked.out;
  const auto text = run_newsvault(dir_option() + " check");
  EXPECT_NE(text.out.find("remote mirror: 1 commit behind; last pushed never; last attempt failed (1 time"),
            std::string::npos)
      << text.out;
}

TEST_F(PublishCommandTest, ATokenFromPasswordEnvNeverShowsInErrorsJsonOrTheRemotesFile) {
  const std::string token = "ghp_s3cr3tT0kenValue";
  testing::HttpTestServer server;
  server.set("/mirror.git/info/refs", {.status = 401, .headers = {{"WWW-Authenticate", "Basic realm=\"git\""}}});
  testing::write_file(archive_ / "newsvault.toml",
                      "[publish.git]\npush_timeout_seconds = 5\n[[publish.git.remote]]\nname = \"mirror\"\n"
                      "url = \"" + server.url("/mirror.git") + "\"\npassword_env = \"MIRROR_TOKEN\"\n");
  const auto published = run_command("MIRROR_TOKEN=" + token + " " + testing::newsvault_binary() + " " + dir_option() +
                                     " publish --json");
  EXPECT_EQ(published.exit_status, 4) << published.out << published.err;
  EXPECT_NE(published.err.find("push to mirror ("), std::string::npos) << published.err;
  EXPECT_NE(published.err.find("authentication failed"), std::string::npos) << published.err;
  // The token was offered (so it could have leaked)...
  bool offered = false;
  for (const auto& request : server.requests()) offered = offered || !request.header("authorization").empty();
  EXPECT_TRUE(offered);
  // ...and shows nowhere.
  EXPECT_EQ(published.err.find(token), std::string::npos) << published.err;
  EXPECT_EQ(published.out.find(token), std::string::npos) << published.out;
  EXPECT_NE(published.out.find("\"pushes\""), std::string::npos) << published.out;
  const std::string remotes = testing::read_file(archive_ / ".newsvault/remotes.json");
  EXPECT_NE(remotes.find("authentication failed"), std::string::npos) << remotes;
  EXPECT_EQ(remotes.find(token), std::string::npos) << remotes;
}

}  // namespace
}  // namespace newsvault::cli
