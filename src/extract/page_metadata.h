// Private to the extract stage: what a page says about its article outside
// the body: JSON-LD, Open Graph, <meta> tags, <time>, <link rel>.
#ifndef NEWSVAULT_EXTRACT_PAGE_METADATA_H_
#define NEWSVAULT_EXTRACT_PAGE_METADATA_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/core.h"
#include "extract/page_dom.h"

namespace newsvault::extract {

struct PageMetadata {
  std::string title;
  std::string byline;
  std::optional<Timestamp> published;
  std::string lead_image;  // absolute, "" when none
  std::string language;    // BCP 47 as the page writes it ("en", "zh-CN"), "" when unknown
  std::string url;         // canonical, else og:url, else the page's own
  std::string base_url;    // what relative addresses resolve against (<base href>, else url given)
  // The JSON-LD articleBody when the page has one: the site's own word on
  // what the body says, used to check the extracted body.
  std::string json_ld_body;
};

// Reads the metadata in the order of trust of docs/internals/extract.md.
// Never fails: what a page does not say stays empty.
PageMetadata read_metadata(xmlDoc* doc, std::string_view page_url);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_PAGE_METADATA_H_
