#include "feed/json_feed.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "feed/feed_text.h"

namespace newsvault::feed {
namespace {

using Json = nlohmann::json;

// A string member as text; numbers are written out (JSON Feed 1.0 ids are
// sometimes numbers); anything else reads as "".
std::string string_member(const Json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) return {};
  if (found->is_string()) return std::string(trim_text(found->get_ref<const std::string&>()));
  if (found->is_number_integer()) return std::to_string(found->get<std::int64_t>());
  if (found->is_number()) return found->dump();
  return {};
}

// JSON Feed 1.1 §"authors" replaces 1.0's "author"; read both.
std::string first_author(const Json& item) {
  const auto author = item.find("author");
  if (author != item.end() && author->is_object()) return string_member(*author, "name");
  const auto authors = item.find("authors");
  if (authors != item.end() && authors->is_array()) {
    for (const Json& candidate : *authors) {
      if (candidate.is_object()) return string_member(candidate, "name");
    }
  }
  return {};
}

std::optional<Timestamp> date_member(const Json& item, const char* key,
                                     const ParseOptions& options) {
  const std::string text = string_member(item, key);
  if (text.empty()) return std::nullopt;
  return parse_date(text, options.default_utc_offset);
}

Entry read_item(const Json& item, const ParseOptions& options) {
  Entry entry;
  entry.id = string_member(item, "id");
  entry.title = string_member(item, "title");
  entry.link = string_member(item, "url");
  entry.published = date_member(item, "date_published", options);
  entry.updated = date_member(item, "date_modified", options);
  entry.author = first_author(item);
  entry.summary = string_member(item, "summary");
  // content_html is the full content; content_text stands in when it is absent.
  const bool has_html = item.contains("content_html") && item["content_html"].is_string();
  entry.content = string_member(item, has_html ? "content_html" : "content_text");
  if (const auto tags = item.find("tags"); tags != item.end() && tags->is_array()) {
    for (const Json& tag : *tags) {
      if (tag.is_string() && !tag.get_ref<const std::string&>().empty()) {
        entry.tags.push_back(tag.get<std::string>());
      }
    }
  }
  if (const auto attachments = item.find("attachments");
      attachments != item.end() && attachments->is_array()) {
    for (const Json& attachment : *attachments) {
      if (!attachment.is_object()) continue;
      Enclosure enclosure;
      enclosure.url = string_member(attachment, "url");
      enclosure.type = string_member(attachment, "mime_type");
      if (const auto size = attachment.find("size_in_bytes");
          size != attachment.end() && size->is_number_integer()) {
        enclosure.length = size->get<std::int64_t>();
      }
      entry.enclosures.push_back(std::move(enclosure));
    }
  }
  for (const char* key : {"image", "banner_image"}) {
    const std::string url = string_member(item, key);
    if (url.empty()) continue;
    Media& media = entry.media.emplace_back();
    media.kind = std::string_view(key) == "image" ? Media::Kind::kContent : Media::Kind::kThumbnail;
    media.url = url;
    media.medium = "image";
  }
  // Extensions: JSON Feed §"Extensions" are keys starting with '_'.
  for (const auto& [key, value] : item.items()) {
    if (!key.starts_with('_')) continue;
    Extension& extension = entry.extensions.emplace_back();
    extension.namespace_uri = "https://jsonfeed.org/version/1.1#extension";
    extension.name = key;
    extension.value = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return entry;
}

}  // namespace

bool looks_like_json(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const std::size_t first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && bytes[first] == '{';
}

Result<Feed> parse_json_feed(std::string_view bytes, const ParseOptions& options) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  Json document = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    // Parse again with exceptions only to learn where it broke.
    try {
      [[maybe_unused]] const Json reparsed = Json::parse(bytes);
    } catch (const Json::parse_error& error) {
      return make_error(ErrorCode::kParse, options.source_name + ": invalid JSON Feed at byte " +
                                               std::to_string(error.byte) + ": " + error.what());
    } catch (const Json::exception& error) {
      // A number beyond a double's range is out_of_range, not parse_error.
      return make_error(ErrorCode::kParse,
                        options.source_name + ": invalid JSON Feed: " + error.what());
    }
    return make_error(ErrorCode::kParse, options.source_name + ": invalid JSON");
  }
  if (!document.is_object()) {
    return make_error(ErrorCode::kParse,
                      options.source_name + ": a JSON Feed must be an object at the top level");
  }
  Feed feed;
  feed.encoding = "utf-8";
  std::string version = string_member(document, "version");
  while (version.ends_with('/')) version.pop_back();
  if (version == "https://jsonfeed.org/version/1" || version == "1" || version == "1.0") {
    feed.format = FeedFormat::kJsonFeed10;
  } else if (version == "https://jsonfeed.org/version/1.1" || version == "1.1") {
    feed.format = FeedFormat::kJsonFeed11;
  } else {
    feed.problems.push_back("unknown JSON Feed version \"" + version + "\"");
  }
  feed.title = string_member(document, "title");
  feed.link = string_member(document, "home_page_url");
  feed.description = string_member(document, "description");
  feed.language = string_member(document, "language");
  if (const auto items = document.find("items"); items != document.end() && items->is_array()) {
    const auto& array = items->get_ref<const Json::array_t&>();
    for (auto item = array.begin(); item != array.end(); ++item) {
      if (!item->is_object()) continue;
      if (feed.entries.size() >= options.max_entries) {
        const auto left = std::count_if(item, array.end(), [](const Json& each) { return each.is_object(); });
        feed.problems.push_back("more than " + std::to_string(options.max_entries) +
                                " items; the other " + std::to_string(left) + " were dropped");
        feed.limits_hit.push_back(feed.problems.back());
        break;
      }
      feed.entries.push_back(read_item(*item, options));
    }
  } else {
    feed.problems.push_back("no \"items\" array");
  }
  return feed;
}

}  // namespace newsvault::feed
