// Metadata in an order of trust (docs/internals/extract.md): structured data
// a publisher writes for machines (JSON-LD, schema.org) first, then the
// social cards (Open Graph, Twitter), then generic <meta> names, then what
// the page shows (<title>, <time>, bylines).
#include "extract/page_metadata.h"

#include <array>
#include <map>

#include <nlohmann/json.hpp>

#include "core/html.h"
#include "extract/body_html.h"

namespace newsvault::extract {
namespace {

using nlohmann::json;

// Runs of whitespace as one space, trimmed; character references decoded
// (sites write "&#8216;" into JSON-LD and meta content, which the HTML
// parser already decoded once: the text was escaped twice).
std::string collapse_space(std::string_view raw) {
  std::string decoded;
  if (raw.find('&') != std::string_view::npos) {
    decoded = html::text_content(html::Node::element("span", {}, html::parse_fragment(raw)));
    raw = decoded;
  }
  const std::string_view text = raw;
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// schema.org types whose JSON-LD describes the article itself.
bool is_article_type(const json& type) {
  static constexpr std::array<std::string_view, 13> kTypes = {
      "Article",           "NewsArticle",       "ReportageNewsArticle", "AnalysisNewsArticle",
      "OpinionNewsArticle", "BackgroundNewsArticle", "BlogPosting",    "LiveBlogPosting",
      "TechArticle",       "ScholarlyArticle",  "Report",               "SocialMediaPosting",
      "ReviewNewsArticle"};
  auto matches = [](const json& value) {
    if (!value.is_string()) return false;
    std::string_view name = value.get_ref<const std::string&>();
    if (const auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
    for (std::string_view type : kTypes) {
      if (name == type) return true;
    }
    return false;
  };
  if (type.is_array()) {
    for (const json& item : type) {
      if (matches(item)) return true;
    }
    return false;
  }
  return matches(type);
}

void collect_articles(const json& node, std::vector<const json*>& out, int depth) {
  if (depth > 8) return;
  if (node.is_array()) {
    for (const json& item : node) collect_articles(item, out, depth + 1);
  } else if (node.is_object()) {
    if (auto type = node.find("@type"); type != node.end() && is_article_type(*type)) {
      out.push_back(&node);
    }
    if (auto graph = node.find("@graph"); graph != node.end()) collect_articles(*graph, out, depth + 1);
    if (auto main = node.find("mainEntity"); main != node.end()) collect_articles(*main, out, depth + 1);
  }
}

std::string string_field(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end()) return "";
  if (found->is_string()) return collapse_space(found->get<std::string>());
  return "";
}

// A person or organisation, a list of them, or a bare name.
std::string names_of(const json& value) {
  if (value.is_string()) return collapse_space(value.get<std::string>());
  if (value.is_object()) return string_field(value, "name");
  if (value.is_array()) {
    std::string out;
    for (const json& item : value) {
      std::string name = names_of(item);
      if (name.empty() || out.find(name) != std::string::npos) continue;
      if (!out.empty()) out += ", ";
      out += name;
    }
    return out;
  }
  return "";
}

// An ImageObject, a URL, or a list of either: the first.
std::string image_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    std::string url = string_field(value, "url");
    return url.empty() ? string_field(value, "contentUrl") : url;
  }
  if (value.is_array() && !value.empty()) return image_of(value.front());
  return "";
}

struct JsonLdArticle {
  std::string headline, author, published, image, language, body;
};

JsonLdArticle read_json_ld(xmlNode* root) {
  JsonLdArticle article;
  for (xmlNode* script : find_all(root, "script")) {
    if (lower_ascii(attribute(script, "type")) != "application/ld+json") continue;
    xmlChar* raw = xmlNodeGetContent(script);
    if (raw == nullptr) continue;
    const std::string text(reinterpret_cast<const char*>(raw));
    xmlFree(raw);
    const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) continue;
    std::vector<const json*> found;
    collect_articles(parsed, found, 0);
    for (const json* object : found) {
      auto fill = [](std::string& field, std::string value) {
        if (field.empty()) field = std::move(value);
      };
      fill(article.headline, string_field(*object, "headline"));
      if (auto author = object->find("author"); author != object->end()) fill(article.author, names_of(*author));
      fill(article.published, string_field(*object, "datePublished"));
      if (auto image = object->find("image"); image != object->end()) fill(article.image, image_of(*image));
      fill(article.language, string_field(*object, "inLanguage"));
      if (auto body = object->find("articleBody"); body != object->end() && body->is_string()) {
        fill(article.body, body->get<std::string>());
      }
    }
  }
  return article;
}

// Every <meta> by its name, property or itemprop (lower case): the first
// content each names.
std::map<std::string, std::string> read_meta_tags(xmlNode* root) {
  std::map<std::string, std::string> tags;
  for (xmlNode* meta : find_all(root, "meta")) {
    std::string content = attribute(meta, "content");
    if (trim_ascii(content).empty()) continue;
    for (const char* key : {"property", "name", "itemprop", "http-equiv"}) {
      const std::string name = lower_ascii(trim_ascii(attribute(meta, key)));
      if (!name.empty()) tags.emplace(name, collapse_space(content));
    }
  }
  return tags;
}

