// `newsvault run` as a service manager runs it, in real time: stopped with
// SIGTERM in the middle of a cycle or of a push, told to reload a broken settings file
// with SIGHUP, and started twice on one archive.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::HttpTestServer;
using testing::run_newsvault;

constexpr const char* kSettings =
    "[fetch]\nfull_text = \"never\"\ntimeout_seconds = 30\nretry_base_delay_ms = 10\n"
    "[publish.git]\nenabled = false\n";

std::string rss(int count) {
  std::string items;
  for (int i = 1; i <= count; ++i) {
    const std::string id = "story-" + std::to_string(i);
    items += "<item><title>Story " + std::to_string(i) + "</title><link>https://news.example/" + id +
             "</link><guid>" + id + "</guid><description>&lt;p&gt;Story " + std::to_string(i) +
             " in full.&lt;/p&gt;</description></item>";
  }
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>News</title>"
         "<link>https://news.example/</link>" + items + "</channel></rss>";
}

class RunCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_newsvault("init " + archive_.string()).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml", kSettings);
    server_.set("/news.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = rss(3)});
    const auto added = newsvault("add " + server_.url("/news.xml") + " --name news");
    ASSERT_EQ(added.exit_status, 0) << added.err;
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + archive_.string() + " " + arguments);
  }

  // Starts `newsvault run --log-format json`, its stderr (the log) in a file.
  void start() {
    testing::write_file(log_, "");
    pid_ = fork();
    if (pid_ == 0) {
      const int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(log, 2);
      const std::string binary = testing::newsvault_binary();
      execl(binary.c_str(), binary.c_str(), "--dir", archive_.c_str(), "run", "--log-format", "json",
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  // The log's events, each line a JSON object.
  std::vector<nlohmann::json> events() const {
    std::vector<nlohmann::json> parsed;
    std::istringstream lines(testing::read_file(log_));
    for (std::string line; std::getline(lines, line);) {
      auto event = nlohmann::json::parse(line, nullptr, false);
      EXPECT_FALSE(event.is_discarded()) << "a log line that is not JSON: " << line;
      if (!event.is_discarded()) parsed.push_back(std::move(event));
    }
    return parsed;
  }
  bool logged(const std::string& name) const {
    for (const auto& event : events()) {
      if (event.value("event", "") == name) return true;
    }
    return false;
  }

  // Waits (a minute at most: a loaded machine) for `done`; false if the
  // daemon ended first or it never came.
  template <class Done>
  bool wait_for(Done done) {
    for (int i = 0; i < 600; ++i) {
      if (done()) return true;
      if (int status = 0; waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return done();
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // Sends `signal` and returns the exit status, or -1 when it did not end
  // within a minute (then killed).
  int stop_with(int signal) {
    kill(pid_, signal);
    for (int i = 0; i < 600; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(100ms);
    }
    return -1;
  }

  testing::TempDir dir_;
  fs::path archive_ = dir_.path() / "archive";
  fs::path log_ = dir_.path() / "run.log";
  HttpTestServer server_;
  pid_t pid_ = -1;
};

TEST_F(RunCommandTest, SigtermDuringACycleLeavesTheArchiveSoundAndTheNextStartCompletes) {
  // The feed answers slowly: the signal comes while the cycle waits on it.
  server_.set("/news.xml",
              {.headers = {{"Content-Type", "application/rss+xml"}}, .body = rss(3), .delay = 20s});
  const std::size_t before = server_.requests().size();  // `add` read the feed
  start();
  ASSERT_TRUE(wait_for([&] { return server_.requests().size() > before; })) << testing::read_file(log_);
  EXPECT_EQ(stop_with(SIGTERM), 0) << testing::read_file(log_);
  EXPECT_TRUE(logged("stopped")) << testing::read_file(log_);
  const auto checked = newsvault("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out << checked.err;

  // Started again with the feed answering at once: the cycle completes.
  server_.set("/news.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = rss(4)});
  start();
  ASSERT_TRUE(wait_for([&] { return logged("cycle"); })) << testing::read_file(log_);
  EXPECT_EQ(stop_with(SIGTERM), 0);
  const auto listed = newsvault("list --json");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_NE(listed.out.find("Story 4"), std::string::npos) << listed.out;
  EXPECT_EQ(newsvault("check").exit_status, 0);
}

TEST_F(RunCommandTest, SigtermDuringAStalledPushStopsWithinTenSecondsAndTheNextStartPushes) {
  if (testing::run_command("command -v git").exit_status != 0) GTEST_SKIP() << "the git command is not installed";
  // A remote whose host takes the connection and never answers: the push
  // waits on it (its own bounds are minutes) when the signal comes.
  server_.set("/mirror.git/info/refs", {.body = "", .delay = 120s});
  const auto remote = [&](const std::string& url) {
    testing::write_file(archive_ / "newsvault.toml",
                        std::string("[fetch]\nfull_text = \"never\"\nretry_base_delay_ms = 10\n"
                                    "low_speed_seconds = 120\n[publish.git]\npush_timeout_seconds = 600\n"
                                    "[[publish.git.remote]]\nname = \"mirror\"\nurl = \"") +
                            url + "\"\n");
  };
  remote(server_.url("/mirror.git"));
  start();
  ASSERT_TRUE(wait_for([&] { return server_.request_count("/mirror.git/info/refs") > 0; }))
      << testing::read_file(log_);
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(stop_with(SIGTERM), 0) << testing::read_file(log_);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 10s) << testing::read_file(log_);
  EXPECT_TRUE(logged("stopped")) << testing::read_file(log_);
  const auto checked = newsvault("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out << checked.err;
  const std::string head = testing::run_command("git -C " + testing::shell_quote(archive_.string()) +
                                                " rev-parse HEAD").out;
  ASSERT_FALSE(head.empty()) << "the cycle committed nothing";

  // The remote reachable again (the same name, now a bare repository
  // here): the next start sends the commit the stop kept back, although
  // no feed is due yet.
  const fs::path bare = dir_.path() / "mirror.git";
  ASSERT_EQ(testing::run_command("git init -q --bare " + testing::shell_quote(bare.string())).exit_status, 0);
  remote(bare.string());
  const auto remote_head = [&] {
    return testing::run_command("git -C " + testing::shell_quote(bare.string()) + " rev-parse main").out;
  };
  start();
  ASSERT_TRUE(wait_for([&] { return logged("pushed"); })) << testing::read_file(log_);
  EXPECT_EQ(stop_with(SIGTERM), 0);
  EXPECT_EQ(remote_head(), head);
  EXPECT_FALSE(logged("cycle")) << "the feed was polled again to push: " << testing::read_file(log_);
  EXPECT_EQ(newsvault("check").exit_status, 0);
}

TEST_F(RunCommandTest, SighupWithABrokenSettingsFileKeepsRunningOnTheOldSettings) {
  start();
  ASSERT_TRUE(wait_for([&] { return logged("cycle"); })) << testing::read_file(log_);
  testing::write_file(archive_ / "newsvault.toml", "[fetch\nbroken = ");
  kill(pid_, SIGHUP);
  ASSERT_TRUE(wait_for([&] { return logged("reload_failed"); })) << testing::read_file(log_);
  int status = 0;
  EXPECT_EQ(waitpid(pid_, &status, WNOHANG), 0) << "the daemon ended on a bad settings file";
  bool names_the_file = false;
  for (const auto& event : events()) {
    if (event.value("event", "") == "reload_failed") {
      names_the_file = event.value("error", "").find("newsvault.toml") != std::string::npos;
    }
  }
  EXPECT_TRUE(names_the_file) << testing::read_file(log_);

  // Fixed and reloaded: taken.
  testing::write_file(archive_ / "newsvault.toml", kSettings);
  kill(pid_, SIGHUP);
  ASSERT_TRUE(wait_for([&] { return logged("reloaded"); })) << testing::read_file(log_);
  EXPECT_EQ(stop_with(SIGINT), 0);
}

TEST_F(RunCommandTest, ASecondRunOnTheSameArchiveIsRefusedAndChangesNothing) {
  start();
  ASSERT_TRUE(wait_for([&] { return logged("cycle"); })) << testing::read_file(log_);
  const std::size_t requests = server_.requests().size();
  const auto second = newsvault("run");
  EXPECT_NE(second.exit_status, 0);
  EXPECT_NE(second.err.find("another 'newsvault run'"), std::string::npos) << second.err;
  EXPECT_EQ(server_.requests().size(), requests) << "the refused daemon polled";
  const auto status = newsvault("status --json");
  ASSERT_EQ(status.exit_status, 0) << status.err;
  EXPECT_NE(status.out.find("\"daemon_running\": true"), std::string::npos) << status.out;
  EXPECT_EQ(stop_with(SIGTERM), 0);
}

}  // namespace
}  // namespace newsvault::cli
