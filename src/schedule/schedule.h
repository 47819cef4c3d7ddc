// schedule: when each feed is polled next, and the clock that says when
// now is.
//
// plan_next_poll is a plain function over values: what a feed's last poll
// saw (its entries' dates, how many were new, what the server and the feed
// asked for) and the feed's schedule before it, in; the feed's next poll,
// the interval and the reason for it, out. It never fetches or stores: the
// pipeline records each poll's Observation and keeps the FeedSchedule in
// the store, and the daemon asks a Clock when to wake.
//
// The rules (docs/internals/schedule.md):
//   - the interval adapts to how often the feed publishes: the mean gap
//     between its newest dated entries, counting the quiet time since the
//     newest; without dates, from what changed between polls (new articles
//     halve it, nothing new makes it half as long again);
//   - the server's and the feed's own requests (Retry-After, Cache-Control
//     max-age, RSS <ttl>, sy:updatePeriod/sy:updateFrequency) lengthen it,
//     skipHours/skipDays move the poll out of the hours and days skipped;
//   - a failing feed backs off exponentially with jitter;
//   - every interval stays within the feed's [min_interval, max_interval].
//
// Everything here but SystemClock is a value or a pure function; a Clock
// is used from one thread, except interrupt(), which any thread may call.
#ifndef NEWSVAULT_SCHEDULE_SCHEDULE_H_
#define NEWSVAULT_SCHEDULE_SCHEDULE_H_

#include <bitset>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace newsvault::schedule {

using std::chrono::seconds;

// [schedule] min_interval_seconds / max_interval_seconds, or a feed's own.
struct Bounds {
  seconds min_interval{300};
  seconds max_interval{21600};
};

// What one poll of a feed saw.
struct Observation {
  enum class Outcome {
    kRead,         // the feed answered and was read
    kNotModified,  // 304: as it was
    kFailed,       // an error (HTTP, parse, a limit); backs off
  };
  Outcome outcome = Outcome::kRead;
  // Publication (else update) times of the entries the feed lists now; for
  // a 304, empty (the dates of the last read stand: FeedSchedule::entry_dates).
  std::vector<Timestamp> entry_dates;
  bool entries_read = false;  // entry_dates is the feed's whole list (kRead)
  std::size_t new_articles = 0;  // articles this poll archived for the first time
  // What the server asked: Retry-After (on any answer), Cache-Control max-age.
  std::optional<seconds> retry_after;
  std::optional<seconds> max_age;
  // What the feed asked (RSS 2.0 <ttl>, the syndication module's
  // updatePeriod / updateFrequency as one period, skipHours in UTC,
  // skipDays with 0 for Sunday).
  std::optional<seconds> ttl;
  std::optional<seconds> update_period;
  std::bitset<24> skip_hours;
  std::bitset<7> skip_days;
};

// A feed's schedule as it is kept between polls.
struct FeedSchedule {
  std::optional<Timestamp> last_poll;
  Timestamp next_poll{};  // due from this time on; the epoch: due now
  seconds interval{0};    // the interval that set next_poll (before jitter and skips)
  // Why, in words: "publishes about every 10 min (entry dates)",
  // "Retry-After 7200 s", "failed 3 times in a row: backing off".
  std::string reason;
  int failures = 0;  // polls failed in a row
  // The newest entry dates the feed's last read gave (the newest first, at
  // most kDatesKept), so that a 304 keeps the publishing rate in view.
  std::vector<Timestamp> entry_dates;
};

// How many of a feed's newest entry dates the rate is read from.
inline constexpr std::size_t kDatesKept = 10;

// The schedule after a poll at `now` that saw `observation`, from the one
// before (`previous`; a default FeedSchedule for a feed never polled).
// `jitter_key` (the feed's URL) spreads a failing feed's retries by ±25%,
// the same for the same key and failure count, so runs given the same
// times do the same.
FeedSchedule plan_next_poll(const FeedSchedule& previous, const Observation& observation,
                            Timestamp now, const Bounds& bounds, std::string_view jitter_key);

// When the network seems down (every request of a cycle failed before a
// server answered: no name resolved, no connection made), how long to
// wait before asking again, after `outages` such cycles in a row (1 for
// the first): 30 s doubling up to the smallest bound, never below it.
seconds offline_retry_delay(int outages, const Bounds& bounds);

// "10 min", "6 h", "45 s", "1 d 2 h": a duration in words for logs and status.
std::string describe_duration(seconds duration);

// The time the scheduler reads and waits on: an edge, so that tests run a
// simulated day of polling in seconds (TestClock).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() = 0;
  // Returns at `deadline`, or earlier once interrupt() was called (since
  // the last wait returned): then false. A deadline in the past returns at once.
  virtual bool wait_until(Timestamp deadline) = 0;
  // Ends the current or next wait early. Safe from any thread.
  virtual void interrupt() = 0;
};

// The system's clock; waits sleep.
std::unique_ptr<Clock> make_system_clock();

// A clock that starts at `start` and jumps to each deadline instead of
// sleeping: a day of waits passes in no time.
class TestClock : public Clock {
 public:
  explicit TestClock(Timestamp start) : now_(start) {}
  Timestamp now() override;
  bool wait_until(Timestamp deadline) override;
  void interrupt() override;
  // Moves the clock on by `step` (work taking time).
  void advance(std::chrono::milliseconds step);

 private:
  std::mutex mutex_;
  Timestamp now_;
  bool interrupted_ = false;
};

}  // namespace newsvault::schedule

#endif  // NEWSVAULT_SCHEDULE_SCHEDULE_H_
