// read_xml_fast: the trees read_xml_stream builds, from pugixml's in-place
// parse of a copy of the document. See xml_stream.h for the contract and
// docs/internals/feed.md for why.
//
// The rule here is: when in doubt, give up. Giving up costs one more parse
// with libxml2; taking a document libxml2 reads differently would change
// what `newsvault parse` prints. So every difference between the two
// parsers that a document can trigger is either reproduced (namespaces,
// xml:base, text with child offsets) or detected and refused:
//   - pugixml is not a conformant parser: it takes '<' in attribute values,
//     "]]>" in text, character references to characters XML forbids
//     (&#1;, &#xD800;, &#X41;), any bytes >= 0x80 in names, names that are
//     not QNames, text and CDATA outside the root element, anything after
//     it, duplicate attributes and "--" in comments; libxml2 reports each.
//   - pugixml knows nothing of namespaces: this file resolves them, and
//     refuses what libxml2 reports or warns about (undeclared prefixes,
//     relative or malformed namespace URIs, reserved prefixes and URIs,
//     duplicates).
//   - the prolog is checked in the source: an XML declaration strictly as
//     XML 1.0 writes it, at most one DOCTYPE without an internal subset
//     (declarations there change how libxml2 reads the document).
//   - libxml2's push parser leaves CRs in CDATA sections; pugixml turns
//     them into LFs: such sections are taken from the source.
//   - libxml2's limits (depth, text in one element, lengths of names,
//     attribute values, CDATA sections and comments) are left to it.
#include <libxml/uri.h>

#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <unordered_set>

#include "feed/encoding_convert.h"
#include "feed/xml_stream.h"

namespace newsvault::feed {
namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kXmlnsNamespace = "http://www.w3.org/2000/xmlns/";
// read_xml_stream stops at 256 levels, and libxml2 at about as many: deep
// documents are left to them.
constexpr std::uint32_t kMaxDepth = 200;
// libxml2 (without XML_PARSE_HUGE) reports names beyond 50,000 bytes and
// CDATA sections, attribute values, comments and PIs beyond 10,000,000;
// anything anywhere near that is left to it. A CDATA section's source is
// at most twice its text (CR LF pairs become LF).
constexpr std::size_t kMaxNameBytes = 1000;
constexpr std::size_t kMaxCdataBytes = 4'000'000;
constexpr std::size_t kMaxMarkupTextBytes = 1'000'000;  // an attribute value, comment or PI

// Text as XML 1.0 reads it (line ends normalised, the predefined entities
// and character references decoded, whitespace in attribute values as
// spaces) and whitespace-only text kept, as libxml2 hands both over.
// CDATA, comments, PIs and the XML declaration become nodes so they can be
// checked; an element's leading text is stored in the element itself
// (parse_embed_pcdata: one node fewer per element). No DOCTYPE node: the
// prolog is checked in the source.
constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol |
                                   pugi::parse_wconv_attribute | pugi::parse_ws_pcdata |
                                   pugi::parse_comments | pugi::parse_pi |
                                   pugi::parse_declaration | pugi::parse_embed_pcdata;

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
constexpr bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
// XML names, ASCII only: the fast reader leaves other names to libxml2.
constexpr bool is_name_start(char c) { return is_letter(c) || c == '_'; }
constexpr bool is_name_char(char c) {
  return is_letter(c) || is_digit(c) || c == '_' || c == '-' || c == '.';
}

// XML 1.0 §2.2 Char.
constexpr bool is_xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// XML 1.0 §2.3 PubidChar.
constexpr bool is_pubid_char(char c) {
  return c == ' ' || is_letter(c) || is_digit(c) ||
         std::string_view("-'()+,./:=?;!*#@$_%").find(c) != std::string_view::npos;
}

// Splits a qualified name as libxml2 reads it (Namespaces in XML §3: one
// colon at most, NCNames on both sides). False for what libxml2 would
// complain about, and for names outside ASCII. pugixml has already
// limited the characters to letters, digits, '_', ':', '-', '.' and bytes
// >= 0x80.
bool split_qname(std::string_view qname, std::string_view& prefix, std::string_view& local) {
  if (qname.empty() || qname.size() > kMaxNameBytes) return false;
  std::size_t colon = std::string_view::npos;
  for (std::size_t i = 0; i < qname.size(); ++i) {
    const char c = qname[i];
    if (static_cast<unsigned char>(c) >= 0x80) return false;
    if (c == ':') {
      if (colon != std::string_view::npos) return false;
      colon = i;
    }
  }
  if (colon == std::string_view::npos) {
    prefix = {};
    local = qname;
    return is_name_start(qname.front());
  }
  if (colon == 0 || colon + 1 == qname.size()) return false;
  prefix = qname.substr(0, colon);
  local = qname.substr(colon + 1);
  return is_name_start(prefix.front()) && is_name_start(local.front());
}

// A position in the source, for reading the prolog.
class Cursor {
 public:
  Cursor(std::string_view text, std::size_t at) : text_(text), at_(at) {}
  std::size_t at() const { return at_; }
  std::size_t skip_spaces() {
    const std::size_t start = at_;
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
    return at_ - start;
  }
  bool consume(std::string_view expected) {
    if (!text_.substr(at_).starts_with(expected)) return false;
    at_ += expected.size();
    return true;
  }
  // S? '=' S?
  bool consume_equals() {
    skip_spaces();
    if (!consume("=")) return false;
    skip_spaces();
    return true;
  }
  // A value in single or double quotes, without them.
  std::optional<std::string_view> quoted() {
    if (at_ >= text_.size() || (text_[at_] != '"' && text_[at_] != '\'')) return std::nullopt;
    const std::size_t close = text_.find(text_[at_], at_ + 1);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view value = text_.substr(at_ + 1, close - at_ - 1);
    at_ = close + 1;
    return value;
  }
  std::string_view name() {
    const std::size_t start = at_;
    if (at_ < text_.size() && (is_name_start(text_[at_]) || text_[at_] == ':')) {
      while (at_ < text_.size() && (is_name_char(text_[at_]) || text_[at_] == ':')) ++at_;
    }
    return text_.substr(start, at_ - start);
  }

