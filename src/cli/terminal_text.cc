#include <cstdio>
#include <string>
#include <string_view>

#include "cli/commands.h"

namespace newsvault::cli {
namespace {

// Characters a terminal acts on rather than shows: C0 controls and DEL
// (escape sequences, bells, carriage returns that overwrite a line), C1
// controls (CSI as U+009B), line separators, the bidi embeddings,
// overrides and isolates that reorder what follows them, and
// noncharacters.
bool acts_on_terminal(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
         (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

void append_escape(const char* format, unsigned value, std::string& out) {
  char escape[12];
  std::snprintf(escape, sizeof escape, format, value);
  out += escape;
}

}  // namespace

std::string terminal_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t run = printable_ascii_prefix(text);
    out.append(text.substr(0, run));
    text.remove_prefix(run);
    if (text.empty()) break;
    const Utf8Char c = decode_utf8(text);
    if (c.length == 0) {
      append_escape("\\x%02x", static_cast<unsigned char>(text[0]), out);
      text.remove_prefix(1);
      continue;
    }
    if (!acts_on_terminal(c.code_point)) {
      out.append(text.substr(0, c.length));
    } else if (c.code_point < 0x80) {
      append_escape("\\x%02x", static_cast<unsigned>(c.code_point), out);
    } else {
      append_escape("\\u%04x", static_cast<unsigned>(c.code_point), out);
    }
    text.remove_prefix(c.length);
  }
  return out;
}

}  // namespace newsvault::cli
