// The allow-list sanitizer. Every decision is a lookup in the tables below:
// an element is kept (with its allowed attributes), dropped with its
// content, or gives way to its content; anything the tables do not name is
// in the last group. So a new or unknown element can never carry code in,
// and a safe element can be added by adding a row.
#include "clean/clean.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <utility>

#include "core/core.h"

namespace newsvault::clean {
namespace {

using html::Node;

// How an attribute's value is checked.
enum class Check {
  kAny,      // free text (alt, title, ...): the serializer escapes it
  kUrl,      // a link target: http(s), mailto:, tel:, or relative
  kImage,    // an image address: http(s) or a raster data: URL
  kFrame,    // an <iframe src>: https on an allow-listed host
  kNumber,   // digits, optionally signed: sizes, spans, list numbers
  kDir,      // ltr, rtl, auto
  kPresent,  // a boolean attribute: kept as present, value ""
  kToken,    // one short word: <th scope>, <ol type>
};

struct AttributeRule {
  std::string_view name;
  Check check;
};

struct ElementRule {
  std::string_view name;
  std::array<AttributeRule, 6> attributes;  // unused slots have an empty name
};

// Attributes any kept element may carry: they change no behaviour.
constexpr AttributeRule kGlobalAttributes[] = {
    {"title", Check::kAny}, {"lang", Check::kAny}, {"dir", Check::kDir}};

// The elements an article needs. Not here on purpose: id and name (they can
// shadow the archive page's own names, "DOM clobbering"), class and style
// (the archive styles its pages; CSS can load addresses and hide or fake
// content), target (a link opens where the reader asked), srcset and sizes
// (image addresses that would escape the archive's image proxy).
constexpr ElementRule kElements[] = {
    // Text blocks and sections.
    {"p", {}}, {"div", {}}, {"section", {}}, {"article", {}}, {"aside", {}}, {"header", {}},
    {"footer", {}}, {"main", {}}, {"nav", {}}, {"address", {}}, {"hgroup", {}},
    {"h1", {}}, {"h2", {}}, {"h3", {}}, {"h4", {}}, {"h5", {}}, {"h6", {}},
    {"blockquote", {{{"cite", Check::kUrl}}}}, {"pre", {}}, {"hr", {}}, {"br", {}},
    {"details", {{{"open", Check::kPresent}}}}, {"summary", {}},
    // Lists.
    {"ul", {}},
    {"ol", {{{"start", Check::kNumber}, {"reversed", Check::kPresent}, {"type", Check::kToken}}}},
    {"li", {{{"value", Check::kNumber}}}}, {"dl", {}}, {"dt", {}}, {"dd", {}},
    // Figures and images.
    {"figure", {}}, {"figcaption", {}},
    {"img",
     {{{"src", Check::kImage}, {"alt", Check::kAny}, {"width", Check::kNumber},
       {"height", Check::kNumber}}}},
    // Links: rel stays as the source gives it (see docs/internals/clean.md).
    {"a", {{{"href", Check::kUrl}, {"rel", Check::kAny}, {"hreflang", Check::kAny}}}},
    // Embedded video from an allow-listed host.
    {"iframe",
     {{{"src", Check::kFrame}, {"width", Check::kNumber}, {"height", Check::kNumber},
       {"allowfullscreen", Check::kPresent}}}},
    // Tables.
    {"table", {}}, {"caption", {}}, {"colgroup", {{{"span", Check::kNumber}}}},
    {"col", {{{"span", Check::kNumber}}}}, {"thead", {}}, {"tbody", {}}, {"tfoot", {}},
    {"tr", {}},
    {"th", {{{"colspan", Check::kNumber}, {"rowspan", Check::kNumber}, {"scope", Check::kToken}}}},
    {"td", {{{"colspan", Check::kNumber}, {"rowspan", Check::kNumber}}}},
    // Text-level semantics.
    {"em", {}}, {"strong", {}}, {"b", {}}, {"i", {}}, {"u", {}}, {"s", {}},
    {"small", {}}, {"sub", {}}, {"sup", {}}, {"mark", {}}, {"span", {}}, {"cite", {}},
    {"q", {{{"cite", Check::kUrl}}}}, {"abbr", {}}, {"dfn", {}}, {"code", {}}, {"kbd", {}},
    {"samp", {}}, {"var", {}}, {"bdi", {}}, {"bdo", {}}, {"wbr", {}},
    {"time", {{{"datetime", Check::kAny}}}}, {"data", {{{"value", Check::kAny}}}},
    {"del", {{{"cite", Check::kUrl}, {"datetime", Check::kAny}}}},
    {"ins", {{{"cite", Check::kUrl}, {"datetime", Check::kAny}}}},
};

// Dropped with everything inside: code, embedded documents and plug-ins,
// form controls, document metadata, foreign content (SVG and MathML carry
// their own script and style elements and parse differently), and the
// elements whose content a browser reads as raw text while an HTML 4 parser
// reads it as markup, the root of "mutation XSS" (<noscript>, <xmp>,
// <noembed>, ...: the two readings disagree about where they end).
constexpr std::string_view kDroppedWithContent[] = {
    "script",  "style",    "template", "noscript", "frame",  "frameset", "noframes",
    "object",  "embed",    "applet",   "param",    "svg",      "math",   "textarea", "select",
    "option",  "optgroup", "datalist", "button",   "input",    "keygen", "title",    "head",
    "meta",    "link",     "base",     "basefont", "bgsound",  "xmp",    "plaintext", "listing",
    "noembed", "canvas",   "audio",    "video",    "source",   "track",  "map",      "area",
    "portal",  "dialog",   "menuitem", "image",    "picture",  "slot",   "output",   "progress",
    "meter"};

const ElementRule* element_rule(std::string_view name) {
  for (const ElementRule& rule : kElements) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

bool dropped_with_content(std::string_view name) {
  return std::ranges::find(kDroppedWithContent, name) != std::end(kDroppedWithContent);
}

const AttributeRule* attribute_rule(const ElementRule& element, std::string_view name) {
  for (const AttributeRule& rule : element.attributes) {
    if (!rule.name.empty() && rule.name == name) return &rule;
  }
  for (const AttributeRule& rule : kGlobalAttributes) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

void lower_in_place(std::string& text) {
  for (char& c : text) c = lower_ascii(c);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return lower_ascii(x) == lower_ascii(y); });
}

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// WHATWG URL Standard, "basic URL parser": leading and trailing C0 controls
// and spaces are stripped, and tabs and newlines are removed anywhere, so
// "  java\tscript:" is a javascript: URL to a browser. Other C0 controls
// and DEL are removed too: the canonical writer (core/html.h) drops them,
// and a check must see what will be written.
std::string browser_url_text(std::string_view value) {
  const auto is_c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!value.empty() && is_c0_or_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_c0_or_space(value.back())) value.remove_suffix(1);
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) continue;
    out += c;
  }
  return out;
}

