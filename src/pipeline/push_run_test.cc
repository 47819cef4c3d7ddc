// Pushes apart from archiving: a remote that accepts and never answers,
// answers a byte a second, or refuses, costs a push at most its bound,
// never holds up a fetch, and is pushed to again once it answers.
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <gtest/gtest.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "pipeline/pipeline.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_command;
using testing::shell_quote;

std::string rss(const std::vector<std::string>& ids) {
  std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>World</title>";
  for (const std::string& id : ids) {
    feed += "<item><title>Story " + id + "</title><link>https://news.example.org/" + id + "</link><guid>" + id +
            "</guid><pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>Body " + id +
            "</description></item>";
  }
  return feed + "</channel></rss>";
}

// A remote that takes the connection and the request, then says nothing
// until released (or the server stops). `held` counts the requests it is
// sitting on.
class SilentRemote {
 public:
  SilentRemote() {
    for (const char* path : {"/mirror.git/info/refs", "/mirror.git/git-receive-pack"}) {
      server_.set_handler(path, [this](const HttpTestServer::RecordedRequest& request) {
        return answer_(request);
      });
    }
  }
  ~SilentRemote() { released_ = true; }

  std::string url() const { return server_.url("/mirror.git"); }
  int held() const {
    std::lock_guard lock(mutex_);
    return held_;
  }
  void wait_until_held() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return held_ > 0; });
  }
  void release() { released_ = true; }
  // What a request is answered with; by default the silence above.
  void answer_with(HttpTestServer::Handler handler) { answer_ = std::move(handler); }

 private:
  HttpTestServer::Handler answer_ = [this](const HttpTestServer::RecordedRequest& request) {
    return silence(request);
  };
  HttpTestServer::CannedResponse silence(const HttpTestServer::RecordedRequest&) {
    return HttpTestServer::CannedResponse{.raw = [this](HttpTestServer::RawConnection& connection) {
      {
        std::lock_guard lock(mutex_);
        ++held_;
      }
      changed_.notify_all();
      while (!released_ && connection.pause(std::chrono::milliseconds(20))) {
      }
      std::lock_guard lock(mutex_);
      --held_;
    }};
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int held_ = 0;
  std::atomic<bool> released_ = false;
  HttpTestServer server_;  // last: stopped first, while the rest still exists
};


class PushRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v git").exit_status != 0) GTEST_SKIP() << "the git command is not installed";
    root_ = dir_.path() / "archive";
    bare_ = dir_.path() / "mirror.git";
    feed_ = dir_.path() / "world.rss";
    ASSERT_TRUE(Archive::init(root_).has_value());
    testing::write_file(feed_, rss({"a"}));
    settings("");
    ASSERT_TRUE(archive_->store().add_feed("world", "file://" + feed_.string(), "").has_value());
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  // The settings with `remote` (a URL; "" for none) as the remote "mirror".
  void settings(const std::string& remote, int push_timeout_seconds = 1) {
    std::string text = "[feeds.world]\nfull_text = \"never\"\n";
    if (!remote.empty()) {
      text += "[[publish.git.remote]]\nname = \"mirror\"\nurl = \"" + remote +
              "\"\npush_timeout_seconds = " + std::to_string(push_timeout_seconds) + "\n";
    }
    testing::write_file(root_ / kConfigFileName, text);
    archive_ = open();
  }

  std::unique_ptr<Archive> open() {
    auto archive = Archive::open(root_);
    EXPECT_TRUE(archive.has_value()) << archive.error().message();
    return archive ? std::move(*archive) : nullptr;
  }

  FetchSummary fetch_at(const char* now) {
    auto summary = run_fetch(*archive_, *client_, *parse_date(now), nullptr);
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    return summary ? *summary : FetchSummary{};
  }

  std::string git(const fs::path& dir, const std::string& arguments) {
    const auto result = run_command("git -C " + shell_quote(dir.string()) + " " + arguments);
    EXPECT_EQ(result.exit_status, 0) << arguments << ": " << result.err;
    return result.out;
  }

  nlohmann::json remotes_file() {
    return nlohmann::json::parse(testing::read_file(root_ / ".newsvault/remotes.json"));
  }

  // One push, failed: its error, which names the remote.
  std::string failed_push(const FetchSummary& summary) {
    EXPECT_EQ(summary.publish.pushes.size(), 1u);
    if (summary.publish.pushes.size() != 1) return "";
    const publish::PushResult& push = summary.publish.pushes[0];
    EXPECT_FALSE(push.pushed);
    EXPECT_NE(push.error.find("push to mirror ("), std::string::npos) << push.error;
    return push.error;
  }

  testing::TempDir dir_;
  fs::path root_, bare_, feed_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

TEST_F(PushRunTest, ARemoteThatNeverAnswersIsGivenUpWhileItStillHoldsTheConnection) {
  SilentRemote remote;
  settings(remote.url());
  const FetchSummary fetched = fetch_at("2023-06-19T01:47:05Z");
  ASSERT_TRUE(fetched.publish.commit.has_value()) << "archiving does not wait on the remote";
  const std::string error = failed_push(fetched);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  // The bound, not the remote, ended the push.
  EXPECT_GT(remote.held(), 0);

  const nlohmann::json recorded = remotes_file()["mirror"];
  EXPECT_EQ(recorded["ok"], false);
  EXPECT_EQ(recorded["failures"], 1);
  EXPECT_EQ(recorded["behind"], 1);
  EXPECT_EQ(recorded["next_attempt"], "2023-06-19T01:52:05Z");
}

