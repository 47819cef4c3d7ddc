// `newsvault worker`: the fetch pipeline over feeds leased from the store.
//
//   store.lease_feeds (due, unleased, a batch) ─► run_save (save_run.h:
//   the store alone) ─► saves, schedules ─► store.release_leases ─► again
//   renewer thread (own connection) ─► store.renew_leases every lease/3
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "pipeline/evidence.h"
#include "pipeline/feed_management.h"
#include "pipeline/image_run.h"
#include "pipeline/pipeline.h"
#include "pipeline/save_run.h"

namespace newsvault::pipeline {
namespace {

std::string default_owner() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(::getpid());
}

// The names of a worker's WARC files: its id, in the characters a file
// name keeps everywhere ("newsvault-worker-host1-4242-…"), so that the
// files of workers on different machines never collide when brought
// together, and a worker started again with the same --id mends what it
// left when killed (record::WarcWriter).
std::string warc_prefix(std::string_view owner) {
  std::string prefix = "newsvault-worker-";
  for (const char c : owner) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    prefix += kept ? c : '-';
  }
  return prefix;
}

void log_event(const WorkerOptions& options, std::string name,
               std::vector<std::pair<std::string, std::string>> fields) {
  if (!options.log) return;
  for (auto& [key, value] : fields) value = redact_urls(value);
  options.log({std::move(name), std::move(fields)});
}

// What a worker's saved articles become: work in the store for the process
// that owns the folder. Their documents are the publisher's to write
// (Store::articles_needing_documents); their images are queued with them,
// for the publisher (or a fetch in its folder) to keep in media/.
class StoreOnly final : public SaveSink {
 public:
  explicit StoreOnly(Timestamp now) : now_(now) {}
  Result<void> saving(store::Store& store, const std::vector<ArticleImages>& images) override {
    return queue_images(store, images, now_);
  }
  void saved(std::vector<SavedDocument>) override {}

 private:
  const Timestamp now_;
};

// Renews the worker's leases on a connection of its own while a batch runs,
// every third of the lease: a slow batch keeps its feeds, a killed worker's
// lapse within one lease.
class LeaseRenewer {
 public:
  LeaseRenewer(std::unique_ptr<store::Store> store, std::string owner, schedule::Clock& clock,
               std::chrono::seconds duration)
      : store_(std::move(store)), owner_(std::move(owner)), clock_(clock), duration_(duration),
        thread_([this] { renew(); }) {}
  ~LeaseRenewer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void renew() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, duration_ / 3, [this] { return stopping_; })) {
      // A failure here is the next lease's to find: the batch goes on.
      (void)store_->renew_leases(owner_, clock_.now() + duration_);
    }
  }

  std::unique_ptr<store::Store> store_;
  const std::string owner_;
  schedule::Clock& clock_;
  const std::chrono::seconds duration_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The archive opened again after its store failed to answer, waiting 1 s,
// 2 s, 4 s… (at most 30 s) between tries until it answers or the worker
// is stopped.
Result<std::unique_ptr<Archive>> reopen(const std::filesystem::path& root, schedule::Clock& clock,
                                        DaemonControl& control, const WorkerOptions& options) {
  std::chrono::seconds wait(1);
  for (;;) {
    auto archive = Archive::open(root);
    if (archive || archive.error().code() != ErrorCode::kIo || control.stop) return archive;
    log_event(options, "store_unreachable",
              {{"error", archive.error().message()}, {"retry_in", std::to_string(wait.count()) + "s"}});
    clock.wait_until(clock.now() + wait);
    wait = std::min(wait * 2, std::chrono::seconds(30));
  }
}

}  // namespace

