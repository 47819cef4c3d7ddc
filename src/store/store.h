// store: the archive's memory, in one SQLite database (WAL mode) or, for
// archives that outgrow one machine, a PostgreSQL database.
//
// Keeps the feeds (with their fetch state and last error), the conditional
// request validators of every URL fetched, the articles, and every distinct
// revision of each article, so that edits at the source become new
// revisions and nothing once archived is lost. The schema is created and
// upgraded by numbered migrations, each in one transaction.
//
// Both engines have the same meaning and pass the same tests; each has its
// own numbered migrations. A Store is one connection: use it from one
// thread at a time.
#ifndef NEWSVAULT_STORE_STORE_H_
#define NEWSVAULT_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

struct sqlite3;

namespace newsvault::store {

struct FeedRecord {
  std::int64_t id = 0;
  std::string name;     // unique; names the feed's folder in the archive
  std::string url;
  std::string adapter;  // "" (the feed's own content) or an adapter's name ("dw")
  std::string etag;
  std::string last_modified;
  std::optional<Timestamp> last_fetched;
  std::string last_error;  // "" when the last fetch succeeded
};

// Why a revision exists: the source changed something (its feed entry, its
// API document or its page), or newsvault's own processing did (a teaser
// became full text once the page could be read, a better extractor or
// cleaner). Only source changes are "changed at the source".
enum class Cause { kSource, kProcessing };
std::string_view cause_name(Cause cause);  // "source", "processing"

// Where a revision's content came from, and the HTTP facts of what was
// fetched for it. The pipeline fills in everything but `cause` and `note`,
// which save_revision works out by comparing with the article's earlier
// revisions.
struct Provenance {
  std::string origin;  // "entry" (the feed's own content), "page" or "api"; "" before this was kept
  std::string url;     // what was fetched: the feed, the page or the API document
  long http_status = 0;  // 0 for file:// and when unknown
  std::string etag;
  std::string last_modified;
  std::string payload_hash;  // SHA-256 of the body fetched (the feed, the page, the API document)
  // SHA-256 of the feed entry's own fields (title, link, dates, author,
  // summary, content); "" where the entry is not the article's source (adapters).
  std::string entry_hash;
  // The WARC record of the response it came from ("FILE.warc.gz:OFFSET" in
  // .newsvault/warc/); "" when none was kept (a file, [warc] off, before).
  std::string record;
  Cause cause = Cause::kSource;
  // Saying why: "first archived", "the entry changed in its feed", "the
  // page changed", "the API document changed", "full text from the page",
  // "newsvault's processing changed".
  std::string note;
};

// One state of an article as the pipeline saw it.
struct ArticleRevision {
  std::string key;    // identity within its feed: adapter id, else entry id, else cleaned link
  std::string title;
  std::string url;
  std::optional<Timestamp> published;
  std::string content;  // the article's fields as JSON: what makes revisions differ
  std::string document_path;  // where its document lives, relative to the archive root
  Provenance provenance;
  // The key names one article for every feed with the same adapter (an
  // adapter's id): an article another such feed archived is this feed's too.
  bool shared_key = false;
  // Stands in for content that could not be fetched (the entry of a page
  // that failed): saved for a new article, or when the entry's own fields
  // changed since the latest revision; otherwise the latest revision stays.
  bool stand_in = false;
  // The pipeline's digest of what it made this revision from (a feed
  // entry's fields and the processing they went through), opaque to the
  // store and kept on the article by every save, unchanged ones included:
  // entry_fingerprints() gives it back. "" keeps none (a page's article, a
  // stand-in), so the article is always made again.
  std::string entry_fingerprint;
  // The language the article is written in (BCP 47, "zh-CN", "zh-Hant-TW"),
  // as its source said it: the page's <html lang>, else its feed's
  // <language>. "" when neither said (and for revisions saved before it
  // was kept). The site's page of the article says it as its <html lang>.
  std::string language;
};

// A revision made ready to save: its content hashed and compressed. That is
// the CPU-heavy part of saving, so a caller saving many makes them on every
// core (prepare_revision is thread-safe) and saves them in one transaction.
struct PreparedRevision {
  ArticleRevision revision;
  std::string content_hash;    // SHA-256 of revision.content, hex
  std::string packed_content;  // revision.content as the store keeps it (zstd)
};

// Fails with kInternal only when hashing or compressing cannot work at all.
Result<PreparedRevision> prepare_revision(ArticleRevision revision);

// `location` (a store's path or URI) with any password in it replaced by
// "***": what messages show.
std::string display_location(std::string_view location);
// True for a postgresql:// or postgres:// URI: the PostgreSQL engine's.
bool is_postgresql_location(std::string_view location);

// SHA-256 of `bytes` as 64 lowercase hex digits (the hash revisions use).
std::string sha256_hex(std::string_view bytes);

enum class Change { kNew, kUpdated, kUnchanged };

struct SaveResult {
  Change change = Change::kUnchanged;
  std::int64_t article_id = 0;
  int revision = 0;  // 1 for the first
};

// One revision of a save_revisions batch and the feed it is saved for.
struct RevisionToSave {
  std::int64_t feed_id = 0;
  const PreparedRevision* revision = nullptr;
};

struct ArticleSummary {
  std::int64_t id = 0;
  std::int64_t feed_id = 0;
  std::string feed_name;
  std::string key;
  std::string title;
  std::string url;
  std::optional<Timestamp> published;
  Timestamp first_seen;
  Timestamp last_changed;
  int revisions = 0;
  std::string document_path;
  // When a poll of its feed first no longer listed it although the feed
  // still listed older articles: taken down at the source, not rolled off
  // the end of the feed. nullopt while listed, or when it rolled off.
  std::optional<Timestamp> delisted_at;
  // When a re-check of its address found it gone (HTTP 404 or 410, or a
  // redirect to a section or home page), and the answer ("HTTP 410",
  // "redirected to https://…/"). Listed again: both cleared.
  std::optional<Timestamp> removed_at;
  std::string removed_reason;
  // Every feed that lists it, the feed it was first archived from (feed_id,
  // whose folder holds its document) first.
  std::vector<std::int64_t> feed_ids;
  std::vector<std::string> feed_names;
  // Revisions after the first that the source caused (Cause::kSource).
  int source_changes = 0;
  // Where the latest revision came from (its cause and note left out):
  // a page is asked with the validators of the copy this article holds,
  // and a 304 leaves the article as it is only when its entry did not
  // change either.
  Provenance latest;
};

enum class ArticleStatus { kListed, kDelisted, kRemoved };
ArticleStatus status_of(const ArticleSummary& article);
std::string_view status_name(ArticleStatus status);  // "listed", "delisted", "removed"

// Work a run could not finish, kept until a later run does: a page or an
// adapter's API document that failed ("page", "api"), or the re-check of an
// article its feed stopped listing ("recheck"). One per (kind, feed, key).
struct PendingWork {
  std::string kind;
  std::int64_t feed_id = 0;
  std::string key;  // the article's key in that feed
  std::string url;  // what to fetch
  // What the pipeline needs to do it again (the entry's article for a
  // page), opaque to the store.
  std::string detail;
  int attempts = 0;  // made so far
  Timestamp next_attempt;
  std::string last_error;  // "" for a re-check that is only waiting
  Timestamp first_queued;
  // Queued again (queue_work) over work of the same key: keep that work's
  // attempts, next attempt and last error, so that work queued anew by
  // whatever finds it again still gives up after its tries.
  bool keep_tries = false;
};

// An image an article shows, by its address: kept (sha256 set: its bytes
// under media/sha256/, docs/internals/media.md), refused (refusal set:
// what it was instead of an image, or the limit it passed), or neither
// while it waits for a fetch (pending work of kind "image" says when).
// The images one article shows, in order (Store::link_images).
struct ImageLinks {
  std::int64_t article_id = 0;
  std::vector<std::string> urls;
};

struct ImageRecord {
  std::string url;
  std::string sha256;  // of the bytes kept, 64 lowercase hex digits; "" when none are
  std::string type;    // the sniffed media type of what was kept ("image/png"); ""
  std::int64_t bytes = 0;
  std::int64_t width = 0;   // pixels, from its header; 0 when unknown
  std::int64_t height = 0;
  std::string refusal;  // "HTML served as an image", "larger than 5242880 bytes"; ""
  int attempts = 0;     // fetches made, the successful one included
  std::optional<Timestamp> fetched;  // the last fetch; nullopt before any
};

// A feed's poll schedule (the schedule stage's FeedSchedule, as kept).
struct PollSchedule {
  std::int64_t feed_id = 0;
  std::optional<Timestamp> last_poll;
  Timestamp next_poll;
  std::int64_t interval_seconds = 0;
  std::string reason;
  int failures = 0;
  std::vector<Timestamp> entry_dates;  // the newest first
};

struct StoredRevision {
  int number = 0;
  Timestamp seen_at;
  std::string content_hash;  // SHA-256 of content, hex
  ArticleRevision revision;  // its provenance with cause and note as saved
};

// A file of the archive to move to `to` (relative to the archive root), or
// to remove when `to` is "".
struct DocumentMove {
  std::string from;
  std::string to;
};

// An article whose document is to be written again at `path`.
struct ArticlePath {
  std::int64_t article_id = 0;
  std::string path;
};

// The server's readers (src/serve): users, the tokens their apps present,
// and what each has read or starred. Both engines keep them in tables
// beside the articles, with the same meaning.
struct UserRecord {
  std::int64_t id = 0;
  std::string name;
  Timestamp created;
  std::string password_hash;  // libsodium's crypto_pwhash_str; only user_login() fills it
};

// Which of a reader's articles a stream holds.
struct ReaderStream {
  std::optional<std::int64_t> feed_id;  // the articles a feed lists; none: every feed's
  bool unread_only = false;
  bool read_only = false;
  bool starred_only = false;
  std::optional<Timestamp> oldest;  // by published (else first seen), inclusive
  std::optional<Timestamp> newest;
  std::optional<std::int64_t> after_id;  // ids above / below
  std::optional<std::int64_t> before_id;
  std::optional<std::vector<std::int64_t>> only_ids;  // a search's hits
  // kTime: the store's order (published, undated last, then first seen, then id).
  enum class Order { kTime, kId } order = Order::kTime;
  bool ascending = false;
  std::size_t limit = 20;
  std::size_t offset = 0;
};

struct ReaderStreamPage {
  std::vector<std::int64_t> ids;
  bool more = false;      // more follow the page
  std::size_t total = 0;  // matching before limit and offset (counted only when asked)
};

// An article's state as one reader sees it.
struct ReaderArticle {
  std::int64_t id = 0;
  std::int64_t feed_id = 0;  // the feed it was first archived from
  std::int64_t latest_revision = 0;
  Timestamp first_seen;
  Timestamp last_changed;
  bool read = false;
  bool starred = false;
};

struct FeedUnread {
  std::int64_t feed_id = 0;
  std::size_t unread = 0;
  std::optional<Timestamp> newest;
};

class Readers {
 public:
  virtual ~Readers() = default;
  // kInvalidArgument when a user of that name exists.
  virtual Result<UserRecord> add_user(std::string_view name, std::string_view password_hash, Timestamp created) = 0;
  // By name, without password hashes.
  virtual Result<std::vector<UserRecord>> users() = 0;
  // The user of that name with its password hash; nullopt for none.
  virtual Result<std::optional<UserRecord>> user_login(std::string_view name) = 0;
  // The user, its tokens and marks; kNotFound naming it when there is none.
  virtual Result<void> remove_user(std::string_view name) = 0;
  // kind: "session" or "api_key"; only the token's hash is kept.
  virtual Result<void> add_token(std::string_view token_hash, std::int64_t user_id, std::string_view kind,
                                 Timestamp created) = 0;
  virtual Result<std::optional<UserRecord>> user_of_token(std::string_view token_hash) = 0;

