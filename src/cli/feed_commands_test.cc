// pause, resume, remove (and --purge), rename, edit, `fetch NAME`, `fetch
// --force`, status and OPML, run as an operator runs them, against feeds
// on 127.0.0.1 that change between runs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/archive_test_support.h"
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

  // What `list --feeds --json` says of the feed's polling: active, paused
  // or removed.
  std::string polling_of(const std::string& name) {
    const auto listed = newsvault("list --feeds --json");
    EXPECT_EQ(listed.exit_status, 0) << listed.err;
    const auto feeds = nlohmann::json::parse(listed.out);
    for (const auto& feed : feeds["feeds"]) {
      if (feed["name"] == name) return feed["polling"];
    }
    return "";
  }

  // A command refused: its exit status, and its message saying why.
  struct Refusal {
    std::string arguments;
    int exit_status;
    std::string message;
  };
  void expect_refused(const Refusal& refused) {
    const auto result = newsvault(refused.arguments);
    EXPECT_EQ(result.exit_status, refused.exit_status) << refused.arguments << ": " << result.err;
    EXPECT_NE(result.err.find(refused.message), std::string::npos) << refused.arguments << ": " << result.err;
  }
  // The settings with the git history on.
  void keep_history(const std::string& more = "") {
    std::string settings = kSettings;
    settings.replace(settings.find("enabled = false"), 15, "enabled = true");
    testing::write_file(archive_ / "newsvault.toml", settings + more);
  }
  std::string git(const std::string& arguments) {
    return testing::run_command("git -C " + testing::shell_quote(archive_.string()) + " " + arguments).out;
  }
  // What a refused command must leave as it was: the files people see, the
  // settings, the feeds and their states, the history.
  std::string snapshot() {
    std::string all;
    for (const auto& [path, bytes] : testing::archive_files(archive_)) all += path + "\n" + bytes + "\n";
    all += testing::read_file(archive_ / "newsvault.toml");
    return all + newsvault("list --feeds --json").out + git("rev-parse HEAD");
  }
  // Runs newsvault while another process holds the archive's run lock, as a
  // fetch in progress does.
  testing::CommandResult while_a_fetch_runs(const std::string& arguments) {
    return testing::run_command("flock " + testing::shell_quote((archive_ / ".newsvault" / "fetch.lock").string()) +
                                " " + testing::shell_quote(testing::newsvault_binary()) + " --dir " +
                                testing::shell_quote(archive_.string()) + " " + arguments);
  }

  testing::TempDir dir_;
  fs::path archive_ = dir_.path() / "archive";
  HttpTestServer server_;
};

TEST_F(FeedCommandsTest, RenameMovesTheFolderAndGitFollowsEachDocument) {
  keep_history("\n[feeds.alpha]\nfull_text = \"never\"\n");
  ASSERT_EQ(newsvault("fetch --now 2023-06-19T01:00:00Z").exit_status, 0);
  ASSERT_EQ(documents_in(archive_ / "alpha"), 1u);
  const auto renamed = newsvault("rename alpha gamma --now 2023-06-19T02:00:00Z");
  ASSERT_EQ(renamed.exit_status, 0) << renamed.err;
  EXPECT_FALSE(fs::exists(archive_ / "alpha")) << "the old folder is gone";
  EXPECT_EQ(documents_in(archive_ / "gamma"), 1u);
  EXPECT_TRUE(fs::exists(archive_ / "gamma" / "README.md")) << "its index is written in the new folder";
  const std::string settings = testing::read_file(archive_ / "newsvault.toml");
  EXPECT_NE(settings.find("[feeds.gamma]\nfull_text = \"never\""), std::string::npos) << settings;
  EXPECT_EQ(settings.find("[feeds.alpha]"), std::string::npos) << settings;
  EXPECT_EQ(git("status --porcelain"), "");
  EXPECT_EQ(git("log -1 --format=%s"), "Rename feed alpha to gamma\n");
  // git follows the document across the rename: both commits are its history.
  std::string document;
  for (const auto& file : fs::recursive_directory_iterator(archive_ / "gamma")) {
    if (file.path().extension() == ".md" && file.path().filename() != "README.md") {
      document = file.path().lexically_relative(archive_).string();
    }
  }
  EXPECT_EQ(git("log --follow --format=%s -- " + document).find("Rename feed alpha to gamma\n"), 0u);
  EXPECT_NE(git("log --follow --name-only --format= -- " + document).find("alpha/"), std::string::npos);
  expect_check_green();

  // The renamed feed goes on under its new name.
  serve("alpha", 2);
  ASSERT_EQ(newsvault("fetch --now 2023-06-19T03:00:00Z").exit_status, 0);
  EXPECT_EQ(documents_in(archive_ / "gamma"), 2u);
  EXPECT_FALSE(fs::exists(archive_ / "alpha"));
  const auto feeds = nlohmann::json::parse(newsvault("list --feeds --json").out);
  EXPECT_EQ(feeds["feeds"][1]["name"], "gamma");
  expect_check_green();
}