// The scheme as a browser reads it (URL Standard, "scheme start state"): an
// ASCII letter, then letters, digits, + - ., then ':'. Lower case; "" when
// the URL has none (it is relative).
// The scheme `url` would have without its spaces ("java script:x" reads
// as javascript:). No browser reads it so today, but older ones did with
// other whitespace, and such a URL is no useful relative address: it is
// refused unless that scheme is one allowed anyway.
bool hides_a_refused_scheme(std::string_view url) {
  std::string compact;
  for (char c : url) {
    if (c != ' ') compact += c;
  }
  const std::string hidden = url_scheme(compact);
  return !hidden.empty() && hidden != "http" && hidden != "https" && hidden != "mailto" &&
         hidden != "tel";
}

// RFC 2397: data:[<mediatype>][;base64],<data>. Only raster image types:
// an SVG image is a document that can hold scripts.
bool is_raster_data_url(std::string_view url) {
  std::string_view rest = url.substr(5);  // after "data:"
  const std::size_t comma = rest.find(',');
  if (comma == std::string_view::npos) return false;
  std::string_view type = rest.substr(0, std::min(comma, rest.find(';')));
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  for (std::string_view raster :
       {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"}) {
    if (equals_ignoring_case(type, raster)) return true;
  }
  return false;
}

// The host of an absolute https:// URL, lower case, when the authority is a
// plain host name: no user information (https://www.youtube.com@evil/ goes
// to "evil"), no port. "" otherwise. A backslash ends the authority as it
// does in browsers for special schemes.
std::string plain_https_host(std::string_view url) {
  if (url_scheme(url) != "https") return {};
  std::string_view rest = url.substr(6);  // after "https:"
  if (!rest.starts_with("//")) return {};
  rest.remove_prefix(2);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#\\"));
  if (authority.empty() ||
      authority.find_first_of("@:%[] ") != std::string_view::npos) {
    return {};
  }
  return lower_ascii(authority);
}

bool is_number(std::string_view value) {
  if (!value.empty() && (value.front() == '-' || value.front() == '+')) value.remove_prefix(1);
  return !value.empty() && value.size() <= 9 && std::ranges::all_of(value, is_ascii_digit);
}

bool is_token(std::string_view value) {
  return !value.empty() && value.size() <= 16 &&
         std::ranges::all_of(value, [](char c) { return is_ascii_alpha(c) || is_ascii_digit(c); });
}

// UTF-8 as the parser passes it through unchanged: well formed (no overlong
// forms, surrogates or code points past U+10FFFF), and no C0 or C1 control
// characters, not even tab or newline (the writer changes newlines, and a
// text with tabs is rare enough to take the long way).
bool is_plain_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    i += printable_ascii_prefix(text.substr(i));  // most of a body
    if (i == text.size()) break;
    const Utf8Char next = decode_utf8(text.substr(i));
    if (next.length == 0 || next.code_point < 0x20 || next.code_point == 0x7F ||
        (next.code_point >= 0x80 && next.code_point <= 0x9F)) {
      return false;
    }
    i += next.length;
  }
  return true;
}

