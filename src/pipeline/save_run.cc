// The fetch-and-save stage (save_run.h).
#include "pipeline/save_run.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "clean/clean.h"
#include "extract/extract.h"
#include "feed/feed.h"
#include "pipeline/article_record.h"
#include "pipeline/full_text.h"
#include "pipeline/pending_work.h"
#include "pipeline/poll_schedule.h"
#include "pipeline/pipeline.h"

namespace newsvault::pipeline {
namespace {

// A feed read from the disk, not a server: no network to be down.
bool fetch_is_local(std::string_view url) {
  const std::string scheme = url_scheme(url);
  return scheme != "http" && scheme != "https";
}

// The host of an http(s) URL ("example.org" of "https://example.org:8443/feed").
std::string host_of(std::string_view url) {
  std::string_view rest = url.substr(std::min(url.size(), url.find("://") + 3));
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') return std::string(rest.substr(0, rest.find(']') + 1));
  return lower_ascii(rest.substr(0, rest.find(':')));
}

// One feed's share of the run.
// An entry of a feed as the parse job leaves it: the article it is, or
// the adapter id to ask the API for.
struct EntryArticle {
  std::string key;
  std::string unnormalised_key;      // article_record.h; "" when it is `key`
  std::string adapter_id;            // "" unless the feed's adapter reads the entry
  extract::Article article;          // when adapter_id is ""
  std::optional<double> page_wanted;  // a teaser: its text's size (full_text.h)
  std::string entry_hash;            // pending_work.h
  std::string fingerprint;           // entry_fingerprint; "" for an adapter's entry
  // Its fingerprint is stored on an article the feed lists: the article is
  // as archived, and was not made again (`article` is empty).
  bool archived = false;
};

struct FeedRun {
  store::FeedRecord record;
  // Set by the parse job (read_entries): whether the feed was parsed, why
  // not, and its entries.
  bool parsed = false;
  std::string parse_error;
  std::vector<std::string> limits_hit;  // feed::Feed::limits_hit
  std::vector<EntryArticle> entries;
  std::optional<extract::Adapter> adapter;
  std::vector<std::string> errors;  // article-level failures
  std::vector<std::string> listed_keys;  // every article the feed lists now
  std::string language;  // the feed's <language> (RSS, dc:language, JSON Feed) as a tag; "" when none
  // The fingerprints of the articles it listed when the run began
  // (store::Store::entry_fingerprints); nullptr for none, or with --force.
  const std::unordered_set<std::string>* archived_entries = nullptr;
  bool read_in_full = false;             // parsed this run: listed_keys is its whole list
  bool fetch_failed = false;
  // The feed is on the operator's side (fetch::Response::private_source:
  // a file, or its own request went to a private address): requests for its
  // entries may go to private addresses too; otherwise none may.
  bool private_source = false;
  FullText full_text = FullText::kNever;  // [feeds.NAME] full_text; never with an adapter
  // The validators as stored before this run: kept when the body cannot be
  // read, so that the next run reads it again.
  std::string stored_etag, stored_last_modified;
  std::optional<Timestamp> stored_last_fetched;
  // The last body the store keeps for it (keeps_body feeds only): what a
  // 304 stands for.
  std::optional<std::string> kept_body;
  // The response the entries came from (provenance of their revisions).
  long http_status = 0;
  std::string body_hash;
  std::string warc_record;  // its WARC record (fetch::Response::record)
  // What this poll saw, for the feed's next poll (poll_schedule.h).
  schedule::Observation observation;
  bool polled = false;  // a response came (the run's feeds are all asked)
  // No server answered (fetch::Response::unreachable): its error, held
  // until the run knows whether the network itself is down.
  std::string unreachable_error;
  bool held = false;  // the network is down: nothing of this poll is recorded
  // Not asked: only its due pending work is (FetchScope::work_feed_ids).
  // Held from the start, so that nothing of the feed is recorded.
  bool work_only = false;
};

// An article found in a feed, ready to be saved.
struct FoundArticle {
  std::size_t feed_index;
  std::string key;
  extract::Article article;
  store::Provenance provenance;
  bool shared_key = false;  // an adapter's id (store::ArticleRevision::shared_key)
  bool stand_in = false;    // the entry of a page that failed (store::ArticleRevision::stand_in)
  bool from_pending = false;  // rebuilt from pending work, not read from the feed this run
  std::string entry_fingerprint;  // store::ArticleRevision::entry_fingerprint
  std::string language;           // store::ArticleRevision::language: the page's, else the feed's
};

// An article that its adapter's API must be asked for.
struct AdapterCall {
  std::size_t feed_index;
  std::string key;
  std::string url;
};

// An entry whose web page holds its article: found[found_index] holds what
// the entry itself gives until the page replaces it.
struct PageCall {
  std::size_t found_index;
  std::string url;
  double entry_size;  // the entry's text in words (TextMeasure::size)
};

// What happened to a piece of work that may be pending (pending_work.h):
// done (finished) or failed (queued again with one more attempt).
struct WorkOutcome {
  std::string kind;
  std::int64_t feed_id;
  std::string key;
  std::string url;
  std::string detail;
  std::string error;  // "" when done
};

// How many pages are held in memory at once, between their fetch and their
// extraction: enough to keep every connection busy.
constexpr std::size_t kPagesPerBatch = 256;

// Articles saved per transaction (rounded up to whole feeds): small enough
// that the sink's work on one group (writing its documents) overlaps
// saving the next, large enough that a transaction's fixed cost is spread
// thin.
constexpr std::size_t kArticlesPerSave = 4096;

class SaveRun {
 public:
  SaveRun(Archive& archive, fetch::HttpClient& client, fetch::HttpClient& unrecorded, Timestamp now,
          const FetchScope& options, const std::function<void(const FetchProgress&)>& on_progress, SaveSink& sink)
      : archive_(archive), store_(archive.store()), client_(client), unrecorded_(unrecorded), now_(now),
        options_(options), on_progress_(on_progress), sink_(sink), clean_options_(archive.config().clean) {}

