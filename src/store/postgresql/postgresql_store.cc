#include "store/postgresql/postgresql_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>
#include <utility>

#include "store/copy_store.h"
#include "store/packed_content.h"
#include "store/postgresql/connection.h"
#include "store/postgresql/migrations.h"
#include "store/postgresql/readers.h"
#include "store/try.h"
#include "store/row_text.h"

namespace newsvault::store::postgresql {
namespace {

Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

FeedRecord read_feed(const Rows& rows, int row) {
  FeedRecord feed;
  feed.id = rows.integer(row, 0);
  feed.name = rows.text(row, 1);
  feed.url = rows.text(row, 2);
  feed.adapter = rows.text(row, 3);
  feed.etag = rows.text(row, 4);
  feed.last_modified = rows.text(row, 5);
  feed.last_fetched = rows.optional_time(row, 6);
  feed.last_error = rows.text(row, 7);
  return feed;
}

constexpr std::string_view kFeedColumns =
    "SELECT id, name, url, adapter, etag, last_modified, last_fetched, last_error FROM feeds ";

// As the SQLite engine's article columns (store.cc), in PostgreSQL's
// words: string_agg for group_concat, and undated articles last.
#define NEWSVAULT_ARTICLE_COLUMNS                                                                  \
  "SELECT a.id, a.feed_id, f.name, a.key, a.title, a.url, a.published, a.first_seen, "            \
  "a.last_changed, a.latest_revision, a.document_path, a.delisted_at, a.removed_at, "              \
  "a.removed_reason, "                                                                             \
  "(SELECT string_agg(o.id || chr(31) || o.name, chr(30)) FROM feed_articles fa "                  \
  " JOIN feeds o ON o.id = fa.feed_id WHERE fa.article_id = a.id AND fa.feed_id <> a.feed_id), "   \
  "(SELECT count(*) FROM revisions r WHERE r.article_id = a.id AND r.number > 1 "                 \
  " AND r.cause = 'source'), "                                                                     \
  "l.origin, l.fetched_url, l.http_status, l.etag, l.last_modified, l.payload_hash, "              \
  "l.entry_hash "                                                                                  \
  "FROM articles a JOIN feeds f ON f.id = a.feed_id "                                              \
  "LEFT JOIN revisions l ON l.article_id = a.id AND l.number = a.latest_revision "
#define NEWSVAULT_NEWEST_FIRST "ORDER BY a.published DESC NULLS LAST, a.first_seen DESC, a.id DESC"
constexpr std::string_view kSelectArticles = NEWSVAULT_ARTICLE_COLUMNS NEWSVAULT_NEWEST_FIRST;
constexpr std::string_view kSelectArticlesOfFeed =
    NEWSVAULT_ARTICLE_COLUMNS
    "WHERE a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = $1) " NEWSVAULT_NEWEST_FIRST;
constexpr std::string_view kSelectArticle = NEWSVAULT_ARTICLE_COLUMNS "WHERE a.id = $1";
#undef NEWSVAULT_NEWEST_FIRST
#undef NEWSVAULT_ARTICLE_COLUMNS

ArticleSummary read_article(const Rows& rows, int row) {
  ArticleSummary article;
  article.id = rows.integer(row, 0);
  article.feed_id = rows.integer(row, 1);
  article.feed_name = rows.text(row, 2);
  article.key = rows.text(row, 3);
  article.title = rows.text(row, 4);
  article.url = rows.text(row, 5);
  article.published = rows.optional_time(row, 6);
  article.first_seen = rows.time(row, 7);
  article.last_changed = rows.time(row, 8);
  article.revisions = static_cast<int>(rows.integer(row, 9));
  article.document_path = rows.text(row, 10);
  article.delisted_at = rows.optional_time(row, 11);
  article.removed_at = rows.optional_time(row, 12);
  article.removed_reason = rows.text(row, 13);
  article.feed_ids.push_back(article.feed_id);
  article.feed_names.push_back(article.feed_name);
  add_listing_feeds(article, rows.text(row, 14));
  article.source_changes = static_cast<int>(rows.integer(row, 15));
  article.latest.origin = rows.text(row, 16);
  article.latest.url = rows.text(row, 17);
  article.latest.http_status = static_cast<long>(rows.integer(row, 18));
  article.latest.etag = rows.text(row, 19);
  article.latest.last_modified = rows.text(row, 20);
  article.latest.payload_hash = rows.text(row, 21);
  article.latest.entry_hash = rows.text(row, 22);
  return article;
}

PendingWork read_work(const Rows& rows, int row) {
  PendingWork work;
  work.kind = rows.text(row, 0);
  work.feed_id = rows.integer(row, 1);
  work.key = rows.text(row, 2);
  work.url = rows.text(row, 3);
  work.detail = rows.text(row, 4);
  work.attempts = static_cast<int>(rows.integer(row, 5));
  work.next_attempt = rows.time(row, 6);
  work.last_error = rows.text(row, 7);
  work.first_queued = rows.time(row, 8);
  return work;
}

ImageRecord read_image(const Rows& rows, int row) {
  ImageRecord image;
  image.url = rows.text(row, 0);
  image.sha256 = rows.text(row, 1);
  image.type = rows.text(row, 2);
  image.bytes = rows.integer(row, 3);
  image.width = rows.integer(row, 4);
  image.height = rows.integer(row, 5);
  image.refusal = rows.text(row, 6);
  image.attempts = static_cast<int>(rows.integer(row, 7));
  image.fetched = rows.optional_time(row, 8);
  return image;
}

template <typename T, typename Read>
std::vector<T> all_rows(const Rows& rows, Read read) {
  std::vector<T> items;
  items.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) items.push_back(read(rows, row));
  return items;
}

// record_listing's statements: $1 the feed, $2 the keys it lists now (a
// text[]), $3 the time of the poll, as the SQLite engine's (store.cc).
constexpr std::string_view kLinkSharedKeys =
    "INSERT INTO feed_articles (feed_id, article_id, key, first_listed) "
    "SELECT $1::bigint, min(fa.article_id), fa.key, $3::bigint FROM feed_articles fa JOIN feeds f ON f.id = fa.feed_id "
    "WHERE fa.key = ANY($2::text[]) AND f.adapter <> '' "
    "AND f.adapter = (SELECT adapter FROM feeds WHERE id = $1) "
    "AND fa.key NOT IN (SELECT key FROM feed_articles WHERE feed_id = $1) "
    "GROUP BY fa.key ON CONFLICT DO NOTHING";
constexpr std::string_view kSelectLeaving =
    "SELECT fa.article_id FROM feed_articles fa JOIN articles a ON a.id = fa.article_id "
    "WHERE fa.feed_id = $1 AND fa.listed = 1 AND a.last_listed IS NOT NULL "
    "AND NOT (fa.key = ANY($2::text[])) "
    "AND a.published > (SELECT min(b.published) FROM feed_articles fb "
    "                   JOIN articles b ON b.id = fb.article_id "
    "                   WHERE fb.feed_id = $1 AND fb.key = ANY($2::text[])) ORDER BY fa.article_id";
constexpr std::string_view kMarkListedInFeed =
    "UPDATE feed_articles SET listed = (key = ANY($2::text[]))::int WHERE feed_id = $1";
constexpr std::string_view kDropListedRechecks =
    "DELETE FROM pending_work WHERE kind = 'recheck' AND (feed_id, key) IN "
    "(SELECT a.feed_id, a.key FROM articles a WHERE a.id IN (SELECT article_id FROM feed_articles "
    " WHERE feed_id = $1 AND key = ANY($2::text[])))";
constexpr std::string_view kMarkListed =
    "UPDATE articles SET last_listed = $3, delisted_at = NULL, "
    "removed_at = CASE WHEN delisted_at IS NULL THEN removed_at END, "
    "removed_reason = CASE WHEN delisted_at IS NULL THEN removed_reason ELSE '' END "
    "WHERE id IN (SELECT article_id FROM feed_articles WHERE feed_id = $1 AND key = ANY($2::text[]))";
// Delisted once no feed lists it; its re-check queued at once.
constexpr std::string_view kMarkDelisted =
    "WITH delisted AS (UPDATE articles SET delisted_at = $2::bigint WHERE id = $1::bigint "
    "AND delisted_at IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM feed_articles WHERE article_id = $1::bigint AND listed = 1) "
    "RETURNING feed_id, key, url) "
    "INSERT INTO pending_work (kind, feed_id, key, url, detail, attempts, next_attempt, last_error, "
    "first_queued) SELECT 'recheck', feed_id, key, url, '', 0, $2::bigint, '', $2::bigint FROM delisted "
    "ON CONFLICT (kind, feed_id, key) DO UPDATE SET url = excluded.url, detail = excluded.detail, "
    "attempts = excluded.attempts, next_attempt = excluded.next_attempt, last_error = excluded.last_error";

constexpr std::string_view kSaveRevision =
    "SELECT o_change, o_article_id, o_revision FROM newsvault_save_revision_in($1, $2, $3, $4, $5, $6, "
    "$7, $8, $9, $10::bytea, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)";

// The advisory lock of the archive's one publisher ("nvpublsh").
constexpr std::int64_t kPublisherLock = 0x6e767075'626c7368LL;

class PostgresqlStore final : public Store {
 public:
  PostgresqlStore(std::unique_ptr<Connection> connection, bool read_only)
      : connection_(std::move(connection)), read_only_(read_only) {}

