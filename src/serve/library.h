// Private to serve: the archive as the server reads it. A few store
// connections shared by the request threads; a snapshot of the feeds and
// articles (what the reader pages list), made again when the store
// changes; each article's body rendered once per revision; and each
// reader's read and starred state.
//
//   request ─► Library ─► lease a connection ─► store::Readers (streams,
//                                               marks), either engine
//                      ─► snapshot (feeds, articles) ─► publish's pages
//                      ─► body cache (article id, revision) ─► HTML
#ifndef NEWSVAULT_SERVE_LIBRARY_H_
#define NEWSVAULT_SERVE_LIBRARY_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "serve/accounts.h"
#include "serve/serve.h"

namespace newsvault::serve {

// An article's text at one revision, as the APIs send it: rendered and
// escaped for JSON once, shared by every answer that shows it.
struct ArticleText {
  std::int64_t revision = 0;
  std::string title;
  std::string url;   // "" when the source gave no web address
  std::string html;  // its body as the archive's documents show it (publish::render_article_html)
  std::optional<Timestamp> published;
  // title, url and html as JSON strings, quotes included.
  std::string title_json;
  std::string url_json;
  std::string html_json;
};

// One article as the APIs show it to a reader.
struct Item {
  std::int64_t id = 0;
  std::int64_t feed_id = 0;  // the feed it was first archived from
  std::string feed_name;
  std::string feed_url;
  std::shared_ptr<const ArticleText> text;
  Timestamp first_seen;
  Timestamp last_changed;
  bool read = false;
  bool starred = false;
  Timestamp time() const { return text->published.value_or(first_seen); }
};

// Which of a reader's articles a stream holds, a page of it, and the
// unread articles per feed: the store's (store::Readers).
using StreamQuery = store::ReaderStream;
using StreamPage = store::ReaderStreamPage;
using FeedCount = store::FeedUnread;

// The feeds and articles at one moment: what the reader pages show.
// The site's source: its feeds and articles (the store's order, newest
// first), its revisions read through the library.
struct Snapshot {
  publish::SiteSource source;
  publish::SiteOptions site;  // Options::site, with the local copies of images as they were then
  std::map<std::int64_t, std::size_t> article_index;  // id -> position in source.articles
  const store::FeedRecord* feed(std::int64_t id) const;
  const store::ArticleSummary* article(std::int64_t id) const;
};

class Library {
 public:
  static Result<std::unique_ptr<Library>> open(const Options& options);

  // A store connection, held until the lease goes; waits while all are lent.
  class Lease {
   public:
    Lease(Library& library, std::unique_ptr<store::Store> store) : library_(&library), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease();
    store::Store& operator*() { return *store_; }
    store::Store* operator->() { return store_.get(); }

   private:
    Library* library_;
    std::unique_ptr<store::Store> store_;
  };
  Lease lease();

  Accounts& accounts() { return accounts_; }
  const Options& options() const { return options_; }

  // The snapshot of the store as it is now (made again when it changed,
  // looked at no more often than every quarter of a second).
  Result<std::shared_ptr<const Snapshot>> snapshot();
  // A reader page, rendered once per snapshot; nullopt when there is none.
  Result<std::optional<std::shared_ptr<const std::string>>> site_page(const std::string& path);

  // Whole answers, kept under a key of the caller's (the reader and the
  // request) while the store stays as it was: until snapshot() sees
  // another connection's commit (within kLookEvery) or this server
  // changes a reader's state (at once). answer_generation() is read
  // before the answer is made; keep_answer() drops it if the store changed
  // since.
  std::shared_ptr<const std::string> answer(const std::string& key);
  std::uint64_t answer_generation();
  void keep_answer(const std::string& key, std::uint64_t generation, std::string answer);

  // A page of the stream; with `count`, its total too (a second query).
  Result<StreamPage> stream(const Reader& reader, const StreamQuery& query, bool count = false);
  // The items of `ids` that exist, in that order.
  Result<std::vector<Item>> items(const Reader& reader, const std::vector<std::int64_t>& ids);
  // Sets read and/or starred on each article of `ids` (unknown ids are left out).
  Result<void> set_state(const Reader& reader, const std::vector<std::int64_t>& ids, std::optional<bool> read,
                         std::optional<bool> starred);
  // Marks read what a feed (or every feed) lists, first seen up to `until`.
  Result<void> mark_all_read(const Reader& reader, std::optional<std::int64_t> feed_id, Timestamp until);
  Result<std::vector<FeedCount>> unread_counts(const Reader& reader);

 private:
  explicit Library(Options options) : options_(std::move(options)) {}
  Result<std::shared_ptr<const ArticleText>> text(store::Store& store, std::int64_t article_id, std::int64_t revision);
  Result<std::vector<publish::SiteRevision>> site_revisions(const store::ArticleSummary& article);

  Options options_;
  Accounts accounts_;
  std::mutex pool_mutex_;
  std::condition_variable pool_returned_;
  std::vector<std::unique_ptr<store::Store>> pool_;

  // The snapshot and the pages rendered from it.
  std::mutex snapshot_mutex_;
  std::unique_ptr<store::Store> watcher_;  // only asks for the store's change marker
  std::string change_marker_;
  std::chrono::steady_clock::time_point looked_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::map<std::string, std::shared_ptr<const std::string>> pages_;
  std::size_t page_bytes_ = 0;

  std::mutex answers_mutex_;
  std::uint64_t answer_generation_ = 0;
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> answers_;
  std::size_t answer_bytes_ = 0;
  void forget_answers();

  std::shared_mutex bodies_mutex_;
  std::map<std::int64_t, std::shared_ptr<const ArticleText>> bodies_;
  std::size_t body_bytes_ = 0;
};

}  // namespace newsvault::serve

#endif  // NEWSVAULT_SERVE_LIBRARY_H_
