#include "pipeline/image_run.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "pipeline/pending_work.h"
#include "publish/publish.h"

namespace newsvault::pipeline {
namespace {

// An image to fetch this run, and the work item that stands for it.
struct ImageFetch {
  std::string url;
  std::int64_t feed_id = 0;
  std::optional<store::PendingWork> pending;  // as stored, when it was pending
  std::optional<store::ImageRecord> record;   // as stored, when it was there
};

// fetch::ClientOptions::max_per_host's default: what one wave of an
// origin's requests costs no more time than one.
constexpr std::size_t kFirstImagesPerOrigin = 6;

// A client error other than a timeout or too many requests: the server
// says the image is not there (asking again gets the same).
bool is_final_refusal(const fetch::Response& response) {
  const long status = response.http_status;
  return status >= 400 && status < 500 && status != 408 && status != 429;
}

bool is_queued(const store::PendingWork& work) {
  return work.detail == kQueuedImage || work.detail == kQueuedImagePrivate;
}

// A queued image carries its feed's rule; any other asks the run's.
fetch::PrivateAddresses addresses_of(const ImageFetch& image, const ImageRunOptions& options) {
  if (image.pending && is_queued(*image.pending)) {
    return image.pending->detail == kQueuedImagePrivate ? fetch::PrivateAddresses::kAllowed
                                                        : fetch::PrivateAddresses::kRefused;
  }
  return options.private_addresses(image.feed_id);
}

}  // namespace

Result<void> queue_images(store::Store& store, const std::vector<ArticleImages>& articles, Timestamp now) {
  // Every article's links, then every image's work: two batches however
  // many articles (two round trips to a server).
  std::vector<store::ImageLinks> links;
  std::vector<store::PendingWork> queued;
  for (const ArticleImages& article : articles) {
    if (article.urls.empty()) continue;
    links.push_back({article.article_id, article.urls});
    for (const std::string& url : article.urls) {
      store::PendingWork work;
      work.kind = std::string(kImageWork);
      work.feed_id = article.feed_id;
      work.key = url;
      work.url = url;
      work.detail = std::string(article.addresses == fetch::PrivateAddresses::kAllowed ? kQueuedImagePrivate
                                                                                       : kQueuedImage);
      work.next_attempt = now;
      work.first_queued = now;
      work.keep_tries = true;  // an image failing already keeps counting its tries
      queued.push_back(std::move(work));
    }
  }
  if (links.empty()) return {};
  if (auto linked = store.link_images(links); !linked) return linked;
  return store.queue_work(queued);
}

Result<ImageRunSummary> run_images(store::Store& store, fetch::HttpClient& client,
                                   const std::vector<ArticleImages>& articles, const ImageRunOptions& options) {
  ImageRunSummary summary;
  auto pending = store.pending_work(std::nullopt);
  if (!pending) return std::unexpected(pending.error());
  std::map<std::string, store::PendingWork> waiting;  // by URL
  for (store::PendingWork& work : *pending) {
    if (work.kind == kImageWork) waiting.emplace(work.key, std::move(work));
  }
  bool any = !waiting.empty();
  for (const ArticleImages& article : articles) any = any || !article.urls.empty();
  if (!any) return summary;

  auto stored = store.images();
  if (!stored) return std::unexpected(stored.error());
  std::map<std::string, store::ImageRecord> known;
  for (store::ImageRecord& image : *stored) known.emplace(image.url, std::move(image));

  // What to fetch: each image shown that is neither kept nor refused nor
  // waiting out its retry delay, and the pending images that are due.
  std::vector<ImageFetch> fetches;
  std::set<std::string> chosen;
  std::vector<const store::PendingWork*> settled;  // queued images kept or refused since: finished
  const auto choose = [&](const std::string& url, std::int64_t feed_id) {
    const auto work = waiting.find(url);
    const bool queued = work != waiting.end() && is_queued(work->second);
    if ((!queued && !options.enabled(feed_id)) || chosen.contains(url)) return;
    const auto record = known.find(url);
    if (record != known.end() && (!record->second.sha256.empty() || !record->second.refusal.empty())) {
      if (queued) settled.push_back(&work->second);
      return;
    }
    if (work != waiting.end() && work->second.next_attempt > options.now) return;
    chosen.insert(url);
    ImageFetch& fetch = fetches.emplace_back();
    fetch.url = url;
    fetch.feed_id = work != waiting.end() ? work->second.feed_id : feed_id;
    if (work != waiting.end()) fetch.pending = work->second;
    if (record != known.end()) fetch.record = record->second;
  };
  for (const ArticleImages& article : articles) {
    for (const std::string& url : article.urls) choose(url, article.feed_id);
  }
  for (const auto& [url, work] : waiting) choose(url, work.feed_id);

  // Within the budget, counted from here; one try each. The first few
  // images of each origin go first (as many as go to one host at once):
  // where they find no server (the name does not resolve, no connection is
  // made), the origin's other images wait for a later run instead of each
  // costing the resolver's or the connect timeout.
  const auto deadline = std::chrono::steady_clock::now() + options.budget;
  // What became of each: the record to save, and the error that leaves it
  // pending ("" when the work is done).
  std::vector<store::ImageRecord> records(fetches.size());
  std::vector<std::string> errors(fetches.size());
  std::map<std::string, std::string> unreachable;  // origin -> why, found this run
  std::vector<bool> not_tried(fetches.size(), false);  // its origin was unreachable: no attempt counted
  const auto fetch_round = [&](const std::vector<std::size_t>& chosen_indexes) {
    std::vector<fetch::Request> requests;
    requests.reserve(chosen_indexes.size());
    for (const std::size_t index : chosen_indexes) {
      fetch::Request& request = requests.emplace_back();
      request.url = fetches[index].url;
      request.private_addresses = addresses_of(fetches[index], options);
      request.max_bytes = options.limits.max_bytes;
      request.max_attempts = 1;
      request.deadline = deadline;
    }
    client.fetch_all(requests, [&](std::size_t position, fetch::Response response) {
      const std::size_t index = chosen_indexes[position];
      const ImageFetch& image = fetches[index];
      store::ImageRecord& record = records[index];
      record.url = image.url;
      record.attempts = (image.record ? image.record->attempts : 0) + 1;
      record.fetched = options.now;
      if (response.outcome == fetch::FetchOutcome::kOk) {
        auto kept = media::keep_image(options.root, response.body, options.limits);
        if (kept) {
          kept->record.url = record.url;
          kept->record.attempts = record.attempts;
          kept->record.fetched = record.fetched;
          record = std::move(kept->record);
          ++summary.kept;
          summary.kept_urls.push_back(record.url);
          if (kept->written) summary.files_written.push_back(std::move(kept->path));
        } else if (kept.error().code() == ErrorCode::kInvalidArgument) {
          record.refusal = kept.error().message();
        } else {
          errors[index] = kept.error().message();  // the disk: tried again later
        }
      } else if (response.too_large) {
        record.refusal = "larger than " + std::to_string(options.limits.max_bytes) + " bytes";
      } else if (is_final_refusal(response)) {
        record.refusal = "HTTP " + std::to_string(response.http_status);
      } else {
        errors[index] = response.error.empty() ? "GET " + image.url + ": no answer" : response.error;
        if (response.unreachable) unreachable.emplace(url_origin(image.url), errors[index]);
      }
      if (!record.refusal.empty()) ++summary.refused;
    });
  };
  std::vector<std::size_t> firsts, rest;
  std::map<std::string, std::size_t> per_origin;
  for (std::size_t i = 0; i < fetches.size(); ++i) {
    (++per_origin[url_origin(fetches[i].url)] <= kFirstImagesPerOrigin ? firsts : rest).push_back(i);
  }
  fetch_round(firsts);
  std::vector<std::size_t> reachable;
  for (const std::size_t index : rest) {
    const auto down = unreachable.find(url_origin(fetches[index].url));
    if (down == unreachable.end()) {
      reachable.push_back(index);
      continue;
    }
    const ImageFetch& image = fetches[index];
    records[index].url = image.url;
    records[index].attempts = image.record ? image.record->attempts : 0;
    records[index].fetched = image.record ? image.record->fetched : options.now;
    not_tried[index] = true;
    errors[index] = "GET " + image.url + ": not tried, " + down->first + " was unreachable in this run (" +
                    down->second + ")";
  }
  if (!reachable.empty()) fetch_round(reachable);

  // The files are on disk before the store says they are kept.
  if (!summary.files_written.empty()) {
    if (auto synced = publish::sync_archive(options.root); !synced) return std::unexpected(synced.error());
  }
  auto saved = store.transaction([&]() -> Result<void> {
    for (const store::PendingWork* work : settled) {
      if (auto done = store.finish_work(kImageWork, work->feed_id, work->key); !done) return done;
    }
    std::vector<store::ImageLinks> links;
    for (const ArticleImages& article : articles) {
      if (article.urls.empty() || !options.enabled(article.feed_id)) continue;
      links.push_back({article.article_id, article.urls});
    }
    if (auto linked = store.link_images(links); !linked) return linked;
    for (std::size_t i = 0; i < fetches.size(); ++i) {
      const ImageFetch& image = fetches[i];
      store::ImageRecord& record = records[i];
      const int attempts = (image.pending ? image.pending->attempts : 0) + (not_tried[i] ? 0 : 1);
      if (!errors[i].empty() && attempts >= kMaxImageAttempts) {
        record.refusal = "gave up after " + std::to_string(attempts) + " attempts: " + errors[i];
        errors[i].clear();
      }
      if (auto kept = store.save_image(record); !kept) return kept;
      if (errors[i].empty()) {
        if (image.pending) {
          if (auto done = store.finish_work(kImageWork, image.pending->feed_id, image.url); !done) return done;
        }
        continue;
      }
      ++summary.failed;
      store::PendingWork work;
      work.kind = std::string(kImageWork);
      work.feed_id = image.feed_id;
      work.key = image.url;
      work.url = image.url;
      if (image.pending) work.detail = image.pending->detail;  // a queued image stays one
      work.attempts = attempts;
      work.next_attempt = next_retry(options.now, std::max(attempts, 1), image.url);
      work.last_error = errors[i];
      work.first_queued = image.pending ? image.pending->first_queued : options.now;
      if (auto queued = store.queue_work(work); !queued) return queued;
    }
    return {};
  });
  if (!saved) return std::unexpected(saved.error());
  return summary;
}

}  // namespace newsvault::pipeline
