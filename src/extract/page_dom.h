// Private to the extract stage: a whole web page parsed by libxml2's HTML
// parser, and the small questions the extractor asks of its nodes. The
// xmlDoc has one owner (PageDocument); nodes are borrowed from it.
#ifndef NEWSVAULT_EXTRACT_PAGE_DOM_H_
#define NEWSVAULT_EXTRACT_PAGE_DOM_H_

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace newsvault::extract {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using PageDocument = std::unique_ptr<xmlDoc, XmlDocFree>;

// Parses a whole page (UTF-8) the way libxml2's HTML parser recovers it;
// never null for input that is not empty (libxml2 recovers any bytes into
// some tree), null only when out of memory or empty.
PageDocument parse_page(std::string_view utf8);

// A node's tag name, lower case as the parser gives it ("" for non-elements).
std::string_view tag_of(const xmlNode* node);
bool is_element(const xmlNode* node);
bool is_tag(const xmlNode* node, std::string_view tag);
// The attribute's value, "" when absent.
std::string attribute(const xmlNode* node, const char* name);
bool has_attribute(const xmlNode* node, const char* name);
void set_attribute(xmlNode* node, const char* name, std::string_view value);
// The class and id joined by a space, lower case: what the class and id
// hints are matched against.
std::string class_and_id(const xmlNode* node);

// True when `text` holds `prefix` (lower case) at `at`, ASCII case ignored.
bool starts_with_ignoring_case(std::string_view text, std::size_t at, std::string_view prefix);

// The first descendant element (depth first, `node` excluded) with that tag.
xmlNode* find_first(xmlNode* node, std::string_view tag);
// Every descendant element with that tag, in document order.
std::vector<xmlNode*> find_all(xmlNode* node, std::string_view tag);
// The element children of a node.
std::vector<xmlNode*> element_children(xmlNode* node);
bool has_ancestor(const xmlNode* node, std::string_view tag, int max_depth = 64);
// Whether `node` is `ancestor` or inside it.
bool contains(const xmlNode* ancestor, const xmlNode* node);

// The text of a node and its descendants, runs of whitespace as one space,
// trimmed.
std::string normalized_text(const xmlNode* node);
// True when the node holds any text but whitespace (cheaper than
// text_length() > 0: it stops at the first character).
bool has_text(const xmlNode* node);
// Its length in characters (UTF-8 code points), whitespace runs counted once.
std::size_t text_length(const xmlNode* node);

// True when `text` contains any of `words` (class and id hints are matched
// as substrings, as Readability's patterns match them).
bool contains_any(std::string_view text, std::initializer_list<std::string_view> words);
// Text or an element of phrasing content (HTML Living Standard §3.2.5.2.5):
// what may sit inside a paragraph.
bool is_phrasing(const xmlNode* node);
// A text node of nothing but whitespace.
bool is_whitespace_text(const xmlNode* node);
// Hidden from readers: the hidden attribute, aria-hidden="true" (but for
// images and figures, which sites hide from screen readers only), or an
// inline display:none / visibility:hidden.
bool is_hidden(const xmlNode* node);
// The node after `node` in document order, skipping `node`'s subtree when
// asked; nullptr at the end.
xmlNode* next_node(xmlNode* node, bool skip_children);
// Removes `node` and returns what came after it in document order.
xmlNode* remove_and_next(xmlNode* node);

// Unlinks and frees a node (and what it holds).
void remove_node(xmlNode* node);
// Renames an element (its children stay).
void rename_node(xmlNode* node, const char* tag);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_PAGE_DOM_H_