  // A page of the stream; with `count`, its total too.
  virtual Result<ReaderStreamPage> stream(std::int64_t user_id, const ReaderStream& query, bool count) = 0;
  // The articles of `ids` that exist, in that order.
  virtual Result<std::vector<ReaderArticle>> reader_articles(std::int64_t user_id,
                                                             std::span<const std::int64_t> ids) = 0;
  // Sets read and/or starred on each of `ids` (unknown ids are left out),
  // in one transaction.
  virtual Result<void> set_marks(std::int64_t user_id, std::span<const std::int64_t> ids, std::optional<bool> read,
                                 std::optional<bool> starred, Timestamp now) = 0;
  // Marks read what a feed (or every feed) lists, first seen up to `until`.
  virtual Result<void> mark_all_read(std::int64_t user_id, std::optional<std::int64_t> feed_id, Timestamp until,
                                     Timestamp now) = 0;
  // Per feed with unread articles, by feed id.
  virtual Result<std::vector<FeedUnread>> unread_counts(std::int64_t user_id) = 0;
  // Changes when another connection has committed a change to the store
  // since it was last asked (SQLite's data_version; PostgreSQL's
  // transaction snapshot): a reader's cue to read again. Never written.
  virtual Result<std::string> change_marker() = 0;
};

class Store;

// Moving a store to another engine (copy_store): the tables that hold the
// archive, each named with its columns (the same in both engines) and how
// many of the first make its key. A row's values are text (integers in
// decimal) or bytes (is_bytes: revisions' packed content), nullopt for NULL.
struct TableSpec {
  std::string_view name;
  std::vector<std::string_view> columns;
  std::size_t key_columns = 1;
  int bytes_column = -1;  // the column holding bytes, -1 for none
};
using TableRow = std::vector<std::optional<std::string>>;
// In the order rows may be inserted (what a row refers to comes first).
const std::vector<TableSpec>& copied_tables();

struct TableCopy {
  std::string table;
  std::int64_t rows = 0;
  std::string digest;  // SHA-256 over every row but packed bytes, in key order
};

// Copies every row of `from` into `to`, page by page, each page in one
// transaction of `to` and kept (a row `to` already has is left as it is),
// so that a copy killed at any point is finished by running it again. Then
// counts and hashes both stores' tables (revisions by their content
// hashes, not their packed bytes): a difference is kInternal naming the
// table. `progress` is told each table as it is done. Fails as the
// engines' reads and writes do.
Result<std::vector<TableCopy>> copy_store(Store& from, Store& to,
                                          const std::function<void(const TableCopy&)>& progress = {});

// Keeps something derived from revisions (the search index) current.
class RevisionObserver {
 public:
  virtual ~RevisionObserver() = default;
  // `revision` was saved as the latest of article `article_id`.
  virtual Result<void> revision_saved(std::int64_t article_id, const ArticleRevision& revision) = 0;
};

class Store {
 public:
  enum class Access {
    kReadWrite,
    // Every write fails; nothing is created beside a store in a folder
    // this process cannot write (a read-only copy of an archive).
    kRead,
  };
  // Opens (creating and migrating as needed) the database at `path`;
  // ":memory:" for a private in-memory database. A `path` that starts with
  // postgresql:// or postgres:// is a libpq connection URI: the PostgreSQL
  // engine, its database migrated the same way (credentials in the URI, the
  // environment or libpq's passfile; messages show the URI with its
  // password hidden, and an unreachable server is kIo). Fails with kIo naming the
  // path (a missing directory, a file that is not a database, a lock held
  // too long), or kInternal naming the migration that failed or when the
  // database was written by a newer newsvault. With kRead, the file must
  // exist and is never written: one at an older schema version fails with
  // kInvalidArgument saying it needs upgrading.
  static Result<std::unique_ptr<Store>> open(const std::string& path,
                                             Access access = Access::kReadWrite);
  virtual ~Store() = default;