  Result<SaveRunResult> run() {
    auto feeds = store_.feeds();
    if (!feeds) return std::unexpected(feeds.error());
    if (auto loaded = load_archived_entries(); !loaded) return std::unexpected(loaded.error());
    auto schedules = read_schedules(store_);
    if (!schedules) return std::unexpected(schedules.error());
    schedules_ = std::move(*schedules);
    std::size_t polled = 0;
    for (store::FeedRecord& record : *feeds) {
      const bool work_only = !options_.polls(record.id);
      if (work_only && !options_.work_feed_ids.contains(record.id)) continue;
      polled += !work_only;
      const FullText full_text = full_text_of(record);
      FeedRun& run = runs_.emplace_back();
      run.work_only = work_only;
      run.held = work_only;
      run.record = std::move(record);
      run.full_text = full_text;
      run.stored_etag = run.record.etag;
      run.stored_last_modified = run.record.last_modified;
      if (const auto archived = archived_entries_.find(run.record.id); archived != archived_entries_.end()) {
        run.archived_entries = &archived->second;
      }
      run.stored_last_fetched = run.record.last_fetched;
      feed_index_.emplace(run.record.id, runs_.size() - 1);
    }
    summary_.counts.feeds_total = polled;
    report();

    if (auto polled = poll_feeds(); !polled) return std::unexpected(polled.error());
    std::vector<FoundArticle> found;
    std::vector<AdapterCall> calls;
    std::vector<PageCall> pages;
    collect_articles(found, calls, pages);
    if (auto due = take_pending_work(found, calls, pages); !due) return std::unexpected(due.error());
    call_adapters(calls, found);
    fetch_pages(pages, found);
    clean_articles(found);
    // The feeds' records and the re-checks need the articles saved, not
    // their documents: the sink works on the last group meanwhile.
    if (auto saved = save_all(found); !saved) return std::unexpected(saved.error());
    if (auto recorded = record_feeds(); !recorded) return std::unexpected(recorded.error());
    if (auto rechecked = recheck_delisted(); !rechecked) return std::unexpected(rechecked.error());
    return result();
  }

 private:
  SaveRunResult result() {
    SaveRunResult result;
    for (auto& [feed, changes] : changes_) {
      changes.feed = feed;
      summary_.changes.push_back(changes);
    }
    for (const FeedRun& run : runs_) {
      result.feeds.push_back({run.record, images_enabled(run.record.id), private_addresses(run)});
    }
    result.summary = std::move(summary_);
    result.changed_articles = std::move(changed_articles_);
    result.statuses_changed = statuses_changed_;
    return result;
  }

  void report() {
    if (on_progress_) on_progress_(summary_.counts);
  }

  // What the articles every feed lists were made from, in one query: an
  // entry found among them is not made, cleaned, packed and compared
  // again. --force makes every article again.
  Result<void> load_archived_entries() {
    if (options_.force) return {};
    auto fingerprints = store_.entry_fingerprints();
    if (!fingerprints) return std::unexpected(fingerprints.error());
    for (auto& [feed_id, list] : *fingerprints) {
      archived_entries_.emplace(feed_id, std::unordered_set<std::string>(std::make_move_iterator(list.begin()),
                                                                          std::make_move_iterator(list.end())));
    }
    return {};
  }

  // Every response of the run to the archive's WARC files ([warc]
  // enabled), once the run lock is held: the writer mends what a killed
  // run left, which only the lock's holder may.

  // A feed with an adapter asks it, never the pages.
  FullText full_text_of(const store::FeedRecord& record) const {
    if (!record.adapter.empty()) return FullText::kNever;
    const auto settings = archive_.config().feeds.find(record.name);
    if (settings == archive_.config().feeds.end()) return archive_.config().full_text;
    return settings->second.full_text.value_or(archive_.config().full_text);
  }

  // Errors are stored and printed: a URL in one (the feed's, or one curl
  // echoes, a proxy's among them) is shown with its credentials hidden.
  void fail_feed(FeedRun& run, const std::string& message) {
    const std::string error = redact_urls(message);
    run.fetch_failed = true;
    run.observation.outcome = schedule::Observation::Outcome::kFailed;
    run.record.last_error = error;
    summary_.errors.push_back(run.record.name + ": " + error);
    ++summary_.counts.errors;
  }

  // A feed whose articles are asked of their source (an adapter's API, or
  // every page) re-reads its last body when the server answers 304, so
  // that body is kept; one whose articles are its own content needs
  // nothing after a 304, and keeping its body would write the whole feed
  // again to disk on every change.
  static bool keeps_body(const FeedRun& run) {
    return !run.record.adapter.empty() || run.full_text == FullText::kAlways;
  }

  // Step 1: every feed, at once, with conditional requests (unless a 304
  // would leave nothing to read: keeps_body without a kept body).
  Result<void> poll_feeds() {
    std::vector<fetch::Request> requests;
    std::vector<std::size_t> asked;  // runs_ index of each request
    for (std::size_t index = 0; index < runs_.size(); ++index) {
      FeedRun& run = runs_[index];
      if (run.work_only) continue;
      asked.push_back(index);
      if (keeps_body(run)) {
        auto body = store_.feed_body(run.record.id);
        if (!body) return std::unexpected(body.error());
        run.kept_body = std::move(*body);
      }
      if (options_.force || (keeps_body(run) && !run.kept_body)) {
        requests.push_back({run.record.url, "", ""});
      } else {
        requests.push_back({run.record.url, run.record.etag, run.record.last_modified});
      }
    }
    // Each feed is parsed, and its entries made articles, on the work
    // queue's threads as soon as its response is in, while the others are
    // still arriving.
    WorkQueue parsing;
    client_.fetch_all(requests, [&](std::size_t request, fetch::Response response) {
      FeedRun& run = runs_[asked[request]];
      if (response.abandoned) {
        // newsvault is stopping: this poll did not happen (no failure, no
        // schedule change); the next start polls the feed again.
        run.held = true;
        ++summary_.counts.feeds_done;
        report();
        return;
      }
      run.record.last_fetched = now_;
      run.private_source = response.private_source;
      run.polled = true;
      run.observation.retry_after = response.retry_after;
      run.observation.max_age = response.max_age;
      run.observation.outcome = response.outcome == fetch::FetchOutcome::kFailed
                                    ? schedule::Observation::Outcome::kFailed
                                    : response.outcome == fetch::FetchOutcome::kNotModified
                                          ? schedule::Observation::Outcome::kNotModified
                                          : schedule::Observation::Outcome::kRead;
      if (auto job = read_feed_response(run, response)) {
        parsing.post([this, &run, job = std::move(*job)] { read_entries(run, job); });
      }
      ++summary_.counts.feeds_done;
      report();
    });
    parsing.wait();
    hold_if_offline();
    for (FeedRun& run : runs_) {
      if (!run.parse_error.empty()) {
        // Nothing of it was read: the next run asks for it whole again
        // (the body kept for a 304 would now be this one: it goes).
        run.record.etag = run.stored_etag;
        run.record.last_modified = run.stored_last_modified;
        if (keeps_body(run)) {
          if (auto forgotten = store_.set_feed_body(run.record.id, std::nullopt); !forgotten) return forgotten;
        }
        fail_feed(run, run.parse_error);
      }
      if (!run.parsed) continue;
      run.record.last_error.clear();
      // Content a limit kept out: the rest of the feed is archived, the
      // loss is the feed's error.
      for (const std::string& limit : run.limits_hit) {
        article_failed(run, run.record.url + ": " + limit);
      }
    }
    return {};
  }

