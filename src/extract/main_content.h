// Private to the extract stage: finding the article's body in a page.
#ifndef NEWSVAULT_EXTRACT_MAIN_CONTENT_H_
#define NEWSVAULT_EXTRACT_MAIN_CONTENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "extract/page_dom.h"

namespace newsvault::extract {

// How hard the heuristics cut. Each later attempt of extract_article turns
// one more off, as Readability's retries do, when the strict one finds too
// little.
struct ContentFlags {
  bool strip_unlikely = true;        // drop nodes whose class/id say boilerplate before scoring
  bool weight_classes = true;        // class/id hints add to or take from a node's score
  bool clean_conditionally = true;   // drop link-heavy or image-heavy blocks from the result
};

// Prepares a page for reading: scripts, styles, forms' controls and hidden
// elements go; lazy images get their real address in src (data-src and
// friends, <picture> sources, <noscript> copies), resolved against `base`.
void prepare_page(xmlDoc* doc, std::string_view base);

// Finds the main content of the prepared page and moves it into a new <div>
// that the document owns (linked under the root element), which it returns;
// nullptr when the page has no <body> content at all. `title` is the
// article's title: a heading repeating it is not body.
xmlNode* find_main_content(xmlDoc* doc, const ContentFlags& flags, std::string_view title);

// The plain text of the content: one paragraph per block, paragraphs
// separated by a blank line, <br> as a line break.
std::string plain_text(const xmlNode* content);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_MAIN_CONTENT_H_
