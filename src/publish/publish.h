// publish: writes what the archive keeps as files people can copy, host and
// read: one Markdown document per article (the format of
// shared spec archive-format.md, byte for byte), a README.md index per feed
// and one at the root. Every file is written atomically (temporary file,
// fsync, rename), so a reader or a crash never sees half a document.
//
// Rendering functions are pure; the writing functions touch only the
// archive directory they are given.
#ifndef NEWSVAULT_PUBLISH_PUBLISH_H_
#define NEWSVAULT_PUBLISH_PUBLISH_H_

#include <filesystem>
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
// "{feed}/{yyyy}/{mm}/{dd}-{key}.md" by publication (else archive) date,
// with the key made safe for file names. Stable for an article's lifetime.
std::string document_path(std::string_view feed_name, std::string_view article_key,
                          Timestamp date);

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

// Removes what writes cut short left behind: the temporary files
// write_file_atomically makes (".NAME.XXXXXX" beside NAME), anywhere under
// root but .git. Returns how many were removed; kIo naming the path.
Result<std::size_t> remove_unfinished_writes(const std::filesystem::path& root);

// Rewrites the index files: {feed}/README.md for each feed (newest first,
// one line per article: date, linked title) and the root README.md (the
// feeds with their counts and latest article). Unchanged indexes are not
// rewritten.
Result<void> write_indexes(const std::filesystem::path& root,
                           const std::vector<store::FeedRecord>& feeds,
                           const std::vector<store::ArticleSummary>& articles);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_PUBLISH_H_
