// The archive's history: commits of what changed (never empty ones), their
// messages and authors, and pushes that survive a failing remote and never
// force.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "publish/git_pack.h"
#include "publish/publish.h"
#include "support/archive_test_support.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

void write_file(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  testing::write_file(path, content);
}

Timestamp at(const char* text) { return *parse_date(text); }

// `git -C DIR ARGS`: the git command only inspects what libgit2 wrote.
std::string git(const fs::path& dir, const std::string& arguments) {
  const auto result = run_command("git -C " + shell_quote(dir.string()) + " " + arguments);
  EXPECT_EQ(result.exit_status, 0) << arguments << ": " << result.err;
  return result.out;
}

// A value of `git count-objects -v`: "count" (loose objects), "packs".
std::size_t count_objects(const fs::path& dir, const std::string& field) {
  const std::string report = git(dir, "count-objects -v");
  const auto at = report.find(field + ": ");
  EXPECT_NE(at, std::string::npos) << report;
  return at == std::string::npos ? 0 : std::stoul(report.substr(at + field.size() + 2));
}

// Debian's git reads every object and every commit: fsck, then the whole
// log with its patches.
void expect_git_reads_everything(const fs::path& dir) {
  const auto fsck = run_command("git -C " + shell_quote(dir.string()) + " fsck --full --strict --no-dangling");
  EXPECT_EQ(fsck.exit_status, 0) << fsck.out << fsck.err;
  if (run_command("git -C " + shell_quote(dir.string()) + " rev-parse -q --verify HEAD").exit_status != 0) {
    return;  // nothing committed yet
  }
  const auto log = run_command("git -C " + shell_quote(dir.string()) + " log -p --format=%H%n%s");
  EXPECT_EQ(log.exit_status, 0) << log.err;
}

class GitRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v git").exit_status != 0) GTEST_SKIP() << "the git command is not installed";
    ASSERT_TRUE(init_git_repository(root(), {".newsvault/", "newsvault.toml"}).has_value());
  }
  const fs::path& root() const { return archive_.path(); }

  std::optional<std::string> commit(const std::string& message, const char* when = "2023-06-19T01:47:05Z") {
    auto committed = commit_all_changes(root(), message, options_, at(when));
    EXPECT_TRUE(committed.has_value()) << committed.error().message();
    return committed.value_or(std::nullopt);
  }

  TempDir archive_;
  GitOptions options_;
};

TEST(CommitMessageTest, CountsOneFeedsChanges) {
  EXPECT_EQ(commit_message({{"dw-chinese", 12, 3}}), "12 new, 3 updated in dw-chinese\n");
  EXPECT_EQ(commit_message({{"dw-chinese", 0, 1}, {"quiet", 0, 0}}), "1 updated in dw-chinese\n");
}

TEST(CommitMessageTest, SummarisesSeveralFeedsThenListsEach) {
  EXPECT_EQ(commit_message({{"world", 2, 0}, {"dw-chinese", 12, 3}}),
            "14 new, 3 updated in 2 feeds\n\ndw-chinese: 12 new, 3 updated\nworld: 2 new\n");
}

TEST_F(GitRepositoryTest, CommitsEveryChangeButTheIgnoredStateAndNothingWhenUnchanged) {
  write_file(root() / "feed/2023/06/19-a.md", "a\n");
  write_file(root() / "README.md", "# Archive\n");
  write_file(root() / ".newsvault/store.db", "state");
  write_file(root() / "newsvault.toml", "[fetch]\n");
  const auto first = commit("1 new in feed\n");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->size(), 40u);
  EXPECT_EQ(git(root(), "ls-files"), ".gitignore\nREADME.md\nfeed/2023/06/19-a.md\n");
  EXPECT_EQ(git(root(), "rev-parse --abbrev-ref HEAD"), "main\n");

  EXPECT_FALSE(commit("nothing\n").has_value()) << "no empty commits";
  write_file(root() / ".newsvault/store.db", "state changed");
  EXPECT_FALSE(commit("nothing\n").has_value()) << "state changes are not history";

  write_file(root() / "feed/2023/06/19-a.md", "a, edited\n");
  write_file(root() / "feed/2023/06/19-b.md", "b\n");
  fs::remove(root() / "README.md");
  ASSERT_TRUE(commit("1 new, 1 updated in feed\n").has_value());
  EXPECT_EQ(git(root(), "show --name-status --format= HEAD"),
            "D\tREADME.md\nM\tfeed/2023/06/19-a.md\nA\tfeed/2023/06/19-b.md\n");
  EXPECT_EQ(git(root(), "rev-list --count HEAD"), "2\n");
  EXPECT_TRUE(uncommitted_changes(root())->empty());
}

