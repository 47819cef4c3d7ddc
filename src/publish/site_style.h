// Private to the publish stage: the static site's one stylesheet.
#ifndef NEWSVAULT_PUBLISH_SITE_STYLE_H_
#define NEWSVAULT_PUBLISH_SITE_STYLE_H_

#include <string_view>

namespace newsvault::publish {

// style.css: readable measure and leading, CJK font stacks (Traditional or
// Simplified first by the page's lang), light and dark colours by
// prefers-color-scheme, one column that fits a phone.
std::string_view site_stylesheet();

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_SITE_STYLE_H_