 private:
  std::string_view text_;
  std::size_t at_;
};

constexpr std::size_t kRefuse = std::string_view::npos;

// XML 1.0 §2.8: the XML declaration at the very start, read as strictly as
// the grammar writes it (version 1.0; encoding and standalone optional, in
// that order). Returns the offset after it, 0 when the document has none,
// kRefuse for one libxml2 might report.
std::size_t skip_xml_declaration(std::string_view text) {
  if (!text.starts_with("<?xml")) return 0;
  if (text.size() > 5 && (is_name_char(text[5]) || text[5] == ':')) return 0;  // <?xml-stylesheet
  Cursor cursor(text, 5);
  if (cursor.skip_spaces() == 0 || !cursor.consume("version") || !cursor.consume_equals() ||
      cursor.quoted() != "1.0") {
    return kRefuse;
  }
  std::size_t spaces = cursor.skip_spaces();
  if (spaces > 0 && cursor.consume("encoding")) {
    if (!cursor.consume_equals()) return kRefuse;
    const std::optional<std::string_view> encoding = cursor.quoted();
    // EncName ::= [A-Za-z] ([A-Za-z0-9._] | '-')*
    if (!encoding || encoding->empty() || !is_letter(encoding->front()) ||
        !std::all_of(encoding->begin(), encoding->end(), is_name_char)) {
      return kRefuse;
    }
    spaces = cursor.skip_spaces();
  }
  if (spaces > 0 && cursor.consume("standalone")) {
    if (!cursor.consume_equals()) return kRefuse;
    const std::optional<std::string_view> standalone = cursor.quoted();
    if (standalone != "yes" && standalone != "no") return kRefuse;
    cursor.skip_spaces();
  }
  return cursor.consume("?>") ? cursor.at() : kRefuse;
}

// XML 1.0 §2.8 doctypedecl at `at`, without an internal subset (its
// declarations would change how libxml2 reads the document). Sets
// `doctype` as read_xml_stream reports it: "name public-id system-id".
// Returns the offset after it, or kRefuse.
std::size_t read_doctype(std::string_view text, std::size_t at, std::string& doctype) {
  Cursor cursor(text, at + std::string_view("<!DOCTYPE").size());
  if (cursor.skip_spaces() == 0) return kRefuse;
  const std::string_view name = cursor.name();
  if (name.empty() || name.size() > kMaxNameBytes) return kRefuse;
  std::optional<std::string_view> public_id;
  std::optional<std::string_view> system_id;
  // No CR, LF or tab in either literal: libxml2 would see them normalised.
  auto plain = [](std::string_view literal) {
    return literal.find_first_of("\r\n\t") == std::string_view::npos;
  };
  if (cursor.skip_spaces() > 0) {
    if (cursor.consume("SYSTEM")) {
      if (cursor.skip_spaces() == 0 || !(system_id = cursor.quoted()) || !plain(*system_id)) {
        return kRefuse;
      }
    } else if (cursor.consume("PUBLIC")) {
      if (cursor.skip_spaces() == 0 || !(public_id = cursor.quoted()) || !plain(*public_id) ||
          !std::all_of(public_id->begin(), public_id->end(), is_pubid_char) ||
          cursor.skip_spaces() == 0 || !(system_id = cursor.quoted()) || !plain(*system_id)) {
        return kRefuse;
      }
    }
    cursor.skip_spaces();
  }
  if (!cursor.consume(">")) return kRefuse;  // '[': an internal subset
  doctype = std::string(name) + " " + std::string(public_id.value_or("")) + " " +
            std::string(system_id.value_or(""));
  return cursor.at();
}

// The prolog (XML 1.0 §2.8): an XML declaration, then comments, PIs,
// whitespace and at most one DOCTYPE, then the root element, whose '<' is
// stored in `root`. False for anything else before the root (text, a
// second declaration, ...).
bool scan_prolog(std::string_view text, std::size_t& root, std::string& doctype) {
  std::size_t at = skip_xml_declaration(text);
  if (at == kRefuse) return false;
  bool doctype_seen = false;
  while (true) {
    while (at < text.size() && is_space(text[at])) ++at;
    const std::string_view rest = text.substr(at);
    if (rest.starts_with("<?")) {
      // Only the first bytes may be an XML declaration.
      if (rest.size() > 5 && (rest[2] | 0x20) == 'x' && (rest[3] | 0x20) == 'm' &&
          (rest[4] | 0x20) == 'l' && !is_name_char(rest[5]) && rest[5] != ':') {
        return false;
      }
      const std::size_t end = text.find("?>", at + 2);
      if (end == std::string_view::npos) return false;
      at = end + 2;
    } else if (rest.starts_with("<!--")) {
      const std::size_t end = text.find("-->", at + 4);
      if (end == std::string_view::npos) return false;
      at = end + 3;
    } else if (rest.starts_with("<!DOCTYPE")) {
      if (doctype_seen) return false;
      doctype_seen = true;
      at = read_doctype(text, at, doctype);
      if (at == kRefuse) return false;
    } else if (rest.size() > 1 && rest[0] == '<' && (is_name_start(rest[1]) || rest[1] == ':')) {
      root = at;
      return true;
    } else {
      return false;
    }
  }
}

// True when the document ends with the root's end tag, then only
// whitespace, comments and PIs (XML 1.0 §2.1 Misc, which pugixml keeps as
// nodes, checked like the others). Anything else after the root, which
// pugixml would skip (text) where libxml2 reports "Extra content", and
// what this backward reading cannot make out, is refused.
bool ends_with_end_tag(std::string_view text, std::string_view qname) {
  std::size_t end = text.size();
  while (true) {
    while (end > 0 && is_space(text[end - 1])) --end;
    const std::string_view head = text.substr(0, end);
    std::size_t start = std::string_view::npos;
    if (head.ends_with("-->")) {
      start = head.rfind("<!--", end - 3);
    } else if (head.ends_with("?>")) {
      start = head.rfind("<?", end - 2);
    } else {
      break;
    }
    if (start == std::string_view::npos) return false;
    end = start;
  }
  if (end == 0 || text[end - 1] != '>') return false;
  --end;
  while (end > 0 && is_space(text[end - 1])) --end;
  if (end < qname.size() + 2) return false;
  return text.substr(end - qname.size(), qname.size()) == qname &&
         text.substr(end - qname.size() - 2, 2) == "</";
}

// XML 1.0 §4.1: every character reference must name a Char, in decimal or
// with a lower-case 'x'. pugixml decodes any number (and leaves "&#X41;"
// as text); libxml2 reports them. Reference repair has already escaped
// every '&' that starts no reference, outside CDATA sections and comments;
// a non-reference "&#" inside those is refused too, which is rare.
bool character_references_are_valid(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const void* found = std::memchr(text.data() + at, '&', text.size() - at);
    if (!found) return true;
    at = static_cast<std::size_t>(static_cast<const char*>(found) - text.data()) + 1;
    if (at >= text.size() || text[at] != '#') continue;
    std::size_t i = at + 1;
    const bool hex = i < text.size() && text[i] == 'x';
    if (hex) ++i;
    const std::size_t digits = i;
    std::uint32_t value = 0;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      std::uint32_t digit;
      if (is_digit(c)) {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        digit = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
      } else {
        break;
      }
      value = value * (hex ? 16 : 10) + digit;
      if (value > 0x10FFFF) return false;
    }
    if (i == digits || i >= text.size() || text[i] != ';' || !is_xml_char(value)) return false;
    at = i + 1;
  }
  return true;
}