  // When every feed request went unanswered (no name resolved, no
  // connection made) on two hosts or more, or on one host and the
  // [schedule] network_probe too, the network is down rather than each
  // feed: nothing of the poll is recorded (no failure, no schedule change)
  // and no other work is tried. Otherwise each such feed failed: some
  // server answered, so the network was there.
  void hold_if_offline() {
    std::set<std::string> hosts;
    bool all_unanswered = true;
    for (const FeedRun& run : runs_) {
      if (run.work_only || fetch_is_local(run.record.url)) continue;
      if (run.unreachable_error.empty()) all_unanswered = false;
      hosts.insert(host_of(run.record.url));
    }
    if (options_.hold_when_offline && all_unanswered && !hosts.empty()) {
      if (hosts.size() >= 2) {
        summary_.offline_reason = "no server answered on " + std::to_string(hosts.size()) + " hosts";
      } else if (const std::string& probe = archive_.config().network_probe; !probe.empty()) {
        // One host: it alone may be down. The probe tells (never recorded
        // in the WARC files: it is no part of any feed).
        fetch::Response answer;
        unrecorded_.fetch_all({{probe, "", ""}}, [&](std::size_t, fetch::Response response) { answer = std::move(response); });
        if (answer.abandoned || (answer.outcome == fetch::FetchOutcome::kFailed && answer.unreachable)) {
          summary_.offline_reason = *hosts.begin() + " and the network probe " + redact_url(probe) +
                                    " did not answer (" + answer.error + ")";
        }
      }
    }
    offline_ = !summary_.offline_reason.empty();
    summary_.offline = offline_;
    for (FeedRun& run : runs_) {
      if (run.unreachable_error.empty()) continue;
      if (!offline_) {
        fail_feed(run, run.unreachable_error);
        continue;
      }
      run.held = true;
      run.polled = false;
      run.record.last_fetched = run.stored_last_fetched;
    }
  }

  // The feed's adapter, with the settings' overrides of its mapping, made
  // once.
  Result<void> make_adapter(FeedRun& run) const {
    if (run.adapter) return {};
    auto adapter = extract::builtin_adapter(run.record.adapter);
    if (!adapter) return std::unexpected(adapter.error());
    const auto overrides = archive_.config().adapters.find(run.record.adapter);
    if (overrides != archive_.config().adapters.end()) {
      const auto api = overrides->second.find("article_api");
      if (api != overrides->second.end()) adapter->article_api_template = api->second;
    }
    run.adapter = std::move(*adapter);
    return {};
  }

  // Whether the images of a feed's articles are kept: [feeds.NAME] images,
  // else [images] enabled.
  bool images_enabled(std::int64_t feed_id) const {
    const Config& config = archive_.config();
    const auto run = feed_index_.find(feed_id);
    if (run == feed_index_.end()) return config.images_enabled;
    const auto settings = config.feeds.find(runs_[run->second].record.name);
    if (settings == config.feeds.end() || !settings->second.images) return config.images_enabled;
    return *settings->second.images;
  }


  // Pending work of earlier runs (pending_work.h) that is due: its pages
  // and API documents are asked again whatever their feed answered this
  // run, unless the feed's entries ask for them already. Every item is
  // remembered, so that a failure counts its attempts on from where they
  // were. Re-checks wait for recheck_delisted.
  Result<void> take_pending_work(std::vector<FoundArticle>& found, std::vector<AdapterCall>& calls,
                                 std::vector<PageCall>& pages) {
    if (offline_) return {};
    auto pending = store_.pending_work(std::nullopt);
    if (!pending) return std::unexpected(pending.error());
    std::set<WorkId> asked;
    for (const PageCall& call : pages) {
      const FoundArticle& item = found[call.found_index];
      asked.emplace(std::string(kPageWork), runs_[item.feed_index].record.id, item.key);
    }
    for (const AdapterCall& call : calls) {
      asked.emplace(std::string(kApiWork), runs_[call.feed_index].record.id, call.key);
    }
    for (store::PendingWork& work : *pending) {
      if (work.kind == kImageWork) continue;  // fetch_images's
      WorkId id(work.kind, work.feed_id, work.key);
      const auto feed = feed_index_.find(work.feed_id);
      // Its feed no longer lists it: no page or API document to wait for
      // (a re-check asks whether it was taken down).
      if (work.kind != kRecheckWork && feed != feed_index_.end() && runs_[feed->second].read_in_full &&
          std::ranges::find(runs_[feed->second].listed_keys, work.key) ==
              runs_[feed->second].listed_keys.end()) {
        work_done(work.kind, work.feed_id, work.key);
        pending_.emplace(std::move(id), std::move(work));
        continue;
      }
      const bool due = work.next_attempt <= now_ && feed != feed_index_.end() && !asked.contains(id);
      if (due && work.kind == kPageWork) {
        auto detail = page_detail_from_json(work.detail);
        if (!detail) {
          article_failed(runs_[feed->second], work.url + ": " + detail.error().message());
          continue;
        }
        // A feed not asked this run: its pages reach what it could when it was.
        FeedRun& run = runs_[feed->second];
        if (run.work_only && detail->private_source) run.private_source = true;
        FoundArticle& item = found.emplace_back(feed->second, work.key, std::move(detail->article));
        item.provenance = std::move(detail->provenance);
        item.language = std::move(detail->language);
        item.stand_in = true;
        item.from_pending = true;
        pages.push_back({found.size() - 1, work.url, detail->entry_size});
      } else if (due && work.kind == kApiWork) {
        FeedRun& run = runs_[feed->second];
        if (auto made = make_adapter(run); !made) {
          article_failed(run, made.error().message());
          continue;
        }
        calls.push_back({feed->second, work.key, work.url});
      }
      pending_.emplace(std::move(id), std::move(work));
    }
    return {};
  }

  // The key an entry's article is stored under: its normalised key, unless
  // an older archive stored it under the link as given and not under that.
  std::string stored_key(std::int64_t feed_id, const EntryArticle& entry) {
    auto normalised = store_.find_article(feed_id, entry.key, false);
    if (!normalised || *normalised) return entry.key;
    auto older = store_.find_article(feed_id, entry.unnormalised_key, false);
    return older && *older ? entry.unnormalised_key : entry.key;
  }

  // The article a feed with this adapter archived under `key`: this feed's
  // own, else another's, which this feed then lists for the first time (its
  // indexes and feeds out change).
  std::optional<std::int64_t> adapter_article(std::int64_t feed_id, const std::string& key) {
    auto own = store_.find_article(feed_id, key, false);
    if (own && *own) return *own;
    auto shared = store_.find_article(feed_id, key, true);
    if (!shared || !*shared) return std::nullopt;
    statuses_changed_ = true;
    return *shared;
  }

  // What became of work that may be pending: kept for record_feeds, which
  // saves it with the feeds' records.
  void work_done(std::string_view kind, std::int64_t feed_id, const std::string& key) {
    work_outcomes_.push_back({std::string(kind), feed_id, key, "", "", ""});
  }
  void work_failed(std::string_view kind, std::int64_t feed_id, const std::string& key,
                   const std::string& url, std::string detail, const std::string& error) {
    work_outcomes_.push_back({std::string(kind), feed_id, key, url, std::move(detail), error});
  }

  // A feed body to parse, and how.
  struct ParseJob {
    std::string body;
    feed::ParseOptions options;
  };

