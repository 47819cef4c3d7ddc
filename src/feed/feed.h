// feed: turns the bytes of a feed document into a Feed value.
//
// Reads RSS 0.90-2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0 and JSON Feed 1.0/1.1,
// in any charset a feed declares or implies, and recovers what it can from
// broken documents (undefined HTML entities, bare '&', unclosed tags, garbage
// after the root), saying so in Feed::problems. It never fetches anything:
// no DTD, no external entity, no network. Entries are built while the
// document is read, and what has been read is freed as the entries grow, so
// memory peaks at about the entries plus one copy of the document.
//
// parse_feed is a pure function over its arguments: safe to call from many
// threads at once.
#ifndef NEWSVAULT_FEED_FEED_H_
#define NEWSVAULT_FEED_FEED_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.h"

namespace newsvault::feed {

enum class FeedFormat {
  kUnknown,
  kRss090,
  kRss091Netscape,
  kRss091Userland,
  kRss092,
  kRss093,
  kRss094,
  kRss20,
  kRss,  // an <rss> root without a version we know
  kRss10,
  kAtom03,
  kAtom10,
  kAtom,  // an Atom <feed> of no version we know
  kJsonFeed10,
  kJsonFeed11,
};

// feedparser's names for the formats ("rss20", "atom10", "json11", ...), ""
// for kUnknown: the `version` of `newsvault parse --json`.
std::string_view format_name(FeedFormat format);

// One namespaced element of an entry (or of the feed), kept so that site
// adapters can read what this stage does not map itself
// (dwsyn:contentID, media:*, itunes:*, ...). Matched by namespace URI and
// local name, never by prefix.
struct Extension {
  std::string namespace_uri;
  std::string name;  // local name
  std::string value;  // text content, entities decoded
  std::vector<std::pair<std::string, std::string>> attributes;  // local name -> value

  // The attribute's value, or "" when absent.
  std::string_view attribute(std::string_view name) const;
};

struct Enclosure {
  std::string url;
  std::string type;
  std::optional<std::int64_t> length;
};

// A Media RSS item (media:content or media:thumbnail), flattened out of any
// media:group.
struct Media {
  enum class Kind { kContent, kThumbnail };
  Kind kind = Kind::kContent;
  std::string url;
  std::string type;    // MIME type, when given
  std::string medium;  // "image", "video", ...
  std::optional<int> width;
  std::optional<int> height;
  std::string description;  // media:description, or the group's
};

struct Entry {
  std::string id;    // as the source gives it: guid, atom:id, rdf:about, JSON id
  std::string title;
  std::string link;  // the alternate link, resolved against xml:base
  std::optional<Timestamp> published;
  std::optional<Timestamp> updated;
  std::string author;   // first author's name, or address where no name is given
  std::string summary;  // the short form (description, atom:summary), HTML as sent
  std::string content;  // the first full content (content:encoded, atom:content), HTML as sent
  std::vector<Enclosure> enclosures;
  std::vector<std::string> tags;
  std::vector<Media> media;
  std::vector<Extension> extensions;  // every namespaced element not mapped above, in order

  // The first extension with this namespace URI and local name, or nullptr.
  const Extension* find_extension(std::string_view namespace_uri, std::string_view name) const;
};

struct Feed {
  FeedFormat format = FeedFormat::kUnknown;
  std::string title;
  std::string link;
  std::string description;
  std::string language;
  std::optional<Timestamp> updated;
  std::vector<Entry> entries;

  // How often the feed asks to be read (the scheduler's hints): RSS 2.0
  // <ttl> (minutes it may be cached), the syndication module's
  // sy:updatePeriod divided by sy:updateFrequency ("hourly" and 2: 30
  // minutes), and RSS 2.0 <skipHours> (hours 0-23, GMT) and <skipDays>
  // (0 for Sunday to 6 for Saturday), sorted, each once. Absent or
  // unreadable: none.
  std::optional<std::chrono::minutes> ttl;
  std::optional<std::chrono::seconds> update_period;
  std::vector<int> skip_hours;
  std::vector<int> skip_days;

