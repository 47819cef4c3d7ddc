#include "feed/xml_stream.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace newsvault::feed {
namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
// The push parser sees the document in slices of this size, so libxml2
// holds a window of the input, never a second copy of all of it.
constexpr std::size_t kChunkBytes = 256 * 1024;
constexpr std::uint32_t kMaxDepth = 256;

std::string_view view(const xmlChar* text) {
  return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

void append_escaped(std::string_view text, std::string& out, bool in_attribute) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* replacement = nullptr;
    if (c == '&') replacement = "&amp;";
    else if (c == '<') replacement = "&lt;";
    else if (c == '>') replacement = "&gt;";
    else if (c == '"' && in_attribute) replacement = "&quot;";
    if (replacement) {
      out.append(text.substr(start, i - start));
      out.append(replacement);
      start = i + 1;
    }
  }
  out.append(text.substr(start));
}

void append_text(std::string_view text, bool escape, std::string& out) {
  if (escape) {
    append_escaped(text, out, false);
  } else {
    out.append(text);
  }
}

struct ParserContextFree {
  void operator()(xmlParserCtxt* context) const {
    // With XML_PARSE_NOENT, libxml2 keeps a document of its own for the
    // internal subset's entity declarations even in a SAX parse, and the
    // context does not free it (xmlSAXUserParseMemory frees it the same way).
    if (context->myDoc != nullptr) xmlFreeDoc(context->myDoc);
    xmlFreeParserCtxt(context);
  }
};

}  // namespace

const std::string* XmlElement::attribute(std::string_view local_name) const {
  for (const auto& attribute : attributes) {
    if (attribute.name == local_name && attribute.namespace_uri.empty()) return &attribute.value;
  }
  return nullptr;
}

const std::string* XmlElement::attribute(std::string_view namespace_uri,
                                         std::string_view local_name) const {
  for (const auto& attribute : attributes) {
    if (attribute.name == local_name && attribute.namespace_uri == namespace_uri) {
      return &attribute.value;
    }
  }
  return nullptr;
}

ElementId XmlDocument::add_element(std::size_t attribute_count) {
  if (size_ == elements_.size()) elements_.emplace_back();
  XmlElement& element = elements_[size_];
  element.namespace_uri = {};
  element.name = {};
  element.prefix = {};
  element.attributes.resize(attribute_count);  // the first ones keep their buffers
  element.text.clear();
  element.children.clear();
  element.parent = kNoElement;
  element.depth = 0;
  element.base = 0;
  return static_cast<ElementId>(size_++);
}

std::string XmlDocument::inner_markup(ElementId id, bool escape_text) const {
  const XmlElement& element = elements_[id];
  if (element.children.empty() && !escape_text) return element.text;
  std::string out;
  out.reserve(element.text.size() * 2);
  append_content(element, escape_text, out);
  return out;
}

// The element's text and its children's markup, interleaved as they stood.
void XmlDocument::append_content(const XmlElement& element, bool escape_text,
                                 std::string& out) const {
  std::size_t written = 0;
  for (const XmlChild& child : element.children) {
    append_text(std::string_view(element.text).substr(written, child.text_offset - written),
                escape_text, out);
    written = child.text_offset;
    append_markup(child.element, escape_text, out);
  }
  append_text(std::string_view(element.text).substr(written), escape_text, out);
}

void XmlDocument::append_markup(ElementId id, bool escape_text, std::string& out) const {
  const XmlElement& element = elements_[id];
  out += '<';
  out.append(element.name);
  for (const auto& attribute : element.attributes) {
    out += ' ';
    out.append(attribute.name);
    out += "=\"";
    append_escaped(attribute.value, out, true);
    out += '"';
  }
  out += '>';
  append_content(element, escape_text, out);
  out += "</";
  out.append(element.name);
  out += '>';
}

std::string XmlDocument::inner_text(ElementId id) const {
  const XmlElement& element = elements_[id];
  if (element.children.empty()) return element.text;
  std::string out;
  std::size_t written = 0;
  for (const XmlChild& child : element.children) {
    out.append(std::string_view(element.text).substr(written, child.text_offset - written));
    written = child.text_offset;
    out += inner_text(child.element);
  }
  out.append(std::string_view(element.text).substr(written));
  return out;
}

