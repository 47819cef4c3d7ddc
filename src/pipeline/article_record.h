// Private to the pipeline: how an article is identified and kept.
#ifndef NEWSVAULT_PIPELINE_ARTICLE_RECORD_H_
#define NEWSVAULT_PIPELINE_ARTICLE_RECORD_H_

#include <string>
#include <string_view>

#include "clean/clean.h"
#include "core/core.h"
#include "extract/extract.h"
#include "feed/feed.h"

namespace newsvault::pipeline {

// The link without the parameters that only track readers (utm_*, maca,
// fbclid, ...), so that one story reached by two campaigns is one article.
std::string strip_tracking_parameters(std::string_view url);

// An article's identity within its feed: the adapter's id where there is
// one, else the entry's id, else its link normalised (normalize_url) and
// without tracking parameters. A retitled story keeps its identity.
std::string article_key(std::string_view adapter_id, const feed::Entry& entry);

// The key archives made before links were normalised gave the same entry,
// when it differs from article_key's; "" otherwise. A run looks it up when
// the normalised key is not stored, so that an article archived under the
// old spelling stays the same article.
std::string unnormalised_article_key(std::string_view adapter_id, const feed::Entry& entry);

// The article as the store keeps it: deterministic JSON (sorted keys), so
// that the same article always hashes the same.
std::string article_to_json(const extract::Article& article);
Result<extract::Article> article_from_json(std::string_view json);

// The article as fetch archives it: its body sanitized with `options`
// (clean::sanitize_in_place), relative addresses taking the article's own
// URL; a lead image that is not a web or raster data URL goes. Once clean,
// cleaning again changes nothing.
void clean_article(extract::Article& article, const clean::Options& options);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_ARTICLE_RECORD_H_
