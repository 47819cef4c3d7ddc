// What `cmake --install` puts where an operator (or a package) expects it,
// and that the pieces it installs work: the man page renders, the
// completion completes feed names, the systemd units verify.
#include <gtest/gtest.h>

#include <sstream>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;

class InstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v cmake").exit_status != 0) GTEST_SKIP() << "cmake is not installed";
    const auto installed = run_command("DESTDIR=" + shell_quote(stage_.path().string()) +
                                       " cmake --install " + shell_quote(NEWSVAULT_BUILD_DIR) +
                                       " --prefix /usr");
    ASSERT_EQ(installed.exit_status, 0) << installed.out << installed.err;
  }
  fs::path staged(const std::string& path) const { return stage_.path() / path; }
  testing::TempDir stage_;
};

TEST_F(InstallTest, PutsProgramManPageCompletionAndExamplesUnderThePrefix) {
  const fs::path program = staged("usr/bin/newsvault");
  ASSERT_TRUE(fs::exists(program));
  EXPECT_NE(fs::status(program).permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_EQ(run_command(shell_quote(program.string()) + " --version").out, "newsvault 0.1.0\n");
  EXPECT_TRUE(fs::exists(staged("usr/share/man/man1/newsvault.1")));
  EXPECT_TRUE(fs::exists(staged("usr/share/bash-completion/completions/newsvault")));
  EXPECT_TRUE(fs::exists(staged("usr/share/doc/newsvault/examples/cron/newsvault.cron")));
  EXPECT_TRUE(fs::exists(staged("usr/share/doc/newsvault/examples/systemd/newsvault-fetch.service")));
  EXPECT_TRUE(fs::exists(staged("usr/share/doc/newsvault/examples/systemd/newsvault-fetch.timer")));
}

TEST_F(InstallTest, ManPageRendersWithoutWarningsAndListsEveryExitStatus) {
  if (run_command("command -v groff").exit_status != 0) GTEST_SKIP() << "groff is not installed";
  const auto page = staged("usr/share/man/man1/newsvault.1").string();
  const auto warnings = run_command("groff -man -ww -z " + shell_quote(page));
  EXPECT_EQ(warnings.err, "");
  const auto text = run_command("groff -man -Tutf8 " + shell_quote(page) + " | col -b");
  ASSERT_EQ(text.exit_status, 0);
  for (const char* expected : {"remove NAME", "pause NAME", "status [--json]", "fetch [NAME...]"}) {
    EXPECT_NE(text.out.find(expected), std::string::npos) << expected;
  }
  for (int status = 0; status <= 6; ++status) {
    EXPECT_NE(text.out.find("\n       " + std::to_string(status) + "      "), std::string::npos) << status;
  }
}

TEST_F(InstallTest, CompletionOffersCommandsAndTheArchivesFeedNames) {
  testing::TempDir archive;
  ASSERT_EQ(testing::run_newsvault("init " + archive.path().string()).exit_status, 0);
  testing::write_file(archive.path() / "feed.xml", "<rss version=\"2.0\"><channel/></rss>");
  ASSERT_EQ(testing::run_newsvault("--dir " + archive.path().string() + " add " +
                                   (archive.path() / "feed.xml").string() + " --name world")
                .exit_status,
            0);
  const auto complete = [&](const std::string& words, int current) {
    const std::string script =
        "PATH=" + shell_quote(stage_.path().string() + "/usr/bin") + ":$PATH; source " +
        shell_quote(staged("usr/share/bash-completion/completions/newsvault").string()) +
        "; COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(current) +
        "; _newsvault; printf '%s\\n' \"${COMPREPLY[@]}\"";
    return run_command("bash -c " + shell_quote(script)).out;
  };
  EXPECT_EQ(complete("newsvault sta", 1), "status\n");
  EXPECT_EQ(complete("newsvault --dir " + shell_quote(archive.path().string()) + " pause w", 4), "world\n");
  EXPECT_EQ(complete("newsvault fetch --fo", 2), "--force\n");
}

TEST_F(InstallTest, SystemdAcceptsTheServiceAndTimer) {
  if (run_command("command -v systemd-analyze").exit_status != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed";
  }
  const fs::path units = staged("usr/share/doc/newsvault/examples/systemd");
  const auto verified = run_command("systemd-analyze verify " +
                                    shell_quote((units / "newsvault-fetch.service").string()) + " " +
                                    shell_quote((units / "newsvault-fetch.timer").string()));
  // verify also complains that /usr/bin/newsvault and its man page are not
  // installed on this machine; every other finding is a fault of the units.
  std::string findings;
  std::istringstream lines(verified.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("/usr/bin/newsvault") == std::string::npos &&
        line.find("man newsvault(1)") == std::string::npos) {
      findings += line + "\n";
    }
  }
  EXPECT_EQ(findings, "");
}

}  // namespace
}  // namespace newsvault::cli