  // Feeds. add_feed fails with kInvalidArgument when the name is empty or
  // taken ("a feed named X already exists"). feeds() lists them by name;
  // feed_by_name returns nullopt when there is none.
  virtual Result<FeedRecord> add_feed(std::string_view name, std::string_view url,
                                      std::string_view adapter) = 0;
  virtual Result<std::vector<FeedRecord>> feeds() = 0;
  virtual Result<std::optional<FeedRecord>> feed_by_name(std::string_view name) = 0;
  // After a poll: the new validators, URL (after a permanent redirect),
  // time and error ("" on success), written to the feed with `feed.id`
  // (kNotFound when there is none).
  virtual Result<void> record_fetch(const FeedRecord& feed) = 0;
  // Gives the feed with `feed_id` a new name and adapter, nothing else
  // changed (its articles keep their document paths: the caller moves
  // them). kNotFound when there is no such feed; kInvalidArgument when the
  // name is empty or another feed's ("a feed named X already exists").
  virtual Result<void> update_feed(std::int64_t feed_id, std::string_view name,
                                   std::string_view adapter) = 0;
  // Deletes the feed with `feed_id` and, in one transaction, every article
  // no other feed lists (with its revisions, search text and pending work);
  // an article another feed lists too stays, that feed's alone. Returns the
  // document paths of the articles deleted. kNotFound when there is no such
  // feed.
  virtual Result<std::vector<std::string>> purge_feed(std::int64_t feed_id) = 0;