  // Everything about a feed's response but the parse, which it returns to
  // be done (nullopt: nothing to parse, or the feed failed).
  std::optional<ParseJob> read_feed_response(FeedRun& run, fetch::Response& response) {
    if (response.outcome == fetch::FetchOutcome::kFailed && response.unreachable &&
        options_.hold_when_offline) {
      run.unreachable_error = response.error;
      return std::nullopt;
    }
    if (response.outcome == fetch::FetchOutcome::kFailed) {
      fail_feed(run, response.error);
      return std::nullopt;
    }
    std::string body;
    if (response.outcome == fetch::FetchOutcome::kNotModified && !keeps_body(run)) {
      // The feed is as it was, and its articles are its own content (or,
      // with full_text "auto", pages it led to last time it changed): there
      // is nothing to re-read. With "always" every article is its page's,
      // so the pages are asked again, conditionally, as adapters' are.
      run.record.last_error.clear();
      return std::nullopt;
    }
    if (response.outcome == fetch::FetchOutcome::kNotModified) {
      // The feed is as it was: its last body lists the articles to re-check
      // at their source (the adapter's API, or their pages).
      std::optional<std::string>& cached = run.kept_body;
      if (!cached) {
        run.record.etag.clear();
        run.record.last_modified.clear();
        fail_feed(run, "HTTP 304 but no earlier copy is kept; the next run fetches it whole");
        return std::nullopt;
      }
      body = std::move(*cached);
    } else {
      body = std::move(response.body);
      if (keeps_body(run)) {
        // Kept before the validators that stand for it are recorded: a kill
        // between the two makes the next poll ask for the feed whole.
        if (auto saved = store_.set_feed_body(run.record.id, std::string_view(body)); !saved) {
          fail_feed(run, saved.error().message());
          return std::nullopt;
        }
      }
      run.record.etag = response.etag;
      run.record.last_modified = response.last_modified;
    }
    run.http_status = response.http_status;
    run.warc_record = response.record;
    if (response.moved_permanently && !response.final_url.empty()) run.record.url = response.final_url;

    if (!run.record.adapter.empty()) {
      if (auto made = make_adapter(run); !made) {
        fail_feed(run, made.error().message());
        return std::nullopt;
      }
    }
    ParseJob job{std::move(body), archive_.config().parse};
    job.options.base_url = response.final_url.empty() ? run.record.url : response.final_url;
    job.options.http_content_type = response.content_type;
    job.options.source_name = run.record.url;
    return job;
  }

  // The parse job, on a work queue thread: it touches only `run`, and the
  // run's shared state (the summary, the errors) after the queue is done.
  // An entry that is only a teaser of its page ([feeds.NAME] full_text,
  // full_text.h) is also a page to fetch; until then, and should the page
  // fail, it stands as the entry has it.
  void read_entries(FeedRun& run, const ParseJob& job) const {
    auto parsed = feed::parse_feed(job.body, job.options);
    if (!parsed) {
      run.parse_error = parsed.error().message();
      return;
    }
    if (parsed->format == feed::FeedFormat::kUnknown && parsed->entries.empty()) {
      // An HTML page (a block page, a login, a moved site) is no feed with
      // nothing in it: the feed failed, and is asked for whole next time.
      run.parse_error = job.options.source_name + ": " +
                        (parsed->problems.empty() ? std::string("not a feed") : parsed->problems.front());
      return;
    }
    run.parsed = true;
    run.language = language_tag(parsed->language);
    run.body_hash = store::sha256_hex(job.body);
    // What the feed says of how often to read it, and when its entries came out.
    schedule::Observation& seen = run.observation;
    seen.entries_read = true;
    if (parsed->ttl) seen.ttl = std::chrono::duration_cast<std::chrono::seconds>(*parsed->ttl);
    seen.update_period = parsed->update_period;
    for (int hour : parsed->skip_hours) seen.skip_hours.set(static_cast<std::size_t>(hour));
    for (int day : parsed->skip_days) seen.skip_days.set(static_cast<std::size_t>(day));
    for (const feed::Entry& entry : parsed->entries) {
      if (auto date = entry.published ? entry.published : entry.updated) seen.entry_dates.push_back(*date);
    }
    run.limits_hit = std::move(parsed->limits_hit);
    run.entries.reserve(parsed->entries.size());
    for (const feed::Entry& entry : parsed->entries) {
      EntryArticle& read = run.entries.emplace_back();
      read.adapter_id = run.adapter ? extract::adapter_article_id(*run.adapter, entry) : std::string();
      read.key = article_key(read.adapter_id, entry);
      read.unnormalised_key = unnormalised_article_key(read.adapter_id, entry);
    }
    // A key the feed lists twice is made every time: which of its entries
    // the article ends as depends on saving them in order.
    std::unordered_map<std::string_view, int> listings;
    if (run.archived_entries) {
      for (const EntryArticle& read : run.entries) ++listings[read.key];
    }
    for (std::size_t i = 0; i < run.entries.size(); ++i) {
      EntryArticle& read = run.entries[i];
      const feed::Entry& entry = parsed->entries[i];
      if (!read.adapter_id.empty()) continue;
      read.entry_hash = entry_hash(entry);
      read.fingerprint = entry_fingerprint(read.key, read.entry_hash, entry, clean_options_);
      std::optional<TextMeasure> measure;
      if (run.full_text != FullText::kNever) measure = measure_text(entry_text(entry));
      // Only an entry that cannot lead to a page (whatever its link) is
      // its article alone, and known by its fingerprint.
      const bool may_want_page = measure && wants_page(run.full_text, "https://", *measure);
      if (!may_want_page && run.archived_entries && listings[read.key] == 1 &&
          run.archived_entries->contains(read.fingerprint)) {
        read.archived = true;
        continue;
      }
      read.article = extract::article_from_entry(entry);
      // The archive links the story, not the campaign that led to it, in
      // the address's one spelling.
      read.article.url = strip_tracking_parameters(normalize_url(read.article.url));
      if (measure && wants_page(run.full_text, read.article.url, *measure)) {
        read.page_wanted = measure->size();
        read.fingerprint.clear();  // its article is the page's
      }
    }
  }

  // Step 2: the articles of every feed (read_entries made them), from the
  // feed itself, or to be asked of the adapter's API, or of their pages.
  void collect_articles(std::vector<FoundArticle>& found, std::vector<AdapterCall>& calls,
                        std::vector<PageCall>& pages) {
    for (std::size_t index = 0; index < runs_.size(); ++index) {
      FeedRun& run = runs_[index];
      if (!run.parsed) continue;
      run.read_in_full = true;
      for (EntryArticle& entry : run.entries) {
        if (!entry.unnormalised_key.empty()) entry.key = stored_key(run.record.id, entry);
        run.listed_keys.push_back(entry.key);
        if (entry.archived) {
          ++summary_.counts.articles_unchanged;
          continue;
        }
        if (!entry.adapter_id.empty()) {
          calls.push_back(
              {index, entry.key, extract::adapter_article_url(*run.adapter, entry.adapter_id)});
          continue;
        }
        FoundArticle& item = found.emplace_back(index, std::move(entry.key), std::move(entry.article));
        item.language = run.language;
        store::Provenance& from = item.provenance;
        from.origin = "entry";
        from.url = run.record.url;
        from.http_status = run.http_status;
        from.etag = run.record.etag;
        from.last_modified = run.record.last_modified;
        from.payload_hash = run.body_hash;
        from.record = run.warc_record;
        from.entry_hash = std::move(entry.entry_hash);
        item.entry_fingerprint = std::move(entry.fingerprint);
        if (entry.page_wanted) {
          pages.push_back({found.size() - 1, found.back().article.url, *entry.page_wanted});
        }
      }
      run.entries = {};
    }
  }

