#include "extract/page_dom.h"

#include <algorithm>
#include <array>
#include <climits>

#include "extract/body_html.h"

namespace newsvault::extract {
namespace {

struct XmlCharFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

void collect_text(const xmlNode* node, std::string& out, bool& pending_space) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->parent != nullptr && (is_tag(child->parent, "script") || is_tag(child->parent, "style"))) {
        continue;
      }
      for (const xmlChar* c = child->content; c != nullptr && *c != 0; ++c) {
        if (is_space(*c)) {
          pending_space = true;
          continue;
        }
        if (pending_space && !out.empty()) out += ' ';
        pending_space = false;
        out += static_cast<char>(*c);
      }
    } else if (child->type == XML_ELEMENT_NODE) {
      if (is_tag(child, "script") || is_tag(child, "style")) continue;
      // Block boundaries and line breaks separate words.
      if (is_tag(child, "br")) pending_space = true;
      collect_text(child, out, pending_space);
    }
  }
}

std::size_t count_text(const xmlNode* node, bool& pending_space) {
  std::size_t length = 0;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      for (const xmlChar* c = child->content; c != nullptr && *c != 0; ++c) {
        if (is_space(*c)) {
          pending_space = true;
          continue;
        }
        if ((*c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte
        if (pending_space && length > 0) ++length;
        pending_space = false;
        ++length;
      }
    } else if (child->type == XML_ELEMENT_NODE) {
      if (is_tag(child, "script") || is_tag(child, "style")) continue;
      if (is_tag(child, "br")) pending_space = true;
      length += count_text(child, pending_space);
    }
  }
  return length;
}

void find_all_into(xmlNode* node, std::string_view tag, std::vector<xmlNode*>& out) {
  for (xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (tag_of(child) == tag) out.push_back(child);
    find_all_into(child, tag, out);
  }
}

// The end of the tag starting at `at` (one past its '>'), quotes respected
// as the tokenizer's attribute-value states respect them (HTML Living
// Standard §13.2.5.36-38); npos when it never ends.
std::size_t tag_end(std::string_view html, std::size_t at) {
  char quote = 0;
  for (std::size_t i = at + 1; i < html.size(); ++i) {
    const char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Only a quote right after '=' (and spaces) opens a value.
      std::size_t j = i;
      while (j > at && is_space(static_cast<unsigned char>(html[j - 1]))) --j;
      if (j > at && html[j - 1] == '=') quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The page without the text of its scripts and style sheets, which the
// extractor never reads (core/html.h drops them too) and which libxml2
// reads a character at a time: a quarter of a news page's bytes. JSON-LD
// stays: the metadata comes from it. The scan follows the tokenizer where
// it matters (§13.2.5): comments are skipped whole, a tag ends at its '>'
// outside quoted values, and a raw-text element ends at the first "</"
// of its own name, as a browser ends it.
std::string without_raw_text(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::size_t copied = 0;
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    if (html.compare(at, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", at + 4);
      if (end == std::string_view::npos) break;
      at = end + 3;
      continue;
    }
    std::string_view name;
    if (starts_with_ignoring_case(html, at, "<script")) name = "script";
    if (starts_with_ignoring_case(html, at, "<style")) name = "style";
    const std::size_t after_name = at + 1 + name.size();
    if (name.empty() || after_name >= html.size() ||
        !(is_space(static_cast<unsigned char>(html[after_name])) || html[after_name] == '>' ||
          html[after_name] == '/')) {
      if (at + 1 < html.size() && ((html[at + 1] >= 'a' && html[at + 1] <= 'z') ||
                                   (html[at + 1] >= 'A' && html[at + 1] <= 'Z'))) {
        const std::size_t end = tag_end(html, at);
        if (end == std::string_view::npos) break;
        at = end;
      } else {
        ++at;
      }
      continue;
    }
    const std::size_t content = tag_end(html, at);
    if (content == std::string_view::npos) break;
    // The end tag: "</script" or "</style", any case.
    std::size_t close = content;
    while ((close = html.find("</", close)) != std::string_view::npos &&
           !starts_with_ignoring_case(html, close + 2, name)) {
      close += 2;
    }
    if (close == std::string_view::npos) break;
    std::string start_tag(html.substr(at, content - at));
    for (char& c : start_tag) c = lower_ascii(c);
    if (start_tag.find("ld+json") == std::string::npos) {
      out.append(html.substr(copied, content - copied));
      copied = close;
    }
    at = close + 2;
  }
  out.append(html.substr(copied));
  return out;
}

}  // namespace

bool starts_with_ignoring_case(std::string_view text, std::size_t at, std::string_view prefix) {
  if (at > text.size() || text.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower_ascii(text[at + i]) != prefix[i]) return false;
  }
  return true;
}

