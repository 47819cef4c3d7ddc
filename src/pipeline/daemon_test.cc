// `newsvault run`'s loop over a simulated day: feeds on 127.0.0.1 that
// publish at their own pace (their entries dated by the test clock), one
// that asks to be left alone and one that fails, polled on the clock the
// daemon waits on, which jumps to each poll instead of sleeping; and the
// network lost for hours of that day (a client that answers nothing, as
// curl does when no name resolves), told apart from one host failing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "pipeline/pipeline.h"
#include "pipeline/poll_schedule.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestServer;

constexpr auto kDay = 24h;

// An Atom feed of the entries dated at or before `now`, newest first, at
// most 20: one every `every` since `first`.
std::string atom_feed(const std::string& name, Timestamp first, std::chrono::seconds every, Timestamp now) {
  std::vector<Timestamp> dates;
  for (Timestamp t = first; t <= now; t += every) dates.push_back(t);
  std::string entries;
  for (std::size_t i = dates.size(); i-- > 0 && dates.size() - i <= 20;) {
    const std::string id = name + "-" + std::to_string(i);
    entries += "<entry><id>urn:" + id + "</id><title>" + name + " story " + std::to_string(i) +
               "</title><link href=\"https://" + name + ".example/" + id + "\"/><updated>" +
               format_iso8601_seconds(dates[i]) + "</updated><content type=\"html\">&lt;p&gt;Story " + id +
               " in full.&lt;/p&gt;</content></entry>";
  }
  return "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:" + name +
         "</id><title>" + name + "</title><updated>" + format_iso8601_seconds(now) + "</updated>" + entries +
         "</feed>";
}

// The production client, except that during [from, to) of the test clock
// every request to a host of `down` ("*": every host) goes unanswered, as
// when the network or that host is gone. Counts the requests it failed.
class OutageClient : public fetch::HttpClient {
 public:
  struct Outage {
    Timestamp from, to;
    std::set<std::string> down;
    int unanswered = 0;
  };
  OutageClient(std::unique_ptr<fetch::HttpClient> real, schedule::Clock& clock, Outage& outage)
      : real_(std::move(real)), clock_(clock), outage_(outage) {}

  void fetch_all(const std::vector<fetch::Request>& requests,
                 const std::function<void(std::size_t, fetch::Response)>& on_done) override {
    std::vector<fetch::Request> passed;
    std::vector<std::size_t> indexes;
    const Timestamp now = clock_.now();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const std::string host = requests[i].url.substr(7, requests[i].url.find(':', 7) - 7);
      if (now >= outage_.from && now < outage_.to && (outage_.down.contains("*") || outage_.down.contains(host))) {
        ++outage_.unanswered;
        fetch::Response response;
        response.outcome = fetch::FetchOutcome::kFailed;
        response.unreachable = true;
        response.error = "GET " + requests[i].url + ": Could not resolve host: " + host;
        on_done(i, std::move(response));
      } else {
        passed.push_back(requests[i]);
        indexes.push_back(i);
      }
    }
    if (passed.empty()) return;
    real_->fetch_all(passed, [&](std::size_t i, fetch::Response response) { on_done(indexes[i], std::move(response)); });
  }

 private:
  std::unique_ptr<fetch::HttpClient> real_;
  schedule::Clock& clock_;
  Outage& outage_;
};

class DaemonTest : public ::testing::Test {
 protected:
  // Midnight, so the daily feed's entries fall on the day's boundaries.
  const Timestamp start_ = std::chrono::sys_days{std::chrono::year{2026} / 3 / 2};
  schedule::TestClock clock_{start_};

  void SetUp() override {
    ASSERT_TRUE(Archive::init(dir_.path()).has_value());
    testing::write_file(dir_.path() / kConfigFileName,
                        "[fetch]\nfull_text = \"never\"\nretry_base_delay_ms = 10\n"
                        "[schedule]\nmin_interval_seconds = 300\nmax_interval_seconds = 21600\n"
                        "[publish.git]\nenabled = false\n[publish.site]\nenabled = false\n"
                        "[warc]\nenabled = false\n");
  }

