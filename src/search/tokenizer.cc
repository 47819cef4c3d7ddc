// newsvault's FTS5 tokenizer (https://sqlite.org/fts5.html#custom_tokenizers).
//
//   text ─► search_tokens (core/fold.h) ─► FTS5 tokens, colocated where
//           marked, with offsets into the original text
#include "search/tokenizer.h"


namespace newsvault::search {
namespace {

// One instance per FTS5 table; it keeps nothing.
struct Instance {};

int create_instance(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new Instance());
  return SQLITE_OK;
}

void delete_instance(Fts5Tokenizer* instance) { delete reinterpret_cast<Instance*>(instance); }

int tokenize_for_fts5(Fts5Tokenizer*, void* context, int flags, const char* text, int length,
                      int (*emit)(void*, int, const char*, int, int, int)) {
  const TokenizeFor purpose =
      (flags & FTS5_TOKENIZE_QUERY) != 0 ? TokenizeFor::kQuery : TokenizeFor::kDocument;
  int result = SQLITE_OK;
  try {
    visit_search_tokens(std::string_view(text, static_cast<std::size_t>(length)), purpose,
                        [&](const SearchToken& token) {
                          result = emit(context, token.colocated ? FTS5_TOKEN_COLOCATED : 0, token.text.data(),
                                        static_cast<int>(token.text.size()), static_cast<int>(token.start),
                                        static_cast<int>(token.end));
                          return result == SQLITE_OK;
                        });
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;  // no exception crosses into SQLite's C frames
  }
  return result;
}

fts5_tokenizer kTokenizer = {create_instance, delete_instance, tokenize_for_fts5};

}  // namespace

Result<void> register_tokenizer(sqlite3* connection) {
  // https://sqlite.org/fts5.html#extending_fts5: the API pointer comes back
  // through a pointer bound with the type "fts5_api_ptr".
  fts5_api* api = nullptr;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(connection, "SELECT fts5(?1)", -1, &raw, nullptr) != SQLITE_OK) {
    return make_error(ErrorCode::kInternal,
                      std::string("this SQLite has no FTS5: ") + sqlite3_errmsg(connection));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  sqlite3_bind_pointer(raw, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(raw);
  if (api == nullptr || api->iVersion < 2) {
    return make_error(ErrorCode::kInternal, "this SQLite's FTS5 gave no usable fts5_api");
  }
  const std::string name(kTokenizerName);
  if (api->xCreateTokenizer(api, name.c_str(), nullptr, &kTokenizer, nullptr) != SQLITE_OK) {
    return make_error(ErrorCode::kInternal, "cannot register the FTS5 tokenizer " + name);
  }
  return {};
}

}  // namespace newsvault::search
