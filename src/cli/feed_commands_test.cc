// pause, resume, remove, `fetch NAME`, `fetch --force` and status, run as
// an operator runs them, against feeds on 127.0.0.1 that change between
// runs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_newsvault;

constexpr int kSomeFeedsFailed = 3;
constexpr int kNoSuchFeed = 6;

constexpr const char* kSettings = R"([fetch]
full_text = "never"
timeout_seconds = 10
retry_base_delay_ms = 10

[publish.git]
enabled = false
)";

// An RSS feed whose items are "NAME story 1" .. "NAME story COUNT".
std::string feed_with(const std::string& name, int count) {
  std::string items;
  for (int i = 1; i <= count; ++i) {
    const std::string id = name + "-" + std::to_string(i);
    items += "<item><title>" + name + " story " + std::to_string(i) + "</title><link>https://" + name +
             ".example/" + id + "</link><guid>" + id + "</guid><pubDate>Mon, 19 Jun 2023 0" +
             std::to_string(i) + ":00:00 GMT</pubDate><description>&lt;p&gt;Story " + id +
             " in full.&lt;/p&gt;</description></item>";
  }
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + name + "</title><link>https://" +
         name + ".example/</link>" + items + "</channel></rss>";
}

// The Markdown documents under `folder` (its index left out).
std::size_t documents_in(const fs::path& folder) {
  std::size_t count = 0;
  if (!fs::is_directory(folder)) return 0;
  for (const auto& file : fs::recursive_directory_iterator(folder)) {
    if (file.path().extension() == ".md" && file.path().filename() != "README.md") ++count;
  }
  return count;
}

class FeedCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serve("alpha", 1);
    serve("beta", 1);
    ASSERT_EQ(run_newsvault("init " + archive_.string()).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml", kSettings);
    for (const char* name : {"alpha", "beta"}) {
      const auto added = newsvault(std::string("add ") + server_.url(std::string("/") + name + ".xml") +
                                   " --name " + name);
      ASSERT_EQ(added.exit_status, 0) << added.err;
    }
  }

  void serve(const std::string& name, int count) {
    server_.set("/" + name + ".xml",
                {.headers = {{"Content-Type", "application/rss+xml"}}, .body = feed_with(name, count)});
  }
  std::size_t polls_of(const std::string& name) const {
    std::size_t count = 0;
    for (const auto& request : server_.requests()) count += request.path == "/" + name + ".xml";
    return count;
  }
  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + archive_.string() + " " + arguments);
  }
  void expect_check_green() {
    const auto check = newsvault("check");
    EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
  }

  testing::TempDir dir_;
  fs::path archive_ = dir_.path() / "archive";
  HttpTestServer server_;
};

TEST_F(FeedCommandsTest, RemovedFeedIsNotPolledAgainAndKeepsItsDocuments) {
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  ASSERT_EQ(documents_in(archive_ / "alpha"), 1u);
  const auto removed = newsvault("remove alpha");
  ASSERT_EQ(removed.exit_status, 0) << removed.err;
  EXPECT_NE(removed.out.find("documents stay"), std::string::npos) << removed.out;

  serve("alpha", 2);
  serve("beta", 2);
  const std::size_t alpha_polls = polls_of("alpha");
  const auto fetched = newsvault("fetch");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  EXPECT_EQ(polls_of("alpha"), alpha_polls) << "a removed feed is not asked again";
  EXPECT_EQ(documents_in(archive_ / "alpha"), 1u) << "its document stays, and nothing new comes";
  EXPECT_EQ(documents_in(archive_ / "beta"), 2u);
  EXPECT_NE(newsvault("list").out.find("alpha story 1"), std::string::npos);
  expect_check_green();

  // Named, a removed feed is refused, saying how to bring it back.
  const auto named = newsvault("fetch alpha");
  EXPECT_EQ(named.exit_status, 1);
  EXPECT_NE(named.err.find("alpha was removed"), std::string::npos) << named.err;
  EXPECT_NE(named.err.find("newsvault resume alpha"), std::string::npos) << named.err;
  EXPECT_EQ(polls_of("alpha"), alpha_polls);

  ASSERT_EQ(newsvault("resume alpha").exit_status, 0);
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  EXPECT_EQ(documents_in(archive_ / "alpha"), 2u);
}

TEST_F(FeedCommandsTest, PausedFeedIsSkippedUntilResumedOrNamed) {
  const auto paused = newsvault("pause beta");
  ASSERT_EQ(paused.exit_status, 0) << paused.err;
  EXPECT_EQ(newsvault("pause beta").out, "beta is already paused\n");
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  EXPECT_EQ(polls_of("beta"), 1u) << "only add read it";
  EXPECT_EQ(documents_in(archive_ / "beta"), 0u);
  EXPECT_EQ(documents_in(archive_ / "alpha"), 1u);

  ASSERT_EQ(newsvault("fetch beta").exit_status, 0);  // named: polled once, still paused
  EXPECT_EQ(documents_in(archive_ / "beta"), 1u);
  serve("beta", 2);
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  EXPECT_EQ(documents_in(archive_ / "beta"), 1u);

  ASSERT_EQ(newsvault("resume beta").exit_status, 0);
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  EXPECT_EQ(documents_in(archive_ / "beta"), 2u);
  expect_check_green();
}