  // What the requests made for a feed's entries (pages, API documents,
  // re-checks, pending work of earlier runs alike) may reach: a feed on a
  // public address cannot send us into the private network through its
  // links (docs/internals/fetch.md).
  static fetch::PrivateAddresses private_addresses(const FeedRun& run) {
    return run.private_source ? fetch::PrivateAddresses::kAllowed
                              : fetch::PrivateAddresses::kRefused;
  }

  // An adapter's API on an address the operator wrote ([adapters.NAME]
  // article_api in newsvault.toml) is the operator's own choice, as a feed
  // they added on a private address is: the feed gives only the {id},
  // percent-encoded into the path, never the host. The built-in address
  // (api.dw.com) is held to the feed's rule.
  fetch::PrivateAddresses adapter_call_addresses(const FeedRun& run) const {
    const auto& adapters = archive_.config().adapters;
    const auto adapter = adapters.find(run.record.adapter);
    if (adapter != adapters.end() && adapter->second.contains("article_api")) {
      return fetch::PrivateAddresses::kAllowed;
    }
    return private_addresses(run);
  }

  // A request for `url` carrying the validators its last answer gave.
  fetch::Request conditional_request(const std::string& url) {
    fetch::Request request{url, "", ""};
    if (auto validators = store_.validators(url); validators) {
      request.etag = validators->first;
      request.last_modified = validators->second;
    }
    return request;
  }

  // Step 3: the adapters' API documents, conditionally: an article that has
  // not changed costs a 304. A 304 for an article no feed with this adapter
  // has archived (its key changed, or its save never happened) says
  // nothing about it: asked again whole. A 404 or 410 for an article
  // archived before marks it removed (once); one that fails otherwise, or
  // was never archived, is pending work.
  void call_adapters(const std::vector<AdapterCall>& calls, std::vector<FoundArticle>& found) {
    std::vector<AdapterCall> again = call_adapter_batch(calls, true, found);
    call_adapter_batch(again, false, found);
  }

  std::vector<AdapterCall> call_adapter_batch(const std::vector<AdapterCall>& calls,
                                              bool conditional, std::vector<FoundArticle>& found) {
    if (calls.empty()) return {};
    std::vector<fetch::Request> requests;
    for (const AdapterCall& call : calls) {
      requests.push_back(conditional && !options_.force ? conditional_request(call.url) : fetch::Request{call.url, "", ""});
      requests.back().private_addresses = adapter_call_addresses(runs_[call.feed_index]);
    }
    std::vector<AdapterCall> again;
    client_.fetch_all(requests, [&](std::size_t index, fetch::Response response) {
      const AdapterCall& call = calls[index];
      FeedRun& run = runs_[call.feed_index];
      const std::int64_t feed_id = run.record.id;
      if (response.outcome == fetch::FetchOutcome::kNotModified) {
        if (adapter_article(feed_id, call.key)) {
          ++summary_.counts.articles_unchanged;
          work_done(kApiWork, feed_id, call.key);
        } else {
          again.push_back(call);
        }
      } else if (response.outcome == fetch::FetchOutcome::kFailed) {
        const bool gone = response.http_status == 404 || response.http_status == 410;
        const auto archived = gone ? adapter_article(feed_id, call.key) : std::nullopt;
        if (archived) {
          removals_.emplace_back(*archived, call.url,
                                 "HTTP " + std::to_string(response.http_status) + " from " + call.url);
          work_done(kApiWork, feed_id, call.key);
        } else {
          work_failed(kApiWork, feed_id, call.key, call.url, "", response.error);
          article_failed(run, response.error + " (pending: asked again by later runs)");
        }
      } else {
        auto article = extract::read_adapter_article(*run.adapter, response.body, call.url);
        if (!article) {
          work_failed(kApiWork, feed_id, call.key, call.url, "", article.error().message());
          article_failed(run, article.error().message() + " (pending: asked again by later runs)");
        } else {
          FoundArticle& item = found.emplace_back(call.feed_index, call.key, std::move(*article));
          item.language = run.language;
          store::Provenance& from = item.provenance;
          from.origin = "api";
          from.url = response.final_url.empty() ? call.url : response.final_url;
          from.http_status = response.http_status;
          from.etag = response.etag;
          from.last_modified = response.last_modified;
          from.payload_hash = store::sha256_hex(response.body);
          from.record = response.record;
          item.shared_key = true;
          adapter_article(feed_id, call.key);  // linked when another feed archived it
          pending_validators_.push_back({call.url, response.etag, response.last_modified});
          work_done(kApiWork, feed_id, call.key);
        }
      }
      report();
    });
    return again;
  }

  // Step 3b: the pages of entries whose article is their page's (teasers,
  // or every entry with "always"), conditionally as the adapters'
  // documents are (their validators kept by URL), a batch at a time: each
  // batch fetched many at once, then read by the extractor on every core.
  // A page that answers 304 leaves its article as archived. The calls of
  // articles that must go are marked, and they go at the end.
  void fetch_pages(const std::vector<PageCall>& pages, std::vector<FoundArticle>& found) {
    if (pages.empty()) return;
    std::vector<char> drop(found.size(), 0);
    for (std::size_t start = 0; start < pages.size(); start += kPagesPerBatch) {
      const std::size_t end = std::min(pages.size(), start + kPagesPerBatch);
      std::vector<PageCall> batch(pages.begin() + static_cast<std::ptrdiff_t>(start),
                                  pages.begin() + static_cast<std::ptrdiff_t>(end));
      // A 304 for an article the store does not hold (its key changed, or
      // two entries share a page) says nothing about it: asked again whole.
      std::vector<PageCall> again = fetch_page_batch(batch, true, found, drop);
      fetch_page_batch(again, false, found, drop);
      report();
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (drop[i]) continue;
      if (kept != i) found[kept] = std::move(found[i]);
      ++kept;
    }
    found.resize(kept);
  }