  // Validators for any other URL (article pages, API documents): etag and
  // last_modified, ("", "") when none are stored. set_validators replaces
  // what was stored.
  virtual Result<std::pair<std::string, std::string>> validators(std::string_view url) = 0;
  virtual Result<void> set_validators(std::string_view url, std::string_view etag,
                                      std::string_view last_modified) = 0;

  // Saves a revision of the article (feed_id, revision.key). An article whose
  // content hashes the same as its latest revision is kUnchanged and nothing
  // is written; otherwise a new revision is added (kNew or kUpdated), and the
  // article is marked as needing its document written. All or nothing: its
  // own transaction, or a savepoint inside transaction(). Fails with
  // kInvalidArgument for an empty key, kNotFound for an unknown feed.
  virtual Result<SaveResult> save_revision(std::int64_t feed_id, const PreparedRevision& revision,
                                           Timestamp seen_at) = 0;
  Result<SaveResult> save_revision(std::int64_t feed_id, const ArticleRevision& revision,
                                   Timestamp seen_at);
  // save_revision of each of `revisions`, in order, all or nothing: one
  // transaction (a savepoint inside transaction()) for the batch, not one
  // per revision, and the observer told of the revisions added once all
  // are saved, still inside it. Results are in the order given. Fails as
  // save_revision does, naming nothing saved.
  virtual Result<std::vector<SaveResult>> save_revisions(std::span<const RevisionToSave> revisions,
                                                         Timestamp seen_at) = 0;
  // The entry fingerprints (ArticleRevision::entry_fingerprint) of the
  // articles each feed lists now and that are not marked removed, by feed
  // id; articles saved without one are left out. One query for every feed.
  virtual Result<std::map<std::int64_t, std::vector<std::string>>> entry_fingerprints() = 0;
  // Articles whose latest revision's document is not yet on disk: after a
  // crash between saving and writing, the next run writes them. In the
  // order the articles were first saved. mark_document_written records that `revision`'s document is on
  // disk (it never moves back to an older one); it fails with kNotFound for
  // an unknown article and kInvalidArgument for a revision it does not have.
  virtual Result<std::vector<std::int64_t>> articles_needing_documents() = 0;
  virtual Result<void> mark_document_written(std::int64_t article_id, int revision) = 0;