namespace {

// Elements nested deeper than this are flattened (below): the extractor's
// walks recurse, and a tree 100,000 deep would overflow the stack. No real
// page comes near it.
constexpr int kMaxPageDepth = 256;

// Below kMaxPageDepth, each element's children are moved up to follow it
// as siblings, so the page's text and order stay and its depth stops
// there. One pass in document order, without recursion; each node moves at
// most once. Pointers are spliced by hand: libxml2's own insertion merges
// neighbouring text nodes, which would free nodes under the walk.
void flatten_deep_elements(xmlNode* root) {
  xmlNode* node = root->children;
  int depth = 1;
  while (node != nullptr) {
    if (node->type == XML_ELEMENT_NODE && depth > kMaxPageDepth && node->children != nullptr) {
      xmlNode* first = node->children;
      xmlNode* last = node->last;
      for (xmlNode* child = first; child != nullptr; child = child->next) child->parent = node->parent;
      last->next = node->next;
      if (node->next != nullptr) {
        node->next->prev = last;
      } else if (node->parent != nullptr) {
        node->parent->last = last;
      }
      node->next = first;
      first->prev = node;
      node->children = nullptr;
      node->last = nullptr;
    }
    if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
      node = node->children;
      ++depth;
      continue;
    }
    while (node != nullptr && node->next == nullptr) {
      node = node->parent;
      --depth;
      if (node == root) node = nullptr;
    }
    if (node != nullptr) node = node->next;
  }
}

}  // namespace

PageDocument parse_page(std::string_view utf8) {
  if (utf8.empty() || utf8.size() > INT_MAX) return nullptr;
  // libxml2 2.9 sets up its global state at the first parse, unguarded:
  // once, before pages are read on several threads (fetch_run.cc does).
  static const bool initialised = (xmlInitParser(), true);
  (void)initialised;
  const std::string html = without_raw_text(utf8);
  utf8 = html;
  // The bytes are UTF-8 already (decode_page): a <meta charset> inside must
  // not switch the parser to another charset halfway (HTML_PARSE_IGNORE_ENC).
  // libxml2 stops at the 257th level of nesting (without XML_PARSE_HUGE,
  // which would let a hostile page make it work in quadratic time), so the
  // rest of such a page is lost; flatten_deep_elements bounds the depth of
  // whatever tree it builds all the same.
  PageDocument document(htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8",
                                       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                           HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC |
                                           HTML_PARSE_COMPACT));
  if (document != nullptr) flatten_deep_elements(reinterpret_cast<xmlNode*>(document.get()));
  return document;
}

std::string_view tag_of(const xmlNode* node) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE || node->name == nullptr) return {};
  return reinterpret_cast<const char*>(node->name);
}

bool is_element(const xmlNode* node) { return node != nullptr && node->type == XML_ELEMENT_NODE; }

bool is_tag(const xmlNode* node, std::string_view tag) { return tag_of(node) == tag; }

std::string attribute(const xmlNode* node, const char* name) {
  if (!is_element(node)) return "";
  std::unique_ptr<xmlChar, XmlCharFree> value(
      xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name)));
  return value ? std::string(reinterpret_cast<const char*>(value.get())) : std::string();
}

