// Private to the publish stage: what the three feed-out formats share:
// ids, links, times and text made safe for XML.
#ifndef NEWSVAULT_PUBLISH_FEED_OUT_H_
#define NEWSVAULT_PUBLISH_FEED_OUT_H_

#include <string>
#include <string_view>

#include "publish/publish.h"

namespace newsvault::publish {

// `text` as XML 1.0 may carry it (§2.2 Char): broken UTF-8 and the code
// points XML forbids (C0 controls but tab, LF, CR; U+FFFE, U+FFFF;
// surrogates) become U+FFFD. JSON gets the same text, so the formats agree.
std::string xml_safe_text(std::string_view text);

// "urn:newsvault:article:{feed}:{key}", each part percent-encoded: the same
// article keeps it across revisions, rebuilds and hosts.
std::string feed_out_item_id(const ArchivedArticle& item);

// The archived copy's address: relative to the feed file's folder, or
// absolute under base_url when one is configured.
std::string archived_copy_link(const FeedOut& feed, const ArchivedArticle& item,
                               const FeedsOutOptions& options);

// The article's address at its source, percent-encoded as the archive
// document's link is ("" when it has none).
std::string source_link(const ArchivedArticle& item);

// A file in the feed's folder ("README.md", "atom.xml"), linked the same way.
std::string feed_folder_link(const FeedOut& feed, std::string_view file,
                             const FeedsOutOptions& options);

// Where the feed's items reach the archive root for the local copies of
// images (PublishOptions::local_image_base): base_url when configured,
// else up from the feed file's folder ("" at the root, "../" in a feed's).
std::string local_image_base(const FeedOut& feed, const FeedsOutOptions& options);

// "" when no base_url is configured: a feed's self link must be absolute.
std::string absolute_feed_link(const FeedOut& feed, FeedFormat format,
                               const FeedsOutOptions& options);

// The item's body as every format carries it: its `html` when made,
// otherwise render_article_html made XML-safe.
std::string item_html(const ArchivedArticle& item, const PublishOptions& options);

// The publication time (the first-seen time when the source gives none) and
// the time of the latest revision.
Timestamp published_time(const ArchivedArticle& item);
Timestamp updated_time(const ArchivedArticle& item);
// The newest updated_time of the feed's items; the Unix epoch when it has
// none. Never the clock: the same store gives the same bytes.
Timestamp feed_updated_time(const FeedOut& feed);

// RFC 822 as RSS 2.0 wants it, in UTC: "Mon, 19 Jun 2023 01:41:50 +0000".
std::string format_rfc822(Timestamp time);

std::string render_atom(const FeedOut& feed, const PublishOptions& options,
                        const FeedsOutOptions& feeds_out);
std::string render_rss(const FeedOut& feed, const PublishOptions& options,
                       const FeedsOutOptions& feeds_out);
std::string render_json_feed(const FeedOut& feed, const PublishOptions& options,
                             const FeedsOutOptions& feeds_out);

// One event of the archive's changes feed (changes.xml): an article changed
// at the source, no longer listed by its feed, or removed at the source.
struct ArchiveChange {
  enum class Kind { kChanged, kDelisted, kRemoved };
  Kind kind;
  Timestamp when;
  const store::ArticleSummary* article;
};
// The changes of `articles` (source changes, delistings, removals), newest
// first, at most `limit`.
std::vector<ArchiveChange> archive_changes(const std::vector<const store::ArticleSummary*>& articles,
                                           std::size_t limit);
// changes.xml, Atom 1.0: each event an entry with its own id (a later
// event of the same article is a new entry), linking the archived copy.
std::string render_changes_atom(const std::vector<ArchiveChange>& changes,
                                const FeedsOutOptions& feeds_out);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_FEED_OUT_H_