  // After a poll that read the feed: `keys` are the articles it lists now.
  // Those become listed (delisted_at cleared). An article of the feed that
  // was listed before, is missing now, and was published after the oldest
  // article still listed is marked delisted at `seen_at`: a feed lists its
  // newest articles, so one missing from the middle was taken down. Keys
  // not in the store are ignored. Returns how many articles were newly
  // delisted. One transaction (a savepoint inside transaction()).
  //
  // An article belongs to every feed that lists it: a key this feed has
  // not archived itself but that names a shared-key article of another
  // feed with the same adapter (ArticleRevision::shared_key) makes that
  // article this feed's too. Listing clears delisted_at and removed_at; an
  // article is delisted only when no feed lists it any more. Each article
  // newly delisted gets a "recheck" PendingWork due at `seen_at`.
  virtual Result<std::size_t> record_listing(std::int64_t feed_id,
                                             const std::vector<std::string>& keys,
                                             Timestamp seen_at) = 0;

  // The article a feed knows by `key` (its own, or another feed's it
  // lists), with `shared` the same lookup record_listing makes for
  // shared keys; nullopt when there is none.
  virtual Result<std::optional<std::int64_t>> find_article(std::int64_t feed_id,
                                                           std::string_view key, bool shared) = 0;
  // A re-check (or an adapter) found the article gone: removed_at and the
  // reason are set, unless it is already marked removed. Returns whether
  // it was newly marked.
  virtual Result<bool> mark_removed(std::int64_t article_id, Timestamp at,
                                    std::string_view reason) = 0;