TEST_F(FeedCommandsTest, RenameRefusesABadNameAndChangesNothing) {
  keep_history();
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  const std::string before = snapshot();
  for (const Refusal& refused :
       {Refusal{"rename gamma delta", kNoSuchFeed, "no feed named gamma"},
        Refusal{"rename alpha beta", 1, "a feed named beta already exists"},
        Refusal{"rename alpha site", 1, "feed name \"site\""},
        Refusal{"rename alpha README.md", 1, "README.md"},
        Refusal{"rename alpha ../out", 1, "feed name"},
        Refusal{"rename alpha alpha", 1, "named alpha already"},
        Refusal{"rename alpha", 2, ""}}) {
    expect_refused(refused);
  }
  // A folder of that name in the archive (not a feed's) is not taken over.
  fs::create_directories(archive_ / "notes");
  const auto folder = newsvault("rename alpha notes");
  EXPECT_EQ(folder.exit_status, 1);
  EXPECT_NE(folder.err.find("notes is in the archive already"), std::string::npos) << folder.err;
  fs::remove(archive_ / "notes");

  const auto locked = while_a_fetch_runs("rename alpha gamma");
  EXPECT_EQ(locked.exit_status, 1);
  EXPECT_NE(locked.err.find("another fetch is running"), std::string::npos) << locked.err;
  EXPECT_EQ(snapshot(), before);
}

TEST_F(FeedCommandsTest, EditWritesTheFeedsSettingsInNewsvaultToml) {
  // The conversions take effect: the next fetch writes the copies.
  const auto converting = newsvault("edit alpha --convert s2t,s2tw");
  ASSERT_EQ(converting.exit_status, 0) << converting.err;
  EXPECT_EQ(converting.out, "alpha: convert: none -> [\"s2t\", \"s2tw\"]\n");
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  EXPECT_EQ(documents_in(archive_ / "alpha" / "zh-Hant-TW"), 1u);

  const auto edited = newsvault("edit alpha --full-text always --min-interval 600 --max-interval 7200");
  ASSERT_EQ(edited.exit_status, 0) << edited.err;
  EXPECT_NE(edited.out.find("alpha: full_text: the archive's -> always"), std::string::npos) << edited.out;
  const std::string settings = testing::read_file(archive_ / "newsvault.toml");
  EXPECT_TRUE(settings.starts_with(kSettings)) << "every line there was is kept";
  const std::string table = settings.substr(settings.find("[feeds.alpha]\n"));
  for (const char* line : {"full_text = \"always\"\n", "convert = [\"s2t\", \"s2tw\"]\n",
                           "min_interval_seconds = 600\n", "max_interval_seconds = 7200\n"}) {
    EXPECT_NE(table.find(line), std::string::npos) << line << settings;
  }

  // Back to the archive's defaults; the adapter lives in the store.
  const auto reset = newsvault("edit alpha --full-text default --convert none --min-interval default --json");
  ASSERT_EQ(reset.exit_status, 0) << reset.err;
  const auto changes = nlohmann::json::parse(reset.out);
  EXPECT_EQ(changes["changes"].size(), 3u) << reset.out;
  const std::string after = testing::read_file(archive_ / "newsvault.toml");
  EXPECT_EQ(after.substr(after.find("[feeds.alpha]\n")), "[feeds.alpha]\nmax_interval_seconds = 7200\n") << after;
  ASSERT_EQ(newsvault("edit beta --adapter dw").exit_status, 0);
  const auto feeds = nlohmann::json::parse(newsvault("list --feeds --json").out);
  EXPECT_EQ(feeds["feeds"][1]["adapter"], "dw");
  EXPECT_EQ(nlohmann::json::parse(newsvault("edit beta --adapter dw --json").out)["changes"].size(), 0u);
}

