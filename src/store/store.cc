#include "store/store.h"

#include <chrono>
#include <string>
#include <utility>

#include "store/content_hash.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/packed_content.h"

namespace newsvault::store {
namespace {

// Propagates a failed Result<U> out of a function returning another Result.
#define NEWSVAULT_TRY(expression)                            \
  do {                                                       \
    if (auto&& try_result = (expression); !try_result) {     \
      return std::unexpected(std::move(try_result).error()); \
    }                                                        \
  } while (false)


// ---------------------------------------------------------------------------
// SQL, with the readers of each SELECT's columns beside it.

FeedRecord read_feed(const Query& row) {
  FeedRecord feed;
  feed.id = row.integer(0);
  feed.name = row.text(1);
  feed.url = row.text(2);
  feed.adapter = row.text(3);
  feed.etag = row.text(4);
  feed.last_modified = row.text(5);
  feed.last_fetched = row.optional_time(6);
  feed.last_error = row.text(7);
  return feed;
}

constexpr std::string_view kSelectFeeds =
    "SELECT id, name, url, adapter, etag, last_modified, last_fetched, last_error "
    "FROM feeds ORDER BY name";
constexpr std::string_view kSelectFeedByName =
    "SELECT id, name, url, adapter, etag, last_modified, last_fetched, last_error "
    "FROM feeds WHERE name = ?1";
constexpr std::string_view kInsertFeed =
    "INSERT INTO feeds (name, url, adapter, created) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kUpdateFetch =
    "UPDATE feeds SET url = ?2, etag = ?3, last_modified = ?4, last_fetched = ?5, "
    "last_error = ?6 WHERE id = ?1";

constexpr std::string_view kSelectValidators =
    "SELECT etag, last_modified FROM url_validators WHERE url = ?1";
constexpr std::string_view kUpsertValidators =
    "INSERT INTO url_validators (url, etag, last_modified) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified";

// The article and the hash of its latest revision.
constexpr std::string_view kSelectLatest =
    "SELECT a.id, a.latest_revision, r.content_hash FROM articles a "
    "JOIN revisions r ON r.article_id = a.id AND r.number = a.latest_revision "
    "WHERE a.feed_id = ?1 AND a.key = ?2";
constexpr std::string_view kInsertArticle =
    "INSERT INTO articles (feed_id, key, title, url, published, first_seen, last_changed, "
    "latest_revision, document_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1, ?7)";
constexpr std::string_view kUpdateArticle =
    "UPDATE articles SET title = ?2, url = ?3, published = ?4, last_changed = ?5, "
    "latest_revision = ?6, document_path = ?7 WHERE id = ?1";
constexpr std::string_view kInsertRevision =
    "INSERT INTO revisions (article_id, number, seen_at, content_hash, title, url, published, "
    "content, document_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

constexpr std::string_view kSelectNeedingDocuments =
    "SELECT id FROM articles WHERE document_revision < latest_revision ORDER BY id";
// Never moves backwards, so documents written out of order cannot hide a
// newer revision's missing one.
constexpr std::string_view kMarkDocumentWritten =
    "UPDATE articles SET document_revision = max(document_revision, ?2) "
    "WHERE id = ?1 AND ?2 <= latest_revision";
constexpr std::string_view kSelectLatestRevision =
    "SELECT latest_revision FROM articles WHERE id = ?1";

// Revisions are numbered 1..latest without gaps and never deleted, so the
// latest number is also their count. Articles without a published date come
// after the dated ones (NULL sorts lowest).
constexpr std::string_view kSelectArticles =
    "SELECT a.id, a.feed_id, f.name, a.key, a.title, a.url, a.published, a.first_seen, "
    "a.last_changed, a.latest_revision, a.document_path, a.delisted_at "
    "FROM articles a JOIN feeds f ON f.id = a.feed_id "
    "ORDER BY a.published DESC, a.first_seen DESC, a.id DESC";
constexpr std::string_view kSelectArticlesOfFeed =
    "SELECT a.id, a.feed_id, f.name, a.key, a.title, a.url, a.published, a.first_seen, "
    "a.last_changed, a.latest_revision, a.document_path, a.delisted_at "
    "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.feed_id = ?1 "
    "ORDER BY a.published DESC, a.first_seen DESC, a.id DESC";
constexpr std::string_view kSelectArticle =
    "SELECT a.id, a.feed_id, f.name, a.key, a.title, a.url, a.published, a.first_seen, "
    "a.last_changed, a.latest_revision, a.document_path, a.delisted_at "
    "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1";

ArticleSummary read_article(const Query& row) {
  ArticleSummary article;
  article.id = row.integer(0);
  article.feed_id = row.integer(1);
  article.feed_name = row.text(2);
  article.key = row.text(3);
  article.title = row.text(4);
  article.url = row.text(5);
  article.published = row.optional_time(6);
  article.first_seen = row.time(7);
  article.last_changed = row.time(8);
  article.revisions = static_cast<int>(row.integer(9));
  article.document_path = row.text(10);
  article.delisted_at = row.optional_time(11);
  return article;
}

// record_listing: the keys a poll found, in a temporary table (memory:
// temp_store is MEMORY) so that the updates can join on them.
constexpr std::string_view kCreateListedKeys =
    "CREATE TEMP TABLE IF NOT EXISTS listed_keys (key TEXT PRIMARY KEY) WITHOUT ROWID";
constexpr std::string_view kClearListedKeys = "DELETE FROM temp.listed_keys";
constexpr std::string_view kInsertListedKey = "INSERT OR IGNORE INTO temp.listed_keys (key) VALUES (?1)";
constexpr std::string_view kMarkListed =
    "UPDATE articles SET last_listed = ?2, delisted_at = NULL "
    "WHERE feed_id = ?1 AND key IN (SELECT key FROM temp.listed_keys)";
// NULL published dates compare as unknown, so undated articles are never
// marked: without a date there is no telling a take-down from a roll-off.
constexpr std::string_view kMarkDelisted =
    "UPDATE articles SET delisted_at = ?2 "
    "WHERE feed_id = ?1 AND delisted_at IS NULL AND last_listed IS NOT NULL "
    "AND key NOT IN (SELECT key FROM temp.listed_keys) "
    "AND published > (SELECT min(published) FROM articles "
    "                 WHERE feed_id = ?1 AND key IN (SELECT key FROM temp.listed_keys))";

constexpr std::string_view kSelectRevisions =
    "SELECT r.number, r.seen_at, r.content_hash, a.key, r.title, r.url, r.published, r.content, "
    "r.document_path FROM revisions r JOIN articles a ON a.id = r.article_id "
    "WHERE r.article_id = ?1 ORDER BY r.number";

// Content is packed (a BLOB, packed_content.h) since revisions are; TEXT is
// a revision saved before, read as it was stored.
Result<StoredRevision> read_revision(const Query& row, std::int64_t article_id) {
  StoredRevision stored;
  stored.number = static_cast<int>(row.integer(0));
  stored.seen_at = row.time(1);
  stored.content_hash = row.text(2);
  stored.revision.key = row.text(3);
  stored.revision.title = row.text(4);
  stored.revision.url = row.text(5);
  stored.revision.published = row.optional_time(6);
  if (row.is_blob(7)) {
    Result<std::string> content =
        unpack_content(row.blob(7), "article " + std::to_string(article_id) + " revision " +
                                        std::to_string(stored.number));
    NEWSVAULT_TRY(content);
    stored.revision.content = std::move(*content);
  } else {
    stored.revision.content = row.text(7);
  }
  stored.revision.document_path = row.text(8);
  return stored;
}

Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// ---------------------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> database) : database_(std::move(database)) {}