Result<FetchProgress> run_worker(const std::filesystem::path& root, schedule::Clock& clock,
                                 DaemonControl& control, const WorkerOptions& options) {
  const std::string owner = options.owner.empty() ? default_owner() : options.owner;
  auto opened = reopen(root, clock, control, options);
  if (!opened) return std::unexpected(opened.error());
  std::unique_ptr<Archive> archive = std::move(*opened);
  FetchProgress total;
  constexpr int kConsecutiveFailures = 5;
  int failures = 0;
  log_event(options, "started", {{"owner", owner}, {"store", store::display_location(archive->store_location())}});
  while (!control.stop) {
    const Config& config = archive->config();
    const Timestamp now = clock.now();
    auto leased = archive->store().lease_feeds(owner, config.lease_batch, now, now + config.lease_duration);
    if (!leased && leased.error().code() == ErrorCode::kIo) {
      auto again = reopen(root, clock, control, options);
      if (!again) return std::unexpected(again.error());
      archive = std::move(*again);
      continue;
    }
    if (!leased) return std::unexpected(leased.error());
    if (leased->empty()) {
      // Nothing due now. With --once, done unless another worker's lease
      // of a due feed runs: that worker may have been killed, and its feeds
      // are this one's once the lease ends. Such leases are looked at every
      // second: a worker that finishes frees its leases at once, and the
      // waiting one stops (or takes what was left) within a second.
      auto lease_end = archive->store().next_lease_end(now);
      if (!lease_end) return std::unexpected(lease_end.error());
      if (options.once && !*lease_end) break;
      const Timestamp next = *lease_end ? std::min(**lease_end, now + std::chrono::seconds(1))
                                        : now + std::chrono::seconds(5);
      clock.wait_until(std::max(next, now + std::chrono::milliseconds(200)));
      continue;
    }

    auto renewer_store = archive->open_store();
    if (!renewer_store) return std::unexpected(renewer_store.error());
    FetchScope scope;
    scope.feed_ids.insert(leased->begin(), leased->end());
    scope.recheck_other_feeds = false;
    fetch::ClientOptions client_options = config.fetch;
    client_options.cancel = control.cancel;
    auto client = options.make_client ? options.make_client(client_options) : fetch::make_http_client(client_options);
    // Every response to WARC files in the worker's own folder, as fetch
    // keeps them; its revisions point at their records.
    RunRecording recording(*client, config, archive->root(), warc_prefix(owner));
    Result<FetchSummary> summary = [&] {
      LeaseRenewer renewer(std::move(*renewer_store), owner, clock, config.lease_duration);
      StoreOnly sink(now);
      auto saved = run_save(*archive, recording.client(), *client, now, scope, {}, sink);
      if (!saved) return Result<FetchSummary>(std::unexpected(saved.error()));
      return Result<FetchSummary>(std::move(saved->summary));
    }();
    if (summary) {
      summary->warc_files = recording.finish(summary->errors);
      // With [publish.sign], the WARC files the worker wrote are in its
      // folder's signed manifest of the day, as a fetch's are in its own.
      if (!config.sign.ssh_key.empty() && !summary->warc_files.empty()) {
        auto manifest = add_to_days_manifest(
            config, archive->root(), now, std::set<std::string>(summary->warc_files.begin(), summary->warc_files.end()));
        if (!manifest) summary->errors.push_back(manifest.error().message());
      }
    } else {
      std::vector<std::string> ignored;  // the batch failed: its error is the one to tell
      recording.finish(ignored);
    }
    if (!summary) {
      // Rolled back: the batch's leases lapse, or are ended here, and its
      // feeds are fetched again. A store that refused one transaction (a
      // deadlock with another worker, a lost connection) is tried again;
      // the same failure kConsecutiveFailures times in a row ends the worker.
      (void)archive->store().release_leases(owner, *leased);
      log_event(options, "batch_failed", {{"error", summary.error().message()}});
      if (++failures >= kConsecutiveFailures) return std::unexpected(summary.error());
      auto again = reopen(root, clock, control, options);
      if (!again) return std::unexpected(again.error());
      archive = std::move(*again);
      continue;
    }
    failures = 0;
    if (auto released = archive->store().release_leases(owner, *leased); !released) {
      return std::unexpected(released.error());
    }
    total.feeds_total += summary->counts.feeds_total;
    total.feeds_done += summary->counts.feeds_done;
    total.articles_new += summary->counts.articles_new;
    total.articles_updated += summary->counts.articles_updated;
    total.articles_unchanged += summary->counts.articles_unchanged;
    total.errors += summary->errors.size();
    for (const std::string& error : summary->errors) log_event(options, "feed_error", {{"error", error}});
    log_event(options, "batch",
              {{"feeds", std::to_string(leased->size())},
               {"new", std::to_string(summary->counts.articles_new)},
               {"updated", std::to_string(summary->counts.articles_updated)},
               {"errors", std::to_string(summary->errors.size())}});
  }
  // Stopped: whatever it still holds is free at once, not at expiry.
  (void)archive->store().release_leases(owner, {});
  log_event(options, "stopped",
            {{"feeds", std::to_string(total.feeds_total)},
             {"store_round_trips", std::to_string(archive->store().round_trips())}});
  return total;
}

}  // namespace newsvault::pipeline
