// pipeline: an archive on disk and the runs that fill it.
//
// An archive is a folder: newsvault.toml (the settings), .newsvault/ (the
// store and the feeds' last bodies), and the documents with their indexes.
// run_fetch polls every feed once and carries each entry through the
// stages: fetch -> feed -> extract -> clean -> store -> publish.
//
// Functions here touch the archive folder they are given and nothing else.
// An Archive is used from one thread at a time.
#ifndef NEWSVAULT_PIPELINE_PIPELINE_H_
#define NEWSVAULT_PIPELINE_PIPELINE_H_

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "clean/clean.h"
#include "core/core.h"
#include "extract/extract.h"
#include "feed/feed.h"
#include "fetch/fetch.h"
#include "media/media.h"
#include "publish/publish.h"
#include "record/record.h"
#include "schedule/schedule.h"
#include "store/store.h"

namespace newsvault::pipeline {

inline constexpr const char* kConfigFileName = "newsvault.toml";

// Where the articles of a feed without an adapter come from
// ([feeds.NAME] full_text). A feed with an adapter always asks the adapter.
enum class FullText {
  // The entry's web page when the entry looks like a teaser: little text,
  // or text ending in an ellipsis or a "Read more" link (full_text.h), and
  // only when the page holds more text than the entry.
  kAuto,
  kAlways,  // the entry's web page, whatever the entry holds
  kNever,   // the feed's own content only
};
// "auto", "always", "never"; nullopt for anything else.
std::optional<FullText> full_text_named(std::string_view name);
std::string_view full_text_name(FullText mode);

// A feed's own settings ([feeds.NAME] in newsvault.toml).
struct FeedSettings {
  // Converted copies of each of its documents, beside the original
  // (publish.h, "Traditional and Simplified Chinese").
  std::vector<publish::ChineseConversion> convert;
  std::optional<FullText> full_text;  // unset: the archive's ([fetch] full_text)
  // Bounds of how often the feed is polled, in seconds (unset: the
  // archive's [schedule] bounds).
  std::optional<long long> min_interval_seconds;
  std::optional<long long> max_interval_seconds;
  std::string title;     // what it is called where it is listed (OPML); "": its name
  std::string category;  // the folders an OPML export puts it in: "News/World"; "": none
  std::optional<bool> images;  // its articles' images kept; unset: [images] enabled
};
// The longest poll interval a feed may be given: 30 days.
inline constexpr long long kMaxIntervalSeconds = 30LL * 24 * 60 * 60;

struct Config {
  fetch::ClientOptions fetch;
  // [feed]: the parser's limits (max_entries, max_text_bytes); the rest is
  // filled in for each feed as it is read.
  feed::ParseOptions parse;
  clean::Options clean;  // its iframe_hosts; base_url is each article's own
  publish::PublishOptions publish;
  publish::FeedsOutOptions feeds_out;  // [publish] base_url, feed_items
  publish::GitOptions git;             // [publish.git]
  FullText full_text = FullText::kAuto;  // [fetch] full_text: every feed's, unless its own says
  // [publish.site]: where the static site goes (its image proxy is
  // [publish]'s).
  publish::SiteOptions site;
  // [publish.site] enabled: fetch and publish write the site (false: neither does).
  bool site_enabled = true;
  // [warc]: every HTTP response a fetch receives kept in WARC files
  // (record.h), rotated at this size.
  bool warc_enabled = true;
  std::uintmax_t warc_max_file_bytes = 1ull << 30;
  // [images]: the images archived articles show, fetched after the
  // articles are saved and kept in media/ (media.h), within these limits
  // and at most images_budget of a run's time.
  bool images_enabled = true;
  media::ImageLimits image_limits;
  std::chrono::seconds images_budget{60};
  // [publish.sign]: the daily manifests, signed with ssh_key (empty: none).
  record::SignOptions sign;
  // By feed name. A name no feed has is kept, for a feed added later.
  std::map<std::string, FeedSettings> feeds;
  // [serve] private: `newsvault serve`'s reader pages need a user too.
  bool serve_private = false;
  // [schedule]: the bounds on every feed's interval between polls.
  schedule::Bounds schedule;
  // [schedule] network_probe: an http(s) URL asked when every feed request
  // of a daemon's cycle went unanswered on one host only, to tell that
  // host failing (the probe answers: the feeds failed) from the network
  // being down (it does not: the cycle is held). "": no probe, and such a
  // cycle counts as the feeds' failure.
  std::string network_probe;
  // [store] url: a PostgreSQL connection URI, or "" for the SQLite store in
  // .newsvault/store.db.
  std::string store_url;
  // [workers]: how long a worker's lease of a feed lasts unless renewed
  // (lease_seconds), and how many feeds it leases at once (batch).
  std::chrono::seconds lease_duration{300};
  std::size_t lease_batch = 50;
  // Per adapter, overrides of its mapping: "article_api" -> URL template.
  std::map<std::string, std::map<std::string, std::string>> adapters;
};

// The text `newsvault init` writes: every setting with its default, commented.
std::string default_config_text();
// Reads newsvault.toml. A malformed file fails with kInvalidArgument naming
// the file, the line and the key ("newsvault.toml:7: fetch.timeout_seconds:
// expected an integer").
Result<Config> load_config(const std::filesystem::path& file);
// The same over the text of a newsvault.toml, `source_name` standing for the
// file in messages ("newsvault.toml:7: ...").
Result<Config> parse_config(std::string_view text, std::string_view source_name);
// The settings text `config_text` (read from `file_name`) with [feeds.FEED]
// full_text set to `mode`: the key's line replaced where the file sets it,
// else the line added under the feed's [feeds.FEED] header, else a new
// table at the end; every other line, comments too, kept as written. Fails
// with kInvalidArgument naming the file and line when the text does not
// read as settings before or after, or when the feed's table is not one a
// line can be added to (an inline table: edit it by hand).
Result<std::string> set_feed_full_text(std::string_view config_text, std::string_view file_name,
                                       std::string_view feed, FullText mode);

// The settings text `config_text` with [feeds.FEED] `key` set to `value`,
// a TOML literal ("\"always\"", "[\"s2t\"]", "600"), or the key's line
// removed for nullopt; placed and checked as set_feed_full_text places and
// checks it, and failing as it does.
Result<std::string> set_feed_setting(std::string_view config_text, std::string_view file_name,
                                     std::string_view feed, std::string_view key,
                                     std::optional<std::string_view> value);
// `text` as a TOML basic string, quoted and escaped: "a \"b\"".
std::string toml_quoted(std::string_view text);
// The settings text without the [feeds.NAME] table (its header and the
// lines up to the next header, a comment heading that one left); the text
// unchanged when it has none. Fails as rename_feed_settings does.
Result<std::string> remove_feed_settings(std::string_view config_text, std::string_view file_name,
                                         std::string_view name);
// The settings text with the [feeds.OLD] table's header renamed to
// [feeds.NEW], every other line as written; the text unchanged when it has
// no [feeds.OLD]. Fails with kInvalidArgument naming the file and line when
// [feeds.NEW] is there already, or when [feeds.OLD] is no header a line
// holds (an inline table: rename it by hand).
Result<std::string> rename_feed_settings(std::string_view config_text, std::string_view file_name,
                                         std::string_view old_name, std::string_view new_name);

// The settings text with [store] url set to `url` (its line replaced, else
// added under [store], else a new [store] table at the end), or removed
// for "" (the archive's SQLite store again); every other line as written.
// Fails as set_feed_setting does.
Result<std::string> set_store_url(std::string_view config_text, std::string_view file_name, std::string_view url);

// kRead: to read the archive as it is (list, show, check, export-opml), even
// where this user cannot write it (a read-only copy); kReadWrite: to change it.
using Access = store::Store::Access;

class Archive {
 public:
  // Creates the config and the store in `root` (made if missing): the SQLite
  // file in .newsvault/, or with `store_url` the PostgreSQL database it
  // names (migrated, and written as [store] url). Fails with
  // kInvalidArgument when `root` already holds an archive, and as
  // store::Store::open when the store cannot be opened.
  static Result<void> init(const std::filesystem::path& root, const std::string& store_url = "");
  // Opens the archive in `root`: kNotFound ("no archive in DIR: run
  // 'newsvault init DIR'") when there is none. kRead opens its store
  // read-only and never writes in the folder (store::Store::open: a store
  // at an older schema version is not upgraded but refused, saying so).
  // kReadWrite fails with kIo ("the archive in DIR is read-only: ...") when
  // this user cannot write the folder, its .newsvault/ or its store.
  static Result<std::unique_ptr<Archive>> open(const std::filesystem::path& root,
                                               Access access = Access::kReadWrite);