  Result<FeedRecord> add_feed(std::string_view name, std::string_view url,
                              std::string_view adapter) override {
    if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "a feed needs a name");
    Result<Query> insert = database_->query(kInsertFeed);
    NEWSVAULT_TRY(insert);
    insert->bind(1, name).bind(2, url).bind(3, adapter).bind(4, now());
    if (Result<void> done = insert->run(); !done) {
      if (database_->extended_error_code() == SQLITE_CONSTRAINT_UNIQUE) {
        return make_error(ErrorCode::kInvalidArgument,
                          "a feed named " + std::string(name) + " already exists");
      }
      return std::unexpected(done.error());
    }
    FeedRecord feed;
    feed.id = database_->last_insert_rowid();
    feed.name = name;
    feed.url = url;
    feed.adapter = adapter;
    return feed;
  }

  Result<std::vector<FeedRecord>> feeds() override {
    Result<Query> select = database_->query(kSelectFeeds);
    NEWSVAULT_TRY(select);
    return select->rows(read_feed);
  }

  Result<std::optional<FeedRecord>> feed_by_name(std::string_view name) override {
    Result<Query> select = database_->query(kSelectFeedByName);
    NEWSVAULT_TRY(select);
    select->bind(1, name);
    return select->first_row(read_feed);
  }