  // A feed whose entries come every `every`, the first a week before the
  // day, on `server` (null: server_).
  void publishing(const std::string& name, std::chrono::seconds every, HttpTestServer* server = nullptr) {
    const Timestamp first = start_ - 7 * kDay;
    (server ? *server : server_)
        .set_handler("/" + name, [this, name, first, every](const HttpTestServer::RecordedRequest&) {
          return HttpTestServer::CannedResponse{.headers = {{"Content-Type", "application/atom+xml"}},
                                                .body = atom_feed(name, first, every, clock_.now())};
        });
    add(name, server);
  }

  void answering(const std::string& name, HttpTestServer::CannedResponse response) {
    server_.set("/" + name, std::move(response));
    add(name);
  }

  void add(const std::string& name, HttpTestServer* server = nullptr) {
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    ASSERT_TRUE((*archive)->store().add_feed(name, (server ? *server : server_).url("/" + name), "").has_value());
  }

  // Runs the daemon over the simulated `length`; returns the polls of each
  // feed, as its "scheduled" events count them. With `outage`, its client
  // is an OutageClient.
  std::map<std::string, int> run_for(std::chrono::hours length, OutageClient::Outage* outage = nullptr) {
    DaemonOptions options;
    options.until = start_ + length;
    if (outage != nullptr) {
      options.make_client = [this, outage](const fetch::ClientOptions& client_options) {
        return std::make_unique<OutageClient>(fetch::make_http_client(client_options), clock_, *outage);
      };
    }
    std::map<std::string, int> polls;
    std::mutex mutex;
    options.log = [&](const DaemonEvent& event) {
      std::lock_guard lock(mutex);
      events_.push_back(event.name);
      logged_.push_back({clock_.now(), event});
      if (event.name != "scheduled") return;
      for (const auto& [key, value] : event.fields) {
        if (key == "feed") ++polls[value];
      }
    };
    DaemonControl control;
    auto ran = run_daemon(dir_.path(), clock_, control, options);
    EXPECT_TRUE(ran.has_value()) << ran.error().message();
    return polls;
  }

  std::size_t requests_of(const std::string& name) const {
    std::size_t count = 0;
    for (const auto& request : server_.requests()) count += request.path == "/" + name;
    return count;
  }

  std::size_t count(const std::string& name) const { return std::ranges::count(events_, name); }

  // Each feed's last error and failures in a row, as the store keeps them.
  std::pair<std::string, int> failure_of(const std::string& name) {
    auto archive = Archive::open(dir_.path());
    EXPECT_TRUE(archive.has_value());
    if (!archive) return {};
    auto feeds = (*archive)->store().feeds();
    auto schedules = read_schedules((*archive)->store());
    EXPECT_TRUE(feeds.has_value() && schedules.has_value());
    if (!feeds || !schedules) return {};
    for (const auto& feed : *feeds) {
      if (feed.name != name) continue;
      const auto schedule = schedules->find(feed.id);
      return {feed.last_error, schedule == schedules->end() ? 0 : schedule->second.failures};
    }
    ADD_FAILURE() << "no feed " << name;
    return {};
  }

  // One more line in the settings' [schedule] table.
  void schedule_setting(const std::string& line) {
    std::string text = testing::read_file(dir_.path() / kConfigFileName);
    text.insert(text.find("[schedule]\n") + 11, line + "\n");
    testing::write_file(dir_.path() / kConfigFileName, text);
  }

  testing::TempDir dir_;
  HttpTestServer server_;
  std::vector<std::string> events_;
  std::vector<std::pair<Timestamp, DaemonEvent>> logged_;
};