TEST_F(FeedCommandsTest, EditRefusesBadSettingsAndChangesNothing) {
  ASSERT_EQ(newsvault("edit beta --adapter dw").exit_status, 0);
  const std::string before = snapshot();
  for (const Refusal& refused :
       {Refusal{"edit gamma --full-text always", kNoSuchFeed, "no feed named gamma"},
        Refusal{"edit alpha --convert s2x", 2, "unknown conversion \"s2x\""},
        Refusal{"edit alpha --full-text sometimes", 2, "sometimes"},
        Refusal{"edit alpha --min-interval 0", 2, "--min-interval 0"},
        Refusal{"edit alpha --min-interval 900 --max-interval 60", 1, "must not be above max_interval_seconds"},
        Refusal{"edit alpha --adapter nosuch", 1, "nosuch"},
        Refusal{"edit beta --full-text always", 1, "takes its articles from its adapter"}}) {
    expect_refused(refused);
  }
  const auto locked = while_a_fetch_runs("edit alpha --full-text always");
  EXPECT_EQ(locked.exit_status, 1);
  EXPECT_NE(locked.err.find("another fetch is running"), std::string::npos) << locked.err;
  EXPECT_EQ(snapshot(), before);
}

TEST_F(FeedCommandsTest, PurgeDeletesTheFeedsArticlesWhileTheHistoryKeepsThem) {
  keep_history("\n[feeds.alpha]\nfull_text = \"never\"\n\n# beta's\n[feeds.beta]\nfull_text = \"never\"\n");
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  ASSERT_EQ(documents_in(archive_ / "alpha"), 1u);
  const std::string before = snapshot();
  const auto locked = while_a_fetch_runs("remove alpha --purge");
  EXPECT_EQ(locked.exit_status, 1);
  EXPECT_EQ(newsvault("remove gamma --purge").exit_status, kNoSuchFeed);
  EXPECT_EQ(snapshot(), before) << "refused purges change nothing";

  const auto purged = newsvault("remove alpha --purge --json");
  ASSERT_EQ(purged.exit_status, 0) << purged.err;
  const auto json = nlohmann::json::parse(purged.out);
  EXPECT_EQ(json["articles"], 1);
  EXPECT_EQ(json["documents"], 1);
  EXPECT_TRUE(json["commit"].is_string()) << purged.out;
  EXPECT_FALSE(fs::exists(archive_ / "alpha"));
  const std::string settings = testing::read_file(archive_ / "newsvault.toml");
  EXPECT_EQ(settings.find("[feeds.alpha]"), std::string::npos) << settings;
  EXPECT_NE(settings.find("# beta's\n[feeds.beta]\nfull_text"), std::string::npos) << settings;
  EXPECT_EQ(newsvault("list").out.find("alpha story"), std::string::npos);
  EXPECT_EQ(newsvault("search story").out.find("alpha story"), std::string::npos);
  EXPECT_NE(newsvault("list --feeds").out.find("beta"), std::string::npos);
  EXPECT_EQ(newsvault("list --feeds").out.find("alpha"), std::string::npos);
  EXPECT_EQ(git("status --porcelain"), "");
  // The commit before the purge still holds the document.
  EXPECT_NE(git("log --format=%s --name-status -1").find("D\talpha/"), std::string::npos);
  EXPECT_NE(git("ls-tree -r --name-only HEAD~1").find("alpha/"), std::string::npos);
  expect_check_green();
  // Its name is free again; beta goes on.
  ASSERT_EQ(newsvault("add " + server_.url("/alpha.xml") + " --name alpha").exit_status, 0);
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  EXPECT_EQ(documents_in(archive_ / "alpha"), 1u);
  expect_check_green();
}