  Result<void> record_fetch(const FeedRecord& feed) override {
    Result<Query> update = database_->query(kUpdateFetch);
    NEWSVAULT_TRY(update);
    update->bind(1, feed.id)
        .bind(2, feed.url)
        .bind(3, feed.etag)
        .bind(4, feed.last_modified)
        .bind(5, feed.last_fetched)
        .bind(6, feed.last_error);
    NEWSVAULT_TRY(update->run());
    if (sqlite3_changes(database_->connection()) == 0) {
      return make_error(ErrorCode::kNotFound,
                        "record_fetch: no feed with id " + std::to_string(feed.id));
    }
    return {};
  }

  Result<std::pair<std::string, std::string>> validators(std::string_view url) override {
    Result<Query> select = database_->query(kSelectValidators);
    NEWSVAULT_TRY(select);
    select->bind(1, url);
    Result<bool> row = select->step();
    NEWSVAULT_TRY(row);
    if (!*row) return std::pair<std::string, std::string>();
    return std::pair(select->text(0), select->text(1));
  }

  Result<void> set_validators(std::string_view url, std::string_view etag,
                              std::string_view last_modified) override {
    Result<Query> upsert = database_->query(kUpsertValidators);
    NEWSVAULT_TRY(upsert);
    upsert->bind(1, url).bind(2, etag).bind(3, last_modified);
    return upsert->run();
  }

