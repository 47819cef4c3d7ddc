// prepare_page (main_content.h): the page made ready for reading. What no
// reader sees goes; lazy images get the address a browser would end up
// showing; text split by line breaks gets its paragraphs.
#include <algorithm>
#include <array>
#include <unordered_set>

#include "core/html.h"
#include "extract/body_html.h"
#include "extract/main_content.h"

namespace newsvault::extract {
namespace {

html::Node as_html_image(const xmlNode* img) {
  html::Node node = html::Node::element("img");
  for (const char* name : {"src", "data-src", "data-original", "data-lazy-src", "srcset"}) {
    if (has_attribute(img, name)) node.attributes.emplace_back(name, attribute(img, name));
  }
  return node;
}

bool has_real_source(const xmlNode* img, std::string_view base) {
  if (!is_tag(img, "img")) {
    const xmlNode* inner = find_first(const_cast<xmlNode*>(img), "img");
    return inner != nullptr && has_real_source(inner, base);
  }
  return image_address(as_html_image(img), base).has_value();
}

// Unwraps `node`: its children take its place.
void unwrap(xmlNode* node) {
  xmlNode* child = node->children;
  while (child != nullptr) {
    xmlNode* next = child->next;
    xmlUnlinkNode(child);
    xmlAddPrevSibling(node, child);
    child = next;
  }
  remove_node(node);
}

xmlNode* previous_element(xmlNode* node) {
  for (xmlNode* sibling = node->prev; sibling != nullptr; sibling = sibling->prev) {
    if (is_element(sibling)) return sibling;
    if (sibling->type == XML_TEXT_NODE && !trim_ascii(reinterpret_cast<const char*>(sibling->content)).empty()) {
      return nullptr;
    }
  }
  return nullptr;
}

// Lazy-loading pages put the real <img> in a <noscript> beside a
// placeholder; a browser without scripts shows the copy, and so do we.
void resolve_noscript(xmlNode* noscript, std::string_view base) {
  if (find_first(noscript, "img") == nullptr) {
    remove_node(noscript);
    return;
  }
  if (xmlNode* placeholder = previous_element(noscript);
      placeholder != nullptr && find_first(placeholder, "noscript") == nullptr && !is_tag(placeholder, "noscript") &&
      (is_tag(placeholder, "img") || (find_all(placeholder, "img").size() == 1 &&
                                                                text_length(placeholder) == 0))) {
    if (has_real_source(placeholder, base)) {
      remove_node(noscript);
      return;
    }
    remove_node(placeholder);
  }
  unwrap(noscript);
}

// A <picture> whose <img> has no address of its own takes its first source's.
void resolve_picture(xmlNode* picture, std::string_view base) {
  xmlNode* img = find_first(picture, "img");
  if (img == nullptr || has_real_source(img, base)) return;
  for (xmlNode* source : find_all(picture, "source")) {
    for (const char* name : {"srcset", "data-srcset"}) {
      const std::string srcset = attribute(source, name);
      if (!trim_ascii(srcset).empty()) {
        set_attribute(img, "srcset", srcset);
        return;
      }
    }
  }
}

// A lazy loader swaps its attribute's address into src once the image
// scrolls into view, whatever src held before (a data: pixel, a spacer
// gif): that address is the image's (Readability's _fixLazyImages).
void resolve_lazy_image(xmlNode* img, std::string_view base) {
  for (const char* name : {"data-src", "data-original", "data-lazy-src", "data-lazy", "data-url",
                           "data-hi-res-src", "data-full-src", "data-original-src", "data-image"}) {
    const std::string value(trim_ascii(attribute(img, name)));
    if (value.empty() || value.starts_with("data:")) continue;
    set_attribute(img, "src", value);
    return;
  }
  if (has_real_source(img, base)) return;
  for (const char* name : {"data-srcset", "data-lazy-srcset"}) {
    const std::string value = attribute(img, name);
    if (trim_ascii(value).empty()) continue;
    set_attribute(img, "srcset", value);
    return;
  }
}

xmlNode* next_significant_sibling(xmlNode* node) {
  xmlNode* next = node->next;
  while (next != nullptr && is_whitespace_text(next)) next = next->next;
  return next;
}

// Readability's _replaceBrs: text split by two or more <br> is paragraphs
// written without <p>; made into <p>s, it scores as paragraphs do.
void replace_double_breaks(xmlNode* root) {
  std::vector<xmlNode*> breaks = find_all(root, "br");
  std::unordered_set<xmlNode*> removed;
  for (xmlNode* br : breaks) {
    if (removed.contains(br)) continue;
    bool replaced = false;
    xmlNode* next = next_significant_sibling(br);
    while (next != nullptr && is_tag(next, "br")) {
      replaced = true;
      xmlNode* after = next_significant_sibling(next);
      removed.insert(next);
      remove_node(next);
      next = after;
    }
    if (!replaced) continue;
    xmlDoc* doc = br->doc;
    xmlNode* paragraph = xmlNewDocNode(doc, nullptr, reinterpret_cast<const xmlChar*>("p"), nullptr);
    xmlReplaceNode(br, paragraph);
    removed.insert(br);
    xmlFreeNode(br);
    for (xmlNode* sibling = paragraph->next; sibling != nullptr;) {
      if (is_tag(sibling, "br")) {
        xmlNode* after = next_significant_sibling(sibling);
        if (after != nullptr && is_tag(after, "br")) break;
      }
      if (!is_phrasing(sibling) && !is_whitespace_text(sibling)) break;
      xmlNode* following = sibling->next;
      xmlUnlinkNode(sibling);
      xmlAddChild(paragraph, sibling);
      sibling = following;
    }
    if (paragraph->children == nullptr) {
      remove_node(paragraph);
    } else if (is_tag(paragraph->parent, "p")) {
      rename_node(paragraph->parent, "div");
    }
  }
}

bool is_removed_always(std::string_view tag) {
  static constexpr std::array<std::string_view, 18> kTags = {
      "script", "style",  "template", "svg",    "canvas", "iframe",   "object", "embed", "link",
      "meta",   "button", "input",    "select", "textarea", "dialog", "map",    "head",  "title"};
  return std::ranges::find(kTags, tag) != kTags.end();
}

}  // namespace

void prepare_page(xmlDoc* doc, std::string_view base) {
  xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) return;
  // Images first: noscript copies are resolved before the noscript
  // elements go.
  // Innermost first: a noscript's removal must not free one still to come.
  const std::vector<xmlNode*> noscripts = find_all(root, "noscript");
  for (auto it = noscripts.rbegin(); it != noscripts.rend(); ++it) resolve_noscript(*it, base);
  for (xmlNode* picture : find_all(root, "picture")) resolve_picture(picture, base);
  for (xmlNode* img : find_all(root, "img")) resolve_lazy_image(img, base);
  replace_double_breaks(root);
  xmlNode* node = root;
  while (node != nullptr) {
    if (!is_element(node)) {
      xmlNode* next = next_node(node, true);
      if (node->type == XML_COMMENT_NODE) remove_node(node);
      node = next;
      continue;
    }
    if (node != root && (is_removed_always(tag_of(node)) || is_hidden(node))) {
      node = remove_and_next(node);
      continue;
    }
    node = next_node(node, false);
  }
}

}  // namespace newsvault::extract