  // Pending work. queue_work adds or replaces the item of (kind, feed_id,
  // key), keeping when it was first queued; of a span, each in order, in one
  // transaction (one round trip to a server); finish_work removes it (none
  // is no error). pending_work lists every item, or those due by `due_by`,
  // in the order they were first queued.
  virtual Result<void> queue_work(std::span<const PendingWork> items) = 0;
  Result<void> queue_work(const PendingWork& work) { return queue_work({&work, 1}); }
  virtual Result<void> finish_work(std::string_view kind, std::int64_t feed_id,
                                   std::string_view key) = 0;
  virtual Result<std::vector<PendingWork>> pending_work(std::optional<Timestamp> due_by) = 0;

  // Images. save_image adds or replaces the record of image.url.
  // link_images records that the article shows `urls`, in that order (links
  // it had are kept; a URL it already shows keeps its place); kNotFound for
  // an unknown article. images() lists every record, by URL;
  // article_images the URLs an article shows, in order (none for an
  // unknown article). Purging an article drops its links, never the
  // images, which other articles may show. images_shown lists the records
  // of the images any of `article_ids` shows, each once, by URL (one query
  // however many ids: what a page being written needs, not the archive's
  // every image); articles_showing the ids of the articles that show any of
  // `urls`, ascending.
  virtual Result<void> save_image(const ImageRecord& image) = 0;
  // Of a span, every article's links in one transaction (a round trip or
  // three to a server), kNotFound naming the first unknown article.
  virtual Result<void> link_images(std::span<const ImageLinks> articles) = 0;
  Result<void> link_images(std::int64_t article_id, const std::vector<std::string>& urls) {
    const ImageLinks links{article_id, urls};
    return link_images({&links, 1});
  }
  virtual Result<std::vector<ImageRecord>> images() = 0;
  virtual Result<std::vector<std::string>> article_images(std::int64_t article_id) = 0;
  virtual Result<std::vector<ImageRecord>> images_shown(const std::vector<std::int64_t>& article_ids) = 0;
  virtual Result<std::vector<std::int64_t>> articles_showing(const std::vector<std::string>& urls) = 0;

  // Poll schedules: save_schedule adds or replaces the feed's (kNotFound
  // for an unknown feed); schedules lists every feed's that has one.
  virtual Result<void> save_schedule(const PollSchedule& schedule) = 0;
  virtual Result<std::vector<PollSchedule>> schedules() = 0;

  // Feed states: "active" (polled), "paused" or "removed" (not polled).
  // feed_states lists the feeds that are not active, by id;
  // set_feed_state sets one (kNotFound for an unknown feed,
  // kInvalidArgument for another state).
  virtual Result<std::map<std::int64_t, std::string>> feed_states() = 0;
  virtual Result<void> set_feed_state(std::int64_t feed_id, std::string_view state) = 0;

  // The last body of a feed (what an HTTP 304 stands for), nullopt when
  // none is kept. set_feed_body replaces it, or forgets it for nullopt
  // (kNotFound for an unknown feed when setting).
  virtual Result<std::optional<std::string>> feed_body(std::int64_t feed_id) = 0;
  virtual Result<void> set_feed_body(std::int64_t feed_id, std::optional<std::string_view> body) = 0;

  // Workers' leases. lease_feeds gives `owner` up to `limit` due feeds
  // (active, with no schedule or one due by `now`, and not leased to
  // another owner until after `now`), soonest due first, each leased until
  // `until`, in one statement (PostgreSQL: FOR UPDATE SKIP LOCKED) or one
  // write transaction (SQLite): two owners never get the same feed while
  // its lease runs. Returns their ids.
  virtual Result<std::vector<std::int64_t>> lease_feeds(std::string_view owner, std::size_t limit,
                                                        Timestamp now, Timestamp until) = 0;
  // Moves every lease `owner` holds on to `until`; returns how many.
  virtual Result<std::size_t> renew_leases(std::string_view owner, Timestamp until) = 0;
  // Ends `owner`'s leases of `feed_ids` (every lease it holds for an
  // empty list): a feed leased to another owner since is left alone.
  virtual Result<void> release_leases(std::string_view owner, std::span<const std::int64_t> feed_ids) = 0;
  // When the first lease of a due feed (as lease_feeds counts due) held
  // after `now` ends, by any owner; nullopt when no due feed is leased.
  virtual Result<std::optional<Timestamp>> next_lease_end(Timestamp now) = 0;

