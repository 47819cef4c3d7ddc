// `newsvault fetch` (and each daemon cycle): the fetch-and-save stage
// (save_run.h) followed, in the same process, by the folder stage below.
//
//   run lock ─► documents moved to their names, a killed run's documents
//   written ─► WARC recording begun
//   ─► run_save ──(SaveSink: each group's documents, as it commits)──►
//        documents and converted copies written on every core, overlapping
//        the next group's save ─► indexes ─► one flush ─► marked written
//   ─► images (image_run.h) ─► WARC files closed ─► publish (feeds out,
//      site, manifest, commit) ─► run lock released ─► pushes
#include <deque>
#include <future>
#include <map>
#include <set>

#include "pipeline/article_record.h"
#include "pipeline/converted_copies.h"
#include "pipeline/document_moves.h"
#include "pipeline/evidence.h"
#include "pipeline/feed_management.h"
#include "pipeline/image_run.h"
#include "pipeline/pipeline.h"
#include "pipeline/publish_run.h"
#include "pipeline/run_guard.h"
#include "pipeline/save_run.h"

namespace newsvault::pipeline {
namespace {

// The folder stage of a fetch: everything a save run's articles become in
// the archive's folder. It holds the run lock from begin() to finish().
class FolderRun final : public SaveSink {
 public:
  FolderRun(Archive& archive, fetch::HttpClient& client, Timestamp now)
      : archive_(archive), store_(archive.store()), client_(client), now_(now) {}

  // The run lock taken, then what a killed run left mended: documents
  // moved to their current names, documents saved but not written. Then
  // the WARC files are begun (their writer mends what a killed writer
  // left, which only the lock's holder may).
  Result<void> begin() {
    auto acquired = RunGuard::acquire(archive_.root());
    if (!acquired) return std::unexpected(acquired.error());
    guard_ = std::move(*acquired);
    repair_ = guard_->previous_run_interrupted();
    recording_.emplace(client_, archive_.config(), archive_.root());
    auto moved = move_documents_to_current_names(archive_.root(), store_);
    if (!moved) return std::unexpected(moved.error());
    return write_pending_documents();
  }

  // What the save run asks through: recorded in the WARC files.
  fetch::HttpClient& http() { return recording_->client(); }

  // The images are fetched once the documents are safe (fetch_images).
  Result<void> saving(store::Store&, const std::vector<ArticleImages>& images) override {
    pending_images_ = images;
    return {};
  }

  // Each group's documents rendered and written on a thread of their own
  // while the save run goes on with the next group; the group before is
  // waited for first, and the disk set to work on it.
  void saved(std::vector<SavedDocument> documents) override {
    image_articles_.insert(image_articles_.end(), std::make_move_iterator(pending_images_.begin()),
                           std::make_move_iterator(pending_images_.end()));
    pending_images_.clear();
    documents_due_ += documents.size();
    finish_writing();
    groups_.push_back(std::move(documents));
    results_.emplace_back(groups_.back().size());
    writing_ = std::async(std::launch::async, [this, &documents = groups_.back(), &written = results_.back()] {
      render_and_write(documents, written);
    });
  }

  // After the save run: the indexes (while its last documents are
  // written), the documents' converted copies, one flush, the documents
  // marked written, the images, the WARC files closed and the archive
  // published. A failed save run ends here too, once the documents under
  // way are written: what it committed is written by the next run.
  Result<FetchSummary> finish(Result<SaveRunResult> saved) {
    if (!saved) {
      finish_writing();
      return std::unexpected(saved.error());
    }
    summary_ = std::move(saved->summary);
    changed_articles_.insert(saved->changed_articles.begin(), saved->changed_articles.end());
    statuses_changed_ = saved->statuses_changed;
    feeds_ = std::move(saved->feeds);
    for (std::size_t i = 0; i < feeds_.size(); ++i) feed_index_.emplace(feeds_[i].record.id, i);
    Result<void> indexed;
    if (auto indexing = start_indexes()) indexed = indexing->get();
    finish_writing();
    if (!indexed) return std::unexpected(indexed.error());
    std::vector<std::pair<std::int64_t, int>> written;
    for (std::size_t group = 0; group < groups_.size(); ++group) {
      if (auto done = finish_documents(groups_[group], results_[group], written); !done) {
        return std::unexpected(done.error());
      }
    }
    start_flush(std::move(written));
    if (auto marked = mark_flushed(); !marked) return std::unexpected(marked.error());
    if (auto images = fetch_images(); !images) return std::unexpected(images.error());
    summary_.warc_files = recording_->finish(summary_.errors);
    summary_.documents_written += documents_written_;
    summary_.counts.errors += errors_.size();
    summary_.errors.insert(summary_.errors.end(), errors_.begin(), errors_.end());
    if (auto published = publish(); !published) return std::unexpected(published.error());
    // A commit that failed is made by the next run, which redoes it.
    if (summary_.publish.errors.empty() && !summary_.publish.another_publisher) guard_->succeeded();
    return std::move(summary_);
  }

