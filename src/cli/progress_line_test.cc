// The progress line of fetch and publish: on a terminal (a pseudo-terminal
// here, as a person's would be) and nowhere else.
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_newsvault;

struct TerminalRun {
  int exit_status = -1;
  std::string terminal;  // what reached the terminal: newsvault's stderr
};

// Runs newsvault with stderr on a pseudo-terminal and stdout thrown away.
TerminalRun run_on_terminal(const std::vector<std::string>& arguments) {
  int master = -1;
  int slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return {};
  const std::string binary = testing::newsvault_binary();
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(master);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(slave, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(slave);
  TerminalRun run;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(master, buffer, sizeof buffer);
    if (got <= 0) break;  // EIO once the child has closed the terminal
    run.terminal.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(master);
  int status = 0;
  ::waitpid(child, &status, 0);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string feed(const std::string& name) {
  return "<rss version=\"2.0\"><channel><title>" + name + "</title><item><title>" + name +
         " story</title><link>https://" + name + ".example/1</link><guid>" + name +
         "-1</guid><description>&lt;p&gt;In full.&lt;/p&gt;</description></item></channel></rss>";
}

class ProgressLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_newsvault("init " + archive_.string()).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml",
                        "[fetch]\nfull_text = \"never\"\n[publish.git]\nenabled = false\n");
    for (const char* name : {"alpha", "beta", "gamma"}) {
      server_.set(std::string("/") + name + ".xml",
                  {.headers = {{"Content-Type", "application/rss+xml"}}, .body = feed(name)});
      ASSERT_EQ(run_newsvault("--dir " + archive_.string() + " add " +
                              server_.url(std::string("/") + name + ".xml") + " --name " + name)
                    .exit_status,
                0);
    }
    server_.set("/gamma.xml", {.status = 500, .body = "down"});
  }
  testing::TempDir dir_;
  fs::path archive_ = dir_.path() / "archive";
  HttpTestServer server_;
};

TEST_F(ProgressLineTest, FetchShowsFeedsArticlesAndFailuresOnATerminal) {
  const auto run = run_on_terminal({"--dir", archive_.string(), "fetch"});
  EXPECT_EQ(run.exit_status, 3) << run.terminal;
  // The last state the line showed: every feed done, two new, one failed.
  EXPECT_NE(run.terminal.find("\rfetch: feeds 3/3  articles 2 new, 0 updated  1 failed"), std::string::npos)
      << run.terminal;
  EXPECT_NE(run.terminal.find("fetch: feeds 0/3"), std::string::npos) << run.terminal;
  // The line is erased before the errors and the summary are printed.
  EXPECT_NE(run.terminal.find("\r\x1b[Knewsvault fetch: gamma"), std::string::npos) << run.terminal;
}

TEST_F(ProgressLineTest, PublishShowsItsStepsOnATerminal) {
  const auto run = run_on_terminal({"--dir", archive_.string(), "publish", "--rebuild"});
  EXPECT_EQ(run.exit_status, 0) << run.terminal;
  EXPECT_NE(run.terminal.find("\rpublish: site"), std::string::npos) << run.terminal;
  EXPECT_NE(run.terminal.find("\rpublish: feeds out"), std::string::npos) << run.terminal;
}

TEST_F(ProgressLineTest, QuietJsonAndAPipeGetNoProgress) {
  for (const auto& arguments : {std::vector<std::string>{"--dir", archive_.string(), "fetch", "-q"},
                                std::vector<std::string>{"--dir", archive_.string(), "fetch", "--json"},
                                std::vector<std::string>{"--dir", archive_.string(), "publish", "--quiet"}}) {
    const auto run = run_on_terminal(arguments);
    // (The terminal ends its lines with \r\n: only a \r without one is the line's.)
    EXPECT_EQ(run.terminal.find("\x1b[K"), std::string::npos) << arguments[2] << ": " << run.terminal;
    EXPECT_EQ(run.terminal.find("feeds 3/3"), std::string::npos) << run.terminal;
    EXPECT_EQ(run.terminal.find("publish: "), std::string::npos) << run.terminal;
  }
  // stderr on a pipe: only the errors.
  const auto piped = run_newsvault("--dir " + archive_.string() + " fetch");
  EXPECT_EQ(piped.err.find("fetch: feeds"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos);
  EXPECT_NE(piped.err.find("gamma"), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace newsvault::cli
