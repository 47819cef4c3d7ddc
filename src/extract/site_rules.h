// Private to the extract stage: applying a SiteRule (extract.h) to a page.
#ifndef NEWSVAULT_EXTRACT_SITE_RULES_H_
#define NEWSVAULT_EXTRACT_SITE_RULES_H_

#include <string>
#include <string_view>

#include "extract/extract.h"
#include "extract/page_dom.h"

namespace newsvault::extract {

// The host of an absolute URL, lower case, without port and "www.".
std::string host_of(std::string_view url);

// Removes what the rule's strip and strip_id_or_class select.
void apply_strip_rules(xmlDoc* doc, const SiteRule& rule);

// Moves what the first matching body XPath selects into a new <div> owned
// by the document and returns it; nullptr when no body XPath matches.
xmlNode* apply_body_rule(xmlDoc* doc, const SiteRule& rule);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_SITE_RULES_H_
