#include "schedule/schedule.h"

#include <gtest/gtest.h>

namespace newsvault::schedule {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Timestamp kNoon = Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 6 / 3)) + hours(12);

Observation read_with_dates(std::vector<Timestamp> dates, std::size_t new_articles = 0) {
  Observation observation;
  observation.entries_read = true;
  observation.entry_dates = std::move(dates);
  observation.new_articles = new_articles;
  return observation;
}

std::vector<Timestamp> every(minutes gap, int count, Timestamp newest) {
  std::vector<Timestamp> dates;
  for (int i = 0; i < count; ++i) dates.push_back(newest - gap * i);
  return dates;
}

TEST(PlanNextPollTest, FollowsHowOftenTheEntriesArePublished) {
  const FeedSchedule next = plan_next_poll({}, read_with_dates(every(minutes(10), 10, kNoon)), kNoon, {}, "u");
  EXPECT_EQ(next.interval, minutes(10));
  EXPECT_EQ(next.next_poll, kNoon + minutes(10));
  EXPECT_NE(next.reason.find("entries' dates"), std::string::npos) << next.reason;
}

TEST(PlanNextPollTest, QuietTimeSinceTheNewestEntryLengthensTheInterval) {
  // Ten entries ten minutes apart, the newest a day old: not every 10 min.
  const FeedSchedule next =
      plan_next_poll({}, read_with_dates(every(minutes(10), 10, kNoon - hours(24))), kNoon, {}, "u");
  EXPECT_GT(next.interval, hours(2));
}

TEST(PlanNextPollTest, StaysWithinTheBounds) {
  const Bounds bounds{seconds(600), seconds(3600)};
  const FeedSchedule fast = plan_next_poll({}, read_with_dates(every(minutes(1), 10, kNoon)), kNoon, bounds, "u");
  EXPECT_EQ(fast.interval, seconds(600));
  EXPECT_NE(fast.reason.find("at least 10 min"), std::string::npos) << fast.reason;
  const FeedSchedule slow =
      plan_next_poll({}, read_with_dates(every(hours(24 * 7), 10, kNoon)), kNoon, bounds, "u");
  EXPECT_EQ(slow.interval, seconds(3600));
  EXPECT_NE(slow.reason.find("at most 1 h"), std::string::npos) << slow.reason;
}

TEST(PlanNextPollTest, UndatedFeedLengthensWhileNothingChanges) {
  FeedSchedule schedule = plan_next_poll({}, read_with_dates({}), kNoon, {}, "u");
  EXPECT_EQ(schedule.interval, seconds(300));
  Observation unchanged;
  unchanged.outcome = Observation::Outcome::kNotModified;
  schedule = plan_next_poll(schedule, unchanged, kNoon + minutes(5), {}, "u");
  EXPECT_EQ(schedule.interval, seconds(450));
  schedule = plan_next_poll(schedule, read_with_dates({}, 3), kNoon + minutes(20), {}, "u");
  EXPECT_EQ(schedule.interval, seconds(300));  // halved to 225 s, then the 300 s bound
}

TEST(PlanNextPollTest, ServerAndFeedHintsLengthenButNeverPastTheLargestBound) {
  Observation observation = read_with_dates(every(minutes(10), 10, kNoon));
  observation.ttl = minutes(60);
  EXPECT_EQ(plan_next_poll({}, observation, kNoon, {}, "u").interval, hours(1));
  observation.max_age = hours(2);
  EXPECT_EQ(plan_next_poll({}, observation, kNoon, {}, "u").interval, hours(2));
  observation.retry_after = hours(48);
  const FeedSchedule next = plan_next_poll({}, observation, kNoon, {}, "u");
  EXPECT_EQ(next.interval, hours(6));
  EXPECT_NE(next.reason.find("Retry-After"), std::string::npos) << next.reason;
}