class Sanitizer {
 public:
  explicit Sanitizer(const Options& options) : options_(options) {}

  // Sanitizes `nodes`, the children of `parent`, into `out`.
  void sanitize(std::vector<Node>& nodes, std::string_view parent, std::vector<Node>& out) const {
    for (Node& node : nodes) {
      if (node.is_text()) {
        append_text(std::move(node.text), out);
        continue;
      }
      // The parser gives lower-case names; a tree built by hand may not.
      lower_in_place(node.name);
      if (dropped_with_content(node.name)) continue;
      const ElementRule* rule = element_rule(node.name);
      if (rule == nullptr) {
        // An element not on either list gives way to its content: <font>,
        // <center>, <form>, <label>, custom elements keep their text.
        sanitize(node.children, parent, out);
        continue;
      }
      if (!keep_attributes(node, *rule)) continue;
      std::vector<Node> children = std::move(node.children);
      node.children.clear();
      if (node.name == "iframe") {
        // Its content is fallback text to a browser and markup to libxml2:
        // neither is wanted.
        children.clear();
      } else if (is_void(node.name)) {
        // Only a tree built by hand gives a void element children; the
        // writer puts them after it, so they belong to the parent.
        place(std::move(node), parent, out);
        sanitize(children, parent, out);
        continue;
      }
      sanitize(children, node.name, node.children);
      place(std::move(node), parent, out);
    }
  }

  // Whether `html` is exactly what the sanitizer would write for it, read
  // without building a tree: the canonical form of core/html.h (no control
  // characters, no newlines, only the writer's escapes), only allow-listed
  // elements and attributes whose values pass their checks unchanged, end
  // tags closing what is open, and no element whose start tag the parser
  // would take as closing its parent. Bodies that extract already wrote
  // canonically and cleanly pass this in a few microseconds instead of a
  // parse; anything else, or anything this reading is unsure of, is
  // sanitized the long way (the property tests hold the two to the same
  // output).
  bool already_clean(std::string_view html) const {
    if (!is_plain_utf8(html)) return false;
    std::vector<std::string_view> open;
    std::size_t i = 0;
    while (i < html.size()) {
      const char c = html[i];
      if (c == '>') return false;  // the writer escapes it
      if (c == '&') {
        const std::string_view rest = html.substr(i);
        if (rest.starts_with("&amp;")) {
          i += 5;
        } else if (rest.starts_with("&lt;") || rest.starts_with("&gt;")) {
          i += 4;
        } else {
          return false;
        }
        continue;
      }
      if (c != '<') {
        ++i;
        continue;
      }
      ++i;
      if (i < html.size() && html[i] == '/') {
        const std::string_view name = read_name(html, ++i);
        if (open.empty() || name != open.back() || i >= html.size() || html[i] != '>') return false;
        open.pop_back();
        ++i;
        continue;
      }
      const std::string_view name = read_name(html, i);
      const ElementRule* rule = element_rule(name);
      if (rule == nullptr || open.size() >= kMaxCleanDepth ||
          html::start_tag_closes(name, open.empty() ? "body" : open.back())) {
        return false;
      }
      if (!attributes_already_clean(html, i, *rule)) return false;
      if (is_void(name)) continue;
      if (name == "iframe") {
        if (!html.substr(i).starts_with("</iframe>")) return false;
        i += 9;
        continue;
      }
      open.push_back(name);
    }
    return open.empty();
  }

