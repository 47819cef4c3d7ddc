#include "store/store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>
#include <string>
#include <utility>

#include "store/content_hash.h"
#include "store/copy_store.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/packed_content.h"
#include "store/postgresql/connection.h"
#include "store/postgresql/postgresql_store.h"
#include "store/readers.h"
#include "store/row_text.h"
#include "store/try.h"

namespace newsvault::store {
namespace {

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

// The article a feed knows by a key: its own, or one it lists.
constexpr std::string_view kSelectArticleOfFeed =
    "SELECT article_id FROM feed_articles WHERE feed_id = ?1 AND key = ?2";
// A shared key (an adapter's id) archived by another feed with the same adapter.
constexpr std::string_view kSelectSharedArticle =
    "SELECT fa.article_id FROM feed_articles fa JOIN feeds f ON f.id = fa.feed_id "
    "WHERE fa.key = ?2 AND f.adapter != '' "
    "AND f.adapter = (SELECT adapter FROM feeds WHERE id = ?1) ORDER BY fa.article_id LIMIT 1";
constexpr std::string_view kLinkArticle =
    "INSERT INTO feed_articles (feed_id, article_id, key, first_listed) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO NOTHING";
// The latest revision of an article, what it came from, and whether the
// article is marked removed: by id, or by the key a feed knows it by.
#define NEWSVAULT_LATEST_COLUMNS                                                           \
  "SELECT a.id, a.latest_revision, r.content_hash, r.origin, r.payload_hash, r.entry_hash, " \
  "a.removed_at IS NOT NULL, a.entry_fingerprint FROM articles a "                         \
  "JOIN revisions r ON r.article_id = a.id AND r.number = a.latest_revision "
constexpr std::string_view kSelectLatest = NEWSVAULT_LATEST_COLUMNS "WHERE a.id = ?1";
constexpr std::string_view kSelectLatestOfFeed =
    NEWSVAULT_LATEST_COLUMNS
    "WHERE a.id = (SELECT article_id FROM feed_articles WHERE feed_id = ?1 AND key = ?2)";
#undef NEWSVAULT_LATEST_COLUMNS
// The body hash of the latest revision read from one origin ("page", "api").
constexpr std::string_view kSelectLastPayload =
    "SELECT payload_hash FROM revisions WHERE article_id = ?1 AND origin = ?2 "
    "ORDER BY number DESC LIMIT 1";
constexpr std::string_view kInsertArticle =
    "INSERT INTO articles (feed_id, key, title, url, published, first_seen, last_changed, "
    "latest_revision, document_path, entry_fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1, ?7, ?8)";
constexpr std::string_view kUpdateArticle =
    "UPDATE articles SET title = ?2, url = ?3, published = ?4, last_changed = ?5, "
    "latest_revision = ?6, document_path = ?7, entry_fingerprint = ?8 WHERE id = ?1";
constexpr std::string_view kUpdateFingerprint =
    "UPDATE articles SET entry_fingerprint = ?2 WHERE id = ?1";
// What the articles each feed lists now were made from (entry_fingerprints).
constexpr std::string_view kSelectFingerprints =
    "SELECT fa.feed_id, a.entry_fingerprint FROM feed_articles fa JOIN articles a ON a.id = fa.article_id "
    "WHERE fa.listed = 1 AND a.entry_fingerprint != '' AND a.removed_at IS NULL";
constexpr std::string_view kInsertRevision =
    "INSERT INTO revisions (article_id, number, seen_at, content_hash, title, url, published, "
    "content, document_path, origin, fetched_url, http_status, etag, last_modified, "
    "payload_hash, entry_hash, cause, note, warc_record, language) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";

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
// Columns 12-22: removal, the other feeds listing it ("id\x1fname" joined
// by \x1e), the revisions the source caused after the first, and the
// latest revision's provenance.
#define NEWSVAULT_ARTICLE_COLUMNS                                                                \
  "SELECT a.id, a.feed_id, f.name, a.key, a.title, a.url, a.published, a.first_seen, "          \
  "a.last_changed, a.latest_revision, a.document_path, a.delisted_at, a.removed_at, "            \
  "a.removed_reason, "                                                                           \
  "(SELECT group_concat(o.id || char(31) || o.name, char(30)) FROM feed_articles fa "            \
  " JOIN feeds o ON o.id = fa.feed_id WHERE fa.article_id = a.id AND fa.feed_id != a.feed_id), " \
  "(SELECT count(*) FROM revisions r WHERE r.article_id = a.id AND r.number > 1 "               \
  " AND r.cause = 'source'), "                                                                   \
  "l.origin, l.fetched_url, l.http_status, l.etag, l.last_modified, l.payload_hash, "            \
  "l.entry_hash "                                                                                \
  "FROM articles a JOIN feeds f ON f.id = a.feed_id "                                            \
  "LEFT JOIN revisions l ON l.article_id = a.id AND l.number = a.latest_revision "
constexpr std::string_view kSelectArticles =
    NEWSVAULT_ARTICLE_COLUMNS "ORDER BY a.published DESC, a.first_seen DESC, a.id DESC";
constexpr std::string_view kSelectArticlesOfFeed =
    NEWSVAULT_ARTICLE_COLUMNS
    "WHERE a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = ?1) "
    "ORDER BY a.published DESC, a.first_seen DESC, a.id DESC";
constexpr std::string_view kSelectArticle = NEWSVAULT_ARTICLE_COLUMNS "WHERE a.id = ?1";
#undef NEWSVAULT_ARTICLE_COLUMNS

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
  article.removed_at = row.optional_time(12);
  article.removed_reason = row.text(13);
  article.feed_ids.push_back(article.feed_id);
  article.feed_names.push_back(article.feed_name);
  add_listing_feeds(article, row.text(14));
  article.source_changes = static_cast<int>(row.integer(15));
  article.latest.origin = row.text(16);
  article.latest.url = row.text(17);
  article.latest.http_status = static_cast<long>(row.integer(18));
  article.latest.etag = row.text(19);
  article.latest.last_modified = row.text(20);
  article.latest.payload_hash = row.text(21);
  article.latest.entry_hash = row.text(22);
  return article;
}

// record_listing: the keys a poll found, in a temporary table (memory:
// temp_store is MEMORY) so that the updates can join on them.
constexpr std::string_view kCreateListedKeys =
    "CREATE TEMP TABLE IF NOT EXISTS listed_keys (key TEXT PRIMARY KEY) WITHOUT ROWID";
constexpr std::string_view kClearListedKeys = "DELETE FROM temp.listed_keys";
constexpr std::string_view kInsertListedKey = "INSERT OR IGNORE INTO temp.listed_keys (key) VALUES (?1)";
// Shared keys another feed with the same adapter archived become this feed's.
constexpr std::string_view kLinkSharedKeys =
    "INSERT INTO feed_articles (feed_id, article_id, key, first_listed) "
    "SELECT ?1, min(fa.article_id), fa.key, ?2 FROM feed_articles fa JOIN feeds f ON f.id = fa.feed_id "
    "WHERE fa.key IN (SELECT key FROM temp.listed_keys) AND f.adapter != '' "
    "AND f.adapter = (SELECT adapter FROM feeds WHERE id = ?1) "
    "AND fa.key NOT IN (SELECT key FROM feed_articles WHERE feed_id = ?1) "
    "GROUP BY fa.key ON CONFLICT DO NOTHING";
// The articles it lists no longer, and was listing, published after the
// oldest it still lists: taken down from this feed, not rolled off its
// end. NULL published dates compare as unknown, so undated articles are
// never among them: without a date there is no telling the two apart.
constexpr std::string_view kSelectLeaving =
    "SELECT fa.article_id FROM feed_articles fa JOIN articles a ON a.id = fa.article_id "
    "WHERE fa.feed_id = ?1 AND fa.listed = 1 AND a.last_listed IS NOT NULL "
    "AND fa.key NOT IN (SELECT key FROM temp.listed_keys) "
    "AND a.published > (SELECT min(b.published) FROM feed_articles fb "
    "                   JOIN articles b ON b.id = fb.article_id "
    "                   WHERE fb.feed_id = ?1 AND fb.key IN (SELECT key FROM temp.listed_keys))";
constexpr std::string_view kMarkListedInFeed =
    "UPDATE feed_articles SET listed = (key IN (SELECT key FROM temp.listed_keys)) WHERE feed_id = ?1";
// Back in a feed after it left: neither delisted nor removed any more (an
// article removed while still listed, an adapter's 404, stays removed).
constexpr std::string_view kMarkListed =
    "UPDATE articles SET last_listed = ?2, delisted_at = NULL, "
    "removed_at = iif(delisted_at IS NULL, removed_at, NULL), "
    "removed_reason = iif(delisted_at IS NULL, removed_reason, '') "
    "WHERE id IN (SELECT article_id FROM feed_articles "
    "WHERE feed_id = ?1 AND key IN (SELECT key FROM temp.listed_keys))";
// Nothing to re-check for what a feed lists.
constexpr std::string_view kDropListedRechecks =
    "DELETE FROM pending_work WHERE kind = 'recheck' AND (feed_id, key) IN "
    "(SELECT a.feed_id, a.key FROM articles a WHERE a.id IN (SELECT article_id FROM feed_articles "
    " WHERE feed_id = ?1 AND key IN (SELECT key FROM temp.listed_keys)))";
// Read again in full (its API document or page): there after all.
constexpr std::string_view kClearRemoved =
    "UPDATE articles SET removed_at = NULL, removed_reason = '' "
    "WHERE id = ?1 AND removed_at IS NOT NULL";
// Delisted once no feed lists it.
constexpr std::string_view kMarkDelisted =
    "UPDATE articles SET delisted_at = ?2 WHERE id = ?1 AND delisted_at IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM feed_articles WHERE article_id = ?1 AND listed = 1)";
constexpr std::string_view kSelectArticleKey = "SELECT feed_id, key, url FROM articles WHERE id = ?1";

constexpr std::string_view kMarkRemoved =
    "UPDATE articles SET removed_at = ?2, removed_reason = ?3 WHERE id = ?1 AND removed_at IS NULL";

constexpr std::string_view kUpsertWork =
    "INSERT INTO pending_work (kind, feed_id, key, url, detail, attempts, next_attempt, "
    "last_error, first_queued) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (kind, feed_id, key) DO UPDATE SET url = excluded.url, detail = excluded.detail, "
    "attempts = excluded.attempts, next_attempt = excluded.next_attempt, "
    "last_error = excluded.last_error";
constexpr std::string_view kUpsertWorkKeepingTries =
    "INSERT INTO pending_work (kind, feed_id, key, url, detail, attempts, next_attempt, "
    "last_error, first_queued) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (kind, feed_id, key) DO UPDATE SET url = excluded.url, detail = excluded.detail";
constexpr std::string_view kDeleteWork =
    "DELETE FROM pending_work WHERE kind = ?1 AND feed_id = ?2 AND key = ?3";
constexpr std::string_view kSelectWork =
    "SELECT kind, feed_id, key, url, detail, attempts, next_attempt, last_error, first_queued "
    "FROM pending_work ORDER BY id";
constexpr std::string_view kSelectDueWork =
    "SELECT kind, feed_id, key, url, detail, attempts, next_attempt, last_error, first_queued "
    "FROM pending_work WHERE next_attempt <= ?1 ORDER BY id";

constexpr std::string_view kUpsertSchedule =
    "INSERT INTO poll_schedule (feed_id, last_poll, next_poll, interval_s, reason, failures, "
    "entry_dates) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (feed_id) DO UPDATE SET "
    "last_poll = excluded.last_poll, next_poll = excluded.next_poll, "
    "interval_s = excluded.interval_s, reason = excluded.reason, failures = excluded.failures, "
    "entry_dates = excluded.entry_dates";
constexpr std::string_view kSelectSchedules =
    "SELECT feed_id, last_poll, next_poll, interval_s, reason, failures, entry_dates "
    "FROM poll_schedule ORDER BY feed_id";

PollSchedule read_schedule(const Query& row) {
  PollSchedule schedule;
  schedule.feed_id = row.integer(0);
  schedule.last_poll = row.optional_time(1);
  schedule.next_poll = row.time(2);
  schedule.interval_seconds = row.integer(3);
  schedule.reason = row.text(4);
  schedule.failures = static_cast<int>(row.integer(5));
  schedule.entry_dates = dates_from_text(row.text(6));
  return schedule;
}

constexpr std::string_view kUpsertImage =
    "INSERT INTO images (url, sha256, type, bytes, width, height, refusal, attempts, fetched) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (url) DO UPDATE SET "
    "sha256 = excluded.sha256, type = excluded.type, bytes = excluded.bytes, width = excluded.width, "
    "height = excluded.height, refusal = excluded.refusal, attempts = excluded.attempts, "
    "fetched = excluded.fetched";
constexpr std::string_view kSelectImages =
    "SELECT url, sha256, type, bytes, width, height, refusal, attempts, fetched FROM images ORDER BY url";
// A URL the article shows already keeps its place; a new one goes last.
constexpr std::string_view kLinkImage =
    "INSERT INTO article_images (article_id, url, position) VALUES (?1, ?2, "
    "(SELECT coalesce(max(position), 0) + 1 FROM article_images WHERE article_id = ?1)) "
    "ON CONFLICT (article_id, url) DO NOTHING";
constexpr std::string_view kSelectImagesShown =
    "SELECT url, sha256, type, bytes, width, height, refusal, attempts, fetched FROM images "
    "WHERE url IN (SELECT url FROM article_images WHERE article_id IN (SELECT value FROM json_each(?1))) "
    "ORDER BY url";
constexpr std::string_view kSelectArticlesShowing = "SELECT article_id FROM article_images WHERE url = ?1";
constexpr std::string_view kSelectArticleImages =
    "SELECT url FROM article_images WHERE article_id = ?1 ORDER BY position";

ImageRecord read_image(const Query& row) {
  ImageRecord image;
  image.url = row.text(0);
  image.sha256 = row.text(1);
  image.type = row.text(2);
  image.bytes = row.integer(3);
  image.width = row.integer(4);
  image.height = row.integer(5);
  image.refusal = row.text(6);
  image.attempts = static_cast<int>(row.integer(7));
  image.fetched = row.optional_time(8);
  return image;
}

PendingWork read_work(const Query& row) {
  PendingWork work;
  work.kind = row.text(0);
  work.feed_id = row.integer(1);
  work.key = row.text(2);
  work.url = row.text(3);
  work.detail = row.text(4);
  work.attempts = static_cast<int>(row.integer(5));
  work.next_attempt = row.time(6);
  work.last_error = row.text(7);
  work.first_queued = row.time(8);
  return work;
}

constexpr std::string_view kSelectRevisions =
    "SELECT r.number, r.seen_at, r.content_hash, a.key, r.title, r.url, r.published, r.content, "
    "r.document_path, r.origin, r.fetched_url, r.http_status, r.etag, r.last_modified, "
    "r.payload_hash, r.entry_hash, r.cause, r.note, r.warc_record, r.language FROM revisions r "
    "JOIN articles a ON a.id = r.article_id WHERE r.article_id = ?1 ORDER BY r.number";

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
  Provenance& provenance = stored.revision.provenance;
  provenance.origin = row.text(9);
  provenance.url = row.text(10);
  provenance.http_status = static_cast<long>(row.integer(11));
  provenance.etag = row.text(12);
  provenance.last_modified = row.text(13);
  provenance.payload_hash = row.text(14);
  provenance.entry_hash = row.text(15);
  provenance.cause = row.text(16) == "processing" ? Cause::kProcessing : Cause::kSource;
  provenance.note = row.text(17);
  provenance.record = row.text(18);
  stored.revision.language = row.text(19);
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
    const RevisionToSave one{feed_id, &revision};
    Result<std::vector<SaveResult>> saved = save_revisions({&one, 1}, seen_at);
    NEWSVAULT_TRY(saved);
    return saved->front();
  }

  // One savepoint for the batch rather than one per revision, and the
  // search index's writes after every other: FTS5 flushes what it holds in
  // memory to a new segment of the index at every savepoint that follows
  // its first write in a transaction (fts5SavepointMethod), so an index
  // told of each revision between savepoints grows a segment per article
  // and spends its time merging them.
  Result<std::vector<SaveResult>> save_revisions(std::span<const RevisionToSave> revisions,
                                                 Timestamp seen_at) override {
    for (const RevisionToSave& item : revisions) {
      if (item.revision->revision.key.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "save_revision: an article needs a key");
      }
    }
    std::vector<SaveResult> saved;
    saved.reserve(revisions.size());
    Result<void> done = database_->transaction([&]() -> Result<void> {
      saved.clear();
      for (const RevisionToSave& item : revisions) {
        Result<SaveResult> result = save_in_transaction(item.feed_id, *item.revision, seen_at);
        NEWSVAULT_TRY(result);
        saved.push_back(*result);
      }
      if (!observer_) return {};
      for (std::size_t i = 0; i < revisions.size(); ++i) {
        if (saved[i].change == Change::kUnchanged) continue;
        NEWSVAULT_TRY(observer_->revision_saved(saved[i].article_id, revisions[i].revision->revision));
      }
      return {};
    });
    NEWSVAULT_TRY(done);
    return saved;
  }

  Result<std::map<std::int64_t, std::vector<std::string>>> entry_fingerprints() override {
    Result<Query> select = database_->query(kSelectFingerprints);
    NEWSVAULT_TRY(select);
    std::map<std::int64_t, std::vector<std::string>> fingerprints;
    for (;;) {
      Result<bool> row = select->step();
      NEWSVAULT_TRY(row);
      if (!*row) return fingerprints;
      fingerprints[select->integer(0)].push_back(select->text(1));
    }
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
        NEWSVAULT_TRY(run(sql));
      }
      for (const std::string& key : keys) {
        Result<Query> insert = database_->query(kInsertListedKey);
        NEWSVAULT_TRY(insert);
        insert->bind(1, key);
        NEWSVAULT_TRY(insert->run());
      }
      {
        Result<Query> link = database_->query(kLinkSharedKeys);
        NEWSVAULT_TRY(link);
        link->bind(1, feed_id).bind(2, seen_at);
        NEWSVAULT_TRY(link->run());
      }
      Result<Query> leaving = database_->query(kSelectLeaving);
      NEWSVAULT_TRY(leaving);
      leaving->bind(1, feed_id);
      Result<std::vector<std::int64_t>> left =
          leaving->rows([](const Query& row) { return row.integer(0); });
      NEWSVAULT_TRY(left);
      for (std::string_view sql : {kMarkListedInFeed, kDropListedRechecks, kMarkListed}) {
        Result<Query> update = database_->query(sql);
        NEWSVAULT_TRY(update);
        update->bind(1, feed_id);
        if (sql == kMarkListed) update->bind(2, seen_at);
        NEWSVAULT_TRY(update->run());
      }
      for (std::int64_t article_id : *left) {
        Result<Query> mark = database_->query(kMarkDelisted);
        NEWSVAULT_TRY(mark);
        mark->bind(1, article_id).bind(2, seen_at);
        NEWSVAULT_TRY(mark->run());
        if (sqlite3_changes(database_->connection()) == 0) continue;
        ++delisted;
        // Its address is asked at once whether it is gone (pipeline).
        Result<Query> select = database_->query(kSelectArticleKey);
        NEWSVAULT_TRY(select);
        select->bind(1, article_id);
        Result<bool> row = select->step();
        NEWSVAULT_TRY(row);
        if (!*row) continue;
        PendingWork recheck;
        recheck.kind = "recheck";
        recheck.feed_id = select->integer(0);
        recheck.key = select->text(1);
        recheck.url = select->text(2);
        recheck.next_attempt = seen_at;
        recheck.first_queued = seen_at;
        NEWSVAULT_TRY(queue_work(recheck));
      }
      return {};
    });
    NEWSVAULT_TRY(done);
    return delisted;
  }

  Result<std::optional<std::int64_t>> find_article(std::int64_t feed_id, std::string_view key,
                                                   bool shared) override {
    for (std::string_view sql : {kSelectArticleOfFeed, kSelectSharedArticle}) {
      if (sql == kSelectSharedArticle && !shared) break;
      Result<Query> select = database_->query(sql);
      NEWSVAULT_TRY(select);
      select->bind(1, feed_id).bind(2, key);
      Result<bool> row = select->step();
      NEWSVAULT_TRY(row);
      if (*row) return std::optional<std::int64_t>(select->integer(0));
    }
    return std::optional<std::int64_t>();
  }

  Result<bool> mark_removed(std::int64_t article_id, Timestamp at, std::string_view reason) override {
    Result<Query> update = database_->query(kMarkRemoved);
    NEWSVAULT_TRY(update);
    update->bind(1, article_id).bind(2, at).bind(3, reason);
    NEWSVAULT_TRY(update->run());
    return sqlite3_changes(database_->connection()) == 1;
  }

  Result<void> save_image(const ImageRecord& image) override {
    Result<Query> upsert = database_->query(kUpsertImage);
    NEWSVAULT_TRY(upsert);
    upsert->bind(1, image.url)
        .bind(2, image.sha256)
        .bind(3, image.type)
        .bind(4, image.bytes)
        .bind(5, image.width)
        .bind(6, image.height)
        .bind(7, image.refusal)
        .bind(8, std::int64_t{image.attempts})
        .bind(9, image.fetched);
    return upsert->run();
  }

  using Store::link_images;
  Result<void> link_images(std::span<const ImageLinks> articles) override {
    return database_->transaction([&]() -> Result<void> {
      for (const ImageLinks& article : articles) {
        Result<Query> exists = database_->query("SELECT 1 FROM articles WHERE id = ?1");
        NEWSVAULT_TRY(exists);
        exists->bind(1, article.article_id);
        Result<bool> found = exists->step();
        NEWSVAULT_TRY(found);
        if (!*found) {
          return make_error(ErrorCode::kNotFound, "no article with id " + std::to_string(article.article_id));
        }
        for (const std::string& url : article.urls) {
          Result<Query> link = database_->query(kLinkImage);
          NEWSVAULT_TRY(link);
          link->bind(1, article.article_id).bind(2, url);
          NEWSVAULT_TRY(link->run());
        }
      }
      return {};
    });
  }

  Result<std::vector<ImageRecord>> images() override {
    Result<Query> select = database_->query(kSelectImages);
    NEWSVAULT_TRY(select);
    return select->rows(read_image);
  }

  Result<std::vector<std::string>> article_images(std::int64_t article_id) override {
    Result<Query> select = database_->query(kSelectArticleImages);
    NEWSVAULT_TRY(select);
    select->bind(1, article_id);
    return select->rows([](const Query& row) { return row.text(0); });
  }

  Result<std::vector<ImageRecord>> images_shown(const std::vector<std::int64_t>& article_ids) override {
    if (article_ids.empty()) return std::vector<ImageRecord>{};
    std::string ids = "[";
    for (const std::int64_t id : article_ids) ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    ids += "]";
    Result<Query> select = database_->query(kSelectImagesShown);
    NEWSVAULT_TRY(select);
    select->bind(1, ids);
    return select->rows(read_image);
  }

  Result<std::vector<std::int64_t>> articles_showing(const std::vector<std::string>& urls) override {
    // One indexed look-up per URL (article_images_by_url).
    std::set<std::int64_t> ids;
    for (const std::string& url : urls) {
      Result<Query> select = database_->query(kSelectArticlesShowing);
      NEWSVAULT_TRY(select);
      select->bind(1, url);
      auto rows = select->rows([](const Query& row) { return row.integer(0); });
      NEWSVAULT_TRY(rows);
      ids.insert(rows->begin(), rows->end());
    }
    return std::vector<std::int64_t>(ids.begin(), ids.end());
  }

  using Store::queue_work;
  Result<void> queue_work(std::span<const PendingWork> items) override {
    return database_->transaction([&]() -> Result<void> {
      for (const PendingWork& work : items) {
        Result<Query> upsert = database_->query(work.keep_tries ? kUpsertWorkKeepingTries : kUpsertWork);
        NEWSVAULT_TRY(upsert);
        upsert->bind(1, work.kind)
            .bind(2, work.feed_id)
            .bind(3, work.key)
            .bind(4, work.url)
            .bind(5, work.detail)
            .bind(6, std::int64_t{work.attempts})
            .bind(7, work.next_attempt)
            .bind(8, work.last_error)
            .bind(9, work.first_queued);
        NEWSVAULT_TRY(upsert->run());
      }
      return {};
    });
  }

  Result<void> finish_work(std::string_view kind, std::int64_t feed_id,
                           std::string_view key) override {
    Result<Query> remove = database_->query(kDeleteWork);
    NEWSVAULT_TRY(remove);
    remove->bind(1, kind).bind(2, feed_id).bind(3, key);
    return remove->run();
  }

  Result<void> save_schedule(const PollSchedule& schedule) override {
    Result<Query> upsert = database_->query(kUpsertSchedule);
    NEWSVAULT_TRY(upsert);
    upsert->bind(1, schedule.feed_id)
        .bind(2, schedule.last_poll)
        .bind(3, schedule.next_poll)
        .bind(4, schedule.interval_seconds)
        .bind(5, schedule.reason)
        .bind(6, std::int64_t{schedule.failures})
        .bind(7, dates_text(schedule.entry_dates));
    auto ran = upsert->run();
    if (!ran && ran.error().message().find("FOREIGN KEY") != std::string::npos) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(schedule.feed_id));
    }
    return ran;
  }

  Result<std::vector<PollSchedule>> schedules() override {
    Result<Query> select = database_->query(kSelectSchedules);
    NEWSVAULT_TRY(select);
    return select->rows(read_schedule);
  }

  Result<std::vector<PendingWork>> pending_work(std::optional<Timestamp> due_by) override {
    Result<Query> select = database_->query(due_by ? kSelectDueWork : kSelectWork);
    NEWSVAULT_TRY(select);
    if (due_by) select->bind(1, *due_by);
    return select->rows(read_work);
  }

  Result<std::map<std::int64_t, std::string>> feed_states() override {
    Result<Query> select = database_->query("SELECT id, state FROM feeds WHERE state <> 'active'");
    NEWSVAULT_TRY(select);
    auto rows = select->rows([](const Query& row) { return std::pair(row.integer(0), row.text(1)); });
    NEWSVAULT_TRY(rows);
    return std::map<std::int64_t, std::string>(rows->begin(), rows->end());
  }

  Result<void> set_feed_state(std::int64_t feed_id, std::string_view state) override {
    NEWSVAULT_TRY(check_feed_state(state));
    Result<Query> update = database_->query("UPDATE feeds SET state = ?2 WHERE id = ?1");
    NEWSVAULT_TRY(update);
    update->bind(1, feed_id).bind(2, state);
    NEWSVAULT_TRY(update->run());
    if (sqlite3_changes(database_->connection()) == 0) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
    }
    return {};
  }

  Result<std::optional<std::string>> feed_body(std::int64_t feed_id) override {
    Result<Query> select = database_->query("SELECT body FROM feed_bodies WHERE feed_id = ?1");
    NEWSVAULT_TRY(select);
    select->bind(1, feed_id);
    return select->first_row([](const Query& row) { return row.blob(0); });
  }

  Result<void> set_feed_body(std::int64_t feed_id, std::optional<std::string_view> body) override {
    Result<Query> statement = database_->query(
        body ? "INSERT INTO feed_bodies (feed_id, body) VALUES (?1, ?2) "
               "ON CONFLICT (feed_id) DO UPDATE SET body = excluded.body"
             : "DELETE FROM feed_bodies WHERE feed_id = ?1");
    NEWSVAULT_TRY(statement);
    statement->bind(1, feed_id);
    if (body) statement->bind_blob(2, *body);
    auto ran = statement->run();
    if (!ran && ran.error().message().find("FOREIGN KEY") != std::string::npos) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
    }
    return ran;
  }

  // One UPDATE … RETURNING inside BEGIN IMMEDIATE: the write lock is taken
  // before the due feeds are read, so two processes cannot lease one feed.
  Result<std::vector<std::int64_t>> lease_feeds(std::string_view owner, std::size_t limit, Timestamp now,
                                                Timestamp until) override {
    std::vector<std::int64_t> leased;
    NEWSVAULT_TRY(database_->transaction([&]() -> Result<void> {
      Result<Query> update = database_->query(
          "UPDATE feeds SET lease_owner = ?1, lease_expires = ?2 WHERE id IN ("
          "SELECT f.id FROM feeds f LEFT JOIN poll_schedule s ON s.feed_id = f.id "
          "WHERE f.state = 'active' AND (f.lease_expires IS NULL OR f.lease_expires <= ?3) "
          "AND (s.next_poll IS NULL OR s.next_poll <= ?3) ORDER BY s.next_poll NULLS FIRST, f.id LIMIT ?4) "
          "RETURNING id");
      NEWSVAULT_TRY(update);
      update->bind(1, owner).bind(2, until).bind(3, now).bind(4, static_cast<std::int64_t>(limit));
      auto ids = update->rows([](const Query& row) { return row.integer(0); });
      NEWSVAULT_TRY(ids);
      leased = std::move(*ids);
      return {};
    }));
    std::sort(leased.begin(), leased.end());
    return leased;
  }

  Result<std::size_t> renew_leases(std::string_view owner, Timestamp until) override {
    Result<Query> update = database_->query("UPDATE feeds SET lease_expires = ?2 WHERE lease_owner = ?1");
    NEWSVAULT_TRY(update);
    update->bind(1, owner).bind(2, until);
    NEWSVAULT_TRY(update->run());
    return static_cast<std::size_t>(sqlite3_changes(database_->connection()));
  }

  Result<void> release_leases(std::string_view owner, std::span<const std::int64_t> feed_ids) override {
    return database_->transaction([&]() -> Result<void> {
      if (feed_ids.empty()) {
        Result<Query> update = database_->query(
            "UPDATE feeds SET lease_owner = '', lease_expires = NULL WHERE lease_owner = ?1");
        NEWSVAULT_TRY(update);
        update->bind(1, owner);
        return update->run();
      }
      for (const std::int64_t feed_id : feed_ids) {
        Result<Query> update = database_->query(
            "UPDATE feeds SET lease_owner = '', lease_expires = NULL WHERE lease_owner = ?1 AND id = ?2");
        NEWSVAULT_TRY(update);
        update->bind(1, owner).bind(2, feed_id);
        NEWSVAULT_TRY(update->run());
      }
      return {};
    });
  }

  Result<std::optional<Timestamp>> next_lease_end(Timestamp now) override {
    Result<Query> select = database_->query(
        "SELECT MIN(f.lease_expires) FROM feeds f LEFT JOIN poll_schedule s ON s.feed_id = f.id "
        "WHERE f.state = 'active' AND f.lease_expires > ?1 AND (s.next_poll IS NULL OR s.next_poll <= ?1)");
    NEWSVAULT_TRY(select);
    select->bind(1, now);
    auto end = select->first_row([](const Query& row) { return row.optional_time(0); });
    NEWSVAULT_TRY(end);
    return *end ? **end : std::nullopt;
  }

  Result<bool> lock_publisher(bool) override { return true; }

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

  Result<void> update_feed(std::int64_t feed_id, std::string_view name,
                           std::string_view adapter) override {
    if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "a feed needs a name");
    Result<Query> update = database_->query("UPDATE feeds SET name = ?2, adapter = ?3 WHERE id = ?1");
    NEWSVAULT_TRY(update);
    update->bind(1, feed_id).bind(2, name).bind(3, adapter);
    if (Result<void> done = update->run(); !done) {
      if (database_->extended_error_code() == SQLITE_CONSTRAINT_UNIQUE) {
        return make_error(ErrorCode::kInvalidArgument,
                          "a feed named " + std::string(name) + " already exists");
      }
      return std::unexpected(done.error());
    }
    if (sqlite3_changes(database_->connection()) == 0) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
    }
    return {};
  }

  Result<std::vector<std::string>> purge_feed(std::int64_t feed_id) override {
    std::vector<std::string> documents;
    auto purged = database_->transaction([&]() -> Result<void> {
      // Articles this feed holds alone go; the others become the feed's
      // that lists them (their document stays where it is).
      constexpr std::string_view kOwnOnly =
          "SELECT id, document_path FROM articles a WHERE (a.feed_id = ?1 OR EXISTS (SELECT 1 "
          "FROM feed_articles f WHERE f.article_id = a.id AND f.feed_id = ?1)) AND NOT EXISTS "
          "(SELECT 1 FROM feed_articles f WHERE f.article_id = a.id AND f.feed_id != ?1)";
      Result<Query> select = database_->query(kOwnOnly);
      NEWSVAULT_TRY(select);
      select->bind(1, feed_id);
      auto rows = select->rows([](const Query& row) {
        return std::pair<std::int64_t, std::string>(row.integer(0), row.text(1));
      });
      NEWSVAULT_TRY(rows);
      for (const auto& [article_id, path] : *rows) {
        for (const char* sql : {"DELETE FROM search_text WHERE article_id = ?1",
                                "DELETE FROM user_articles WHERE article_id = ?1",
                                "DELETE FROM revisions WHERE article_id = ?1",
                                "DELETE FROM article_images WHERE article_id = ?1",
                                "DELETE FROM feed_articles WHERE article_id = ?1",
                                "DELETE FROM articles WHERE id = ?1"}) {
          Result<Query> remove = database_->query(sql);
          NEWSVAULT_TRY(remove);
          remove->bind(1, article_id);
          NEWSVAULT_TRY(remove->run());
        }
        documents.push_back(path);
      }
      // A shared article first archived from this feed passes to another.
      for (const char* sql :
           {"UPDATE articles SET feed_id = (SELECT MIN(f.feed_id) FROM feed_articles f WHERE "
            "f.article_id = articles.id AND f.feed_id != ?1) WHERE feed_id = ?1",
            "DELETE FROM feed_articles WHERE feed_id = ?1",
            "DELETE FROM pending_work WHERE feed_id = ?1", "DELETE FROM poll_schedule WHERE feed_id = ?1",
            "DELETE FROM feed_bodies WHERE feed_id = ?1", "DELETE FROM feeds WHERE id = ?1"}) {
        Result<Query> update = database_->query(sql);
        NEWSVAULT_TRY(update);
        update->bind(1, feed_id);
        NEWSVAULT_TRY(update->run());
      }
      if (sqlite3_changes(database_->connection()) == 0) {
        return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
      }
      return {};
    });
    if (!purged) return std::unexpected(purged.error());
    return documents;
  }

  Result<int> layout() override {
    Result<Query> select = database_->query("SELECT version FROM archive_layout");
    NEWSVAULT_TRY(select);
    Result<bool> row = select->step();
    NEWSVAULT_TRY(row);
    return *row ? static_cast<int>(select->integer(0)) : 1;
  }

  Result<void> relayout(int layout, const std::vector<ArticlePath>& paths,
                        const std::vector<DocumentMove>& moves) override {
    return database_->transaction([&]() -> Result<void> {
      for (const ArticlePath& article : paths) {
        Result<Query> revisions = database_->query(
            "UPDATE revisions SET document_path = ?2 WHERE article_id = ?1 AND document_path = "
            "(SELECT document_path FROM articles WHERE id = ?1)");
        NEWSVAULT_TRY(revisions);
        revisions->bind(1, article.article_id).bind(2, article.path);
        NEWSVAULT_TRY(revisions->run());
        Result<Query> update = database_->query(
            "UPDATE articles SET document_path = ?2, document_revision = 0 WHERE id = ?1");
        NEWSVAULT_TRY(update);
        update->bind(1, article.article_id).bind(2, article.path);
        NEWSVAULT_TRY(update->run());
        if (sqlite3_changes(database_->connection()) != 1) {
          return make_error(ErrorCode::kNotFound, "no article " + std::to_string(article.article_id));
        }
      }
      for (const DocumentMove& move : moves) {
        Result<Query> insert =
            database_->query("INSERT OR REPLACE INTO document_moves (from_path, to_path) VALUES (?1, ?2)");
        NEWSVAULT_TRY(insert);
        insert->bind(1, move.from).bind(2, move.to);
        NEWSVAULT_TRY(insert->run());
      }
      Result<Query> update = database_->query("UPDATE archive_layout SET version = ?1");
      NEWSVAULT_TRY(update);
      update->bind(1, std::int64_t{layout});
      return update->run();
    });
  }

  Result<std::vector<DocumentMove>> document_moves() override {
    Result<Query> select = database_->query("SELECT from_path, to_path FROM document_moves ORDER BY from_path");
    NEWSVAULT_TRY(select);
    return select->rows([](const Query& row) { return DocumentMove{row.text(0), row.text(1)}; });
  }

  Result<void> finish_move(std::string_view from) override {
    Result<Query> remove = database_->query("DELETE FROM document_moves WHERE from_path = ?1");
    NEWSVAULT_TRY(remove);
    remove->bind(1, from);
    return remove->run();
  }

  Result<void> transaction(const std::function<Result<void>()>& work) override {
    return database_->transaction(work);
  }

  sqlite3* connection() override { return database_->connection(); }
  std::string_view engine() const override { return "sqlite"; }
  std::int64_t round_trips() const override { return 0; }

  Result<std::vector<TableRow>> table_rows(const TableSpec& table, const TableRow* after,
                                           std::size_t limit) override {
    const std::string sql = copy_select_sql(table, after != nullptr, limit, "?");
    Result<Query> select = database_->query(sql);
    NEWSVAULT_TRY(select);
    for (std::size_t i = 0; after && i < table.key_columns; ++i) select->bind(static_cast<int>(i + 1), *(*after)[i]);
    std::vector<TableRow> rows;
    for (;;) {
      Result<bool> row = select->step();
      NEWSVAULT_TRY(row);
      if (!*row) return rows;
      TableRow values;
      for (std::size_t column = 0; column < table.columns.size(); ++column) {
        const int index = static_cast<int>(column);
        if (select->is_null(index)) {
          values.emplace_back();
        } else if (index == table.bytes_column) {
          // Content saved before packing is TEXT: packed for the copy.
          Result<std::string> packed =
              select->is_blob(index) ? Result<std::string>(select->blob(index)) : pack_content(select->text(index));
          NEWSVAULT_TRY(packed);
          values.emplace_back(std::move(*packed));
        } else {
          values.emplace_back(select->text(index));
        }
      }
      rows.push_back(std::move(values));
    }
  }

  Result<void> insert_rows(const TableSpec& table, const std::vector<TableRow>& rows) override {
    const std::string sql = copy_insert_sql(table, "?");
    return database_->transaction([&]() -> Result<void> {
      for (const TableRow& row : rows) {
        Result<Query> insert = database_->query(sql);
        NEWSVAULT_TRY(insert);
        for (std::size_t column = 0; column < row.size(); ++column) {
          const int index = static_cast<int>(column) + 1;
          if (!row[column]) {
            insert->bind(index, std::optional<Timestamp>());
          } else if (static_cast<int>(column) == table.bytes_column) {
            insert->bind_blob(index, *row[column]);
          } else {
            insert->bind(index, *row[column]);
          }
        }
        NEWSVAULT_TRY(insert->run());
      }
      return {};
    });
  }

  Result<void> finish_copy() override { return {}; }
  bool read_only() const override { return database_->read_only(); }
  Readers& readers() override {
    if (!readers_) readers_ = sqlite_readers(*database_);
    return *readers_;
  }
  void set_revision_observer(std::unique_ptr<RevisionObserver> observer) override {
    observer_ = std::move(observer);
  }

 private:
  Result<void> run(std::string_view sql) {
    Result<Query> statement = database_->query(sql);
    NEWSVAULT_TRY(statement);
    return statement->run();
  }

  // The latest revision of an article, as save_revision compares with it.
  struct Latest {
    std::int64_t article_id = 0;
    int number = 0;
    std::string content_hash;
    std::string origin;
    std::string payload_hash;
    std::string entry_hash;
    bool removed = false;
    std::string entry_fingerprint;
  };

  static Latest read_latest(const Query& row) {
    return Latest{row.integer(0), static_cast<int>(row.integer(1)), row.text(2), row.text(3),
                  row.text(4),    row.text(5),                      row.integer(6) != 0,
                  row.text(7)};
  }

  // The article `feed_id` knows by `key` (its own or one it lists), else,
  // for a shared key, one another feed with the same adapter holds, which
  // is linked to this feed; nullopt for a new article. One query for the
  // common case.
  Result<std::optional<Latest>> find_latest(std::int64_t feed_id, const ArticleRevision& revision,
                                            Timestamp seen_at) {
    {
      Result<Query> select = database_->query(kSelectLatestOfFeed);
      NEWSVAULT_TRY(select);
      select->bind(1, feed_id).bind(2, revision.key);
      Result<std::optional<Latest>> own = select->first_row(read_latest);
      NEWSVAULT_TRY(own);
      if (*own || !revision.shared_key) return own;
    }
    Result<std::optional<std::int64_t>> shared = find_article(feed_id, revision.key, true);
    NEWSVAULT_TRY(shared);
    if (!*shared) return std::optional<Latest>();
    NEWSVAULT_TRY(link(feed_id, **shared, revision.key, seen_at));
    Result<Query> select = database_->query(kSelectLatest);
    NEWSVAULT_TRY(select);
    select->bind(1, **shared);
    Result<std::optional<Latest>> latest = select->first_row(read_latest);
    NEWSVAULT_TRY(latest);
    if (!*latest) {
      return make_error(ErrorCode::kInternal, "article " + std::to_string(**shared) + " has no revision");
    }
    return latest;
  }

  // Why a revision that differs from `latest` exists (store.h, Provenance).
  Result<std::pair<Cause, std::string>> cause_of(std::int64_t article_id, const Latest& latest,
                                                 const Provenance& next) {
    using Reason = std::pair<Cause, std::string>;
    if (!next.entry_hash.empty() && !latest.entry_hash.empty() &&
        next.entry_hash != latest.entry_hash) {
      return Reason{Cause::kSource, "the entry changed in its feed"};
    }
    const bool fetched = next.origin == "page" || next.origin == "api";
    const std::string what = next.origin == "page" ? "the page" : "the API document";
    if (fetched) {
      std::string last_payload = latest.origin == next.origin ? latest.payload_hash : std::string();
      if (latest.origin != next.origin) {
        Result<Query> select = database_->query(kSelectLastPayload);
        NEWSVAULT_TRY(select);
        select->bind(1, article_id).bind(2, next.origin);
        Result<std::optional<std::string>> found =
            select->first_row([](const Query& row) { return row.text(0); });
        NEWSVAULT_TRY(found);
        if (*found) last_payload = **found;
      }
      if (!last_payload.empty()) {
        if (last_payload != next.payload_hash) return Reason{Cause::kSource, what + " changed"};
        return Reason{Cause::kProcessing, "newsvault's processing changed"};
      }
      if (latest.origin == "entry") return Reason{Cause::kProcessing, "full text from " + what};
      return Reason{Cause::kSource, "changed"};
    }
    // From the entry itself: its fields are as they were.
    if (latest.origin.empty() || latest.entry_hash.empty() || next.origin.empty()) {
      return Reason{Cause::kSource, "changed"};
    }
    if (latest.origin != "entry") {
      return Reason{Cause::kProcessing, "the entry's own text, in place of its page's"};
    }
    return Reason{Cause::kProcessing, "newsvault's processing changed"};
  }

  // save_revision's reads and writes, inside its transaction; the observer
  // is told by the caller (save_revisions).
  Result<SaveResult> save_in_transaction(std::int64_t feed_id, const PreparedRevision& prepared,
                                         Timestamp seen_at) {
    const ArticleRevision& revision = prepared.revision;
    const std::string& hash = prepared.content_hash;
    SaveResult saved;
    Provenance provenance = revision.provenance;
    Result<std::optional<Latest>> existing = find_latest(feed_id, revision, seen_at);
    NEWSVAULT_TRY(existing);
    if (*existing) {
      const Latest* latest = &**existing;
      saved.article_id = latest->article_id;
      const bool entry_unchanged =
          latest->entry_hash.empty() || latest->entry_hash == provenance.entry_hash;
      if (!revision.stand_in && latest->removed) {
        Result<Query> clear = database_->query(kClearRemoved);
        NEWSVAULT_TRY(clear);
        clear->bind(1, saved.article_id);
        NEWSVAULT_TRY(clear->run());
      }
      if (latest->content_hash == hash || (revision.stand_in && entry_unchanged)) {
        saved.change = Change::kUnchanged;
        saved.revision = latest->number;
        if (latest->entry_fingerprint != revision.entry_fingerprint) {
          Result<Query> update = database_->query(kUpdateFingerprint);
          NEWSVAULT_TRY(update);
          update->bind(1, saved.article_id).bind(2, revision.entry_fingerprint);
          NEWSVAULT_TRY(update->run());
        }
        return saved;
      }
      Result<std::pair<Cause, std::string>> cause = cause_of(saved.article_id, *latest, provenance);
      NEWSVAULT_TRY(cause);
      provenance.cause = cause->first;
      provenance.note = std::move(cause->second);
      saved.change = Change::kUpdated;
      saved.revision = latest->number + 1;
      Result<Query> update = database_->query(kUpdateArticle);
      NEWSVAULT_TRY(update);
      update->bind(1, saved.article_id)
          .bind(2, revision.title)
          .bind(3, revision.url)
          .bind(4, revision.published)
          .bind(5, seen_at)
          .bind(6, std::int64_t{saved.revision})
          .bind(7, revision.document_path)
          .bind(8, revision.entry_fingerprint);
      NEWSVAULT_TRY(update->run());
    } else {
      provenance.cause = Cause::kSource;
      provenance.note = "first archived";
      Result<Query> insert = database_->query(kInsertArticle);
      NEWSVAULT_TRY(insert);
      insert->bind(1, feed_id)
          .bind(2, revision.key)
          .bind(3, revision.title)
          .bind(4, revision.url)
          .bind(5, revision.published)
          .bind(6, seen_at)
          .bind(7, revision.document_path)
          .bind(8, revision.entry_fingerprint);
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
      NEWSVAULT_TRY(link(feed_id, saved.article_id, revision.key, seen_at));
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
        .bind(9, revision.document_path)
        .bind(10, provenance.origin)
        .bind(11, provenance.url)
        .bind(12, std::int64_t{provenance.http_status})
        .bind(13, provenance.etag)
        .bind(14, provenance.last_modified)
        .bind(15, provenance.payload_hash)
        .bind(16, provenance.entry_hash)
        .bind(17, cause_name(provenance.cause))
        .bind(18, provenance.note)
        .bind(19, provenance.record)
        .bind(20, revision.language);
    NEWSVAULT_TRY(insert->run());
    return saved;
  }

  Result<void> link(std::int64_t feed_id, std::int64_t article_id, std::string_view key,
                    Timestamp seen_at) {
    Result<Query> insert = database_->query(kLinkArticle);
    NEWSVAULT_TRY(insert);
    insert->bind(1, feed_id).bind(2, article_id).bind(3, key).bind(4, seen_at);
    return insert->run();
  }

  std::unique_ptr<Database> database_;
  std::unique_ptr<Readers> readers_;  // on database_
  // Declared after the database: it may hold statements of its connection,
  // which must be finalized before the connection closes.
  std::unique_ptr<RevisionObserver> observer_;
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

std::string sha256_hex(std::string_view bytes) {
  Result<std::string> hash = content_hash(bytes);
  return hash ? std::move(*hash) : std::string();
}

std::string_view cause_name(Cause cause) {
  return cause == Cause::kProcessing ? "processing" : "source";
}

ArticleStatus status_of(const ArticleSummary& article) {
  if (article.removed_at) return ArticleStatus::kRemoved;
  if (article.delisted_at) return ArticleStatus::kDelisted;
  return ArticleStatus::kListed;
}

std::string_view status_name(ArticleStatus status) {
  switch (status) {
    case ArticleStatus::kRemoved: return "removed";
    case ArticleStatus::kDelisted: return "delisted";
    case ArticleStatus::kListed: break;
  }
  return "listed";
}

Result<SaveResult> Store::save_revision(std::int64_t feed_id, const ArticleRevision& revision,
                                        Timestamp seen_at) {
  Result<PreparedRevision> prepared = prepare_revision(revision);
  NEWSVAULT_TRY(prepared);
  return save_revision(feed_id, *prepared, seen_at);
}

std::string display_location(std::string_view location) { return postgresql::hide_password(location); }

bool is_postgresql_location(std::string_view location) { return postgresql::is_postgresql(location); }

Result<std::unique_ptr<Store>> Store::open(const std::string& path, Access access) {
  if (postgresql::is_postgresql(path)) return postgresql::open_store(path, access);
  Result<std::unique_ptr<Database>> database =
      Database::open(path, access == Access::kRead ? OpenMode::kRead : OpenMode::kReadWrite);
  NEWSVAULT_TRY(database);
  NEWSVAULT_TRY(migrate(**database));
  return std::make_unique<SqliteStore>(std::move(*database));
}

}  // namespace newsvault::store
