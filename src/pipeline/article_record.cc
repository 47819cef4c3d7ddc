#include "pipeline/article_record.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace newsvault::pipeline {
namespace {

bool is_tracking_parameter(std::string_view name) {
  static constexpr std::string_view kExact[] = {"maca", "fbclid", "gclid", "dclid", "msclkid",
                                                "mc_cid", "mc_eid", "yclid", "igshid", "ocid",
                                                "_ga", "ref_src"};
  if (name.starts_with("utm_")) return true;
  for (std::string_view exact : kExact) {
    if (name == exact) return true;
  }
  return false;
}

}  // namespace

std::string strip_tracking_parameters(std::string_view url) {
  // RFC 3986 §3.4-3.5: the query runs from the first '?' to the first '#';
  // a '?' after the '#' is part of the fragment, not a query.
  const std::size_t query_end = std::min(url.find('#'), url.size());
  const std::size_t query_start = url.substr(0, query_end).find('?');
  if (query_start == std::string_view::npos) return std::string(url);
  std::string kept;
  std::string_view query = url.substr(query_start + 1, query_end - query_start - 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::string_view name = pair.substr(0, pair.find('='));
    if (!pair.empty() && !is_tracking_parameter(name)) {
      kept += kept.empty() ? "?" : "&";
      kept += pair;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::string(url.substr(0, query_start)) + kept + std::string(url.substr(query_end));
}

std::string article_key(std::string_view adapter_id, const feed::Entry& entry) {
  if (!adapter_id.empty()) return std::string(adapter_id);
  if (!entry.id.empty()) return entry.id;
  if (!entry.link.empty()) return strip_tracking_parameters(entry.link);
  // Neither id nor link: the title is all that is left to tell entries apart.
  return "title:" + entry.title;
}

std::string article_to_json(const extract::Article& article) {
  nlohmann::json json;
  json["source_id"] = article.source_id;
  json["title"] = article.title;
  json["url"] = article.url;
  json["published"] = article.published ? nlohmann::json(format_iso8601_millis(*article.published))
                                        : nlohmann::json(nullptr);
  if (article.lead_image) {
    json["lead_image"] = {{"url", article.lead_image->url}, {"caption", article.lead_image->caption}};
  } else {
    json["lead_image"] = nullptr;
  }
  json["body"] = article.body_html;
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<extract::Article> article_from_json(std::string_view text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return make_error(ErrorCode::kParse, "a stored article revision is not valid JSON");
  }
  extract::Article article;
  article.source_id = json.value("source_id", "");
  article.title = json.value("title", "");
  article.url = json.value("url", "");
  if (json.contains("published") && json["published"].is_string()) {
    article.published = parse_date(json["published"].get<std::string>());
  }
  if (json.contains("lead_image") && json["lead_image"].is_object()) {
    article.lead_image = extract::Image{json["lead_image"].value("url", ""),
                                        json["lead_image"].value("caption", "")};
  }
  article.body_html = json.value("body", "");
  return article;
}

}  // namespace newsvault::pipeline
