// Private to the feed stage: a streaming reader that turns an XML document
// into small element trees, one per entry, handing each to a callback and
// then forgetting it. What is not inside an entry (the channel's own title,
// link, ...) is kept as one small tree for the whole document.
//
// Two readers produce the same trees. read_xml_stream is built on libxml2's
// SAX2 interface in recover mode: broken documents are read as far as they
// go and every problem is reported. read_xml_fast parses with pugixml in
// place, several times faster, and takes only documents it can vouch for
// (well-formed, nothing libxml2 would report or read differently); the
// rest go to read_xml_stream. Neither loads a DTD, resolves an external or
// declared entity, or touches the network.
#ifndef NEWSVAULT_FEED_XML_STREAM_H_
#define NEWSVAULT_FEED_XML_STREAM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace newsvault::feed {

struct XmlAttribute {
  std::string_view namespace_uri;  // "" for an unprefixed attribute
  std::string_view name;           // local name
  std::string value;               // entities decoded
};

using ElementId = std::uint32_t;
inline constexpr ElementId kNoElement = UINT32_MAX;

struct XmlChild {
  ElementId element;
  std::size_t text_offset;  // where in the parent's text the child stands
};

struct XmlElement {
  // Names are interned by the parser and live as long as the XmlDocument.
  std::string_view namespace_uri;
  std::string_view name;    // local name
  std::string_view prefix;  // for re-serialising markup only; never for matching
  std::vector<XmlAttribute> attributes;
  std::string text;  // the character data directly inside, in document order
  std::vector<XmlChild> children;
  ElementId parent = kNoElement;
  std::uint32_t depth = 0;  // the root is 0
  std::uint32_t base = 0;   // index into XmlDocument::bases(): the xml:base in force

  // Value of the attribute with this local name in no namespace (or any
  // namespace when `namespace_uri` is null), or nullptr.
  const std::string* attribute(std::string_view name) const;
  const std::string* attribute(std::string_view namespace_uri, std::string_view name) const;
};

// The elements read so far. Ids stay valid until the entry they belong to
// has been handed to the callback.
class XmlDocument {
 public:
  const XmlElement& element(ElementId id) const { return elements_[id]; }
  ElementId root() const { return size_ == 0 ? kNoElement : 0; }
  // The xml:base in force for an element, already resolved against the
  // document's own URL; "" when none is known.
  const std::string& base_of(const XmlElement& element) const { return bases_[element.base]; }

  // The doctype's public and system ids, if any (RSS 0.91 Netscape says so there).
  const std::string& doctype() const { return doctype_; }

  struct NamespaceDeclaration {
    std::string prefix;  // "" for a default namespace
    std::string uri;
    bool on_root = false;
  };
  // Namespace declarations in document order (the first 64): feed versions
  // are told apart by them.
  const std::vector<NamespaceDeclaration>& declared_namespaces() const {
    return declared_namespaces_;
  }

  // The element's text with child elements written back as markup: what a
  // content element holds. With `escape_text`, character data is escaped
  // (XHTML content: the text is text); without, it is kept as given (HTML
  // sent as text, with stray raw tags among it: the text is already HTML).
  std::string inner_markup(ElementId id, bool escape_text) const;
  // All character data under the element, markup dropped.
  std::string inner_text(ElementId id) const;

 private:
  friend class XmlStreamReader;
  friend class FastXmlReader;
  void append_markup(ElementId id, bool escape_text, std::string& out) const;
  void append_content(const XmlElement& element, bool escape_text, std::string& out) const;
  // A new, empty element with `attribute_count` attributes to fill in; its
  // id is the next one.
  ElementId add_element(std::size_t attribute_count);
  // Forgets the elements from `id` on (an entry, once handed over).
  void drop_elements_from(ElementId id) { size_ = id; }

  // The elements are elements_[0, size_). Those beyond are dropped ones,
  // kept so that the next entry's elements reuse their buffers instead of
  // allocating anew: each entry's text passes through them.
  std::vector<XmlElement> elements_;
  std::size_t size_ = 0;
  std::vector<std::string> bases_;
  std::shared_ptr<void> dictionary_;  // owns the names and URIs the elements point into
  std::string doctype_;
  std::vector<NamespaceDeclaration> declared_namespaces_;
};

struct XmlStreamOptions {
  std::string base_url;     // the document's own URL, for xml:base
  std::string source_name;  // for messages
  std::size_t max_text_bytes = 16 * 1024 * 1024;
  // Says whether an element opens an entry (rss:item, atom:entry, ...),
  // given the element and whether it is already inside an entry.
  std::function<bool(const XmlElement&)> is_entry;
};

struct XmlStreamResult {
  XmlDocument document;  // everything outside the entries
  std::vector<std::string> problems;
  // The problems that are a limit reached (text cut, nesting too deep):
  // content was lost, not merely mended.
  std::vector<std::string> limits_hit;
  std::size_t entries_seen = 0;
};

// Reads `utf8` (already converted to UTF-8; its XML declaration's encoding
// label is ignored). Calls `on_entry` once per completed entry, in document
// order. Fails with kParse ("name:line:col: cause") only when not even a
// root element can be read.
Result<XmlStreamResult> read_xml_stream(
    std::string_view utf8, const XmlStreamOptions& options,
    const std::function<void(const XmlDocument&, ElementId)>& on_entry);

// Reads `utf8` as read_xml_stream does, giving `on_entry` and the result
// exactly the trees read_xml_stream would, when the document is one the
// fast reader can vouch for: well-formed to pugixml, and free of everything
// libxml2 would report or that only libxml2 reads (a DTD internal subset,
// undeclared prefixes, misplaced "]]>", '<' in an attribute value, invalid
// character references, names outside ASCII, limits reached, ...). Its
// problems are then always empty.
// Returns nullopt otherwise. `on_entry` may already have been called for
// some entries by then: the caller drops what it made of them and reads the
// document with read_xml_stream instead.
std::optional<XmlStreamResult> read_xml_fast(
    std::string_view utf8, const XmlStreamOptions& options,
    const std::function<void(const XmlDocument&, ElementId)>& on_entry);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_XML_STREAM_H_