  std::string encoding;  // the charset the document was read in ("utf-8", "gb18030", ...)
  // What was wrong with the document and recovered from, first problem
  // first ("line 3: undefined entity &nbsp;"). Empty for a clean document:
  // feedparser calls a feed with problems "bozo".
  std::vector<std::string> problems;
  bool bozo() const { return !problems.empty(); }
  // The problems where a limit kept content out of this Feed (entries
  // beyond max_entries, text beyond max_text_bytes, elements nested beyond
  // the reader's depth limit), each also in problems. Unlike a mended
  // problem these lose content: the pipeline reports them as the feed's
  // errors.
  std::vector<std::string> limits_hit;
};

// Which XML parser reads an RSS or Atom document (JSON Feeds have their own).
enum class XmlReader {
  // pugixml first, for speed; libxml2 in recover mode whenever the document
  // is one the pugixml reader cannot vouch for (broken, or using what only
  // libxml2 reads). The Feed is the same as kLibxml2's either way.
  kAuto,
  // libxml2 only: for checking that kAuto's Feed is indeed the same.
  kLibxml2,
};

struct ParseOptions {
  // The feed's own URL, for messages and for resolving xml:base chains; may
  // be a file path or empty.
  std::string base_url;
  // The HTTP Content-Type header the document came with, or "" (a file).
  std::string http_content_type;
  // Name used in error messages ("feeds/dw.xml"); base_url when empty.
  std::string source_name;
  // Offset from UTC of dates that carry no zone.
  std::chrono::minutes default_utc_offset{0};
  // Text of any one element beyond this many bytes is cut there (with a
  // problem reported), so one hostile element cannot exhaust memory.
  std::size_t max_text_bytes = 16 * 1024 * 1024;
  // Entries beyond this many are dropped (with a problem reported). A feed
  // lists its newest stories, rarely more than a few hundred; ten thousand
  // entries is an archive dump or an attack.
  std::size_t max_entries = 10'000;
  // kAuto unless the environment says NEWSVAULT_XML_READER=libxml2, which
  // lets `newsvault parse` outputs of both readers be compared.
  XmlReader xml_reader = XmlReader::kAuto;
};

// Parses one feed document. Succeeds whenever anything can be read (the
// format, a title, an entry), with Feed::problems listing what was wrong.
// Fails with kParse ("name:line:col: cause") when nothing can be read, with
// kEncoding when the bytes fit no plausible charset.
Result<Feed> parse_feed(std::string_view bytes, const ParseOptions& options);

inline Result<Feed> parse_feed(std::string_view bytes, std::string_view base_url,
                               std::string_view http_content_type) {
  ParseOptions options;
  options.base_url = base_url;
  options.http_content_type = http_content_type;
  return parse_feed(bytes, options);
}

// --- Charsets, for the stages that read other documents (web pages) -------

// The canonical name of the charset a label names, lower case as
// Feed::encoding reports it ("gbk" -> "gb18030", "x-sjis" -> "shift_jis",
// "latin1" -> "iso-8859-1"); "" when no converter knows the label.
std::string charset_name(std::string_view label);

// `bytes` (without a BOM) read in the charset `label` names, as UTF-8, with
// the supersets parse_feed reads legacy labels with (GBK as GB18030, Big5 as
// Big5-HKSCS, Shift_JIS as CP932, ISO-8859-1 as windows-1252) and the
// characters XML 1.0 forbids removed. Strict: nullopt at the first byte
// sequence the charset does not define. Lenient: such sequences become
// U+FFFD (stray bytes in UTF-8 are read as windows-1252). nullopt too when
// the label names no charset.
enum class CharsetStrictness { kStrict, kLenient };
std::optional<std::string> convert_charset(std::string_view bytes, std::string_view label,
                                           CharsetStrictness strictness);

// The charset uchardet guesses for `bytes` ("SHIFT_JIS", "WINDOWS-1251"),
// "" when it has no guess.
std::string guess_charset(std::string_view bytes);

// The charset parameter of a Content-Type value, lower case, unquoted; ""
// when there is none.
std::string content_type_charset(std::string_view content_type);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_FEED_H_
