// `newsvault add` checking what it is given, and settings for feeds the
// archive lacks, as a user meets them: the built binary against a server
// on 127.0.0.1.
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_newsvault;
using testing::shell_quote;

constexpr int kFailure = 1;
constexpr int kUsageError = 2;

constexpr const char* kRss =
    "<rss version=\"2.0\"><channel><title>Gazette</title><item><title>Harbour reopens</title>"
    "<link>https://gazette.example/harbour</link><guid>harbour</guid>"
    "<pubDate>Mon, 19 Jun 2023 08:00:00 GMT</pubDate>"
    "<description>The harbour reopened.</description></item></channel></rss>";

std::string page_linking(const std::string& links) {
  return "<!DOCTYPE html><html><head><title>Gazette</title>" + links +
         "</head><body><p>Today's news.</p></body></html>";
}

class AddCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = kRss});
    archive_ = dir_.path() / "archive";
    ASSERT_EQ(run_newsvault("init -q " + archive_.string()).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml",
                        "[fetch]\nmax_attempts = 1  # no retries\nfull_text = \"never\"\n");
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }

  // The built binary run from `folder`.
  testing::CommandResult newsvault_in(const fs::path& folder, const std::string& arguments) {
    const char* env = std::getenv("NEWSVAULT_BIN");
    const fs::path binary = fs::absolute(env ? env : "build/newsvault");
    return testing::run_command("cd " + shell_quote(folder.string()) + " && " +
                                shell_quote(binary.string()) + " --dir " +
                                shell_quote(archive_.string()) + " " + arguments);
  }

  std::string feeds() { return newsvault("list --feeds").out; }

  HttpTestServer server_;
  testing::TempDir dir_;
  fs::path archive_;
};

TEST_F(AddCommandTest, AFeedUrlIsAddedAsItIs) {
  const auto added = newsvault("add " + server_.url("/feed.xml") + " --name gazette");
  ASSERT_EQ(added.exit_status, 0) << added.err;
  EXPECT_EQ(added.out, "added gazette: " + server_.url("/feed.xml") + "\n");
  EXPECT_EQ(feeds(), "gazette\t" + server_.url("/feed.xml") + "\t-\tok\n");
}

TEST_F(AddCommandTest, AnHtmlPageWithOneFeedLinkAddsThatFeedAndSaysSo) {
  server_.set("/", {.headers = {{"Content-Type", "text/html; charset=utf-8"}},
                    .body = page_linking("<link rel=\"alternate\" type=\"application/rss+xml\" "
                                         "title=\"Gazette\" href=\"/feed.xml\">")});
  const auto added = newsvault("add " + server_.url("/") + " --name gazette");
  ASSERT_EQ(added.exit_status, 0) << added.err;
  EXPECT_EQ(added.out, "found feed " + server_.url("/feed.xml") + " in " + server_.url("/") +
                           "\nadded gazette: " + server_.url("/feed.xml") + "\n");
  EXPECT_EQ(feeds(), "gazette\t" + server_.url("/feed.xml") + "\t-\tok\n");
  // The feed is archived from there.
  const auto fetched = newsvault("fetch -q --now 2023-06-19T09:00:00Z");
  EXPECT_EQ(fetched.exit_status, 0) << fetched.err;
  EXPECT_TRUE(fs::exists(archive_ / "gazette/2023/06/19-harbour.md"));
}

TEST_F(AddCommandTest, AnHtmlPageWithTwoFeedLinksAddsNothingAndListsBoth) {
  server_.set("/",
              {.headers = {{"Content-Type", "text/html"}},
               .body = page_linking(
                   "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"All stories\" "
                   "href=\"/feed.xml\"><link rel=\"alternate\" type=\"application/atom+xml\" "
                   "title=\"Comments\" href=\"/comments.atom\">")});
  const auto refused = newsvault("add " + server_.url("/"));
  EXPECT_EQ(refused.exit_status, kFailure);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err,
            "newsvault add: " + server_.url("/") +
                ": a web page that links to 2 feeds; add the one you want by its URL:\n"
                "  " +
                server_.url("/feed.xml") +
                "  \"All stories\"\n"
                "  " +
                server_.url("/comments.atom") + "  \"Comments\"\n");
  EXPECT_EQ(feeds(), "");
}