 private:
  // The last group's documents written, and the disk set to work on them.
  void finish_writing() {
    if (!writing_.valid()) return;
    writing_.get();
    start_writeback();
  }

  // The disk set to work on what is written so far, on a thread of its own,
  // unless it still is: the one flush the run waits for (start_flush) then
  // finds less to do. Only a start: its outcome is that flush's to report.
  void start_writeback() {
    if (writeback_.valid() && writeback_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      return;
    }
    writeback_ = std::async(std::launch::async,
                            [root = archive_.root()] { return publish::sync_archive(root); });
  }

  // One group of found articles (`group` indexes into `found`, whole feeds)

  // The images of the articles saved this run, and pending ones that are
  // due (image_run.h), once the documents are safe: an image never holds
  // up an article, and a failure is only pending work.
  Result<void> fetch_images() {
    if (summary_.offline) return {};
    ImageRunOptions options;
    options.root = archive_.root();
    options.limits = archive_.config().image_limits;
    options.budget = archive_.config().images_budget;
    options.now = now_;
    options.private_addresses = [this](std::int64_t feed_id) {
      const auto feed = feed_index_.find(feed_id);
      return feed == feed_index_.end() ? fetch::PrivateAddresses::kRefused : feeds_[feed->second].addresses;
    };
    // Pending images of feeds this run did not poll wait for a run that
    // does, unless a worker queued them (image_run.h).
    options.enabled = [this](std::int64_t feed_id) {
      const auto feed = feed_index_.find(feed_id);
      return feed != feed_index_.end() && feeds_[feed->second].images_enabled;
    };
    auto images = run_images(store_, http(), image_articles_, options);
    if (!images) return std::unexpected(images.error());
    images_written_ = !images->files_written.empty();
    // Every page that shows an image kept now is made again (an image kept
    // at its retry shows in pages of articles saved by earlier runs).
    if (!images->kept_urls.empty()) {
      auto showing = store_.articles_showing(images->kept_urls);
      if (!showing) return std::unexpected(showing.error());
      changed_articles_.insert(showing->begin(), showing->end());
      images_written_ = true;
    }
    for (std::string& file : images->files_written) written_paths_.insert(std::move(file));
    summary_.images_kept = images->kept;
    summary_.images_refused = images->refused;
    summary_.images_failed = images->failed;
    return {};
  }

  // Renders and writes the documents on every core, then their converted
  // copies, then marks them all written after one flush; the first failure
  // (in order) is the run's.
  Result<void> write_documents(const std::vector<SavedDocument>& documents) {
    std::vector<Result<std::size_t>> results(documents.size());
    render_and_write(documents, results);
    std::vector<std::pair<std::int64_t, int>> written;
    if (auto done = finish_documents(documents, results, written); !done) return done;
    return mark_written(written);
  }

