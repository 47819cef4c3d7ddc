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

}  // namespace

PageDocument parse_page(std::string_view utf8) {
  if (utf8.empty() || utf8.size() > INT_MAX) return nullptr;
  // The bytes are UTF-8 already (decode_page): a <meta charset> inside must
  // not switch the parser to another charset halfway (HTML_PARSE_IGNORE_ENC).
  return PageDocument(htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8",
                                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                         HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC |
                                         HTML_PARSE_COMPACT));
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

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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