// git itself, reading the index the commit left, finds nothing to add: the
// same blobs and modes (an executable, a symbolic link) as `git add -A`.
TEST_F(GitRepositoryTest, StagesWhatGitAddWouldIncludingLinksAndExecutables) {
  write_file(root() / "tools/run.sh", "#!/bin/sh\n");
  fs::permissions(root() / "tools/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("tools/run.sh", root() / "run");
  write_file(root() / "feed/2023/06/19-a.md", "a\n");
  ASSERT_TRUE(commit("first\n").has_value());
  EXPECT_EQ(git(root(), "ls-tree -r HEAD --format='%(objectmode) %(path)'"),
            "100644 .gitignore\n100644 feed/2023/06/19-a.md\n120000 run\n100755 tools/run.sh\n");
  EXPECT_EQ(git(root(), "status --porcelain"), "");

  fs::remove(root() / "run");
  write_file(root() / "run", "now a file\n");
  ASSERT_TRUE(commit("second\n").has_value());
  EXPECT_EQ(git(root(), "show HEAD:run"), "now a file\n");
  EXPECT_EQ(git(root(), "status --porcelain"), "");
}

TEST_F(GitRepositoryTest, CommitsAsTheConfiguredAuthorAtTheRunsTime) {
  options_.author_name = "Archive Bot";
  options_.author_email = "bot@example.org";
  write_file(root() / "a.md", "a\n");
  ASSERT_TRUE(commit("12 new in dw-chinese\n", "2023-06-19T01:47:05Z").has_value());
  EXPECT_EQ(git(root(), "log -1 --format='%an <%ae>|%cn|%aI|%s'"),
            "Archive Bot <bot@example.org>|Archive Bot|2023-06-19T01:47:05+00:00|12 new in dw-chinese\n");
}

TEST_F(GitRepositoryTest, ListsUncommittedChanges) {
  write_file(root() / "a.md", "a\n");
  ASSERT_TRUE(commit("first\n").has_value());
  write_file(root() / "a.md", "changed\n");
  write_file(root() / "b.md", "new\n");
  EXPECT_EQ(*uncommitted_changes(root()), (std::vector<std::string>{"a.md", "b.md"}));
}

TEST_F(GitRepositoryTest, LeavesAnExistingRepositoryAndIgnoreFileAlone) {
  write_file(root() / ".gitignore", "mine\n");
  ASSERT_TRUE(init_git_repository(root(), {".newsvault/"}).has_value());
  EXPECT_EQ(testing::read_file(root() / ".gitignore"), "mine\n");
}

TEST_F(GitRepositoryTest, RetriesAFailedRemoteOnTheNextPush) {
  TempDir remotes;
  const fs::path missing = remotes.path() / "later.git";
  const fs::path good = remotes.path() / "good.git";
  git(remotes.path(), "init -q --bare " + shell_quote(good.string()));
  options_.remotes = {{"good", good.string(), "", "", {}}, {"later", missing.string(), "", "", {}}};
  write_file(root() / "a.md", "a\n");
  const auto first = commit("first\n");
  ASSERT_TRUE(first.has_value());

  auto results = push_to_remotes(root(), options_);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].pushed) << results[0].error;
  EXPECT_FALSE(results[1].pushed);
  EXPECT_NE(results[1].error.find("push to later (" + missing.string() + ")"), std::string::npos)
      << results[1].error;
  EXPECT_EQ(git(good, "rev-parse main"), *first + "\n");
  expect_git_reads_everything(good);  // what the packed history pushed

  // The remote appears; the next push (no new commit) brings it up to date,
  // and leaves the one that had it alone.
  git(remotes.path(), "init -q --bare " + shell_quote(missing.string()));
  results = push_to_remotes(root(), options_);
  EXPECT_FALSE(results[0].pushed);
  EXPECT_TRUE(results[0].error.empty());
  EXPECT_TRUE(results[1].pushed) << results[1].error;
  EXPECT_EQ(git(missing, "rev-parse main"), *first + "\n");

  results = push_to_remotes(root(), options_);
  EXPECT_FALSE(results[0].pushed || results[1].pushed);
}