  // Each document rendered and written, on every core; results[i] is
  // documents[i]'s: the hash of the bytes written (written_documents_).
  // Safe beside the store's work: it reads only the articles and the
  // configuration.
  void render_and_write(const std::vector<SavedDocument>& documents,
                        std::vector<Result<std::size_t>>& results) const {
    parallel_for(documents.size(), [&](std::size_t i) {
      const SavedDocument& document = documents[i];
      const std::string content =
          publish::render_document(document.article, document.archived_at, archive_.config().publish);
      auto written = publish::write_file_atomically(archive_.root(), document.path, content,
                                                    publish::Durability::kBatched);
      results[i] = written ? Result<std::size_t>(std::hash<std::string_view>{}(content))
                           : std::unexpected(written.error());
    });
  }

  // After render_and_write: the first failure in order, else the converted
  // copies written (one thread: the converters are shared) and each
  // document added to `written`.
  Result<void> finish_documents(const std::vector<SavedDocument>& documents,
                                const std::vector<Result<std::size_t>>& results,
                                std::vector<std::pair<std::int64_t, int>>& written) {
    for (std::size_t i = 0; i < documents.size(); ++i) {
      if (!results[i]) return std::unexpected(results[i].error());
      written_documents_[documents[i].path] = *results[i];
      if (auto copies = write_converted_copies(documents[i]); !copies) return copies;
      written_paths_.insert(documents[i].path);
      written.emplace_back(documents[i].article_id, documents[i].revision);
    }
    return {};
  }

  // One flush for the whole batch, then the store learns the documents
  // are on disk: never before they are.
  Result<void> mark_written(std::vector<std::pair<std::int64_t, int>> written) {
    start_flush(std::move(written));
    return mark_flushed();
  }

  // The flush of everything written, begun once any writeback still
  // running has ended; mark_flushed waits for it and marks the documents.
  void start_flush(std::vector<std::pair<std::int64_t, int>> written) {
    if (writeback_.valid()) writeback_.wait();
    if (written.empty()) return;
    unmarked_ = std::move(written);
    flushing_ = std::async(std::launch::async,
                           [root = archive_.root()] { return publish::sync_archive(root); });
  }

  Result<void> mark_flushed() {
    if (!flushing_.valid()) return {};
    if (auto synced = flushing_.get(); !synced) return synced;
    const auto written = std::move(unmarked_);
    unmarked_.clear();
    auto marked = store_.transaction([&]() -> Result<void> {
      for (const auto& [article_id, revision] : written) {
        if (auto mark = store_.mark_document_written(article_id, revision); !mark) return mark;
      }
      return {};
    });
    if (marked) documents_written_ += written.size();
    return marked;
  }

  // Documents a previous run saved but did not get to write.
  Result<void> write_pending_documents() {
    auto pending = store_.articles_needing_documents();
    if (!pending) return std::unexpected(pending.error());
    std::vector<SavedDocument> documents;
    for (std::int64_t article_id : *pending) {
      auto revisions = store_.revisions(article_id);
      if (!revisions) return std::unexpected(revisions.error());
      if (revisions->empty()) continue;
      store::StoredRevision& latest = revisions->back();
      auto article = article_from_json(latest.revision.content);
      if (!article) return std::unexpected(article.error());
      // Revisions saved before bodies were cleaned are cleaned on the way
      // out; for the others this is one scan that changes nothing.
      clean_article(*article, archive_.config().clean);
      auto summary = store_.article(article_id);
      if (!summary) return std::unexpected(summary.error());
      changed_articles_.insert(article_id);
      documents.push_back({article_id, latest.number, std::move(*article), latest.seen_at,
                           *summary ? (*summary)->feed_name : std::string(),
                           std::move(latest.revision.document_path)});
    }
    return write_documents(documents);
  }

  // The converted copies a document's feed asks for ([feeds.NAME]
  // convert), one thread: an OpenCC converter is not shared. A copy that
  // cannot be made (OpenCC or its dictionaries missing) is reported and
  // leaves the original alone.
  Result<void> write_converted_copies(const SavedDocument& document) {
    std::map<std::string, std::size_t> copies;
    if (auto written = converted_copies_.write(document.feed_name, document.article, document.archived_at,
                                               document.path, copies, errors_);
        !written) {
      return written;
    }
    for (auto& [path, hash] : copies) {
      written_paths_.insert(path);
      written_documents_[path] = hash;
    }
    return {};
  }