std::size_t count_occurrences(std::string_view text, std::string_view part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string_view::npos;
       at = text.find(part, at + part.size())) {
    ++count;
  }
  return count;
}

// XML 1.0 §2.5: no "--" in a comment, and no '-' right before "-->".
bool comment_is_valid(std::string_view text) {
  return text.size() <= kMaxMarkupTextBytes && text.find("--") == std::string_view::npos &&
         !text.ends_with('-');
}

// XML 1.0 §2.6: a PI target is a name without a colon, and names starting
// with "xml" are reserved but for the two W3C ones libxml2 knows.
bool processing_instruction_is_valid(pugi::xml_node node) {
  const std::string_view target = node.name();
  for (const char c : target) {
    if (static_cast<unsigned char>(c) >= 0x80 || c == ':') return false;
  }
  if (target.size() >= 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' &&
      (target[2] | 0x20) == 'l') {
    return target == "xml-stylesheet" || target == "xml-model";
  }
  return std::strlen(node.value()) <= kMaxMarkupTextBytes;
}

}  // namespace

// Walks pugixml's tree in document order and grows the XmlDocument exactly
// as XmlStreamReader does from libxml2's events. One per parse.
class FastXmlReader {
 public:
  FastXmlReader(const XmlStreamOptions& options,
                const std::function<void(const XmlDocument&, ElementId)>& on_entry)
      : options_(options), on_entry_(on_entry) {
    result_.document.bases_.push_back(options.base_url);
  }