// Receives libxml2's SAX2 events and grows the XmlDocument. One per parse.
class XmlStreamReader {
 public:
  XmlStreamReader(const XmlStreamOptions& options,
                  const std::function<void(const XmlDocument&, ElementId)>& on_entry)
      : options_(options), on_entry_(on_entry) {
    result_.document.bases_.push_back(options.base_url);
  }

  Result<XmlStreamResult> read(std::string_view utf8);

 private:
  static XmlStreamReader& self(void* user_data) { return *static_cast<XmlStreamReader*>(user_data); }

  // libxml2 drops every entity reference (even &amp;) once it has seen any
  // well-formedness error. We keep our own list of problems, so the flag is
  // reset at every event and recovery keeps the text it can.
  void keep_reading() { context_->wellFormed = 1; }

  static void on_start(void* user_data, const xmlChar* local_name, const xmlChar* prefix,
                       const xmlChar* uri, int namespace_count, const xmlChar** namespaces,
                       int attribute_count, int, const xmlChar** attributes);
  static void on_end(void* user_data, const xmlChar* local_name, const xmlChar* prefix,
                     const xmlChar*);
  static bool has_qualified_name(const XmlElement& element, std::string_view name);
  void close_current();
  static void on_characters(void* user_data, const xmlChar* text, int length);
  static xmlEntityPtr on_get_entity(void* user_data, const xmlChar* name);
  static void on_internal_subset(void* user_data, const xmlChar* name, const xmlChar* public_id,
                                 const xmlChar* system_id);
  static void on_error(void* user_data, xmlError* error);

  void add_problem(std::string problem) {
    if (result_.problems.size() < 100) result_.problems.push_back(std::move(problem));
  }
  void add_limit_hit(const std::string& problem) {
    add_problem(problem);
    result_.limits_hit.push_back(problem);
  }

  const XmlStreamOptions& options_;
  const std::function<void(const XmlDocument&, ElementId)>& on_entry_;
  XmlStreamResult result_;
  xmlParserCtxt* context_ = nullptr;
  ElementId current_ = kNoElement;
  ElementId entry_ = kNoElement;
  bool root_seen_ = false;
  bool root_closed_ = false;
  bool text_cut_reported_ = false;
  std::optional<Error> first_fatal_;
  std::optional<std::string> mismatched_end_name_;  // the end tag libxml2 just refused
};

void XmlStreamReader::on_start(void* user_data, const xmlChar* local_name, const xmlChar* prefix,
                               const xmlChar* uri, int namespace_count,
                               const xmlChar** namespaces, int attribute_count, int,
                               const xmlChar** attributes) {
  XmlStreamReader& reader = self(user_data);
  reader.keep_reading();
  XmlDocument& document = reader.result_.document;
  if (reader.root_closed_) return;  // garbage after the root: already reported by libxml2
  if (reader.current_ != kNoElement &&
      document.elements_[reader.current_].depth + 1 >= kMaxDepth) {
    // No feed nests this deep; a document that does is an attack on the
    // stack and on the time spent matching end tags.
    reader.add_limit_hit("line " + std::to_string(xmlSAX2GetLineNumber(reader.context_)) +
                       ": elements nested deeper than " + std::to_string(kMaxDepth) +
                       "; the rest of the document was not read");
    xmlStopParser(reader.context_);
    return;
  }
  for (int i = 0; i < namespace_count && document.declared_namespaces_.size() < 64; ++i) {
    document.declared_namespaces_.push_back({std::string(view(namespaces[2 * i])),
                                             std::string(view(namespaces[2 * i + 1])),
                                             reader.current_ == kNoElement});
  }
  const ElementId id = document.add_element(static_cast<std::size_t>(attribute_count));
  XmlElement& element = document.elements_[id];
  element.namespace_uri = view(uri);
  element.name = view(local_name);
  element.prefix = view(prefix);
  element.parent = reader.current_;
  std::string_view xml_base;
  for (int i = 0; i < attribute_count; ++i) {
    const xmlChar** attribute = attributes + 5 * i;  // local name, prefix, URI, value, value end
    XmlAttribute& added = element.attributes[static_cast<std::size_t>(i)];
    added.name = view(attribute[0]);
    added.namespace_uri = view(attribute[2]);
    added.value.assign(reinterpret_cast<const char*>(attribute[3]),
                       static_cast<std::size_t>(attribute[4] - attribute[3]));
    if (added.namespace_uri == kXmlNamespace && added.name == "base") xml_base = added.value;
  }
  if (reader.current_ != kNoElement) {
    XmlElement& parent = document.elements_[reader.current_];
    element.depth = parent.depth + 1;
    element.base = parent.base;
    parent.children.push_back({id, parent.text.size()});
  } else {
    reader.root_seen_ = true;
  }
  if (!xml_base.empty()) {
    // XML Base §4.2: a relative xml:base is resolved against the base in force.
    std::string resolved = resolve_url(document.bases_[element.base], xml_base);
    element.base = static_cast<std::uint32_t>(document.bases_.size());
    document.bases_.push_back(std::move(resolved));
  }
  reader.current_ = id;
  if (reader.entry_ == kNoElement && reader.options_.is_entry &&
      reader.options_.is_entry(element)) {
    reader.entry_ = id;
  }
}

