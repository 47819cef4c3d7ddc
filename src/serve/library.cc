#include "serve/library.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "search/search.h"
#include "serve/sql.h"

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
  // Readers' accounts, marks and the search index are SQLite tables beside
  // the articles: a PostgreSQL store has none of them.
  if ((*store)->connection() == nullptr) {
    return make_error(ErrorCode::kInvalidArgument,
                      "serve: the server keeps its users and search index in an SQLite store, and this "
                      "archive's store is " + std::string((*store)->engine()) + " (docs/internals/store.md)");
  }
  if (auto attached = search::attach(**store); !attached) return std::unexpected(attached.error());
  // The store's default page cache (64 MiB) is sized for a fetch run; a
  // server's connections share the operating system's file cache instead.
  if (auto sized = execute((*store)->connection(), "PRAGMA cache_size = -8192"); !sized) {
    return std::unexpected(sized.error());
  }
  return store;
}

// What a stream keeps: ?1 the reader, ?2 a feed, ?3 unread only, ?4 read
// only, ?5 starred only, ?6 and ?7 the oldest and newest time, ?8 and ?9
// ids above and below, ?10 a JSON array of the ids to keep.
constexpr char kStreamFrom[] =
    "FROM articles a "
    "LEFT JOIN user_articles u ON u.user_id = ?1 AND u.article_id = a.id "
    "WHERE (?2 IS NULL OR a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = ?2)) "
    "AND (?3 = 0 OR coalesce(u.read, 0) = 0) AND (?4 = 0 OR u.read = 1) AND (?5 = 0 OR u.starred = 1) "
    "AND (?6 IS NULL OR coalesce(a.published, a.first_seen) >= ?6) "
    "AND (?7 IS NULL OR coalesce(a.published, a.first_seen) <= ?7) "
    "AND (?8 IS NULL OR a.id > ?8) AND (?9 IS NULL OR a.id < ?9) "
    "AND (?10 IS NULL OR a.id IN (SELECT value FROM json_each(?10))) ";

// The stream's SQL, its order chosen from fixed texts. By time, it is the
// store's order (published, undated last, then first seen), which the
// index articles_by_date gives without a sort: a page of the newest
// articles reads only that page's rows.
std::string stream_sql(const StreamQuery& query) {
  const char* direction = query.ascending ? " ASC" : " DESC";
  std::string sql = std::string("SELECT a.id ") + kStreamFrom;
  if (query.order == StreamQuery::Order::kTime) {
    sql += std::string("ORDER BY a.published") + direction + ", a.first_seen" + direction + ", a.id" + direction;
  } else {
    sql += std::string("ORDER BY a.id") + direction;
  }
  return sql + " LIMIT ?11 OFFSET ?12";
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
    library->pool_.push_back(std::make_unique<Connection>(Connection{std::move(*store), {}}));
  }
  auto watcher = options.open_store();
  if (!watcher) return std::unexpected(watcher.error());
  library->watcher_ = std::move(*watcher);
  return library;
}

Library::Lease::~Lease() {
  if (!connection_) return;
  for (auto& [sql, statement] : connection_->statements) statement.reset();
  {
    std::lock_guard lock(library_->pool_mutex_);
    library_->pool_.push_back(std::move(connection_));
  }
  library_->pool_returned_.notify_one();
}

Result<Statement*> Library::Lease::statement(std::string_view sql) {
  auto found = connection_->statements.find(sql);
  if (found == connection_->statements.end()) {
    auto prepared = Statement::prepare(connection_->store->connection(), sql);
    if (!prepared) return std::unexpected(prepared.error());
    found = connection_->statements.emplace(std::string(sql), std::move(*prepared)).first;
  }
  found->second.reset();
  return &found->second;
}

