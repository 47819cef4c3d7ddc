#include "feed/reference_repair.h"

#include <libxml/HTMLparser.h>

#include <algorithm>
#include <cstring>

#include "feed/encoding_convert.h"
#include "core/core.h"
#include "feed/feed_text.h"

namespace newsvault::feed {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_xml_predefined(std::string_view name) {
  return name == "lt" || name == "gt" || name == "amp" || name == "quot" || name == "apos";
}

// Length of a valid numeric reference starting at text[0] == '&', or 0.
std::size_t numeric_reference_length(std::string_view text) {
  std::size_t i = 2;  // past "&#"
  if (i < text.size() && (text[i] == 'x' || text[i] == 'X')) {
    ++i;
    const std::size_t digits = i;
    while (i < text.size() && is_hex_digit(text[i])) ++i;
    if (i == digits) return 0;
  } else {
    const std::size_t digits = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == digits) return 0;
  }
  return i < text.size() && text[i] == ';' ? i + 1 : 0;
}

// Skips regions where '&' is literal text: CDATA sections and comments.
// The next opening of each kind is remembered and searched for again only
// once passed, so the scan stays linear however many sections there are.
class LiteralRegions {
 public:
  explicit LiteralRegions(std::string_view xml) : xml_(xml) {}

  // If `position` lies inside a literal region, returns where it ends;
  // otherwise returns `position`.
  std::size_t skip(std::size_t position) {
    while (true) {
      next_cdata_ = next_at_or_after(next_cdata_, "<![CDATA[", searched_from_);
      next_comment_ = next_at_or_after(next_comment_, "<!--", searched_from_);
      const std::size_t start = std::min(next_cdata_, next_comment_);
      if (start == std::string_view::npos || position < start) return position;
      const bool is_cdata = start == next_cdata_;
      const std::size_t close = xml_.find(is_cdata ? "]]>" : "-->", start + 4);
      const std::size_t end = close == std::string_view::npos ? xml_.size() : close + 3;
      searched_from_ = end;
      if (position < end) position = end;
    }
  }

 private:
  // The first `marker` at or after `from`, reusing `cached` while it is still ahead.
  std::size_t next_at_or_after(std::size_t cached, std::string_view marker, std::size_t from) const {
    if (cached != kUnknown && (cached == std::string_view::npos || cached >= from)) return cached;
    return find_markup(marker, from);
  }

  // xml_.find(marker, from) for a marker that starts with "<!", by its
  // '!': far rarer than '<' in a feed, so memchr stops less often.
  std::size_t find_markup(std::string_view marker, std::size_t from) const {
    std::size_t at = from + 1;
    while (at < xml_.size()) {
      const void* found = std::memchr(xml_.data() + at, '!', xml_.size() - at);
      if (!found) return std::string_view::npos;
      at = static_cast<std::size_t>(static_cast<const char*>(found) - xml_.data());
      if (xml_.substr(at - 1).starts_with(marker)) return at - 1;
      ++at;
    }
    return std::string_view::npos;
  }

  static constexpr std::size_t kUnknown = std::string_view::npos - 1;
  std::string_view xml_;
  std::size_t searched_from_ = 0;
  std::size_t next_cdata_ = kUnknown;
  std::size_t next_comment_ = kUnknown;
};

std::size_t line_of(std::string_view xml, std::size_t position) {
  return 1 + static_cast<std::size_t>(std::count(xml.begin(), xml.begin() + position, '\n'));
}

}  // namespace

std::optional<std::string> repair_references(std::string_view xml,
                                             std::vector<std::string>& problems) {
  std::optional<std::string> out;
  std::size_t copied = 0;  // xml[0, copied) is already in *out
  bool reported_entity = false;
  bool reported_ampersand = false;
  LiteralRegions literal(xml);

  auto replace = [&](std::size_t position, std::size_t length, std::string_view with) {
    if (!out) {
      out.emplace();
      reserve_output(*out, xml.size() + xml.size() / 16);
    }
    out->append(xml.substr(copied, position - copied));
    out->append(with);
    copied = position + length;
  };

  std::size_t position = 0;
  while (true) {
    const void* found = std::memchr(xml.data() + position, '&', xml.size() - position);
    if (!found) break;
    position = static_cast<std::size_t>(static_cast<const char*>(found) - xml.data());
    const std::size_t after_literal = literal.skip(position);
    if (after_literal != position) {
      position = after_literal;
      continue;
    }
    const std::string_view rest = xml.substr(position);
    if (rest.size() > 1 && rest[1] == '#') {
      const std::size_t length = numeric_reference_length(rest);
      if (length) {
        position += length;
        continue;
      }
    } else if (rest.size() > 1 && is_name_start(rest[1])) {
      std::size_t end = 2;
      while (end < rest.size() && is_name_char(rest[end])) ++end;
      if (end < rest.size() && rest[end] == ';') {
        const std::string_view name = rest.substr(1, end - 1);
        if (is_xml_predefined(name)) {
          position += end + 1;
          continue;
        }
        const std::string name_z(name);
        const htmlEntityDesc* entity = htmlEntityLookup(reinterpret_cast<const xmlChar*>(name_z.c_str()));
        if (entity) {
          std::string character;
          newsvault::append_utf8(entity->value, character);
          if (!reported_entity) {
            reported_entity = true;
            problems.push_back("line " + std::to_string(line_of(xml, position)) +
                               ": undefined entity &" + name_z + "; (read as HTML's)");
          }
          replace(position, end + 1, character);
          position += end + 1;
          continue;
        }
      }
    }
    // Not a reference XML or HTML knows: a literal '&' the publisher forgot to escape.
    if (!reported_ampersand) {
      reported_ampersand = true;
      problems.push_back("line " + std::to_string(line_of(xml, position)) +
                         ": '&' that starts no valid reference (kept as text)");
    }
    replace(position, 1, "&amp;");
    position += 1;
  }
  if (out) out->append(xml.substr(copied));
  return out;
}

}  // namespace newsvault::feed
