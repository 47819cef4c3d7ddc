// `newsvault worker` and one publisher per store, from the command line:
// workers lease feeds from the store (SQLite or PostgreSQL), fetch them from
// an HTTP server on 127.0.0.1 whose feeds change between runs, and save into
// the store alone; `publish` writes what they saved. Workers are killed with
// SIGKILL mid-run, and publishers race for the store.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "record/record.h"
#include "store/store.h"
#include "support/test_images.h"
#include "support/archive_test_support.h"
#include "support/http_test_server.h"
#include "support/postgresql_test_support.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;
using testing::shell_quote;

// The PostgreSQL advisory lock a publisher holds ("nvpublsh").
constexpr const char* kPublisherLock = "7959673040888689512";

// Feed `number`: two items whose text carries `word`.
std::string feed_body(int number, const std::string& word) {
  std::string items;
  for (int item = 1; item <= 2; ++item) {
    const std::string id = "f" + std::to_string(number) + "-" + std::to_string(item);
    items += "<item><title>Story " + id + "</title><link>https://news.example/" + id + "</link><guid>" + id +
             "</guid><pubDate>Mon, 19 Jun 2023 0" + std::to_string(item) +
             ":00:00 GMT</pubDate><description>&lt;p&gt;Story " + id + ", " + word +
             ".&lt;/p&gt;</description></item>";
  }
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed " + std::to_string(number) +
         "</title><link>https://news.example/</link>" + items + "</channel></rss>";
}

// The engine the archive's store uses.
enum class Engine { kSqlite, kPostgresql };

class WorkerTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgresql) {
      if (testing::postgresql_uri().empty()) GTEST_SKIP() << testing::kNoPostgresql;
      database_.emplace();
    }
    word_ = "word" + std::to_string(std::random_device()());
    archive_ = dir_.path() / "archive";
  }

  // An archive of `feeds` feeds, /f/0.xml .. on the test server, whose
  // workers lease `batch` feeds at a time for `lease_seconds`.
  void make_archive(int feeds, int batch, int lease_seconds) {
    feeds_ = feeds;
    std::string init = "init -q " + shell_quote(archive_.string());
    if (database_) init += " --store " + shell_quote(database_->uri());
    ASSERT_EQ(run_newsvault(init).exit_status, 0);
    std::string settings;
    if (database_) settings += "[store]\nurl = \"" + database_->uri() + "\"\n";
    settings += "[fetch]\nfull_text = \"never\"\ntimeout_seconds = 120\n";
    settings += "[workers]\nlease_seconds = " + std::to_string(lease_seconds) +
                "\nbatch = " + std::to_string(batch) + "\n";
    testing::write_file(archive_ / "newsvault.toml", settings);
    std::string opml = "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>";
    for (int number = 0; number < feeds; ++number) {
      serve(number);
      opml += "<outline type=\"rss\" text=\"f" + std::to_string(number) + "\" xmlUrl=\"" + server_.url(path(number)) +
              "\"/>";
    }
    testing::write_file(dir_.path() / "feeds.opml", opml + "</body></opml>");
    const auto imported = newsvault("import-opml " + shell_quote((dir_.path() / "feeds.opml").string()));
    ASSERT_EQ(imported.exit_status, 0) << imported.err;
  }

  static std::string path(int number) { return "/f/" + std::to_string(number) + ".xml"; }
  void serve(int number, std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
    server_.set(path(number), {.headers = {{"Content-Type", "application/rss+xml"}},
                               .body = feed_body(number, word_),
                               .delay = delay});
  }
  // Feed 0 with a picture of its own in its first story: the PNG served.
  std::string serve_feed_with_picture() {
    const std::string picture = testing::make_png(4, 3, static_cast<std::uint32_t>(std::random_device()()) & 0xFFFFFF);
    server_.set("/picture.png", {.headers = {{"Content-Type", "image/png"}}, .body = picture});
    std::string body = feed_body(0, word_);
    body.insert(body.find("</description>"), "&lt;img src=\"" + server_.url("/picture.png") + "\"&gt;");
    server_.set(path(0), {.headers = {{"Content-Type", "application/rss+xml"}}, .body = body});
    return picture;
  }
  std::size_t feed_requests() const {
    std::size_t count = 0;
    for (int number = 0; number < feeds_; ++number) count += server_.request_count(path(number));
    return count;
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }
  pid_t start_worker(const std::string& id) {
    return testing::start_newsvault({"--dir", archive_.string(), "worker", "--once", "--id", id});
  }
  static int exit_status_of(pid_t process) {
    int status = 0;
    ::waitpid(process, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // What a reader of the archive notices: every article of every feed is in
  // the store once, with one revision (its content seen once), and after
  // `publish` its document is in the folder and `check` is green.
  void expect_every_article_once_and_published() {
    const auto listed = newsvault("list --json");
    ASSERT_EQ(listed.exit_status, 0) << listed.err;
    const auto articles = nlohmann::json::parse(listed.out)["articles"];
    EXPECT_EQ(articles.size(), static_cast<std::size_t>(2 * feeds_));
    std::set<std::string> keys;
    for (const auto& article : articles) {
      EXPECT_EQ(article["revisions"], 1) << article.dump();
      keys.insert(article["key"].get<std::string>());
    }
    EXPECT_EQ(keys.size(), static_cast<std::size_t>(2 * feeds_)) << "an article archived twice";

    const auto published = newsvault("publish -q");
    ASSERT_EQ(published.exit_status, 0) << published.err;
    for (const auto& article : articles) {
      const fs::path document = archive_ / article["document"].get<std::string>();
      ASSERT_TRUE(fs::exists(document)) << document;
      EXPECT_NE(testing::read_file(document).find(word_), std::string::npos) << document;
    }
    const auto check = newsvault("check");
    EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
  }

  std::optional<testing::ScratchDatabase> database_;
  testing::TempDir dir_;
  testing::HttpTestServer server_;
  fs::path archive_;
  std::string word_;
  int feeds_ = 0;
};

TEST_P(WorkerTest, OnceLeasesEveryDueFeedSavesIntoTheStoreAndPublishWritesTheDocuments) {
  make_archive(12, 5, 300);
  const auto worked = newsvault("worker --once --id one");
  ASSERT_EQ(worked.exit_status, 0) << worked.err;
  for (int number = 0; number < feeds_; ++number) EXPECT_EQ(server_.request_count(path(number)), 1u) << number;
  // A worker writes the store alone: the folder waits for the publisher.
  EXPECT_FALSE(fs::exists(archive_ / "f0"));
  expect_every_article_once_and_published();

  // Nothing is due any more: a second worker polls nothing.
  const auto again = newsvault("worker --once --id two");
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_EQ(feed_requests(), static_cast<std::size_t>(feeds_));
}

// Each worker keeps the responses it received, as fetch does, in WARC files
// named for it (workers on different machines never write one file name),
// and every revision it saved points at the response it was made from.
TEST_P(WorkerTest, AWorkerKeepsItsResponsesInWarcFilesOfItsOwnThatItsRevisionsPointAt) {
  make_archive(3, 2, 300);
  const auto worked = newsvault("worker --once --id host-a/1");
  ASSERT_EQ(worked.exit_status, 0) << worked.err;

  const fs::path folder = archive_ / record::kWarcDirectory;
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().string().ends_with(".warc.gz")) names.insert(entry.path().filename().string());
  }
  ASSERT_FALSE(names.empty()) << "no WARC file in " << folder;
  const fs::path warcio = fs::absolute("tests/tools/warcio/read_warc.mjs");
  const bool have_warcio = fs::exists(warcio.parent_path() / "node_modules/warcio") &&
                           testing::run_command("node --version").exit_status == 0;
  for (const std::string& name : names) {
    EXPECT_TRUE(name.starts_with("newsvault-worker-host-a-1-")) << name;
    if (!have_warcio) continue;
    // webrecorder's warcio.js reads every record without a warning.
    const auto read = testing::run_command("node " + shell_quote(warcio.string()) + " " +
                                           shell_quote((folder / name).string()));
    EXPECT_EQ(read.exit_status, 0) << read.err;
    EXPECT_EQ(read.err, "") << "warcio.js warned";
    EXPECT_NE(read.out.find("\"response\""), std::string::npos) << read.out;
  }

  const auto listed = newsvault("list --json");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  const auto articles = nlohmann::json::parse(listed.out)["articles"];
  ASSERT_EQ(articles.size(), 6u);
  for (const auto& article : articles) {
    const auto shown = newsvault("show " + std::to_string(article["id"].get<int>()) + " --json");
    ASSERT_EQ(shown.exit_status, 0) << shown.err;
    const std::string pointer = nlohmann::json::parse(shown.out)["revisions"][0]["warc_record"];
    const auto colon = pointer.rfind(':');
    ASSERT_NE(colon, std::string::npos) << pointer;
    ASSERT_TRUE(names.contains(pointer.substr(0, colon))) << pointer;
    const std::uint64_t offset = std::stoull(pointer.substr(colon + 1));
    std::string type, target;
    auto read = record::read_warc(folder / pointer.substr(0, colon), [&](const record::StoredRecord& stored) {
      if (stored.offset == offset) {
        type = stored.type;
        target = stored.target_uri;
      }
      return true;
    });
    ASSERT_TRUE(read) << read.error().message();
    EXPECT_EQ(type, "response") << pointer;
    EXPECT_NE(target.find("/f/"), std::string::npos) << target;
    // The record holds the feed as served this run, its word among it.
    const auto zcat = testing::run_command("zcat " + shell_quote((folder / pointer.substr(0, colon)).string()));
    EXPECT_NE(zcat.out.find(word_), std::string::npos);
  }
}

