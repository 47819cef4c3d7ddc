// An archive its reader cannot write (a read-only copy): list, show and
// check read it as it is, making no file in it; the commands that write
// say it is read-only. Permission bits do not stop root, so as root the
// commands run as the user nobody (setpriv), a real user without rights.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <set>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::run_newsvault;
using testing::shell_quote;

// Every path under `folder`, relative.
std::set<std::string> paths_under(const fs::path& folder) {
  std::set<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    paths.insert(fs::relative(entry.path(), folder).string());
  }
  return paths;
}

class ReadOnlyArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() == 0) {
      if (run_command("command -v setpriv && id nobody && getent group nogroup").exit_status != 0) {
        GTEST_SKIP() << "as root, this needs setpriv and the user nobody to run as someone else";
      }
      // --reset-env: nobody's own HOME, not root's, which it cannot read.
      as_reader_ = "setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env ";
    }
    const fs::path feed = dir_.path() / "feed.xml";
    testing::write_file(feed, R"(<rss version="2.0"><channel><title>Plain</title>
<item><title>First</title><link>https://example.org/1</link><guid>one</guid>
<pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;Text one.&lt;/p&gt;</description></item>
</channel></rss>)");
    const fs::path original = dir_.path() / "original";
    ASSERT_EQ(run_newsvault("init -q " + shell_quote(original.string())).exit_status, 0);
    const std::string dir = " --dir " + shell_quote(original.string());
    ASSERT_EQ(run_newsvault(dir + " add -q " + shell_quote(feed.string()) + " --name plain --full-text never")
                  .exit_status,
              0);
    ASSERT_EQ(run_newsvault(dir + " fetch -q --now 2023-06-20T02:00:00Z").exit_status, 0);

    // The copy a reader makes: theirs, and not writable.
    copy_ = dir_.path() / "copy";
    ASSERT_EQ(run_command("cp -a " + shell_quote(original.string()) + " " + shell_quote(copy_.string())).exit_status, 0);
    if (!as_reader_.empty()) {
      ASSERT_EQ(run_command("chown -R nobody:nogroup " + shell_quote(copy_.string())).exit_status, 0);
    }
    ASSERT_EQ(run_command("chmod -R a-w " + shell_quote(copy_.string())).exit_status, 0);
    ASSERT_TRUE(fs::exists(copy_ / ".newsvault/fetch.lock"));
    ASSERT_FALSE(fs::exists(copy_ / ".newsvault/store.db-wal"));
  }

  void TearDown() override {
    if (!copy_.empty()) run_command("chmod -R u+w " + shell_quote(copy_.string()));
  }

  testing::CommandResult as_reader(const std::string& arguments) {
    return run_command(as_reader_ + shell_quote(fs::absolute(testing::newsvault_binary()).string()) +
                       " --dir " + shell_quote(copy_.string()) + " " + arguments);
  }

  testing::TempDir dir_;
  fs::path copy_;
  std::string as_reader_;  // the command that runs the rest as another user; "" when not root
};

// Regression: list failed with "attempt to write a readonly database", and
// check with ".newsvault/fetch.lock: Permission denied".
TEST_F(ReadOnlyArchiveTest, ListShowAndCheckReadItAndMakeNoFileInIt) {
  const auto before = paths_under(copy_);
  const auto listed = as_reader("list");
  EXPECT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_NE(listed.out.find("2023-06-19\tplain\tFirst"), std::string::npos) << listed.out;
  const auto shown = as_reader("show 1");
  EXPECT_EQ(shown.exit_status, 0) << shown.err;
  EXPECT_NE(shown.out.find("document:  plain/2023/06/19-one.md"), std::string::npos) << shown.out;
  const auto checked = as_reader("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out << checked.err;
  EXPECT_TRUE(checked.out.starts_with("sound: 1 articles, 1 documents")) << checked.out;
  EXPECT_EQ(paths_under(copy_), before) << "no -shm, -wal or lock file made";
}

TEST_F(ReadOnlyArchiveTest, ACopyWithoutALockFileIsCheckedWithoutOne) {
  run_command("chmod u+w " + shell_quote((copy_ / ".newsvault").string()));
  fs::remove(copy_ / ".newsvault/fetch.lock");
  run_command("chmod a-w " + shell_quote((copy_ / ".newsvault").string()));
  const auto checked = as_reader("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out << checked.err;
  EXPECT_FALSE(fs::exists(copy_ / ".newsvault/fetch.lock"));
}

TEST_F(ReadOnlyArchiveTest, CommandsThatWriteSayTheArchiveIsReadOnly) {
  const std::string read_only = "the archive in " + copy_.string() + " is read-only (";
  for (const char* command : {"fetch", "publish", "add https://example.org/feed --name other"}) {
    const auto refused = as_reader(command);
    EXPECT_EQ(refused.exit_status, 1) << command;
    EXPECT_NE(refused.err.find(read_only), std::string::npos) << command << ": " << refused.err;
  }
}

}  // namespace
}  // namespace newsvault::cli
