#include "serve/library.h"

#include <sqlite3.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "search/search.h"

namespace newsvault::serve {
namespace {

// How long a snapshot is used before the store is asked whether it changed.
constexpr auto kLookEvery = std::chrono::milliseconds(250);
// What the caches hold at most before they start over.
constexpr std::size_t kMaxPageBytes = 48u << 20;
constexpr std::size_t kMaxBodyBytes = 48u << 20;
constexpr std::size_t kMaxAnswerBytes = 32u << 20;

std::int64_t millis(Timestamp time) { return time.time_since_epoch().count(); }
Timestamp from_millis(std::int64_t value) { return Timestamp(std::chrono::milliseconds(value)); }

Result<std::unique_ptr<store::Store>> open_connection(const Options& options) {
  auto store = options.open_store();
  if (!store) return std::unexpected(store.error());
  if (auto attached = search::attach(**store); !attached) return std::unexpected(attached.error());
  // The SQLite store's default page cache (64 MiB) is sized for a fetch
  // run; a server's connections share the operating system's file cache
  // instead.
  if (sqlite3* connection = (*store)->connection()) {
    if (sqlite3_exec(connection, "PRAGMA cache_size = -8192", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return make_error(ErrorCode::kIo, std::string("store: ") + sqlite3_errmsg(connection));
    }
  }
  return store;
}

std::int64_t now_millis() {
  return millis(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

}  // namespace

const store::FeedRecord* Snapshot::feed(std::int64_t id) const {
  for (const store::FeedRecord& feed : source.feeds) {
    if (feed.id == id) return &feed;
  }
  return nullptr;
}

const store::ArticleSummary* Snapshot::article(std::int64_t id) const {
  const auto found = article_index.find(id);
  return found == article_index.end() ? nullptr : &source.articles[found->second];
}

Result<std::unique_ptr<Library>> Library::open(const Options& options) {
  std::unique_ptr<Library> library(new Library(options));
  for (std::size_t i = 0; i < std::max<std::size_t>(options.connections, 1); ++i) {
    auto store = open_connection(options);
    if (!store) return std::unexpected(store.error());
    library->pool_.push_back(std::move(*store));
  }
  auto watcher = options.open_store();
  if (!watcher) return std::unexpected(watcher.error());
  library->watcher_ = std::move(*watcher);
  return library;
}

Library::Lease::~Lease() {
  if (!store_) return;
  {
    std::lock_guard lock(library_->pool_mutex_);
    library_->pool_.push_back(std::move(store_));
  }
  library_->pool_returned_.notify_one();
}

Library::Lease Library::lease() {
  std::unique_lock lock(pool_mutex_);
  pool_returned_.wait(lock, [this] { return !pool_.empty(); });
  auto store = std::move(pool_.back());
  pool_.pop_back();
  return Lease(*this, std::move(store));
}

std::shared_ptr<const std::string> Library::answer(const std::string& key) {
  std::lock_guard lock(answers_mutex_);
  const auto found = answers_.find(key);
  return found == answers_.end() ? nullptr : found->second;
}

std::uint64_t Library::answer_generation() {
  std::lock_guard lock(answers_mutex_);
  return answer_generation_;
}

void Library::keep_answer(const std::string& key, std::uint64_t generation, std::string answer) {
  auto kept = std::make_shared<const std::string>(std::move(answer));
  std::lock_guard lock(answers_mutex_);
  if (generation != answer_generation_) return;  // made from a store that has changed since
  if (answer_bytes_ + kept->size() + key.size() > kMaxAnswerBytes) {
    answers_.clear();
    answer_bytes_ = 0;
  }
  if (answers_.emplace(key, kept).second) answer_bytes_ += kept->size() + key.size();
}

void Library::forget_answers() {
  std::lock_guard lock(answers_mutex_);
  ++answer_generation_;
  answers_.clear();
  answer_bytes_ = 0;
}

Result<std::vector<publish::SiteRevision>> Library::site_revisions(const store::ArticleSummary& article) {
  Lease store = lease();
  auto stored = store->revisions(article.id);
  if (!stored) return std::unexpected(stored.error());
  std::vector<publish::SiteRevision> revisions;
  for (const store::StoredRevision& revision : *stored) {
    auto decoded = options_.decode_article(revision.revision.content);
    if (!decoded) {
      return make_error(decoded.error().code(), "article " + std::to_string(article.id) + " revision " +
                                                    std::to_string(revision.number) + ": " +
                                                    decoded.error().message());
    }
    revisions.push_back({revision.number, revision.seen_at, std::move(*decoded), revision.revision.provenance.cause,
                         revision.revision.provenance.note, revision.revision.language});
  }
  return revisions;
}

Result<std::shared_ptr<const Snapshot>> Library::snapshot() {
  std::lock_guard lock(snapshot_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (snapshot_ && now - looked_ < kLookEvery) return snapshot_;
  looked_ = now;
  // The marker changes when another connection commits: the watcher
  // itself never writes.
  auto current = watcher_->readers().change_marker();
  if (!current) return std::unexpected(current.error());
  if (snapshot_ && *current == change_marker_) return snapshot_;

  auto made = std::make_shared<Snapshot>();
  {
    Lease store = lease();
    auto feeds = store->feeds();
    if (!feeds) return std::unexpected(feeds.error());
    auto articles = store->articles(std::nullopt);
    if (!articles) return std::unexpected(articles.error());
    made->source.feeds = std::move(*feeds);
    made->source.articles = std::move(*articles);
    made->site = options_.site;
    if (options_.local_images) {
      auto local = options_.local_images(*store, snapshot_ ? snapshot_->site.publish.local_images.get() : nullptr);
      if (!local) return std::unexpected(local.error());
      made->site.publish.local_images = std::move(*local);
    }
  }
  for (std::size_t i = 0; i < made->source.articles.size(); ++i) made->article_index[made->source.articles[i].id] = i;
  made->source.revisions = [this](const store::ArticleSummary& article) { return site_revisions(article); };
  snapshot_ = std::move(made);
  change_marker_ = std::move(*current);
  forget_answers();
  pages_.clear();
  page_bytes_ = 0;
  return snapshot_;
}

Result<std::optional<std::shared_ptr<const std::string>>> Library::site_page(const std::string& path) {
  auto current = snapshot();
  if (!current) return std::unexpected(current.error());
  {
    std::lock_guard lock(snapshot_mutex_);
    if (snapshot_ == *current) {
      if (auto found = pages_.find(path); found != pages_.end()) return found->second;
    }
  }
  auto rendered = publish::render_site_page((*current)->source, (*current)->site, path);
  if (!rendered) return std::unexpected(rendered.error());
  if (!*rendered) return std::nullopt;
  auto page = std::make_shared<const std::string>(std::move(**rendered));
  std::lock_guard lock(snapshot_mutex_);
  if (snapshot_ == *current) {
    if (page_bytes_ + page->size() > kMaxPageBytes) {
      pages_.clear();
      page_bytes_ = 0;
    }
    if (pages_.emplace(path, page).second) page_bytes_ += page->size();
  }
  return page;
}

Result<StreamPage> Library::stream(const Reader& reader, const StreamQuery& query, bool count) {
  Lease store = lease();
  return store->readers().stream(reader.id, query, count);
}

Result<std::shared_ptr<const ArticleText>> Library::text(store::Store& store, std::int64_t article_id,
                                                           std::int64_t revision) {
  {
    std::shared_lock lock(bodies_mutex_);
    if (auto found = bodies_.find(article_id); found != bodies_.end() && found->second->revision == revision) {
      return found->second;
    }
  }
  auto revisions = store.revisions(article_id);
  if (!revisions) return std::unexpected(revisions.error());
  if (revisions->empty()) return make_error(ErrorCode::kNotFound, "article " + std::to_string(article_id) + ": no revision");
  auto article = options_.decode_article(revisions->back().revision.content);
  if (!article) {
    return make_error(article.error().code(), "article " + std::to_string(article_id) + ": " + article.error().message());
  }
  auto made = std::make_shared<ArticleText>();
  made->revision = revisions->back().number;
  made->title = article->title;
  made->url = article->url;
  made->published = article->published;
  // API clients read the body away from the server: images through the
  // proxy, as in the feeds out, never by the server's own /media/ paths.
  publish::PublishOptions api_rendering = options_.site.publish;
  api_rendering.local_images = nullptr;
  made->html = publish::render_article_html(*article, api_rendering);
  auto json = [](const std::string& text) {
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  made->title_json = json(made->title);
  made->url_json = json(made->url);
  made->html_json = json(made->html);
  const std::size_t bytes = 2 * (made->html.size() + made->title.size() + made->url.size()) + 128;
  std::unique_lock lock(bodies_mutex_);
  if (body_bytes_ + bytes > kMaxBodyBytes) {
    bodies_.clear();
    body_bytes_ = 0;
  }
  bodies_[article_id] = made;
  body_bytes_ += bytes;
  return made;
}

Result<std::vector<Item>> Library::items(const Reader& reader, const std::vector<std::int64_t>& ids) {
  auto current = snapshot();
  if (!current) return std::unexpected(current.error());
  Lease store = lease();
  auto articles = store->readers().reader_articles(reader.id, ids);
  if (!articles) return std::unexpected(articles.error());
  std::vector<Item> out;
  out.reserve(articles->size());
  for (const store::ReaderArticle& article : *articles) {
    Item item;
    item.id = article.id;
    item.feed_id = article.feed_id;
    item.first_seen = article.first_seen;
    item.last_changed = article.last_changed;
    item.read = article.read;
    item.starred = article.starred;
    auto loaded = text(*store, article.id, article.latest_revision);
    if (!loaded) return std::unexpected(loaded.error());
    item.text = std::move(*loaded);
    if (const store::FeedRecord* feed = (*current)->feed(item.feed_id)) {
      item.feed_name = feed->name;
      item.feed_url = feed->url;
    }
    out.push_back(std::move(item));
  }
  return out;
}

Result<void> Library::set_state(const Reader& reader, const std::vector<std::int64_t>& ids, std::optional<bool> read,
                                std::optional<bool> starred) {
  Lease store = lease();
  Result<void> done = store->readers().set_marks(reader.id, ids, read, starred, from_millis(now_millis()));
  forget_answers();
  return done;
}

Result<void> Library::mark_all_read(const Reader& reader, std::optional<std::int64_t> feed_id, Timestamp until) {
  Lease store = lease();
  Result<void> done = store->readers().mark_all_read(reader.id, feed_id, until, from_millis(now_millis()));
  forget_answers();
  return done;
}

Result<std::vector<FeedCount>> Library::unread_counts(const Reader& reader) {
  Lease store = lease();
  return store->readers().unread_counts(reader.id);
}

}  // namespace newsvault::serve
