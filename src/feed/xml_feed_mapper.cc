#include "feed/xml_feed_mapper.h"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "feed/feed_text.h"

namespace newsvault::feed {
namespace {

enum class Vocabulary {
  kCore, kContent, kDublinCore, kDcTerms, kMedia, kItunes, kXhtml, kSyndication, kOther
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower_ascii(x) == lower_ascii(y);
         });
}

bool icontains(std::string_view text, std::string_view part) {
  if (part.size() > text.size()) return false;
  for (std::size_t i = 0; i + part.size() <= text.size(); ++i) {
    if (iequals(text.substr(i, part.size()), part)) return true;
  }
  return false;
}

constexpr std::string_view kRss090Namespace = "http://my.netscape.com/rdf/simple/0.9/";
constexpr std::string_view kRss10Namespace = "http://purl.org/rss/1.0/";
constexpr std::string_view kAtom10Namespace = "http://www.w3.org/2005/Atom";
constexpr std::string_view kSyndicationNamespace = "http://purl.org/rss/1.0/modules/syndication/";

Vocabulary vocabulary_of(std::string_view uri) {
  if (uri.empty()) return Vocabulary::kCore;
  // The usual spellings first: one comparison each, where the loose
  // matching below costs a case-folding pass per candidate. Each gives
  // what the loose matching would.
  static constexpr std::pair<std::string_view, Vocabulary> kExact[] = {
      {"http://purl.org/dc/elements/1.1/", Vocabulary::kDublinCore},
      {"http://purl.org/rss/1.0/modules/content/", Vocabulary::kContent},
      {"http://search.yahoo.com/mrss/", Vocabulary::kMedia},
      {kAtom10Namespace, Vocabulary::kCore},
      {"http://www.itunes.com/dtds/podcast-1.0.dtd", Vocabulary::kItunes},
      {kRss10Namespace, Vocabulary::kCore},
      {"http://www.w3.org/1999/xhtml", Vocabulary::kXhtml},
      {"http://purl.org/dc/terms/", Vocabulary::kDcTerms},
      {kSyndicationNamespace, Vocabulary::kSyndication},
  };
  for (const auto& [spelling, vocabulary] : kExact) {
    if (uri == spelling) return vocabulary;
  }
  // The namespaces RSS and Atom have gone by; matched without regard to
  // case, as publishers spell them loosely.
  static constexpr std::string_view kCore[] = {
      kRss10Namespace, kRss090Namespace, kAtom10Namespace,
      "http://purl.org/atom/ns#",  // Atom 0.3
      "http://blogs.law.harvard.edu/tech/rss", "http://purl.org/rss/1.0/modules/rss091#"};
  for (std::string_view core : kCore) {
    if (iequals(uri, core)) return Vocabulary::kCore;
  }
  if (icontains(uri, "backend.userland.com/rss")) return Vocabulary::kCore;
  if (iequals(uri, "http://purl.org/rss/1.0/modules/content/")) return Vocabulary::kContent;
  if (iequals(uri, "http://purl.org/dc/elements/1.1/") ||
      iequals(uri, "http://purl.org/dc/elements/1.0/")) {
    return Vocabulary::kDublinCore;
  }
  if (iequals(uri, "http://purl.org/dc/terms/")) return Vocabulary::kDcTerms;
  if (iequals(uri, kSyndicationNamespace)) return Vocabulary::kSyndication;
  if (icontains(uri, "search.yahoo.com/mrss")) return Vocabulary::kMedia;
  if (iequals(uri, "http://www.itunes.com/dtds/podcast-1.0.dtd")) return Vocabulary::kItunes;
  if (iequals(uri, "http://www.w3.org/1999/xhtml")) return Vocabulary::kXhtml;
  return Vocabulary::kOther;
}

// Attribute names in feeds come in any case ("isPermaLink", "ispermalink").
const std::string* attribute_any_case(const XmlElement& element, std::string_view name) {
  for (const auto& attribute : element.attributes) {
    if (attribute.namespace_uri.empty() && iequals(attribute.name, name)) return &attribute.value;
  }
  return nullptr;
}

