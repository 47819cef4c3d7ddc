// Private to the feed stage: maps the element trees of RSS (0.9x, 1.0,
// 2.0) and Atom (0.3, 1.0) documents onto Feed and Entry values.
//
// Elements are matched by namespace URI and local name. RSS's and Atom's
// namespaces count as one core vocabulary (an atom:link inside an RSS item
// is a link), the way feed readers have always read them.
#ifndef NEWSVAULT_FEED_XML_FEED_MAPPER_H_
#define NEWSVAULT_FEED_XML_FEED_MAPPER_H_

#include <vector>

#include "feed/feed.h"
#include "feed/xml_stream.h"

namespace newsvault::feed {

class XmlFeedMapper {
 public:
  XmlFeedMapper(const ParseOptions& options, bool document_is_utf8)
      : options_(options), document_is_utf8_(document_is_utf8) {}

  // True for an element that opens an entry: item or entry in the core vocabulary.
  static bool is_entry(const XmlElement& element);

  // Reads one entry's tree into a new Entry.
  Entry map_entry(const XmlDocument& document, ElementId entry) const;

  // Reads what the document says of itself (version, title, link, ...) from
  // what is left once the entries were taken out.
  void map_feed(const XmlDocument& document, Feed& feed) const;

 private:
  // RSS 2.0 <skipHours> or <skipDays>: its <hour>s or <day>s into feed.
  void read_skips(const XmlDocument& document, ElementId list, bool hours, Feed& feed) const;
  std::string text_of(const XmlDocument& document, ElementId id) const;
  std::string content_of(const XmlDocument& document, ElementId id) const;

  const ParseOptions& options_;
  bool document_is_utf8_;
};

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_XML_FEED_MAPPER_H_
