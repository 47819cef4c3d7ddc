// Private to the feed stage: mends the character references that real feeds
// get wrong, before the XML parser sees them.
#ifndef NEWSVAULT_FEED_REFERENCE_REPAIR_H_
#define NEWSVAULT_FEED_REFERENCE_REPAIR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsvault::feed {

// Feeds are written by HTML tools: they use HTML's named entities (&nbsp;,
// &mdash;) that XML does not define, and bare '&' ("AT&T", "?a=1&b=2").
// An XML parser drops both, losing text. This pass, outside CDATA sections
// and comments, replaces each known HTML entity by its character and
// escapes every '&' that does not start a valid reference, so the text
// survives as the publisher meant it.
// Returns the mended document, or nullopt when nothing needed mending (the
// common case, at the cost of one scan). Adds one problem per kind of
// repair, naming the first line where it was needed.
std::optional<std::string> repair_references(std::string_view xml,
                                             std::vector<std::string>& problems);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_REFERENCE_REPAIR_H_