Library::Lease Library::lease() {
  std::unique_lock lock(pool_mutex_);
  pool_returned_.wait(lock, [this] { return !pool_.empty(); });
  auto connection = std::move(pool_.back());
  pool_.pop_back();
  return Lease(*this, std::move(connection));
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
  // PRAGMA data_version changes when another connection commits: the
  // watcher itself never writes.
  auto version = Statement::prepare(watcher_->connection(), "PRAGMA data_version");
  if (!version) return std::unexpected(version.error());
  auto row = version->step("data version");
  if (!row) return std::unexpected(row.error());
  const std::int64_t current = version->integer(0);
  if (snapshot_ && current == data_version_) return snapshot_;

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
  data_version_ = current;
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

namespace {

void bind_stream(Statement& statement, const Reader& reader, const StreamQuery& query) {
  statement.bind(1, reader.id).bind(2, query.feed_id);
  statement.bind(3, std::int64_t{query.unread_only}).bind(4, std::int64_t{query.read_only});
  statement.bind(5, std::int64_t{query.starred_only});
  statement.bind(6, query.oldest ? std::optional<std::int64_t>(millis(*query.oldest)) : std::nullopt);
  statement.bind(7, query.newest ? std::optional<std::int64_t>(millis(*query.newest)) : std::nullopt);
  statement.bind(8, query.after_id).bind(9, query.before_id);
  if (query.only_ids) {
    statement.bind(10, nlohmann::json(*query.only_ids).dump());
  } else {
    statement.bind_null(10);
  }
}

}  // namespace

Result<StreamPage> Library::stream(const Reader& reader, const StreamQuery& query, bool count) {
  Lease store = lease();
  auto select = store.statement(stream_sql(query));
  if (!select) return std::unexpected(select.error());
  bind_stream(**select, reader, query);
  // One more than asked: whether a continuation follows.
  (*select)->bind(11, static_cast<std::int64_t>(query.limit) + 1).bind(12, static_cast<std::int64_t>(query.offset));
  StreamPage page;
  while (true) {
    auto row = (*select)->step("stream");
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    page.ids.push_back((*select)->integer(0));
  }
  page.more = page.ids.size() > query.limit;
  if (page.more) page.ids.pop_back();
  page.total = query.offset + page.ids.size();
  if (!count) return page;
  auto counter = store.statement(std::string("SELECT count(*) ") + kStreamFrom);
  if (!counter) return std::unexpected(counter.error());
  bind_stream(**counter, reader, query);
  auto row = (*counter)->step("count");
  if (!row) return std::unexpected(row.error());
  page.total = static_cast<std::size_t>((*counter)->integer(0));
  return page;
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
  auto prepared = store.statement(
      "SELECT a.feed_id, a.latest_revision, a.first_seen, a.last_changed, coalesce(u.read, 0), "
      "coalesce(u.starred, 0) FROM articles a "
      "LEFT JOIN user_articles u ON u.user_id = ?1 AND u.article_id = a.id WHERE a.id = ?2");
  if (!prepared) return std::unexpected(prepared.error());
  Statement* select = *prepared;
  std::vector<Item> out;
  out.reserve(ids.size());
  for (std::int64_t id : ids) {
    select->reset();
    select->bind(1, reader.id).bind(2, id);
    auto row = select->step("item");
    if (!row) return std::unexpected(row.error());
    if (!*row) continue;
    Item item;
    item.id = id;
    item.feed_id = select->integer(0);
    const std::int64_t revision = select->integer(1);
    item.first_seen = from_millis(select->integer(2));
    item.last_changed = from_millis(select->integer(3));
    item.read = select->integer(4) != 0;
    item.starred = select->integer(5) != 0;
    auto loaded = text(*store, id, revision);
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
  const std::int64_t now = millis(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  Result<void> done = store->transaction([&]() -> Result<void> {
    auto upsert = Statement::prepare(
        store->connection(),
        "INSERT INTO user_articles (user_id, article_id, read, starred, changed) "
        "SELECT ?1, id, coalesce(?3, 0), coalesce(?4, 0), ?5 FROM articles WHERE id = ?2 "
        "ON CONFLICT (user_id, article_id) DO UPDATE SET read = coalesce(?3, read), "
        "starred = coalesce(?4, starred), changed = ?5");
    if (!upsert) return std::unexpected(upsert.error());
    for (std::int64_t id : ids) {
      upsert->reset();
      upsert->bind(1, reader.id).bind(2, id).bind(5, now);
      upsert->bind(3, read ? std::optional<std::int64_t>(*read) : std::nullopt);
      upsert->bind(4, starred ? std::optional<std::int64_t>(*starred) : std::nullopt);
      if (auto done = upsert->run("set read or starred"); !done) return done;
    }
    return {};
  });
  forget_answers();
  return done;
}

Result<void> Library::mark_all_read(const Reader& reader, std::optional<std::int64_t> feed_id, Timestamp until) {
  Lease store = lease();
  const std::int64_t now = millis(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  auto upsert = Statement::prepare(
      store->connection(),
      "INSERT INTO user_articles (user_id, article_id, read, starred, changed) "
      "SELECT ?1, a.id, 1, 0, ?4 FROM articles a "
      "WHERE (?2 IS NULL OR a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = ?2)) "
      "AND a.first_seen <= ?3 "
      "ON CONFLICT (user_id, article_id) DO UPDATE SET read = 1, changed = ?4");
  if (!upsert) return std::unexpected(upsert.error());
  upsert->bind(1, reader.id).bind(2, feed_id).bind(3, millis(until)).bind(4, now);
  Result<void> done = upsert->run("mark all as read");
  forget_answers();
  return done;
}

Result<std::vector<FeedCount>> Library::unread_counts(const Reader& reader) {
  Lease store = lease();
  auto select = Statement::prepare(
      store->connection(),
      "SELECT fa.feed_id, count(*), max(coalesce(a.published, a.first_seen)) FROM feed_articles fa "
      "JOIN articles a ON a.id = fa.article_id "
      "LEFT JOIN user_articles u ON u.user_id = ?1 AND u.article_id = a.id "
      "WHERE coalesce(u.read, 0) = 0 GROUP BY fa.feed_id ORDER BY fa.feed_id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, reader.id);
  std::vector<FeedCount> out;
  while (true) {
    auto row = select->step("unread counts");
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back({select->integer(0), static_cast<std::size_t>(select->integer(1)), from_millis(select->integer(2))});
  }
  return out;
}

}  // namespace newsvault::serve
