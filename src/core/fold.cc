// Search's character folding, with OpenCC's t2s characters built in.
#include "core/fold.h"

#include <algorithm>
#include <iterator>

#include "core/core.h"

namespace newsvault {
namespace {

constexpr T2sPair kT2sCharacters[] = {
#include "core/t2s_table.inc"
};

}  // namespace

std::span<const T2sPair> t2s_characters() { return kT2sCharacters; }

bool is_han(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

bool is_cjk(char32_t c) {
  return is_han(c) || (c >= 0x2E80 && c <= 0x2FDF) ||  // radicals
         (c >= 0x3040 && c <= 0x30FF) ||               // kana
         (c >= 0x3100 && c <= 0x312F) || (c >= 0x31F0 && c <= 0x31FF) ||
         (c >= 0xAC00 && c <= 0xD7AF);  // Hangul syllables
}

bool is_word(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  if (c < 0xC0 || c == 0xD7 || c == 0xF7 || c == 0xFFFD) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c >= 0xFE30 && c <= 0xFE4F) return false;  // CJK compatibility forms
  if (c >= 0xFF00 && c <= 0xFFEF) return false;  // full-width punctuation left after folding
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  return !is_cjk(c);
}

char32_t fold_character(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c < 0x80) return c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9) ||
      (c >= 0x410 && c <= 0x42F)) {
    return c + 0x20;  // Latin-1, Greek, Cyrillic capitals
  }
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  if (c >= 0x100 && c <= 0x17F && c % 2 == 0 && c != 0x130 && c != 0x138) return c + 1;
  if (is_han(c)) {
    const auto found = std::ranges::lower_bound(kT2sCharacters, c, {}, &T2sPair::traditional);
    if (found != std::end(kT2sCharacters) && found->traditional == c) return found->simplified;
  }
  return c;
}

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

bool visit_search_tokens(std::string_view text, TokenizeFor purpose,
                         const std::function<bool(const SearchToken&)>& visit) {
  std::vector<CodePoint> points = decode(text);
  for (CodePoint& point : points) point.value = fold_character(point.value);
  // One token, its text's buffer reused: a document has thousands.
  SearchToken token{{}, 0, 0, false};
  auto emit = [&](std::size_t start, std::size_t end, bool colocated) {
    token.start = start;
    token.end = end;
    token.colocated = colocated;
    return visit(token);
  };
  for (std::size_t i = 0; i < points.size();) {
    token.text.clear();
    if (is_word(points[i].value)) {
      const std::size_t start = points[i].start;
      for (; i < points.size() && is_word(points[i].value); ++i) append_utf8(points[i].value, token.text);
      if (!emit(start, points[i - 1].end, false)) return false;
    } else if (is_cjk(points[i].value)) {
      std::size_t run_end = i;
      while (run_end < points.size() && is_cjk(points[run_end].value)) ++run_end;
      const bool single = run_end - i == 1;
      for (; i < run_end; ++i) {
        const bool last = i + 1 == run_end;
        if (!last) {
          token.text.clear();
          append_utf8(points[i].value, token.text);
          append_utf8(points[i + 1].value, token.text);
          if (!emit(points[i].start, points[i + 1].end, false)) return false;
        }
        if (purpose == TokenizeFor::kDocument || single) {
          token.text.clear();
          append_utf8(points[i].value, token.text);
          if (!emit(points[i].start, points[i].end, !last)) return false;
        }
      }
    } else {
      ++i;
    }
  }
  return true;
}

std::vector<SearchToken> search_tokens(std::string_view text, TokenizeFor purpose) {
  std::vector<SearchToken> tokens;
  visit_search_tokens(text, purpose, [&](const SearchToken& token) {
    tokens.push_back(token);
    return true;
  });
  return tokens;
}

}  // namespace newsvault