TEST_F(GitRepositoryTest, ARelativeLocalRemoteIsRelativeToTheArchive) {
  TempDir outer;
  const fs::path archive = outer.path() / "archive";
  ASSERT_TRUE(init_git_repository(archive, {".newsvault/"}).has_value());
  git(outer.path(), "init -q --bare beside.git");
  options_.remotes = {{"beside", "../beside.git", "", "", {}}};
  write_file(archive / "a.md", "a\n");
  const auto first = commit_all_changes(archive, "first\n", options_, at("2023-06-19T01:47:05Z"));
  ASSERT_TRUE(first.has_value() && first->has_value());
  const auto results = push_to_remotes(archive, options_);  // run from the build folder
  EXPECT_TRUE(results[0].pushed) << results[0].error;
  EXPECT_EQ(git(outer.path() / "beside.git", "rev-parse main"), **first + "\n");
}

TEST_F(GitRepositoryTest, NeverForcesOverARemoteThatMovedOn) {
  TempDir remotes;
  const fs::path bare = remotes.path() / "shared.git";
  git(remotes.path(), "init -q --bare " + shell_quote(bare.string()));
  options_.remotes = {{"shared", bare.string(), "", "", {}}};
  write_file(root() / "a.md", "a\n");
  ASSERT_TRUE(commit("first\n").has_value());
  ASSERT_TRUE(push_to_remotes(root(), options_)[0].pushed);

  // Someone else pushes a commit of their own to the remote.
  const fs::path other = remotes.path() / "other";
  git(remotes.path(), "clone -q -b main " + shell_quote(bare.string()) + " " + shell_quote(other.string()));
  write_file(other / "theirs.md", "theirs\n");
  git(other, "add theirs.md");
  git(other, "-c user.name=x -c user.email=x@example.org commit -q -m theirs");
  git(other, "push -q origin main");
  const std::string theirs = git(bare, "rev-parse main");

  write_file(root() / "b.md", "b\n");
  const auto ours = commit("second\n");
  ASSERT_TRUE(ours.has_value());
  const auto results = push_to_remotes(root(), options_);
  EXPECT_FALSE(results[0].pushed);
  EXPECT_FALSE(results[0].error.empty());
  EXPECT_EQ(git(bare, "rev-parse main"), theirs) << "the remote's commit is kept";
  EXPECT_EQ(git(root(), "rev-parse HEAD"), *ours + "\n") << "ours is kept";
}

// An http(s) remote that asks for a password: it comes from the variable
// the settings name, and a missing variable is named in the error.
TEST_F(GitRepositoryTest, TakesAnHttpRemotesPasswordFromTheNamedVariable) {
  testing::HttpTestServer server;
  server.set("/archive.git/info/refs",
             {.status = 401, .headers = {{"WWW-Authenticate", "Basic realm=\"archive\""}}});
  const std::string url = server.url("/archive.git");
  options_.remotes = {{"origin", url, "", "NEWSVAULT_TEST_PUSH_TOKEN", {}}};
  write_file(root() / "a.md", "a\n");
  ASSERT_TRUE(commit("first\n").has_value());

  ::unsetenv("NEWSVAULT_TEST_PUSH_TOKEN");
  auto results = push_to_remotes(root(), options_);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].pushed);
  EXPECT_NE(results[0].error.find("push to origin (" + url + ")"), std::string::npos) << results[0].error;
  EXPECT_NE(results[0].error.find("$NEWSVAULT_TEST_PUSH_TOKEN is not set"), std::string::npos)
      << results[0].error;

  ::setenv("NEWSVAULT_TEST_PUSH_TOKEN", "s3cret", 1);
  results = push_to_remotes(root(), options_);
  ::unsetenv("NEWSVAULT_TEST_PUSH_TOKEN");
  EXPECT_FALSE(results[0].pushed) << "the server refuses every password";
  bool sent = false;
  for (const auto& request : server.requests()) {
    sent = sent || request.header("authorization") == "Basic eC1hY2Nlc3MtdG9rZW46czNjcmV0";
  }
  EXPECT_TRUE(sent) << "the token was never sent";
}

TEST(GeometricSplitTest, RollsUpWhatBreaksTheProgressionAndWhatTheNewPackWouldOvertake) {
  EXPECT_EQ(geometric_split({}, 2), 0u);
  EXPECT_EQ(geometric_split({5}, 2), 0u);
  EXPECT_EQ(geometric_split({10, 25, 100}, 2), 0u) << "already a progression";
  EXPECT_EQ(geometric_split({1, 1, 1, 1, 100}, 2), 4u);
  // Rolling up the small three (30 objects) would make a pack larger than
  // half of the 50: that one goes in too.
  EXPECT_EQ(geometric_split({10, 10, 10, 50, 1000}, 2), 4u);
}