std::string first_of(const std::map<std::string, std::string>& tags,
                     std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (auto found = tags.find(std::string(name)); found != tags.end()) return found->second;
  }
  return "";
}

bool looks_like_url(std::string_view text) {
  return text.starts_with("http://") || text.starts_with("https://") || text.starts_with("/");
}

// A byline the page shows: rel="author", itemprop="author", or an element
// whose class says byline.
std::string visible_byline(xmlNode* node, int depth = 0) {
  if (depth > 256) return "";
  for (xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (!is_element(child)) continue;
    const std::string hints = class_and_id(child);
    if (lower_ascii(attribute(child, "rel")) == "author" || attribute(child, "itemprop") == "author" ||
        hints.find("byline") != std::string::npos) {
      std::string text = normalized_text(child);
      if (!text.empty() && text.size() < 120) return text;
    }
    std::string found = visible_byline(child, depth + 1);
    if (!found.empty()) return found;
  }
  return "";
}

std::optional<Timestamp> visible_time(xmlNode* root) {
  std::optional<Timestamp> first;
  for (xmlNode* time : find_all(root, "time")) {
    std::string when = attribute(time, "datetime");
    if (when.empty()) when = normalized_text(time);
    auto parsed = parse_date(when);
    if (!parsed) continue;
    if (has_attribute(time, "pubdate") || attribute(time, "itemprop") == "datePublished") return parsed;
    if (!first) first = parsed;
  }
  return first;
}

std::string link_href(xmlNode* root, std::string_view rel) {
  for (xmlNode* link : find_all(root, "link")) {
    if (lower_ascii(trim_ascii(attribute(link, "rel"))) == rel) return std::string(trim_ascii(attribute(link, "href")));
  }
  return "";
}

}  // namespace

PageMetadata read_metadata(xmlDoc* doc, std::string_view page_url) {
  PageMetadata metadata;
  xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) {
    metadata.url = metadata.base_url = std::string(page_url);
    return metadata;
  }
  const JsonLdArticle ld = read_json_ld(root);
  const auto tags = read_meta_tags(root);

  // Addresses first: everything relative resolves against <base href>
  // (HTML Living Standard §2.4.1, "document base URL"), itself relative to
  // the page.
  metadata.base_url = std::string(page_url);
  if (xmlNode* base = find_first(root, "base"); base != nullptr && has_attribute(base, "href")) {
    metadata.base_url = resolve_url(page_url, attribute(base, "href"));
  }
  metadata.url = link_href(root, "canonical");
  if (metadata.url.empty()) metadata.url = first_of(tags, {"og:url"});
  metadata.url = metadata.url.empty() ? std::string(page_url) : resolve_url(metadata.base_url, metadata.url);

  metadata.title = ld.headline;
  if (metadata.title.empty()) metadata.title = first_of(tags, {"og:title", "twitter:title", "dc.title", "headline"});
  if (metadata.title.empty()) {
    if (xmlNode* title = find_first(root, "title")) metadata.title = normalized_text(title);
  }
  if (metadata.title.empty()) {
    if (xmlNode* h1 = find_first(root, "h1")) metadata.title = normalized_text(h1);
  }

  metadata.byline = ld.author;
  if (metadata.byline.empty()) {
    metadata.byline = first_of(tags, {"author", "article:author", "dc.creator", "byl", "sailthru.author",
                                      "parsely-author"});
    if (looks_like_url(metadata.byline)) metadata.byline.clear();
  }
  if (metadata.byline.empty()) metadata.byline = visible_byline(root);

  if (!ld.published.empty()) metadata.published = parse_date(ld.published);
  if (!metadata.published) {
    const std::string when = first_of(
        tags, {"article:published_time", "datepublished", "og:article:published_time", "pubdate",
               "publishdate", "publish-date", "dcterms.date", "dc.date", "dc.date.issued",
               "sailthru.date", "parsely-pub-date", "date"});
    if (!when.empty()) metadata.published = parse_date(when);
  }
  if (!metadata.published) metadata.published = visible_time(root);

  std::string image = first_of(tags, {"og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                                      "twitter:image:src"});
  if (image.empty()) image = ld.image;
  if (image.empty()) image = link_href(root, "image_src");
  if (!image.empty()) {
    const html::Node img = html::Node::element("img", {{"src", image}});
    metadata.lead_image = image_address(img, metadata.base_url).value_or("");
  }

  metadata.language = std::string(trim_ascii(attribute(root, "lang")));
  if (metadata.language.empty()) metadata.language = first_of(tags, {"content-language", "dc.language", "language"});
  if (metadata.language.empty()) {
    metadata.language = first_of(tags, {"og:locale"});
    for (char& c : metadata.language) {
      if (c == '_') c = '-';
    }
  }
  if (metadata.language.empty()) metadata.language = ld.language;
  metadata.json_ld_body = ld.body;
  return metadata;
}

}  // namespace newsvault::extract