  Result<SaveResult> save_revision(std::int64_t feed_id, const PreparedRevision& revision,
                                   Timestamp seen_at) override {
    if (revision.revision.key.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "save_revision: an article needs a key");
    }
    SaveResult saved;
    Result<void> done = database_->transaction([&]() -> Result<void> {
      Result<SaveResult> result = save_in_transaction(feed_id, revision, seen_at);
      NEWSVAULT_TRY(result);
      saved = *result;
      return {};
    });
    NEWSVAULT_TRY(done);
    return saved;
  }

  Result<std::vector<std::string>> integrity_problems() override {
    std::vector<std::string> problems;
    Result<Query> integrity = database_->query("PRAGMA integrity_check");
    NEWSVAULT_TRY(integrity);
    for (;;) {
      Result<bool> row = integrity->step();
      NEWSVAULT_TRY(row);
      if (!*row) break;
      if (std::string finding = integrity->text(0); finding != "ok") problems.push_back(std::move(finding));
    }
    // Rows: table, rowid, parent table, index of the foreign key.
    Result<Query> foreign_keys = database_->query("PRAGMA foreign_key_check");
    NEWSVAULT_TRY(foreign_keys);
    for (;;) {
      Result<bool> row = foreign_keys->step();
      NEWSVAULT_TRY(row);
      if (!*row) break;
      problems.push_back(foreign_keys->text(0) + " row " + std::to_string(foreign_keys->integer(1)) +
                         ": refers to a missing row of " + foreign_keys->text(2));
    }
    return problems;
  }

  Result<std::vector<std::int64_t>> articles_needing_documents() override {
    Result<Query> select = database_->query(kSelectNeedingDocuments);
    NEWSVAULT_TRY(select);
    return select->rows([](const Query& row) { return row.integer(0); });
  }

  Result<void> mark_document_written(std::int64_t article_id, int revision) override {
    {
      Result<Query> update = database_->query(kMarkDocumentWritten);
      NEWSVAULT_TRY(update);
      update->bind(1, article_id).bind(2, std::int64_t{revision});
      NEWSVAULT_TRY(update->run());
      if (sqlite3_changes(database_->connection()) == 1) return {};
    }
    // Nothing changed: say why.
    Result<Query> select = database_->query(kSelectLatestRevision);
    NEWSVAULT_TRY(select);
    select->bind(1, article_id);
    Result<bool> row = select->step();
    NEWSVAULT_TRY(row);
    if (!*row) {
      return make_error(ErrorCode::kNotFound,
                        "mark_document_written: no article with id " + std::to_string(article_id));
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "mark_document_written: article " + std::to_string(article_id) +
                          " has no revision " + std::to_string(revision) + " (latest is " +
                          std::to_string(select->integer(0)) + ")");
  }

  Result<std::size_t> record_listing(std::int64_t feed_id, const std::vector<std::string>& keys,
                                     Timestamp seen_at) override {
    std::size_t delisted = 0;
    Result<void> done = database_->transaction([&]() -> Result<void> {
      for (std::string_view sql : {kCreateListedKeys, kClearListedKeys}) {
        Result<Query> statement = database_->query(sql);
        NEWSVAULT_TRY(statement);
        NEWSVAULT_TRY(statement->run());
      }
      for (const std::string& key : keys) {
        Result<Query> insert = database_->query(kInsertListedKey);
        NEWSVAULT_TRY(insert);
        insert->bind(1, key);
        NEWSVAULT_TRY(insert->run());
      }
      Result<Query> listed = database_->query(kMarkListed);
      NEWSVAULT_TRY(listed);
      listed->bind(1, feed_id).bind(2, seen_at);
      NEWSVAULT_TRY(listed->run());
      Result<Query> gone = database_->query(kMarkDelisted);
      NEWSVAULT_TRY(gone);
      gone->bind(1, feed_id).bind(2, seen_at);
      NEWSVAULT_TRY(gone->run());
      delisted = static_cast<std::size_t>(sqlite3_changes(database_->connection()));
      return {};
    });
    NEWSVAULT_TRY(done);
    return delisted;
  }

  Result<std::vector<ArticleSummary>> articles(std::optional<std::int64_t> feed_id) override {
    Result<Query> select = database_->query(feed_id ? kSelectArticlesOfFeed : kSelectArticles);
    NEWSVAULT_TRY(select);
    if (feed_id) select->bind(1, *feed_id);
    return select->rows(read_article);
  }

  Result<std::optional<ArticleSummary>> article(std::int64_t article_id) override {
    Result<Query> select = database_->query(kSelectArticle);
    NEWSVAULT_TRY(select);
    select->bind(1, article_id);
    return select->first_row(read_article);
  }

  Result<std::vector<StoredRevision>> revisions(std::int64_t article_id) override {
    Result<Query> select = database_->query(kSelectRevisions);
    NEWSVAULT_TRY(select);
    select->bind(1, article_id);
    std::vector<StoredRevision> revisions;
    for (;;) {
      Result<bool> row = select->step();
      NEWSVAULT_TRY(row);
      if (!*row) return revisions;
      Result<StoredRevision> revision = read_revision(*select, article_id);
      NEWSVAULT_TRY(revision);
      revisions.push_back(std::move(*revision));
    }
  }

  Result<void> transaction(const std::function<Result<void>()>& work) override {
    return database_->transaction(work);
  }

 private:
  // save_revision's reads and writes, inside its transaction.
  Result<SaveResult> save_in_transaction(std::int64_t feed_id, const PreparedRevision& prepared,
                                         Timestamp seen_at) {
    const ArticleRevision& revision = prepared.revision;
    const std::string& hash = prepared.content_hash;
    SaveResult saved;
    std::optional<int> latest;
    {
      Result<Query> select = database_->query(kSelectLatest);
      NEWSVAULT_TRY(select);
      select->bind(1, feed_id).bind(2, revision.key);
      Result<bool> row = select->step();
      NEWSVAULT_TRY(row);
      if (*row) {
        saved.article_id = select->integer(0);
        latest = static_cast<int>(select->integer(1));
        if (select->text(2) == hash) {
          saved.change = Change::kUnchanged;
          saved.revision = *latest;
          return saved;
        }
      }
    }

    if (!latest) {
      Result<Query> insert = database_->query(kInsertArticle);
      NEWSVAULT_TRY(insert);
      insert->bind(1, feed_id)
          .bind(2, revision.key)
          .bind(3, revision.title)
          .bind(4, revision.url)
          .bind(5, revision.published)
          .bind(6, seen_at)
          .bind(7, revision.document_path);
      if (Result<void> done = insert->run(); !done) {
        if (database_->extended_error_code() == SQLITE_CONSTRAINT_FOREIGNKEY) {
          return make_error(ErrorCode::kNotFound,
                            "save_revision: no feed with id " + std::to_string(feed_id));
        }
        return std::unexpected(done.error());
      }
      saved.change = Change::kNew;
      saved.article_id = database_->last_insert_rowid();
      saved.revision = 1;
    } else {
      saved.change = Change::kUpdated;
      saved.revision = *latest + 1;
      Result<Query> update = database_->query(kUpdateArticle);
      NEWSVAULT_TRY(update);
      update->bind(1, saved.article_id)
          .bind(2, revision.title)
          .bind(3, revision.url)
          .bind(4, revision.published)
          .bind(5, seen_at)
          .bind(6, std::int64_t{saved.revision})
          .bind(7, revision.document_path);
      NEWSVAULT_TRY(update->run());
    }

    Result<Query> insert = database_->query(kInsertRevision);
    NEWSVAULT_TRY(insert);
    insert->bind(1, saved.article_id)
        .bind(2, std::int64_t{saved.revision})
        .bind(3, seen_at)
        .bind(4, hash)
        .bind(5, revision.title)
        .bind(6, revision.url)
        .bind(7, revision.published)
        .bind_blob(8, prepared.packed_content)
        .bind(9, revision.document_path);
    NEWSVAULT_TRY(insert->run());
    return saved;
  }

  std::unique_ptr<Database> database_;
};

}  // namespace

Result<PreparedRevision> prepare_revision(ArticleRevision revision) {
  PreparedRevision prepared;
  Result<std::string> hash = content_hash(revision.content);
  NEWSVAULT_TRY(hash);
  Result<std::string> packed = pack_content(revision.content);
  NEWSVAULT_TRY(packed);
  prepared.content_hash = std::move(*hash);
  prepared.packed_content = std::move(*packed);
  prepared.revision = std::move(revision);
  return prepared;
}

Result<SaveResult> Store::save_revision(std::int64_t feed_id, const ArticleRevision& revision,
                                        Timestamp seen_at) {
  Result<PreparedRevision> prepared = prepare_revision(revision);
  NEWSVAULT_TRY(prepared);
  return save_revision(feed_id, *prepared, seen_at);
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path, Access access) {
  Result<std::unique_ptr<Database>> database =
      Database::open(path, access == Access::kRead ? OpenMode::kRead : OpenMode::kReadWrite);
  NEWSVAULT_TRY(database);
  NEWSVAULT_TRY(migrate(**database));
  return std::make_unique<SqliteStore>(std::move(*database));
}

}  // namespace newsvault::store
