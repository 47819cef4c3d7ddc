#include "core/core.h"
#include "feed/feed_text.h"

#include <cstdint>
#include <cstring>

namespace newsvault::feed {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Windows-1252's characters for bytes 0x80-0x9F (0 where it has none).
constexpr char16_t kWindows1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Offset of the first byte >= 0x80 at or after `from`, or text.size().
// Eight bytes at a time: most text in feeds is mostly ASCII.
std::size_t find_non_ascii(std::string_view text, std::size_t from) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (word & kHighBits) break;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

// Feeds UTF-8 bytes one at a time and says whether they form valid UTF-8
// (leads and continuation bytes only: the test the double-encoding repair
// has always made).
class Utf8Checker {
 public:
  bool add(unsigned char byte) {
    if (remaining_ > 0) {
      --remaining_;
      return (byte & 0xC0) == 0x80;
    }
    const int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3
                                        : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || (length == 2 && byte < 0xC2)) return false;
    remaining_ = length - 1;
    return true;
  }
  bool complete() const { return remaining_ == 0; }

 private:
  int remaining_ = 0;
};

// When every character is below U+0100 and some are not ASCII, the
// Latin-1 bytes those characters stand for may be the real UTF-8 text.
// `first_high` is where the first non-ASCII byte is. A first pass only
// checks, so that text which is not double-encoded (nearly all) is not
// copied.
bool undo_double_encoding(std::string& text, std::size_t first_high) {
  Utf8Checker checker;
  for (std::size_t i = first_high; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (!checker.add(byte)) return false;
    } else if ((byte == 0xC2 || byte == 0xC3) && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (!checker.add(static_cast<unsigned char>(((byte & 0x03) << 6) | (next & 0x3F)))) {
        return false;
      }
      ++i;
    } else {
      return false;  // a character above U+00FF: not Latin-1 text
    }
  }
  if (!checker.complete()) return false;
  // Each two-byte character becomes one byte: rewrite in place.
  std::size_t out = first_high;
  for (std::size_t i = first_high; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      text[out++] = static_cast<char>(byte);
    } else {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      text[out++] = static_cast<char>(((byte & 0x03) << 6) | (next & 0x3F));
      ++i;
    }
  }
  text.resize(out);
  return true;
}

// A C1 control (U+0080-U+009F, "\xC2\x80"-"\xC2\x9F") at or after `from`.
bool has_c1_control(std::string_view text, std::size_t from) {
  while (from < text.size()) {
    const void* found = std::memchr(text.data() + from, 0xC2, text.size() - from);
    if (!found) return false;
    const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
    if (at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) < 0xA0) return true;
    from = at + 1;
  }
  return false;
}

// What clean_source_text does with one character.
enum class Keep { kYes, kDrop, kSpace };

Keep judge(char32_t c, TextLayout layout) {
  const bool single_line = layout == TextLayout::kSingleLine;
  if (c == '\t' || c == '\n' || c == '\r') return single_line ? Keep::kSpace : Keep::kYes;
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return Keep::kDrop;
  if (c == 0x2028 || c == 0x2029) return single_line ? Keep::kSpace : Keep::kYes;
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
    return single_line ? Keep::kDrop : Keep::kYes;
  }
  // Unicode §23.7: noncharacters are for a program's own use, never for
  // interchange.
  if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) return Keep::kDrop;
  return Keep::kYes;
}

void clean_in_place(std::string& text, TextLayout layout) {
  text = clean_source_text(std::move(text), layout);
}

void clean_all(std::vector<std::string>& texts, TextLayout layout) {
  for (std::string& text : texts) clean_in_place(text, layout);
}

void clean_entry_text(Entry& entry) {
  constexpr TextLayout kLine = TextLayout::kSingleLine;
  constexpr TextLayout kText = TextLayout::kMultiLine;
  for (std::string* line : {&entry.id, &entry.title, &entry.link, &entry.author}) {
    clean_in_place(*line, kLine);
  }
  clean_in_place(entry.summary, kText);
  clean_in_place(entry.content, kText);
  for (Enclosure& enclosure : entry.enclosures) {
    clean_in_place(enclosure.url, kLine);
    clean_in_place(enclosure.type, kLine);
  }
  clean_all(entry.tags, kLine);
  for (Media& media : entry.media) {
    for (std::string* line : {&media.url, &media.type, &media.medium}) clean_in_place(*line, kLine);
    clean_in_place(media.description, kText);
  }
  for (Extension& extension : entry.extensions) {
    clean_in_place(extension.value, kText);
    for (auto& [name, value] : extension.attributes) clean_in_place(value, kLine);
  }
}

}  // namespace

std::string clean_source_text(std::string text, TextLayout layout) {
  // Find the first character to change; most texts have none.
  std::size_t at = 0;
  while (true) {
    at += printable_ascii_prefix(std::string_view(text).substr(at));
    if (at == text.size()) return text;
    const Utf8Char c = decode_utf8(std::string_view(text).substr(at));
    if (c.length == 0 || judge(c.code_point, layout) != Keep::kYes) break;
    at += c.length;
  }
  std::string cleaned(text, 0, at);
  cleaned.reserve(text.size());
  while (at < text.size()) {
    const std::size_t run = printable_ascii_prefix(std::string_view(text).substr(at));
    cleaned.append(text, at, run);
    at += run;
    if (at == text.size()) break;
    const Utf8Char c = decode_utf8(std::string_view(text).substr(at));
    if (c.length == 0) {
      newsvault::append_utf8(0xFFFD, cleaned);
      ++at;
      continue;
    }
    switch (judge(c.code_point, layout)) {
      case Keep::kYes: cleaned.append(text, at, c.length); break;
      case Keep::kDrop: break;
      case Keep::kSpace:
        if (!cleaned.empty() && cleaned.back() != ' ') cleaned += ' ';
        break;
    }
    at += c.length;
  }
  if (layout == TextLayout::kSingleLine) {
    const std::string_view trimmed = trim_text(cleaned);
    if (trimmed.size() != cleaned.size()) return std::string(trimmed);
  }
  return cleaned;
}

void clean_feed_text(Feed& feed) {
  for (std::string* line : {&feed.title, &feed.link, &feed.language}) {
    clean_in_place(*line, TextLayout::kSingleLine);
  }
  clean_in_place(feed.description, TextLayout::kMultiLine);
  for (Entry& entry : feed.entries) clean_entry_text(entry);
}

std::string_view trim_text(std::string_view text) {
  std::size_t first = 0;
  while (first < text.size() && is_space(text[first])) ++first;
  std::size_t last = text.size();
  while (last > first && is_space(text[last - 1])) --last;
  return text.substr(first, last - first);
}

std::string finish_text(std::string text, bool document_is_utf8) {
  const std::string_view trimmed = trim_text(text);
  if (trimmed.size() != text.size()) {
    const std::size_t first = static_cast<std::size_t>(trimmed.data() - text.data());
    text.resize(first + trimmed.size());
    text.erase(0, first);
  }
  const std::size_t first_high = find_non_ascii(text, 0);
  if (first_high == text.size()) return text;
  // Decided on the text as sent: a C1 control that double-encoding undid
  // into a byte is not one.
  const bool has_c1 = has_c1_control(text, first_high);
  if (document_is_utf8) undo_double_encoding(text, first_high);
  if (!has_c1) return text;
  std::string mapped;
  mapped.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next < 0xA0 && kWindows1252[next - 0x80] != 0) {
        newsvault::append_utf8(kWindows1252[next - 0x80], mapped);
        ++i;
        continue;
      }
    }
    mapped += text[i];
  }
  return mapped;
}

}  // namespace newsvault::feed
