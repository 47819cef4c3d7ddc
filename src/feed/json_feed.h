// Private to the feed stage: JSON Feed 1.0 and 1.1 (https://jsonfeed.org).
#ifndef NEWSVAULT_FEED_JSON_FEED_H_
#define NEWSVAULT_FEED_JSON_FEED_H_

#include <string_view>

#include "feed/feed.h"

namespace newsvault::feed {

// True when the document's first non-blank byte (after any BOM) is '{'.
bool looks_like_json(std::string_view bytes);

// Reads a JSON Feed. Fails with kParse ("name:line:col: cause" as the JSON
// parser reports it) when the bytes are not JSON or the top level is not
// an object. An unknown version string is read anyway, as a problem.
Result<Feed> parse_json_feed(std::string_view bytes, const ParseOptions& options);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_JSON_FEED_H_
