// search: full-text search over the archive, for Chinese as well as Latin
// script.
//
// Owns the search index: an SQLite FTS5 table (search_index) over the text
// table search_text, both in the store's database, with newsvault's own
// tokenizer. Text is normalised one character at a time, so that offsets
// map back to what was written: Traditional Chinese to Simplified (OpenCC
// t2s), full-width letters and digits to ASCII, letters to lower case.
// Chinese, Japanese and Korean characters are indexed as overlapping
// bigrams with each single character at the same position, so that a term
// of any length matches as a substring; Latin words are indexed whole.
// Queries go through the same normalisation: 台湾 finds 臺灣 and 台灣.
//
//   revision ─► title, body text ─► tokenizer ─► search_index (FTS5)
//   query ─► terms ─► tokenizer ─► MATCH ─► bm25 ─► hits with snippets
//
// Functions here use the store's one connection: call them from the thread
// that uses the store.
#ifndef NEWSVAULT_SEARCH_SEARCH_H_
#define NEWSVAULT_SEARCH_SEARCH_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "store/store.h"

namespace newsvault::search {

// Registers the tokenizer on the store's connection and, with write
// access, keeps the index current: every revision the store saves from now
// on is indexed in the transaction that saves it. A store without articles
// gets its index made here; an archive that has articles but no index yet
// is left to rebuild(). Fails with kInternal when SQLite has no FTS5.
Result<void> attach(store::Store& store);

// Whether the index covers the archive: false for an archive whose
// articles were saved before it had an index (then rebuild() makes it).
Result<bool> index_built(store::Store& store);

// Makes the index again from the latest revision of every article, in one
// transaction. Returns how many articles it holds. Needs write access and
// attach() first.
Result<std::size_t> rebuild(store::Store& store);

struct Query {
  std::string text;  // terms separated by spaces, every one must match
  std::size_t limit = 20;
  std::optional<std::string> feed = std::nullopt;  // only articles this feed lists
  std::optional<Timestamp> since = std::nullopt;  // only articles published (or first seen) since
};

struct Hit {
  std::int64_t id = 0;
  std::string url;  // the article's address at its source
  std::string title;
  std::string feed;  // the feed it was first archived from
  std::optional<Timestamp> published;
  // Some words around the best match, as written, each match between
  // kMarkOpen and kMarkClose.
  std::string snippet;
};

inline constexpr std::string_view kMarkOpen = "[";
inline constexpr std::string_view kMarkClose = "]";

// The articles matching every term, best first: bm25 with the title
// weighted above the text, newer first among equals. Fails with
// kInvalidArgument for a query without terms or an unknown feed, and with
// kNotFound, saying to run `newsvault search --rebuild`, when the index has
// not been built.
Result<std::vector<Hit>> search(store::Store& store, const Query& query);

// The plain text of an article's body HTML, as the index covers it:
// paragraphs and line breaks become newlines.
std::string body_text(std::string_view body_html);

}  // namespace newsvault::search

#endif  // NEWSVAULT_SEARCH_SEARCH_H_