  std::int64_t round_trips() const override { return connection_->round_trips(); }

  Result<FeedRecord> add_feed(std::string_view name, std::string_view url,
                              std::string_view adapter) override {
    if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "a feed needs a name");
    Params params;
    params.add(name).add(url).add(adapter).add(now());
    auto inserted = connection_->execute(
        "INSERT INTO feeds (name, url, adapter, created) VALUES ($1, $2, $3, $4) RETURNING id", params);
    if (!inserted) {
      if (connection_->sqlstate() == kUniqueViolation) {
        return make_error(ErrorCode::kInvalidArgument, "a feed named " + std::string(name) + " already exists");
      }
      return std::unexpected(inserted.error());
    }
    FeedRecord feed;
    feed.id = inserted->integer(0, 0);
    feed.name = name;
    feed.url = url;
    feed.adapter = adapter;
    return feed;
  }

  Result<std::vector<FeedRecord>> feeds() override {
    auto rows = connection_->execute(std::string(kFeedColumns) + "ORDER BY name");
    NEWSVAULT_TRY(rows);
    return all_rows<FeedRecord>(*rows, read_feed);
  }

  Result<std::optional<FeedRecord>> feed_by_name(std::string_view name) override {
    Params params;
    params.add(name);
    auto rows = connection_->execute(std::string(kFeedColumns) + "WHERE name = $1", params);
    NEWSVAULT_TRY(rows);
    if (rows->size() == 0) return std::optional<FeedRecord>();
    return std::optional<FeedRecord>(read_feed(*rows, 0));
  }

  Result<void> record_fetch(const FeedRecord& feed) override {
    Params params;
    params.add(feed.id).add(feed.url).add(feed.etag).add(feed.last_modified).add(feed.last_fetched).add(
        feed.last_error);
    auto updated = connection_->execute(
        "UPDATE feeds SET url = $2, etag = $3, last_modified = $4, last_fetched = $5, last_error = $6 "
        "WHERE id = $1",
        params);
    NEWSVAULT_TRY(updated);
    if (updated->affected() == 0) {
      return make_error(ErrorCode::kNotFound, "record_fetch: no feed with id " + std::to_string(feed.id));
    }
    return {};
  }