bool XmlStreamReader::has_qualified_name(const XmlElement& element, std::string_view name) {
  if (element.prefix.empty()) return element.name == name;
  return name.size() == element.prefix.size() + 1 + element.name.size() &&
         name.starts_with(element.prefix) && name[element.prefix.size()] == ':' &&
         name.ends_with(element.name);
}

void XmlStreamReader::close_current() {
  XmlDocument& document = result_.document;
  const ElementId id = current_;
  current_ = document.elements_[id].parent;
  if (current_ == kNoElement) root_closed_ = true;
  if (id != entry_) return;
  ++result_.entries_seen;
  on_entry_(document, id);
  // The entry and everything in it were the last elements added: forget them.
  if (current_ != kNoElement) document.elements_[current_].children.pop_back();
  document.drop_elements_from(id);
  entry_ = kNoElement;
}

void XmlStreamReader::on_end(void* user_data, const xmlChar* local_name, const xmlChar* prefix,
                             const xmlChar*) {
  XmlStreamReader& reader = self(user_data);
  reader.keep_reading();
  // libxml2 recovers from a mismatched end tag by closing its innermost
  // element, whatever the tag said: one stray </b> would then nest every
  // later item inside the first. Close up to the element the tag names
  // instead (as HTML parsers do), and ignore a tag that names none.
  std::string name;
  if (reader.mismatched_end_name_) {
    name = std::move(*reader.mismatched_end_name_);
    reader.mismatched_end_name_.reset();
  } else {
    name = prefix ? std::string(view(prefix)) + ":" + std::string(view(local_name))
                  : std::string(view(local_name));
  }
  const XmlDocument& document = reader.result_.document;
  ElementId target = reader.current_;
  while (target != kNoElement && !has_qualified_name(document.elements_[target], name)) {
    target = document.elements_[target].parent;
  }
  if (target == kNoElement) return;
  while (true) {
    const ElementId closing = reader.current_;
    reader.close_current();
    if (closing == target) break;
  }
}

void XmlStreamReader::on_characters(void* user_data, const xmlChar* text, int length) {
  XmlStreamReader& reader = self(user_data);
  reader.keep_reading();
  if (reader.current_ == kNoElement) return;
  std::string& target = reader.result_.document.elements_[reader.current_].text;
  std::size_t room = reader.options_.max_text_bytes > target.size()
                         ? reader.options_.max_text_bytes - target.size()
                         : 0;
  std::size_t take = static_cast<std::size_t>(length);
  if (take > room) {
    take = room;
    if (!reader.text_cut_reported_) {
      reader.text_cut_reported_ = true;
      reader.add_limit_hit("line " + std::to_string(xmlSAX2GetLineNumber(reader.context_)) +
                         ": element text longer than " +
                         std::to_string(reader.options_.max_text_bytes) + " bytes was cut");
    }
  }
  target.append(reinterpret_cast<const char*>(text), take);
}