// With [publish.sign], a worker lists the WARC files it wrote in its
// folder's signed manifest of the day, which newsvault verify, sha256sum
// and ssh-keygen check there.
TEST_P(WorkerTest, AWorkerSignsTheDaysManifestOfItsWarcFilesInItsFolder) {
  if (testing::run_command("command -v ssh-keygen && command -v sha256sum").exit_status != 0) {
    GTEST_SKIP() << "ssh-keygen or sha256sum is missing";
  }
  make_archive(2, 2, 300);
  const fs::path key = dir_.path() / "signing_key";
  ASSERT_EQ(testing::run_command("ssh-keygen -q -t ed25519 -N '' -f " + shell_quote(key.string())).exit_status, 0);
  testing::write_file(archive_ / "newsvault.toml", testing::read_file(archive_ / "newsvault.toml") +
                                                       "[publish.sign]\nssh_key = \"" + key.string() + "\"\n");
  const auto worked = newsvault("worker --once --id signer");
  ASSERT_EQ(worked.exit_status, 0) << worked.err;

  std::vector<fs::path> manifests;
  for (const auto& entry : fs::directory_iterator(archive_ / "manifests")) {
    if (entry.path().extension() == ".sha256") manifests.push_back(entry.path());
  }
  ASSERT_EQ(manifests.size(), 1u);
  const std::string listed = testing::read_file(manifests[0]);
  EXPECT_NE(listed.find("  .newsvault/warc/newsvault-worker-signer-"), std::string::npos) << listed;
  const std::string name = "manifests/" + manifests[0].filename().string();
  const auto in_folder = [&](const std::string& command) {
    return testing::run_command("cd " + shell_quote(archive_.string()) + " && " + command);
  };
  const auto sums = in_folder("sha256sum -c " + name);
  EXPECT_EQ(sums.exit_status, 0) << sums.out << sums.err;
  const auto signature = in_folder("ssh-keygen -Y verify -f manifests/allowed_signers -I newsvault -n newsvault -s " +
                                   name + ".sig < " + name);
  EXPECT_EQ(signature.exit_status, 0) << signature.err;
  const auto verified = newsvault("verify");
  EXPECT_EQ(verified.exit_status, 0) << verified.out << verified.err;
}

