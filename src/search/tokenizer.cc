// newsvault's FTS5 tokenizer (https://sqlite.org/fts5.html#custom_tokenizers).
//
//   text ─► code points ─► fold_character (full-width → ASCII, lower case, t2s) ─►
//           Latin words │ CJK bigrams + colocated characters ─► tokens with
//           offsets into the original text
#include "search/tokenizer.h"

#include "core/fold.h"

namespace newsvault::search {
namespace {

struct CodePoint {
  char32_t value;
  std::size_t start;
  std::size_t end;
};

// Decodes UTF-8; a byte that starts no well-formed sequence is read as
// U+FFFD, which is no word character.
std::vector<CodePoint> decode(std::string_view text) {
  std::vector<CodePoint> points;
  points.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    Utf8Char read = decode_utf8(text.substr(i));
    if (read.length == 0) read = {0xFFFD, 1};
    points.push_back({read.code_point, i, i + read.length});
    i += read.length;
  }
  return points;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text, TokenizeFor purpose) {
  std::vector<CodePoint> points = decode(text);
  for (CodePoint& point : points) point.value = fold_character(point.value);
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < points.size();) {
    if (is_word(points[i].value)) {
      Token token{{}, points[i].start, 0, false};
      for (; i < points.size() && is_word(points[i].value); ++i) append_utf8(points[i].value, token.text);
      token.end = points[i - 1].end;
      tokens.push_back(std::move(token));
    } else if (is_cjk(points[i].value)) {
      std::size_t run_end = i;
      while (run_end < points.size() && is_cjk(points[run_end].value)) ++run_end;
      const bool single = run_end - i == 1;
      for (; i < run_end; ++i) {
        const bool last = i + 1 == run_end;
        if (!last) {
          Token bigram{{}, points[i].start, points[i + 1].end, false};
          append_utf8(points[i].value, bigram.text);
          append_utf8(points[i + 1].value, bigram.text);
          tokens.push_back(std::move(bigram));
        }
        if (purpose == TokenizeFor::kDocument || single) {
          Token unigram{{}, points[i].start, points[i].end, !last};
          append_utf8(points[i].value, unigram.text);
          tokens.push_back(std::move(unigram));
        }
      }
    } else {
      ++i;
    }
  }
  return tokens;
}

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
  try {
    for (const Token& token : tokenize(std::string_view(text, static_cast<std::size_t>(length)), purpose)) {
      const int result = emit(context, token.colocated ? FTS5_TOKEN_COLOCATED : 0, token.text.data(),
                              static_cast<int>(token.text.size()), static_cast<int>(token.start),
                              static_cast<int>(token.end));
      if (result != SQLITE_OK) return result;
    }
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;  // no exception crosses into SQLite's C frames
  }
  return SQLITE_OK;
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
