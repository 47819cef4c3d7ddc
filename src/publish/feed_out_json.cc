// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) out, written with
// nlohmann::json: keys in the spec's order, text escaped by the library.
#include <nlohmann/json.hpp>

#include "publish/feed_out.h"

namespace newsvault::publish {

std::string render_json_feed(const FeedOut& feed, const PublishOptions& options,
                             const FeedsOutOptions& feeds_out) {
  nlohmann::ordered_json out;
  out["version"] = "https://jsonfeed.org/version/1.1";
  out["title"] = xml_safe_text(feed.title);
  out["home_page_url"] = feed_folder_link(feed, "README.md", feeds_out);
  if (const std::string self = absolute_feed_link(feed, FeedFormat::kJsonFeed, feeds_out); !self.empty()) {
    out["feed_url"] = self;
  }
  if (!feed.source_url.empty()) out["description"] = "The archived copy of " + xml_safe_text(feed.source_url);
  out["items"] = nlohmann::ordered_json::array();
  for (const ArchivedArticle& item : feed.articles) {
    nlohmann::ordered_json entry;
    entry["id"] = feed_out_item_id(item);
    entry["url"] = archived_copy_link(feed, item, feeds_out);
    if (!item.article.url.empty()) entry["external_url"] = source_link(item);
    entry["title"] = xml_safe_text(item.article.title.empty() ? item.article.url : item.article.title);
    entry["content_html"] = item_html(item, options);
    entry["date_published"] = format_iso8601_millis(published_time(item));
    entry["date_modified"] = format_iso8601_millis(updated_time(item));
    entry["tags"] = {xml_safe_text(item.summary.feed_name)};
    out["items"].push_back(std::move(entry));
  }
  // Text is valid UTF-8 already (xml_safe_text); replace is a second guard
  // so that dump() can never throw.
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace newsvault::publish
