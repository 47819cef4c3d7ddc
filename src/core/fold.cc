// Search's character folding, with OpenCC's t2s characters built in.
#include "core/fold.h"

#include <algorithm>
#include <iterator>

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

}  // namespace newsvault