  // Step 6: after documents changed, the feeds out and one commit
  // counting the changes. The pushes follow once the run lock is released
  // (run_fetch_cycle).
  Result<void> publish() {
    PublishRequest request;
    request.now = now_;
    request.changes = summary_.changes;
    const bool changed =
        summary_.documents_written > 0 || repair_ || statuses_changed_ || indexes_upgraded_ || images_written_;
    const bool feeds_out_missing = archive_.config().feeds_out.max_items > 0 &&
                                   !std::filesystem::exists(archive_.root() / "feed.json");
    const bool site_missing = archive_.config().site_enabled &&
                              !std::filesystem::exists(archive_.root() / archive_.config().site.dir / "index.html");
    request.write_outputs = changed || feeds_out_missing;
    request.write_site = archive_.config().site_enabled && (changed || site_missing);
    request.commit = changed;
    request.written_files = written_paths_;
    request.written_files.insert(summary_.warc_files.begin(), summary_.warc_files.end());
    // Only what shows this run's documents is made again, unless the run
    // must redo everything (after a killed run, a status that changed
    // other articles' lines, outputs missing altogether).
    if (!repair_ && !statuses_changed_ && !indexes_upgraded_ && !feeds_out_missing && !site_missing) {
      request.changed_articles = changed_articles_;
    }
    request.written_documents = std::move(written_documents_);
    if (articles_) request.articles = &*articles_;
    // One publisher per store: while another writes from it, this run's
    // documents are on disk and its outputs and commit wait for a run that
    // is the publisher (this run's marker stays: the next redoes them).
    auto publisher = store_.lock_publisher(false);
    if (!publisher) return std::unexpected(publisher.error());
    if (!*publisher) {
      summary_.publish.another_publisher = true;
      return {};
    }
    auto published = publish_locked(archive_, request);
    if (!published) return std::unexpected(published.error());
    summary_.publish = std::move(*published);
    return {};
  }

  // The indexes, begun on a thread of their own once the store has been
  // read (nullopt: none are due), so that the feeds' records are saved
  // meanwhile. They show the feeds as this run leaves them, as
  // record_feeds saves them. Made durable by the run's flush, or by their
  // own when no document of this run is due.
  std::optional<std::future<Result<void>>> start_indexes() {
    const bool missing_root_index = !std::filesystem::exists(archive_.root() / "README.md");
    // An archive made before indexes were split by month: every index
    // is written in the new form, whether or not anything is new.
    std::vector<store::FeedRecord> feeds;
    for (const SavedFeed& feed : feeds_) feeds.push_back(feed.record);
    const bool upgrade = publish::indexes_before_months(archive_.root(), feeds);
    indexes_upgraded_ = upgrade;
    // Documents of this run still being written or flushed count as written.
    const bool written = documents_written_ > 0 || documents_due_ > 0;
    if (!written && !missing_root_index && !repair_ && !statuses_changed_ && !upgrade) return std::nullopt;
    auto articles = store_.articles(std::nullopt);
    if (!articles) return ready(std::unexpected(articles.error()));
    // Read after the run's last change to them: publish() uses them too.
    articles_ = std::move(*articles);
    // The month indexes of this run's articles (and any missing); all of
    // them when a status may have changed other lines, or after a kill.
    std::optional<std::set<std::int64_t>> changed;
    if (!missing_root_index && !repair_ && !statuses_changed_ && !upgrade) changed = changed_articles_;
    return std::async(std::launch::async, [root = archive_.root(), feeds = std::move(feeds),
                                           &articles = *articles_, changed = std::move(changed),
                                           flush = documents_due_ == 0]() -> Result<void> {
      if (auto indexed = publish::write_indexes(root, feeds, articles, changed ? &*changed : nullptr); !indexed) {
        return indexed;
      }
      return flush ? publish::sync_archive(root) : Result<void>{};
    });
  }

  static std::future<Result<void>> ready(Result<void> result) {
    std::promise<Result<void>> promise;
    promise.set_value(std::move(result));
    return promise.get_future();
  }

