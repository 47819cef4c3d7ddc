#include "pipeline/article_record.h"

#include <algorithm>
#include <array>

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
  // RFC 4287 §4.2.6: ids are compared character by character, so an id
  // that looks like a URL is kept as given.
  if (!entry.id.empty()) return entry.id;
  if (!entry.link.empty()) return strip_tracking_parameters(normalize_url(entry.link));
  // Neither id nor link: the title is all that is left to tell entries apart.
  return "title:" + entry.title;
}

std::string unnormalised_article_key(std::string_view adapter_id, const feed::Entry& entry) {
  if (!adapter_id.empty() || !entry.id.empty() || entry.link.empty()) return "";
  std::string key = strip_tracking_parameters(entry.link);
  return key == article_key(adapter_id, entry) ? "" : key;
}

namespace {

// The revision as nlohmann's dump writes it; the form every stored
// revision has, and the only one for text that is not valid UTF-8 (its
// replacement of bad bytes is its own).
std::string article_to_json_by_library(const extract::Article& article) {
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

// Appends `text` as a JSON string exactly as nlohmann's dump escapes it
// (ensure_ascii off: quote, backslash and C0 controls escaped, the short
// forms where JSON has them, else \u00xx in lower case; everything else as
// is). False, leaving `out` part-written, when `text` is not valid UTF-8.
bool append_json_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Bytes written as they are, one lookup each: ASCII from the space on
  // (DEL included), but the quote and the backslash.
  static constexpr auto kAsIs = [] {
    std::array<bool, 256> as_is{};
    for (int c = 0x20; c < 0x80; ++c) as_is[c] = c != '"' && c != '\\';
    return as_is;
  }();
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    while (run < text.size() && kAsIs[static_cast<unsigned char>(text[run])]) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      const Utf8Char next = decode_utf8(text.substr(i));
      if (next.length == 0) return false;
      out.append(text.data() + i, next.length);
      i += next.length;
      continue;
    }
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:  // the other C0 controls
        out += "\\u00";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
    }
    ++i;
  }
  out += '"';
  return true;
}

}  // namespace

// Written here, byte for byte as the library writes it (a revision's hash
// is of these bytes: a different writer would make every stored article
// look changed), for a run writes one per article and the library's
// general writer was a noticeable share of it. Keys in the library's
// order: sorted.
std::string article_to_json(const extract::Article& article) {
  std::string out;
  out.reserve(article.body_html.size() + article.title.size() + article.url.size() + 160);
  bool valid = true;
  auto field = [&](std::string_view name, std::string_view value) {
    out += '"';
    out += name;
    out += "\":";
    valid = valid && append_json_string(value, out);
  };
  out += '{';
  field("body", article.body_html);
  out += ',';
  if (article.lead_image) {
    out += "\"lead_image\":{";
    field("caption", article.lead_image->caption);
    out += ',';
    field("url", article.lead_image->url);
    out += '}';
  } else {
    out += "\"lead_image\":null";
  }
  out += ',';
  if (article.published) {
    field("published", format_iso8601_millis(*article.published));
  } else {
    out += "\"published\":null";
  }
  out += ',';
  field("source_id", article.source_id);
  out += ',';
  field("title", article.title);
  out += ',';
  field("url", article.url);
  out += '}';
  return valid ? out : article_to_json_by_library(article);
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

void clean_article(extract::Article& article, const clean::Options& options) {
  clean::Options own = options;
  own.base_url = article.url;
  clean::sanitize_in_place(article.body_html, own);
  if (article.lead_image) {
    article.lead_image->url = clean::safe_url(article.lead_image->url, article.url, true);
    if (article.lead_image->url.empty()) article.lead_image.reset();
  }
}

}  // namespace newsvault::pipeline
