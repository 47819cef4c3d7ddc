#include "pipeline/pending_work.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>

#include <nlohmann/json.hpp>

#include "pipeline/article_record.h"

namespace newsvault::pipeline {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

// scheme://host[:port] / path ? query: the parts the section test compares.
struct UrlParts {
  std::string origin;  // scheme and authority, lower-cased
  std::string path;    // "/" when empty
  bool has_query = false;
};

std::optional<UrlParts> split_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::size_t authority_end = url.find_first_of("/?#", scheme_end + 3);
  UrlParts parts;
  parts.origin = lower_ascii(url.substr(0, std::min(authority_end, url.size())));
  if (authority_end == std::string_view::npos) {
    parts.path = "/";
    return parts;
  }
  std::string_view rest = url.substr(authority_end);
  rest = rest.substr(0, rest.find('#'));
  const std::size_t query = rest.find('?');
  parts.has_query = query != std::string_view::npos && query + 1 < rest.size();
  parts.path = std::string(rest.substr(0, query));
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

}  // namespace

Timestamp next_retry(Timestamp now, int attempts, std::string_view url) {
  if (attempts <= 1) return now;
  const int doublings = std::min(attempts - 2, 16);
  const milliseconds delay = std::min<milliseconds>(minutes(5) * (1LL << doublings), hours(24));
  // ±25%, the same for the same URL and attempt.
  const std::size_t seed = std::hash<std::string>()(std::string(url) + "#" + std::to_string(attempts));
  const double spread = 0.75 + static_cast<double>(seed % 1001) / 2000.0;
  return now + milliseconds(static_cast<std::int64_t>(static_cast<double>(delay.count()) * spread));
}

std::optional<Timestamp> next_recheck(Timestamp now, int checks) {
  static constexpr std::array<hours, 5> kSchedule = {hours(1), hours(6), hours(24), hours(24 * 7),
                                                     hours(24 * 30)};
  if (checks < 1 || checks > static_cast<int>(kSchedule.size())) return std::nullopt;
  return now + kSchedule[static_cast<std::size_t>(checks - 1)];
}

std::string entry_hash(const feed::Entry& entry) {
  // Fields joined by a byte no XML text holds, so that no two entries
  // join the same.
  std::string joined;
  auto add = [&joined](std::string_view field) {
    joined += field;
    joined += '\x01';
  };
  add(entry.id);
  add(entry.title);
  add(entry.link);
  add(entry.published ? std::to_string(entry.published->time_since_epoch().count()) : "");
  add(entry.updated ? std::to_string(entry.updated->time_since_epoch().count()) : "");
  add(entry.author);
  add(entry.summary);
  add(entry.content);
  return store::sha256_hex(joined);
}

std::string entry_fingerprint(std::string_view key, std::string_view entry_hash,
                              const feed::Entry& entry, const clean::Options& clean_options) {
  // Each field preceded by its length: JSON Feed text may hold any byte.
  std::string joined;
  auto add = [&joined](std::string_view field) {
    joined += std::to_string(field.size());
    joined += ':';
    joined += field;
  };
  auto add_number = [&add](std::optional<std::int64_t> number) {
    add(number ? std::to_string(*number) : std::string());
  };
  add(std::to_string(kEntryProcessing));
  add(key);
  add(entry_hash);
  add_number(entry.enclosures.size());
  for (const feed::Enclosure& enclosure : entry.enclosures) {
    add(enclosure.url);
    add(enclosure.type);
    add_number(enclosure.length);
  }
  add_number(entry.tags.size());
  for (const std::string& tag : entry.tags) add(tag);
  add_number(entry.media.size());
  for (const feed::Media& media : entry.media) {
    add_number(static_cast<std::int64_t>(media.kind));
    add(media.url);
    add(media.type);
    add(media.medium);
    add_number(media.width);
    add_number(media.height);
    add(media.description);
  }
  add_number(entry.extensions.size());
  for (const feed::Extension& extension : entry.extensions) {
    add(extension.namespace_uri);
    add(extension.name);
    add(extension.value);
    add_number(extension.attributes.size());
    for (const auto& [name, value] : extension.attributes) {
      add(name);
      add(value);
    }
  }
  add_number(clean_options.iframe_hosts.size());
  for (const std::string& host : clean_options.iframe_hosts) add(host);
  return store::sha256_hex(joined);
}

