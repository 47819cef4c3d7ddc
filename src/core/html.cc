#include "core/html.h"

#include <libxml/HTMLparser.h>

#include "core/core.h"
#include <libxml/tree.h>

#include <algorithm>
#include <climits>
#include <iterator>
#include <map>
#include <memory>

namespace newsvault::html {
namespace {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

struct XmlCharFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

// Deeper elements than this are flattened into their ancestor at this
// depth (libxml2 stops nesting near 256 itself; this bounds our recursion
// whatever the library does).
constexpr int kMaxDepth = 512;

constexpr std::string_view kVoidElements[] = {
    "area", "base",  "basefont", "bgsound", "br",   "col",   "embed",  "frame", "hr",
    "img",  "input", "keygen",   "link",    "meta", "param", "source", "track", "wbr"};

constexpr std::string_view kBlockElements[] = {
    "address", "article",  "aside",    "blockquote", "body",    "caption", "center",
    "col",     "colgroup", "dd",       "details",    "dialog",  "dir",     "div",
    "dl",      "dt",       "fieldset", "figcaption", "figure",  "footer",  "form",
    "h1",      "h2",       "h3",       "h4",         "h5",      "h6",      "header",
    "hgroup",  "hr",       "html",     "legend",     "li",      "main",    "menu",
    "nav",     "ol",       "p",        "pre",        "section", "summary", "table",
    "tbody",   "td",       "tfoot",    "th",         "thead",   "tr",      "ul"};

bool is_void_element(std::string_view name) {
  return std::ranges::find(kVoidElements, name) != std::end(kVoidElements);
}

bool is_block_element(std::string_view name) {
  return std::ranges::find(kBlockElements, name) != std::end(kBlockElements);
}

std::string_view as_view(const xmlChar* text) {
  return text == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(text));
}

// Tag and attribute names as libxml2's HTML parser reads them; anything
// else (a tree built by hand) is not written, so a name can never carry
// markup into the output.
bool is_valid_name(std::string_view name) {
  if (name.empty()) return false;
  const auto first = static_cast<unsigned char>(name.front());
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_' ||
        first == ':')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == ':' || c == '.' || c == '-';
  });
}

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F;
}

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

void append_text(std::vector<Node>& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty() && out.back().is_text()) {
    out.back().text += text;
  } else {
    out.push_back(Node::text_node(std::string(text)));
  }
}

void convert_nodes(xmlNode* node, std::vector<Node>& out, int depth);
std::string valid_utf8(std::string_view text);

void convert_element(xmlNode* node, std::vector<Node>& out, int depth) {
  std::string name = lower_ascii(as_view(node->name));
  // Code and style sheets are not article text (see html.h).
  if (name == "script" || name == "style" || name == "head") return;
  // A second <html> or <body> in the fragment, or content libxml2 moved
  // after a stray </html>: keep what is inside.
  if (name == "html" || name == "body") {
    convert_nodes(node->children, out, depth);
    return;
  }
  // HTML Living Standard §13.2.6.4.7: a start tag named "image" is an "img".
  if (name == "image") name = "img";

  Node element = Node::element(std::move(name));
  for (xmlAttr* attribute = node->properties; attribute != nullptr; attribute = attribute->next) {
    std::unique_ptr<xmlChar, XmlCharFree> value(
        xmlNodeListGetString(node->doc, attribute->children, 1));
    // valid_utf8 again: a character reference ("&#x8c;", "&#1;") reaches
    // the tree as the control character it names, which the raw text could
    // not hold, and the writer would write raw for the next parse to drop.
    element.attributes.emplace_back(lower_ascii(as_view(attribute->name)),
                                    valid_utf8(as_view(value.get())));
  }
  if (is_void_element(element.name)) {
    // libxml2 does not know every void element (<source>, <wbr>) and nests
    // what follows inside it; a browser does not.
    out.push_back(std::move(element));
    convert_nodes(node->children, out, depth);
    return;
  }
  if (depth >= kMaxDepth) {
    convert_nodes(node->children, out, depth);
    return;
  }
  convert_nodes(node->children, element.children, depth + 1);
  out.push_back(std::move(element));
}

void convert_nodes(xmlNode* node, std::vector<Node>& out, int depth) {
  for (; node != nullptr; node = node->next) {
    switch (node->type) {
      case XML_TEXT_NODE:
        append_text(out, valid_utf8(as_view(node->content)));  // as attribute values
        break;
      case XML_ELEMENT_NODE:
        convert_element(node, out, depth);
        break;
      default:  // comments, CDATA of <script>/<style>, processing instructions, DTDs
        break;
    }
  }
}

