// extract: turns what a source publishes into an Article: the title, the
// public address, the publication time, the lead image and the body.
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
};

// The adapters shipped with newsvault, by name ("dw"), or kNotFound.
Result<Adapter> builtin_adapter(std::string_view name);
// Reads a mapping from its JSON text; kParse naming `source_name` and the
// missing or mistyped key.
Result<Adapter> parse_adapter(std::string_view json_text, std::string_view source_name);

// The article's id as the adapter finds it in a feed entry, or "" when the
// entry has none (then the entry is archived from its own content).
std::string adapter_article_id(const Adapter& adapter, const feed::Entry& entry);
// The API address of that article: the template with {id} filled in.
std::string adapter_article_url(const Adapter& adapter, std::string_view article_id);

// Reads the article from the API's JSON. Fails with kParse naming
// `source_name` and what is missing or malformed.
Result<Article> read_adapter_article(const Adapter& adapter, std::string_view json_bytes,
                                     std::string_view source_name);

// An article from a feed entry's own content (content, else summary), its
// link, title and time (published, else updated), and its first image
// enclosure or media:content as the lead image.
Article article_from_entry(const feed::Entry& entry);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_EXTRACT_H_
