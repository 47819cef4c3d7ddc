// Private to the pipeline: the fetch-and-save stage, which writes the store
// alone, and the interface to the stage after it (SaveSink), which decides
// what a saved article becomes: documents in a folder (fetch: folder_run.h)
// or work queued for the folder's owner (worker: worker_run.cc).
//
//   feeds in scope ─► poll (conditional) ─► parse, collect entries
//   ─► pending work due ─► adapters' APIs, pages ─► clean
//   ─► save revisions, whole feeds per transaction:
//        SaveSink::saving (inside the transaction: its images)
//        SaveSink::saved  (after the commit: its documents)
//   ─► feeds' records, pending work, removals, schedules (one transaction)
//   ─► re-checks of delisted articles
//
// Nothing here touches the folder: any number of save runs may run at once
// on one store (workers), each over feeds of its own.
#ifndef NEWSVAULT_PIPELINE_SAVE_RUN_H_
#define NEWSVAULT_PIPELINE_SAVE_RUN_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "pipeline/feed_management.h"
#include "pipeline/image_run.h"
#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// A document due on disk: the revision it shows and where it goes.
struct SavedDocument {
  std::int64_t article_id = 0;
  int revision = 0;
  extract::Article article;  // the revision's, clean
  Timestamp archived_at;
  std::string feed_name;
  std::string path;  // relative to the root
};

// The stage after saving: told of each group of saved articles.
class SaveSink {
 public:
  virtual ~SaveSink() = default;
  // Inside the transaction that saves a group, with the images its new and
  // changed articles show (of feeds whose images are kept): what is done
  // here is saved with the articles or not at all. A failure rolls the
  // group back and ends the run with it.
  virtual Result<void> saving(store::Store& store, const std::vector<ArticleImages>& images) = 0;
  // After the group committed: the documents of its new and changed
  // articles.
  virtual void saved(std::vector<SavedDocument> documents) = 0;
};

// A feed of the run, as the run leaves it.
struct SavedFeed {
  store::FeedRecord record;
  bool images_enabled = false;  // [feeds.NAME] images, else [images] enabled
  // What requests made for its entries (images among them) may reach.
  fetch::PrivateAddresses addresses = fetch::PrivateAddresses::kRefused;
};

// What a save run did.
struct SaveRunResult {
  // Everything but what the folder stage adds: documents written, images,
  // WARC files and publishing.
  FetchSummary summary;
  std::vector<SavedFeed> feeds;
  // New and changed articles: their documents, and the indexes, feeds out
  // and site pages that show them, are due.
  std::set<std::int64_t> changed_articles;
  // An article delisted, removed, or newly listed by another feed: every
  // index and output is due, not only those showing changed_articles.
  bool statuses_changed = false;
};

// Polls the feeds of `scope` through `client` and saves what they hold, as
// the sketch above says; `unrecorded` asks the [schedule] network_probe
// (no part of any feed, never in the WARC files). One failing feed never
// stops the others: its error is stored on the feed and listed. Fails only
// when the store cannot be used (or the sink fails), and then what was
// committed stays committed and the rest is done again by a later run.
Result<SaveRunResult> run_save(Archive& archive, fetch::HttpClient& client, fetch::HttpClient& unrecorded,
                               Timestamp now, const FetchScope& scope,
                               const std::function<void(const FetchProgress&)>& on_progress, SaveSink& sink);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_SAVE_RUN_H_
