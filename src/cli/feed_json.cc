#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace newsvault::cli {
namespace {

using Json = nlohmann::ordered_json;

Json text_or_null(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json time_or_null(const std::optional<Timestamp>& time) {
  return time ? Json(format_iso8601_seconds(*time)) : Json(nullptr);
}

}  // namespace

std::string feed_to_json(const feed::Feed& feed) {
  Json out;
  out["version"] = std::string(feed::format_name(feed.format));
  out["title"] = text_or_null(feed.title);
  out["link"] = text_or_null(feed.link);
  Json entries = Json::array();
  for (const feed::Entry& entry : feed.entries) {
    Json item;
    item["id"] = text_or_null(entry.id);
    item["title"] = text_or_null(entry.title);
    item["link"] = text_or_null(entry.link);
    item["published"] = time_or_null(entry.published);
    item["updated"] = time_or_null(entry.updated);
    item["author"] = text_or_null(entry.author);
    item["summary"] = text_or_null(entry.summary);
    item["content"] = text_or_null(entry.content);
    Json enclosures = Json::array();
    for (const feed::Enclosure& enclosure : entry.enclosures) {
      enclosures.push_back({{"href", text_or_null(enclosure.url)},
                            {"type", text_or_null(enclosure.type)},
                            {"length", enclosure.length ? Json(*enclosure.length) : Json(nullptr)}});
    }
    item["enclosures"] = std::move(enclosures);
    item["tags"] = entry.tags;
    entries.push_back(std::move(item));
  }
  out["entries"] = std::move(entries);
  // Keys starting with '_' are diagnostics, ignored by comparisons.
  out["_encoding"] = feed.encoding;
  out["_bozo"] = feed.problems.empty() ? Json(nullptr) : Json(feed.problems.front());
  // Replace invalid UTF-8 rather than fail: the output must always be written.
  return out.dump(1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace newsvault::cli
