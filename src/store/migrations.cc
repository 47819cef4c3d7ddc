#include "store/migrations.h"

#include <string>
#include <utility>

namespace newsvault::store {
namespace {

// Append only: a migration that has shipped is never edited, since databases
// already past it would not see the change. Times are integer milliseconds
// since the Unix epoch, UTC. Tables are STRICT (SQLite 3.37), so a value of
// the wrong type is refused rather than stored.
constexpr Migration kMigrations[] = {
    {1, "create feeds, validators, articles and revisions", R"sql(
CREATE TABLE feeds (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  url           TEXT NOT NULL,
  adapter       TEXT NOT NULL DEFAULT '',
  etag          TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  last_fetched  INTEGER,  -- NULL until the first poll
  last_error    TEXT NOT NULL DEFAULT '',
  created       INTEGER NOT NULL
) STRICT;

-- Conditional request validators (RFC 9110 §8.8) of URLs that are not
-- feeds: article pages, API documents.
CREATE TABLE url_validators (
  url           TEXT PRIMARY KEY,
  etag          TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

-- An article's row mirrors its latest revision. document_revision is the
-- revision whose document is on disk (0: none yet); while it is behind
-- latest_revision the document still has to be written.
CREATE TABLE articles (
  id                INTEGER PRIMARY KEY,
  feed_id           INTEGER NOT NULL REFERENCES feeds (id),
  key               TEXT NOT NULL,
  title             TEXT NOT NULL,
  url               TEXT NOT NULL,
  published         INTEGER,
  first_seen        INTEGER NOT NULL,
  last_changed      INTEGER NOT NULL,
  latest_revision   INTEGER NOT NULL,
  document_path     TEXT NOT NULL,
  document_revision INTEGER NOT NULL DEFAULT 0,
  UNIQUE (feed_id, key)
) STRICT;

-- Listing newest first: read backwards, these give published DESC,
-- first_seen DESC, id DESC without a sort.
CREATE INDEX articles_by_feed_and_date ON articles (feed_id, published, first_seen);
CREATE INDEX articles_by_date ON articles (published, first_seen);
-- Holds only the few articles whose document is behind.
CREATE INDEX articles_needing_documents ON articles (id)
  WHERE document_revision < latest_revision;

-- Every distinct state of an article, numbered from 1 without gaps; rows
-- are only ever added. Not WITHOUT ROWID: content can be many pages long.
CREATE TABLE revisions (
  article_id    INTEGER NOT NULL REFERENCES articles (id),
  number        INTEGER NOT NULL,
  seen_at       INTEGER NOT NULL,
  content_hash  TEXT NOT NULL,  -- SHA-256 of content, lowercase hex
  title         TEXT NOT NULL,
  url           TEXT NOT NULL,
  published     INTEGER,
  content       TEXT NOT NULL,
  document_path TEXT NOT NULL,
  PRIMARY KEY (article_id, number)
) STRICT;
)sql"},
    {2, "record when each article was last listed in its feed, and when it left it", R"sql(
-- last_listed: the last poll of the feed that listed the article (NULL: not
-- seen in a listing since this migration). delisted_at: the first poll that
-- no longer listed it while still listing an older article of the feed, so
-- that it was taken down rather than rolled off the end of the feed (NULL:
-- listed, or rolled off). It goes back to NULL if the feed lists it again.
ALTER TABLE articles ADD COLUMN last_listed INTEGER;
ALTER TABLE articles ADD COLUMN delisted_at INTEGER;
CREATE INDEX articles_delisted ON articles (delisted_at) WHERE delisted_at IS NOT NULL;
)sql"},
    {3, "keep revisions' content packed: a BLOB, or TEXT as saved before", R"sql(
-- STRICT refuses a BLOB in a TEXT column and SQLite cannot change a column's
-- type, so the table is made again (nothing refers to it) with the rows as
-- they are: content is zstd-packed JSON from now on (store/packed_content.h),
-- and the TEXT of older revisions stays readable as it is.
CREATE TABLE revisions_packed (
  article_id    INTEGER NOT NULL REFERENCES articles (id),
  number        INTEGER NOT NULL,
  seen_at       INTEGER NOT NULL,
  content_hash  TEXT NOT NULL,  -- SHA-256 of the unpacked content, lowercase hex
  title         TEXT NOT NULL,
  url           TEXT NOT NULL,
  published     INTEGER,
  content       ANY NOT NULL,
  document_path TEXT NOT NULL,
  PRIMARY KEY (article_id, number)
) STRICT;
INSERT INTO revisions_packed SELECT * FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_packed RENAME TO revisions;
)sql"},
    {4, "articles in many feeds, revisions' provenance, removals, pending work", R"sql(
-- Every feed that lists an article, by the key that feed knows it by. The
-- article's own feed_id is the feed it was first archived from (its
-- document lives in that feed's folder). listed: 1 while the feed's last
-- full read listed it.
CREATE TABLE feed_articles (
  feed_id      INTEGER NOT NULL REFERENCES feeds (id),
  article_id   INTEGER NOT NULL REFERENCES articles (id),
  key          TEXT NOT NULL,
  first_listed INTEGER NOT NULL,
  listed       INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (feed_id, article_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX feed_articles_by_key ON feed_articles (feed_id, key);
CREATE INDEX feed_articles_by_article ON feed_articles (article_id);
CREATE INDEX feed_articles_shared ON feed_articles (key);
INSERT INTO feed_articles (feed_id, article_id, key, first_listed, listed)
  SELECT feed_id, id, key, first_seen, delisted_at IS NULL FROM articles;

-- A re-check of its address found it gone: when, and the answer.
ALTER TABLE articles ADD COLUMN removed_at INTEGER;
ALTER TABLE articles ADD COLUMN removed_reason TEXT NOT NULL DEFAULT '';

-- Where each revision came from and why it exists (store.h, Provenance).
-- Revisions saved before have origin '' and cause 'source'.
ALTER TABLE revisions ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN fetched_url TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN http_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE revisions ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN payload_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN entry_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN cause TEXT NOT NULL DEFAULT 'source';
ALTER TABLE revisions ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- Work a run could not finish, retried by later runs (store.h, PendingWork).
CREATE TABLE pending_work (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  feed_id      INTEGER NOT NULL REFERENCES feeds (id),
  key          TEXT NOT NULL,
  url          TEXT NOT NULL,
  detail       TEXT NOT NULL DEFAULT '',
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_error   TEXT NOT NULL DEFAULT '',
  first_queued INTEGER NOT NULL,
  UNIQUE (kind, feed_id, key)
) STRICT;
CREATE INDEX pending_work_due ON pending_work (next_attempt);
)sql"},
    {5, "document names no two names share, and the moves to them", R"sql(
-- The names documents and folders are given by (publish's document_path):
-- 1, the first, where a safe name could equal another's hashed one; 2,
-- where none can. The pipeline moves an older layout's documents and then
-- records the one it reached (store.h, relayout).
CREATE TABLE archive_layout (version INTEGER NOT NULL) STRICT;
INSERT INTO archive_layout (version) VALUES (1);
-- Files of the archive still to move (to_path '': to remove), written in
-- the transaction that renames their articles; a row goes once its file
-- is moved, so a killed run's successor finishes the moves.
CREATE TABLE document_moves (
  from_path TEXT PRIMARY KEY,
  to_path   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
)sql"},
    {6, "keep the text the search index covers", R"sql(
-- The title and plain text of each article's latest revision, as the
-- search index (src/search) reads them for snippets: the index is an FTS5
-- table over this one (content='search_text'), made by the search stage,
-- which registers the tokenizer it needs. Empty until the index is built.
CREATE TABLE search_text (
  article_id INTEGER PRIMARY KEY REFERENCES articles (id),
  title      TEXT NOT NULL,
  body       TEXT NOT NULL
) STRICT;
)sql"},
    {7, "keep each feed's poll schedule", R"sql(
-- When each feed was polled and is due next, the interval and why, and
-- its failures in a row (store.h, PollSchedule): the daemon's schedule,
-- durable across restarts. entry_dates: the newest entry dates as Unix
-- milliseconds, comma-separated.
CREATE TABLE poll_schedule (
  feed_id     INTEGER PRIMARY KEY REFERENCES feeds (id),
  last_poll   INTEGER,
  next_poll   INTEGER NOT NULL,
  interval_s  INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  failures    INTEGER NOT NULL,
  entry_dates TEXT NOT NULL DEFAULT ''
) STRICT;
)sql"},
    {8, "readers of the server: users, their tokens, and what each has read or starred", R"sql(
-- The people `newsvault serve` lets in (src/serve). password_hash is
-- libsodium's crypto_pwhash_str: a slow salted hash that names its own
-- algorithm and costs; the password itself is never kept.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created       INTEGER NOT NULL
) STRICT;
-- Tokens a user's apps present instead of the password: kind 'session'
-- (Google Reader ClientLogin's Auth) or 'api_key' (Miniflux's
-- X-Auth-Token). Only their SHA-256 is kept, so a copy of the store lets
-- no one in.
CREATE TABLE user_tokens (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  created     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX user_tokens_by_user ON user_tokens (user_id);
-- What each user has read or starred. No row: unread, not starred.
CREATE TABLE user_articles (
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  article_id INTEGER NOT NULL REFERENCES articles (id),
  read       INTEGER NOT NULL DEFAULT 0,
  starred    INTEGER NOT NULL DEFAULT 0,
  changed    INTEGER NOT NULL,
  PRIMARY KEY (user_id, article_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_articles_starred ON user_articles (user_id, starred) WHERE starred = 1;
)sql"},
    {9, "remember what each article was last made from", R"sql(
-- The pipeline's digest of what it made the article's latest revision from
-- (a feed entry's fields and the processing they went through), opaque to
-- the store; '' when it keeps none. A run that finds an entry's digest here,
-- on an article its feed lists, knows the article is as archived without
-- making it again.
ALTER TABLE articles ADD COLUMN entry_fingerprint TEXT NOT NULL DEFAULT '';
)sql"},
    {10, "point each revision at the WARC record it came from", R"sql(
-- "FILE.warc.gz:OFFSET" in .newsvault/warc/ (store.h, Provenance::record):
-- the gzip member of the response the revision was made from. '' where
-- none was kept.
ALTER TABLE revisions ADD COLUMN warc_record TEXT NOT NULL DEFAULT '';
)sql"},
    {11, "keep feed states, feed bodies and workers' leases in the store", R"sql(
-- Whether fetch polls the feed: 'active', 'paused' or 'removed' (was
-- .newsvault/feed_states.json).
ALTER TABLE feeds ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
-- A worker's claim on the feed until lease_expires (ms): another worker
-- takes it only once that has passed. '' and NULL: not leased.
ALTER TABLE feeds ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN lease_expires INTEGER;
-- The last body of a feed whose articles are asked of their source: what
-- an HTTP 304 stands for (was .newsvault/feeds/ID.body).
CREATE TABLE feed_bodies (
  feed_id INTEGER PRIMARY KEY REFERENCES feeds (id),
  body    BLOB NOT NULL
) STRICT;
)sql"},
    {12, "keep the images articles show", R"sql(
-- Each image an article shows, by its address: the SHA-256 of the bytes
-- kept under media/sha256/ (the same bytes once, whatever shows them), or
-- why it was refused; '' for both while it waits for a fetch. width and
-- height are pixels read from its header (0: unknown).
CREATE TABLE images (
  url       TEXT PRIMARY KEY,
  sha256    TEXT NOT NULL DEFAULT '',
  type      TEXT NOT NULL DEFAULT '',
  bytes     INTEGER NOT NULL DEFAULT 0,
  width     INTEGER NOT NULL DEFAULT 0,
  height    INTEGER NOT NULL DEFAULT 0,
  refusal   TEXT NOT NULL DEFAULT '',
  attempts  INTEGER NOT NULL DEFAULT 0,
  fetched   INTEGER
) STRICT, WITHOUT ROWID;

-- Which article shows which image, in the order it shows them.
CREATE TABLE article_images (
  article_id INTEGER NOT NULL REFERENCES articles (id),
  url        TEXT NOT NULL,
  position   INTEGER NOT NULL,
  PRIMARY KEY (article_id, url)
) STRICT, WITHOUT ROWID;
CREATE INDEX article_images_by_url ON article_images (url);
)sql"},
    {13, "keep the language each revision is written in", R"sql(
-- BCP 47 as the source said it (ArticleRevision::language): the page's
-- <html lang>, else the feed's <language>. '' where neither said, and for
-- revisions saved before.
ALTER TABLE revisions ADD COLUMN language TEXT NOT NULL DEFAULT '';
)sql"},
};

Result<int> user_version(Database& database) {
  Result<Query> query = database.query("PRAGMA user_version");
  if (!query) return std::unexpected(query.error());
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  return *row ? static_cast<int>(query->integer(0)) : 0;
}

// The Database's messages start with its path, which ours already names.
std::string without_path(const Database& database, const std::string& message) {
  const std::string prefix = database.path() + ": ";
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

Result<void> migrate(Database& database, std::span<const Migration> list) {
  const int latest = list.empty() ? 0 : list.back().version;
  Result<int> start = user_version(database);
  if (!start) return std::unexpected(start.error());
  if (*start > latest) {
    return make_error(ErrorCode::kInternal,
                      database.path() + ": schema version " + std::to_string(*start) +
                          " is newer than this newsvault knows (" + std::to_string(latest) + ")");
  }
  // A reader cannot upgrade, and reading an older schema with this
  // newsvault's statements would fail on whatever changed since.
  if (*start < latest && database.read_only()) {
    return make_error(ErrorCode::kInvalidArgument,
                      database.path() + ": the store is at schema version " + std::to_string(*start) +
                          " and needs upgrading; open it once with write access");
  }

  // Versions ascend but may skip numbers: each migration follows the one
  // listed before it.
  int previous = 0;
  for (const Migration& migration : list) {
    const int expected = std::exchange(previous, migration.version);
    if (migration.version <= *start) continue;
    Result<void> applied = database.transaction([&]() -> Result<void> {
      // Read again under the write lock: another process opening the same
      // file may have applied this migration since.
      Result<int> current = user_version(database);
      if (!current) return std::unexpected(current.error());
      if (*current >= migration.version) return {};
      if (*current != expected) {
        return make_error(ErrorCode::kInternal, "database is at version " +
                                                    std::to_string(*current) + ", expected " +
                                                    std::to_string(expected));
      }
      if (Result<void> done = database.execute(std::string(migration.sql)); !done) return done;
      // PRAGMA takes no parameters; the version is a number we wrote.
      return database.execute("PRAGMA user_version = " + std::to_string(migration.version));
    });
    if (!applied) {
      // An I/O failure (a locked or full disk) stays one; anything else is
      // a migration that does not apply, which is ours to fix.
      const Error& error = applied.error();
      const ErrorCode code = error.code() == ErrorCode::kIo ? ErrorCode::kIo : ErrorCode::kInternal;
      return make_error(code, database.path() + ": migration " + std::to_string(migration.version) +
                                  " (" + std::string(migration.name) +
                                  ") failed: " + without_path(database, error.message()));
    }
  }
  return {};
}

}  // namespace newsvault::store