TEST_F(AddCommandTest, AnHtmlPageWithoutFeedLinksIsRefused) {
  server_.set("/about", {.headers = {{"Content-Type", "text/html"}}, .body = page_linking("")});
  const auto refused = newsvault("add " + server_.url("/about"));
  EXPECT_EQ(refused.exit_status, kFailure);
  EXPECT_NE(refused.err.find("newsvault add: " + server_.url("/about") +
                             ": a web page that links to no feed"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(feeds(), "");
}

TEST_F(AddCommandTest, FtpAndMalformedUrlsAreUsageErrorsNamingTheUrlAndWhy) {
  const auto ftp = newsvault("add ftp://x");
  EXPECT_EQ(ftp.exit_status, kUsageError);
  EXPECT_EQ(
      ftp.err,
      "newsvault add: ftp://x: newsvault reads http, https and file URLs and local paths, not "
      "ftp: URLs\n");
  const auto misspelt = newsvault("add 'htp:/bad url'");
  EXPECT_EQ(misspelt.exit_status, kUsageError);
  EXPECT_NE(misspelt.err.find("htp:/bad url: "), std::string::npos) << misspelt.err;
  const auto malformed = newsvault("add 'http://exa mple.com/feed'");
  EXPECT_EQ(malformed.exit_status, kUsageError);
  EXPECT_EQ(malformed.err,
            "newsvault add: http://exa mple.com/feed: not a valid URL: a URL holds no spaces "
            "(write %20)\n");
  EXPECT_EQ(server_.requests().size(), 0u);
  EXPECT_EQ(feeds(), "");
}

TEST_F(AddCommandTest, AUrlAlreadyInTheArchiveIsRefusedNamingItsFeed) {
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name gazette").exit_status, 0);
  const std::string expected =
      "newsvault add: " + server_.url("/feed.xml") + ": already in the archive as feed gazette\n";
  const auto again = newsvault("add " + server_.url("/feed.xml") + " --name again");
  EXPECT_EQ(again.exit_status, kFailure);
  EXPECT_EQ(again.err, expected);
  const auto spaced = newsvault("add " + shell_quote(server_.url("/feed.xml") + " \t"));
  EXPECT_EQ(spaced.err, expected);
  // Reached through a page that links to it, too.
  server_.set("/", {.headers = {{"Content-Type", "text/html"}},
                    .body = page_linking("<link rel=\"alternate\" type=\"application/rss+xml\" "
                                         "href=\"feed.xml\">")});
  const auto through_page = newsvault("add " + server_.url("/"));
  EXPECT_EQ(through_page.exit_status, kFailure);
  EXPECT_EQ(through_page.err, expected);
  EXPECT_EQ(feeds(), "gazette\t" + server_.url("/feed.xml") + "\t-\tok\n");
}

TEST_F(AddCommandTest, ARelativePathIsStoredAsAnAbsoluteFileUrlAndFetchedFromAnywhere) {
  fs::create_directories(dir_.path() / "feeds");
  testing::write_file(dir_.path() / "feeds/gazette.rss", kRss);
  const auto added = newsvault_in(dir_.path(), "add feeds/gazette.rss --name gazette");
  ASSERT_EQ(added.exit_status, 0) << added.err;
  const std::string url = "file://" + (dir_.path() / "feeds/gazette.rss").string();
  EXPECT_EQ(feeds(), "gazette\t" + url + "\t-\tok\n");
  // As cron runs it: from another folder.
  const auto fetched = newsvault_in("/", "fetch -q --now 2023-06-19T09:00:00Z");
  EXPECT_EQ(fetched.exit_status, 0) << fetched.err;
  EXPECT_TRUE(fs::exists(archive_ / "gazette/2023/06/19-harbour.md"));
  // The same file by another spelling is the same feed.
  const auto again = newsvault_in(dir_.path() / "feeds", "add ./gazette.rss");
  EXPECT_EQ(again.exit_status, kFailure);
  EXPECT_EQ(again.err, "newsvault add: " + url + ": already in the archive as feed gazette\n");
}

TEST_F(AddCommandTest, APathThatDoesNotExistIsRefusedNamingIt) {
  const auto refused = newsvault_in(dir_.path(), "add feeds/gone.rss");
  EXPECT_EQ(refused.exit_status, kUsageError);
  EXPECT_NE(refused.err.find("newsvault add: feeds/gone.rss (" +
                             (dir_.path() / "feeds/gone.rss").string() + "): no such file"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(feeds(), "");
}

TEST_F(AddCommandTest, AUrlThatCannotBeReadIsRefusedWithTheError) {
  const auto refused = newsvault("add " + server_.url("/missing.xml"));
  EXPECT_EQ(refused.exit_status, kFailure);
  EXPECT_EQ(refused.err, "newsvault add: GET " + server_.url("/missing.xml") + ": HTTP 404\n");
  EXPECT_EQ(feeds(), "");
}

TEST_F(AddCommandTest, SettingsForAFeedTheArchiveLacksAreAWarningOfEveryCommand) {
  ASSERT_EQ(newsvault("add -q " + server_.url("/feed.xml") + " --name dw-chinese").exit_status, 0);
  std::string settings = testing::read_file(archive_ / "newsvault.toml");
  testing::write_file(archive_ / "newsvault.toml",
                      settings + "\n[feeds.dw-chinse]\nconvert = [\"s2t\"]\n");
  const std::string warning =
      (archive_ / "newsvault.toml").string() +
      ": [feeds.dw-chinse]: no feed has this name; did you mean dw-chinese?\n";
  for (const char* command : {"list", "fetch", "publish"}) {
    // -q or not: a warning is no progress report.
    const auto run = newsvault(std::string("-q ") + command);
    EXPECT_EQ(run.exit_status, 0) << command << ": " << run.err;
    EXPECT_EQ(run.err, "newsvault " + std::string(command) + ": warning: " + warning) << command;
  }
  server_.set("/wire.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = kRss});
  const auto added = newsvault("add " + server_.url("/wire.xml") + " --name wire");
  EXPECT_EQ(added.exit_status, 0);
  EXPECT_EQ(added.err, "newsvault add: warning: " + warning);

  const auto checked = newsvault("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out;
  EXPECT_NE(checked.out.find("warning: newsvault.toml: [feeds.dw-chinse]: no feed has this name; "
                             "did you mean dw-chinese?\n"),
            std::string::npos)
      << checked.out;

  // Settings kept for a feed added later stop warning once it is.
  testing::write_file(archive_ / "newsvault.toml",
                      settings + "\n[feeds.later]\nfull_text = \"always\"\n");
  EXPECT_NE(newsvault("list").err.find("[feeds.later]: no feed has this name\n"),
            std::string::npos);
  server_.set("/later.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = kRss});
  const auto later = newsvault("add -q " + server_.url("/later.xml") + " --name later");
  EXPECT_EQ(later.exit_status, 0) << later.err;
  EXPECT_EQ(later.err, "");
  EXPECT_EQ(newsvault("list").err, "");
}

}  // namespace
}  // namespace newsvault::cli