TEST_F(GitRepositoryTest, ACommitOfManyFilesIsOnePackThatGitReads) {
  for (int i = 0; i < 3000; ++i) {
    write_file(root() / ("feed/2023/06/" + std::to_string(i) + ".md"), "# Article " + std::to_string(i) + "\n");
  }
  ASSERT_TRUE(commit("3000 new in feed\n").has_value());
  EXPECT_EQ(count_objects(root(), "count"), 0u) << "no loose objects";
  EXPECT_EQ(count_objects(root(), "packs"), 1u);
  expect_git_reads_everything(root());
  EXPECT_EQ(git(root(), "show HEAD:feed/2023/06/1234.md"), "# Article 1234\n");

  // Unchanged files are not written again: a second commit's pack holds
  // the changed file, its trees and the commit.
  write_file(root() / "feed/2023/06/7.md", "# Article 7, corrected\n");
  ASSERT_TRUE(commit("1 updated in feed\n").has_value());
  EXPECT_EQ(count_objects(root(), "count"), 0u);
  EXPECT_EQ(git(root(), "show --name-status --format= HEAD"), "M\tfeed/2023/06/7.md\n");
  expect_git_reads_everything(root());
}

TEST_F(GitRepositoryTest, PicturesAndTextInOneCommitAreReadBackByGitByteForByte) {
  // Noise, as a picture's compressed bytes are, behind a PNG's signature:
  // kept in the pack in stored blocks, and text deflated beside it.
  std::mt19937 random(7);
  std::string picture = "\x89PNG\r\n\x1a\n";
  while (picture.size() < 300'000) picture += static_cast<char>(random() & 0xff);
  write_file(root() / "media/sha256/ab/abcdef.png", picture);
  std::string text;
  for (int i = 0; i < 20'000; ++i) text += "A line of an article, again and again.\n";
  write_file(root() / "feed/2023/06/1.md", text);
  ASSERT_TRUE(commit("1 new in feed\n").has_value());
  expect_git_reads_everything(root());
  EXPECT_TRUE(git(root(), "show HEAD:media/sha256/ab/abcdef.png") == picture);
  EXPECT_EQ(git(root(), "show HEAD:feed/2023/06/1.md"), text);
  // The text was compressed all the same: the pack is about the picture's size.
  std::uintmax_t pack_bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root() / ".git/objects/pack")) {
    if (entry.path().extension() == ".pack") pack_bytes += entry.file_size();
  }
  EXPECT_LT(pack_bytes, picture.size() + text.size() / 10);
  EXPECT_GT(pack_bytes, picture.size());
}

TEST_F(GitRepositoryTest, ManyRunsLeaveLogarithmicallyFewPacks) {
  constexpr int kRuns = 60;
  for (int run = 0; run < kRuns; ++run) {
    for (int i = 0; i < 5; ++i) {
      write_file(root() / ("feed/" + std::to_string(run) + "-" + std::to_string(i) + ".md"),
                 "run " + std::to_string(run) + ", article " + std::to_string(i) + "\n");
    }
    write_file(root() / "README.md", "# Archive\n\n" + std::to_string(5 * (run + 1)) + " articles\n");
    ASSERT_TRUE(commit(std::to_string(run) + "\n").has_value());
    const std::size_t objects = count_objects(root(), "in-pack");
    // Each pack at least twice the next smaller one: at most log2(n) + 1.
    EXPECT_LE(count_objects(root(), "packs"), static_cast<std::size_t>(std::log2(objects)) + 1)
        << "after run " << run;
    EXPECT_EQ(count_objects(root(), "count"), 0u) << "after run " << run;
  }
  EXPECT_EQ(git(root(), "rev-list --count HEAD"), std::to_string(kRuns) + "\n");
  expect_git_reads_everything(root());
  EXPECT_EQ(git(root(), "show HEAD~40:feed/3-2.md"), "run 3, article 2\n");
}

// Regression: versions that wrote every object as a loose file left
// thousands in .git/objects, never packed.
TEST_F(GitRepositoryTest, PacksTheLooseObjectsAnOlderVersionLeft) {
  for (int i = 0; i < 200; ++i) write_file(root() / ("old/" + std::to_string(i) + ".md"), std::to_string(i) + "\n");
  git(root(), "add -A");
  git(root(), "-c gc.auto=0 -c user.name=x -c user.email=x@example.org commit -q -m old");
  ASSERT_GT(count_objects(root(), "count"), 200u);

  write_file(root() / "new.md", "new\n");
  ASSERT_TRUE(commit("1 new\n").has_value());
  EXPECT_EQ(count_objects(root(), "count"), 0u);
  // The old objects in one pack, the new commit's in its own (much smaller).
  EXPECT_LE(count_objects(root(), "packs"), 2u);
  EXPECT_EQ(git(root(), "rev-list --count HEAD"), "2\n");
  expect_git_reads_everything(root());
}

