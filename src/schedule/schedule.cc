#include "schedule/schedule.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>

namespace newsvault::schedule {
namespace {

using std::chrono::duration_cast;
using std::chrono::hours;

// A feed's interval after a failure: the smallest bound doubled with each
// failure in a row, at most the largest, spread by ±25% so that feeds that
// failed together (one host down) do not come back together.
seconds backoff(int failures, const Bounds& bounds, std::string_view jitter_key) {
  seconds base = bounds.min_interval;
  for (int i = 1; i < failures && base < bounds.max_interval; ++i) base *= 2;
  base = std::min(base, bounds.max_interval);
  const std::size_t seed =
      std::hash<std::string>()(std::string(jitter_key) + "#" + std::to_string(failures));
  const double spread = 0.75 + 0.5 * static_cast<double>(seed % 10'000) / 10'000.0;
  return seconds(static_cast<std::int64_t>(static_cast<double>(base.count()) * spread));
}

// The mean gap between the newest `dates` (newest first), the quiet time
// from the newest to `now` counted in: ten entries ten minutes apart, the
// newest just out, publish every 10 minutes; the newest a week old, every
// 19 hours. One date: the time since it. nullopt without dates.
std::optional<seconds> publishing_gap(const std::vector<Timestamp>& dates, Timestamp now) {
  if (dates.empty()) return std::nullopt;
  const auto span = now - std::min(dates.back(), now);
  const auto gaps = static_cast<std::int64_t>(std::max<std::size_t>(1, dates.size() - 1));
  return std::max(seconds(1), duration_cast<seconds>(span / gaps));
}

// The newest kDatesKept of `dates`, newest first; a date ahead of `now`
// (a feed's clock, or a scheduled post) counts as now.
std::vector<Timestamp> newest_dates(std::vector<Timestamp> dates, Timestamp now) {
  for (Timestamp& date : dates) date = std::min(date, now);
  std::sort(dates.begin(), dates.end(), std::greater<>());
  if (dates.size() > kDatesKept) dates.resize(kDatesKept);
  return dates;
}

// The first whole hour from `time` on that skipHours (UTC) and skipDays
// (RSS 2.0: hours 0-23 GMT; days Monday..Sunday) do not skip, no later
// than `limit`.
Timestamp outside_skipped(Timestamp time, const std::bitset<24>& skip_hours,
                          const std::bitset<7>& skip_days, Timestamp limit) {
  for (int step = 0; step < 24 * 8; ++step) {
    const auto day = std::chrono::floor<std::chrono::days>(time);
    const unsigned weekday = std::chrono::weekday(day).c_encoding();  // 0: Sunday
    const auto hour = duration_cast<hours>(time - day).count();
    if (!skip_hours.test(static_cast<std::size_t>(hour)) && !skip_days.test(weekday)) return time;
    time = std::chrono::floor<hours>(time) + hours(1);
    if (time >= limit) return limit;
  }
  return limit;
}

}  // namespace

FeedSchedule plan_next_poll(const FeedSchedule& previous, const Observation& observation,
                            Timestamp now, const Bounds& given_bounds, std::string_view jitter_key) {
  Bounds bounds = given_bounds;
  bounds.min_interval = std::max(seconds(1), bounds.min_interval);
  bounds.max_interval = std::max(bounds.min_interval, bounds.max_interval);
  FeedSchedule next = previous;
  next.last_poll = now;

  if (observation.outcome == Observation::Outcome::kFailed) {
    next.failures = previous.failures + 1;
    seconds interval = backoff(next.failures, bounds, jitter_key);
    next.reason = "failed " + std::to_string(next.failures) +
                  (next.failures == 1 ? " time" : " times in a row") + ": backing off";
    if (observation.retry_after && *observation.retry_after > interval) {
      interval = *observation.retry_after;
      next.reason = "the server's Retry-After (" + describe_duration(interval) + ")";
    }
    if (interval > bounds.max_interval) next.reason += ", at most " + describe_duration(bounds.max_interval);
    next.interval = std::clamp(interval, bounds.min_interval, bounds.max_interval);
    next.next_poll = now + next.interval;
    return next;
  }

  next.failures = 0;
  if (observation.entries_read) next.entry_dates = newest_dates(observation.entry_dates, now);
  seconds interval{0};
  if (const auto gap = publishing_gap(next.entry_dates, now)) {
    interval = *gap;
    next.reason = "publishes about every " + describe_duration(interval) + " (its entries' dates)";
    // More new articles than one a poll: it publishes faster than its
    // dates say (entries dated late, or all at once).
    if (observation.new_articles > 1 && previous.interval.count() > 0) {
      const seconds seen = previous.interval / static_cast<std::int64_t>(observation.new_articles);
      if (seen < interval) {
        interval = seen;
        next.reason = std::to_string(observation.new_articles) + " new articles since the last poll";
      }
    }
  } else if (previous.interval.count() == 0) {
    interval = bounds.min_interval;
    next.reason = "no dated entries: first polls at the shortest interval";
  } else if (observation.new_articles > 0) {
    interval = previous.interval / 2;
    next.reason = "undated entries, new ones since the last poll: halved";
  } else {
    interval = previous.interval * 3 / 2;
    next.reason = "undated entries, nothing new since the last poll: lengthened";
  }

  // What the server and the feed ask for lengthens the interval: polling
  // sooner only gets the same answer.
  const auto at_least = [&](const std::optional<seconds>& hint, std::string_view what) {
    if (hint && *hint > interval) {
      interval = *hint;
      next.reason = std::string(what) + " (" + describe_duration(interval) + ")";
    }
  };
  at_least(observation.update_period, "the feed's sy:updatePeriod");
  at_least(observation.ttl, "the feed's ttl");
  at_least(observation.max_age, "the server's Cache-Control max-age");
  at_least(observation.retry_after, "the server's Retry-After");
  if (interval < bounds.min_interval) {
    next.reason += ", at least " + describe_duration(bounds.min_interval);
  } else if (interval > bounds.max_interval) {
    next.reason += ", at most " + describe_duration(bounds.max_interval);
  }
  next.interval = std::clamp(interval, bounds.min_interval, bounds.max_interval);
  next.next_poll = now + next.interval;
  if (observation.skip_hours.any() || observation.skip_days.any()) {
    const Timestamp moved = outside_skipped(next.next_poll, observation.skip_hours,
                                            observation.skip_days, now + bounds.max_interval);
    if (moved != next.next_poll) {
      next.next_poll = moved;
      next.reason += "; moved past the feed's skipHours/skipDays";
    }
  }
  return next;
}

seconds offline_retry_delay(int outages, const Bounds& bounds) {
  seconds delay{30};
  for (int i = 1; i < outages && delay < bounds.min_interval; ++i) delay *= 2;
  return std::max(seconds(1), std::min(delay, bounds.min_interval));
}

std::string describe_duration(seconds duration) {
  const std::int64_t total = duration.count();
  if (total < 60) return std::to_string(total) + " s";
  struct Unit {
    std::int64_t size;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
  std::string text;
  std::int64_t left = total;
  int shown = 0;
  for (const Unit& unit : kUnits) {
    if (shown == 2) break;
    if (left >= unit.size) {
      text += (text.empty() ? "" : " ") + std::to_string(left / unit.size) + " " + unit.name;
      left %= unit.size;
      ++shown;
    } else if (shown == 1) {
      break;  // "1 h", not "1 h 0 min 12 s"
    }
  }
  return text;
}

namespace {

class SystemClock : public Clock {
 public:
  Timestamp now() override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  bool wait_until(Timestamp deadline) override {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return interrupted_; });
    return !std::exchange(interrupted_, false);
  }
  void interrupt() override {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool interrupted_ = false;
};

}  // namespace

std::unique_ptr<Clock> make_system_clock() { return std::make_unique<SystemClock>(); }

Timestamp TestClock::now() {
  std::lock_guard lock(mutex_);
  return now_;
}

bool TestClock::wait_until(Timestamp deadline) {
  std::lock_guard lock(mutex_);
  if (std::exchange(interrupted_, false)) return false;
  now_ = std::max(now_, deadline);
  return true;
}

void TestClock::interrupt() {
  std::lock_guard lock(mutex_);
  interrupted_ = true;
}

void TestClock::advance(std::chrono::milliseconds step) {
  std::lock_guard lock(mutex_);
  now_ += step;
}

}  // namespace newsvault::schedule
