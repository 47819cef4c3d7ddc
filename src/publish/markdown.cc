#include "publish/markdown.h"

#include <cstddef>

namespace newsvault::publish {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

void append_percent(unsigned char byte, std::string& out) {
  out += '%';
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0F];
}

bool is_ascii_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// CommonMark §6.2: "&name;", "&#123;" and "&#x1F;" are entity references
// (a name of letters and digits; up to 7 decimal or 6 hex digits).
bool starts_entity_reference(std::string_view text, std::size_t at) {
  if (at >= text.size() || text[at] != '&') return false;
  std::size_t i = at + 1;
  std::size_t digits = 0;
  if (i < text.size() && text[i] == '#') {
    ++i;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    while (i < text.size() && (hex ? is_hex_digit(text[i]) : (text[i] >= '0' && text[i] <= '9'))) {
      ++i;
      ++digits;
    }
    return digits >= 1 && digits <= (hex ? 6u : 7u) && i < text.size() && text[i] == ';';
  }
  while (i < text.size() && is_ascii_alnum(text[i])) {
    ++i;
    ++digits;
  }
  return digits >= 1 && i < text.size() && text[i] == ';';
}

bool parentheses_pair_up(std::string_view text) {
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return false;
  }
  return depth == 0;
}

bool is_line_break(char c) { return c == '\n' || c == '\r'; }
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v' || is_line_break(c);
}

}  // namespace

std::string percent_encode_url(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  for (std::size_t i = 0; i < url.size(); ++i) {
    const auto byte = static_cast<unsigned char>(url[i]);
    if (byte == '%') {
      if (i + 2 < url.size() && is_hex_digit(url[i + 1]) && is_hex_digit(url[i + 2])) {
        out += '%';  // already encoded: kept as it is
      } else {
        append_percent(byte, out);
      }
    } else if (byte <= 0x20 || byte >= 0x7F) {
      append_percent(byte, out);
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

std::string markdown_link_destination(std::string_view url) {
  const std::string encoded = percent_encode_url(url);
  const bool keep_parentheses = parentheses_pair_up(encoded);
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    switch (c) {
      case '<':
      case '>':
      case '"':
      case '\\':
      case '`':
        append_percent(static_cast<unsigned char>(c), out);
        break;
      case '(':
      case ')':
        if (keep_parentheses) {
          out += c;
        } else {
          append_percent(static_cast<unsigned char>(c), out);
        }
        break;
      case '&':
        // A backslash escape keeps the '&' literal in the link's target.
        if (starts_entity_reference(encoded, i)) out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_link_text(std::string_view text) {
  // Trim, and fold each whitespace run holding a line break into a space.
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_blank(text[begin])) ++begin;
  while (end > begin && is_blank(text[end - 1])) --end;
  std::string line;
  line.reserve(end - begin);
  for (std::size_t i = begin; i < end;) {
    if (is_blank(text[i])) {
      const std::size_t start = i;
      bool has_break = false;
      for (; i < end && is_blank(text[i]); ++i) {
        if (is_line_break(text[i])) has_break = true;
      }
      if (has_break) {
        line += ' ';
      } else {
        line.append(text.substr(start, i - start));
      }
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != 0x7F) line += text[i];
    ++i;
  }

  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    switch (c) {
      case '\\':
      case '[':
      case ']':
      case '`':
      case '*':
      case '_':
      case '<':
      case '>':
        out += '\\';
        break;
      case '~':  // GFM strikethrough needs two
        if ((i + 1 < line.size() && line[i + 1] == '~') || (i > 0 && line[i - 1] == '~')) {
          out += '\\';
        }
        break;
      case '&':
        if (starts_entity_reference(line, i)) out += '\\';
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

std::string encode_uri_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      append_percent(static_cast<unsigned char>(c), out);
    }
  }
  return out;
}

}  // namespace newsvault::publish
