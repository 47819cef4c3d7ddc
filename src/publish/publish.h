// publish: writes what the archive keeps as files people can copy, host and
// read: one Markdown document per article (the format of
// shared spec archive-format.md, byte for byte), a README.md index per feed
// and one at the root; Traditional or Simplified Chinese copies of a feed's
// documents (OpenCC); and a static HTML site of the whole archive. Every
// file is written atomically (temporary file, fsync, rename), so a reader
// or a crash never sees half a document.
//
// Rendering functions are pure; the writing functions touch only the
// archive directory they are given.
#ifndef NEWSVAULT_PUBLISH_PUBLISH_H_
#define NEWSVAULT_PUBLISH_PUBLISH_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "extract/extract.h"
#include "store/store.h"

namespace newsvault::publish {

struct PublishOptions {
  // {url_without_scheme} is the image's address without "https://" or
  // "http://"; {url} the whole address, percent-encoded as one query
  // component (every byte but A-Z a-z 0-9 - . _ ~ as %XX). Either way the
  // address first gets the spec's encoding (bytes outside printable ASCII
  // and spaces as %XX, never twice).
  std::string image_proxy = "https://images.weserv.nl/?url={url_without_scheme}";
  // The local copies of images (media.h), by the image's address: the
  // copy's path relative to the archive root ("media/sha256/ab/….png").
  // An image with one is shown from local_image_base + that path; every
  // other image through the proxy, without script. Null: every image
  // through the proxy (the documents always are: their format is the
  // spec's, byte for byte).
  std::shared_ptr<const std::map<std::string, std::string>> local_images;
  // How a page reaches the archive root. Empty on a site page: write_site
  // sets the page's own relative path ("../../../../../"), which a server
  // answering /media/ at its root serves as it is.
  std::string local_image_base;
};

// The archive document of an article, archived at `archived_at`:
//   <!--{ms}-->\n[{title}]({url})\n------\n\n<div><i><br>{published}</i></div>{lead}{body}\n
// Title escaped for Markdown link text, on one line (the address stands in
// for an empty title); URL percent-encoded (never twice); the publication
// time to the millisecond (the archive time when the article has none);
// every image through the proxy with width="100%", then its caption. The
// body is parsed and written back in core/html.h's canonical one-line form;
// images without an http(s) address, and elements and attributes that would
// load anything else from the source's hosts or run code (<iframe>, <video>,
// srcset, on*, javascript: links, ...), are left out, so no markup can make a
// reader's browser fetch an unproxied address. Never fails.
std::string render_document(const extract::Article& article, Timestamp archived_at,
                            const PublishOptions& options);

// Where an article's document lives, relative to the archive root:
// "{feed}/{yyyy}/{mm}/{dd}-{key}.md" by publication (else archive) date.
// The feed's name and the key each become one file name that no other
// name or key becomes (docs/internals/publish.md, "Names"): one kept as it
// is when it is lower-case a-z 0-9 . _ -, at most 80 bytes, not starting
// or ending in '.' or '-', not reserved (is_reserved_name) and not shaped
// like a mapped name; any other becomes its safe characters, '-' and 32
// hex digits of its SHA-256. Stable for an article's lifetime.
std::string document_path(std::string_view feed_name, std::string_view article_key,
                          Timestamp date);

// The folder of feed `feed_name`, relative to the archive root.
std::string feed_folder(std::string_view feed_name);

// Whether `name` is one the archive's own files and folders take (case
// ignored): README.md, the feeds out (atom.xml, rss.xml, feed.json),
// changes.xml, site, media, manifests, .git, .newsvault, newsvault.toml,
// and the device names Windows keeps (con, nul, com1, ...).
// reserved_name_use says what uses it ("the archive's index"), nullopt
// for a name nothing of the archive's own takes.
bool is_reserved_name(std::string_view name);
std::optional<std::string_view> reserved_name_use(std::string_view name);

// `path`, a document path of an earlier layout ("FOLDER/YYYY/MM/DD-NAME.md"),
// as document_path names it now for its feed and key: the day is kept.
// nullopt when `path` is not of that shape.
std::optional<std::string> renamed_document_path(std::string_view path, std::string_view feed_name,
                                                 std::string_view article_key);

// The folder the first layout gave a feed (a hash of 8 hex digits only
// when the name was not already safe): where a moved feed's files were.
std::string legacy_feed_folder(std::string_view feed_name);

// How a write reaches the disk. kEachFile fsyncs the file and its folder
// before returning: survives a power cut on its own. kBatched only renames
// (atomic against a killed process) and leaves the flush to one
// sync_archive() after many writes: thousands of documents cost one flush,
// not thousands. The caller must not record a batched write as durable
// before sync_archive() returns.
enum class Durability { kEachFile, kBatched };

// Writes `content` to root/relative_path atomically, creating folders.
// Leaves an existing file untouched (same bytes, same mtime) when the
// content is already there. Fails with kIo naming the path.
Result<void> write_file_atomically(const std::filesystem::path& root,
                                   const std::string& relative_path, std::string_view content,
                                   Durability durability = Durability::kEachFile);

// Flushes everything written under root to the disk (syncfs). kIo on failure.
Result<void> sync_archive(const std::filesystem::path& root);

// The temporary files write_file_atomically's cut-short writes left
// (".NAME.XXXXXX" beside NAME), anywhere under root but .git, sorted.
// kIo naming the path.
Result<std::vector<std::filesystem::path>> find_unfinished_writes(const std::filesystem::path& root);

// Removes what writes cut short left behind: the temporary files
// write_file_atomically makes (".NAME.XXXXXX" beside NAME), anywhere under
// root but .git. Returns how many were removed; kIo naming the path.
Result<std::size_t> remove_unfinished_writes(const std::filesystem::path& root);

// Rewrites the index files: {feed}/README.md for each feed (its months,
// newest first, each with its count and a link to its index),
// {feed}/YYYY/MM/README.md for each month of a feed (newest first, one line
// per article: date, linked title, status) and the root README.md (the
// feeds with their counts and latest article). Split by month, so that a
// new article rewrites a small index, never one as long as the archive.
// With `changed` (article ids), only the month indexes holding one of them,
// or missing, are made; the feeds' and the root index always. Unchanged
// indexes are not rewritten. Written batched (Durability::kBatched): the
// caller's sync_archive() makes them durable, with whatever else it wrote.
Result<void> write_indexes(const std::filesystem::path& root,
                           const std::vector<store::FeedRecord>& feeds,
                           const std::vector<store::ArticleSummary>& articles,
                           const std::set<std::int64_t>* changed = nullptr);

// Whether `feed_index` (a {feed}/README.md's text) is the single index of
// archives made before indexes were split by month: one line per article
// rather than per month. Such an archive has its indexes written whole by
// its next run.
bool is_index_before_months(std::string_view feed_index);

// Whether the README.md of any of `feeds` under root is such an index.
bool indexes_before_months(const std::filesystem::path& root, const std::vector<store::FeedRecord>& feeds);


// ---------------------------------------------------------------------------
// Feeds out and git history: what mirrors and readers follow.
//
//   store ─► write_feeds_out ─► {feed}/atom.xml rss.xml feed.json, and the
//                               same three at the root for the whole archive
//   archive folder ─► commit_all_changes ─► .git ─► push_to_remotes
// ---------------------------------------------------------------------------

// The lead image and the body of an article as its archive document shows
// them (images through the proxy, with their captions), one line of HTML.
std::string render_article_html(const extract::Article& article, const PublishOptions& options);

struct FeedsOutOptions {
  // Where the archive is hosted ("https://example.org/archive/"): links to
  // archived copies are absolute under it. Empty: they are relative to the
  // feed file, which works wherever the folder is served or opened.
  std::string base_url;
  // The newest articles each feed out lists (whole bodies, so not all).
  // 0: no feeds out at all (the pipeline then writes none).
  std::size_t max_items = 50;
};

enum class FeedFormat { kAtom, kRss, kJsonFeed };

// The file a format is written to, in a feed's folder or at the root:
// "atom.xml", "rss.xml", "feed.json".
std::string_view feed_out_file_name(FeedFormat format);

// An archived article as feeds out show it: its summary from the store and
// its latest revision.
struct ArchivedArticle {
  store::ArticleSummary summary;
  extract::Article article;
  // render_article_html(article), made XML-safe, when the caller has it
  // already: the three formats then share one rendering. Empty: rendered
  // when needed.
  std::string html;
};

// One feed out: an archived feed's articles, or the whole archive's.
struct FeedOut {
  std::string folder;      // its files' folder under the root ("dw-chinese"); "" for the root
  std::string title;       // the feed's name, or "Archive"
  std::string id;          // stable: "urn:newsvault:feed:dw-chinese", "urn:newsvault:archive"
  std::string source_url;  // the source feed's address; "" for the whole archive
  std::vector<ArchivedArticle> articles;  // newest first
};

// The feed in one format: Atom 1.0 (RFC 4287), RSS 2.0 or JSON Feed 1.1.
// Every item carries the whole body (render_article_html), a stable id
// ("urn:newsvault:article:{feed}:{key}", percent-encoded), the publication
// time (the first-seen time when the source gives none) and the time of its
// latest revision, a link to the archived copy and one to the source. The
// feed's own updated time is its newest item's: the same store gives the
// same bytes. XML is written with libxml2's writer, JSON with nlohmann;
// text that XML cannot carry (control characters, broken UTF-8) is replaced.
std::string render_feed_out(const FeedOut& feed, FeedFormat format, const PublishOptions& options,
                            const FeedsOutOptions& feeds_out);

// Reads an article's latest revision (the caller knows how the store keeps it).
using ArticleLoader = std::function<Result<extract::Article>(const store::ArticleSummary&)>;

// The archive's changes feed, at the root beside the feeds out.
inline constexpr std::string_view kChangesFeedFileName = "changes.xml";

// Writes every feed out: the three formats for each feed (its newest
// max_items articles that have a document) and for the whole archive, and
// changes.xml (Atom: the newest max_items edits at the source, delistings
// and removals, each an entry of its own). Unchanged files are not
// rewritten. With `changed` (article ids), only the feeds out whose newest
// items hold one of them are made (the feeds a run touched), and
// changes.xml. Returns the paths written, relative to the root; fails with
// the loader's error or kIo naming the path.
//
// With `local_images`, each feed out made asks it for the local copies of
// its items' images (PublishOptions::local_images: one call per feed out,
// for the ids of its items) and shows those from the archive: absolute
// under feeds_out.base_url when one is configured, else relative to the
// feed file (what a reader fetching the feed from the static host loads).
using LocalImagesLoader = std::function<Result<std::shared_ptr<const std::map<std::string, std::string>>>(
    const std::set<std::int64_t>& article_ids)>;
Result<std::vector<std::string>> write_feeds_out(const std::filesystem::path& root,
                                                 const std::vector<store::FeedRecord>& feeds,
                                                 const std::vector<store::ArticleSummary>& articles,
                                                 const ArticleLoader& load,
                                                 const PublishOptions& options,
                                                 const FeedsOutOptions& feeds_out,
                                                 const std::set<std::int64_t>* changed = nullptr,
                                                 const LocalImagesLoader& local_images = {});

// A remote the archive is pushed to. Credentials never sit in the settings:
// an https remote takes its user name and password (or token) from the
// environment variables named here; an ssh remote asks the SSH agent.
struct GitRemote {
  std::string name;          // "origin", "backup": a remote of the repository
  std::string url;           // https://…, ssh://…, git@host:path, or a local path (relative: to the archive)
  std::string username_env;  // "" : the URL's user name, else "x-access-token"
  std::string password_env;  // "" : no password (local paths, ssh)
  // This remote's overall bound on one push; none: GitOptions::push_timeout.
  std::optional<std::chrono::seconds> push_timeout;
};

struct GitOptions {
  bool enabled = true;  // commit after every run that changes documents
  std::string author_name = "newsvault";
  std::string author_email = "newsvault@localhost";
  // The branch commits go on and pushes send; a bare remote on this
  // machine gets it as its HEAD.
  std::string branch = "main";
  std::vector<GitRemote> remotes;
  // Every wait of a push is bounded (the push runs in a child process that
  // is killed at its bound, see push_to_remotes): reaching the remote's
  // host (TCP connected), any progress once connected, and the whole push.
  // The first two are never longer than the third.
  std::chrono::seconds push_timeout{120};
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds stall_timeout{60};
  // Not a setting: set by a program that is stopping (the daemon on
  // SIGTERM). A push under way when it turns true is abandoned at once
  // (its child killed, within 100 ms) and the remotes after it are not
  // tried; the remote keeps what it had, and the next push sends it all.
  std::shared_ptr<const std::atomic<bool>> cancel;
};

// Makes `root` a git repository (on `branch`) when it is not one yet, and
// writes a .gitignore keeping `ignored` (paths relative to the root, such
// as the store's folder) out of the history. An existing repository and
// .gitignore are left as they are. kIo naming the folder and libgit2's reason.
Result<void> init_git_repository(const std::filesystem::path& root,
                                 const std::vector<std::string>& ignored,
                                 const std::string& branch = "main");

// What one run changed in one feed.
struct FeedChanges {
  std::string feed;
  std::size_t new_articles = 0;
  std::size_t updated_articles = 0;
};

// "12 new, 3 updated in dw-chinese" for one feed; for several, a summary
// line ("15 new, 4 updated in 2 feeds"), a blank line and one line per feed.
std::string commit_message(const std::vector<FeedChanges>& changes);

// Stages every difference between the folder and the last commit (new,
// changed and removed files; .gitignore honoured, as `git add -A` does) and
// commits it on the current branch, authored and committed at `when`. The
// commit's objects are flushed to the disk before the branch moves to it.
// Returns the new commit's id (hex), or nullopt when nothing differs: no
// empty commits. kIo naming the folder and libgit2's reason.
Result<std::optional<std::string>> commit_all_changes(const std::filesystem::path& root,
                                                      const std::string& message,
                                                      const GitOptions& options, Timestamp when);

// Takes every tracked path (relative to the root, '/'-separated) for which
// `leave_out` is true out of the index, leaving the files in the folder
// (`git rm --cached`): the next commit records them as gone from the
// history, and a .gitignore line keeps them out after. Returns how many
// were taken out; kNotFound when root is no repository, kIo with
// libgit2's reason.
Result<std::size_t> untrack_paths(const std::filesystem::path& root,
                                  const std::function<bool(std::string_view)>& leave_out);

// Paths that differ from the last commit (the `git status` of the folder),
// sorted; empty when the folder is clean.
Result<std::vector<std::string>> uncommitted_changes(const std::filesystem::path& root);

struct PushResult {
  std::string remote;
  bool pushed = false;  // false: already up to date, or failed
  // "" on success: what failed, naming the remote, its URL (credentials
  // hidden) and the cause: "timed out connecting after 30 s", "timed out:
  // no answer for 60 s", "timed out: no progress for 60 s", "connection
  // refused by HOST:PORT", "rejected: …", "authentication failed: …".
  std::string error;
  // Commits of the local branch the remote's copy lacks, as far as this
  // repository knows (its remote-tracking ref); 0 after a push it took.
  std::size_t behind = 0;
  // Stopped by GitOptions::cancel, not by the remote: no failure of the
  // remote's (error says "abandoned: newsvault is stopping").
  bool abandoned = false;
};

// Pushes the current branch to every remote in `options` whose copy of it
// (refs/remotes/NAME/BRANCH) is not the local one: a remote that failed
// before is tried again. Never forces: a remote that moved elsewhere
// refuses the push, which is reported, and nothing local is rewritten.
// Each push runs in a forked child process that the caller kills when a
// bound of `options` passes (libgit2 1.5 has no network timeouts of its
// own): a remote that accepts and never answers costs at most its
// push_timeout. One result per remote, in the order given.
std::vector<PushResult> push_to_remotes(const std::filesystem::path& root,
                                        const GitOptions& options);

// How many commits of the current branch the remote `remote_name` lacks,
// as its remote-tracking ref says (all of them when it has none); 0 when
// nothing is committed. kIo naming the folder when the repository cannot
// be read.
Result<std::size_t> commits_behind(const std::filesystem::path& root, const std::string& remote_name);

// ---------------------------------------------------------------------------
// Static site: the archive as HTML pages, read from disk (file://) or from
// any static host, without JavaScript but for the search page. Layout
// under the site's folder:
//
//   index.html                    feeds, latest articles, links to the rest
//   style.css                     the one stylesheet (light and dark)
//   changes.html                  articles changed or delisted at the source
//   search.html, search/          the search page, its script and index (site_search.h)
//   days/index.html, days/YYYY-MM-DD.html
//   feeds/{feed}/index.html       a feed's articles, newest first
//   feeds/{feed}/YYYY/MM/DD-KEY.html   an article, as its document's path
//
// Every link is relative. The pages are a function of what they are given
// alone (no clock, no file listing), so the same store gives the same bytes.

// One revision of an article, read back from the store.
struct SiteRevision {
  int number = 0;
  Timestamp seen_at;
  extract::Article article;
  store::Cause cause = store::Cause::kSource;  // who changed it (store::Provenance)
  std::string note;                            // why ("the page changed", "full text from the page")
  std::string language;  // store::ArticleRevision::language; "" when unknown
};

// What the site is rendered from: the store's feeds and articles (in the
// store's order), and a way to read one article's revisions, oldest first,
// so that no more than one article's revisions are in memory at once.
struct SiteSource {
  std::vector<store::FeedRecord> feeds;
  std::vector<store::ArticleSummary> articles;
  std::function<Result<std::vector<SiteRevision>>(const store::ArticleSummary&)> revisions;
  // Article ids a run changed: only their pages, the index pages of their
  // feeds and days, the home and the changes page are made (the changes
  // page reads the revisions of every article it shows). Null: the whole
  // site. Either way, pages of articles and feeds no longer in the store
  // are removed.
  const std::set<std::int64_t>* changed = nullptr;
};

enum class ChineseConversion;  // below, with the Chinese copies

struct SiteOptions {
  // The site's folder, relative to the archive root ([publish.site] dir).
  std::string dir = "site";
  PublishOptions publish;  // the image proxy of the article pages
  // By feed name: the converted copies its articles also get a page for,
  // at feeds/{feed}/{language}/YYYY/MM/DD-KEY.html, linked from the
  // original's page and back ([feeds.NAME] convert).
  std::map<std::string, std::vector<ChineseConversion>> conversions;
  // The language of the site's navigation, labels and dates, one of
  // site_languages(), and its <html lang> where an article's own language
  // is not known ([publish] language).
  std::string language = "en";
  // The TZ database zone the pages show times in ([publish] time_zone).
  // Days (the day pages, the documents' paths) stay UTC days.
  std::string time_zone = "UTC";
};

// The languages the site's interface speaks: "en", "zh-Hans", "zh-Hant".
std::span<const std::string_view> site_languages();

// Fails with kInvalidArgument when `time_zone` names no zone of the TZ
// database on this machine (/usr/share/zoneinfo).
Result<void> check_site_time_zone(std::string_view time_zone);

struct SiteSummary {
  std::size_t pages = 0;          // pages the site has now (style.css not counted)
  std::size_t pages_removed = 0;  // left over from articles no longer in the source
};

// Renders the site into root/options.dir, each file written atomically and
// left untouched when unchanged; then removes the .html files in that
// folder that the site no longer has (an article whose path moved). Fails
// with kInvalidArgument when options.dir is not a plain relative folder of
// its own (empty, absolute, with "." or "..", hidden, or a feed's folder),
// with the error of `source.revisions` when a revision cannot be read, with
// ChineseConverter's errors when a conversion cannot be made, or
// with kIo naming the file that could not be written or removed.
Result<SiteSummary> write_site(const std::filesystem::path& root, const SiteSource& source,
                               const SiteOptions& options);

// One page of the site, rendered as write_site renders it, for a server
// that answers from the store: `path` as in the layout above ("index.html",
// "feeds/dw/2023/06/19-k.html", "style.css"). nullopt when the site has no
// such page; fails as write_site does when a revision or a conversion
// cannot be read. Only what the page shows is read: an article's page
// reads that article's revisions alone.
Result<std::optional<std::string>> render_site_page(const SiteSource& source, const SiteOptions& options,
                                                    std::string_view path);

// The site's frame (head with its Content-Security-Policy, navigation,
// footer) around `main` (HTML the caller has made safe), as page `path` of
// the site. With `own_forms`, the policy lets a form submit to the page's
// own origin (a server's search page), and nothing else changes.
std::string render_site_frame(std::string_view path, std::string_view title, std::string_view main,
                              bool own_forms = false, std::string_view language = "en");

// The site's links and labels, for a server's pages in the same frame.
std::string site_href(std::string_view from, std::string_view to);
std::string site_article_page(const store::ArticleSummary& article);

// ---------------------------------------------------------------------------
// Traditional and Simplified Chinese: converted copies of a feed's
// documents, made with OpenCC ([feeds.NAME] convert = ["s2t"]). The
// original document is always kept as the source gave it; each copy lives
// in a parallel tree inside the feed's folder, named by its language:
//
//   dw-chinese/2023/06/19-65955570.md           as the source wrote it
//   dw-chinese/zh-Hant/2023/06/19-65955570.md   converted with s2t

// OpenCC's conversions, by the names of its configuration files.
enum class ChineseConversion {
  kS2T,   // Simplified to Traditional
  kT2S,   // Traditional to Simplified
  kS2TW,  // Simplified to Traditional, Taiwan's variant characters
  kS2HK,  // Simplified to Traditional, Hong Kong's variant characters
  // Simplified to Traditional with Taiwan's characters and phrases (软件 ->
  // 軟體): the same copy as kS2TW, worded as Taiwan words it.
  kS2TWP,
  // Traditional as Taiwan writes it (phrases too) to Simplified (軟體 ->
  // 软件): the same copy as kT2S, worded as the mainland words it.
  kTW2SP,
};

// "s2t", "t2s", "s2tw", "s2hk", "s2twp", "tw2sp"; nullopt for any other name.
std::optional<ChineseConversion> chinese_conversion_named(std::string_view name);
std::string_view chinese_conversion_name(ChineseConversion conversion);
// The BCP 47 tag of the converted text, which names the copy's folder:
// zh-Hant, zh-Hans (t2s, tw2sp), zh-Hant-TW (s2tw, s2twp), zh-Hant-HK.
// Two conversions with one tag make the same copy: a feed takes one.
std::string_view chinese_conversion_language(ChineseConversion conversion);

// One loaded OpenCC conversion (its dictionaries are read once, here).
// Use from one thread at a time.
class ChineseConverter {
 public:
  // Loads OpenCC's configuration for `conversion` (s2t.json, ... from its
  // data folder, /usr/share/opencc on Debian). kNotFound naming the
  // configuration and OpenCC's reason when it cannot be loaded.
  static Result<ChineseConverter> open(ChineseConversion conversion);
  ChineseConverter(ChineseConverter&& other) noexcept;
  ChineseConverter& operator=(ChineseConverter&& other) noexcept;
  ~ChineseConverter();

  ChineseConversion conversion() const { return conversion_; }
  // `text` (UTF-8) converted. kInternal with OpenCC's reason on failure.
  Result<std::string> convert(std::string_view text) const;

 private:
  struct Handle;
  ChineseConverter(ChineseConversion conversion, std::unique_ptr<Handle> handle);
  ChineseConversion conversion_;
  std::unique_ptr<Handle> handle_;
};

// The article with its title, its lead image's caption and every text node
// of its body converted; addresses, attributes and markup stay as they
// were (a converted URL would lead nowhere). Fails as convert() does.
Result<extract::Article> convert_article(const extract::Article& article,
                                         const ChineseConverter& converter);

// Where the converted copy of the document at `document_path` lives: the
// language tag inserted after the feed's folder ("dw/2023/06/19-k.md" ->
// "dw/zh-Hant/2023/06/19-k.md"). The other folders of a feed are years
// (four digits), so a copy never takes an original's place.
std::string converted_document_path(std::string_view document_path, ChineseConversion conversion);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_PUBLISH_H_
