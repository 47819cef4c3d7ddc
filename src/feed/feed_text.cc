#include "feed/feed_text.h"

#include <cstdint>

namespace newsvault::feed {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Windows-1252's characters for bytes 0x80-0x9F (0 where it has none).
constexpr char16_t kWindows1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3
                                           : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    if (length == 2 && byte < 0xC2) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// When every character is below U+0100 and some are not ASCII, the
// Latin-1 bytes those characters stand for may be the real UTF-8 text.
bool undo_double_encoding(std::string_view text, std::string& out) {
  std::string bytes;
  bool any_high = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      bytes += static_cast<char>(byte);
    } else if ((byte == 0xC2 || byte == 0xC3) && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      bytes += static_cast<char>(((byte & 0x03) << 6) | (next & 0x3F));
      any_high = true;
      ++i;
    } else {
      return false;  // a character above U+00FF: not Latin-1 text
    }
  }
  if (!any_high || !is_valid_utf8(bytes)) return false;
  out = std::move(bytes);
  return true;
}

}  // namespace

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::string_view trim_text(std::string_view text) {
  std::size_t first = 0;
  while (first < text.size() && is_space(text[first])) ++first;
  std::size_t last = text.size();
  while (last > first && is_space(text[last - 1])) --last;
  return text.substr(first, last - first);
}

std::string finish_text(std::string_view text, bool document_is_utf8) {
  text = trim_text(text);
  bool has_high = false;
  bool has_c1 = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      has_high = true;
      if (byte == 0xC2 && i + 1 < text.size() &&
          static_cast<unsigned char>(text[i + 1]) < 0xA0) {
        has_c1 = true;
      }
    }
  }
  std::string out;
  if (!has_high) return std::string(text);
  if (document_is_utf8 && undo_double_encoding(text, out)) {
    text = out;
  } else {
    out.assign(text);
  }
  if (!has_c1) return out;
  std::string mapped;
  mapped.reserve(out.size() + 8);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto byte = static_cast<unsigned char>(out[i]);
    if (byte == 0xC2 && i + 1 < out.size()) {
      const auto next = static_cast<unsigned char>(out[i + 1]);
      if (next >= 0x80 && next < 0xA0 && kWindows1252[next - 0x80] != 0) {
        append_utf8(kWindows1252[next - 0x80], mapped);
        ++i;
        continue;
      }
    }
    mapped += out[i];
  }
  return mapped;
}

}  // namespace newsvault::feed
