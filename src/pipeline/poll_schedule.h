// Private to the pipeline: each poll's observation turned into the feed's
// next poll (schedule::plan_next_poll) and kept in the store, and the
// schedules read back for the daemon and `status`.
#ifndef NEWSVAULT_PIPELINE_POLL_SCHEDULE_H_
#define NEWSVAULT_PIPELINE_POLL_SCHEDULE_H_

#include <cstdint>
#include <map>
#include <string_view>

#include "pipeline/pipeline.h"
#include "schedule/schedule.h"
#include "store/store.h"

namespace newsvault::pipeline {

// The bounds of the feed named `feed`: its [feeds.NAME] ones, else [schedule]'s.
schedule::Bounds bounds_of(const Config& config, std::string_view feed);

// Every feed's schedule as kept, by feed id (a feed never polled has none).
Result<std::map<std::int64_t, schedule::FeedSchedule>> read_schedules(store::Store& store);

// The feed's schedule after a poll at `now` that saw `observation`, saved
// (call inside the transaction that records the poll).
Result<schedule::FeedSchedule> record_poll(store::Store& store, const Config& config,
                                           const store::FeedRecord& feed,
                                           const schedule::FeedSchedule& previous,
                                           const schedule::Observation& observation, Timestamp now);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_POLL_SCHEDULE_H_