 private:
  static bool is_void(std::string_view name) {
    return name == "img" || name == "br" || name == "hr" || name == "wbr" || name == "col";
  }

  // Deeper than libxml2 nests (about 256) the parser flattens; such a body
  // takes the long way.
  static constexpr std::size_t kMaxCleanDepth = 200;

  // A lower-case tag or attribute name at `i` (advanced past it).
  static std::string_view read_name(std::string_view html, std::size_t& i) {
    const std::size_t start = i;
    while (i < html.size() && ((html[i] >= 'a' && html[i] <= 'z') ||
                               (html[i] >= '0' && html[i] <= '9') || html[i] == '-')) {
      ++i;
    }
    return html.substr(start, i - start);
  }

  // The attributes of a start tag from `i` to its '>' (advanced past it),
  // each written as the writer writes it and unchanged by its check.
  bool attributes_already_clean(std::string_view html, std::size_t& i,
                                const ElementRule& rule) const {
    std::vector<std::string_view> seen;
    bool has_source = false;
    while (i < html.size() && html[i] == ' ') {
      const std::string_view name = read_name(html, ++i);
      if (!html.substr(i).starts_with("=\"")) return false;
      i += 2;
      const std::size_t end = html.find('"', i);
      if (end == std::string_view::npos) return false;
      std::string value;
      if (!decode_attribute(html.substr(i, end - i), value)) return false;
      i = end + 1;
      const AttributeRule* attribute = attribute_rule(rule, name);
      if (attribute == nullptr || std::ranges::find(seen, name) != seen.end()) return false;
      seen.push_back(name);
      std::string checked_input = value;
      const auto checked = checked_value(attribute->check, checked_input);
      if (!checked || *checked != value) return false;
      has_source = has_source || name == "src";
    }
    if (i >= html.size() || html[i] != '>') return false;
    ++i;
    return has_source || (rule.name != "img" && rule.name != "iframe");
  }

