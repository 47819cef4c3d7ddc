// A bare remote made with `git init --bare` (HEAD naming master, or
// whatever init.defaultBranch says) clones plainly once newsvault pushed
// main to it; a remote whose HEAD names a branch of its own is left alone.
#include <gtest/gtest.h>

#include "publish/publish.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

std::string git(const fs::path& dir, const std::string& arguments) {
  const auto result = run_command("git -C " + shell_quote(dir.string()) + " " + arguments);
  EXPECT_EQ(result.exit_status, 0) << arguments << ": " << result.err;
  return result.out;
}

class RemoteHeadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v git").exit_status != 0) GTEST_SKIP() << "the git command is not installed";
    ASSERT_TRUE(init_git_repository(archive_.path(), {".newsvault/"}).has_value());
    testing::write_file(archive_.path() / "a.md", "a\n");
    ASSERT_TRUE(commit_all_changes(archive_.path(), "first\n", options_, *parse_date("2023-06-19T01:47:05Z"))
                    .has_value());
  }
  TempDir archive_;
  TempDir remotes_;
  GitOptions options_;
};

TEST_F(RemoteHeadTest, PlainCloneOfAFreshBareRemoteChecksOutMain) {
  const fs::path bare = remotes_.path() / "mirror.git";
  git(remotes_.path(), "-c init.defaultBranch=master init -q --bare " + shell_quote(bare.string()));
  options_.remotes = {{"origin", bare.string(), "", ""}};
  const auto results = push_to_remotes(archive_.path(), options_);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].pushed) << results[0].error;

  git(remotes_.path(), "clone -q " + shell_quote(bare.string()) + " copy");
  EXPECT_EQ(git(remotes_.path() / "copy", "rev-parse --abbrev-ref HEAD"), "main\n");
  EXPECT_EQ(testing::read_file(remotes_.path() / "copy" / "a.md"), "a\n");
}

TEST_F(RemoteHeadTest, AFileUrlRemoteAlsoGetsMainAsItsHead) {
  const fs::path bare = remotes_.path() / "mirror.git";
  git(remotes_.path(), "-c init.defaultBranch=master init -q --bare " + shell_quote(bare.string()));
  options_.remotes = {{"origin", "file://" + bare.string(), "", ""}};
  ASSERT_TRUE(push_to_remotes(archive_.path(), options_).at(0).pushed);
  EXPECT_EQ(git(bare, "symbolic-ref HEAD"), "refs/heads/main\n");
}

TEST_F(RemoteHeadTest, ARemoteWhoseHeadNamesAnExistingBranchKeepsIt) {
  const fs::path bare = remotes_.path() / "mirror.git";
  git(remotes_.path(), "-c init.defaultBranch=master init -q --bare " + shell_quote(bare.string()));
  // The remote's owner keeps their own default branch there.
  git(archive_.path(), "push -q " + shell_quote(bare.string()) + " main:trunk");
  git(bare, "symbolic-ref HEAD refs/heads/trunk");
  options_.remotes = {{"origin", bare.string(), "", ""}};
  ASSERT_TRUE(push_to_remotes(archive_.path(), options_).at(0).pushed);
  EXPECT_EQ(git(bare, "symbolic-ref HEAD"), "refs/heads/trunk\n");
}

}  // namespace
}  // namespace newsvault::publish
