// Private to the publish stage: the Markdown and URL pieces of the archive
// document and the indexes (shared spec archive-format.md).
#ifndef NEWSVAULT_PUBLISH_MARKDOWN_H_
#define NEWSVAULT_PUBLISH_MARKDOWN_H_

#include <string>
#include <string_view>

namespace newsvault::publish {

// archive-format.md, "[{title}]({url})": every byte outside printable ASCII
// (0x21-0x7E) and every space as %XX (UTF-8, upper-case hex). An existing
// %XX is kept as it is (never encoded twice); a '%' that starts no %XX is
// written %25, so that the result is one.
std::string percent_encode_url(std::string_view url);

// A URL as the destination of a Markdown inline link (CommonMark §6.3):
// percent_encode_url, and the few printable characters that would end or
// change the destination encoded too (< > " \ `, parentheses when they do
// not pair up, an '&' that would read as an entity reference).
std::string markdown_link_destination(std::string_view url);

// Text as the text of a Markdown inline link, on one line: runs of
// whitespace holding a line break become one space, control characters go,
// and the characters that could end the link or turn into markup are
// backslash-escaped (\ [ ] ` * _ < >, ~~, and '&' that would read as an
// entity reference). Text without those characters is unchanged.
std::string markdown_link_text(std::string_view text);

// Every byte outside A-Z a-z 0-9 - . _ ~ as %XX: a whole URL as one query
// component, for the image proxy's {url}.
std::string encode_uri_component(std::string_view text);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_MARKDOWN_H_
