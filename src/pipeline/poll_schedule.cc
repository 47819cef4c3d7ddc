// A poll's observation ─► schedule::plan_next_poll ─► store (poll_schedule).
#include "pipeline/poll_schedule.h"

namespace newsvault::pipeline {

schedule::Bounds bounds_of(const Config& config, std::string_view feed) {
  schedule::Bounds bounds = config.schedule;
  const auto settings = config.feeds.find(std::string(feed));
  if (settings != config.feeds.end()) {
    const FeedSettings& own = settings->second;
    if (own.min_interval_seconds) bounds.min_interval = std::chrono::seconds(*own.min_interval_seconds);
    if (own.max_interval_seconds) bounds.max_interval = std::chrono::seconds(*own.max_interval_seconds);
  }
  return bounds;
}

Result<std::map<std::int64_t, schedule::FeedSchedule>> read_schedules(store::Store& store) {
  auto kept = store.schedules();
  if (!kept) return std::unexpected(kept.error());
  std::map<std::int64_t, schedule::FeedSchedule> schedules;
  for (store::PollSchedule& row : *kept) {
    schedule::FeedSchedule& each = schedules[row.feed_id];
    each.last_poll = row.last_poll;
    each.next_poll = row.next_poll;
    each.interval = std::chrono::seconds(row.interval_seconds);
    each.reason = std::move(row.reason);
    each.failures = row.failures;
    each.entry_dates = std::move(row.entry_dates);
  }
  return schedules;
}

Result<schedule::FeedSchedule> record_poll(store::Store& store, const Config& config,
                                           const store::FeedRecord& feed,
                                           const schedule::FeedSchedule& previous,
                                           const schedule::Observation& observation, Timestamp now) {
  schedule::FeedSchedule next =
      schedule::plan_next_poll(previous, observation, now, bounds_of(config, feed.name), feed.url);
  store::PollSchedule row;
  row.feed_id = feed.id;
  row.last_poll = next.last_poll;
  row.next_poll = next.next_poll;
  row.interval_seconds = next.interval.count();
  row.reason = next.reason;
  row.failures = next.failures;
  row.entry_dates = next.entry_dates;
  if (auto saved = store.save_schedule(row); !saved) return std::unexpected(saved.error());
  return next;
}

}  // namespace newsvault::pipeline