  // Makes this connection the archive's one publisher until it closes:
  // true when it is (or already was), false when another connection is
  // (PostgreSQL: a session advisory lock; with `wait`, waits for it). The
  // SQLite engine, whose archive has one folder, leaves this to the
  // archive's run lock and answers true.
  virtual Result<bool> lock_publisher(bool wait) = 0;

  // One feed's articles (every article it lists or listed), or every
  // feed's for nullopt: newest first by
  // published date (undated ones last), then by first_seen.
  virtual Result<std::vector<ArticleSummary>> articles(std::optional<std::int64_t> feed_id) = 0;
  // nullopt when there is no such article.
  virtual Result<std::optional<ArticleSummary>> article(std::int64_t article_id) = 0;
  // Every revision of an article, oldest first (none for an unknown article).
  virtual Result<std::vector<StoredRevision>> revisions(std::int64_t article_id) = 0;

  // What SQLite finds wrong with the database file: each finding of PRAGMA
  // integrity_check, and each row whose foreign key points at nothing
  // (PRAGMA foreign_key_check), named by table and row. Empty when sound.
  // Fails only when the checks cannot run.
  virtual Result<std::vector<std::string>> integrity_problems() = 0;

  // The layout documents are named by (1: the first; the pipeline knows
  // the latest). relayout records `layout` in one transaction with: each
  // article of `paths` given its document path (in the article and in its
  // revisions that had the article's old path) and marked as needing its
  // document written; each of `moves` kept until finish_move(from). An
  // article id the store does not have is kNotFound, and nothing changes.
  virtual Result<int> layout() = 0;
  virtual Result<void> relayout(int layout, const std::vector<ArticlePath>& paths,
                                const std::vector<DocumentMove>& moves) = 0;
  // The moves relayout kept, by `from`; finish_move forgets one (none is
  // no error).
  virtual Result<std::vector<DocumentMove>> document_moves() = 0;
  virtual Result<void> finish_move(std::string_view from) = 0;

  // Runs `work` in one transaction: committed when it returns a value,
  // rolled back when it returns an error (which is returned) or throws (the
  // exception goes on). Calls inside `work` nest as savepoints: an inner
  // failure rolls back only the inner work.
  virtual Result<void> transaction(const std::function<Result<void>()>& work) = 0;

  // For the readers that keep their own tables in the store's database (the
  // search index): its SQLite connection, owned by the Store, and whether
  // it was opened kRead. nullptr for the PostgreSQL engine, which holds no
  // search index: search refuses such a store, saying so (search.h).
  virtual sqlite3* connection() = 0;
  // The server's users and their marks, on this connection (owned by the Store).
  virtual Readers& readers() = 0;
  // "sqlite" or "postgresql".
  virtual std::string_view engine() const = 0;
  // Requests this store sent to its database server and waited for so far
  // (a statement, a pipeline of statements, a transaction's begin or end),
  // for the workers' log and the benchmarks; always 0 for SQLite, which has
  // no server.
  virtual std::int64_t round_trips() const = 0;

  // For copy_store: up to `limit` rows of `table` in key order, those after
  // the key of `after` (nullptr: from the first); and rows to insert, those
  // whose key is there already left alone, in one transaction. A text value
  // for the bytes column (a revision saved before content was packed) is
  // packed on the way in. finish_copy makes what the copy needs afterwards
  // (the next ids after the copied ones).
  virtual Result<std::vector<TableRow>> table_rows(const TableSpec& table, const TableRow* after,
                                                   std::size_t limit) = 0;
  virtual Result<void> insert_rows(const TableSpec& table, const std::vector<TableRow>& rows) = 0;
  virtual Result<void> finish_copy() = 0;
  virtual bool read_only() const = 0;
  // Told of every revision save_revision adds, inside the same transaction:
  // an error it returns rolls the revision back too. Replaces the one set
  // before; destroyed before the connection closes.
  virtual void set_revision_observer(std::unique_ptr<RevisionObserver> observer) = 0;
};

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_STORE_H_
