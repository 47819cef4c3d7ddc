// Private to the search stage: newsvault's FTS5 tokenizer and the
// normalisation it shares with queries.
#ifndef NEWSVAULT_SEARCH_TOKENIZER_H_
#define NEWSVAULT_SEARCH_TOKENIZER_H_

#include <sqlite3.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace newsvault::search {

// The name the tokenizer is registered under: tokenize='newsvault'.
inline constexpr std::string_view kTokenizerName = "newsvault";

struct Token {
  std::string text;    // normalised
  std::size_t start;   // byte offsets into the original text
  std::size_t end;
  bool colocated;      // at the same position as the token before
};

enum class TokenizeFor { kDocument, kQuery };

// The tokens of `text`. kDocument: Latin words whole; each Chinese,
// Japanese or Korean character as a bigram with the next character of its
// run, and as itself at the same position (the last of a run only as
// itself). kQuery: a run of one character as itself, a longer run as its
// bigrams only, so that it matches as a phrase.
std::vector<Token> tokenize(std::string_view text, TokenizeFor purpose);

// Registers the tokenizer on `connection` (through fts5_api, obtained
// with SELECT fts5(?1)). Fails with kInternal when SQLite has no FTS5.
Result<void> register_tokenizer(sqlite3* connection);

}  // namespace newsvault::search

#endif  // NEWSVAULT_SEARCH_TOKENIZER_H_