TEST_F(FeedCommandsTest, OpmlKeepsTitlesFoldersAndSettingsThroughExportAndImport) {
  testing::write_file(archive_ / "newsvault.toml",
                      std::string(kSettings) +
                          "\n[feeds.alpha]\ntitle = \"Alpha & \\\"News\\\"\"\ncategory = \"News/World\"\n"
                          "full_text = \"always\"\nconvert = [\"s2t\", \"s2hk\"]\nmin_interval_seconds = 900\n"
                          "\n[feeds.beta]\ncategory = \"News\"\n");
  ASSERT_EQ(newsvault("edit beta --adapter dw").exit_status, 0);
  const auto exported = newsvault("export-opml");
  ASSERT_EQ(exported.exit_status, 0) << exported.err;
  // Other readers see folders and titles.
  EXPECT_NE(exported.out.find("<outline text=\"News\" title=\"News\">"), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find("<outline text=\"World\" title=\"World\">"), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find("title=\"Alpha &amp; &quot;News&quot;\""), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find("newsvault:full_text=\"always\""), std::string::npos) << exported.out;

  // Into another archive: the same feeds, names and settings.
  const fs::path other = dir_.path() / "other";
  ASSERT_EQ(run_newsvault("init " + other.string()).exit_status, 0);
  testing::write_file(dir_.path() / "feeds.opml", exported.out);
  const auto imported = run_newsvault("--dir " + other.string() + " import-opml " + (dir_.path() / "feeds.opml").string());
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported 2 feeds"), std::string::npos) << imported.out;
  EXPECT_EQ(run_newsvault("--dir " + other.string() + " export-opml").out, exported.out);
  const std::string settings = testing::read_file(other / "newsvault.toml");
  EXPECT_NE(settings.find("\nmin_interval_seconds = 900\n"), std::string::npos) << settings;
  EXPECT_EQ(run_newsvault("--dir " + other.string() + " check").exit_status, 0);
}

TEST_F(FeedCommandsTest, ImportOpmlSkipsAnOutlineWhoseSettingsAreWrong) {
  testing::write_file(dir_.path() / "feeds.opml",
                      "<opml version=\"2.0\" xmlns:newsvault=\"https://newsvault.invalid/opml\"><body>"
                      "<outline text=\"Good\" xmlUrl=\"https://good.example/feed\" newsvault:convert=\"s2t\"/>"
                      "<outline text=\"Bad\" xmlUrl=\"https://bad.example/feed\" newsvault:full_text=\"sometimes\"/>"
                      "<outline text=\"Ugly\" xmlUrl=\"https://ugly.example/feed\" newsvault:adapter=\"nosuch\"/>"
                      "</body></opml>");
  const auto imported = newsvault("import-opml " + (dir_.path() / "feeds.opml").string());
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  EXPECT_NE(imported.err.find("skipped Bad (https://bad.example/feed): newsvault:full_text=\"sometimes\""),
            std::string::npos) << imported.err;
  EXPECT_NE(imported.err.find("skipped Ugly"), std::string::npos) << imported.err;
  const std::string feeds = newsvault("list --feeds").out;
  EXPECT_NE(feeds.find("good"), std::string::npos);
  EXPECT_EQ(feeds.find("bad"), std::string::npos);
  const std::string settings = testing::read_file(archive_ / "newsvault.toml");
  EXPECT_NE(settings.find("\nconvert = [\"s2t\"]\n"), std::string::npos) << settings;
  EXPECT_EQ(settings.find("sometimes"), std::string::npos);
}

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

TEST_F(FeedCommandsTest, PausedStateSurvivesInTheStoreWithoutAnyStateFile) {
  ASSERT_EQ(newsvault("pause beta").exit_status, 0);
  EXPECT_FALSE(fs::exists(archive_ / ".newsvault" / "feed_states.json"));
  EXPECT_EQ(polling_of("beta"), "paused");
  EXPECT_EQ(polling_of("alpha"), "active");
}

