// The run lock, and what a run finds after one that was killed or failed.
#include "pipeline/run_guard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;

class RunGuardTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_.path() / ".newsvault"); }
  fs::path at(const std::string& relative) const { return dir_.path() / relative; }
  testing::TempDir dir_;
};

TEST_F(RunGuardTest, AfterAKilledRunTheNextRemovesItsTemporaryFilesAndGitLocks) {
  testing::write_file(at(".newsvault/fetch.running"), "");
  for (const char* left : {"feed/2023/06/.19-a.md.Ab12Cd", ".git/index.lock", ".git/HEAD.lock",
                           ".git/refs/heads/main.lock"}) {
    fs::create_directories(at(left).parent_path());
    testing::write_file(at(left), "half");
  }
  testing::write_file(at("feed/2023/06/19-a.md"), "whole");
  auto guard = RunGuard::acquire(dir_.path());
  ASSERT_TRUE(guard.has_value()) << guard.error().message();
  EXPECT_TRUE((*guard)->previous_run_interrupted());
  for (const char* left : {"feed/2023/06/.19-a.md.Ab12Cd", ".git/index.lock", ".git/HEAD.lock",
                           ".git/refs/heads/main.lock"}) {
    EXPECT_FALSE(fs::exists(at(left))) << left;
  }
  EXPECT_EQ(testing::read_file(at("feed/2023/06/19-a.md")), "whole");
}

// Regression: a run that failed (a full disk) removed its marker, so the
// next run did not redo the indexes, feeds out and commit it missed.
TEST_F(RunGuardTest, OnlyARunThatSucceededClearsTheMarkForTheNext) {
  ASSERT_TRUE(RunGuard::acquire(dir_.path()).has_value());  // released without succeeding
  {
    auto guard = RunGuard::acquire(dir_.path());
    ASSERT_TRUE(guard.has_value());
    EXPECT_TRUE((*guard)->previous_run_interrupted());
    (*guard)->succeeded();
  }
  auto guard = RunGuard::acquire(dir_.path());
  ASSERT_TRUE(guard.has_value());
  EXPECT_FALSE((*guard)->previous_run_interrupted());
}

TEST_F(RunGuardTest, OneRunAtATimeAndAReaderWaitsForNone) {
  auto running = RunGuard::acquire(dir_.path());
  ASSERT_TRUE(running.has_value());
  auto second = RunGuard::acquire(dir_.path());
  ASSERT_FALSE(second.has_value());
  EXPECT_NE(second.error().message().find("another fetch is running"), std::string::npos);
  EXPECT_FALSE(RunGuard::acquire_to_read(dir_.path()).has_value());
  (*running)->succeeded();
  running->reset();
  auto reader = RunGuard::acquire_to_read(dir_.path());
  ASSERT_TRUE(reader.has_value());
  EXPECT_FALSE(fs::exists(at(".newsvault/fetch.running")));  // a reader marks nothing
}

// Permission bits do not stop root: src/cli/read_only_archive_test.cc runs
// the commands as another user; this one proves itself only as one.
TEST_F(RunGuardTest, AReaderOfAFolderItCannotWriteMakesNoLockFileButTakesOneThatIsThere) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes whatever the permission bits say";
  fs::permissions(at(".newsvault"), fs::perms::owner_write, fs::perm_options::remove);
  {
    auto reader = RunGuard::acquire_to_read(dir_.path());
    ASSERT_TRUE(reader.has_value()) << reader.error().message();
    EXPECT_FALSE(fs::exists(at(".newsvault/fetch.lock")));
  }
  fs::permissions(at(".newsvault"), fs::perms::owner_write, fs::perm_options::add);
  auto running = RunGuard::acquire(dir_.path());
  ASSERT_TRUE(running.has_value());
  fs::permissions(at(".newsvault"), fs::perms::owner_write, fs::perm_options::remove);
  EXPECT_FALSE(RunGuard::acquire_to_read(dir_.path()).has_value()) << "a run holds the lock";
  fs::permissions(at(".newsvault"), fs::perms::owner_write, fs::perm_options::add);
}

}  // namespace
}  // namespace newsvault::pipeline
