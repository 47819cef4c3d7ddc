// `newsvault fetch` on a file system that fills up part way: the run must
// end with an error naming the file and the cause, damage nothing (the
// store passes SQLite's integrity check, everything archived before is
// still there), and once space is freed the next fetch must finish the
// work as an uninterrupted run does.
//
// The archive lives on a small tmpfs the test mounts, filled up to a few
// different points of the run; mounting needs root, so elsewhere the test
// skips.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/archive_test_support.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;

constexpr const char* kFirstRun = "2023-06-15T12:00:00Z";
constexpr const char* kSecondRun = "2023-06-30T12:00:00Z";

// A tmpfs mounted for the test's life.
class SmallFileSystem {
 public:
  // Empty error() when mounted.
  SmallFileSystem(const fs::path& where, std::size_t bytes) : where_(where) {
    fs::create_directories(where_);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("tmpfs", where_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::strerror(errno);
    }
  }
  ~SmallFileSystem() {
    if (error_.empty()) ::umount2(where_.c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }

  std::size_t free_bytes() const {
    struct statvfs stats {};
    ::statvfs(where_.c_str(), &stats);
    return static_cast<std::size_t>(stats.f_bavail) * stats.f_frsize;
  }

  // Takes all but `leave` bytes of the free space with one file.
  void fill_leaving(std::size_t leave) {
    const std::size_t free = free_bytes();
    std::ofstream filler(where_ / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (std::size_t taken = 0; taken + leave + block.size() <= free; taken += block.size()) {
      filler.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  void free_space() { fs::remove(where_ / "filler"); }

 private:
  fs::path where_;
  std::string error_;
};

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting the small file system this test fills needs root";
    disk_ = std::make_unique<SmallFileSystem>(dir_.path() / "disk", 64u << 20);
    if (!disk_->error().empty()) {
      GTEST_SKIP() << "cannot mount a tmpfs (" << disk_->error() << "): the test needs one to fill";
    }
    for (const char* name : {"first", "second", "third"}) {
      testing::serve_news_feed(server_, std::string("/") + name + ".xml", name, 60);
    }
    // The archive after a first fetch of one feed, with two feeds added
    // since: the second fetch is the one the full disk cuts short.
    template_ = dir_.path() / "template";
    ASSERT_EQ(run_newsvault("init -q " + template_.string()).exit_status, 0);
    add_feed(template_, "first");
    const auto first = run_newsvault("--dir " + template_.string() + " fetch -q --now " + kFirstRun);
    ASSERT_EQ(first.exit_status, 0) << first.err;
    add_feed(template_, "second");
    add_feed(template_, "third");

    reference_ = dir_.path() / "reference";
    fs::copy(template_, reference_, fs::copy_options::recursive);
    const auto second = run_newsvault("--dir " + reference_.string() + " fetch -q --now " + kSecondRun);
    ASSERT_EQ(second.exit_status, 0) << second.err;
    expected_ = testing::archive_files(reference_);
  }

  void add_feed(const fs::path& archive, const std::string& name) {
    const auto added = run_newsvault("--dir " + archive.string() + " add -q " +
                                     server_.url("/" + name + ".xml") + " --name " + name +
                                     " --full-text never");
    ASSERT_EQ(added.exit_status, 0) << added.err;
  }

  // The template's copy on the small file system.
  fs::path archive_on_disk() {
    const fs::path archive = dir_.path() / "disk" / "archive";
    fs::remove_all(archive);
    fs::copy(template_, archive, fs::copy_options::recursive);
    return archive;
  }

  testing::HttpTestServer server_;
  testing::TempDir dir_;
  std::unique_ptr<SmallFileSystem> disk_;
  fs::path template_;
  fs::path reference_;
  std::map<std::string, std::string> expected_;
};

TEST_F(FullDiskTest, RunOutOfSpaceNamesTheFileDamagesNothingAndTheNextRunFinishes) {
  // How much the second fetch takes on this file system.
  const fs::path measured = archive_on_disk();
  const std::size_t before = disk_->free_bytes();
  ASSERT_EQ(run_newsvault("--dir " + measured.string() + " fetch -q --now " + kSecondRun).exit_status, 0);
  const std::size_t needed = before - disk_->free_bytes();
  const auto template_files = testing::archive_files(template_);

  int failed_runs = 0;
  for (int percent : {0, 10, 30, 50, 70, 90}) {
    const std::string context = "space for " + std::to_string(percent) + "% of the run";
    const fs::path archive = archive_on_disk();
    disk_->fill_leaving(needed * percent / 100);
    const auto full = run_newsvault("--dir " + archive.string() + " fetch -q --now " + kSecondRun);
    if (full.exit_status != 0) {
      ++failed_runs;
      EXPECT_TRUE(full.exit_status == 1 || full.exit_status == 4) << context << ": " << full.err;
      EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << context << ": " << full.err;
      // Named by its path in the archive (or the store's).
      EXPECT_NE(full.err.find(archive.string()), std::string::npos) << context << ": " << full.err;
    }
    // Nothing archived before is lost, and the store is sound.
    const auto files = testing::archive_files(archive);
    for (const auto& [path, bytes] : template_files) {
      if (path.ends_with(".md") && fs::path(path).filename() != "README.md") {
        const auto found = files.find(path);
        EXPECT_TRUE(found != files.end() && found->second == bytes) << context << ": " << path << " lost";
      }
    }
    disk_->free_space();
    const auto checked = run_newsvault("--dir " + archive.string() + " check --json");
    EXPECT_EQ(checked.exit_status, 0) << context << ": " << checked.out << checked.err;

    // With space again, the next run finishes the work.
    const auto again = run_newsvault("--dir " + archive.string() + " fetch -q --now " + kSecondRun);
    ASSERT_EQ(again.exit_status, 0) << context << ": " << again.err;
    EXPECT_TRUE(testing::archive_files(archive) == expected_) << context;
    EXPECT_EQ(testing::head_tree(archive), testing::head_tree(reference_)) << context;
    const auto sound = run_newsvault("--dir " + archive.string() + " check --json");
    EXPECT_EQ(sound.exit_status, 0) << context << ": " << sound.out;
    const auto report = nlohmann::json::parse(sound.out, nullptr, false);
    EXPECT_TRUE(!report.is_discarded() && report["problems"].empty()) << context << ": " << sound.out;
  }
  // The points chosen do cut runs short.
  EXPECT_GE(failed_runs, 4);
}

}  // namespace
}  // namespace newsvault::cli
