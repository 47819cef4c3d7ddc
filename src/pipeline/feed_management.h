// Private to the pipeline: which feeds a fetch polls.
#ifndef NEWSVAULT_PIPELINE_FEED_MANAGEMENT_H_
#define NEWSVAULT_PIPELINE_FEED_MANAGEMENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// The feeds one fetch polls, by id, and whether it asks without validators.
struct FetchScope {
  std::set<std::int64_t> feed_ids;
  // Feeds whose due pending pages and API documents are fetched although
  // the feed itself is not asked (the daemon's retries, on their own
  // schedule: pending_work.h). Neither its record nor its schedule changes.
  std::set<std::int64_t> work_feed_ids;
  bool force = false;
  bool hold_when_offline = false;  // FetchOptions::hold_when_offline
  // The daemon's stop: the push after the cycle is abandoned when it is
  // set (publish::GitOptions::cancel). Null: pushes run to their bounds.
  std::shared_ptr<const std::atomic<bool>> cancel;
  // Due re-checks of delisted articles of feeds outside the scope too
  // (fetch, the daemon). A worker's scope is its lease: other feeds'
  // re-checks are the workers' that lease them.
  bool recheck_other_feeds = true;
  bool polls(std::int64_t feed_id) const { return feed_ids.contains(feed_id); }
};

// Every active feed, or the feeds `options` names (paused ones too: naming
// a feed asks for it). Fails with kNotFound naming an unknown feed, and
// kInvalidArgument naming a removed one, before anything is fetched.
Result<FetchScope> fetch_scope(Archive& archive, const FetchOptions& options);

// The feed named `name`, or kNotFound naming it and the feeds there are
// ("no feed named X in DIR; its feeds: a, b").
Result<store::FeedRecord> feed_named(Archive& archive, std::string_view name);

// Sets the state of feed `feed_id` in the store (kNotFound for an unknown
// feed).
Result<void> save_feed_state(store::Store& store, std::int64_t feed_id, FeedState state);

// An archive made before the store kept feed states and bodies: its
// .newsvault/feed_states.json and .newsvault/feeds/ID.body moved into the
// store, each file removed only once the store holds what it held. Nothing
// for a read-only archive (feed_states reads the file there). Fails as the
// store's writes do, or with kParse/kIo naming a file that cannot be read.
Result<void> import_state_files(Archive& archive);

// One fetch cycle over `scope` (fetch_run.cc): what run_fetch does once it
// knows its feeds, and what each of the daemon's cycles does.
Result<FetchSummary> run_fetch_cycle(Archive& archive, fetch::HttpClient& client, Timestamp now,
                                     FetchScope scope,
                                     const std::function<void(const FetchProgress&)>& on_progress);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_FEED_MANAGEMENT_H_
