// Character folding for search: what the archive's search index and the
// static site's search treat as the same character, and which characters
// make words. One code point becomes one code point, so offsets into a
// folded text are those of the original.
//
// Pure functions over constant tables; thread-safe.
#ifndef NEWSVAULT_CORE_FOLD_H_
#define NEWSVAULT_CORE_FOLD_H_

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace newsvault {

// A Traditional Chinese character and its Simplified form.
struct T2sPair {
  char32_t traditional;
  char32_t simplified;
};

// Every Han character that OpenCC's t2s changes when converted alone, and
// what it becomes (臺 → 台, 灣 → 湾, 軟 → 软, 體 → 体), sorted by the
// Traditional character. Generated from OpenCC's data by
// scripts/t2s-table.sh, so that folding needs no dictionary load.
std::span<const T2sPair> t2s_characters();

// Han ideographs (CJK Unified Ideographs and their extensions,
// compatibility ideographs).
bool is_han(char32_t c);

// Chinese, Japanese and Korean characters: written without spaces between
// words, so searched as substrings.
bool is_cjk(char32_t c);

// Letters and digits of scripts written with spaces (Latin, Greek,
// Cyrillic...), after folding: a run of them is a word.
bool is_word(char32_t c);

// The character as search compares it: full-width ASCII as ASCII, Latin,
// Greek and Cyrillic capitals in lower case, Han characters in Simplified
// form (t2s_characters()); anything else as it is.
char32_t fold_character(char32_t c);

// A token of search text: what the archive's FTS5 index and the static
// site's index hold.
struct SearchToken {
  std::string text;    // folded
  std::size_t start;   // byte offsets into the original text
  std::size_t end;
  bool colocated;      // at the same position as the token before
};

enum class TokenizeFor { kDocument, kQuery };

// The tokens of `text`, folded with fold_character. kDocument: Latin
// words whole; each Chinese, Japanese or Korean character as a bigram with
// the next character of its run, and as itself at the same position (the
// last of a run only as itself). kQuery: a run of one character as
// itself, a longer run as its bigrams only, so that it matches as a phrase.
std::vector<SearchToken> search_tokens(std::string_view text, TokenizeFor purpose);

// The same tokens, each handed to `visit` as it is made (the token is
// reused: copy what is kept) without building the list. Stops, returning
// false, when `visit` returns false.
bool visit_search_tokens(std::string_view text, TokenizeFor purpose,
                         const std::function<bool(const SearchToken&)>& visit);

}  // namespace newsvault

#endif  // NEWSVAULT_CORE_FOLD_H_
