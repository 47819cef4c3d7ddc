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
#include "core/fold.h"

namespace newsvault::search {

// The name the tokenizer is registered under: tokenize='newsvault'.
inline constexpr std::string_view kTokenizerName = "newsvault";

// Registers the tokenizer on `connection` (through fts5_api, obtained
// with SELECT fts5(?1)). Fails with kInternal when SQLite has no FTS5.
Result<void> register_tokenizer(sqlite3* connection);

}  // namespace newsvault::search

#endif  // NEWSVAULT_SEARCH_TOKENIZER_H_
