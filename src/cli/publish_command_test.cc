// `newsvault publish` and the publishing `fetch` does, as a user runs them:
// output, exit statuses, a remote that fails and then works.
#include <gtest/gtest.h>

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
    ASSERT_EQ(run_newsvault(dir_option() + " add file://" + (dir_.path() / "feed.rss").string() +
                            " --name world")
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
  EXPECT_EQ(published.out.find("committed"), std::string::npos) << "nothing new to commit";
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

}  // namespace
}  // namespace newsvault::cli
