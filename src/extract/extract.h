// extract: turns what a source publishes into an Article: the title, the
// public address, the publication time, the lead image and the body.
//
// Web pages become articles through a main-content extractor
// (extract_article): the page's charset decided and converted, the page
// parsed as browsers parse it (libxml2's HTML parser), its metadata read
// from JSON-LD, Open Graph and <meta>, and its body found by scoring blocks
// by text, commas, links and class names, with per-site rules (SiteRules)
// overriding the heuristics where a site needs it.
//
// Site adapters read a site's own API (DW's article JSON first), driven by a
// declarative mapping shipped with newsvault, so that a change on the site's
// side is a change of the mapping, not of code. Entries without an adapter
// become articles from the feed's own content.
//
// Everything here is a pure function over values: thread-safe.
#ifndef NEWSVAULT_EXTRACT_EXTRACT_H_
#define NEWSVAULT_EXTRACT_EXTRACT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "feed/feed.h"

namespace newsvault::extract {

struct Image {
  std::string url;      // the image's own address (not proxied)
  std::string caption;  // "" when it has none
};

struct Article {
  std::string source_id;  // the adapter's id ("65955570"), "" without an adapter
  std::string title;
  std::string url;        // the public web address, as the source gives it
  std::optional<Timestamp> published;  // to the millisecond where the source says
  std::optional<Image> lead_image;
  // The body, one line of HTML. Each image in it stands as
  //   <figure><img src="URL"><figcaption>CAPTION</figcaption></figure>
  // (no figcaption when there is no caption): the archive writer turns these
  // into proxied images with their captions.
  std::string body_html;
};

// A site adapter, read from its declarative mapping (JSON).
struct Adapter {
  std::string name;                  // "dw"
  std::string id_namespace;          // the feed entry element holding the article id
  std::string id_element;
  std::string article_api_template;  // "https://api.dw.com/api/detail/article/{id}"
  // Where the article's fields are in the API's JSON (dotted paths).
  std::string title_field, published_field, url_field, body_field;
  std::string lead_image_id_field, lead_image_caption_field;
  std::string inline_image_attribute;  // "data-id"
  std::string content_links_field, link_id_field, link_caption_field;
  std::string image_url_template;  // "https://static.dw.com/image/{id}_{format}.jpg"
  std::string image_format;        // "303"
  std::string id_field;            // "id": the article's own id in the API's JSON
};

// The adapters shipped with newsvault, by name ("dw"), read from their
// mappings (JSON text embedded in builtin_adapters.cc); kNotFound naming the
// unknown name.
Result<Adapter> builtin_adapter(std::string_view name);
// Reads a mapping from its JSON text (the shape of builtin_adapters.cc).
// Fails with kParse naming `source_name` and the missing or mistyped key
// ("dw.json: missing \"fields.title\"").
Result<Adapter> parse_adapter(std::string_view json_text, std::string_view source_name);

// The article's id as the adapter finds it in a feed entry, or "" when the
// entry has none (then the entry is archived from its own content).
std::string adapter_article_id(const Adapter& adapter, const feed::Entry& entry);
// The API address of that article: the template with {id} filled in (any
// byte of the id outside A-Z a-z 0-9 - . _ ~ percent-encoded, so an id can
// never change the address's path or query).
std::string adapter_article_url(const Adapter& adapter, std::string_view article_id);

// Reads the article from the API's JSON: the fields the mapping names, the
// body rewritten into the canonical one-line HTML of core/html.h with each
// inline image (an <img> carrying the mapping's attribute) turned into the
// <figure> form above, its caption from the content links. Links are kept as
// the source gives them. Fails with kParse naming `source_name` and what is
// missing or malformed (not JSON, no title, no body, a date that is not one).
Result<Article> read_adapter_article(const Adapter& adapter, std::string_view json_bytes,
                                     std::string_view source_name);

// An article from a feed entry's own content (content, else summary), its
// link, title and time (published, else updated), and its first image
// enclosure (type image/*), else its first image media:content, else its
// first media:thumbnail as the lead image (left out when the body already
// shows that image). The body is rewritten as read_adapter_article's is:
// each <img> (src, else a lazy-loading data-src, else srcset's largest) becomes
// the <figure> form with its address resolved against the entry's link, as
// are relative links; an image with no http(s) address is dropped. The
// article's url is the entry's link only when that is an http(s) address,
// "" otherwise (javascript:, data:, vbscript:, file:, relative).
Article article_from_entry(const feed::Entry& entry);

// --- Web pages ---------------------------------------------------------------

// Per-site rules, read from a declarative file in the format of the
// FiveFilters/FreshRSS site configs (one section per host):
//
//   # comment
//   [example.com]                  applies to example.com and its subdomains
//   body: //div[@id='story']       XPath 1.0: the article's body (several lines:
//                                  the first that matches anything wins)
//   strip: //div[@class='promo']   XPath 1.0: removed before the body is found
//   strip_id_or_class: newsletter  removes elements whose id or a class is that
//
// A page with a matching `body` takes its body from there instead of from
// the heuristics; `strip` and `strip_id_or_class` apply either way.
struct SiteRule {
  std::string host;  // lower case, no "www."
  std::vector<std::string> body;
  std::vector<std::string> strip;
  std::vector<std::string> strip_id_or_class;
};

struct SiteRules {
  std::vector<SiteRule> rules;
  // The rule for a page's address: the longest host that is the page's host
  // or a parent domain of it ("example.com" covers "news.example.com");
  // nullptr when none is.
  const SiteRule* find(std::string_view page_url) const;
};

// Reads a site-rules file. Fails with kParse naming `source_name`, the line
// and what is wrong: a key outside a section, an unknown key, an XPath
// libxml2 cannot compile ("rules.txt:4: invalid XPath \"//div[\"").
Result<SiteRules> parse_site_rules(std::string_view text, std::string_view source_name);

struct ExtractOptions {
  const SiteRules* site_rules = nullptr;  // none when null
};

// An article read from a web page.
struct PageArticle {
  // title, url (the canonical address, else og:url, else the page's),
  // published, lead_image (og:image and its kin) and body_html (canonical,
  // one line, images as <figure>; no script or style).
  Article article;
  std::string byline;    // "" when the page names nobody
  std::string language;  // as the page says it ("en", "zh-CN"); "" when it does not
  std::string text;      // the body as plain text, paragraphs separated by a blank line
  std::string encoding;  // the charset the page was read in ("utf-8", "gb18030", ...)
};

// Extracts the article from a web page's bytes. `page_url` is where the page
// came from (relative addresses resolve against it, or against the page's
// <base href>); `http_content_type` the Content-Type it came with ("" for a
// file), whose charset is honoured unless the bytes prove it wrong. The
// order of trust for each field is documented in docs/internals/extract.md.
// Fails with kParse naming `page_url` when the bytes hold no HTML body at
// all; a page whose body cannot be told from the rest gives its whole
// readable text rather than nothing.
Result<PageArticle> extract_article(std::string_view html_bytes, std::string_view page_url,
                                    std::string_view http_content_type,
                                    const ExtractOptions& options = {});

// A feed a web page links to.
struct FeedLink {
  std::string url;    // absolute: resolved against the page's <base href>, else its address
  std::string title;  // the link's title attribute, whitespace collapsed; "" when it has none
  // "application/rss+xml", "application/atom+xml", "application/feed+json"
  // or "application/json" (JSON Feed 1.0's type).
  std::string type;
};

// The feeds a web page announces: each <link rel="alternate"> whose type is
// one of FeedLink::type's, in page order, each address once (WordPress's
// links to its JSON REST API, which are no feeds, left out). The bytes are
// decoded as extract_article decodes them, `http_content_type` ("" for a
// file) naming their charset. Never fails: a page without such links, or
// bytes that hold no HTML, give an empty list.
std::vector<FeedLink> feed_links(std::string_view html_bytes, std::string_view page_url,
                                 std::string_view http_content_type = "");

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_EXTRACT_H_