// A run killed at any moment of committing or packing: git still reads the
// repository, and the next run commits what is left.
TEST_F(GitRepositoryTest, KilledWhileCommittingOrPackingLeavesARepositoryGitReads) {
  constexpr int kKills = 12;
  std::mt19937 random(16);
  for (int kill = 0; kill < kKills; ++kill) {
    for (int i = 0; i < 400; ++i) {
      write_file(root() / ("feed/" + std::to_string(kill) + "/" + std::to_string(i) + ".md"),
                 std::string(200 + i, static_cast<char>('a' + kill % 26)) + "\n");
    }
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // Commits again and again (each packing its history), until killed.
      for (int round = 0;; ++round) {
        write_file(root() / "README.md", "round " + std::to_string(round) + "\n");
        if (!commit_all_changes(root(), "round\n", options_, at("2023-06-19T01:47:05Z"))) ::_exit(1);
      }
    }
    const auto ending = testing::kill_after(child, std::chrono::microseconds(20'000 + random() % 200'000));
    ASSERT_TRUE(ending.killed) << "the committing process ended on its own";
    expect_git_reads_everything(root());
    // A kill while git writes its index or a ref leaves the lock it writes
    // through; the next run removes those once it holds the archive's run
    // lock (pipeline's RunGuard), as here.
    for (const char* lock : {".git/index.lock", ".git/HEAD.lock", ".git/refs/heads/main.lock"}) {
      fs::remove(root() / lock);
    }
    commit("after the kill\n");
    EXPECT_TRUE(uncommitted_changes(root())->empty()) << "kill " << kill;
    EXPECT_EQ(git(root(), "show HEAD:feed/" + std::to_string(kill) + "/399.md").size(), 200u + 399 + 1);
  }
  EXPECT_EQ(count_objects(root(), "count"), 0u);
  expect_git_reads_everything(root());
}

// A bare remote made with `git init --bare` (HEAD naming master, or
// whatever init.defaultBranch says) clones plainly once newsvault pushed
// main to it; a remote whose HEAD names a branch of its own is left alone.
class RemoteHeadTest : public GitRepositoryTest {
 protected:
  void SetUp() override {
    GitRepositoryTest::SetUp();
    if (IsSkipped()) return;
    write_file(root() / "a.md", "a\n");
    ASSERT_TRUE(commit("first\n").has_value());
    git(remotes_.path(), "-c init.defaultBranch=master init -q --bare " + shell_quote(bare_.string()));
  }
  TempDir remotes_;
  fs::path bare_ = remotes_.path() / "mirror.git";
};

TEST_F(RemoteHeadTest, PlainCloneOfAFreshBareRemoteChecksOutMain) {
  options_.remotes = {{"origin", bare_.string(), "", "", {}}};
  const auto results = push_to_remotes(root(), options_);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].pushed) << results[0].error;

  git(remotes_.path(), "clone -q " + shell_quote(bare_.string()) + " copy");
  EXPECT_EQ(git(remotes_.path() / "copy", "rev-parse --abbrev-ref HEAD"), "main\n");
  EXPECT_EQ(testing::read_file(remotes_.path() / "copy" / "a.md"), "a\n");
}

TEST_F(RemoteHeadTest, AFileUrlRemoteAlsoGetsMainAsItsHead) {
  options_.remotes = {{"origin", "file://" + bare_.string(), "", "", {}}};
  ASSERT_TRUE(push_to_remotes(root(), options_).at(0).pushed);
  EXPECT_EQ(git(bare_, "symbolic-ref HEAD"), "refs/heads/main\n");
}

TEST_F(RemoteHeadTest, ARemoteWhoseHeadNamesAnExistingBranchKeepsIt) {
  // The remote's owner keeps their own default branch there.
  git(root(), "push -q " + shell_quote(bare_.string()) + " main:trunk");
  git(bare_, "symbolic-ref HEAD refs/heads/trunk");
  options_.remotes = {{"origin", bare_.string(), "", "", {}}};
  ASSERT_TRUE(push_to_remotes(root(), options_).at(0).pushed);
  EXPECT_EQ(git(bare_, "symbolic-ref HEAD"), "refs/heads/trunk\n");
}

}  // namespace
}  // namespace newsvault::publish