TEST_F(DaemonTest, ASimulatedDayPollsEachFeedAsOftenAsItsRulesAllow) {
  publishing("often", 10min);
  publishing("daily", kDay);
  answering("never", {.headers = {{"Content-Type", "application/atom+xml"}},
                      .body = atom_feed("never", start_ - 400 * kDay, kDay, start_ - 390 * kDay)});
  answering("asks", {.status = 503, .headers = {{"Retry-After", "7200"}}, .body = "busy"});
  answering("fails", {.status = 500, .body = "broken"});

  const auto polls = run_for(24h);

  // Every 10 minutes: polled about as often, never above the minimum interval.
  EXPECT_GE(polls.at("often"), 60) << "a feed publishing every 10 minutes is polled far less";
  EXPECT_LE(polls.at("often"), 24 * 3600 / 300 + 1);
  // Daily and never: the maximum interval (6 h) bounds the wait.
  for (const char* slow : {"daily", "never"}) {
    EXPECT_GE(polls.at(slow), 4) << slow;
    EXPECT_LE(polls.at(slow), 8) << slow;
  }
  // Retry-After 2 h: at most every 2 hours.
  EXPECT_GE(polls.at("asks"), 4);
  EXPECT_LE(polls.at("asks"), 24 / 2 + 1);
  // Failing: backs off from the minimum towards the maximum.
  EXPECT_GE(polls.at("fails"), 4);
  EXPECT_LE(polls.at("fails"), 16);
  EXPECT_GT(polls.at("often"), 4 * polls.at("fails"));
  // The server saw each poll the daemon says it made.
  for (const auto& [name, count] : polls) EXPECT_GE(requests_of(name), static_cast<std::size_t>(count)) << name;

  // What the feeds published is archived: the frequent feed's newest entry too.
  auto archive = Archive::open(dir_.path());
  ASSERT_TRUE(archive.has_value());
  auto articles = (*archive)->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  std::set<std::string> titles;
  for (const auto& article : *articles) titles.insert(article.title);
  EXPECT_TRUE(titles.contains("often story " + std::to_string(7 * 24 * 6 + 24 * 6 - 6)))
      << "the entry published an hour before the end is missing";
  EXPECT_EQ(events_.front(), "started");
  EXPECT_EQ(events_.back(), "stopped");
}

TEST_F(DaemonTest, ASecondDaemonOnTheSameArchiveIsRefused) {
  publishing("often", 10min);
  DaemonControl first_control;
  schedule::TestClock other_clock{start_};
  std::optional<Result<void>> second;
  DaemonOptions options;
  // The first daemon's first cycle starts a second one, which must refuse.
  options.log = [&](const DaemonEvent& event) {
    if (event.name != "cycle" || second) return;
    DaemonControl control;
    DaemonOptions quiet;
    quiet.until = start_ + 1h;
    second = run_daemon(dir_.path(), other_clock, control, quiet);
    first_control.stop = true;
  };
  options.until = start_ + 1h;
  auto first = run_daemon(dir_.path(), clock_, first_control, options);
  ASSERT_TRUE(first.has_value()) << first.error().message();
  ASSERT_TRUE(second.has_value());
  ASSERT_FALSE(second->has_value());
  EXPECT_NE(second->error().message().find("daemon"), std::string::npos) << second->error().message();
  EXPECT_FALSE(daemon_running(dir_.path())) << "the lock outlived the daemon";
}

TEST_F(DaemonTest, NetworkLostOnEveryHostPausesTheDaemonWithoutFailingAnyFeed) {
  HttpTestServer other("127.0.0.2");
  publishing("here", 10min);
  publishing("there", 10min, &other);
  OutageClient::Outage outage{start_ + 6h, start_ + 9h, {"*"}};

  const auto polls = run_for(12h, &outage);

  // Three hours without network: said once, retried all along (30 s
  // doubling up to the 5 min minimum), no feed failed or backed off.
  EXPECT_EQ(count("offline"), 1u);
  EXPECT_EQ(count("online"), 1u);
  EXPECT_EQ(count("feed_error"), 0u);
  EXPECT_GE(outage.unanswered, 2 * 30);
  EXPECT_LE(outage.unanswered, 2 * (3 * 3600 / 30 + 1));
  for (const char* feed : {"here", "there"}) {
    const auto [error, failures] = failure_of(feed);
    EXPECT_EQ(error, "") << feed;
    EXPECT_EQ(failures, 0) << feed;
    // Polled as often after the outage as before it: about every 10 min.
    EXPECT_GE(polls.at(feed), 40) << feed;
  }
  for (const auto& [when, event] : logged_) {
    if (event.name != "offline") continue;
    // At the first poll after the network went (each feed is due every 10 min).
    EXPECT_GE(when, start_ + 6h);
    EXPECT_LE(when, start_ + 6h + 10min) << format_iso8601_seconds(when);
    bool says_why = false;
    for (const auto& [key, value] : event.fields) says_why |= value.starts_with("network unreachable");
    EXPECT_TRUE(says_why);
  }
}

TEST_F(DaemonTest, OneHostUnansweredWithTheNetworkProbeUnansweredTooIsANetworkOutage) {
  // Every feed on one host: only the probe can tell whether it is that
  // host or the network.
  server_.set("/probe", {.body = "up"});
  schedule_setting("network_probe = \"" + server_.url("/probe") + "\"");
  publishing("here", 10min);
  OutageClient::Outage outage{start_ + 2h, start_ + 4h, {"*"}};

  run_for(6h, &outage);

  EXPECT_EQ(count("offline"), 1u);
  EXPECT_EQ(count("feed_error"), 0u);
  const auto [error, failures] = failure_of("here");
  EXPECT_EQ(error, "");
  EXPECT_EQ(failures, 0);
}