  Result<void> update_feed(std::int64_t feed_id, std::string_view name, std::string_view adapter) override {
    if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "a feed needs a name");
    Params params;
    params.add(feed_id).add(name).add(adapter);
    auto updated = connection_->execute("UPDATE feeds SET name = $2, adapter = $3 WHERE id = $1", params);
    if (!updated) {
      if (connection_->sqlstate() == kUniqueViolation) {
        return make_error(ErrorCode::kInvalidArgument, "a feed named " + std::string(name) + " already exists");
      }
      return std::unexpected(updated.error());
    }
    if (updated->affected() == 0) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
    }
    return {};
  }

  Result<std::vector<std::string>> purge_feed(std::int64_t feed_id) override {
    std::vector<std::string> documents;
    Result<void> purged = connection_->transaction([&]() -> Result<void> {
      documents.clear();
      Params feed;
      feed.add(feed_id);
      // Articles this feed holds alone go; the others become the feed's
      // that lists them (their document stays where it is).
      auto own = connection_->execute(
          "SELECT id, document_path FROM articles a WHERE (a.feed_id = $1 OR EXISTS (SELECT 1 "
          "FROM feed_articles f WHERE f.article_id = a.id AND f.feed_id = $1)) AND NOT EXISTS "
          "(SELECT 1 FROM feed_articles f WHERE f.article_id = a.id AND f.feed_id <> $1) ORDER BY id",
          feed);
      NEWSVAULT_TRY(own);
      std::vector<std::string> ids;
      for (int row = 0; row < own->size(); ++row) {
        ids.push_back(own->text(row, 0));
        documents.push_back(own->text(row, 1));
      }
      Params articles;
      articles.add_array(ids);
      std::vector<Connection::Statement> statements;
      for (std::string_view sql : {"DELETE FROM user_articles WHERE article_id = ANY($1::bigint[])",
                                   "DELETE FROM revisions WHERE article_id = ANY($1::bigint[])",
                                   "DELETE FROM article_images WHERE article_id = ANY($1::bigint[])",
                                   "DELETE FROM feed_articles WHERE article_id = ANY($1::bigint[])",
                                   "DELETE FROM articles WHERE id = ANY($1::bigint[])"}) {
        statements.push_back({sql, articles});
      }
      for (std::string_view sql :
           {"UPDATE articles SET feed_id = (SELECT MIN(f.feed_id) FROM feed_articles f WHERE "
            "f.article_id = articles.id AND f.feed_id <> $1) WHERE feed_id = $1",
            "DELETE FROM feed_articles WHERE feed_id = $1", "DELETE FROM pending_work WHERE feed_id = $1",
            "DELETE FROM poll_schedule WHERE feed_id = $1", "DELETE FROM feed_bodies WHERE feed_id = $1",
            "DELETE FROM feeds WHERE id = $1"}) {
        statements.push_back({sql, feed});
      }
      auto done = connection_->execute_all(statements);
      NEWSVAULT_TRY(done);
      if (done->back().affected() == 0) {
        return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
      }
      return {};
    });
    NEWSVAULT_TRY(purged);
    return documents;
  }

  Result<std::pair<std::string, std::string>> validators(std::string_view url) override {
    Params params;
    params.add(url);
    auto rows = connection_->execute("SELECT etag, last_modified FROM url_validators WHERE url = $1", params);
    NEWSVAULT_TRY(rows);
    if (rows->size() == 0) return std::pair<std::string, std::string>();
    return std::pair(rows->text(0, 0), rows->text(0, 1));
  }

  Result<void> set_validators(std::string_view url, std::string_view etag,
                              std::string_view last_modified) override {
    Params params;
    params.add(url).add(etag).add(last_modified);
    auto done = connection_->execute(
        "INSERT INTO url_validators (url, etag, last_modified) VALUES ($1, $2, $3) ON CONFLICT (url) "
        "DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified",
        params);
    NEWSVAULT_TRY(done);
    return {};
  }

  Result<SaveResult> save_revision(std::int64_t feed_id, const PreparedRevision& revision,
                                   Timestamp seen_at) override {
    const RevisionToSave one{feed_id, &revision};
    Result<std::vector<SaveResult>> saved = save_revisions({&one, 1}, seen_at);
    NEWSVAULT_TRY(saved);
    return saved->front();
  }

  // The batch's calls of newsvault_save_revision go in one pipeline: one
  // round trip for the batch, and the begin and end of its transaction.
  Result<std::vector<SaveResult>> save_revisions(std::span<const RevisionToSave> revisions,
                                                 Timestamp seen_at) override {
    for (const RevisionToSave& item : revisions) {
      if (item.revision->revision.key.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "save_revision: an article needs a key");
      }
    }
    std::vector<Connection::Statement> statements;
    statements.reserve(revisions.size());
    for (const RevisionToSave& item : revisions) {
      const PreparedRevision& prepared = *item.revision;
      const ArticleRevision& revision = prepared.revision;
      const Provenance& provenance = revision.provenance;
      Params params;
      params.add(item.feed_id)
          .add(revision.key)
          .add(revision.shared_key)
          .add(revision.stand_in)
          .add(seen_at)
          .add(prepared.content_hash)
          .add(revision.title)
          .add(revision.url)
          .add(revision.published)
          .add_bytes(prepared.packed_content)
          .add(revision.document_path)
          .add(provenance.origin)
          .add(provenance.url)
          .add(std::int64_t{provenance.http_status})
          .add(provenance.etag)
          .add(provenance.last_modified)
          .add(provenance.payload_hash)
          .add(provenance.entry_hash)
          .add(provenance.record)
          .add(revision.entry_fingerprint)
          .add(revision.language);
      statements.push_back({kSaveRevision, std::move(params)});
    }
    std::vector<SaveResult> saved;
    Result<void> done = connection_->transaction([&]() -> Result<void> {
      saved.clear();
      auto results = connection_->execute_all(statements);
      if (!results) {
        if (connection_->sqlstate() == kForeignKeyViolation) {
          return make_error(ErrorCode::kNotFound, results.error().message());
        }
        return std::unexpected(results.error());
      }
      for (const Rows& rows : *results) {
        SaveResult result;
        const std::string change = rows.text(0, 0);
        result.change = change == "new" ? Change::kNew : change == "updated" ? Change::kUpdated : Change::kUnchanged;
        result.article_id = rows.integer(0, 1);
        result.revision = static_cast<int>(rows.integer(0, 2));
        saved.push_back(result);
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
    auto rows = connection_->execute(
        "SELECT fa.feed_id, a.entry_fingerprint FROM feed_articles fa JOIN articles a ON a.id = fa.article_id "
        "WHERE fa.listed = 1 AND a.entry_fingerprint <> '' AND a.removed_at IS NULL");
    NEWSVAULT_TRY(rows);
    std::map<std::int64_t, std::vector<std::string>> fingerprints;
    for (int row = 0; row < rows->size(); ++row) {
      fingerprints[rows->integer(row, 0)].push_back(rows->text(row, 1));
    }
    return fingerprints;
  }

  Result<std::vector<std::int64_t>> articles_needing_documents() override {
    auto rows = connection_->execute("SELECT id FROM articles WHERE document_revision < latest_revision ORDER BY id");
    NEWSVAULT_TRY(rows);
    return all_rows<std::int64_t>(*rows, [](const Rows& r, int row) { return r.integer(row, 0); });
  }

  Result<void> mark_document_written(std::int64_t article_id, int revision) override {
    Params params;
    params.add(article_id).add(std::int64_t{revision});
    auto updated = connection_->execute(
        "UPDATE articles SET document_revision = greatest(document_revision, $2) "
        "WHERE id = $1 AND $2 <= latest_revision",
        params);
    NEWSVAULT_TRY(updated);
    if (updated->affected() == 1) return {};
    Params article;
    article.add(article_id);
    auto latest = connection_->execute("SELECT latest_revision FROM articles WHERE id = $1", article);
    NEWSVAULT_TRY(latest);
    if (latest->size() == 0) {
      return make_error(ErrorCode::kNotFound,
                        "mark_document_written: no article with id " + std::to_string(article_id));
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "mark_document_written: article " + std::to_string(article_id) + " has no revision " +
                          std::to_string(revision) + " (latest is " + latest->text(0, 0) + ")");
  }

  Result<std::size_t> record_listing(std::int64_t feed_id, const std::vector<std::string>& keys,
                                     Timestamp seen_at) override {
    std::size_t delisted = 0;
    Result<void> done = connection_->transaction([&]() -> Result<void> {
      delisted = 0;
      // A statement is sent only the parameters it names.
      Params listed;
      listed.add(feed_id).add_array(keys);
      Params at_poll = listed;
      at_poll.add(seen_at);
      std::vector<Connection::Statement> statements;
      for (std::string_view sql :
           {kLinkSharedKeys, kSelectLeaving, kMarkListedInFeed, kDropListedRechecks, kMarkListed}) {
        const bool timed = sql == kLinkSharedKeys || sql == kMarkListed;
        statements.push_back({sql, timed ? at_poll : listed});
      }
      auto results = connection_->execute_all(statements);
      NEWSVAULT_TRY(results);
      const Rows& leaving = (*results)[1];
      std::vector<Connection::Statement> marks;
      for (int row = 0; row < leaving.size(); ++row) {
        Params mark;
        mark.add(leaving.integer(row, 0)).add(seen_at);
        marks.push_back({kMarkDelisted, std::move(mark)});
      }
      auto marked = connection_->execute_all(marks);
      NEWSVAULT_TRY(marked);
      for (const Rows& rows : *marked) delisted += rows.affected() > 0 ? 1 : 0;
      return {};
    });
    NEWSVAULT_TRY(done);
    return delisted;
  }

  Result<std::optional<std::int64_t>> find_article(std::int64_t feed_id, std::string_view key,
                                                   bool shared) override {
    Params params;
    params.add(feed_id).add(key);
    auto own = connection_->execute("SELECT article_id FROM feed_articles WHERE feed_id = $1 AND key = $2", params);
    NEWSVAULT_TRY(own);
    if (own->size() > 0) return std::optional<std::int64_t>(own->integer(0, 0));
    if (!shared) return std::optional<std::int64_t>();
    auto other = connection_->execute(
        "SELECT fa.article_id FROM feed_articles fa JOIN feeds f ON f.id = fa.feed_id "
        "WHERE fa.key = $2 AND f.adapter <> '' AND f.adapter = (SELECT adapter FROM feeds WHERE id = $1) "
        "ORDER BY fa.article_id LIMIT 1",
        params);
    NEWSVAULT_TRY(other);
    if (other->size() > 0) return std::optional<std::int64_t>(other->integer(0, 0));
    return std::optional<std::int64_t>();
  }

  Result<bool> mark_removed(std::int64_t article_id, Timestamp at, std::string_view reason) override {
    Params params;
    params.add(article_id).add(at).add(reason);
    auto updated = connection_->execute(
        "UPDATE articles SET removed_at = $2, removed_reason = $3 WHERE id = $1 AND removed_at IS NULL", params);
    NEWSVAULT_TRY(updated);
    return updated->affected() == 1;
  }

  Result<void> save_image(const ImageRecord& image) override {
    Params params;
    params.add(image.url)
        .add(image.sha256)
        .add(image.type)
        .add(image.bytes)
        .add(image.width)
        .add(image.height)
        .add(image.refusal)
        .add(std::int64_t{image.attempts})
        .add(image.fetched);
    auto done = connection_->execute(
        "INSERT INTO images (url, sha256, type, bytes, width, height, refusal, attempts, fetched) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (url) DO UPDATE SET "
        "sha256 = excluded.sha256, type = excluded.type, bytes = excluded.bytes, width = excluded.width, "
        "height = excluded.height, refusal = excluded.refusal, attempts = excluded.attempts, "
        "fetched = excluded.fetched",
        params);
    NEWSVAULT_TRY(done);
    return {};
  }

  // One statement an article, all of them in one pipeline: each article
  // held (FOR SHARE) while its links are added, each URL it shows already
  // keeping its place and the new ones going after the last, in order.
  using Store::link_images;
  Result<void> link_images(std::span<const ImageLinks> articles) override {
    constexpr std::string_view kLink =
        "WITH article AS (SELECT id FROM articles WHERE id = $1 FOR SHARE), "
        "last AS (SELECT coalesce(max(position), 0) AS position FROM article_images WHERE article_id = $1), "
        "added AS (INSERT INTO article_images (article_id, url, position) "
        "SELECT article.id, shown.url, last.position + shown.n "
        "FROM article, last, unnest($2::text[]) WITH ORDINALITY AS shown (url, n) "
        "ON CONFLICT (article_id, url) DO NOTHING) "
        "SELECT count(*) FROM article";
    std::vector<Connection::Statement> statements;
    for (const ImageLinks& article : articles) {
      Params link;
      link.add(article.article_id).add_array(article.urls);
      statements.push_back({kLink, std::move(link)});
    }
    if (statements.empty()) return {};
    return connection_->transaction([&]() -> Result<void> {
      auto linked = connection_->execute_all(statements);
      NEWSVAULT_TRY(linked);
      for (std::size_t i = 0; i < linked->size(); ++i) {
        if ((*linked)[i].integer(0, 0) == 0) {
          return make_error(ErrorCode::kNotFound, "no article with id " + std::to_string(articles[i].article_id));
        }
      }
      return {};
    });
  }

  Result<std::vector<ImageRecord>> images() override {
    auto rows = connection_->execute(
        "SELECT url, sha256, type, bytes, width, height, refusal, attempts, fetched FROM images ORDER BY url COLLATE \"C\"");
    NEWSVAULT_TRY(rows);
    return all_rows<ImageRecord>(*rows, read_image);
  }

  Result<std::vector<std::string>> article_images(std::int64_t article_id) override {
    Params params;
    params.add(article_id);
    auto rows = connection_->execute(
        "SELECT url FROM article_images WHERE article_id = $1 ORDER BY position", params);
    NEWSVAULT_TRY(rows);
    return all_rows<std::string>(*rows, [](const Rows& r, int row) { return r.text(row, 0); });
  }

  Result<std::vector<ImageRecord>> images_shown(const std::vector<std::int64_t>& article_ids) override {
    if (article_ids.empty()) return std::vector<ImageRecord>{};
    std::vector<std::string> ids;
    for (const std::int64_t id : article_ids) ids.push_back(std::to_string(id));
    Params params;
    params.add_array(ids);
    auto rows = connection_->execute(
        "SELECT url, sha256, type, bytes, width, height, refusal, attempts, fetched FROM images WHERE url IN "
        "(SELECT url FROM article_images WHERE article_id = ANY($1::bigint[])) ORDER BY url COLLATE \"C\"",
        params);
    NEWSVAULT_TRY(rows);
    return all_rows<ImageRecord>(*rows, read_image);
  }

  Result<std::vector<std::int64_t>> articles_showing(const std::vector<std::string>& urls) override {
    if (urls.empty()) return std::vector<std::int64_t>{};
    Params params;
    params.add_array(urls);
    auto rows = connection_->execute(
        "SELECT DISTINCT article_id FROM article_images WHERE url = ANY($1::text[]) ORDER BY article_id", params);
    NEWSVAULT_TRY(rows);
    return all_rows<std::int64_t>(*rows, [](const Rows& r, int row) { return r.integer(row, 0); });
  }

  // All in one pipeline: one round trip.
  using Store::queue_work;
  Result<void> queue_work(std::span<const PendingWork> items) override {
    std::vector<Connection::Statement> statements;
    for (const PendingWork& work : items) {
      Params params;
      params.add(work.kind)
          .add(work.feed_id)
          .add(work.key)
          .add(work.url)
          .add(work.detail)
          .add(std::int64_t{work.attempts})
          .add(work.next_attempt)
          .add(work.last_error)
          .add(work.first_queued);
      statements.push_back(
          {work.keep_tries
               ? "INSERT INTO pending_work (kind, feed_id, key, url, detail, attempts, next_attempt, last_error, "
                 "first_queued) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (kind, feed_id, key) DO UPDATE "
                 "SET url = excluded.url, detail = excluded.detail"
               : "INSERT INTO pending_work (kind, feed_id, key, url, detail, attempts, next_attempt, last_error, "
                 "first_queued) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (kind, feed_id, key) DO UPDATE "
                 "SET url = excluded.url, detail = excluded.detail, attempts = excluded.attempts, "
                 "next_attempt = excluded.next_attempt, last_error = excluded.last_error",
           std::move(params)});
    }
    if (statements.size() == 1) {
      auto done = connection_->execute(statements[0].sql, statements[0].params);
      NEWSVAULT_TRY(done);
      return {};
    }
    auto done = connection_->execute_all(statements);
    NEWSVAULT_TRY(done);
    return {};
  }

  Result<void> finish_work(std::string_view kind, std::int64_t feed_id, std::string_view key) override {
    Params params;
    params.add(kind).add(feed_id).add(key);
    auto done =
        connection_->execute("DELETE FROM pending_work WHERE kind = $1 AND feed_id = $2 AND key = $3", params);
    NEWSVAULT_TRY(done);
    return {};
  }

  Result<std::vector<PendingWork>> pending_work(std::optional<Timestamp> due_by) override {
    constexpr std::string_view kColumns =
        "SELECT kind, feed_id, key, url, detail, attempts, next_attempt, last_error, first_queued "
        "FROM pending_work ";
    Params params;
    if (due_by) params.add(*due_by);
    auto rows = connection_->execute(
        std::string(kColumns) + (due_by ? "WHERE next_attempt <= $1 ORDER BY id" : "ORDER BY id"), params);
    NEWSVAULT_TRY(rows);
    return all_rows<PendingWork>(*rows, read_work);
  }

  Result<void> save_schedule(const PollSchedule& schedule) override {
    Params params;
    params.add(schedule.feed_id)
        .add(schedule.last_poll)
        .add(schedule.next_poll)
        .add(schedule.interval_seconds)
        .add(schedule.reason)
        .add(std::int64_t{schedule.failures})
        .add(dates_text(schedule.entry_dates));
    auto done = connection_->execute(
        "INSERT INTO poll_schedule (feed_id, last_poll, next_poll, interval_s, reason, failures, entry_dates) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (feed_id) DO UPDATE SET last_poll = excluded.last_poll, "
        "next_poll = excluded.next_poll, interval_s = excluded.interval_s, reason = excluded.reason, "
        "failures = excluded.failures, entry_dates = excluded.entry_dates",
        params);
    if (!done && connection_->sqlstate() == kForeignKeyViolation) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(schedule.feed_id));
    }
    NEWSVAULT_TRY(done);
    return {};
  }

  Result<std::map<std::int64_t, std::string>> feed_states() override {
    auto rows = connection_->execute("SELECT id, state FROM feeds WHERE state <> 'active'");
    NEWSVAULT_TRY(rows);
    std::map<std::int64_t, std::string> states;
    for (int row = 0; row < rows->size(); ++row) states[rows->integer(row, 0)] = rows->text(row, 1);
    return states;
  }

  Result<void> set_feed_state(std::int64_t feed_id, std::string_view state) override {
    NEWSVAULT_TRY(check_feed_state(state));
    Params params;
    params.add(feed_id).add(state);
    auto updated = connection_->execute("UPDATE feeds SET state = $2 WHERE id = $1", params);
    NEWSVAULT_TRY(updated);
    if (updated->affected() == 0) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
    }
    return {};
  }

  Result<std::optional<std::string>> feed_body(std::int64_t feed_id) override {
    Params params;
    params.add(feed_id);
    auto rows = connection_->execute("SELECT body FROM feed_bodies WHERE feed_id = $1", params);
    NEWSVAULT_TRY(rows);
    if (rows->size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(rows->bytes(0, 0));
  }

  Result<void> set_feed_body(std::int64_t feed_id, std::optional<std::string_view> body) override {
    Params params;
    params.add(feed_id);
    if (body) params.add_bytes(*body);
    auto done = connection_->execute(body ? "INSERT INTO feed_bodies (feed_id, body) VALUES ($1, $2::bytea) "
                                            "ON CONFLICT (feed_id) DO UPDATE SET body = excluded.body"
                                          : "DELETE FROM feed_bodies WHERE feed_id = $1",
                                     params);
    if (!done && connection_->sqlstate() == kForeignKeyViolation) {
      return make_error(ErrorCode::kNotFound, "no feed with id " + std::to_string(feed_id));
    }
    NEWSVAULT_TRY(done);
    return {};
  }

  // One statement, one round trip: the due feeds are locked as they are
  // picked, those another worker is leasing at this moment skipped rather
  // than waited for, and a lease that ran out is taken again by the same
  // query.
  Result<std::vector<std::int64_t>> lease_feeds(std::string_view owner, std::size_t limit, Timestamp now,
                                                Timestamp until) override {
    Params params;
    params.add(owner).add(until).add(now).add(static_cast<std::int64_t>(limit));
    auto rows = connection_->execute(
        "UPDATE feeds SET lease_owner = $1, lease_expires = $2 WHERE id IN ("
        "SELECT f.id FROM feeds f LEFT JOIN poll_schedule s ON s.feed_id = f.id "
        "WHERE f.state = 'active' AND (f.lease_expires IS NULL OR f.lease_expires <= $3) "
        "AND (s.next_poll IS NULL OR s.next_poll <= $3) ORDER BY s.next_poll NULLS FIRST, f.id LIMIT $4 "
        "FOR UPDATE OF f SKIP LOCKED) RETURNING id",
        params);
    NEWSVAULT_TRY(rows);
    std::vector<std::int64_t> leased;
    for (int row = 0; row < rows->size(); ++row) leased.push_back(rows->integer(row, 0));
    std::sort(leased.begin(), leased.end());
    return leased;
  }

  Result<std::size_t> renew_leases(std::string_view owner, Timestamp until) override {
    Params params;
    params.add(owner).add(until);
    // A row another transaction holds (the owner's own save of that feed,
    // on its other connection) is skipped, not waited for: waiting would
    // lock rows in another order than the save and deadlock with it. The
    // save ends within moments, and the next renewal takes the row.
    auto updated = connection_->execute(
        "UPDATE feeds SET lease_expires = $2 WHERE id IN "
        "(SELECT id FROM feeds WHERE lease_owner = $1 ORDER BY id FOR UPDATE SKIP LOCKED)",
        params);
    NEWSVAULT_TRY(updated);
    return static_cast<std::size_t>(updated->affected());
  }

  Result<void> release_leases(std::string_view owner, std::span<const std::int64_t> feed_ids) override {
    Params params;
    params.add(owner);
    std::vector<std::string> ids;
    for (const std::int64_t id : feed_ids) ids.push_back(std::to_string(id));
    params.add_array(ids);
    NEWSVAULT_TRY(connection_->execute(
        "UPDATE feeds SET lease_owner = '', lease_expires = NULL WHERE lease_owner = $1 "
        "AND (cardinality($2::bigint[]) = 0 OR id = ANY($2::bigint[]))",
        params));
    return {};
  }

  Result<std::optional<Timestamp>> next_lease_end(Timestamp now) override {
    Params params;
    params.add(now);
    auto rows = connection_->execute(
        "SELECT MIN(f.lease_expires) FROM feeds f LEFT JOIN poll_schedule s ON s.feed_id = f.id "
        "WHERE f.state = 'active' AND f.lease_expires > $1 AND (s.next_poll IS NULL OR s.next_poll <= $1)",
        params);
    NEWSVAULT_TRY(rows);
    return rows->optional_time(0, 0);
  }

  // A session lock: held until this connection closes, however it ends
  // (a killed publisher's ends with its connection).
  Result<bool> lock_publisher(bool wait) override {
    if (publisher_) return true;
    Params params;
    params.add(kPublisherLock);
    auto rows = connection_->execute(wait ? "SELECT pg_advisory_lock($1) IS NOT NULL"
                                          : "SELECT pg_try_advisory_lock($1)",
                                     params);
    NEWSVAULT_TRY(rows);
    publisher_ = rows->text(0, 0) == "t";
    return publisher_;
  }

  Result<std::vector<PollSchedule>> schedules() override {
    auto rows = connection_->execute(
        "SELECT feed_id, last_poll, next_poll, interval_s, reason, failures, entry_dates FROM poll_schedule "
        "ORDER BY feed_id");
    NEWSVAULT_TRY(rows);
    return all_rows<PollSchedule>(*rows, [](const Rows& r, int row) {
      PollSchedule schedule;
      schedule.feed_id = r.integer(row, 0);
      schedule.last_poll = r.optional_time(row, 1);
      schedule.next_poll = r.time(row, 2);
      schedule.interval_seconds = r.integer(row, 3);
      schedule.reason = r.text(row, 4);
      schedule.failures = static_cast<int>(r.integer(row, 5));
      schedule.entry_dates = dates_from_text(r.text(row, 6));
      return schedule;
    });
  }

  Result<std::vector<ArticleSummary>> articles(std::optional<std::int64_t> feed_id) override {
    Params params;
    if (feed_id) params.add(*feed_id);
    auto rows = connection_->execute(feed_id ? kSelectArticlesOfFeed : kSelectArticles, params);
    NEWSVAULT_TRY(rows);
    return all_rows<ArticleSummary>(*rows, read_article);
  }

  Result<std::optional<ArticleSummary>> article(std::int64_t article_id) override {
    Params params;
    params.add(article_id);
    auto rows = connection_->execute(kSelectArticle, params);
    NEWSVAULT_TRY(rows);
    if (rows->size() == 0) return std::optional<ArticleSummary>();
    return std::optional<ArticleSummary>(read_article(*rows, 0));
  }

  Result<std::vector<StoredRevision>> revisions(std::int64_t article_id) override {
    Params params;
    params.add(article_id);
    auto rows = connection_->execute(
        "SELECT r.number, r.seen_at, r.content_hash, a.key, r.title, r.url, r.published, r.content, "
        "r.document_path, r.origin, r.fetched_url, r.http_status, r.etag, r.last_modified, "
        "r.payload_hash, r.entry_hash, r.cause, r.note, r.warc_record, r.language FROM revisions r "
        "JOIN articles a ON a.id = r.article_id WHERE r.article_id = $1 ORDER BY r.number",
        params);
    NEWSVAULT_TRY(rows);
    std::vector<StoredRevision> revisions;
    for (int row = 0; row < rows->size(); ++row) {
      StoredRevision stored;
      stored.number = static_cast<int>(rows->integer(row, 0));
      stored.seen_at = rows->time(row, 1);
      stored.content_hash = rows->text(row, 2);
      stored.revision.key = rows->text(row, 3);
      stored.revision.title = rows->text(row, 4);
      stored.revision.url = rows->text(row, 5);
      stored.revision.published = rows->optional_time(row, 6);
      Result<std::string> content =
          unpack_content(rows->bytes(row, 7), "article " + std::to_string(article_id) + " revision " +
                                                  std::to_string(stored.number));
      NEWSVAULT_TRY(content);
      stored.revision.content = std::move(*content);
      stored.revision.document_path = rows->text(row, 8);
      Provenance& provenance = stored.revision.provenance;
      provenance.origin = rows->text(row, 9);
      provenance.url = rows->text(row, 10);
      provenance.http_status = static_cast<long>(rows->integer(row, 11));
      provenance.etag = rows->text(row, 12);
      provenance.last_modified = rows->text(row, 13);
      provenance.payload_hash = rows->text(row, 14);
      provenance.entry_hash = rows->text(row, 15);
      provenance.cause = rows->text(row, 16) == "processing" ? Cause::kProcessing : Cause::kSource;
      provenance.note = rows->text(row, 17);
      provenance.record = rows->text(row, 18);
      stored.revision.language = rows->text(row, 19);
      revisions.push_back(std::move(stored));
    }
    return revisions;
  }

  // PostgreSQL keeps its own pages sound and enforces foreign keys, so what
  // is left to find is the store's own invariants: each article's latest
  // revision exists, and revisions are numbered 1..latest without gaps.
  Result<std::vector<std::string>> integrity_problems() override {
    auto rows = connection_->execute(
        "SELECT 'articles row ' || a.id || ': its latest revision ' || a.latest_revision || ' is missing' "
        "FROM articles a WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.article_id = a.id "
        "AND r.number = a.latest_revision) "
        "UNION ALL SELECT 'articles row ' || r.article_id || ': ' || count(*) || ' revisions numbered up to ' "
        "|| max(r.number) FROM revisions r GROUP BY r.article_id HAVING count(*) <> max(r.number) "
        "ORDER BY 1");
    NEWSVAULT_TRY(rows);
    return all_rows<std::string>(*rows, [](const Rows& r, int row) { return r.text(row, 0); });
  }

  Result<int> layout() override {
    auto rows = connection_->execute("SELECT version FROM archive_layout");
    NEWSVAULT_TRY(rows);
    return rows->size() > 0 ? static_cast<int>(rows->integer(0, 0)) : 1;
  }

  Result<void> relayout(int layout, const std::vector<ArticlePath>& paths,
                        const std::vector<DocumentMove>& moves) override {
    return connection_->transaction([&]() -> Result<void> {
      for (const ArticlePath& article : paths) {
        Params params;
        params.add(article.article_id).add(article.path);
        auto done = connection_->execute_all(
            {{"UPDATE revisions SET document_path = $2 WHERE article_id = $1 AND document_path = "
              "(SELECT document_path FROM articles WHERE id = $1)",
              params},
             {"UPDATE articles SET document_path = $2, document_revision = 0 WHERE id = $1", params}});
        NEWSVAULT_TRY(done);
        if ((*done)[1].affected() != 1) {
          return make_error(ErrorCode::kNotFound, "no article " + std::to_string(article.article_id));
        }
      }
      for (const DocumentMove& move : moves) {
        Params params;
        params.add(move.from).add(move.to);
        auto done = connection_->execute(
            "INSERT INTO document_moves (from_path, to_path) VALUES ($1, $2) "
            "ON CONFLICT (from_path) DO UPDATE SET to_path = excluded.to_path",
            params);
        NEWSVAULT_TRY(done);
      }
      Params version;
      version.add(std::int64_t{layout});
      auto done = connection_->execute("UPDATE archive_layout SET version = $1", version);
      NEWSVAULT_TRY(done);
      return {};
    });
  }

  Result<std::vector<DocumentMove>> document_moves() override {
    auto rows = connection_->execute("SELECT from_path, to_path FROM document_moves ORDER BY from_path");
    NEWSVAULT_TRY(rows);
    return all_rows<DocumentMove>(*rows, [](const Rows& r, int row) {
      return DocumentMove{r.text(row, 0), r.text(row, 1)};
    });
  }

  Result<void> finish_move(std::string_view from) override {
    Params params;
    params.add(from);
    auto done = connection_->execute("DELETE FROM document_moves WHERE from_path = $1", params);
    NEWSVAULT_TRY(done);
    return {};
  }

  Result<void> transaction(const std::function<Result<void>()>& work) override {
    return connection_->transaction(work);
  }

  Result<std::vector<TableRow>> table_rows(const TableSpec& table, const TableRow* after,
                                           std::size_t limit) override {
    Params params;
    for (std::size_t i = 0; after && i < table.key_columns; ++i) params.add(std::string_view(*(*after)[i]));
    auto rows = connection_->execute(copy_select_sql(table, after != nullptr, limit, "$"), params);
    NEWSVAULT_TRY(rows);
    std::vector<TableRow> result;
    for (int row = 0; row < rows->size(); ++row) {
      TableRow values;
      for (std::size_t column = 0; column < table.columns.size(); ++column) {
        const int index = static_cast<int>(column);
        if (rows->is_null(row, index)) {
          values.emplace_back();
        } else {
          values.emplace_back(index == table.bytes_column ? rows->bytes(row, index) : rows->text(row, index));
        }
      }
      result.push_back(std::move(values));
    }
    return result;
  }

  // A page's inserts in one pipeline, in one transaction.
  Result<void> insert_rows(const TableSpec& table, const std::vector<TableRow>& rows) override {
    const std::string sql = copy_insert_sql(table, "$");
    std::vector<Connection::Statement> statements;
    for (const TableRow& row : rows) {
      Params params;
      for (std::size_t column = 0; column < row.size(); ++column) {
        if (!row[column]) {
          params.add(std::optional<Timestamp>());
        } else if (static_cast<int>(column) == table.bytes_column) {
          params.add_bytes(*row[column]);
        } else {
          params.add(std::string_view(*row[column]));
        }
      }
      statements.push_back({sql, std::move(params)});
    }
    return connection_->transaction([&]() -> Result<void> {
      NEWSVAULT_TRY(connection_->execute_all(statements));
      return {};
    });
  }

  // Rows copied with their ids: the identities go on after the largest.
  Result<void> finish_copy() override {
    for (std::string_view table : {"feeds", "articles", "pending_work", "users"}) {
      NEWSVAULT_TRY(connection_->execute("SELECT setval(pg_get_serial_sequence('" + std::string(table) +
                                         "', 'id'), max(id)) FROM " + std::string(table) + " HAVING max(id) IS NOT NULL"));
    }
    return {};
  }

  sqlite3* connection() override { return nullptr; }
  Readers& readers() override {
    if (!readers_) readers_ = postgresql_readers(*connection_);
    return *readers_;
  }
  bool read_only() const override { return read_only_; }
  std::string_view engine() const override { return "postgresql"; }
  void set_revision_observer(std::unique_ptr<RevisionObserver> observer) override {
    observer_ = std::move(observer);
  }

 private:
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<Readers> readers_;  // on connection_
  bool read_only_;
  bool publisher_ = false;  // lock_publisher took the lock
  std::unique_ptr<RevisionObserver> observer_;
};

}  // namespace

bool is_postgresql(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> open_store(const std::string& uri, Store::Access access) {
  auto connection = Connection::open(uri);
  NEWSVAULT_TRY(connection);
  const bool read_only = access == Store::Access::kRead;
  NEWSVAULT_TRY(migrate(**connection, read_only));
  if (read_only) {
    NEWSVAULT_TRY((*connection)->execute("SET default_transaction_read_only = on"));
  }
  return std::unique_ptr<Store>(std::make_unique<PostgresqlStore>(std::move(*connection), read_only));
}

}  // namespace newsvault::store::postgresql
