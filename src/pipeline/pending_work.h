// Private to the pipeline: work a run could not finish and later runs do
// (store::PendingWork): pages and adapters' API documents that failed, and
// the re-checks of articles their feeds stopped listing. When each is due
// again, what a page's retry needs to rebuild its article, and what a
// re-check's answer means.
#ifndef NEWSVAULT_PIPELINE_PENDING_WORK_H_
#define NEWSVAULT_PIPELINE_PENDING_WORK_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "clean/clean.h"
#include "core/core.h"
#include "extract/extract.h"
#include "feed/feed.h"
#include "fetch/fetch.h"
#include "store/store.h"

namespace newsvault::pipeline {

inline constexpr std::string_view kPageWork = "page";
inline constexpr std::string_view kApiWork = "api";
inline constexpr std::string_view kRecheckWork = "recheck";

// When a page or API document that has now failed `attempts` times (1 for
// the first failure) is tried again: at the next run after the first
// failure, then after 5 minutes doubling with each failure up to a day,
// each delay spread by ±25% (a jitter drawn from the URL and the attempt,
// so that runs given the same --now do the same).
Timestamp next_retry(Timestamp now, int attempts, std::string_view url);

// The re-checks of an article that left its feed: at once, then 1 hour, 6
// hours, 1 day, 7 days and 30 days later. After `checks` that found it
// still there, when to ask again; nullopt once the schedule is done (it
// stays delisted).
std::optional<Timestamp> next_recheck(Timestamp now, int checks);

// The SHA-256 of a feed entry's own fields (title, link, id, dates,
// author, summary, content): what tells an edit made in the feed.
std::string entry_hash(const feed::Entry& entry);

// What the article of an entry that leads to no page is made from, as a
// digest: its key, every field of the entry (entry_hash's and the
// enclosures, tags, media and extensions), the cleaner's settings and
// kEntryProcessing. The same digest means the same article: a run that
// finds it stored (store::ArticleRevision::entry_fingerprint) on an
// article the feed lists skips making and saving the article again.
std::string entry_fingerprint(std::string_view key, std::string_view entry_hash,
                              const feed::Entry& entry, const clean::Options& clean_options);

// Raised whenever extract::article_from_entry, clean_article or
// article_to_json make something else of the same entry: every listed
// article is then made again once, and one that changes gets a revision
// ("newsvault's processing changed").
inline constexpr int kEntryProcessing = 1;

// `text` as a BCP 47 language tag for <html lang>: trimmed, '_' read as
// '-' ("zh_TW" -> "zh-TW"). "" when it is empty or not a tag (letters,
// digits and '-' only, 2 to 35 characters, starting with a letter).
std::string language_tag(std::string_view text);

// What a page's retry needs when its feed is not read again: the entry's
// article and provenance, and the entry's text size (full_text.h).
struct PageDetail {
  extract::Article article;
  store::Provenance provenance;
  double entry_size = 0;
  std::string language;  // the feed's (store::ArticleRevision::language), until the page says its own
  // Its feed is on the operator's side (fetch::Response::private_source),
  // so a retry made without asking the feed may reach a private address.
  bool private_source = false;
};
std::string page_detail_to_json(const PageDetail& detail);
Result<PageDetail> page_detail_from_json(std::string_view json);

// What a re-check of an article's address found.
enum class RecheckFinding {
  kGone,       // HTTP 404 or 410, or redirected to a section or home page
  kThere,      // answered with the page (200 or 304)
  kUnanswered  // any other failure: asked again later
};
struct RecheckResult {
  RecheckFinding finding = RecheckFinding::kUnanswered;
  std::string reason;  // "HTTP 410", "redirected to https://x/world/", or the error
};
RecheckResult read_recheck(std::string_view url, const fetch::Response& response);

// Whether `to` is a section or home page of the site of `from`: the same
// host, a path that is "/" or a leading part of from's path (the article's
// section), with no query.
bool is_section_or_home(std::string_view from, std::string_view to);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_PENDING_WORK_H_