TEST(PlanNextPollTest, SkipHoursMovesThePollToTheFirstHourNotSkipped) {
  Observation observation = read_with_dates(every(minutes(10), 10, kNoon));
  for (std::size_t hour = 12; hour < 15; ++hour) observation.skip_hours.set(hour);
  const FeedSchedule next = plan_next_poll({}, observation, kNoon, {}, "u");
  EXPECT_EQ(next.next_poll, kNoon + hours(3));
  // Skipping every day would never poll: the largest bound wins.
  observation.skip_days.set();
  EXPECT_EQ(plan_next_poll({}, observation, kNoon, {}, "u").next_poll, kNoon + hours(6));
}

TEST(PlanNextPollTest, FailuresBackOffExponentiallyWithJitter) {
  Observation failed;
  failed.outcome = Observation::Outcome::kFailed;
  FeedSchedule schedule;
  std::vector<seconds> intervals;
  for (int i = 0; i < 10; ++i) {
    schedule = plan_next_poll(schedule, failed, kNoon, {}, "http://a/feed");
    intervals.push_back(schedule.interval);
  }
  EXPECT_EQ(schedule.failures, 10);
  for (int i = 0; i < 6; ++i) {
    const double base = 300.0 * (1 << i);
    EXPECT_GE(intervals[i].count(), base * 0.75) << i;
    EXPECT_LE(intervals[i].count(), base * 1.25) << i;
  }
  EXPECT_LE(intervals.back(), hours(6));
  // Another feed failing as often comes back at another time.
  FeedSchedule other;
  for (int i = 0; i < 3; ++i) other = plan_next_poll(other, failed, kNoon, {}, "http://b/feed");
  EXPECT_NE(other.interval, intervals[2]);
  // A success ends the backoff.
  schedule = plan_next_poll(schedule, read_with_dates(every(minutes(10), 10, kNoon)), kNoon, {}, "u");
  EXPECT_EQ(schedule.failures, 0);
  EXPECT_EQ(schedule.interval, minutes(10));
}

TEST(PlanNextPollTest, NotModifiedKeepsTheDatesOfTheLastRead) {
  FeedSchedule schedule = plan_next_poll({}, read_with_dates(every(minutes(10), 10, kNoon)), kNoon, {}, "u");
  Observation unchanged;
  unchanged.outcome = Observation::Outcome::kNotModified;
  schedule = plan_next_poll(schedule, unchanged, kNoon + minutes(10), {}, "u");
  EXPECT_EQ(schedule.entry_dates.size(), 10u);
  EXPECT_EQ(schedule.interval, seconds(666));  // 100 minutes over 9 gaps
}

TEST(OfflineRetryDelayTest, DoublesUpToTheShortestInterval) {
  EXPECT_EQ(offline_retry_delay(1, {}), seconds(30));
  EXPECT_EQ(offline_retry_delay(2, {}), seconds(60));
  EXPECT_EQ(offline_retry_delay(10, {}), seconds(300));
  EXPECT_EQ(offline_retry_delay(1, {seconds(2), seconds(10)}), seconds(2));
}

TEST(DescribeDurationTest, ReadsAsPeopleSayIt) {
  EXPECT_EQ(describe_duration(seconds(45)), "45 s");
  EXPECT_EQ(describe_duration(minutes(10)), "10 min");
  EXPECT_EQ(describe_duration(hours(6)), "6 h");
  EXPECT_EQ(describe_duration(hours(26)), "1 d 2 h");
  EXPECT_EQ(describe_duration(seconds(3612)), "1 h");
}

TEST(TestClockTest, JumpsToTheDeadlineUnlessInterrupted) {
  TestClock clock(kNoon);
  EXPECT_TRUE(clock.wait_until(kNoon + hours(5)));
  EXPECT_EQ(clock.now(), kNoon + hours(5));
  clock.interrupt();
  EXPECT_FALSE(clock.wait_until(kNoon + hours(9)));
  EXPECT_EQ(clock.now(), kNoon + hours(5));
}

}  // namespace
}  // namespace newsvault::schedule