std::string page_detail_to_json(const PageDetail& detail) {
  const store::Provenance& from = detail.provenance;
  nlohmann::json json = {{"article", article_to_json(detail.article)},
                         {"private_source", detail.private_source},
                         {"entry_size", detail.entry_size},
                         {"language", detail.language},
                         {"origin", from.origin},
                         {"url", from.url},
                         {"http_status", from.http_status},
                         {"etag", from.etag},
                         {"last_modified", from.last_modified},
                         {"payload_hash", from.payload_hash},
                         {"entry_hash", from.entry_hash},
                         {"record", from.record}};
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<PageDetail> page_detail_from_json(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("article") || !json["article"].is_string()) {
    return make_error(ErrorCode::kParse, "a pending page's detail is not what newsvault writes");
  }
  auto article = article_from_json(json["article"].get<std::string>());
  if (!article) return std::unexpected(article.error());
  PageDetail detail;
  detail.article = std::move(*article);
  detail.entry_size = json.value("entry_size", 0.0);
  detail.language = language_tag(json.value("language", ""));
  detail.private_source = json.value("private_source", false);
  store::Provenance& from = detail.provenance;
  from.origin = json.value("origin", "");
  from.url = json.value("url", "");
  from.http_status = json.value("http_status", 0L);
  from.etag = json.value("etag", "");
  from.last_modified = json.value("last_modified", "");
  from.payload_hash = json.value("payload_hash", "");
  from.entry_hash = json.value("entry_hash", "");
  from.record = json.value("record", "");
  return detail;
}

std::string language_tag(std::string_view text) {
  std::string tag(trim_ascii(text));
  std::ranges::replace(tag, '_', '-');
  const bool letters_first = !tag.empty() && std::isalpha(static_cast<unsigned char>(tag.front()));
  const bool tag_characters = std::ranges::all_of(tag, [](unsigned char c) { return std::isalnum(c) || c == '-'; });
  if (tag.size() < 2 || tag.size() > 35 || !letters_first || !tag_characters || tag.ends_with('-')) return "";
  return tag;
}

bool is_section_or_home(std::string_view from, std::string_view to) {
  const auto source = split_url(from);
  const auto target = split_url(to);
  if (!source || !target || target->has_query) return false;
  // www.example.com and example.com are one site.
  auto site = [](std::string origin) {
    const std::size_t www = origin.find("://www.");
    if (www != std::string::npos) origin.erase(www + 3, 4);
    return origin;
  };
  if (site(source->origin) != site(target->origin) || source->path == target->path) return false;
  if (target->path == "/") return true;
  std::string section = target->path;
  if (!section.ends_with('/')) section += '/';
  return source->path.starts_with(section) && source->path.size() > section.size();
}

RecheckResult read_recheck(std::string_view url, const fetch::Response& response) {
  if (response.outcome == fetch::FetchOutcome::kFailed) {
    if (response.http_status == 404 || response.http_status == 410) {
      return {RecheckFinding::kGone, "HTTP " + std::to_string(response.http_status)};
    }
    return {RecheckFinding::kUnanswered, response.error};
  }
  if (!response.final_url.empty() && is_section_or_home(url, response.final_url)) {
    return {RecheckFinding::kGone, "redirected to " + response.final_url};
  }
  return {RecheckFinding::kThere, response.outcome == fetch::FetchOutcome::kNotModified
                                      ? "HTTP 304"
                                      : "HTTP " + std::to_string(response.http_status)};
}

}  // namespace newsvault::pipeline
