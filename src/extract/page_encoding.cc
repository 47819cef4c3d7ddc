// Charset decision for web pages. The conversion itself is the feed stage's
// (feed.h: iconv and uchardet): one converter for the whole program.
#include "extract/page_encoding.h"

#include <optional>

#include "extract/page_dom.h"
#include "feed/feed.h"

namespace newsvault::extract {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// §13.2.3.3 "extracting a character encoding from a meta element": the value
// after "charset", "=" and optional quotes.
std::string charset_from_content(std::string_view content) {
  std::size_t at = 0;
  while (true) {
    at = lower_ascii(content).find("charset", at);
    if (at == std::string::npos) return "";
    at += 7;
    while (at < content.size() && is_space(content[at])) ++at;
    if (at < content.size() && content[at] == '=') break;
  }
  ++at;
  while (at < content.size() && is_space(content[at])) ++at;
  if (at >= content.size()) return "";
  if (content[at] == '"' || content[at] == '\'') {
    const char quote = content[at];
    const std::size_t end = content.find(quote, at + 1);
    if (end == std::string_view::npos) return "";
    return lower_ascii(content.substr(at + 1, end - at - 1));
  }
  std::size_t end = at;
  while (end < content.size() && !is_space(content[end]) && content[end] != ';') ++end;
  return lower_ascii(content.substr(at, end - at));
}

struct Attribute {
  std::string name;
  std::string value;
};

// §13.2.3.2 "get an attribute": one attribute at `at`, which moves past it.
// nullopt at the tag's end.
std::optional<Attribute> next_attribute(std::string_view bytes, std::size_t& at) {
  while (at < bytes.size() && (is_space(bytes[at]) || bytes[at] == '/')) ++at;
  if (at >= bytes.size() || bytes[at] == '>') return std::nullopt;
  Attribute attribute;
  while (at < bytes.size() && !is_space(bytes[at]) && bytes[at] != '=' && bytes[at] != '>' &&
         bytes[at] != '/') {
    attribute.name += lower_ascii(bytes[at++]);
  }
  while (at < bytes.size() && is_space(bytes[at])) ++at;
  if (at >= bytes.size() || bytes[at] != '=') return attribute;
  ++at;
  while (at < bytes.size() && is_space(bytes[at])) ++at;
  if (at >= bytes.size()) return attribute;
  if (bytes[at] == '"' || bytes[at] == '\'') {
    const char quote = bytes[at++];
    while (at < bytes.size() && bytes[at] != quote) attribute.value += bytes[at++];
    ++at;
  } else {
    while (at < bytes.size() && !is_space(bytes[at]) && bytes[at] != '>') {
      attribute.value += bytes[at++];
    }
  }
  return attribute;
}

// The canonical name of the charset a label names, "" when none does.
std::string usable_charset(std::string_view label) {
  if (label.empty()) return "";
  std::string name = feed::charset_name(label);
  // §13.2.3.2: a declared UTF-16 in a page read as bytes means UTF-8 (the
  // declaration could not have been read otherwise).
  if (name.starts_with("utf-16")) return "utf-8";
  return name;
}

std::optional<DecodedPage> convert_strictly(std::string_view bytes, const std::string& charset) {
  auto converted = feed::convert_charset(bytes, charset, feed::CharsetStrictness::kStrict);
  if (!converted) return std::nullopt;
  return DecodedPage{std::move(*converted), charset};
}

DecodedPage convert_leniently(std::string_view bytes, const std::string& charset) {
  if (auto converted = feed::convert_charset(bytes, charset, feed::CharsetStrictness::kLenient)) {
    return DecodedPage{std::move(*converted), charset};
  }
  // windows-1252 reads every byte.
  auto converted = feed::convert_charset(bytes, "windows-1252", feed::CharsetStrictness::kLenient);
  return DecodedPage{converted ? std::move(*converted) : std::string(bytes), "windows-1252"};
}

bool is_ascii(std::string_view bytes) {
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// The page read by what its bytes say: UTF-8 when they are, else uchardet's
// guess, else windows-1252.
DecodedPage decode_by_bytes(std::string_view bytes) {
  if (auto page = convert_strictly(bytes, "utf-8")) return *page;
  const std::string guess = usable_charset(feed::guess_charset(bytes));
  if (!guess.empty()) {
    if (auto page = convert_strictly(bytes, guess)) return *page;
    return convert_leniently(bytes, guess);
  }
  return convert_leniently(bytes, "windows-1252");
}

}  // namespace

std::string meta_charset(std::string_view bytes) {
  bytes = bytes.substr(0, 4096);
  std::size_t at = 0;
  while ((at = bytes.find('<', at)) != std::string_view::npos) {
    if (bytes.substr(at, 4) == "<!--") {
      const std::size_t end = bytes.find("-->", at + 4);
      if (end == std::string_view::npos) return "";
      at = end + 3;
      continue;
    }
    if (!starts_with_ignoring_case(bytes, at, "<meta") || at + 5 >= bytes.size() ||
        !(is_space(bytes[at + 5]) || bytes[at + 5] == '/')) {
      ++at;
      continue;
    }
    at += 5;
    std::string charset, content;
    bool pragma = false;
    while (auto attribute = next_attribute(bytes, at)) {
      if (attribute->name == "charset" && charset.empty()) charset = lower_ascii(attribute->value);
      if (attribute->name == "http-equiv") pragma = lower_ascii(attribute->value) == "content-type";
      if (attribute->name == "content" && content.empty()) content = attribute->value;
    }
    while (!charset.empty() && is_space(charset.back())) charset.pop_back();
    if (!charset.empty()) return charset;
    if (pragma) {
      if (std::string from_content = charset_from_content(content); !from_content.empty()) {
        return from_content;
      }
    }
  }
  return "";
}

DecodedPage decode_page(std::string_view bytes, std::string_view http_content_type) {
  // §13.2.3.2 step 1: a byte order mark outranks every label.
  struct Bom {
    std::string_view bytes;
    std::string_view label;
  };
  for (const Bom& bom : {Bom{"\xEF\xBB\xBF", "utf-8"}, Bom{"\xFF\xFE", "utf-16le"},
                         Bom{"\xFE\xFF", "utf-16be"}}) {
    if (!bytes.starts_with(bom.bytes)) continue;
    return convert_leniently(bytes.substr(bom.bytes.size()), feed::charset_name(bom.label));
  }
  for (const std::string& label : {feed::content_type_charset(http_content_type), meta_charset(bytes)}) {
    const std::string charset = usable_charset(label);
    if (charset.empty()) continue;
    if (charset != "utf-8" && !is_ascii(bytes)) {
      // Another label over bytes that are valid UTF-8 (and not plain ASCII)
      // is a server default nobody checked: real text in a legacy charset is
      // next to never valid UTF-8 as well.
      if (auto page = convert_strictly(bytes, "utf-8")) return *page;
    }
    if (auto page = convert_strictly(bytes, charset)) return *page;
    // The label lies: the bytes decide.
    return decode_by_bytes(bytes);
  }
  return decode_by_bytes(bytes);
}

}  // namespace newsvault::extract