xmlEntityPtr XmlStreamReader::on_get_entity(void* user_data, const xmlChar*) {
  // Declared entities are never expanded: that closes the door on external
  // entities (XXE) and on exponential expansion (billion laughs). HTML's
  // named entities were already turned into characters before parsing.
  self(user_data).keep_reading();
  return nullptr;
}

void XmlStreamReader::on_internal_subset(void* user_data, const xmlChar* name,
                                         const xmlChar* public_id, const xmlChar* system_id) {
  XmlStreamReader& reader = self(user_data);
  reader.result_.document.doctype_ = std::string(view(name)) + " " + std::string(view(public_id)) +
                                     " " + std::string(view(system_id));
}

void XmlStreamReader::on_error(void* user_data, xmlError* error) {
  XmlStreamReader& reader = self(user_data);
  std::string message = error->message ? error->message : "unknown XML error";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (error->code == XML_ERR_TAG_NAME_MISMATCH && error->str2) {
    reader.mismatched_end_name_ = error->str2;
  }
  // Kept for the failure message in case no element can be read at all.
  if (!reader.root_seen_ && !reader.first_fatal_) {
    reader.first_fatal_ = Error(ErrorCode::kParse, reader.options_.source_name + ":" +
                                                       std::to_string(error->line) + ":" +
                                                       std::to_string(error->int2) + ": " + message);
  }
  reader.add_problem("line " + std::to_string(error->line) + ": " + message);
}

Result<XmlStreamResult> XmlStreamReader::read(std::string_view utf8) {
  xmlSAXHandler handler{};
  handler.initialized = XML_SAX2_MAGIC;
  handler.startElementNs = &XmlStreamReader::on_start;
  handler.endElementNs = &XmlStreamReader::on_end;
  handler.characters = &XmlStreamReader::on_characters;
  handler.cdataBlock = &XmlStreamReader::on_characters;
  handler.getEntity = &XmlStreamReader::on_get_entity;
  handler.internalSubset = &XmlStreamReader::on_internal_subset;
  handler.serror = &XmlStreamReader::on_error;
  // No entityDecl, externalSubset or resolveEntity: declarations are ignored
  // and nothing outside the document is ever loaded.

  const std::size_t first = std::min(utf8.size(), kChunkBytes);
  std::unique_ptr<xmlParserCtxt, ParserContextFree> context(xmlCreatePushParserCtxt(
      &handler, this, utf8.data(), static_cast<int>(first), options_.source_name.c_str()));
  if (!context) return make_error(ErrorCode::kInternal, "cannot create an XML parser");
  context_ = context.get();
  // NOENT only makes libxml2 copy the five predefined entities into
  // attribute values as characters; no other entity is known to it.
  xmlCtxtUseOptions(context_, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOENT |
                                  XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA |
                                  XML_PARSE_COMPACT);
  xmlSwitchEncoding(context_, XML_CHAR_ENCODING_UTF8);
  for (std::size_t offset = first; offset < utf8.size(); offset += kChunkBytes) {
    const std::size_t size = std::min(kChunkBytes, utf8.size() - offset);
    xmlParseChunk(context_, utf8.data() + offset, static_cast<int>(size), 0);
    if (context_->instate == XML_PARSER_EOF) break;
  }
  xmlParseChunk(context_, nullptr, 0, 1);
  // A document cut short still yields the entry it was in the middle of.
  while (current_ != kNoElement) close_current();
  if (!root_seen_) {
    if (first_fatal_) return std::unexpected(*first_fatal_);
    return make_error(ErrorCode::kParse, options_.source_name + ": no XML element found");
  }
  // The interned names live in the parser's dictionary: keep it alive with
  // the document by taking a reference before the context goes.
  result_.document.dictionary_ = std::shared_ptr<void>(
      context_->dict, [](void* dictionary) { xmlDictFree(static_cast<xmlDictPtr>(dictionary)); });
  xmlDictReference(context_->dict);
  return std::move(result_);
}

Result<XmlStreamResult> read_xml_stream(
    std::string_view utf8, const XmlStreamOptions& options,
    const std::function<void(const XmlDocument&, ElementId)>& on_entry) {
  XmlStreamReader reader(options, on_entry);
  return reader.read(utf8);
}

}  // namespace newsvault::feed