TEST_F(DaemonTest, OneHostUnansweredWhileTheNetworkProbeAnswersFailsThatHostsFeed) {
  HttpTestServer other("127.0.0.2");
  server_.set("/probe", {.body = "up"});
  schedule_setting("network_probe = \"" + server_.url("/probe") + "\"");
  publishing("gone", 10min, &other);
  // Its host is gone for good two hours in.
  OutageClient::Outage outage{start_ + 2h, start_ + 24h, {"127.0.0.2"}};

  const auto polls = run_for(8h, &outage);

  // The probe answered: the network is there, the feed failed, and it
  // backs off as a failing feed does.
  EXPECT_EQ(count("offline"), 0u);
  EXPECT_GE(count("feed_error"), 1u);
  EXPECT_GE(server_.request_count("/probe"), 1u);
  const auto [error, failures] = failure_of("gone");
  EXPECT_NE(error.find("127.0.0.2"), std::string::npos) << error;
  EXPECT_GE(failures, 3);
  // Six hours of failing, backing off: far fewer polls than every 10 min.
  EXPECT_LE(polls.at("gone"), 12 + 12);
}

TEST_F(DaemonTest, AFailedPageIsRetriedOnItsOwnScheduleWithoutPollingItsFeed) {
  // Polled every 6 hours at most often; its one page fails for the first
  // hour. One request per attempt, so that the server counts attempts.
  std::string settings = testing::read_file(dir_.path() / kConfigFileName);
  settings.insert(settings.find("[fetch]\n") + 8, "max_attempts = 1\n");
  testing::write_file(dir_.path() / kConfigFileName,
                      settings + "[feeds.gazette]\nfull_text = \"always\"\nmin_interval_seconds = 21600\n");
  server_.set("/gazette", {.headers = {{"Content-Type", "application/rss+xml"}},
                           .body = "<rss version=\"2.0\"><channel><title>Gazette</title><link>" + server_.url("/") +
                                   "</link><item><title>Harbour reopens</title><link>" +
                                   server_.url("/news/harbour") +
                                   "</link><guid>harbour</guid><description>A teaser.</description></item>"
                                   "</channel></rss>"});
  server_.set_handler("/news/harbour", [this](const HttpTestServer::RecordedRequest&) {
    if (clock_.now() < start_ + 1h) return HttpTestServer::CannedResponse{.status = 503, .body = "busy"};
    std::string page = "<!DOCTYPE html><html><head><title>Harbour reopens</title></head><body><article>"
                       "<h1>Harbour reopens</h1>";
    for (int i = 0; i < 5; ++i) {
      page += "<p>The harbour reopened this morning after the divers cleared the channel, and the ferries "
              "were back on their old timetable before noon, paragraph " + std::to_string(i) + ".</p>";
    }
    return HttpTestServer::CannedResponse{.headers = {{"Content-Type", "text/html; charset=utf-8"}},
                                          .body = page + "</article></body></html>"};
  });
  add("gazette");

  run_for(4h);

  // The feed was asked once; its page as often as its retries came due
  // (at once, then 5, 10, 20 min...), until it answered.
  EXPECT_EQ(server_.request_count("/gazette"), 1u);
  EXPECT_GE(server_.request_count("/news/harbour"), 3u);
  EXPECT_LE(server_.request_count("/news/harbour"), 8u);
  auto archive = Archive::open(dir_.path());
  ASSERT_TRUE(archive.has_value());
  auto status = archive_status(**archive);
  ASSERT_TRUE(status.has_value());
  ASSERT_EQ(status->feeds.size(), 1u);
  EXPECT_EQ(status->feeds[0].pending, 0u);
  EXPECT_EQ(status->feeds[0].revisions, 2u) << "the teaser, then the page's full text";
  auto articles = (*archive)->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  ASSERT_EQ(articles->size(), 1u);
  EXPECT_NE(testing::read_file(dir_.path() / articles->front().document_path).find("divers cleared the channel"),
            std::string::npos);
}

}  // namespace
}  // namespace newsvault::pipeline