  std::optional<XmlStreamResult> read(std::string_view utf8);

 private:
  bool walk(pugi::xml_node root);
  bool open(pugi::xml_node node);
  bool close();  // true when it handed an entry over
  bool add_text(const char* text, std::size_t size);
  std::string_view cdata_text(const char* value) const;
  bool declare(std::string_view prefix, std::string_view uri);
  std::optional<std::string_view> namespace_of(std::string_view prefix) const;
  bool is_valid_namespace_uri(std::string_view uri);
  bool source_has_lt(const char* value) const;
  void keep_names();

  const XmlStreamOptions& options_;
  const std::function<void(const XmlDocument&, ElementId)>& on_entry_;
  XmlStreamResult result_;
  std::string_view source_;      // the document as given
  const char* buffer_ = nullptr;  // pugixml's copy of it, parsed in place
  ElementId current_ = kNoElement;
  ElementId entry_ = kNoElement;
  struct Binding {
    std::string_view prefix;  // "" for the default namespace
    std::string_view uri;
  };
  std::vector<Binding> bindings_;            // the namespace declarations in scope
  std::vector<std::size_t> binding_marks_;   // bindings_.size() as each open element started
  std::vector<std::string_view> valid_uris_;  // namespace URIs already checked
  std::size_t cdata_sections_ = 0;
  bool source_has_carriage_return_ = false;
};

std::optional<std::string_view> FastXmlReader::namespace_of(std::string_view prefix) const {
  if (prefix == "xml") return kXmlNamespace;  // Namespaces in XML §3: bound by definition
  for (auto binding = bindings_.rbegin(); binding != bindings_.rend(); ++binding) {
    if (binding->prefix == prefix) return binding->uri;
  }
  if (prefix.empty()) return std::string_view();  // no default namespace
  return std::nullopt;
}

