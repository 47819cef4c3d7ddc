// `newsvault run`'s loop over a simulated day: feeds on 127.0.0.1 that
// publish at their own pace (their entries dated by the test clock), one
// that asks to be left alone and one that fails, polled on the clock the
// daemon waits on, which jumps to each poll instead of sleeping.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "pipeline/pipeline.h"
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

  // A feed whose entries come every `every`, the first a week before the day.
  void publishing(const std::string& name, std::chrono::seconds every) {
    const Timestamp first = start_ - 7 * kDay;
    server_.set_handler("/" + name, [this, name, first, every](const HttpTestServer::RecordedRequest&) {
      return HttpTestServer::CannedResponse{.headers = {{"Content-Type", "application/atom+xml"}},
                                            .body = atom_feed(name, first, every, clock_.now())};
    });
    add(name);
  }

  void answering(const std::string& name, HttpTestServer::CannedResponse response) {
    server_.set("/" + name, std::move(response));
    add(name);
  }

  void add(const std::string& name) {
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    ASSERT_TRUE((*archive)->store().add_feed(name, server_.url("/" + name), "").has_value());
  }

  // Runs the daemon over the simulated `length`; returns the polls of each
  // feed, as its "scheduled" events count them.
  std::map<std::string, int> run_for(std::chrono::hours length) {
    DaemonOptions options;
    options.until = start_ + length;
    std::map<std::string, int> polls;
    std::mutex mutex;
    options.log = [&](const DaemonEvent& event) {
      std::lock_guard lock(mutex);
      events_.push_back(event.name);
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

  testing::TempDir dir_;
  HttpTestServer server_;
  std::vector<std::string> events_;
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

}  // namespace
}  // namespace newsvault::pipeline