// Invalid UTF-8 sequences become U+FFFD; control characters other than tab,
// newline, carriage return and form feed go (libxml2 passes both through).
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    // Most text is runs of printable ASCII: copied a run at a time.
    std::size_t run = i + printable_ascii_prefix(text.substr(i));
    while (run < text.size()) {  // and the whitespace among them
      const auto byte = static_cast<unsigned char>(text[run]);
      if (byte >= 0x80 || is_control(byte)) break;
      ++run;
    }
    if (run > i) {
      out.append(text.substr(i, run - i));
      i = run;
      continue;
    }
    const Utf8Char next = decode_utf8(text.substr(i));
    if (next.length == 0) {
      newsvault::append_utf8(0xFFFD, out);
      ++i;
      continue;
    }
    // C0 and C1 controls (other than tab, newline, carriage return, form feed).
    const bool control = next.length == 1 ? is_control(static_cast<unsigned char>(text[i]))
                                          : next.code_point >= 0x80 && next.code_point <= 0x9F;
    if (!control) out.append(text.substr(i, next.length));
    i += next.length;
  }
  return out;
}

// --- Writing -----------------------------------------------------------------

struct TextContext {
  bool boundary_before = false;  // a block starts or ends just before the text
  bool boundary_after = false;   // ... or just after it
  bool in_pre = false;
  bool first_in_pre = false;  // the first text of a <pre>
};

void append_escaped_char(char c, std::string& out) {
  switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    default:
      if (!is_control(static_cast<unsigned char>(c))) out += c;
  }
}

// Text written as it is: not markup, not a space, not a control character.
bool needs_no_escape(char c) {
  return c != '&' && c != '<' && c != '>' && !is_html_space(c) &&
         !is_control(static_cast<unsigned char>(c));
}

void write_pre_text(std::string_view text, bool first_in_pre, std::string& out) {
  std::size_t i = 0;
  // HTML §13.2.6.4.7: a newline just after <pre> is not part of its content.
  if (first_in_pre) {
    if (text.starts_with("\r\n")) {
      i = 2;
    } else if (!text.empty() && (text[0] == '\n' || text[0] == '\r')) {
      i = 1;
    }
  }
  for (; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "<br>";
    } else if (text[i] == '\f') {
      out += ' ';
    } else {
      append_escaped_char(text[i], out);
    }
  }
}

void write_text(std::string_view text, const TextContext& context, std::string& out) {
  if (context.in_pre) {
    write_pre_text(text, context.first_in_pre, out);
    return;
  }
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_html_space(text[i])) {
      // A run that needs no escaping (most of any text) is copied at once.
      std::size_t end = i;
      while (end < text.size() && needs_no_escape(text[end])) ++end;
      if (end == i) {
        append_escaped_char(text[i], out);
        ++i;
      } else {
        out.append(text.substr(i, end - i));
        i = end;
      }
      continue;
    }
    const std::size_t start = i;
    bool has_newline = false;
    while (i < text.size() && is_html_space(text[i])) {
      has_newline = has_newline || text[i] == '\n' || text[i] == '\r';
      ++i;
    }
    if (!has_newline) {
      out.append(text.substr(start, i - start));
    } else if ((start == 0 && context.boundary_before) ||
               (i == text.size() && context.boundary_after)) {
      // Whitespace where a block starts or ends is not rendered.
    } else {
      out += ' ';
    }
  }
}

bool is_boundary(const Node& node) {
  return node.kind == Node::Kind::kElement && (is_block_element(node.name) || node.name == "br");
}

void write_nodes(const std::vector<Node>& nodes, std::string_view parent, bool in_pre,
                 std::string& out);

void write_element(const Node& node, std::string_view parent, bool in_pre, std::string& out) {
  if (!is_valid_name(node.name)) {
    write_nodes(node.children, parent, in_pre, out);
    return;
  }
  out += '<';
  out += node.name;
  for (const auto& [name, value] : node.attributes) {
    if (!is_valid_name(name)) continue;
    out += ' ';
    out += name;
    out += "=\"";
    out += escape_attribute(value);
    out += '"';
  }
  out += '>';
  if (is_void_element(node.name)) {
    write_nodes(node.children, parent, in_pre, out);  // only in trees built by hand
    return;
  }
  write_nodes(node.children, node.name, in_pre || node.name == "pre", out);
  out += "</";
  out += node.name;
  out += '>';
}