TEST_F(FeedCommandsTest, FetchNamePollsOnlyThatFeed) {
  const auto fetched = newsvault("fetch beta");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  EXPECT_EQ(polls_of("alpha"), 1u) << "only add read it";
  EXPECT_EQ(polls_of("beta"), 2u);
  EXPECT_EQ(documents_in(archive_ / "alpha"), 0u);
  EXPECT_EQ(documents_in(archive_ / "beta"), 1u);
  expect_check_green();
}

TEST_F(FeedCommandsTest, AnUnknownFeedIsNamedWithTheFeedsThereAndChangesNothing) {
  for (const char* command : {"pause gamma", "resume gamma", "remove gamma", "fetch alpha gamma"}) {
    const auto result = newsvault(command);
    EXPECT_EQ(result.exit_status, kNoSuchFeed) << command;
    EXPECT_NE(result.err.find("no feed named gamma"), std::string::npos) << command << ": " << result.err;
    EXPECT_NE(result.err.find("its feeds: alpha, beta"), std::string::npos) << result.err;
  }
  EXPECT_EQ(polls_of("alpha"), 1u) << "fetch with a wrong name fetches nothing";
  EXPECT_FALSE(fs::exists(archive_ / ".newsvault" / "feed_states.json"));
  const auto missing = newsvault("pause");
  EXPECT_EQ(missing.exit_status, 2);
}

TEST_F(FeedCommandsTest, FetchForceAsksWithoutTheSavedValidators) {
  server_.set("/alpha.xml", {.headers = {{"Content-Type", "application/rss+xml"}, {"ETag", "\"v1\""}},
                             .body = feed_with("alpha", 1)});
  ASSERT_EQ(newsvault("fetch alpha").exit_status, 0);
  ASSERT_EQ(newsvault("fetch alpha").exit_status, 0);
  ASSERT_EQ(newsvault("fetch alpha --force").exit_status, 0);
  std::vector<std::string> sent;
  for (const auto& request : server_.requests()) {
    if (request.path == "/alpha.xml") sent.push_back(request.header("if-none-match"));
  }
  // add, the first fetch, the conditional one, the forced one.
  EXPECT_EQ(sent, (std::vector<std::string>{"", "", "\"v1\"", ""}));
}

TEST_F(FeedCommandsTest, StatusJsonShowsAFailingFeedAndPendingWork) {
  // beta's articles are teasers whose pages fail: pending work.
  testing::write_file(archive_ / "newsvault.toml", std::string(kSettings) + "\n[feeds.beta]\nfull_text = \"always\"\n");
  server_.set("/beta.xml", {.headers = {{"Content-Type", "application/rss+xml"}},
                            .body = "<rss version=\"2.0\"><channel><title>beta</title><item><title>Teaser</title>"
                                    "<link>" + server_.url("/page") + "</link><guid>t</guid>"
                                    "<description>A teaser…</description></item></channel></rss>"});
  server_.set("/page", {.status = 503, .body = "busy"});
  server_.set("/alpha.xml", {.status = 500, .body = "broken"});
  EXPECT_EQ(newsvault("fetch --now 2023-06-19T01:47:05Z").exit_status, kSomeFeedsFailed);

  const auto status = newsvault("status --json");
  ASSERT_EQ(status.exit_status, 0) << status.err;
  const auto json = nlohmann::json::parse(status.out);
  EXPECT_EQ(json["run_in_progress"], false);
  EXPECT_GT(json["store_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_TRUE(json["git_bytes"].is_number());
  ASSERT_EQ(json["feeds"].size(), 2u);
  const auto& alpha = json["feeds"][0];
  EXPECT_EQ(alpha["name"], "alpha");
  EXPECT_EQ(alpha["last_poll"], "2023-06-19T01:47:05Z");
  EXPECT_NE(alpha["last_error"].get<std::string>().find("500"), std::string::npos) << alpha;
  EXPECT_EQ(alpha["articles"], 0);
  const auto& beta = json["feeds"][1];
  EXPECT_NE(beta["last_error"].get<std::string>().find("/page: HTTP 503"), std::string::npos) << beta;
  EXPECT_EQ(beta["articles"], 1);
  EXPECT_EQ(beta["revisions"], 1);
  EXPECT_EQ(beta["pending"], 1);
  EXPECT_TRUE(beta["next_retry"].is_string()) << beta;
  EXPECT_EQ(json["pending"], 1);
  EXPECT_EQ(json["articles"], 1);

  ASSERT_EQ(newsvault("pause alpha").exit_status, 0);
  const auto after = nlohmann::json::parse(newsvault("status --json").out);
  EXPECT_EQ(after["feeds"][0]["state"], "paused");
  EXPECT_EQ(after["feeds"][1]["state"], "active");
}

}  // namespace
}  // namespace newsvault::cli