  // An attribute value as the writer escapes it (& < > " only; no newline
  // escapes: a value with a newline takes the long way), decoded.
  static bool decode_attribute(std::string_view text, std::string& out) {
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '<' || c == '>') return false;
      if (c != '&') {
        out += c;
        continue;
      }
      const std::string_view rest = text.substr(i);
      if (rest.starts_with("&amp;")) {
        out += '&';
        i += 4;
      } else if (rest.starts_with("&lt;")) {
        out += '<';
        i += 3;
      } else if (rest.starts_with("&gt;")) {
        out += '>';
        i += 3;
      } else if (rest.starts_with("&quot;")) {
        out += '"';
        i += 5;
      } else {
        return false;
      }
    }
    return true;
  }

  // Puts a sanitized element where the parser would leave it when reading
  // the output back: an element whose start tag would close `parent` (a
  // <p> in a <p> or <b>, an <li> in an <li>, once the wrappers between them
  // are gone) gives way to its content, so the output is a fixed point.
  static void place(Node node, std::string_view parent, std::vector<Node>& out) {
    if (!html::start_tag_closes(node.name, parent)) {
      out.push_back(std::move(node));
      return;
    }
    for (Node& child : node.children) {
      if (child.is_text()) {
        append_text(std::move(child.text), out);
      } else {
        place(std::move(child), parent, out);
      }
    }
  }

  static void append_text(std::string text, std::vector<Node>& out) {
    if (text.empty()) return;
    if (!out.empty() && out.back().is_text()) {
      out.back().text += text;
    } else {
      out.push_back(Node::text_node(std::move(text)));
    }
  }

  // Filters the element's attributes; false when the element itself must go
  // (an image without a usable address, a frame from elsewhere).
  bool keep_attributes(Node& node, const ElementRule& rule) const {
    std::vector<std::pair<std::string, std::string>> kept;
    for (auto& [name, value] : node.attributes) {
      lower_in_place(name);
      const AttributeRule* attribute = attribute_rule(rule, name);
      if (attribute == nullptr) continue;
      // A repeated attribute: browsers keep the first (HTML §13.2.5.33).
      if (std::ranges::any_of(kept, [&](const auto& pair) { return pair.first == name; })) continue;
      if (auto checked = checked_value(attribute->check, value)) {
        kept.emplace_back(std::move(name), std::move(*checked));
      }
    }
    node.attributes = std::move(kept);
    if (node.name == "img" || node.name == "iframe") return node.attribute("src") != nullptr;
    return true;
  }

  std::optional<std::string> checked_value(Check check, std::string& value) const {
    switch (check) {
      case Check::kAny:
        return std::move(value);
      case Check::kUrl:
      case Check::kImage: {
        std::string url = safe_url(value, options_.base_url, check == Check::kImage);
        if (url.empty()) return std::nullopt;
        return url;
      }
      case Check::kFrame: {
        std::string url = safe_url(value, options_.base_url, false);
        const std::string host = plain_https_host(url);
        if (host.empty() || std::ranges::find(options_.iframe_hosts, host) ==
                                options_.iframe_hosts.end()) {
          return std::nullopt;
        }
        return url;
      }
      case Check::kNumber:
        if (!is_number(value)) return std::nullopt;
        return std::move(value);
      case Check::kDir:
        if (value != "ltr" && value != "rtl" && value != "auto") return std::nullopt;
        return std::move(value);
      case Check::kPresent:
        return std::string();
      case Check::kToken:
        if (!is_token(value)) return std::nullopt;
        return std::move(value);
    }
    return std::nullopt;
  }

  const Options& options_;
};

}  // namespace

std::vector<std::string> Options::default_iframe_hosts() {
  return {"www.youtube.com",        "youtube.com",      "www.youtube-nocookie.com",
          "youtube-nocookie.com",   "player.vimeo.com", "www.dailymotion.com",
          "geo.dailymotion.com"};
}

std::string safe_url(std::string_view value, std::string_view base_url, bool image) {
  std::string url = browser_url_text(value);
  if (url.empty()) return {};
  std::string scheme = url_scheme(url);
  if (scheme.empty() && hides_a_refused_scheme(url)) return {};
  // A fragment points into the article itself; relative addresses take the
  // page's. The result is checked again: resolution cannot add a scheme we
  // refuse, but the base is data like any other.
  if (scheme.empty() && !url.starts_with('#') && !base_url.empty()) {
    url = browser_url_text(resolve_url(base_url, url));
    scheme = url_scheme(url);
  }
  if (scheme.empty() || scheme == "http" || scheme == "https") return url;
  if (image) return scheme == "data" && is_raster_data_url(url) ? url : std::string();
  if (scheme == "mailto" || scheme == "tel") return url;
  return {};
}

void sanitize(std::vector<html::Node>& nodes, const Options& options) {
  std::vector<Node> out;
  Sanitizer(options).sanitize(nodes, "body", out);
  nodes = std::move(out);
}

bool is_clean(std::string_view html, const Options& options) {
  return Sanitizer(options).already_clean(html);
}

namespace {

std::string sanitize_parsed(std::string_view html, const Options& options) {
  std::vector<Node> nodes = html::parse_fragment(html);
  sanitize(nodes, options);
  return html::serialize(nodes);
}

}  // namespace

std::string sanitize(std::string_view html, const Options& options) {
  if (is_clean(html, options)) return std::string(html);
  return sanitize_parsed(html, options);
}

void sanitize_in_place(std::string& html, const Options& options) {
  if (!is_clean(html, options)) html = sanitize_parsed(html, options);
}

}  // namespace newsvault::clean
