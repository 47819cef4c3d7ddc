// Private to the pipeline: publishing inside a run that already holds the
// archive's run lock (a fetch that changed documents).
#ifndef NEWSVAULT_PIPELINE_PUBLISH_RUN_H_
#define NEWSVAULT_PIPELINE_PUBLISH_RUN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// run_publish without taking the lock: the caller holds it.
Result<PublishSummary> publish_locked(Archive& archive, const PublishRequest& request);

// The push step of a fetch or publish, after the run lock is released:
// takes the push lock (when another process holds it, every remote is
// deferred to it), pushes to the remotes that lack the commit (with
// `respect_backoff`, only those whose backoff has passed at `now`) and
// records each attempt in .newsvault/remotes.json. Failures go to
// `summary.errors`; fails only when remotes.json cannot be written.
// `cancel` (publish::GitOptions::cancel) set: the pushes are abandoned,
// listed in `summary.pushes_deferred` and not recorded as the remotes'
// failures, so the next run pushes without waiting out a backoff.
Result<void> push_archive(const Archive& archive, Timestamp now, bool respect_backoff, PublishSummary& summary,
                          std::shared_ptr<const std::atomic<bool>> cancel = nullptr);

// The article as its latest revision keeps it, with that revision's time
// (what its document shows). kInternal for an article without revisions.
Result<std::pair<extract::Article, store::StoredRevision>> latest_revision(store::Store& store,
                                                                          std::int64_t article_id);

// What the archive's history leaves out, relative to the root (.gitignore
// lines without their leading "/"): the store, the settings, the feeds
// out and the site in `site_dir`.
std::vector<std::string> git_ignored_paths(std::string_view site_dir);

// Whether `path` (relative to the root) is an output the history leaves out:
// a feed out (root or a feed's folder), changes.xml, or a page of the site.
bool is_derived_output(std::string_view path, std::string_view site_dir);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_PUBLISH_RUN_H_
