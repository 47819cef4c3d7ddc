// Private to the feed stage: the last touches every text value gets.
#ifndef NEWSVAULT_FEED_FEED_TEXT_H_
#define NEWSVAULT_FEED_FEED_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_FEED_TEXT_H_
