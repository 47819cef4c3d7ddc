// `newsvault fetch` killed with SIGKILL at random moments of a run against a
// local server with hundreds of articles: after every kill the archive must
// be sound (the store passes SQLite's integrity check, no document is half
// written), and the next fetch must finish the work so that the archive is
// byte for byte the one an uninterrupted run makes, its history ending with
// the same tree.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "support/archive_test_support.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;

constexpr const char* kNow = "2023-06-30T12:00:00Z";
constexpr int kFeeds = 3;
constexpr int kItemsPerFeed = 70;
constexpr int kKills = 50;
// Fixed, so that a failure reproduces: the delays are the same every run
// (where they land in the run still depends on the machine's speed).
constexpr std::uint32_t kSeed = 20261126;

// What the store says, read directly with SQLite.
struct StoreState {
  std::string integrity;           // "ok" when sound
  std::int64_t foreign_key_violations = 0;
  std::int64_t articles = 0;
  std::int64_t documents_pending = 0;  // latest revision's document not yet marked written
};

StoreState read_store(const fs::path& archive) {
  StoreState state;
  sqlite3* raw = nullptr;
  const std::string path = (archive / ".newsvault" / "store.db").string();
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    state.integrity = "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory");
    sqlite3_close(raw);
    return state;
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  const auto each_row = [&](const char* sql, const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &statement, nullptr) != SQLITE_OK) {
      state.integrity += std::string(sql) + ": " + sqlite3_errmsg(db.get()) + "; ";
      return;
    }
    while (sqlite3_step(statement) == SQLITE_ROW) row(statement);
    sqlite3_finalize(statement);
  };
  each_row("PRAGMA integrity_check", [&](sqlite3_stmt* statement) {
    state.integrity += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  });
  each_row("PRAGMA foreign_key_check", [&](sqlite3_stmt*) { ++state.foreign_key_violations; });
  each_row("SELECT count(*) FROM articles",
           [&](sqlite3_stmt* statement) { state.articles = sqlite3_column_int64(statement, 0); });
  each_row("SELECT count(*) FROM articles WHERE document_revision < latest_revision",
           [&](sqlite3_stmt* statement) { state.documents_pending = sqlite3_column_int64(statement, 0); });
  return state;
}

// ".NAME.XXXXXX": a write a kill cut short (publish's atomic writes).
bool is_temporary(const std::string& relative) {
  const std::string name = fs::path(relative).filename().string();
  return name.size() > 8 && name[0] == '.' && name[name.size() - 7] == '.';
}

bool is_document(const std::string& relative) {
  return relative.ends_with(".md") && fs::path(relative).filename() != "README.md";
}

class CrashSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    template_ = dir_.path() / "template";
    ASSERT_EQ(run_newsvault("init -q " + template_.string()).exit_status, 0);
    for (int feed = 0; feed < kFeeds; ++feed) {
      const std::string name = "outlet" + std::to_string(feed);
      testing::serve_news_feed(server_, "/" + name + ".xml", name, kItemsPerFeed);
      const auto added = run_newsvault("--dir " + template_.string() + " add -q " +
                                       server_.url("/" + name + ".xml") + " --name " + name +
                                       " --full-text never");
      ASSERT_EQ(added.exit_status, 0) << added.err;
    }

    // The archive as one uninterrupted run makes it, and how long that takes.
    reference_ = dir_.path() / "reference";
    fs::copy(template_, reference_, fs::copy_options::recursive);
    const auto start = std::chrono::steady_clock::now();
    const auto fetched = run_newsvault("--dir " + reference_.string() + " fetch -q --now " + kNow);
    run_time_ = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
    expected_ = testing::archive_files(reference_);
    expected_tree_ = testing::head_tree(reference_);
    std::size_t documents = 0;
    for (const auto& [path, bytes] : expected_) documents += is_document(path);
    ASSERT_EQ(documents, static_cast<std::size_t>(kFeeds * kItemsPerFeed));
  }

  // A fresh copy of the archive before its first fetch.
  fs::path fresh_archive() {
    const fs::path archive = dir_.path() / "killed";
    fs::remove_all(archive);
    fs::copy(template_, archive, fs::copy_options::recursive);
    return archive;
  }

  pid_t start_fetch(const fs::path& archive) {
    return testing::start_newsvault({"--dir", archive.string(), "fetch", "-q", "--now", kNow});
  }

  // What a kill may leave: a sound store, and files each of which is a
  // temporary file, or one the finished archive has; every document is
  // whole (the finished archive's bytes) or absent. Returns where the kill
  // landed, for the tally.
  std::string expect_sound_after_kill(const fs::path& archive, const std::string& context) {
    const StoreState store = read_store(archive);
    EXPECT_EQ(store.integrity, "ok") << context;
    EXPECT_EQ(store.foreign_key_violations, 0) << context;
    std::size_t documents = 0;
    for (const auto& [path, bytes] : testing::archive_files(archive)) {
      if (is_temporary(path)) continue;  // the next run removes it
      const auto expected = expected_.find(path);
      if (expected == expected_.end()) {
        ADD_FAILURE() << context << ": " << path << " is not in the finished archive";
        continue;
      }
      if (is_document(path)) {
        ++documents;
        EXPECT_TRUE(bytes == expected->second) << context << ": " << path << " is not whole";
      }
    }
    // `check` finds nothing damaged: at most work the next fetch finishes.
    const auto checked = run_newsvault("--dir " + archive.string() + " check --json");
    EXPECT_EQ(checked.exit_status, 0) << context << "\n" << checked.out << checked.err;
    // Debian's git reads every object the history has, whatever packing was cut short.
    const auto fsck = testing::run_command("git -C " + archive.string() + " fsck --full --no-dangling");
    EXPECT_EQ(fsck.exit_status, 0) << context << "\n" << fsck.out << fsck.err;

    if (store.articles == 0) return "fetching and parsing";
    if (store.documents_pending > 0) return "writing documents";
    if (!fs::exists(archive / "README.md") || !fs::exists(archive / "feed.json")) {
      return "writing indexes and feeds out";
    }
    if (testing::head_tree(archive) != expected_tree_) return "committing";
    return "after the commit";
  }

  // The next fetch finishes the work: the archive is the uninterrupted
  // run's, byte for byte, and so is its last commit's tree.
  void expect_finished_like_reference(const fs::path& archive, const std::string& context) {
    const auto finished = run_newsvault("--dir " + archive.string() + " fetch -q --now " + kNow);
    ASSERT_EQ(finished.exit_status, 0) << context << ": " << finished.err;
    const auto files = testing::archive_files(archive);
    EXPECT_EQ(files.size(), expected_.size()) << context;
    for (const auto& [path, bytes] : expected_) {
      const auto found = files.find(path);
      if (found == files.end()) {
        ADD_FAILURE() << context << ": " << path << " is missing";
      } else {
        EXPECT_TRUE(found->second == bytes) << context << ": " << path << " differs";
      }
    }
    for (const auto& [path, bytes] : files) {
      EXPECT_TRUE(expected_.contains(path)) << context << ": " << path << " is left over";
    }
    EXPECT_EQ(testing::head_tree(archive), expected_tree_) << context;
    const auto status = testing::run_command("git -C " + archive.string() + " status --porcelain");
    EXPECT_EQ(status.out, "") << context;
    // The history is packed: no loose objects, whatever the kill left.
    const auto objects = testing::run_command("git -C " + archive.string() + " count-objects -v");
    EXPECT_NE(objects.out.find("count: 0\n"), std::string::npos) << context << "\n" << objects.out;
    const auto checked = run_newsvault("--dir " + archive.string() + " check --json");
    EXPECT_EQ(checked.exit_status, 0) << context << "\n" << checked.out << checked.err;
    const auto report = nlohmann::json::parse(checked.out, nullptr, false);
    EXPECT_TRUE(!report.is_discarded() && report["problems"].empty()) << context << "\n" << checked.out;
  }

  testing::HttpTestServer server_;
  // In memory where there is a tmpfs: a SIGKILL loses nothing the kernel
  // holds, so the disk adds only the time of its flushes.
  testing::TempDir dir_{fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()};
  fs::path template_;
  fs::path reference_;
  std::map<std::string, std::string> expected_;
  std::string expected_tree_;  // of the reference's last commit
  std::chrono::microseconds run_time_{0};
};

TEST_F(CrashSafetyTest, FetchKilledAtRandomMomentsLeavesASoundArchiveTheNextRunFinishes) {
  std::mt19937 random(kSeed);
  // Across the whole run, from start-up to the commit. A run that ends
  // before its kill narrows the range to its own length: the reference
  // run may have been timed while other tests loaded the machine.
  std::uniform_int_distribution<std::int64_t> delay(0, run_time_.count());
  std::map<std::string, int> landed;
  int kills = 0;
  int attempts = 0;
  while (kills < kKills && attempts < 4 * kKills) {
    ++attempts;
    const fs::path archive = fresh_archive();
    const std::chrono::microseconds first(delay(random));
    const auto ending = testing::kill_after(start_fetch(archive), first);
    if (!ending.killed) {
      ASSERT_EQ(ending.exit_status, 0) << "a fetch that ended on its own failed";
      delay = std::uniform_int_distribution<std::int64_t>(
          0, std::min(delay.max(), static_cast<std::int64_t>(ending.ran_for.count())));
      continue;
    }
    ++kills;
    const std::string context = "seed " + std::to_string(kSeed) + ", attempt " +
                                std::to_string(attempts) + ", killed after " +
                                std::to_string(first.count()) + " us";
    ++landed[expect_sound_after_kill(archive, context)];
    // Every fifth time, the run that repairs is killed too.
    if (kills % 5 == 0) {
      const std::chrono::microseconds second(delay(random));
      if (testing::kill_after(start_fetch(archive), second).killed) {
        ++kills;
        ++landed["repairing run: " + expect_sound_after_kill(archive, context + ", then after " +
                                                             std::to_string(second.count()) + " us")];
      }
    }
    expect_finished_like_reference(archive, context);
    if (HasFailure()) break;  // one reproducible failure says enough
  }
  EXPECT_GE(kills, kKills) << "runs ended before their kill: the machine is faster than measured";
  std::cout << "[ crash    ] " << kills << " kills over a run of " << run_time_.count() / 1000
            << " ms (" << kFeeds * kItemsPerFeed << " articles); they landed:\n";
  for (const auto& [where, count] : landed) std::cout << "[ crash    ]   " << count << " " << where << "\n";
}

}  // namespace
}  // namespace newsvault::cli
