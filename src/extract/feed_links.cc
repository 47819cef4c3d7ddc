// feed_links: the feeds a web page announces in its <link> elements, the
// autodiscovery convention of RSS, Atom and JSON Feed (RSS Advisory Board,
// "RSS Autodiscovery"; JSON Feed 1.1, "Discovery").
#include <set>

#include "extract/extract.h"
#include "extract/page_dom.h"
#include "extract/page_encoding.h"

namespace newsvault::extract {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// HTML Living Standard §4.6.1: rel is a set of space-separated tokens,
// ASCII case-insensitive ("alternate", "Alternate feed").
bool has_rel_token(std::string_view rel, std::string_view token) {
  std::size_t at = 0;
  while (at < rel.size()) {
    while (at < rel.size() && is_space(rel[at])) ++at;
    std::size_t end = at;
    while (end < rel.size() && !is_space(rel[end])) ++end;
    if (end > at && lower_ascii(rel.substr(at, end - at)) == token) return true;
    at = end;
  }
  return false;
}

// The MIME type without its parameters, lower case: "application/rss+xml".
std::string essence(std::string_view type) {
  return lower_ascii(trim_ascii(type.substr(0, type.find(';'))));
}

bool is_feed_type(std::string_view type) {
  // application/json: JSON Feed 1.0's type, before 1.1 named its own.
  return type == "application/rss+xml" || type == "application/atom+xml" ||
         type == "application/feed+json" || type == "application/json";
}

// WordPress (5.5 and later) links every page to its REST API record as
// <link rel="alternate" type="application/json" href=".../wp-json/...">:
// JSON, but no feed. Left out, or every WordPress page would offer one
// feed too many.
bool is_wordpress_api(std::string_view type, std::string_view url) {
  return type == "application/json" && (url.find("/wp-json/") != std::string_view::npos ||
                                        url.find("rest_route=") != std::string_view::npos);
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : trim_ascii(text)) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::vector<FeedLink> feed_links(std::string_view html_bytes, std::string_view page_url,
                                 std::string_view http_content_type) {
  std::vector<FeedLink> links;
  const DecodedPage page = decode_page(html_bytes, http_content_type);
  const PageDocument doc = parse_page(page.utf8);
  xmlNode* root = doc == nullptr ? nullptr : xmlDocGetRootElement(doc.get());
  if (root == nullptr) return links;
  // HTML Living Standard §2.4.1: relative addresses resolve against the
  // document's <base href>, itself relative to the page.
  std::string base_url(page_url);
  if (xmlNode* base = find_first(root, "base"); base != nullptr && has_attribute(base, "href")) {
    base_url = resolve_url(page_url, attribute(base, "href"));
  }
  std::set<std::string> seen;
  for (xmlNode* link : find_all(root, "link")) {
    if (!has_rel_token(attribute(link, "rel"), "alternate")) continue;
    std::string type = essence(attribute(link, "type"));
    if (!is_feed_type(type)) continue;
    const std::string href(trim_ascii(attribute(link, "href")));
    if (href.empty()) continue;
    std::string url = resolve_url(base_url, href);
    if (is_wordpress_api(type, url) || !seen.insert(url).second) continue;
    links.push_back(
        {std::move(url), collapse_whitespace(attribute(link, "title")), std::move(type)});
  }
  return links;
}

}  // namespace newsvault::extract