  Archive& archive_;
  store::Store& store_;
  fetch::HttpClient& client_;
  const Timestamp now_;
  std::unique_ptr<RunGuard> guard_;
  std::optional<RunRecording> recording_;  // begun once the run lock is held
  bool repair_ = false;  // the last run was killed: rewrite indexes and outputs, commit
  // The save run's results (finish).
  std::vector<SavedFeed> feeds_;
  std::map<std::int64_t, std::size_t> feed_index_;  // feeds_ by feed id
  bool statuses_changed_ = false;  // SaveRunResult::statuses_changed
  // Articles whose document this run writes: the indexes, feeds out and
  // site pages made again are those that show one of them.
  std::set<std::int64_t> changed_articles_;
  // The groups of documents as the save run hands them over, and each
  // document's outcome (render_and_write); in deques: a group being
  // written keeps its place while the next is added.
  std::deque<std::vector<SavedDocument>> groups_;
  std::deque<std::vector<Result<std::size_t>>> results_;
  std::future<void> writing_;  // the last group's documents
  std::size_t documents_due_ = 0;  // this run's new and changed documents
  std::size_t documents_written_ = 0;  // and those a killed run left: on disk and marked
  // The images of the group being saved (saving), then of every group
  // saved (saved): fetch_images's.
  std::vector<ArticleImages> pending_images_;
  std::vector<ArticleImages> image_articles_;
  // New files in media/: the site shows them, the manifest and commit take them.
  bool images_written_ = false;
  // The store's articles, read once the run's saves and statuses are done
  // (start_indexes): the indexes, the outputs and the commit's check share
  // them.
  std::optional<std::vector<store::ArticleSummary>> articles_;
  std::set<std::string> written_paths_;  // documents, relative to the root: the day's manifest
  // The documents and copies this run wrote, with the hash of their bytes
  // (PublishRequest::written_documents).
  std::map<std::string, std::size_t> written_documents_;
  // The indexes were in the form before months: all rewritten and committed.
  bool indexes_upgraded_ = false;
  // Documents written and being flushed to disk (start_flush), not yet
  // marked written in the store (mark_flushed).
  std::vector<std::pair<std::int64_t, int>> unmarked_;
  std::future<Result<void>> flushing_;
  std::future<Result<void>> writeback_;  // start_writeback's flush, if one was begun
  ConvertedCopies converted_copies_{archive_};
  std::vector<std::string> errors_;  // converted copies that could not be made
  FetchSummary summary_;
};

}  // namespace


Result<FetchSummary> run_fetch(Archive& archive, fetch::HttpClient& client, Timestamp now,
                               const std::function<void(const FetchProgress&)>& on_progress) {
  return run_fetch(archive, client, now, FetchOptions{}, on_progress);
}

Result<FetchSummary> run_fetch(Archive& archive, fetch::HttpClient& client, Timestamp now,
                               const FetchOptions& options,
                               const std::function<void(const FetchProgress&)>& on_progress) {
  auto scope = fetch_scope(archive, options);
  if (!scope) return std::unexpected(scope.error());
  return run_fetch_cycle(archive, client, now, std::move(*scope), on_progress);
}

Result<FetchSummary> run_fetch_cycle(Archive& archive, fetch::HttpClient& client, Timestamp now,
                                     FetchScope scope,
                                     const std::function<void(const FetchProgress&)>& on_progress) {
  std::shared_ptr<const std::atomic<bool>> cancel = scope.cancel;
  Result<FetchSummary> summary = [&]() -> Result<FetchSummary> {
    FolderRun folder(archive, client, now);
    if (auto begun = folder.begin(); !begun) return std::unexpected(begun.error());
    return folder.finish(run_save(archive, folder.http(), client, now, scope, on_progress, folder));
  }();
  if (!summary) return summary;
  // Every remote that lacks the commit and whose backoff has passed (one
  // that failed last time is tried again), with the run lock released.
  if (auto pushed = push_archive(archive, now, true, summary->publish, std::move(cancel)); !pushed) {
    return std::unexpected(pushed.error());
  }
  return summary;
}

}  // namespace newsvault::pipeline
