// Private to the feed stage: the last touches every text value gets.
#ifndef NEWSVAULT_FEED_FEED_TEXT_H_
#define NEWSVAULT_FEED_FEED_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "feed/feed.h"

namespace newsvault::feed {

// Whitespace trimmed at both ends (ASCII whitespace only: an ideographic
// space at the start of a Chinese paragraph is content).
std::string_view trim_text(std::string_view text);

// Mends the two encoding accidents feeds carry most (as feedparser does):
// C1 control characters that stand for Windows-1252 punctuation
// (U+0093 -> U+201C), and UTF-8 that was read as Latin-1 and encoded again
// ("cafÃ©" -> "café"; only when `document_is_utf8`, and only when the
// result is valid UTF-8). Also trims. Works in place: text that needs no
// mending (nearly all) is returned without a copy.
std::string finish_text(std::string text, bool document_is_utf8);

// How a text value may be laid out: a title, author, link or id is one
// line; a description, summary or content may have many.
enum class TextLayout { kSingleLine, kMultiLine };

// A text from a source with what no source text should carry taken out,
// whatever the feed's format, so that nothing a feed writes can drive a
// terminal or a page: C0 controls and DEL (tab, LF and CR kept in
// multi-line text), C1 controls (those feeds meant as Windows-1252
// punctuation are mapped by finish_text first), noncharacters (U+FDD0-
// U+FDEF, U+xFFFE, U+xFFFF) and bytes that are not UTF-8 (as U+FFFD).
// In single-line text line breaks and tabs (LF, CR, tab, U+2028, U+2029)
// become one space, and the bidi embeddings, overrides and isolates
// (U+202A-U+202E, U+2066-U+2069) go: they reorder what follows them on
// the line, so a title holding them could show as another row. Text that
// needs nothing (nearly all) is returned without a copy.
std::string clean_source_text(std::string text, TextLayout layout);

// clean_source_text on every text of the feed and its entries: titles,
// links, ids, authors, tags, languages and URLs as single lines;
// descriptions, summaries, content and extension values as multi-line.
// Called once by parse_feed, for every format.
void clean_feed_text(Feed& feed);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_FEED_TEXT_H_