// libxml2 reports a namespace URI its URI parser cannot read, and warns
// about one without a scheme; asking that parser gives the same answers.
// Both kinds are left to libxml2 (relative namespace URIs are rare enough
// not to be worth proving that the warning never reaches its problems).
bool FastXmlReader::is_valid_namespace_uri(std::string_view uri) {
  for (std::string_view valid : valid_uris_) {
    if (valid == uri) return true;
  }
  const std::string terminated(uri);
  xmlURIPtr parsed = xmlParseURI(terminated.c_str());
  if (!parsed) return false;
  const bool absolute = parsed->scheme != nullptr;
  xmlFreeURI(parsed);
  if (absolute) valid_uris_.push_back(uri);
  return absolute;
}

bool FastXmlReader::declare(std::string_view prefix, std::string_view uri) {
  if (prefix == "xml" || prefix == "xmlns") return false;
  if (uri.empty()) {
    if (!prefix.empty()) return false;  // xmlns:p="": an error in Namespaces 1.0
  } else if (uri == kXmlNamespace || uri == kXmlnsNamespace || !is_valid_namespace_uri(uri)) {
    return false;
  }
  for (std::size_t i = binding_marks_.back(); i < bindings_.size(); ++i) {
    if (bindings_[i].prefix == prefix) return false;  // declared twice on one element
  }
  bindings_.push_back({prefix, uri});
  auto& declared = result_.document.declared_namespaces_;
  if (declared.size() < 64) {
    declared.push_back({std::string(prefix), std::string(uri), current_ == kNoElement});
  }
  return true;
}

// A '<' in a decoded attribute value is fine when it was written "&lt;";
// the source, at the same offset as pugixml's copy, tells which.
bool FastXmlReader::source_has_lt(const char* value) const {
  const auto offset = static_cast<std::size_t>(value - buffer_);
  if (offset == 0 || offset > source_.size()) return true;
  const char quote = source_[offset - 1];
  const std::size_t end = source_.find(quote, offset);
  return source_.substr(offset, end - offset).find('<') != std::string_view::npos;
}

// libxml2's push parser hands CDATA sections over as they are in the
// source, CR LF and lone CR included (its line-end normalisation happens
// where it reads characters one by one, which CDATA in push mode skips);
// pugixml has turned them into LF. The source at the same offset has them.
std::string_view FastXmlReader::cdata_text(const char* value) const {
  if (!source_has_carriage_return_) return value;
  const auto offset = static_cast<std::size_t>(value - buffer_);
  const std::size_t end = source_.find("]]>", offset);
  return source_.substr(offset, end - offset);
}

bool FastXmlReader::add_text(const char* text, std::size_t size) {
  std::string& target = result_.document.elements_[current_].text;
  // read_xml_stream cuts the text there and reports it, with a line number.
  if (target.size() + size > options_.max_text_bytes) return false;
  target.append(text, size);
  return true;
}