void write_nodes(const std::vector<Node>& nodes, std::string_view parent, bool in_pre,
                 std::string& out) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& node = nodes[i];
    if (node.kind == Node::Kind::kElement) {
      write_element(node, parent, in_pre, out);
      continue;
    }
    TextContext context;
    context.boundary_before = i == 0 ? is_block_element(parent) : is_boundary(nodes[i - 1]);
    context.boundary_after =
        i + 1 == nodes.size() ? is_block_element(parent) : is_boundary(nodes[i + 1]);
    context.in_pre = in_pre;
    context.first_in_pre = i == 0 && parent == "pre";
    write_text(node.text, context, out);
  }
}

void append_text_content(const Node& node, std::string& out) {
  if (node.is_text()) {
    out += node.text;
    return;
  }
  for (const Node& child : node.children) append_text_content(child, out);
}

}  // namespace

Node Node::element(std::string name, std::vector<std::pair<std::string, std::string>> attributes,
                   std::vector<Node> children) {
  Node node;
  node.kind = Kind::kElement;
  node.name = std::move(name);
  node.attributes = std::move(attributes);
  node.children = std::move(children);
  return node;
}

Node Node::text_node(std::string text) {
  Node node;
  node.kind = Kind::kText;
  node.text = std::move(text);
  return node;
}

const std::string* Node::attribute(std::string_view attribute_name) const {
  for (const auto& [name, value] : attributes) {
    if (name == attribute_name) return &value;
  }
  return nullptr;
}

std::vector<Node> parse_fragment(std::string_view html) {
  // The fragment goes inside a <body> that is already open, as a browser's
  // fragment parsing algorithm does; without a context element libxml2
  // wraps leading text in a <p> of its own. No closing tags are added:
  // libxml2 closes whatever is open at the end of the input.
  // libxml2 2.9 wants its global state set up once before threads share it.
  static const bool initialised = (xmlInitParser(), true);
  (void)initialised;
  std::string document = "<html><body>";
  document += valid_utf8(html);
  const int size = static_cast<int>(std::min<std::size_t>(document.size(), INT_MAX));
  std::unique_ptr<xmlDoc, XmlDocFree> doc(
      htmlReadMemory(document.data(), size, nullptr, "UTF-8",
                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET));
  std::vector<Node> nodes;
  if (doc == nullptr) return nodes;
  convert_nodes(doc->children, nodes, 0);
  return nodes;
}

std::string serialize(const std::vector<Node>& nodes) {
  std::string out;
  write_nodes(nodes, "body", false, out);
  return out;
}

bool start_tag_closes(std::string_view tag, std::string_view open_element) {
  // libxml2 keeps the rule in a private table; reading "<open><tag>" shows
  // it as the parser applies it, which is the only truth that matters here.
  thread_local std::map<std::pair<std::string, std::string>, bool, std::less<>> known;
  std::pair<std::string, std::string> key(tag, open_element);
  if (auto found = known.find(key); found != known.end()) return found->second;
  // The fragment's own <body> is never closed by what it holds.
  if (!is_valid_name(tag) || !is_valid_name(open_element) || open_element == "body") return false;
  const std::vector<Node> probe =
      parse_fragment("<" + key.second + "><" + key.first + ">");
  const bool closes = !(probe.size() == 1 && probe.front().children.size() == 1);
  known.emplace(std::move(key), closes);
  return closes;
}

std::string escape_attribute(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\f':
        out += ' ';
        break;
      default:
        append_escaped_char(c, out);
    }
  }
  return out;
}

std::string text_content(const Node& node) {
  std::string out;
  append_text_content(node, out);
  return out;
}

namespace {

void collect_text(const Node& node, std::string& out) {
  if (node.is_text()) {
    out += node.text;
    return;
  }
  static constexpr std::string_view kBlocks[] = {"p",  "br", "div", "li", "h1", "h2", "h3",
                                                 "h4", "h5", "h6",  "tr", "blockquote", "figcaption"};
  bool block = false;
  for (std::string_view name : kBlocks) block = block || node.name == name;
  if (block && !out.empty() && out.back() != '\n') out += '\n';
  for (const Node& child : node.children) collect_text(child, out);
  if (block && !out.empty() && out.back() != '\n') out += '\n';
}

}  // namespace

std::string text_lines(std::string_view fragment) {
  std::string out;
  for (const Node& node : parse_fragment(fragment)) collect_text(node, out);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace newsvault::html