// An archive made when feed states were kept in .newsvault/feed_states.json
// and last feed bodies in .newsvault/feeds/ID.body: both move into the store
// the first time it is opened, and the files go.
TEST_F(FeedCommandsTest, StateFilesOfAnOlderArchiveAreCarriedIntoTheStore) {
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  // The feeds were added alpha then beta: ids 1 and 2.
  testing::write_file(archive_ / ".newsvault" / "feed_states.json", R"({"feeds": {"2": "paused"}})");
  fs::create_directories(archive_ / ".newsvault" / "feeds");
  testing::write_file(archive_ / ".newsvault" / "feeds" / "1.body", feed_with("alpha", 1));
  EXPECT_EQ(polling_of("beta"), "paused") << "a reader sees the file's states before any write";
  serve("beta", 2);
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  EXPECT_FALSE(fs::exists(archive_ / ".newsvault" / "feed_states.json"));
  EXPECT_FALSE(fs::exists(archive_ / ".newsvault" / "feeds"));
  EXPECT_EQ(polling_of("beta"), "paused");
  EXPECT_EQ(polls_of("beta"), 2u) << "paused: only add and the first fetch read it";
  EXPECT_EQ(documents_in(archive_ / "beta"), 1u);
  expect_check_green();
}

TEST_F(FeedCommandsTest, AMalformedOlderStateFileIsNamedAndNothingIsLost) {
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  const std::string before = snapshot();
  testing::write_file(archive_ / ".newsvault" / "feed_states.json", "{\"feeds\": [");
  const auto listed = newsvault("list --feeds");
  EXPECT_NE(listed.exit_status, 0);
  EXPECT_NE(listed.err.find("feed_states.json"), std::string::npos) << listed.err;
  EXPECT_TRUE(fs::exists(archive_ / ".newsvault" / "feed_states.json")) << "kept for the user to mend";
  fs::remove(archive_ / ".newsvault" / "feed_states.json");
  EXPECT_EQ(snapshot(), before);
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
  EXPECT_EQ(polling_of("alpha"), "active");
  EXPECT_EQ(polling_of("beta"), "active");
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
  const auto listed = nlohmann::json::parse(newsvault("list --feeds --json").out);
  EXPECT_EQ(listed["feeds"][0]["polling"], "paused");
  EXPECT_EQ(listed["feeds"][1]["polling"], "active");
  EXPECT_EQ(after["feeds"][1]["state"], "active");
}

TEST_F(FeedCommandsTest, TheBranchPushedIsASettingAndABareRemotesHead) {
  const fs::path remote = dir_.path() / "mirror.git";
  ASSERT_EQ(testing::run_command("git init -q --bare " + testing::shell_quote(remote.string())).exit_status, 0);
  keep_history("branch = \"archive\"\n[[publish.git.remote]]\nname = \"mirror\"\nurl = \"" + remote.string() + "\"\n");
  const auto fetched = newsvault("fetch");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  EXPECT_EQ(git("symbolic-ref HEAD"), "refs/heads/archive\n");
  // A plain clone of the bare remote checks out the branch newsvault pushes.
  const fs::path clone = dir_.path() / "clone";
  ASSERT_EQ(testing::run_command("git clone -q " + testing::shell_quote(remote.string()) + " " +
                                 testing::shell_quote(clone.string())).exit_status, 0);
  EXPECT_EQ(testing::run_command("git -C " + testing::shell_quote(clone.string()) + " symbolic-ref HEAD").out,
            "refs/heads/archive\n");
  EXPECT_EQ(documents_in(clone / "alpha"), 1u);

  // A name git does not take is refused with the file and line.
  keep_history("branch = \"a..b\"\n");
  const auto refused = newsvault("fetch");
  EXPECT_EQ(refused.exit_status, 1);
  EXPECT_NE(refused.err.find("publish.git.branch: \"a..b\" is not a name git takes"), std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace newsvault::cli