// A worker fetches no image: it queues those its articles show, and the
// publisher keeps them in media/ and shows them on the site.
TEST_P(WorkerTest, ImagesOfWorkerSavedArticlesAreKeptByPublishAndShownOnTheSite) {
  make_archive(1, 1, 300);
  const std::string picture = serve_feed_with_picture();

  const auto worked = newsvault("worker --once --id pictures");
  ASSERT_EQ(worked.exit_status, 0) << worked.err;
  EXPECT_EQ(server_.request_count("/picture.png"), 0u) << "the worker fetched the image";
  const std::string kept = "media/sha256/" + store::sha256_hex(picture).substr(0, 2) + "/" +
                           store::sha256_hex(picture) + ".png";
  EXPECT_FALSE(fs::exists(archive_ / kept));

  const auto published = newsvault("publish -q");
  ASSERT_EQ(published.exit_status, 0) << published.err;
  EXPECT_EQ(server_.request_count("/picture.png"), 1u);
  ASSERT_TRUE(fs::exists(archive_ / kept)) << kept;
  EXPECT_EQ(testing::read_file(archive_ / kept), picture);
  // The site's page of the story shows the kept copy, by a relative path.
  bool shown = false;
  for (const auto& entry : fs::recursive_directory_iterator(archive_ / "site")) {
    if (entry.path().extension() != ".html") continue;
    const std::string page = testing::read_file(entry.path());
    if (page.find("<h1>Story f0-1</h1>") == std::string::npos) continue;
    const auto at = page.find("<img src=\"");
    ASSERT_NE(at, std::string::npos) << entry.path();
    const std::string source = page.substr(at + 10, page.find('"', at + 10) - at - 10);
    EXPECT_EQ(source.find("://"), std::string::npos) << source;
    EXPECT_EQ(testing::read_file(entry.path().parent_path() / source), picture) << source;
    shown = true;
  }
  EXPECT_TRUE(shown) << "no site page shows Story f0-1";

  // Kept once: a second publish asks for nothing.
  ASSERT_EQ(newsvault("publish -q").exit_status, 0);
  EXPECT_EQ(server_.request_count("/picture.png"), 1u);
  const auto check = newsvault("check");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

// The daemon of the publisher's folder keeps the images workers queued,
// though no feed of its own is due: the queued work is due, so a cycle
// runs for it, keeps the image and shows it on the site.
TEST_P(WorkerTest, TheDaemonKeepsImagesThatWorkersQueuedWithoutPollingTheirFeeds) {
  make_archive(1, 1, 300);
  const std::string picture = serve_feed_with_picture();
  const auto worked = newsvault("worker --once --id pictures");
  ASSERT_EQ(worked.exit_status, 0) << worked.err;
  ASSERT_EQ(server_.request_count(path(0)), 1u);

  const std::string hash = store::sha256_hex(picture);
  const fs::path kept = archive_ / "media/sha256" / hash.substr(0, 2) / (hash + ".png");
  const pid_t daemon = testing::start_newsvault({"--dir", archive_.string(), "run"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(kept) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(daemon, SIGTERM);
  EXPECT_EQ(exit_status_of(daemon), 0);
  ASSERT_TRUE(fs::exists(kept)) << "the daemon did not keep the queued image";
  EXPECT_EQ(testing::read_file(kept), picture);
  EXPECT_EQ(server_.request_count(path(0)), 1u) << "the daemon polled the worker's feed";
  bool shown = false;
  for (const auto& entry : fs::recursive_directory_iterator(archive_ / "site")) {
    if (entry.path().extension() == ".html" &&
        testing::read_file(entry.path()).find(hash + ".png") != std::string::npos) {
      shown = true;
    }
  }
  EXPECT_TRUE(shown) << "no site page shows the kept copy";
  const auto check = newsvault("check");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

// A feed's converted copies ([feeds.NAME] convert) of worker-saved articles
// are written by publish beside their documents, as fetch writes them: no
// copy is missing for the commit's check to restore.
TEST_P(WorkerTest, PublishWritesTheConvertedCopiesOfWorkerSavedArticles) {
  make_archive(1, 1, 300);
  testing::write_file(archive_ / "newsvault.toml",
                      testing::read_file(archive_ / "newsvault.toml") + "\n[feeds.f0]\nconvert = [\"s2t\"]\n");
  const std::string body =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed</title><link>https://news.example/</link>"
      "<item><title>汉语新闻</title><link>https://news.example/zh-1</link><guid>zh-1</guid>"
      "<pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;这是简体中文的报道 " + word_ +
      ".&lt;/p&gt;</description></item></channel></rss>";
  server_.set(path(0), {.headers = {{"Content-Type", "application/rss+xml"}}, .body = body});

  const auto worked = newsvault("worker --once --id converter");
  ASSERT_EQ(worked.exit_status, 0) << worked.err;
  EXPECT_FALSE(fs::exists(archive_ / "f0" / "zh-Hant"));
  const auto published = newsvault("publish");
  ASSERT_EQ(published.exit_status, 0) << published.err;
  EXPECT_EQ(published.err.find("restored"), std::string::npos) << published.err;

  std::vector<fs::path> copies;
  for (const auto& entry : fs::recursive_directory_iterator(archive_ / "f0" / "zh-Hant")) {
    if (entry.path().extension() == ".md" && entry.path().filename() != "README.md") copies.push_back(entry.path());
  }
  ASSERT_EQ(copies.size(), 1u);
  const std::string copy = testing::read_file(copies[0]);
  EXPECT_NE(copy.find("這是簡體中文"), std::string::npos) << copy;
  EXPECT_NE(copy.find(word_), std::string::npos) << copy;
  const auto check = newsvault("check");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

TEST_P(WorkerTest, AWorkerKilledHoldingLeasesHasItsFeedsTakenByAnotherOnceTheyExpire) {
  make_archive(6, 10, 2);
  // Feed 0 answers late: the first worker holds every lease while it waits.
  serve(0, std::chrono::minutes(5));
  const pid_t first = start_worker("first");
  while (server_.request_count(path(0)) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ::kill(first, SIGKILL);
  EXPECT_EQ(exit_status_of(first), -1);
  serve(0);

  const auto second = newsvault("worker --once --id second");
  ASSERT_EQ(second.exit_status, 0) << second.err;
  for (int number = 0; number < feeds_; ++number) {
    EXPECT_EQ(server_.request_count(path(number)), 2u) << "feed " << number << ": once by each worker";
  }
  expect_every_article_once_and_published();
}

TEST_P(WorkerTest, SigtermStopsAWorkerAfterItsBatchWithTheBatchSaved) {
  make_archive(4, 10, 300);
  serve(0, std::chrono::seconds(1));  // the batch is still running when the signal comes
  const pid_t worker = testing::start_newsvault({"--dir", archive_.string(), "worker", "--id", "steady"});
  while (server_.request_count(path(0)) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ::kill(worker, SIGTERM);
  EXPECT_EQ(exit_status_of(worker), 0);
  const auto listed = newsvault("list --json");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out)["articles"].size(), 8u) << "the batch in hand was saved";
  expect_every_article_once_and_published();
}

TEST_P(WorkerTest, AZeroLeaseIsRefusedNamingTheSetting) {
  make_archive(1, 1, 300);
  std::string settings = testing::read_file(archive_ / "newsvault.toml");
  settings.replace(settings.find("lease_seconds = 300"), 19, "lease_seconds = 0");
  testing::write_file(archive_ / "newsvault.toml", settings);
  const auto worked = newsvault("worker --once");
  EXPECT_EQ(worked.exit_status, kExitFailure);
  EXPECT_NE(worked.err.find("newsvault.toml"), std::string::npos) << worked.err;
  EXPECT_NE(worked.err.find("lease_seconds"), std::string::npos) << worked.err;
  EXPECT_EQ(feed_requests(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, WorkerTest, ::testing::Values(Engine::kSqlite, Engine::kPostgresql),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                           return info.param == Engine::kSqlite ? "Sqlite" : "Postgresql";
                         });

// A model test of workers that die: rounds in which the feeds change (new
// stories, stories edited) and one to three workers start, some of them
// killed with SIGKILL at a random moment, their leases left to expire.
// Afterwards, once a worker has run undisturbed, the archive must hold
// every story the feeds ever listed once, each with its last version, and
// no revision but versions the feeds served, each once and in order; then
// `publish` and `check` pass. Rounds run until NEWSVAULT_WORKER_MODEL_SECONDS
// (bench/worker_model.sh sets it; the suite skips it) have passed; NEWSVAULT_WORKER_MODEL_SEED=N repeats one
// sequence of changes (the moments of the kills are the machine's);
// bench/worker_model.sh runs it longer.
struct StoryVersion {
  std::string id;
  int version = 1;
};

std::string model_feed_body(int number, const std::vector<StoryVersion>& stories) {
  std::string items;
  for (const StoryVersion& story : stories) {
    const std::string title = "Story " + story.id + " v" + std::to_string(story.version);
    items += "<item><title>" + title + "</title><link>https://news.example/" + story.id + "</link><guid>" +
             story.id + "</guid><pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;" + title +
             " as told.&lt;/p&gt;</description></item>";
  }
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed " + std::to_string(number) +
         "</title><link>https://news.example/</link>" + items + "</channel></rss>";
}

int model_budget_seconds() {
  const char* value = std::getenv("NEWSVAULT_WORKER_MODEL_SECONDS");
  return value ? std::atoi(value) : 15;
}

TEST_P(WorkerTest, WorkersKilledAndStartedAtRandomArchiveEveryVersionServedOnce) {
  // Not in the suite yet: with feeds due again every second, a `worker
  // --once` whose pass takes longer than that finds more due work and does
  // not stop (seen on a loaded machine), so a round can wait for ever.
  if (std::getenv("NEWSVAULT_WORKER_MODEL_SECONDS") == nullptr) {
    GTEST_SKIP() << "set NEWSVAULT_WORKER_MODEL_SECONDS (bench/worker_model.sh) to run it";
  }
  const char* only = std::getenv("NEWSVAULT_WORKER_MODEL_SEED");
  const std::uint32_t seed = only ? static_cast<std::uint32_t>(std::atoi(only)) : std::random_device()();
  SCOPED_TRACE("NEWSVAULT_WORKER_MODEL_SEED=" + std::to_string(seed));
  std::mt19937 random(seed);
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(random); };
  auto between = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };

  constexpr int kLeaseSeconds = 2;
  make_archive(10, between(1, 4), kLeaseSeconds);
  // Every feed is due again a second after its poll.
  testing::write_file(archive_ / "newsvault.toml", testing::read_file(archive_ / "newsvault.toml") +
                                                       "[schedule]\nmin_interval_seconds = 1\n"
                                                       "max_interval_seconds = 1\n");
  std::vector<std::vector<StoryVersion>> feeds(static_cast<std::size_t>(feeds_));
  int next_story = 0;
  auto serve_feeds = [&] {
    for (int number = 0; number < feeds_; ++number) {
      server_.set(path(number), {.headers = {{"Content-Type", "application/rss+xml"}},
                                 .body = model_feed_body(number, feeds[static_cast<std::size_t>(number)]),
                                 .delay = std::chrono::milliseconds(between(0, 40))});
    }
  };
  for (auto& stories : feeds) stories.push_back({"s" + std::to_string(next_story++) + "-" + word_, 1});
  serve_feeds();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(model_budget_seconds());
  int rounds = 0, started = 0, killed = 0;
  while (rounds < 3 || std::chrono::steady_clock::now() < deadline) {
    ++rounds;
    // The sources change: a new story here, an edited one there.
    for (auto& stories : feeds) {
      if (chance(0.3)) stories.push_back({"s" + std::to_string(next_story++) + "-" + word_, 1});
      if (chance(0.3)) ++stories[static_cast<std::size_t>(between(0, static_cast<int>(stories.size()) - 1))].version;
    }
    serve_feeds();
    std::vector<std::pair<pid_t, bool>> workers;  // (process, to be killed)
    const int count = between(1, 3);
    for (int w = 0; w < count; ++w) {
      // Ids from a small pool: a worker started again on its machine keeps its id.
      workers.emplace_back(start_worker("w" + std::to_string(between(1, 4))), chance(0.4));
      ++started;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(between(0, 300)));
    for (const auto& [worker, kill] : workers) {
      if (!kill) continue;
      ::kill(worker, SIGKILL);
      ++killed;
    }
    for (const auto& [worker, kill] : workers) {
      const int status = exit_status_of(worker);
      // A worker told to die may have finished first.
      if (!kill) {
        EXPECT_EQ(status, 0) << "round " << rounds;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(between(0, 1200)));
  }

  // Undisturbed: once every lease has expired, one worker takes every feed.
  std::this_thread::sleep_for(std::chrono::milliseconds(kLeaseSeconds * 1000 + 500));
  const auto settled = newsvault("worker --once --id settle");
  ASSERT_EQ(settled.exit_status, 0) << settled.err;

  const auto listed = newsvault("list --json");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  std::map<std::string, int> final_version;
  for (const auto& stories : feeds) {
    for (const StoryVersion& story : stories) final_version[story.id] = story.version;
  }
  std::map<std::string, std::int64_t> article_of;
  const auto articles = nlohmann::json::parse(listed.out)["articles"];
  for (const auto& article : articles) {
    const std::string key = article["key"];
    EXPECT_TRUE(final_version.contains(key)) << "an article the feeds never listed: " << key;
    EXPECT_TRUE(article_of.emplace(key, article["id"].get<std::int64_t>()).second) << "archived twice: " << key;
  }
  EXPECT_EQ(article_of.size(), final_version.size()) << "stories missed";
  int revision_count = 0;
  for (const auto& [key, id] : article_of) {
    const auto shown = newsvault("show " + std::to_string(id) + " --json");
    ASSERT_EQ(shown.exit_status, 0) << shown.err;
    int last = 0;
    std::string titles;
    const auto revisions = nlohmann::json::parse(shown.out)["revisions"];
    for (const auto& revision : revisions) {
      const std::string title = revision["title"];
      titles += title + "; ";
      ++revision_count;
      const auto v = title.rfind(" v");
      ASSERT_NE(v, std::string::npos) << title;
      const int version = std::atoi(title.c_str() + v + 2);
      EXPECT_GT(version, last) << key << ": a version archived twice or out of order: " << titles;
      last = version;
    }
    EXPECT_EQ(last, final_version.at(key)) << key << ": the last version is missing: " << titles;
  }
  std::cerr << "worker model: " << rounds << " rounds, " << started << " workers started, " << killed
            << " killed; " << article_of.size() << " stories archived with " << revision_count << " revisions\n";

  const auto published = newsvault("publish -q");
  ASSERT_EQ(published.exit_status, 0) << published.err;
  const auto check = newsvault("check");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

class PostgresqlWorkersTest : public WorkerTest {};

// Three workers over many feeds, one killed with SIGKILL mid-run: the others
// finish its feeds once its leases expire, and every article is archived
// once, no feed lost, none polled more than twice.
TEST_P(PostgresqlWorkersTest, ThreeWorkersOneKilledMidRunArchiveEveryArticleExactlyOnce) {
  make_archive(150, 8, 2);
  std::vector<pid_t> workers;
  for (const char* id : {"a", "b", "c"}) workers.push_back(start_worker(id));
  while (feed_requests() < 40) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(workers[0], SIGKILL);
  EXPECT_EQ(exit_status_of(workers[0]), -1);
  EXPECT_EQ(exit_status_of(workers[1]), 0);
  EXPECT_EQ(exit_status_of(workers[2]), 0);
  for (int number = 0; number < feeds_; ++number) {
    const std::size_t polls = server_.request_count(path(number));
    EXPECT_GE(polls, 1u) << "feed " << number << " lost";
    EXPECT_LE(polls, 2u) << "feed " << number;
  }
  expect_every_article_once_and_published();
}

INSTANTIATE_TEST_SUITE_P(Postgresql, PostgresqlWorkersTest, ::testing::Values(Engine::kPostgresql),
                         [](const ::testing::TestParamInfo<Engine>&) { return "Postgresql"; });

// A session of the test's own on the store's database.
struct Session {
  explicit Session(const std::string& uri) : connection(PQconnectdb(uri.c_str()), &PQfinish) {}
  std::string value(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1) {
      return std::string("error: ") + PQerrorMessage(connection.get());
    }
    return PQgetvalue(result.get(), 0, 0);
  }
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection;
};

// Two publishers of one store: a second one stops at once with its own exit
// status and writes nothing, or with --wait waits for the first to finish.
TEST_P(PostgresqlWorkersTest, ASecondPublisherStopsCleanlyOrWaitsForTheFirst) {
  make_archive(3, 10, 300);
  ASSERT_EQ(newsvault("worker --once -q").exit_status, 0);
  auto first = std::make_unique<Session>(database_->uri());
  ASSERT_EQ(first->value(std::string("SELECT pg_try_advisory_lock(") + kPublisherLock + ")"), "t");

  const auto refused = newsvault("publish");
  EXPECT_EQ(refused.exit_status, kExitAnotherPublisher);
  EXPECT_NE(refused.err.find("another publisher"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(archive_ / "f0")) << "a refused publisher wrote documents";

  const pid_t waiting = testing::start_newsvault({"--dir", archive_.string(), "publish", "--wait"});
  Session watcher(database_->uri());
  while (watcher.value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") != "1") {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  int status = 0;
  EXPECT_EQ(::waitpid(waiting, &status, WNOHANG), 0) << "publish --wait did not wait";
  EXPECT_FALSE(fs::exists(archive_ / "f0"));
  first.reset();  // the first publisher ends
  EXPECT_EQ(exit_status_of(waiting), 0);
  EXPECT_TRUE(fs::exists(archive_ / "f0"));
  const auto check = newsvault("check");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

}  // namespace
}  // namespace newsvault::cli
