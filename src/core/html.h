// core/html: HTML fragments read as browsers read them, and written back in
// the one canonical form the archive keeps. Shared by extract (which turns a
// source's body into an article body) and publish (which turns that body
// into the archive document), so that both stages see the same tree.
//
// parse_fragment runs libxml2's HTML parser over the fragment placed inside
// a <body>, and hands back a tree of plain values: no libxml2 handle leaves
// this file. serialize writes a tree in the canonical form:
//   - elements as the parser names them (lower case), attributes in source
//     order, every value in double quotes;
//   - text with only & < > escaped, attribute values with & < > " escaped;
//     non-ASCII kept as UTF-8;
//   - void elements (<br>, <img>, ...) without a slash or an end tag;
//   - no whitespace added, and no newline at all: the archive format keeps a
//     whole article on one line (spec archive-format.md, "The file ends with
//     one newline after the body").
// Comments, <script> and <style> are not kept: an archive keeps what a reader
// reads, and code does not survive being put on one line.
//
// Everything here is a pure function over values: thread-safe.
#ifndef NEWSVAULT_CORE_HTML_H_
#define NEWSVAULT_CORE_HTML_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsvault::html {

struct Node {
  enum class Kind { kElement, kText };

  Kind kind = Kind::kText;
  std::string name;                                             // an element's tag name, lower case
  std::vector<std::pair<std::string, std::string>> attributes;  // in source order, decoded
  std::string text;                                             // a text node's characters, decoded
  std::vector<Node> children;  // an element's children (never for void elements)

  static Node element(std::string name,
                      std::vector<std::pair<std::string, std::string>> attributes = {},
                      std::vector<Node> children = {});
  static Node text_node(std::string text);

  bool is_text() const { return kind == Kind::kText; }
  bool is_element(std::string_view tag) const { return kind == Kind::kElement && name == tag; }
  // The attribute's value, or nullptr when the element has no such attribute.
  const std::string* attribute(std::string_view attribute_name) const;
};

// Parses an HTML fragment (a body's content) as UTF-8. Never fails: broken or
// hostile markup gives the tree the parser recovers, as a browser would.
// Bytes that are not UTF-8 become U+FFFD and control characters other than
// tab, newline, carriage return and form feed are dropped, both before
// parsing and where a character reference names one ("&#x8c;"), so that the
// tree holds none however it was written.
// Where libxml2's HTML 4 parser and browsers disagree in ways that matter,
// the tree follows browsers: <image> is <img> (HTML Living Standard §13.2.6.4.7),
// and void elements it does not know (<source>, <wbr>, ...) get no children.
// libxml2 stops at 256 nested elements: what a hostile fragment nests deeper,
// and what follows it, is not read.
std::vector<Node> parse_fragment(std::string_view html);

// The canonical form of `nodes` (see the file comment), on one line.
// Newlines in text are dropped where they touch a block boundary (the start
// or end of a block element, a <br>) and become one space elsewhere, which
// is how a browser renders them; inside <pre> each line break becomes <br>.
// Newlines in attribute values are written as &#10; / &#13;.
std::string serialize(const std::vector<Node>& nodes);

// Whether the parser, reading a start tag `tag` while `open_element` is the
// element it is in, first closes `open_element` (HTML 4's optional end tags
// as libxml2 applies them: <p> closes an open <p> or <b>, <li> an open
// <li>, <td> an open <td>, <div> an open <p>, ...). A tree in which no
// element's child would close it is read back unchanged from its canonical
// form. Asks the parser itself, once per pair and thread.
bool start_tag_closes(std::string_view tag, std::string_view open_element);

// An attribute value escaped for double quotes: & < > " and newlines.
std::string escape_attribute(std::string_view value);

// The concatenated text of a node and its descendants.
std::string text_content(const Node& node);

// The text of an HTML fragment as search covers it: paragraphs, list
// items, headings, table rows and line breaks become lines; markup dropped.
std::string text_lines(std::string_view fragment);

}  // namespace newsvault::html

#endif  // NEWSVAULT_CORE_HTML_H_