bool FastXmlReader::open(pugi::xml_node node) {
  XmlDocument& document = result_.document;
  if (current_ != kNoElement && document.elements_[current_].depth + 1 >= kMaxDepth) return false;
  std::string_view prefix;
  std::string_view local;
  if (!split_qname(node.name(), prefix, local)) return false;

  // Namespace declarations first: they hold for the element's own name and
  // attributes, and libxml2 lists them in the order they are written.
  binding_marks_.push_back(bindings_.size());
  std::size_t attribute_count = 0;
  std::size_t declarations = 0;
  for (pugi::xml_attribute attribute = node.first_attribute(); attribute;
       attribute = attribute.next_attribute()) {
    ++attribute_count;
    const std::string_view name = attribute.name();
    if (!name.starts_with("xmlns")) continue;
    if (name.size() == 5) {
      if (!declare("", attribute.value())) return false;
      ++declarations;
    } else if (name[5] == ':') {
      std::string_view declared_prefix;
      std::string_view declared_local;
      if (!split_qname(name, declared_prefix, declared_local)) return false;
      if (!declare(declared_local, attribute.value())) return false;
      ++declarations;
    }
  }
  const std::optional<std::string_view> uri = namespace_of(prefix);
  if (!uri) return false;  // an undeclared prefix

  const ElementId id = document.add_element(attribute_count - declarations);
  XmlElement& element = document.elements_[id];
  element.namespace_uri = *uri;
  element.name = local;
  element.prefix = prefix;
  element.parent = current_;
  std::size_t xml_base = SIZE_MAX;
  std::size_t index = 0;
  for (pugi::xml_attribute attribute = node.first_attribute(); attribute;
       attribute = attribute.next_attribute()) {
    const std::string_view name = attribute.name();
    if (name.starts_with("xmlns") && (name.size() == 5 || name[5] == ':')) continue;
    std::string_view attribute_prefix;
    std::string_view attribute_local;
    if (!split_qname(name, attribute_prefix, attribute_local)) return false;
    std::string_view attribute_uri;
    if (!attribute_prefix.empty()) {
      const std::optional<std::string_view> bound = namespace_of(attribute_prefix);
      if (!bound) return false;
      attribute_uri = *bound;
    }
    const char* value = attribute.value();
    const std::size_t size = std::strlen(value);
    if (size > kMaxMarkupTextBytes) return false;
    if (std::memchr(value, '<', size) && source_has_lt(value)) return false;
    XmlAttribute& added = element.attributes[index];
    added.name = attribute_local;
    added.namespace_uri = attribute_uri;
    added.value.assign(value, size);
    if (attribute_uri == kXmlNamespace && attribute_local == "base") xml_base = index;
    ++index;
  }
  // XML 1.0 §3.1 and Namespaces in XML §6.3: no attribute twice, by name
  // or by namespace and local name.
  if (attribute_count > 1) {
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      for (pugi::xml_attribute b = a.next_attribute(); b; b = b.next_attribute()) {
        if (std::strcmp(a.name(), b.name()) == 0) return false;
      }
    }
    const auto& attributes = element.attributes;
    for (std::size_t i = 0; i < attributes.size(); ++i) {
      if (attributes[i].namespace_uri.empty()) continue;
      for (std::size_t j = i + 1; j < attributes.size(); ++j) {
        if (attributes[j].name == attributes[i].name &&
            attributes[j].namespace_uri == attributes[i].namespace_uri) {
          return false;
        }
      }
    }
  }

  if (current_ != kNoElement) {
    XmlElement& parent = document.elements_[current_];
    element.depth = parent.depth + 1;
    element.base = parent.base;
    parent.children.push_back({id, parent.text.size()});
  }
  if (xml_base != SIZE_MAX && !element.attributes[xml_base].value.empty()) {
    // XML Base §4.2: a relative xml:base is resolved against the base in force.
    std::string resolved =
        resolve_url(document.bases_[element.base], element.attributes[xml_base].value);
    element.base = static_cast<std::uint32_t>(document.bases_.size());
    document.bases_.push_back(std::move(resolved));
  }
  current_ = id;
  if (entry_ == kNoElement && options_.is_entry && options_.is_entry(element)) entry_ = id;
  // With parse_embed_pcdata the text before the first child is the
  // element's value.
  const char* leading = node.value();
  return *leading == '\0' || add_text(leading, std::strlen(leading));
}

bool FastXmlReader::close() {
  bindings_.resize(binding_marks_.back());
  binding_marks_.pop_back();
  XmlDocument& document = result_.document;
  const ElementId id = current_;
  current_ = document.elements_[id].parent;
  if (id != entry_) return false;
  ++result_.entries_seen;
  on_entry_(document, id);
  // The entry and everything in it were the last elements added: forget them.
  if (current_ != kNoElement) document.elements_[current_].children.pop_back();
  document.drop_elements_from(id);
  entry_ = kNoElement;
  return true;
}

// Depth first, in document order, without recursion: open on the way in,
// close on the way out, as libxml2's start and end events come. Each node
// is freed once read: pugixml gives a page of nodes back to malloc when all
// in it are freed, so the entries being built reuse the tree's memory and
// the peak stays where the libxml2 reader's is (52 MB feed: 179 MB either
// way in feed_parse_bench, 201 MB when the tree was kept to the end).
bool FastXmlReader::walk(pugi::xml_node root) {
  if (!open(root)) return false;
  pugi::xml_node parent = root;
  pugi::xml_node node = root.first_child();
  while (true) {
    if (!node) {
      close();
      if (parent == root) return true;
      node = parent.next_sibling();
      const pugi::xml_node done = parent;
      parent = parent.parent();
      parent.remove_child(done);
      continue;
    }
    switch (node.type()) {
      case pugi::node_element:
        if (!open(node)) return false;
        parent = node;
        node = node.first_child();
        continue;
      case pugi::node_cdata: {
        const std::string_view text = cdata_text(node.value());
        if (text.size() > kMaxCdataBytes || !add_text(text.data(), text.size())) return false;
        ++cdata_sections_;
        break;
      }
      case pugi::node_pcdata: {
        const char* text = node.value();
        if (!add_text(text, std::strlen(text))) return false;
        break;
      }
      case pugi::node_comment:
        if (!comment_is_valid(node.value())) return false;
        break;
      case pugi::node_pi:
        if (!processing_instruction_is_valid(node)) return false;
        break;
      default:
        return false;
    }
    const pugi::xml_node done = node;
    node = node.next_sibling();
    parent.remove_child(done);
  }
}

