// `newsvault add --full-text` and a fetch whose article pages fail, as a
// user runs them.
#include <gtest/gtest.h>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_newsvault;

std::string story_page() {
  return "<html><head><title>Harbour | Gazette</title></head><body><nav class=\"menu\">Home World "
         "Sport</nav><article><h1>Harbour reopens</h1><p>The harbour reopened to shipping on "
         "Monday "
         "morning, three days after the storm drove two cargo vessels onto the "
         "breakwater.</p><p>Port "
         "officials said divers had inspected the channel overnight and found it clear of debris, "
         "although a speed limit would remain in force.</p></article><footer>Footer "
         "text</footer></body></html>";
}

class FullTextCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.set("/feed.xml",
                {200,
                 {{"Content-Type", "application/rss+xml"}},
                 "<rss version=\"2.0\"><channel><title>Gazette</title><item><title>Harbour "
                 "reopens</title><link>" +
                     server_.url("/harbour.html") +
                     "</link><guid>harbour</guid><pubDate>Mon, 19 Jun 2023 08:00:00 GMT</pubDate>"
                     "<description>The harbour reopened.</description></item></channel></rss>",
                 {}});
    archive_ = dir_.path() / "archive";
    ASSERT_EQ(run_newsvault("init " + archive_.string()).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml", "[fetch]\nmax_attempts = 1  # no retries\n");
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + archive_.string() + " " + arguments);
  }

  HttpTestServer server_;
  testing::TempDir dir_;
  fs::path archive_;
};

TEST_F(FullTextCommandTest, AddSavesTheSettingAndFetchExitsThreeUntilThePageCanBeRead) {
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name gazette --full-text always")
                .exit_status,
            0);
  EXPECT_EQ(testing::read_file(archive_ / "newsvault.toml"),
            "[fetch]\nmax_attempts = 1  # no retries\n\n[feeds.gazette]\nfull_text = \"always\"\n");

  server_.set("/harbour.html", {500, {}, "down", {}});
  const auto failed = newsvault("fetch --now 2023-06-19T09:00:00Z");
  EXPECT_EQ(failed.exit_status, 3) << failed.err;
  EXPECT_NE(failed.err.find("gazette: GET " + server_.url("/harbour.html") + ": HTTP 500"),
            std::string::npos)
      << failed.err;
  const std::string teaser = testing::read_file(archive_ / "gazette/2023/06/19-harbour.md");
  EXPECT_NE(teaser.find("The harbour reopened."), std::string::npos) << teaser;

  server_.set("/harbour.html", {200, {{"Content-Type", "text/html"}}, story_page(), {}});
  const auto fixed = newsvault("fetch --now 2023-06-19T10:00:00Z");
  EXPECT_EQ(fixed.exit_status, 0) << fixed.err;
  const std::string article = testing::read_file(archive_ / "gazette/2023/06/19-harbour.md");
  EXPECT_NE(article.find("divers had inspected the channel"), std::string::npos) << article;
  EXPECT_EQ(article.find("Footer text"), std::string::npos);
}

TEST_F(FullTextCommandTest, AnUnknownFullTextIsAUsageErrorAndAddsNothing) {
  const auto wrong =
      newsvault("add " + server_.url("/feed.xml") + " --name gazette --full-text sometimes");
  EXPECT_EQ(wrong.exit_status, 2);
  EXPECT_NE(wrong.err.find("--full-text"), std::string::npos) << wrong.err;
  EXPECT_EQ(newsvault("list --feeds").out, "");
}

TEST_F(FullTextCommandTest, AFeedWithAnAdapterRefusesFullText) {
  const auto refused =
      newsvault("add " + server_.url("/feed.xml") + " --name dw --adapter dw --full-text always");
  EXPECT_EQ(refused.exit_status, 1);
  EXPECT_NE(refused.err.find("adapter"), std::string::npos) << refused.err;
  EXPECT_EQ(newsvault("list --feeds").out, "");
  EXPECT_EQ(testing::read_file(archive_ / "newsvault.toml"),
            "[fetch]\nmax_attempts = 1  # no retries\n");
}

}  // namespace
}  // namespace newsvault::cli