// A whole number of at most nine digits ("60", " 2 "), or nullopt.
std::optional<int> small_number(std::string_view text) {
  text = trim_ascii(text);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.size() > 9) return std::nullopt;
  return value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<std::int64_t> parse_length(const std::string* text) {
  if (!text) return std::nullopt;
  const std::string_view trimmed = trim_text(*text);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (error != std::errc() || end != trimmed.data() + trimmed.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::optional<int> parse_int(const std::string* text) {
  auto value = parse_length(text);
  if (!value || *value > INT32_MAX) return std::nullopt;
  return static_cast<int>(*value);
}

bool is_html_type(std::string_view type) {
  return type == "text/html" || type == "application/xhtml+xml" || type == "html" ||
         type == "xhtml";
}

// A category as feedparser keys it: the same term under two schemes is two tags.
struct Tag {
  std::string term;
  std::string scheme;
  std::string label;
  bool operator==(const Tag&) const = default;
};

// The state of reading one entry: which fields were set, and how deep in
// the entry's tree, so that an outer value is not overwritten by a nested
// one (a media:title inside media:content is not the entry's title).
class EntryReader {
 public:
  EntryReader(const XmlFeedMapper& mapper, const XmlDocument& document, ElementId entry,
              const std::function<std::string(ElementId)>& text,
              const std::function<std::string(ElementId)>& content,
              std::chrono::minutes default_offset)
      : document_(document),
        entry_depth_(document.element(entry).depth),
        text_(text),
        content_(content),
        default_offset_(default_offset) {
    (void)mapper;
    const XmlElement& element = document.element(entry);
    // RSS 1.0 §5.5: rdf:about is the item's URI, its identity.
    if (const std::string* about =
            element.attribute("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "about")) {
      entry_.id = std::string(trim_text(*about));
    }
  }

  Entry read(ElementId entry) {
    for (const XmlChild& child : document_.element(entry).children) visit(child.element);
    for (const Tag& tag : tags_) {
      if (!tag.term.empty()) entry_.tags.push_back(tag.term);
    }
    // Media RSS: with no summary of its own (a video feed), the entry's
    // summary is its media's description. Never its content: a caption is
    // not the article.
    for (Media& media : entry_.media) {
      if (media.description.empty()) media.description = media_description_;
    }
    if (!summary_set_) {
      for (const Media& media : entry_.media) {
        if (media.description.empty()) continue;
        entry_.summary = media.description;
        break;
      }
      if (entry_.summary.empty()) entry_.summary = media_description_;
    }
    return std::move(entry_);
  }

 private:
  int depth_of(const XmlElement& element) const {
    return static_cast<int>(element.depth - entry_depth_);
  }

  void visit(ElementId id) {
    const XmlElement& element = document_.element(id);
    if (handle(id, element)) {
      for (const XmlChild& child : element.children) visit(child.element);
    }
  }

  // Maps one element; returns whether its children should be visited too.
  bool handle(ElementId id, const XmlElement& element) {
    const std::string_view name = element.name;
    switch (vocabulary_of(element.namespace_uri)) {
      case Vocabulary::kCore:
        if (name == "title") return set_title(id, element), false;
        if (name == "link") return read_link(id, element), false;
        if (name == "guid" || name == "id") return read_id(id, element), false;
        if (name == "pubDate" || name == "published" || name == "issued") {
          return entry_.published = date_of(id), false;
        }
        if (name == "updated" || name == "modified" || name == "lastBuildDate") {
          return entry_.updated = date_of(id), false;
        }
        if (name == "author" || name == "managingEditor") return read_author(id, element), false;
        if (name == "category" || name == "keywords") return read_category(id, element), false;
        if (name == "description") return read_summary(id, element), false;
        if (name == "summary") return read_summary(id, element), false;
        if (name == "content" || name == "body" || name == "fullitem") {
          return read_content(id, element), false;
        }
        if (name == "enclosure") return read_enclosure(element), false;
        // An Atom or RSS source element describes another feed: none of
        // its fields are the entry's.
        if (name == "source" || name == "contributor" || name == "image" ||
            name == "textinput" || name == "textInput") {
          return false;
        }
        return true;
      case Vocabulary::kContent:
        if (name == "encoded") return read_content(id, element), false;
        break;
      case Vocabulary::kXhtml:
        if (name == "body") return read_content(id, element), false;
        return false;
      case Vocabulary::kDublinCore:
        if (name == "creator" || name == "author") read_author(id, element);
        else if (name == "date") entry_.updated = date_of(id);
        else if (name == "description") read_summary(id, element);
        else if (name == "subject") read_category(id, element);
        else if (name == "title") set_title(id, element);
        break;
      case Vocabulary::kDcTerms:
        if (name == "issued") entry_.published = date_of(id);
        else if (name == "modified") entry_.updated = date_of(id);
        break;
      case Vocabulary::kMedia:
        if (name == "content" || name == "thumbnail") {
          read_media(element);
          keep_extension(id, element);
          return true;  // its media:keywords and media:category are the entry's too
        }
        else if (name == "category") read_category(id, element);
        else if (name == "keywords") read_keywords(id);
        else if (name == "title") set_title(id, element);
        else if (name == "description" && depth_of(element) == 1 && media_description_.empty()) {
          media_description_ = text_(id);
        }
        else if (name == "group") {
          keep_extension(id, element);
          return true;
        }
        break;
      case Vocabulary::kItunes:
        if (name == "author") read_author(id, element);
        else if (name == "summary") read_summary(id, element);
        else if (name == "keywords") read_keywords(id);
        else if (name == "category") {
          if (const std::string* text = element.attribute("text")) add_tag({*text, "http://www.itunes.com/", ""});
        }
        break;
      case Vocabulary::kSyndication:
      case Vocabulary::kOther:
        break;
    }
    keep_extension(id, element);
    return false;
  }

  void keep_extension(ElementId id, const XmlElement& element) {
    Extension& extension = entry_.extensions.emplace_back();
    extension.namespace_uri = element.namespace_uri;
    extension.name = element.name;
    extension.value = text_(id);
    for (const auto& attribute : element.attributes) {
      extension.attributes.emplace_back(attribute.name, attribute.value);
    }
  }

  std::optional<Timestamp> date_of(ElementId id) const {
    return parse_date(text_(id), default_offset_);
  }

  // The first title at the shallowest depth wins.
  void set_title(ElementId id, const XmlElement& element) {
    const int depth = depth_of(element);
    if (title_depth_ != -1 && title_depth_ <= depth) return;
    std::string value = content_(id);
    if (value.empty()) return;
    entry_.title = std::move(value);
    title_depth_ = depth;
  }

  void read_link(ElementId id, const XmlElement& element) {
    const std::string* href = element.attribute("href");
    if (!href) {
      std::string value = text_(id);
      if (!value.empty()) value = resolve_url(document_.base_of(element), value);
      entry_.link = std::move(value);
      link_set_ = true;
      return;
    }
    const std::string* rel_attribute = element.attribute("rel");
    const std::string rel = rel_attribute ? lower(trim_text(*rel_attribute)) : "alternate";
    const std::string* type_attribute = element.attribute("type");
    const std::string url = resolve_url(document_.base_of(element), *href);
    if (rel == "enclosure") {
      entry_.enclosures.push_back(
          {url, type_attribute ? std::string(trim_text(*type_attribute)) : "text/html",
           parse_length(element.attribute("length"))});
      return;
    }
    const std::string type = type_attribute ? lower(trim_text(*type_attribute)) : "text/html";
    if (rel == "alternate" && is_html_type(type)) {
      entry_.link = url;
      link_set_ = true;
    }
  }

  // RSS 2.0: a guid is the item's permalink unless isPermaLink="false".
  void read_id(ElementId id, const XmlElement& element) {
    const std::string* permalink = attribute_any_case(element, "isPermaLink");
    const bool is_link = !permalink || *permalink == "true";
    std::string value = text_(id);
    if (is_link && !value.empty()) value = resolve_url(document_.base_of(element), value);
    if (is_link && !link_set_ && !value.empty()) {
      entry_.link = value;
      link_set_ = true;
    }
    const int depth = depth_of(element);
    if (id_depth_ == -1 || depth <= id_depth_) {
      entry_.id = std::move(value);
      id_depth_ = depth;
    }
  }

  void read_author(ElementId id, const XmlElement& element) {
    if (!entry_.author.empty()) return;  // the first author is the entry's author
    std::string name;
    std::string email;
    bool structured = false;
    for (const XmlChild& child : element.children) {
      const XmlElement& part = document_.element(child.element);
      if (part.name == "name") name = text_(child.element), structured = true;
      else if (part.name == "email") email = text_(child.element), structured = true;
    }
    entry_.author = structured ? (!name.empty() ? name : email) : text_(id);
  }

  void add_tag(Tag tag) {
    if (tag.term.empty() && tag.scheme.empty() && tag.label.empty()) return;
    if (std::find(tags_.begin(), tags_.end(), tag) == tags_.end()) tags_.push_back(std::move(tag));
  }

  // Atom: term attribute; RSS: the text, with domain as the scheme.
  void read_category(ElementId id, const XmlElement& element) {
    auto attribute_text = [&](std::string_view name) {
      const std::string* value = element.attribute(name);
      return value ? std::string(trim_text(*value)) : std::string();
    };
    std::string scheme = attribute_text("scheme");
    if (scheme.empty()) scheme = attribute_text("domain");
    Tag from_attributes{attribute_text("term"), scheme, attribute_text("label")};
    const bool added = !(from_attributes.term.empty() && from_attributes.scheme.empty() &&
                         from_attributes.label.empty());
    add_tag(from_attributes);
    std::string value = text_(id);
    if (value.empty()) return;
    if (added && !tags_.empty() && tags_.back().term.empty()) {
      tags_.back().term = std::move(value);
    } else {
      add_tag({std::move(value), "", ""});
    }
  }

  void read_keywords(ElementId id) {
    const std::string value = text_(id);
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      const std::string_view term = trim_text(std::string_view(value).substr(start, comma - start));
      if (!term.empty()) add_tag({std::string(term), "", ""});
      start = comma + 1;
    }
  }

  // A second summary-like element after the first, with no content yet,
  // holds the full text: feeds put the long form there.
  void read_summary(ElementId id, const XmlElement& element) {
    if (summary_set_ && !has_content_) {
      read_content(id, element);
      return;
    }
    const int depth = depth_of(element);
    if (summary_depth_ != -1 && depth > summary_depth_) return;
    entry_.summary = content_(id);
    summary_depth_ = depth;
    summary_set_ = true;
  }

  void read_content(ElementId id, const XmlElement& element) {
    has_content_ = true;
    const std::string* type = element.attribute("type");
    const std::string content_type = type ? lower(trim_text(*type)) : "text";
    // With only a full text, the entry's summary is that text.
    const bool is_summary = !summary_set_ && (content_type == "text" ||
                                              content_type == "text/plain" ||
                                              is_html_type(content_type));
    if (content_set_ && !is_summary) return;
    std::string value = content_(id);
    if (!content_set_) {
      content_set_ = true;
      if (!is_summary) {
        entry_.content = std::move(value);
        return;
      }
      entry_.content = value;
    }
    entry_.summary = std::move(value);
    summary_set_ = true;
    summary_depth_ = depth_of(element);
  }

  void read_enclosure(const XmlElement& element) {
    const std::string* url = element.attribute("url");
    if (!url) url = element.attribute("href");
    if (!url) url = element.attribute("uri");
    const std::string* type = element.attribute("type");
    if (!url && !type) return;
    entry_.enclosures.push_back({url ? resolve_url(document_.base_of(element), *url) : "",
                                 type ? std::string(trim_text(*type)) : "",
                                 parse_length(element.attribute("length"))});
  }

  void read_media(const XmlElement& element) {
    Media& media = entry_.media.emplace_back();
    media.kind = element.name == "thumbnail" ? Media::Kind::kThumbnail : Media::Kind::kContent;
    if (const std::string* url = element.attribute("url")) {
      media.url = resolve_url(document_.base_of(element), *url);
    }
    if (const std::string* type = element.attribute("type")) media.type = trim_text(*type);
    if (const std::string* medium = element.attribute("medium")) media.medium = trim_text(*medium);
    media.width = parse_int(element.attribute("width"));
    media.height = parse_int(element.attribute("height"));
    // media:description belongs to its media:content, or to the whole group.
    auto description_in = [&](const XmlElement& holder) -> std::string {
      for (const XmlChild& child : holder.children) {
        const XmlElement& part = document_.element(child.element);
        if (part.name == "description" && vocabulary_of(part.namespace_uri) == Vocabulary::kMedia) {
          return text_(child.element);
        }
      }
      return {};
    };
    media.description = description_in(element);
    if (media.description.empty() && element.parent != kNoElement) {
      const XmlElement& parent = document_.element(element.parent);
      if (parent.name == "group") media.description = description_in(parent);
    }
  }

  const XmlDocument& document_;
  const std::uint32_t entry_depth_;
  const std::function<std::string(ElementId)>& text_;
  const std::function<std::string(ElementId)>& content_;
  const std::chrono::minutes default_offset_;
  Entry entry_;
  std::vector<Tag> tags_;
  std::string media_description_;  // a media:description outside any media:content
  int title_depth_ = -1;
  int id_depth_ = -1;
  int summary_depth_ = -1;
  bool summary_set_ = false;
  bool content_set_ = false;
  bool has_content_ = false;
  bool link_set_ = false;
};

FeedFormat format_from_namespaces(const XmlDocument& document, bool root_only) {
  for (const auto& declared : document.declared_namespaces()) {
    if (root_only && !declared.on_root) continue;
    if (declared.prefix.empty() && iequals(declared.uri, kRss090Namespace)) return FeedFormat::kRss090;
    if (iequals(declared.uri, kRss10Namespace)) return FeedFormat::kRss10;
    if (iequals(declared.uri, kAtom10Namespace)) return FeedFormat::kAtom10;
  }
  return FeedFormat::kUnknown;
}

bool is_rss_format(FeedFormat format) {
  switch (format) {
    case FeedFormat::kRss090: case FeedFormat::kRss091Netscape: case FeedFormat::kRss091Userland:
    case FeedFormat::kRss092: case FeedFormat::kRss093: case FeedFormat::kRss094:
    case FeedFormat::kRss20: case FeedFormat::kRss: case FeedFormat::kRss10:
      return true;
    default:
      return false;
  }
}

// What feedparser calls the document, so that tools comparing versions agree.
FeedFormat detect_format(const XmlDocument& document) {
  const XmlElement& root = document.element(document.root());
  if (root.name == "rss") {
    if (icontains(document.doctype(), "netscape")) return FeedFormat::kRss091Netscape;
    const FeedFormat declared = format_from_namespaces(document, true);
    if (is_rss_format(declared)) return declared;
    const std::string* version_attribute = root.attribute("version");
    const std::string_view version = version_attribute ? trim_text(*version_attribute) : "";
    if (version == "0.91") return FeedFormat::kRss091Userland;
    if (version == "0.92") return FeedFormat::kRss092;
    if (version == "0.93") return FeedFormat::kRss093;
    if (version == "0.94") return FeedFormat::kRss094;
    if (version.starts_with("2.")) return FeedFormat::kRss20;
    return FeedFormat::kRss;
  }
  if (root.name == "feed") {
    const FeedFormat declared = format_from_namespaces(document, true);
    if (declared != FeedFormat::kUnknown) return declared;
    const std::string* version = root.attribute("version");
    if (version && trim_text(*version) == "0.3") return FeedFormat::kAtom03;
    return FeedFormat::kAtom;
  }
  return format_from_namespaces(document, false);
}

// A document of no known version still counts as a feed when its root or
// its channel is in the core vocabulary (an RDF document, a bare <channel>).
bool is_entry_container(const XmlDocument& document) {
  const XmlElement& root = document.element(document.root());
  if (root.name == "RDF" || root.name == "channel") return true;
  for (const XmlChild& child : root.children) {
    if (document.element(child.element).name == "channel") return true;
  }
  return false;
}

}  // namespace

bool XmlFeedMapper::is_entry(const XmlElement& element) {
  return (element.name == "item" || element.name == "entry") &&
         vocabulary_of(element.namespace_uri) == Vocabulary::kCore;
}

std::string XmlFeedMapper::text_of(const XmlDocument& document, ElementId id) const {
  return finish_text(document.inner_text(id), document_is_utf8_);
}

// The HTML (or text) a content element holds. Atom §3.1.1.3: xhtml
// content is wrapped in one div that is not part of the content.
std::string XmlFeedMapper::content_of(const XmlDocument& document, ElementId id) const {
  const XmlElement& element = document.element(id);
  const std::string* type = element.attribute("type");
  const bool xhtml = (type && (lower(trim_text(*type)) == "xhtml" ||
                               lower(trim_text(*type)) == "application/xhtml+xml")) ||
                     vocabulary_of(element.namespace_uri) == Vocabulary::kXhtml;
  if (xhtml && element.children.size() == 1 && trim_text(element.text).empty()) {
    const ElementId only = element.children.front().element;
    if (document.element(only).name == "div") {
      return finish_text(document.inner_markup(only, true), document_is_utf8_);
    }
  }
  return finish_text(document.inner_markup(id, xhtml), document_is_utf8_);
}

Entry XmlFeedMapper::map_entry(const XmlDocument& document, ElementId entry) const {
  const std::function<std::string(ElementId)> text = [&](ElementId id) {
    return text_of(document, id);
  };
  const std::function<std::string(ElementId)> content = [&](ElementId id) {
    return content_of(document, id);
  };
  EntryReader reader(*this, document, entry, text, content, options_.default_utc_offset);
  return reader.read(entry);
}

void XmlFeedMapper::map_feed(const XmlDocument& document, Feed& feed) const {
  if (document.root() == kNoElement) return;
  feed.format = detect_format(document);
  // An HTML page or other XML is not a feed: its <title> is not a feed title.
  if (feed.format == FeedFormat::kUnknown && !is_entry_container(document)) return;
  std::optional<std::string> update_period;
  int update_frequency = 0;  // 0: not given
  ElementId channel = document.root();
  for (const XmlChild& child : document.element(channel).children) {
    const XmlElement& element = document.element(child.element);
    if (element.name == "channel" && vocabulary_of(element.namespace_uri) == Vocabulary::kCore) {
      channel = child.element;
      break;
    }
  }
  bool title_set = false;
  for (const XmlChild& child : document.element(channel).children) {
    const XmlElement& element = document.element(child.element);
    const Vocabulary vocabulary = vocabulary_of(element.namespace_uri);
    const std::string_view name = element.name;
    const bool core = vocabulary == Vocabulary::kCore;
    const bool dublin_core = vocabulary == Vocabulary::kDublinCore;
    if ((core || dublin_core) && name == "title") {
      if (!title_set) {
        feed.title = content_of(document, child.element);
        title_set = !feed.title.empty();
      }
    } else if (core && name == "link") {
      const std::string* href = element.attribute("href");
      if (!href) {
        feed.link = text_of(document, child.element);
        continue;
      }
      const std::string* rel = element.attribute("rel");
      const std::string* type = element.attribute("type");
      if ((!rel || lower(trim_text(*rel)) == "alternate") &&
          (!type || is_html_type(lower(trim_text(*type))))) {
        feed.link = resolve_url(document.base_of(element), *href);
      }
    } else if ((core && (name == "description" || name == "subtitle" || name == "tagline")) ||
               (dublin_core && name == "description")) {
      feed.description = content_of(document, child.element);
    } else if ((core || dublin_core) && name == "language") {
      feed.language = text_of(document, child.element);
    } else if ((core && (name == "lastBuildDate" || name == "updated" || name == "modified")) ||
               (dublin_core && name == "date")) {
      feed.updated = parse_date(text_of(document, child.element), options_.default_utc_offset);
    } else if (core && name == "ttl") {
      if (auto minutes = small_number(text_of(document, child.element)); minutes && *minutes > 0) {
        feed.ttl = std::chrono::minutes(*minutes);
      }
    } else if (vocabulary == Vocabulary::kSyndication && name == "updatePeriod") {
      update_period = lower(trim_text(text_of(document, child.element)));
    } else if (vocabulary == Vocabulary::kSyndication && name == "updateFrequency") {
      update_frequency = small_number(text_of(document, child.element)).value_or(-1);
    } else if (core && (name == "skipHours" || name == "skipDays")) {
      read_skips(document, child.element, name == "skipHours", feed);
    }
  }
  // Syndication module: updatePeriod (default daily) updateFrequency (default 1) times.
  if (update_period || update_frequency != 0) {
    static constexpr std::pair<std::string_view, long long> kPeriods[] = {
        {"hourly", 3600}, {"daily", 86400}, {"weekly", 7 * 86400}, {"monthly", 30 * 86400},
        {"yearly", 365 * 86400}};
    const std::string period = update_period.value_or("daily");
    const long long frequency = update_frequency == 0 ? 1 : update_frequency;
    for (const auto& [word, length] : kPeriods) {
      if (period == word && frequency > 0) feed.update_period = std::chrono::seconds(length / frequency);
    }
  }
}

void XmlFeedMapper::read_skips(const XmlDocument& document, ElementId list, bool hours,
                               Feed& feed) const {
  static constexpr std::string_view kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                               "thursday", "friday", "saturday"};
  std::vector<int>& skips = hours ? feed.skip_hours : feed.skip_days;
  for (const XmlChild& child : document.element(list).children) {
    const XmlElement& element = document.element(child.element);
    if (vocabulary_of(element.namespace_uri) != Vocabulary::kCore) continue;
    const std::string text = lower(trim_text(text_of(document, child.element)));
    if (hours && element.name == "hour") {
      // Some feeds write midnight as 24.
      if (auto hour = small_number(text); hour && *hour >= 0 && *hour <= 24) skips.push_back(*hour % 24);
    } else if (!hours && element.name == "day") {
      for (int day = 0; day < 7; ++day) {
        if (text == kDays[day]) skips.push_back(day);
      }
    }
  }
  std::sort(skips.begin(), skips.end());
  skips.erase(std::unique(skips.begin(), skips.end()), skips.end());
}

}  // namespace newsvault::feed
