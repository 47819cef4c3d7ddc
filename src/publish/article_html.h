// Private to the publish stage: an article's body as every published form
// shows it (the archive document, the site's article page).
#ifndef NEWSVAULT_PUBLISH_ARTICLE_HTML_H_
#define NEWSVAULT_PUBLISH_ARTICLE_HTML_H_

#include <string>

#include "extract/extract.h"
#include "publish/publish.h"

namespace newsvault::publish {

// The lead image (proxied, with its caption) followed by the body, in
// core/html.h's canonical one-line form, cleaned as render_document
// describes: every image through the proxy, nothing that loads from the
// source's hosts or runs code. Never fails.
std::string render_article_html(const extract::Article& article, const PublishOptions& options);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_ARTICLE_HTML_H_