  const std::filesystem::path& root() const { return root_; }
  const Config& config() const { return config_; }
  store::Store& store() { return *store_; }
  // One more connection to the archive's store, with the same access
  // (a server's readers); fails as open() does.
  Result<std::unique_ptr<store::Store>> open_store() const;
  // Where the store is: [store] url, else the SQLite file's path.
  std::string store_location() const;

 private:
  Archive(std::filesystem::path root, Config config, std::unique_ptr<store::Store> store)
      : root_(std::move(root)), config_(std::move(config)), store_(std::move(store)) {}
  std::filesystem::path root_;
  Config config_;
  std::unique_ptr<store::Store> store_;
};

// The article a revision's content holds (store::ArticleRevision::content,
// as the pipeline saves it). kParse naming what is wrong when it is not
// such content.
Result<extract::Article> read_article_content(std::string_view content);

struct FetchProgress {
  std::size_t feeds_total = 0;
  std::size_t feeds_done = 0;
  std::size_t articles_new = 0;
  std::size_t articles_updated = 0;
  std::size_t articles_unchanged = 0;
  std::size_t errors = 0;
};

// The local copies of the store's kept images whose files are in the
// archive now, by image address: their paths relative to the root
// (publish::PublishOptions::local_images). With `articles`, only the
// images those articles show (one query, one stat per image shown: what
// the pages being written need); without, every kept image. An image
// `known` lists at the same path is not looked at again (a server reading
// the list again after each change of the store). Fails as the store's
// read does. Files are only looked at here; `check` verifies them.
using LocalImages = std::shared_ptr<const std::map<std::string, std::string>>;
Result<LocalImages> local_images(store::Store& store, const std::filesystem::path& root,
                                 const std::set<std::int64_t>* articles = nullptr,
                                 const std::map<std::string, std::string>* known = nullptr);
Result<LocalImages> local_images(Archive& archive, const std::set<std::int64_t>* articles = nullptr);
// The feeds out's loader of the same (publish::write_feeds_out).
publish::LocalImagesLoader feed_out_images(Archive& archive);

// What publishing did: feeds out written, the commit, the pushes.
struct PublishSummary {
  // Another process is the archive's publisher (a PostgreSQL store's one
  // publisher lock): nothing was written.
  bool another_publisher = false;
  // Documents written from the store: every one with rebuild; before a
  // commit, those a killed run left pending.
  std::size_t documents_rendered = 0;
  // Before a commit, each document or converted copy that was not the
  // store's rendering of its article's latest revision (edited by hand,
  // or damaged) and was restored: "restored world/2023/06/19-a.md: it
  // differed from revision 2 of its article".
  std::vector<std::string> restored;
  std::vector<std::string> files_written;  // feeds out (and any other output), relative
  // The images workers queued (PublishRequest::images_client): kept in
  // media/, refused, or failed (pending work, tried again later).
  std::size_t images_kept = 0;
  std::size_t images_refused = 0;
  std::size_t images_failed = 0;
  std::optional<publish::SiteSummary> site;  // when the request wrote it
  std::optional<std::string> commit;       // the new commit's id; none when nothing changed
  std::vector<publish::PushResult> pushes;
  // The day's manifest, when [publish.sign] ssh_key is set and it was written.
  std::optional<record::ManifestSummary> manifest;
  // Pushes not attempted, one line each: a remote waiting out its backoff
  // after failures ("mirror: failed 2 times; next attempt after …"), or
  // every remote while another process pushes.
  std::vector<std::string> pushes_deferred;
  // One line per failure: a commit or push that failed. Documents are safe
  // on disk and in the store; the next run commits and pushes them.
  std::vector<std::string> errors;
};

// How far a publish is, for a progress display: the step it is at
// ("documents", "feeds out", "site", "commit", "push") and, for
// documents, how many of how many are written.
struct PublishProgress {
  std::string_view step;
  std::size_t done = 0;
  std::size_t total = 0;
};

struct PublishRequest {
  Timestamp now;              // the commit's time
  bool rebuild = false;       // rewrite every document and index from the store first
  // When another process is the publisher (Store::lock_publisher): wait
  // for it rather than return at once with another_publisher set.
  bool wait_for_publisher = false;
  bool write_outputs = true;  // feeds out (and the other outputs)
  bool write_site = false;    // the static site too (write_site below), before the commit
  bool commit = true;         // commit what differs from the last commit
  std::vector<publish::FeedChanges> changes;  // the commit message's counts; none: a republish
  // The commit's message; "": made from `changes`.
  std::string message;
  // The articles whose documents changed: feeds out and site pages are made
  // only where they show one of them. nullopt: all of them.
  std::optional<std::set<std::int64_t>> changed_articles;
  // Told as each step begins, and after each document a rebuild writes.
  std::function<void(const PublishProgress&)> on_progress;
  // Files the run wrote (documents, WARC files), relative to the root: with
  // [publish.sign] ssh_key, listed in the day's manifest (with rebuild,
  // every document too).
  std::set<std::string> written_files;
  // Documents (and converted copies) this run wrote from the store, by
  // path, with a hash of their bytes (std::hash of the text): before the
  // commit, such a file that still hashes so is the store's rendering and
  // is not read from the store and rendered again to be checked.
  std::map<std::string, std::size_t> written_documents;
  // The store's articles (Store::articles) as the caller read them after
  // its last change to them, so that the outputs and the commit's check
  // do not read the whole store again; nullptr: read here, once.
  const std::vector<store::ArticleSummary>* articles = nullptr;
  // Fetches the images that workers queued for the folder's owner (due
  // pending work of kind "image"), kept in media/ before the site is
  // written; nullptr: they wait for a publish or fetch that has a client.
  fetch::HttpClient* images_client = nullptr;
};

// Publishes the archive as the settings say: feeds out, then (git enabled)
// a commit of every change in the folder and a push to every remote that
// lacks it. Before the commit, every document it would take is compared
// with the store's rendering and restored when it differs (`restored`), so
// that the history never records a hand edit. Takes the run lock. Fails
// only when the store or the folder cannot be used; a failed commit or
// push is listed in `errors`, and the failure stored in
// .newsvault/remotes.json.
Result<PublishSummary> run_publish(Archive& archive, const PublishRequest& request);

struct FetchSummary {
  FetchProgress counts;
  std::size_t feeds_failed = 0;
  std::size_t documents_written = 0;
  // Articles a feed stopped listing while still listing older ones
  // (store::ArticleSummary::delisted_at).
  std::size_t articles_delisted = 0;
  // Articles a re-check of their address (or their adapter's 404) found
  // gone at the source this run (store::ArticleSummary::removed_at).
  std::size_t articles_removed = 0;
  // Pages and API documents waiting to be fetched again (pending work),
  // as the run leaves them.
  std::size_t pending = 0;
  // The images of the run's articles (and images pending from earlier
  // runs): kept in media/ (new files, or the same bytes kept before),
  // refused (not an image, SVG, over a limit, a 404: the reason is kept
  // with the image), and failed (pending work, tried again at a later run).
  std::size_t images_kept = 0;
  std::size_t images_refused = 0;
  std::size_t images_failed = 0;
  // One line per failure, naming the feed: "dw-chinese: GET https://…: HTTP 503".
  std::vector<std::string> errors;
  std::vector<publish::FeedChanges> changes;  // per feed with new or updated articles
  PublishSummary publish;                      // after a run that changed documents
  // The WARC files this run appended to, relative to the root.
  std::vector<std::string> warc_files;
  // Each polled feed's schedule after this poll, by feed name: when it is
  // due next, the interval and why (schedule.h; kept in the store).
  std::map<std::string, schedule::FeedSchedule> schedules;
  // Every request to the feeds' servers failed before any answered, on
  // two hosts or more (fetch::Response::unreachable): the network seems
  // down. Set only when FetchOptions::hold_when_offline; the feeds polled
  // were then not marked failed and their schedules were left as they were.
  // On one host, only when [schedule] network_probe did not answer either.
  bool offline = false;
  std::string offline_reason;  // "no server answered on 3 hosts", ...
};

// Polls every feed of the archive once (conditional requests), archives
// what is new or changed, writes the documents and indexes. One failing
// feed never stops the others: its error is stored on the feed and listed
// in the summary. Fails only when the archive itself cannot be used (the
// store or the folder), and even then loses nothing already archived.
// Then, with the run lock released, pushes to each remote that lacks the
// commit and is not waiting out its backoff (as run_publish does): a push
// that hangs never holds up the next fetch.
// `now` is the time the run records (archive times, first-seen times).
Result<FetchSummary> run_fetch(Archive& archive, fetch::HttpClient& client, Timestamp now,
                               const std::function<void(const FetchProgress&)>& on_progress);

// Which feeds a fetch polls, and how.
struct FetchOptions {
  // Only these feeds, by name (paused ones too); empty: every feed that is
  // neither paused nor removed.
  std::vector<std::string> feeds;
  // Ask the feeds, pages and API documents without the validators saved
  // from earlier answers, so that every server answers in full.
  bool force = false;
  // When every feed request goes unanswered on two hosts or more, take the
  // network as down (FetchSummary::offline) rather than fail every feed.
  bool hold_when_offline = false;
};

// run_fetch as above over the feeds `options` names. Fails with kNotFound
// ("no feed named X") or kInvalidArgument ("X was removed: ...") before
// anything is fetched when a name is not one of a feed it can poll.
Result<FetchSummary> run_fetch(Archive& archive, fetch::HttpClient& client, Timestamp now,
                               const FetchOptions& options,
                               const std::function<void(const FetchProgress&)>& on_progress);

// Renders the static site from the store (publish::write_site) into
// root/[publish.site] dir. Fails as write_site does, or when a stored
// revision cannot be read back. `articles`: the store's articles as the
// caller has just read them (nullptr: read here).
Result<publish::SiteSummary> write_site(Archive& archive, const std::set<std::int64_t>* changed = nullptr,
                                        const std::vector<store::ArticleSummary>* articles = nullptr);

// What `newsvault check` found wrong with an archive. kError: damage that
// no run repairs by itself (a store SQLite finds corrupt, a document that
// differs from every revision of its article, a missing index, a stray
// temporary file); kWarning: work an interrupted or pending run leaves and
// the next fetch finishes (a document not yet written, an uncommitted
// change, the files a killed run left).
struct CheckProblem {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string path;  // relative to the archive root; "" for the archive as a whole
  std::string what;  // "differs from revision 2 of its article as the store keeps it"
};

// A remote as the archive's last pushes left it (.newsvault/remotes.json)
// and as its history says now.
struct RemoteStatus {
  std::string name;
  std::optional<std::string> last_attempt;  // ISO 8601; none: never tried
  std::optional<std::string> last_success;  // the last push it took, or found it up to date
  std::string last_error;                   // the last attempt's; "" when it succeeded
  int failures = 0;                         // attempts failed since the last success
  std::optional<std::string> next_attempt;  // after failures: fetch waits until then
  std::size_t behind = 0;                   // commits of the branch the remote lacks
};

// Each configured remote's status, in the settings' order. A missing or
// unreadable remotes.json counts as no attempt yet.
std::vector<RemoteStatus> remote_statuses(const Archive& archive);

struct CheckReport {
  std::vector<RemoteStatus> remotes;  // each push remote
  std::size_t articles = 0;   // articles of the store
  std::size_t documents = 0;  // documents and converted copies compared with their revision
  std::size_t outputs = 0;    // indexes and feeds out compared with the store
  std::size_t images = 0;     // kept images whose file was hashed again
  media::MediaUsage media;    // the files under media/ and their size
  std::vector<CheckProblem> problems;  // errors first, then warnings, each by path
  // No errors (warnings allowed).
  bool sound() const;
};

// Verifies the archive in `root` without changing it: the store (SQLite's
// integrity and foreign key checks), every document and converted copy
// against its article's latest revision (rendered as fetch renders it,
// compared byte for byte), every kept image against its SHA-256 (changed
// bytes are an error, a missing file a warning: the pages fall back to the
// proxy), the indexes and feeds out against the store, temporary files of cut-short writes, and the git history (uncommitted
// changes, stale lock files). Holds the run lock while it reads. Fails
// only when it cannot check: kNotFound without an archive, a broken
// config, kInvalidArgument while a fetch or publish runs in the archive.
Result<CheckReport> check_archive(const std::filesystem::path& root);

// OPML 2.0 subscription lists. newsvault's own settings of a feed go in
// attributes of its own namespace (kOpmlNamespace, prefix newsvault:), which
// other readers ignore.
inline constexpr const char* kOpmlNamespace = "https://newsvault.invalid/opml";
struct OpmlFeed {
  std::string name;      // the outline's title or text
  std::string url;       // xmlUrl
  std::string category;  // the folders (outlines without xmlUrl) it is in: "News/World"
  // newsvault's attributes, "" when absent: name (the feed's name in the
  // archive), adapter, full_text, convert (names separated by spaces),
  // min_interval_seconds, max_interval_seconds; as written, unchecked.
  std::string feed_name;
  std::string adapter;
  std::string full_text;
  std::string convert;
  std::string min_interval_seconds;
  std::string max_interval_seconds;
};
// Reads every outline with an xmlUrl, at any depth. kParse naming the
// source when the document is not OPML.
Result<std::vector<OpmlFeed>> read_opml(std::string_view bytes, std::string_view source_name);
// The settings text `config_text` with the [feeds.NAME] settings `outline`
// gives a feed added as `name`: its title (when not its name), category,
// and newsvault's attributes but the adapter (the store's). Fails with
// kInvalidArgument naming the attribute and what is wrong with it
// ("newsvault:full_text=\"sometimes\": expected auto, always or never").
Result<std::string> settings_from_opml(std::string_view config_text, std::string_view file_name,
                                       std::string_view name, const OpmlFeed& outline);
// The feeds as OPML: each in the folders of its [feeds.NAME] category, with
// its title (or its name), and newsvault's settings of it (name, adapter,
// full_text, convert, intervals) in newsvault: attributes.
std::string write_opml(const std::vector<store::FeedRecord>& feeds, const Config& config);

// A name fit for a folder, from a feed's title or URL ("DW 中文" -> "dw-中文").
std::string feed_name_from(std::string_view title_or_url);

// Why `name` cannot name a feed, or nullopt when it can: "feed name
// \"site\": the static site's folder". A feed's folder sits beside the
// archive's own files, so a name the archive itself uses
// (publish::reserved_name_use, case ignored), or that is or whose folder is
// the site's folder `site_dir` ([publish.site] dir), is refused, and so is
// one holding '/' or '\\' or starting with '.'.
std::optional<std::string> feed_name_problem(std::string_view name, std::string_view site_dir);

// --- Adding a feed (`newsvault add`, add_feed.cc) ---------------------------

// What `add` is given as the URL the archive keeps: an http(s) URL checked
// and in its normal form (scheme and host lower case, no default port, an
// empty path as "/"); a file: URL or a local path as an absolute file://
// URL (a relative path from `current_directory`), so that a fetch from any
// folder (cron's) reads the same file. Fails with kInvalidArgument naming
// the argument and why: another scheme ("ftp://x: newsvault reads http,
// https and file URLs and local paths, not ftp: URLs"), a URL that is not
// one ("http://a b/: not a valid URL: a URL holds no spaces (write %20)"),
// a file that does not exist ("feeds/a.xml (/srv/feeds/a.xml): no such
// file; ...") or a folder.
Result<std::string> feed_url_from_argument(std::string_view argument,
                                           const std::filesystem::path& current_directory);

// The feed of `feeds` whose URL is `url` once both are in the form
// feed_url_from_argument gives (whitespace around them ignored; a stored
// relative path read from `current_directory`, as fetch reads it), or
// nullopt when none is.
std::optional<store::FeedRecord> feed_with_url(const std::vector<store::FeedRecord>& feeds,
                                               std::string_view url,
                                               const std::filesystem::path& current_directory);

// What a URL given to `add` holds.
struct FeedDiscovery {
  bool is_feed = false;  // feed::parse_feed reads a feed format in it, or entries
  // Otherwise an HTML page, and the feeds it links to (extract::feed_links),
  // resolved against the page's address after redirects. Empty: none.
  std::vector<extract::FeedLink> links;
};

// Reads `url` once through `client` (a file:// URL from the disk) and tells
// a feed (parsed with `options`, its URL and Content-Type filled in) from
// an HTML page (its Content-Type says so, or its first tag, as WHATWG MIME
// Sniffing §7.1 tells one). Fails with kIo and the fetch's message ("GET
// https://…: HTTP 404") when it cannot be read, and with kParse naming the
// URL when it is neither a feed nor a page.
Result<FeedDiscovery> discover_feeds(fetch::HttpClient& client, std::string_view url,
                                     feed::ParseOptions options);

// --- Settings for feeds the archive lacks (settings_warnings.cc) -----------

// One line for each [feeds.NAME] table of the settings whose NAME is no
// feed's of `feeds` (Config keeps its settings, for a feed added later, but
// most often the name is misspelt and the settings reach no feed), saying
// which feed's name is nearest when one is close (a few letters added,
// removed, changed or swapped): "[feeds.dw-chinse]: no feed has this name;
// did you mean dw-chinese?". Relative to newsvault.toml; by table name.
std::vector<std::string> feed_settings_warnings(const Config& config,
                                                const std::vector<store::FeedRecord>& feeds);

// --- Running unattended (daemon_run.cc) -------------------------------------

// One event of the daemon's log: "cycle", "feed_error", "offline", ...,
// with its fields in order (URLs in them already redacted).
struct DaemonEvent {
  std::string name;
  std::vector<std::pair<std::string, std::string>> fields;
};

// Set from another thread (a signal handler's) to steer a running daemon.
struct DaemonControl {
  std::atomic<bool> stop{false};    // take no more work; return once the cycle under way ends
  std::atomic<bool> reload{false};  // read newsvault.toml again before the next cycle
  // Given to every client the daemon makes (fetch::ClientOptions::cancel):
  // set, the transfers under way are abandoned.
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
};

struct DaemonOptions {
  // Stop once the clock reaches this time (a simulated run); none: until stopped.
  std::optional<Timestamp> until;
  // Makes each cycle's client; empty: fetch::make_http_client.
  std::function<std::unique_ptr<fetch::HttpClient>(const fetch::ClientOptions&)> make_client;
  std::function<void(const DaemonEvent&)> log;
};

// `newsvault run`: holds the archive in `root` (.newsvault/daemon.lock)
// and, until told to stop, polls each feed when its schedule says
// (schedule.h), with due pending work and re-checks on the same clock:
// each cycle is run_fetch over the feeds due (one commit, then the push).
// A cycle where no server answers on two hosts or more, or on one host and
// not the [schedule] network_probe either, pauses everything
// (schedule::offline_retry_delay; logged once per outage, "offline")
// instead of failing the feeds. At start, and after each cycle, it pushes
// what the remotes lack; DaemonControl::cancel abandons a push under way
// too (publish::GitOptions::cancel), and the next start sends it. A reload
// whose settings do not read keeps the old ones and logs why. Fails with
// kInvalidArgument when another daemon holds the archive, and as
// Archive::open does.
Result<void> run_daemon(const std::filesystem::path& root, schedule::Clock& clock,
                        DaemonControl& control, const DaemonOptions& options);

// Whether a daemon holds the archive in `root` now.
bool daemon_running(const std::filesystem::path& root);

// --- Workers (worker_run.cc) -----------------------------------------------

struct WorkerOptions {
  bool once = false;  // stop when nothing is due (and no other lease of a due feed runs)
  std::string owner;  // names its leases; "" for HOST:PID
  // Makes each batch's client; empty: fetch::make_http_client.
  std::function<std::unique_ptr<fetch::HttpClient>(const fetch::ClientOptions&)> make_client;
  std::function<void(const DaemonEvent&)> log;
};


// `newsvault worker`: leases due feeds from the store of the archive in
// `root` ([workers] batch at a time, each for [workers] lease_seconds,
// renewed on a connection of its own while the batch runs), fetches and
// saves them as fetch does but into the store alone (no documents, history
// or WARC files: the publisher writes those), records their next polls and
// ends the leases; until `control.stop`, or with `once` until nothing is
// due. Any number run at once, on any machine whose settings name the
// store: a feed is leased to one at a time, and one killed leaves leases
// that expire. A store that cannot be reached (kIo) is tried again with a
// growing wait (1 s to 30 s); a batch the store refused (its transaction
// rolled back: nothing is half saved) is tried again, and the fifth
// refusal in a row ends the worker with its error. Stopped, its leases are
// ended. Fails as Archive::open does, or on another store error.
// Returns its batches' counts added up, as a fetch's progress counts them
// (feeds_total and feeds_done: the feeds it leased and polled).
Result<FetchProgress> run_worker(const std::filesystem::path& root, schedule::Clock& clock,
                                 DaemonControl& control, const WorkerOptions& options);

// --- Managing feeds (feed_management.cc) -----------------------------------

// Whether fetch polls a feed. Kept in the store with the feed (so that every
// worker sees it); the feed's settings stay in newsvault.toml.
enum class FeedState {
  kActive,
  kPaused,   // skipped by fetch unless named; everything kept
  kRemoved,  // never polled again; its articles, documents and history kept
};
std::string_view feed_state_name(FeedState state);  // "active", "paused", "removed"

// The state of every feed of the store, by feed id. Fails as the store's
// reads do (for a read-only archive made before the store kept states:
// with kIo or kParse naming .newsvault/feed_states.json).
Result<std::map<std::int64_t, FeedState>> feed_states(Archive& archive);

// Sets the state of the feed named `name`, under the run lock; returns the
// state it had. Fails with kNotFound ("no feed named X; feeds: a, b") for an
// unknown name, and kInvalidArgument while a fetch or publish runs.
Result<FeedState> set_feed_state(Archive& archive, std::string_view name, FeedState state);

// Renames the feed `old_name` to `new_name` under the run lock: in one
// store transaction its name, and the move of its folder (each document
// and converted copy it holds, by rename(2); its indexes and feeds out are
// written again); then its [feeds.OLD] table in newsvault.toml becomes
// [feeds.NEW] (written atomically); then it publishes, as `publish
// --rebuild` does, in one commit whose message names the rename, so git
// sees each document move (`git log --follow` keeps its history). Fails,
// changing nothing, with kNotFound for an unknown feed, kInvalidArgument
// for a name taken (by a feed, a [feeds.NEW] table or a folder of the
// archive), a name a feed cannot have (feed_name_problem) and while a run
// holds the archive.
Result<PublishSummary> rename_feed(Archive& archive, std::string_view old_name,
                                   std::string_view new_name, Timestamp now);

// A change of a feed's settings (`newsvault edit`). Each field set is a
// change; a set field holding nullopt removes the setting (the archive's
// default then holds).
struct FeedEdit {
  std::optional<std::string> adapter;  // "": none (the feed's own content)
  std::optional<std::optional<FullText>> full_text;
  std::optional<std::vector<publish::ChineseConversion>> convert;  // empty: none
  std::optional<std::optional<long long>> min_interval_seconds;
  std::optional<std::optional<long long>> max_interval_seconds;
};

// Applies `edit` to the feed `name` under the run lock: the adapter in the
// store, the rest in its [feeds.NAME] table of newsvault.toml (written
// atomically, every other line kept as written). Returns one line per
// setting that changed ("full_text: auto -> always"); none when nothing
// did. Fails, changing nothing, with kNotFound for an unknown feed, and
// kInvalidArgument for an unknown adapter, full_text on a feed with an
// adapter, bounds that cross, a settings file that cannot take the change,
// or while a run holds the archive.
Result<std::vector<std::string>> edit_feed(Archive& archive, std::string_view name, const FeedEdit& edit);

// What `remove --purge` took out of the archive.
struct PurgeSummary {
  std::size_t articles = 0;   // deleted with their revisions
  std::size_t documents = 0;  // files deleted (documents and converted copies)
  PublishSummary publish;     // the commit that deletes them
};

// Deletes the feed `name` and what only it holds, under the run lock: in
// one store transaction the feed, its state, and every article no other
// feed lists (revisions, search text, pending work); then their documents
// and converted copies and the feed's indexes and feeds out; then its
// [feeds.NAME] table leaves newsvault.toml; then publishes, as `publish --rebuild` does, in one
// commit that deletes the files. An article another feed lists stays, as
// that feed's. The git history keeps every earlier commit, so the deleted
// documents remain in it. Fails, changing nothing, with kNotFound for an
// unknown feed and kInvalidArgument while a run holds the archive.
Result<PurgeSummary> purge_feed(Archive& archive, std::string_view name, Timestamp now);

// What `newsvault status` shows of one feed.
struct FeedStatus {
  store::FeedRecord feed;
  FeedState state = FeedState::kActive;
  std::size_t articles = 0;   // the articles it lists or listed
  std::size_t revisions = 0;  // of those articles
  std::size_t removed = 0;    // of those articles, gone at the source
  std::size_t delisted = 0;   // of those articles, no longer listed
  std::size_t pending = 0;    // pages, API documents and re-checks waiting
  std::optional<Timestamp> next_retry;  // the earliest of those
  // Its poll schedule (next poll, interval and why, failures); none before
  // its first poll.
  std::optional<schedule::FeedSchedule> schedule;
};

// What `newsvault status` shows of an archive.
struct ArchiveStatus {
  std::vector<FeedStatus> feeds;  // by name
  std::size_t articles = 0;
  std::size_t revisions = 0;
  std::size_t removed = 0;
  std::size_t pending = 0;
  std::uintmax_t store_bytes = 0;  // the store with its WAL
  std::uintmax_t git_bytes = 0;    // .git; 0 without history
  media::MediaUsage media;         // the images kept under media/
  bool run_in_progress = false;    // a fetch, publish or check holds the run lock
  bool daemon_running = false;     // `newsvault run` holds the archive
};

// Reads the status of the archive without changing it (works on an archive
// opened with Access::kRead). Fails only when the store cannot be read.
Result<ArchiveStatus> archive_status(Archive& archive);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_PIPELINE_H_
