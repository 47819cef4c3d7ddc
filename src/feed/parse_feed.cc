#include <cstdlib>
#include <functional>
#include <optional>
#include <utility>

#include "feed/encoding.h"
#include "feed/feed.h"
#include "feed/feed_text.h"
#include "feed/json_feed.h"
#include "feed/reference_repair.h"
#include "feed/xml_feed_mapper.h"
#include "feed/xml_stream.h"

namespace newsvault::feed {

std::string_view format_name(FeedFormat format) {
  switch (format) {
    case FeedFormat::kUnknown: return "";
    case FeedFormat::kRss090: return "rss090";
    case FeedFormat::kRss091Netscape: return "rss091n";
    case FeedFormat::kRss091Userland: return "rss091u";
    case FeedFormat::kRss092: return "rss092";
    case FeedFormat::kRss093: return "rss093";
    case FeedFormat::kRss094: return "rss094";
    case FeedFormat::kRss20: return "rss20";
    case FeedFormat::kRss: return "rss";
    case FeedFormat::kRss10: return "rss10";
    case FeedFormat::kAtom03: return "atom03";
    case FeedFormat::kAtom10: return "atom10";
    case FeedFormat::kAtom: return "atom";
    case FeedFormat::kJsonFeed10: return "json1";
    case FeedFormat::kJsonFeed11: return "json11";
  }
  return "";
}

std::string_view Extension::attribute(std::string_view attribute_name) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute_name) return value;
  }
  return {};
}

const Extension* Entry::find_extension(std::string_view namespace_uri,
                                       std::string_view extension_name) const {
  for (const Extension& extension : extensions) {
    if (extension.name == extension_name && extension.namespace_uri == namespace_uri) {
      return &extension;
    }
  }
  return nullptr;
}

namespace {

bool use_fast_reader(const ParseOptions& options) {
  if (options.xml_reader == XmlReader::kLibxml2) return false;
  const char* forced = std::getenv("NEWSVAULT_XML_READER");
  return forced == nullptr || std::string_view(forced) != "libxml2";
}

Result<Feed> parse_xml_feed(std::string_view bytes, const ParseOptions& options) {
  // Valid UTF-8 (nearly every feed) is read where it lies, not copied.
  auto decoded =
      decode_xml_document(bytes, options.http_content_type, CopyPolicy::kViewWhenUnchanged);
  if (!decoded) {
    return make_error(decoded.error().code(), options.source_name + ": " + decoded.error().message());
  }
  Feed feed;
  feed.encoding = decoded->encoding;
  feed.problems = std::move(decoded->problems);
  const std::optional<std::string> repaired = repair_references(decoded->text(), feed.problems);
  if (repaired) decoded->utf8 = std::string();  // only the mended copy is read from here on
  const std::string_view xml = repaired ? std::string_view(*repaired) : decoded->text();

  const XmlFeedMapper mapper(options, feed.encoding == "utf-8");
  XmlStreamOptions stream_options;
  stream_options.source_name = options.source_name;
  stream_options.max_text_bytes = options.max_text_bytes;
  stream_options.is_entry = &XmlFeedMapper::is_entry;
  std::size_t dropped_entries = 0;
  const std::function<void(const XmlDocument&, ElementId)> on_entry =
      [&](const XmlDocument& document, ElementId entry) {
        if (feed.entries.size() >= options.max_entries) {
          ++dropped_entries;
          return;
        }
        feed.entries.push_back(mapper.map_entry(document, entry));
      };
  std::optional<XmlStreamResult> streamed;
  if (use_fast_reader(options)) {
    streamed = read_xml_fast(xml, stream_options, on_entry);
    if (!streamed) {
      // Not a document the fast reader vouches for: start over with libxml2.
      feed.entries.clear();
      dropped_entries = 0;
    }
  }
  if (!streamed) {
    auto recovered = read_xml_stream(xml, stream_options, on_entry);
    if (!recovered) return std::unexpected(recovered.error());
    streamed = std::move(*recovered);
  }
  for (std::string& problem : streamed->problems) feed.problems.push_back(std::move(problem));
  feed.limits_hit = std::move(streamed->limits_hit);
  if (dropped_entries > 0) {
    feed.problems.push_back("more than " + std::to_string(options.max_entries) + " entries; the other " +
                            std::to_string(dropped_entries) + " were dropped");
    feed.limits_hit.push_back(feed.problems.back());
  }
  mapper.map_feed(streamed->document, feed);
  if (feed.format == FeedFormat::kUnknown && feed.entries.empty()) {
    const XmlElement& root = streamed->document.element(streamed->document.root());
    feed.problems.insert(feed.problems.begin(),
                         "not a feed: the root element is <" + std::string(root.name) + ">");
  }
  return feed;
}

}  // namespace

Result<Feed> parse_feed(std::string_view bytes, const ParseOptions& given_options) {
  ParseOptions options = given_options;
  if (options.source_name.empty()) {
    options.source_name = options.base_url.empty() ? "<feed>" : options.base_url;
  }
  if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return make_error(ErrorCode::kParse, options.source_name + ": the document is empty");
  }
  // The format comes from the content, never from a file name or a label.
  Result<Feed> feed = looks_like_json(bytes) ? parse_json_feed(bytes, options)
                                             : parse_xml_feed(bytes, options);
  // One cleaning for every format: a JSON Feed's strings may hold what
  // XML cannot (\u0000, \u001b), and no format keeps a title to one line.
  if (feed) clean_feed_text(*feed);
  return feed;
}

}  // namespace newsvault::feed
