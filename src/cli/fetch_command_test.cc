// `newsvault fetch` as a user runs it, killed or not.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;

constexpr const char* kNow = "2023-06-19T01:47:05Z";

std::string big_feed(int items) {
  std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>";
  for (int i = 0; i < items; ++i) {
    const std::string n = std::to_string(i);
    feed += "<item><title>Story " + n + "</title><link>https://news.example.org/" + n +
            "</link><guid isPermaLink=\"false\">story-" + n +
            "</guid><pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;Body of "
            "story " + n + ", long enough to be a paragraph of text.&lt;/p&gt;</description></item>";
  }
  return feed + "</channel></rss>";
}

void make_archive(const fs::path& archive, const fs::path& feed) {
  ASSERT_EQ(run_newsvault("init " + archive.string()).exit_status, 0);
  // Its entries link a host that does not exist: archived from the feed alone.
  ASSERT_EQ(run_newsvault("--dir " + archive.string() + " add file://" + feed.string() +
                          " --name big --full-text never")
                .exit_status,
            0);
}

// Every document of the archive (not its state folder or its history), by path.
std::map<std::string, std::string> documents(const fs::path& archive) {
  std::map<std::string, std::string> found;
  for (const auto& file : fs::recursive_directory_iterator(archive)) {
    const std::string relative = fs::relative(file.path(), archive).string();
    if (!file.is_regular_file() || relative.starts_with(".newsvault") || relative.starts_with(".git/") ||
        relative == "newsvault.toml") {
      continue;
    }
    found[relative] = testing::read_file(file.path());
  }
  return found;
}

// Starts `newsvault fetch` and kills it with SIGKILL after `delay`.
void fetch_and_kill(const fs::path& archive, std::chrono::milliseconds delay) {
  const char* env = std::getenv("NEWSVAULT_BIN");
  const std::string binary = env ? env : "build/newsvault";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    execl(binary.c_str(), binary.c_str(), "--dir", archive.c_str(), "fetch", "--now", kNow,
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
}

TEST(FetchCommandTest, KillingFetchAtAnyMomentLeavesAnArchiveTheNextRunCompletes) {
  testing::TempDir dir;
  const fs::path feed = dir.path() / "big.rss";
  testing::write_file(feed, big_feed(1500));

  // The archive as an uninterrupted run writes it.
  const fs::path reference = dir.path() / "reference";
  make_archive(reference, feed);
  ASSERT_EQ(run_newsvault("--dir " + reference.string() + " fetch --quiet --now " + kNow).exit_status, 0);
  const auto expected = documents(reference);
  // The articles, two indexes, six feeds out (three formats, for the feed
  // and the whole archive) and the history's .gitignore.
  ASSERT_EQ(expected.size(), 1500u + 2 + 6 + 1);

  // The same, killed again and again at different moments.
  const fs::path killed = dir.path() / "killed";
  make_archive(killed, feed);
  for (int delay_ms : {5, 20, 60, 120, 200, 350, 500}) {
    fetch_and_kill(killed, std::chrono::milliseconds(delay_ms));
  }
  const auto finished = run_newsvault("--dir " + killed.string() + " fetch --quiet --now " + kNow);
  ASSERT_EQ(finished.exit_status, 0) << finished.err;
  EXPECT_EQ(documents(killed), expected);
  // Everything on disk is in the history, as in the reference, whichever
  // moment the kills cut.
  const auto status = testing::run_command("git -C " + killed.string() + " status --porcelain");
  EXPECT_EQ(status.exit_status, 0) << status.err;
  EXPECT_EQ(status.out, "");
  const auto tree = [](const fs::path& archive) {
    return testing::run_command("git -C " + archive.string() + " rev-parse HEAD^{tree}").out;
  };
  EXPECT_EQ(tree(killed), tree(reference));

  // And the store agrees: one more run finds nothing to do.
  const auto again = run_newsvault("--dir " + killed.string() + " fetch --json --now " + kNow);
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_NE(again.out.find("\"articles_new\": 0"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("\"documents_written\": 0"), std::string::npos) << again.out;
}

TEST(FetchCommandTest, FetchWithoutAnArchiveSaysHowToMakeOne) {
  testing::TempDir dir;
  const auto result = run_newsvault("--dir " + dir.path().string() + " fetch");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("newsvault init"), std::string::npos) << result.err;
}

TEST(FetchCommandTest, AFailingFeedMakesExitStatusThreeAndIsListed) {
  testing::TempDir dir;
  const fs::path archive = dir.path() / "a";
  ASSERT_EQ(run_newsvault("init " + archive.string()).exit_status, 0);
  ASSERT_EQ(run_newsvault("--dir " + archive.string() + " add " + (dir.path() / "gone.xml").string() +
                          " --name gone")
                .exit_status,
            0);
  const auto result = run_newsvault("fetch --dir " + archive.string());
  EXPECT_EQ(result.exit_status, 3);
  EXPECT_NE(result.err.find("gone: read"), std::string::npos) << result.err;
  const auto feeds = run_newsvault("--dir " + archive.string() + " list --feeds");
  EXPECT_NE(feeds.out.find("error: read"), std::string::npos) << feeds.out;
}

TEST(FetchCommandTest, NowAcceptsIsoTimesAndMillisecondsAndRefusesNonsense) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  EXPECT_EQ(run_newsvault("--dir " + dir.path().string() + " fetch --now 1687139225000").exit_status, 0);
  const auto bad = run_newsvault("--dir " + dir.path().string() + " fetch --now yesterday");
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_NE(bad.err.find("--now yesterday"), std::string::npos) << bad.err;
}

TEST(FetchCommandTest, AMalformedConfigNamesFileLineAndKey) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  testing::write_file(dir.path() / "newsvault.toml", "[fetch]\nmax_connections = \"many\"\n");
  const auto result = run_newsvault("--dir " + dir.path().string() + " fetch");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("newsvault.toml:2: fetch.max_connections"), std::string::npos) << result.err;
}

TEST(FetchCommandTest, AddRefusesANameThatWouldLeaveTheArchive) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  const auto result = run_newsvault("--dir " + dir.path().string() + " add file:///x.xml --name ../out");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("../out"), std::string::npos);
}

TEST(FetchCommandTest, OpmlImportAndExportRoundTrip) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  testing::write_file(dir.path() / "feeds.opml",
                      "<opml version=\"2.0\"><body><outline text=\"One\" xmlUrl=\"https://one.example/feed\"/>"
                      "<outline text=\"Two\" xmlUrl=\"https://two.example/feed\"/></body></opml>");
  const auto imported = run_newsvault("--dir " + dir.path().string() + " import-opml " +
                                      (dir.path() / "feeds.opml").string());
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  const auto exported = run_newsvault("--dir " + dir.path().string() + " export-opml");
  EXPECT_NE(exported.out.find("xmlUrl=\"https://one.example/feed\""), std::string::npos);
  EXPECT_NE(exported.out.find("xmlUrl=\"https://two.example/feed\""), std::string::npos);
}

}  // namespace
}  // namespace newsvault::cli
