// The GitHub Actions workflow of examples/github-actions: it reads as a
// scheduled workflow that restores the store, runs one cycle and pushes,
// and its cycle's script, run here as the runner would run it (a clone of
// a repository, a feed on 127.0.0.1), archives, pushes and comes back from
// the store's branch when the cache is gone.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;

const fs::path kWorkflow = fs::path(NEWSVAULT_SOURCE_DIR) / "examples/github-actions/newsvault-mirror.yml";

// The workflow as JSON, read by PyYAML; null when python3-yaml is missing.
nlohmann::json read_workflow() {
  const auto converted = run_command(
      "python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' " +
      shell_quote(kWorkflow.string()));
  if (converted.exit_status != 0) return nullptr;
  return nlohmann::json::parse(converted.out);
}

std::string feed_with(int count) {
  std::string items;
  for (int i = 1; i <= count; ++i) {
    const std::string n = std::to_string(i);
    items += "<item><title>Story " + n + "</title><link>https://news.example/" + n + "</link><guid>s" + n +
             "</guid><pubDate>Mon, 19 Jun 2023 0" + n + ":00:00 GMT</pubDate><description>&lt;p&gt;Story " +
             n + " in full.&lt;/p&gt;</description></item>";
  }
  return "<rss version=\"2.0\"><channel><title>News</title><link>https://news.example/</link>" + items +
         "</channel></rss>";
}

class GithubActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    workflow_ = read_workflow();
    if (workflow_.is_null()) GTEST_SKIP() << "python3-yaml is not installed";
    for (const auto& step : workflow_["jobs"]["cycle"]["steps"]) {
      if (step.value("id", "") == "cycle") script_ = step["run"].get<std::string>();
    }
  }
  std::string git(const fs::path& repository, const std::string& arguments) {
    return run_command("HOME=" + shell_quote(dir_.path().string()) + " git -C " +
                       shell_quote(repository.string()) + " " + arguments)
        .out;
  }
  // A fresh clone of the mirror, as actions/checkout makes one, and the
  // cycle's script run in it.
  testing::CommandResult run_cycle(const std::string& name) {
    const fs::path clone = dir_.path() / name;
    run_command("git clone -q " + shell_quote(remote_.string()) + " " + shell_quote(clone.string()));
    const fs::path temp = dir_.path() / (name + "-temp");
    fs::create_directories(temp);
    testing::write_file(dir_.path() / "cycle.sh", script_);
    const std::string binary_dir = fs::absolute(testing::newsvault_binary()).parent_path().string();
    return run_command("cd " + shell_quote(clone.string()) + " && HOME=" + shell_quote(dir_.path().string()) +
                       " BRANCH=main RUNNER_TEMP=" + shell_quote(temp.string()) + " PATH=" +
                       shell_quote(binary_dir) + ":$PATH bash -e " + shell_quote((dir_.path() / "cycle.sh").string()));
  }

  nlohmann::json workflow_;
  std::string script_;
  testing::TempDir dir_;
  fs::path remote_ = dir_.path() / "mirror.git";
};

TEST_F(GithubActionsTest, IsAScheduledCycleThatRestoresTheStoreAndPushes) {
  // PyYAML reads the key `on` as YAML 1.1's true.
  const auto& triggers = workflow_.contains("on") ? workflow_["on"] : workflow_["true"];
  ASSERT_TRUE(triggers.contains("schedule")) << workflow_.dump(1);
  EXPECT_FALSE(triggers["schedule"][0]["cron"].get<std::string>().empty());
  EXPECT_EQ(workflow_["permissions"]["contents"], "write");
  EXPECT_EQ(workflow_["concurrency"]["cancel-in-progress"], false);
  std::vector<std::string> uses;
  for (const auto& step : workflow_["jobs"]["cycle"]["steps"]) {
    uses.push_back(step.contains("uses") ? step["uses"].get<std::string>() : step.value("id", "run"));
  }
  const auto at = [&](const std::string& what) {
    return std::find(uses.begin(), uses.end(), what) - uses.begin();
  };
  EXPECT_LT(at("actions/cache/restore@v4"), at("cycle"));
  EXPECT_LT(at("cycle"), at("actions/cache/save@v4"));
  EXPECT_LT(at("actions/cache/save@v4"), static_cast<long>(uses.size()));
  EXPECT_EQ(workflow_["jobs"]["cycle"]["steps"][1]["with"]["fetch-depth"], 0);
  EXPECT_NE(script_.find("newsvault fetch"), std::string::npos);
}

TEST_F(GithubActionsTest, TheCycleArchivesPushesAndComesBackFromTheStoresBranch) {
  testing::HttpTestServer server;
  server.set("/news.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = feed_with(1)});
  // The mirror's repository: its settings and feed list, as a user sets it up.
  const fs::path setup = dir_.path() / "setup";
  ASSERT_EQ(run_command("git init -q --bare -b main " + shell_quote(remote_.string())).exit_status, 0);
  fs::create_directories(setup / ".github");
  testing::write_file(setup / ".github/newsvault.toml",
                      "[fetch]\nfull_text = \"never\"\n[publish.git]\nenabled = true\n");
  testing::write_file(setup / ".github/newsvault-feeds.opml",
                      "<opml version=\"2.0\"><body><outline text=\"news\" xmlUrl=\"" + server.url("/news.xml") +
                          "\"/></body></opml>");
  ASSERT_EQ(run_command("cd " + shell_quote(setup.string()) + " && git init -q -b main && git add . && " +
                        "git -c user.name=u -c user.email=u@localhost commit -qm setup && git push -q " +
                        shell_quote(remote_.string()) + " main")
                .exit_status,
            0);

  const auto first = run_cycle("run1");
  ASSERT_EQ(first.exit_status, 0) << first.out << first.err;
  const std::string files = git(remote_, "ls-tree -r --name-only main");
  EXPECT_NE(files.find("news/2023/06/19-"), std::string::npos) << files;
  EXPECT_EQ(("\n" + files).find("\nnewsvault.toml\n"), std::string::npos) << "the settings stay out of the history";
  EXPECT_NE(git(remote_, "ls-tree --name-only newsvault-store"), "") << "the store's copy is pushed";

  // The cache is gone (a fresh clone without .newsvault/): the store comes
  // back from its branch, so only the new story is archived.
  server.set("/news.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = feed_with(2)});
  const auto second = run_cycle("run2");
  ASSERT_EQ(second.exit_status, 0) << second.out << second.err;
  EXPECT_EQ(git(remote_, "rev-list --count main"), "3\n") << "setup, then one commit per cycle";
  EXPECT_NE(git(remote_, "log -1 --format=%s main").find("1 new"), std::string::npos)
      << git(remote_, "log -1 --format=%s main");
  const auto check = testing::run_newsvault("--dir " + shell_quote((dir_.path() / "run2").string()) + " check");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

}  // namespace
}  // namespace newsvault::cli