  // Fetches and reads one batch; returns the calls to ask again without
  // validators.
  std::vector<PageCall> fetch_page_batch(const std::vector<PageCall>& batch, bool conditional,
                                         std::vector<FoundArticle>& found,
                                         std::vector<char>& drop) {
    if (batch.empty()) return {};
    std::vector<fetch::Request> requests;
    for (const PageCall& call : batch) {
      requests.push_back(conditional && !options_.force ? page_request(found[call.found_index], call.url)
                                     : fetch::Request{call.url, "", ""});
      requests.back().private_addresses = private_addresses(runs_[found[call.found_index].feed_index]);
    }
    std::vector<fetch::Response> responses(batch.size());
    client_.fetch_all(requests, [&](std::size_t index, fetch::Response response) {
      responses[index] = std::move(response);
    });
    std::vector<std::optional<Result<extract::PageArticle>>> extracted(batch.size());
    std::vector<std::string> body_hashes(batch.size());
    parallel_for(batch.size(), [&](std::size_t i) {
      fetch::Response& response = responses[i];
      if (response.outcome != fetch::FetchOutcome::kOk || !is_web_page(response.content_type))
        return;
      body_hashes[i] = store::sha256_hex(response.body);
      const std::string& page_url = response.final_url.empty() ? batch[i].url : response.final_url;
      extracted[i] = extract::extract_article(response.body, page_url, response.content_type);
      response.body = std::string();
    });
    std::vector<PageCall> again;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const PageCall& call = batch[i];
      const fetch::Response& response = responses[i];
      FoundArticle& item = found[call.found_index];
      if (response.outcome == fetch::FetchOutcome::kNotModified) {
        // The page is as archived; so is the article unless its entry
        // changed, and then the page is needed whole to make it again.
        if (archived_before(item) && entry_as_archived(item)) {
          drop[call.found_index] = 1;
          ++summary_.counts.articles_unchanged;
          work_done(kPageWork, runs_[item.feed_index].record.id, item.key);
        } else {
          again.push_back(call);
        }
      } else if (response.outcome == fetch::FetchOutcome::kFailed) {
        page_failed(item, call, response.error, drop[call.found_index]);
      } else if (!extracted[i]) {
        page_failed(
            item, call,
            "GET " + call.url + ": not a web page (Content-Type " + response.content_type + ")",
            drop[call.found_index]);
      } else if (!*extracted[i]) {
        page_failed(item, call, extracted[i]->error().message(), drop[call.found_index]);
      } else if (use_page(call, std::move(**extracted[i]), response, body_hashes[i], item,
                          drop[call.found_index])) {
        work_done(kPageWork, runs_[item.feed_index].record.id, item.key);
      }
    }
    return again;
  }

  // The page's article in place of the entry's: with "auto" only when the
  // page holds more text than the entry (a page rendered by script, or
  // behind a paywall, holds less, and the entry's text is the better copy).
  // False when the page holds no text at all (reported as a failure).
  bool use_page(const PageCall& call, extract::PageArticle page, const fetch::Response& response,
                const std::string& body_hash, FoundArticle& item, char& drop) {
    const double page_size = measure_text(page.article.body_html).size();
    if (page_size == 0) {
      page_failed(item, call, call.url + ": the page holds no article text", drop);
      return false;
    }
    // A stand-in until now (rebuilt from pending work): the page answered.
    item.stand_in = false;
    if (runs_[item.feed_index].full_text == FullText::kAuto && page_size <= call.entry_size)
      return true;
    // The page's own <html lang> is the article's; else the feed's stays.
    if (std::string page_language = language_tag(page.language); !page_language.empty()) {
      item.language = std::move(page_language);
    }
    item.article = article_from_page(item.article, std::move(page));
    item.provenance.origin = "page";
    item.provenance.url = response.final_url.empty() ? call.url : response.final_url;
    item.provenance.http_status = response.http_status;
    item.provenance.etag = response.etag;
    item.provenance.last_modified = response.last_modified;
    item.provenance.payload_hash = body_hash;
    item.provenance.record = response.record;
    return true;
  }

  // A page that could not be read: reported on its feed, and pending work
  // that later runs retry whatever the feed answers. Until it is read, the
  // entry stands in (store::ArticleRevision::stand_in): a new article is
  // archived as the entry has it, and one archived before keeps its latest
  // revision unless the entry itself changed in the feed (an edit made
  // there is a revision of its own). A retry that fails again adds nothing.
  void page_failed(FoundArticle& item, const PageCall& call, const std::string& error, char& drop) {
    FeedRun& run = runs_[item.feed_index];
    PageDetail detail{item.article, item.provenance, call.entry_size, item.language};
    detail.private_source = run.private_source;
    work_failed(kPageWork, run.record.id, item.key, call.url, page_detail_to_json(detail), error);
    item.stand_in = true;
    if (item.from_pending) drop = 1;
    article_failed(run, error + (archived_before(item)
                                     ? " (pending: asked again by later runs; the archived revision stays)"
                                     : " (pending: archived from the feed until the page can be read)"));
  }

  // Where the latest revision of the article came from, when the store
  // holds it (nullptr: a new article). Each feed's articles are read once,
  // when first needed.
  const store::Provenance* archived(const FoundArticle& item) {
    const std::int64_t feed_id = runs_[item.feed_index].record.id;
    auto articles = archived_.find(feed_id);
    if (articles == archived_.end()) {
      articles = archived_.emplace(feed_id, std::map<std::string, store::Provenance>()).first;
      if (auto stored = store_.articles(feed_id); stored) {
        for (store::ArticleSummary& article : *stored) {
          articles->second.emplace(std::move(article.key), std::move(article.latest));
        }
      }
    }
    const auto found = articles->second.find(item.key);
    return found == articles->second.end() ? nullptr : &found->second;
  }

  bool archived_before(const FoundArticle& item) { return archived(item) != nullptr; }

  // Whether the entry is the one the article's latest revision came from
  // (or that revision kept no entry hash).
  bool entry_as_archived(const FoundArticle& item) {
    const store::Provenance* latest = archived(item);
    return !latest || latest->entry_hash.empty() || latest->entry_hash == item.provenance.entry_hash;
  }

  // A request for the page of `item`, with the validators of the copy its
  // latest revision was made from: never another feed's article's or a
  // stand-in's, so that a 304 says this article's page is as it holds it.
  fetch::Request page_request(const FoundArticle& item, const std::string& url) {
    const store::Provenance* latest = archived(item);
    if (!latest || latest->origin != "page") return {url, "", ""};
    return {url, latest->etag, latest->last_modified};
  }

  // Step 3c: every body through the one sanitizer, whichever way it came,
  // before anything is stored: the store and the documents only ever see
  // clean bodies, and the image proxy rewrite (publish) comes after it, so
  // hostile input cannot undo it.
  void clean_articles(std::vector<FoundArticle>& found) {
    parallel_for(found.size(), [&](std::size_t i) { clean_article(found[i].article); });
  }

  // Relative addresses take the article's own. A lead image that is not a
  // web or raster data URL goes.
  void clean_article(extract::Article& article) const { pipeline::clean_article(article, clean_options_); }

  void article_failed(FeedRun& run, const std::string& message) {
    const std::string error = redact_urls(message);
    run.errors.push_back(error);
    summary_.errors.push_back(run.record.name + ": " + error);
    ++summary_.counts.errors;
  }

