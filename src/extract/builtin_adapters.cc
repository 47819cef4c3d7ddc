// The site adapters shipped with newsvault, as their declarative mappings.
//
// Each mapping is JSON text, read at run time by parse_adapter exactly as a
// mapping file would be: when a site renames a field, the fix is an edit of
// the JSON below, not of code. The text lives in a C++ raw string only so
// that the binary needs no data file beside it.
//
// The DW mapping follows shared spec archive-format.md, "Where the DW values
// come from": the article id is the feed item's dwsyn:contentID (matched by
// namespace, never by prefix); the article is DW's JSON API document; inline
// images are <img data-id="..."> elements of "text", captioned by the
// "contentLinks" entry with that "targetId".
#include "extract/builtin_adapters.h"

namespace newsvault::extract {
namespace {

constexpr std::string_view kDwMapping = R"json({
  "name": "dw",
  "entry_id": {
    "namespace": "http://rss.dw.com/syndication/dwsyn/",
    "element": "contentID"
  },
  "article_api": "https://api.dw.com/api/detail/article/{id}",
  "fields": {
    "id": "id",
    "title": "name",
    "published": "displayDate",
    "url": "canonicalUrl",
    "body": "text"
  },
  "lead_image": {
    "id": "mainContentImageLink.targetId",
    "caption": "mainContentImageLink.description"
  },
  "inline_images": {
    "attribute": "data-id",
    "links": "contentLinks",
    "link_id": "targetId",
    "caption": "description"
  },
  "image_url": {
    "template": "https://static.dw.com/image/{id}_{format}.jpg",
    "format": "303"
  }
}
)json";

}  // namespace

std::optional<std::string_view> builtin_adapter_mapping(std::string_view name) {
  if (name == "dw") return kDwMapping;
  return std::nullopt;
}

}  // namespace newsvault::extract