TEST_F(PushRunTest, ARemoteThatAnswersAByteASecondIsGivenUpWithinItsBound) {
  SilentRemote remote;
  remote.answer_with([&](const HttpTestServer::RecordedRequest&) {
    return HttpTestServer::CannedResponse{.raw = [](HttpTestServer::RawConnection& connection) {
      const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-receive-pack-advertisement\r\n"
                                 "Content-Length: 100000\r\n\r\n001f# service=git-receive-pack\n0000";
      for (std::size_t i = 0;; i = (i + 1) % answer.size()) {
        if (!connection.write(answer.substr(i, 1)) || !connection.pause(std::chrono::seconds(1))) return;
      }
    }};
  });
  settings(remote.url(), 2);
  const FetchSummary fetched = fetch_at("2023-06-19T01:47:05Z");
  ASSERT_TRUE(fetched.publish.commit.has_value());
  const std::string error = failed_push(fetched);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
}

TEST_F(PushRunTest, ARemoteThatRefusesIsNamedAsRefusing) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::refusing_port()) + "/mirror.git";
  settings(url);
  const std::string error = failed_push(fetch_at("2023-06-19T01:47:05Z"));
  EXPECT_NE(error.find("connection refused"), std::string::npos) << error;
  EXPECT_EQ(error.find("timed out"), std::string::npos) << error;
}

TEST_F(PushRunTest, AFailedRemoteWaitsOutItsBackoffThenTheNextCyclePushesToIt) {
  SilentRemote remote;
  settings(remote.url());
  failed_push(fetch_at("2023-06-19T01:47:05Z"));

  // The remote answers again: a real repository, reached as file://.
  git(dir_.path(), "init -q --bare " + shell_quote(bare_.string()));
  settings("file://" + bare_.string());
  const FetchSummary waiting = fetch_at("2023-06-19T01:48:05Z");
  EXPECT_TRUE(waiting.publish.pushes.empty());
  ASSERT_EQ(waiting.publish.pushes_deferred.size(), 1u);
  EXPECT_NE(waiting.publish.pushes_deferred[0].find("next attempt after 2023-06-19T01:52:05Z"), std::string::npos)
      << waiting.publish.pushes_deferred[0];

  const FetchSummary next = fetch_at("2023-06-19T02:47:05Z");
  ASSERT_EQ(next.publish.pushes.size(), 1u);
  EXPECT_TRUE(next.publish.pushes[0].pushed) << next.publish.pushes[0].error;
  EXPECT_EQ(git(bare_, "rev-parse main"), git(root_, "rev-parse HEAD"));

  auto report = check_archive(root_);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  ASSERT_EQ(report->remotes.size(), 1u);
  const RemoteStatus& status = report->remotes[0];
  EXPECT_EQ(status.behind, 0u);
  EXPECT_EQ(status.last_success, "2023-06-19T02:47:05Z");
  EXPECT_EQ(status.last_error, "");
  EXPECT_EQ(status.failures, 0);
}

TEST_F(PushRunTest, AFetchDuringAHungPushArchivesAndCommits) {
  fetch_at("2023-06-19T01:47:05Z");  // no remote yet: one commit
  SilentRemote remote;
  settings(remote.url(), 60);

  // A publish whose push hangs, on an archive of its own (another process,
  // as far as the archive can tell).
  std::optional<Result<PublishSummary>> published;
  std::thread publishing([&, archive = open()] {
    PublishRequest request;
    request.now = *parse_date("2023-06-19T02:00:00Z");
    published = run_publish(*archive, request);
  });
  remote.wait_until_held();

  testing::write_file(feed_, rss({"a", "b"}));
  const FetchSummary fetched = fetch_at("2023-06-19T02:47:05Z");
  EXPECT_EQ(fetched.counts.articles_new, 1u);
  ASSERT_TRUE(fetched.publish.commit.has_value());
  EXPECT_EQ(git(root_, "rev-list --count HEAD"), "2\n");
  EXPECT_TRUE(fetched.publish.pushes.empty());
  ASSERT_EQ(fetched.publish.pushes_deferred.size(), 1u);
  EXPECT_NE(fetched.publish.pushes_deferred[0].find("another push is running"), std::string::npos);
  EXPECT_GT(remote.held(), 0) << "the push was still hanging when the fetch finished";

  remote.release();  // the remote hangs up: the push fails, naming it
  publishing.join();
  ASSERT_TRUE(published.has_value() && published->has_value());
  ASSERT_EQ((*published)->pushes.size(), 1u);
  EXPECT_NE((*published)->pushes[0].error.find("push to mirror ("), std::string::npos)
      << (*published)->pushes[0].error;
}

}  // namespace
}  // namespace newsvault::pipeline