  // A document due on disk: the revision it shows and where it goes.
  // Step 4: the articles saved, a group of whole feeds per transaction,
  // each group handed to the sink once it has committed: while the sink
  // works on one group (writes its documents), the next is prepared and
  // saved, so the store's one thread and the sink's work overlap.
  Result<void> save_all(std::vector<FoundArticle>& found) {
    // Adapters' and pages' articles come after the feeds' own: grouped by
    // feed again, each feed's articles are saved together.
    std::vector<std::size_t> order(found.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return found[a].feed_index < found[b].feed_index;
    });
    for (std::size_t begin = 0; begin < order.size();) {
      std::size_t end = std::min(begin + kArticlesPerSave, order.size());
      while (end < order.size() && found[order[end]].feed_index == found[order[end - 1]].feed_index) {
        ++end;
      }
      auto saved = save_group({order.data() + begin, end - begin}, found, end == order.size());
      if (!saved) return std::unexpected(saved.error());
      sink_.saved(std::move(*saved));
      report();
      begin = end;
    }
    return {};
  }

  // One group of found articles (`group` indexes into `found`, whole feeds)
  // prepared on every core, then saved in one transaction, the transaction
  // left with the store's own work and the sink's (SaveSink::saving).
  // Returns the documents due, the articles moved into them. The last
  // group also saves the validators of the pages and API documents read:
  // only once their articles are safe.
  Result<std::vector<SavedDocument>> save_group(std::span<const std::size_t> group,
                                                std::vector<FoundArticle>& found, bool last) {
    std::vector<Result<store::PreparedRevision>> revisions(group.size());
    std::vector<std::vector<std::string>> image_urls(group.size());
    parallel_for(group.size(), [&](std::size_t i) {
      const FoundArticle& item = found[group[i]];
      store::ArticleRevision revision;
      revision.key = item.key;
      revision.title = item.article.title;
      revision.url = item.article.url;
      revision.published = item.article.published;
      revision.content = article_to_json(item.article);
      revision.document_path = publish::document_path(
          runs_[item.feed_index].record.name, item.key, item.article.published.value_or(now_));
      revision.provenance = item.provenance;
      revision.shared_key = item.shared_key;
      revision.stand_in = item.stand_in;
      revision.entry_fingerprint = item.entry_fingerprint;
      revision.language = item.language;
      revisions[i] = store::prepare_revision(std::move(revision));
      if (images_enabled(runs_[item.feed_index].record.id)) image_urls[i] = media::image_urls(item.article);
    });
    std::vector<store::RevisionToSave> batch(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (!revisions[i]) return std::unexpected(revisions[i].error());
      batch[i] = {runs_[found[group[i]].feed_index].record.id, &*revisions[i]};
    }
    // Set inside the transaction, which may be tried again: counted once
    // it has committed.
    std::vector<store::SaveResult> results;
    auto saved = store_.transaction([&]() -> Result<void> {
      auto saved = store_.save_revisions(batch, now_);
      if (!saved) return std::unexpected(saved.error());
      results = std::move(*saved);
      std::vector<ArticleImages> images;
      for (std::size_t i = 0; i < group.size(); ++i) {
        if (results[i].change == store::Change::kUnchanged || image_urls[i].empty()) continue;
        const FeedRun& run = runs_[found[group[i]].feed_index];
        images.push_back({results[i].article_id, run.record.id, image_urls[i], private_addresses(run)});
      }
      if (auto told = sink_.saving(store_, images); !told) return told;
      if (!last) return {};
      for (const auto& [url, etag, last_modified] : pending_validators_) {
        if (auto set = store_.set_validators(url, etag, last_modified); !set) return set;
      }
      return {};
    });
    if (!saved) return std::unexpected(saved.error());
    std::vector<SavedDocument> documents;
    for (std::size_t i = 0; i < group.size(); ++i) {
      FoundArticle& item = found[group[i]];
      const store::FeedRecord& feed = runs_[item.feed_index].record;
      const store::SaveResult& result = results[i];
      switch (result.change) {
        case store::Change::kNew:
          ++summary_.counts.articles_new;
          ++changes_[feed.name].new_articles;
          break;
        case store::Change::kUpdated:
          ++summary_.counts.articles_updated;
          ++changes_[feed.name].updated_articles;
          break;
        case store::Change::kUnchanged: ++summary_.counts.articles_unchanged; continue;
      }
      changed_articles_.insert(result.article_id);
      documents.push_back({result.article_id, result.revision, std::move(item.article), now_, feed.name,
                           std::move(revisions[i]->revision.document_path)});
    }
    return documents;
  }

  // The feeds' records, in one transaction with the pending work this run
  // did or failed and the removals it found: a feed's validators advance
  // only together with the work its response left pending.
  Result<void> record_feeds() {
    return store_.transaction([&]() -> Result<void> {
      if (auto saved = save_work_outcomes(); !saved) return saved;
      for (const auto& [article_id, url, reason] : removals_) {
        // Asked whole next time, so that its coming back is seen.
        if (auto cleared = store_.set_validators(url, "", ""); !cleared) return cleared;
        auto marked = store_.mark_removed(article_id, now_, reason);
        if (!marked) return std::unexpected(marked.error());
        if (*marked) {
          ++summary_.articles_removed;
          statuses_changed_ = true;
        }
      }
      auto pending = store_.pending_work(std::nullopt);
      if (!pending) return std::unexpected(pending.error());
      std::map<std::int64_t, std::vector<const store::PendingWork*>> pending_by_feed;
      for (const store::PendingWork& work : *pending) {
        // An image waiting is no article of the feed's that failed.
        if (work.kind == kRecheckWork || work.kind == kImageWork) continue;
        pending_by_feed[work.feed_id].push_back(&work);
        ++summary_.pending;
      }
      for (FeedRun& run : runs_) {
        if (run.held) continue;
        if (!run.fetch_failed && !run.errors.empty()) {
          run.record.last_error = std::to_string(run.errors.size()) + " article(s) failed; first: " +
                                  run.errors.front();
        } else if (const auto waiting = pending_by_feed.find(run.record.id);
                   !run.fetch_failed && waiting != pending_by_feed.end()) {
          // Nothing failed this run, but work of earlier runs still waits.
          run.record.last_error = std::to_string(waiting->second.size()) +
                                  " article(s) pending; first: " + waiting->second.front()->last_error;
        }
        if (run.fetch_failed || !run.errors.empty()) ++summary_.feeds_failed;
        if (auto recorded = store_.record_fetch(run.record); !recorded) return recorded;
        if (run.polled) {
          const auto changes = changes_.find(run.record.name);
          run.observation.new_articles = changes == changes_.end() ? 0 : changes->second.new_articles;
          const auto previous = schedules_.find(run.record.id);
          auto next = record_poll(store_, archive_.config(), run.record,
                                  previous == schedules_.end() ? schedule::FeedSchedule{} : previous->second,
                                  run.observation, now_);
          if (!next) return std::unexpected(next.error());
          summary_.schedules[run.record.name] = std::move(*next);
        }
        // Only a feed read in full this run says what it no longer lists.
        if (!run.read_in_full) continue;
        auto delisted = store_.record_listing(run.record.id, run.listed_keys, now_);
        if (!delisted) return std::unexpected(delisted.error());
        summary_.articles_delisted += *delisted;
        if (*delisted > 0) statuses_changed_ = true;
      }
      return {};
    });
  }

  // Work done is finished; work failed is queued again, its attempts
  // counted on from an earlier run's and its next try set (pending_work.h).
  Result<void> save_work_outcomes() {
    for (const WorkOutcome& outcome : work_outcomes_) {
      WorkId id(outcome.kind, outcome.feed_id, outcome.key);
      const auto before = pending_.find(id);
      if (outcome.error.empty()) {
        if (before == pending_.end()) continue;
        if (auto finished = store_.finish_work(outcome.kind, outcome.feed_id, outcome.key); !finished) {
          return finished;
        }
        pending_.erase(before);
        continue;
      }
      // An API document's next answer must be whole: a 304 would stand for
      // a copy the article may not hold. (Pages are asked with the
      // validators of their article's own copy: page_request.)
      if (outcome.kind == kApiWork) {
        if (auto cleared = store_.set_validators(outcome.url, "", ""); !cleared) return cleared;
      }
      store::PendingWork work;
      work.kind = outcome.kind;
      work.feed_id = outcome.feed_id;
      work.key = outcome.key;
      work.url = outcome.url;
      work.detail = outcome.detail;
      work.attempts = (before == pending_.end() ? 0 : before->second.attempts) + 1;
      work.next_attempt = next_retry(now_, work.attempts, outcome.url);
      work.last_error = outcome.error;
      work.first_queued = before == pending_.end() ? now_ : before->second.first_queued;
      if (auto queued = store_.queue_work(work); !queued) return queued;
      pending_.insert_or_assign(std::move(id), std::move(work));
    }
    work_outcomes_.clear();
    return {};
  }

  // Articles no feed lists any more are asked at their address
  // (conditionally, with the validators of the copy archived) on a
  // decaying schedule (pending_work.h): gone (404, 410, a redirect to a
  // section or home page) makes them removed; still there, delisted. Only
  // web addresses are asked.
  Result<void> recheck_delisted() {
    if (offline_) return {};
    auto due = store_.pending_work(now_);
    if (!due) return std::unexpected(due.error());
    std::vector<store::PendingWork> checks;
    std::vector<fetch::Request> requests;
    std::vector<std::size_t> asked;  // checks[asked[i]] is requests[i]'s
    for (store::PendingWork& work : *due) {
      if (work.kind != kRecheckWork) continue;
      // A worker re-checks the articles of the feeds it leased, no others.
      if (!options_.recheck_other_feeds && !feed_index_.contains(work.feed_id)) continue;
      if (is_web_url(work.url)) {
        fetch::Request& request = requests.emplace_back(conditional_request(work.url));
        const auto feed = feed_index_.find(work.feed_id);
        request.private_addresses = feed == feed_index_.end() ? fetch::PrivateAddresses::kRefused
                                                              : private_addresses(runs_[feed->second]);
        asked.push_back(checks.size());
      }
      checks.push_back(std::move(work));
    }
    if (checks.empty()) return {};
    // nullopt: not a web address, so not asked.
    std::vector<std::optional<fetch::Response>> responses(checks.size());
    client_.fetch_all(requests, [&](std::size_t index, fetch::Response response) {
      responses[asked[index]] = std::move(response);
    });
    return store_.transaction([&]() -> Result<void> {
      for (std::size_t i = 0; i < checks.size(); ++i) {
        store::PendingWork& work = checks[i];
        if (!responses[i]) {
          if (auto finished = store_.finish_work(work.kind, work.feed_id, work.key); !finished) return finished;
          continue;
        }
        const RecheckResult result = read_recheck(work.url, *responses[i]);
        if (result.finding == RecheckFinding::kGone) {
          auto article = store_.find_article(work.feed_id, work.key, false);
          if (!article) return std::unexpected(article.error());
          if (*article) {
            auto marked = store_.mark_removed(**article, now_, result.reason);
            if (!marked) return std::unexpected(marked.error());
            if (*marked) {
              ++summary_.articles_removed;
              statuses_changed_ = true;
            }
          }
          if (auto finished = store_.finish_work(work.kind, work.feed_id, work.key); !finished) return finished;
          continue;
        }
        if (result.finding == RecheckFinding::kThere) {
          ++work.attempts;
          const auto next = next_recheck(now_, work.attempts);
          if (!next) {
            if (auto finished = store_.finish_work(work.kind, work.feed_id, work.key); !finished) return finished;
            continue;
          }
          work.next_attempt = *next;
          work.last_error.clear();
        } else {
          work.next_attempt = next_retry(now_, 3, work.url);
          work.last_error = result.reason;
        }
        if (auto queued = store_.queue_work(work); !queued) return queued;
      }
      return {};
    });
  }

  Archive& archive_;
  store::Store& store_;
  fetch::HttpClient& client_;
  fetch::HttpClient& unrecorded_;
  const Timestamp now_;
  const FetchScope& options_;
  const std::function<void(const FetchProgress&)>& on_progress_;
  SaveSink& sink_;
  clean::Options clean_options_;  // the archive's; each article's copy gets its base_url
  std::vector<FeedRun> runs_;
  std::vector<std::tuple<std::string, std::string, std::string>> pending_validators_;
  // Pending work: (kind, feed id, key).
  using WorkId = std::tuple<std::string, std::int64_t, std::string>;
  std::map<WorkId, store::PendingWork> pending_;    // as stored when the run began
  std::vector<WorkOutcome> work_outcomes_;          // this run's, saved by record_feeds
  // Adapters' 404s and 410s: the article, the API URL, the reason.
  std::vector<std::tuple<std::int64_t, std::string, std::string>> removals_;
  std::map<std::int64_t, std::size_t> feed_index_;  // runs_ by feed id
  // load_archived_entries: each feed's stored fingerprints, by feed id.
  std::map<std::int64_t, std::unordered_set<std::string>> archived_entries_;
  std::map<std::int64_t, schedule::FeedSchedule> schedules_;  // as kept when the run began
  bool offline_ = false;  // hold_if_offline
  // An article delisted, removed, or newly listed by another feed
  // (SaveRunResult::statuses_changed).
  bool statuses_changed_ = false;
  // The latest revision's provenance of each article, by feed id and key,
  // read when first needed (archived).
  std::map<std::int64_t, std::map<std::string, store::Provenance>> archived_;
  std::map<std::string, publish::FeedChanges> changes_;  // by feed name
  std::set<std::int64_t> changed_articles_;  // SaveRunResult::changed_articles
  FetchSummary summary_;
};

}  // namespace

Result<SaveRunResult> run_save(Archive& archive, fetch::HttpClient& client, fetch::HttpClient& unrecorded,
                               Timestamp now, const FetchScope& scope,
                               const std::function<void(const FetchProgress&)>& on_progress, SaveSink& sink) {
  return SaveRun(archive, client, unrecorded, now, scope, on_progress, sink).run();
}

}  // namespace newsvault::pipeline