bool has_attribute(const xmlNode* node, const char* name) {
  return is_element(node) &&
         xmlHasProp(node, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

void set_attribute(xmlNode* node, const char* name, std::string_view value) {
  const std::string copy(value);
  xmlSetProp(node, reinterpret_cast<const xmlChar*>(name),
             reinterpret_cast<const xmlChar*>(copy.c_str()));
}

std::string class_and_id(const xmlNode* node) {
  return lower_ascii(attribute(node, "class") + " " + attribute(node, "id"));
}

xmlNode* find_first(xmlNode* node, std::string_view tag) {
  for (xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (tag_of(child) == tag) return child;
    if (xmlNode* found = find_first(child, tag)) return found;
  }
  return nullptr;
}

std::vector<xmlNode*> find_all(xmlNode* node, std::string_view tag) {
  std::vector<xmlNode*> out;
  find_all_into(node, tag, out);
  return out;
}

std::vector<xmlNode*> element_children(xmlNode* node) {
  std::vector<xmlNode*> out;
  for (xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) out.push_back(child);
  }
  return out;
}

bool contains(const xmlNode* ancestor, const xmlNode* node) {
  for (; node != nullptr; node = node->parent) {
    if (node == ancestor) return true;
  }
  return false;
}

bool has_ancestor(const xmlNode* node, std::string_view tag, int max_depth) {
  for (const xmlNode* up = node->parent; up != nullptr && max_depth > 0; up = up->parent, --max_depth) {
    if (tag_of(up) == tag) return true;
  }
  return false;
}

std::string normalized_text(const xmlNode* node) {
  std::string out;
  bool pending_space = false;
  collect_text(node, out, pending_space);
  return out;
}

bool has_text(const xmlNode* node) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      for (const xmlChar* c = child->content; c != nullptr && *c != 0; ++c) {
        if (!is_space(*c)) return true;
      }
    } else if (child->type == XML_ELEMENT_NODE && !is_tag(child, "script") && !is_tag(child, "style") &&
               has_text(child)) {
      return true;
    }
  }
  return false;
}

std::size_t text_length(const xmlNode* node) {
  bool pending_space = false;
  return count_text(node, pending_space);
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view word : words) {
    if (text.find(word) != std::string_view::npos) return true;
  }
  return false;
}

bool is_phrasing(const xmlNode* node) {
  if (node->type == XML_TEXT_NODE) return true;
  if (!is_element(node)) return false;
  static constexpr std::array<std::string_view, 22> kPhrasing = {
      "a",   "abbr", "b",    "bdi",  "bdo",  "br",   "cite", "code",  "data", "dfn", "em",
      "i",   "kbd",  "mark", "q",    "s",    "small", "span", "strong", "sub", "sup", "time"};
  return std::ranges::find(kPhrasing, tag_of(node)) != kPhrasing.end() ||
         tag_of(node) == "u" || tag_of(node) == "font";
}

bool is_whitespace_text(const xmlNode* node) {
  return node->type == XML_TEXT_NODE && trim_ascii(reinterpret_cast<const char*>(node->content)).empty();
}

bool is_hidden(const xmlNode* node) {
  if (has_attribute(node, "hidden")) return true;
  if (attribute(node, "aria-hidden") == "true") {
    // Readability: some sites hide their fallback images from screen readers.
    return attribute(node, "class").find("fallback-image") == std::string::npos &&
           !is_tag(node, "img") && !is_tag(node, "figure");
  }
  std::string style = lower_ascii(attribute(node, "style"));
  if (style.empty()) return false;
  std::erase(style, ' ');
  return style.find("display:none") != std::string::npos ||
         style.find("visibility:hidden") != std::string::npos;
}

xmlNode* next_node(xmlNode* node, bool skip_children) {
  if (!skip_children && node->children != nullptr) return node->children;
  while (node != nullptr) {
    if (node->next != nullptr) return node->next;
    node = node->parent;
  }
  return nullptr;
}

xmlNode* remove_and_next(xmlNode* node) {
  xmlNode* next = next_node(node, true);
  remove_node(node);
  return next;
}

void remove_node(xmlNode* node) {
  xmlUnlinkNode(node);
  xmlFreeNode(node);
}

void rename_node(xmlNode* node, const char* tag) {
  xmlNodeSetName(node, reinterpret_cast<const xmlChar*>(tag));
}

}  // namespace newsvault::extract