// What is left of the document once the entries are gone (the channel and
// its own elements) points into pugixml's buffer: give it names of its own
// so the buffer can go.
void FastXmlReader::keep_names() {
  auto pool = std::make_shared<std::deque<std::string>>();  // a deque never moves its strings
  std::unordered_set<std::string_view> interned;              // views of the pool's strings
  auto intern = [&](std::string_view& text) {
    if (text.empty() || text.data() == kXmlNamespace.data()) return;
    auto found = interned.find(text);
    if (found == interned.end()) found = interned.insert(pool->emplace_back(text)).first;
    text = *found;
  };
  XmlDocument& document = result_.document;
  document.elements_.resize(document.size_);  // dropped elements point into the buffer too
  for (XmlElement& element : document.elements_) {
    intern(element.namespace_uri);
    intern(element.name);
    intern(element.prefix);
    for (XmlAttribute& attribute : element.attributes) {
      intern(attribute.namespace_uri);
      intern(attribute.name);
    }
  }
  result_.document.dictionary_ = std::move(pool);
}

std::optional<XmlStreamResult> FastXmlReader::read(std::string_view utf8) {
  source_ = utf8;
  std::size_t root_offset = 0;
  if (!scan_prolog(utf8, root_offset, result_.document.doctype_)) return std::nullopt;
  const std::string_view root_name =
      Cursor(utf8, root_offset + 1).name();  // a prefix's colon included
  if (!ends_with_end_tag(utf8, root_name) || !character_references_are_valid(utf8)) {
    return std::nullopt;
  }
  const std::size_t cdata_ends = count_occurrences(utf8, "]]>");
  source_has_carriage_return_ = std::memchr(utf8.data(), '\r', utf8.size()) != nullptr;
  {
    std::string buffer;
    reserve_output(buffer, utf8.size());
    buffer.assign(utf8);
    buffer_ = buffer.data();
    pugi::xml_document dom;
    const pugi::xml_parse_result parsed =
        dom.load_buffer_inplace(buffer.data(), buffer.size(), kParseOptions, pugi::encoding_utf8);
    if (parsed.status != pugi::status_ok) return std::nullopt;
    pugi::xml_node root;
    for (pugi::xml_node node = dom.first_child(); node; node = node.next_sibling()) {
      switch (node.type()) {
        case pugi::node_element:
          if (root) return std::nullopt;  // a second root element
          root = node;
          break;
        case pugi::node_declaration:
          // The one at the start, already checked in the source.
          if (node.name() != buffer_ + 2 || skip_xml_declaration(utf8) == 0) return std::nullopt;
          break;
        case pugi::node_comment:
          if (!comment_is_valid(node.value())) return std::nullopt;
          break;
        case pugi::node_pi:
          if (!processing_instruction_is_valid(node)) return std::nullopt;
          break;
        default:  // text or CDATA outside the root element
          return std::nullopt;
      }
    }
    if (!root || root.name() != buffer_ + root_offset + 1) return std::nullopt;
    if (!walk(root)) return std::nullopt;
    // A "]]>" that ends no CDATA section stands in text (or in a comment, or
    // in an attribute value, where it would be harmless: refused all the same).
    if (cdata_sections_ != cdata_ends) return std::nullopt;
    keep_names();
    // pugixml's tree and its copy of the document go here.
  }
  buffer_ = nullptr;
  return std::move(result_);
}

std::optional<XmlStreamResult> read_xml_fast(
    std::string_view utf8, const XmlStreamOptions& options,
    const std::function<void(const XmlDocument&, ElementId)>& on_entry) {
  FastXmlReader reader(options, on_entry);
  return reader.read(utf8);
}

}  // namespace newsvault::feed
