// Miniflux's API v1, the part its clients use: the user, feeds, the one
// category, entries (filtered, ordered, paged, searched) and their status.
//
//   X-Auth-Token: KEY (newsvault user key NAME) or HTTP basic auth ─► reader
//   /v1/entries?status=unread&limit=&offset=&order=&direction=&search= ─►
//     Library::stream ─► Library::items ─► {"total", "entries"}
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "search/search.h"
#include "serve/routes.h"

namespace newsvault::serve {
namespace {

constexpr std::int64_t kCategoryId = 1;
constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 10000;
constexpr std::size_t kMaxSearchHits = 10000;

using Json = nlohmann::json;

void answer(httplib::Response& response, const Json& json, int status = 200) {
  response.status = status;
  response.set_content(json.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");
}

void answer_error(httplib::Response& response, int status, std::string_view message) {
  answer(response, {{"error_message", message}}, status);
}

std::string rfc3339(std::optional<Timestamp> time) {
  return format_iso8601_seconds(time.value_or(Timestamp()));
}

std::optional<Reader> authorize(const httplib::Request& request, httplib::Response& response, Library& library) {
  const std::string key = request.get_header_value("X-Auth-Token");
  if (!key.empty()) {
    if (library.accounts().address_refused(request.remote_addr)) {
      response.set_header("Retry-After", "60");
      answer_error(response, 429, "too many failed logins: try again later");
      return std::nullopt;
    }
    Result<std::optional<Reader>> reader = [&]() -> Result<std::optional<Reader>> {
      if (auto known = library.accounts().remembered_token(key)) return known;
      auto store = library.lease();
      return library.accounts().reader_of_token(*store, key);
    }();
    if (!reader) {
      answer_failure(response, reader.error());
      return std::nullopt;
    }
    if (!*reader) {
      library.accounts().token_failed(request.remote_addr);
      answer_error(response, 401, "access unauthorized");
      return std::nullopt;
    }
    note_reader(**reader);
    return **reader;
  }
  auto reader = basic_auth_reader(request, response, library, false);
  if (!reader && response.status == 401) answer_error(response, 401, "access unauthorized");
  if (!reader && response.status == 429) answer_error(response, 429, "too many failed logins: try again later");
  return reader;
}

Json category_json(const Reader& reader) {
  return {{"id", kCategoryId}, {"title", kLabel}, {"user_id", reader.id}, {"hide_globally", false}};
}

Json feed_json(const store::FeedRecord& feed, const Reader& reader) {
  return {{"id", feed.id},
          {"user_id", reader.id},
          {"title", feed.name},
          {"site_url", feed.url},
          {"feed_url", feed.url},
          {"checked_at", rfc3339(feed.last_fetched)},
          {"etag_header", ""},
          {"last_modified_header", ""},
          {"parsing_error_message", feed.last_error},
          {"parsing_error_count", feed.last_error.empty() ? 0 : 1},
          {"scraper_rules", ""},
          {"rewrite_rules", ""},
          {"crawler", false},
          {"blocklist_rules", ""},
          {"keeplist_rules", ""},
          {"user_agent", ""},
          {"username", ""},
          {"password", ""},
          {"disabled", false},
          {"ignore_http_cache", false},
          {"fetch_via_proxy", false},
          {"category", category_json(reader)},
          {"icon", nullptr}};
}

Json entry_json(const Item& item, const Snapshot& snapshot, const Reader& reader) {
  Json entry = {{"id", item.id},
                {"user_id", reader.id},
                {"feed_id", item.feed_id},
                {"status", item.read ? "read" : "unread"},
                {"hash", store::sha256_hex("newsvault:article:" + std::to_string(item.id))},
                {"title", item.text->title},
                {"url", item.text->url},
                {"comments_url", ""},
                {"published_at", rfc3339(item.time())},
                {"created_at", rfc3339(item.first_seen)},
                {"changed_at", rfc3339(item.last_changed)},
                {"content", item.text->html},
                {"author", ""},
                {"share_code", ""},
                {"starred", item.starred},
                {"reading_time", 0},
                {"enclosures", Json::array()},
                {"tags", Json::array()}};
  if (const store::FeedRecord* feed = snapshot.feed(item.feed_id)) entry["feed"] = feed_json(*feed, reader);
  return entry;
}

bool digits(std::string_view text) {
  return !text.empty() && text.size() < 18 && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> number_param(const httplib::Request& request, const char* name) {
  const std::string value = request.get_param_value(name);
  if (!digits(value)) return std::nullopt;
  return std::stoll(value);
}

// The entries a request asks for: nullopt with 400 set when a filter is
// not one this server knows.
std::optional<StreamQuery> entries_query(const httplib::Request& request, httplib::Response& response,
                                         Library& library) {
  StreamQuery query;
  query.ascending = true;  // Miniflux's default direction
  bool unread = false;
  bool read = false;
  for (std::size_t i = 0; i < request.get_param_value_count("status"); ++i) {
    const std::string status = request.get_param_value("status", i);
    if (status == "unread") {
      unread = true;
    } else if (status == "read") {
      read = true;
    } else if (status != "removed") {
      answer_error(response, 400, "invalid entry status: " + status);
      return std::nullopt;
    }
  }
  query.unread_only = unread && !read;
  query.read_only = read && !unread;
  const std::string starred = request.get_param_value("starred");
  query.starred_only = starred == "true" || starred == "1";
  query.limit = std::clamp<std::size_t>(number_param(request, "limit").value_or(kDefaultLimit), 1, kMaxLimit);
  query.offset = static_cast<std::size_t>(number_param(request, "offset").value_or(0));
  const std::string order = request.get_param_value("order");
  if (order == "id") {
    query.order = StreamQuery::Order::kId;
  } else if (!order.empty() && order != "published_at" && order != "created_at" && order != "status" &&
             order != "category_title" && order != "category_id") {
    answer_error(response, 400, "invalid order: " + order);
    return std::nullopt;
  }
  const std::string direction = request.get_param_value("direction");
  if (direction == "desc") {
    query.ascending = false;
  } else if (!direction.empty() && direction != "asc") {
    answer_error(response, 400, "invalid direction: " + direction);
    return std::nullopt;
  }
  if (auto after = number_param(request, "after")) query.oldest = Timestamp(std::chrono::seconds(*after));
  if (auto before = number_param(request, "before")) query.newest = Timestamp(std::chrono::seconds(*before));
  query.after_id = number_param(request, "after_entry_id");
  query.before_id = number_param(request, "before_entry_id");
  if (auto category = number_param(request, "category_id"); category && *category != kCategoryId) {
    query.only_ids = std::vector<std::int64_t>();
  }
  const std::string text = request.get_param_value("search");
  if (!text.empty()) {
    auto store = library.lease();
    auto hits = search::search(*store, {.text = text, .limit = kMaxSearchHits});
    if (!hits) {
      answer_error(response, hits.error().code() == ErrorCode::kInvalidArgument ? 400 : 503, hits.error().message());
      return std::nullopt;
    }
    std::vector<std::int64_t> ids;
    for (const search::Hit& hit : *hits) ids.push_back(hit.id);
    query.only_ids = std::move(ids);
  }
  return query;
}

class Miniflux {
 public:
  explicit Miniflux(Library& library) : library_(library) {}

  void me(const httplib::Request& request, httplib::Response& response) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    answer(response, {{"id", reader->id},
                      {"username", reader->name},
                      {"is_admin", false},
                      {"theme", "system_serif"},
                      {"language", "en_US"},
                      {"timezone", "UTC"},
                      {"entry_sorting_direction", "desc"},
                      {"entries_per_page", 100},
                      {"keyboard_shortcuts", true},
                      {"show_reading_time", false},
                      {"entry_swipe", true},
                      {"stylesheet", ""},
                      {"google_id", ""},
                      {"openid_connect_id", ""},
                      {"last_login_at", nullptr}});
  }

  void feeds(const httplib::Request& request, httplib::Response& response) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    Json out = Json::array();
    for (const store::FeedRecord& feed : (*snapshot)->source.feeds) out.push_back(feed_json(feed, *reader));
    answer(response, out);
  }

  void feed(const httplib::Request& request, httplib::Response& response) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    const store::FeedRecord* feed = (*snapshot)->feed(std::stoll(request.matches[1]));
    if (feed == nullptr) return answer_error(response, 404, "feed not found");
    answer(response, feed_json(*feed, *reader));
  }

  void categories(const httplib::Request& request, httplib::Response& response) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    answer(response, Json::array({category_json(*reader)}));
  }

  // /v1/entries, /v1/feeds/{id}/entries, /v1/categories/{id}/entries
  void entries(const httplib::Request& request, httplib::Response& response, std::string_view scope) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    auto query = entries_query(request, response, library_);
    if (!query) return;
    if (scope == "feed") {
      const std::int64_t feed_id = std::stoll(request.matches[1]);
      if ((*snapshot)->feed(feed_id) == nullptr) return answer_error(response, 404, "feed not found");
      query->feed_id = feed_id;
    } else if (scope == "category" && std::stoll(request.matches[1]) != kCategoryId) {
      return answer_error(response, 404, "category not found");
    }
    auto page = library_.stream(*reader, *query, true);
    if (!page) return answer_failure(response, page.error());
    auto items = library_.items(*reader, page->ids);
    if (!items) return answer_failure(response, items.error());
    Json entries = Json::array();
    for (const Item& item : *items) entries.push_back(entry_json(item, **snapshot, *reader));
    answer(response, {{"total", page->total}, {"entries", std::move(entries)}});
  }

  void entry(const httplib::Request& request, httplib::Response& response) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    auto items = library_.items(*reader, {std::stoll(request.matches[1])});
    if (!items) return answer_failure(response, items.error());
    if (items->empty()) return answer_error(response, 404, "entry not found");
    answer(response, entry_json(items->front(), **snapshot, *reader));
  }

  // PUT /v1/entries {"entry_ids": [...], "status": "read" | "unread"}
  void update_entries(const httplib::Request& request, httplib::Response& response) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    const Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("entry_ids") || !body["entry_ids"].is_array() ||
        !body.contains("status") || !body["status"].is_string()) {
      return answer_error(response, 400, "expected {\"entry_ids\": [...], \"status\": \"read\" or \"unread\"}");
    }
    const std::string status = body["status"];
    if (status != "read" && status != "unread") return answer_error(response, 400, "invalid entry status: " + status);
    std::vector<std::int64_t> ids;
    for (const Json& id : body["entry_ids"]) {
      if (!id.is_number_integer()) return answer_error(response, 400, "entry_ids: expected numbers");
      ids.push_back(id.get<std::int64_t>());
    }
    if (auto done = library_.set_state(*reader, ids, status == "read", std::nullopt); !done) {
      return answer_failure(response, done.error());
    }
    response.status = 204;
  }

  // PUT /v1/entries/{id}/bookmark: starred becomes not starred and back.
  void toggle_bookmark(const httplib::Request& request, httplib::Response& response) {
    auto reader = authorize(request, response, library_);
    if (!reader) return;
    const std::int64_t id = std::stoll(request.matches[1]);
    auto items = library_.items(*reader, {id});
    if (!items) return answer_failure(response, items.error());
    if (items->empty()) return answer_error(response, 404, "entry not found");
    if (auto done = library_.set_state(*reader, {id}, std::nullopt, !items->front().starred); !done) {
      return answer_failure(response, done.error());
    }
    response.status = 204;
  }

 private:
  Library& library_;
};

}  // namespace

void add_miniflux_api(httplib::Server& server, Library& library) {
  auto api = std::make_shared<Miniflux>(library);
  using Request = const httplib::Request&;
  using Response = httplib::Response&;
  server.Get("/v1/me", [api](Request request, Response response) { api->me(request, response); });
  server.Get("/v1/feeds", [api](Request request, Response response) { api->feeds(request, response); });
  server.Get(R"(/v1/feeds/(\d{1,17}))", [api](Request request, Response response) { api->feed(request, response); });
  server.Get("/v1/categories", [api](Request request, Response response) { api->categories(request, response); });
  server.Get("/v1/entries", [api](Request request, Response response) { api->entries(request, response, "all"); });
  server.Get(R"(/v1/feeds/(\d{1,17})/entries)",
             [api](Request request, Response response) { api->entries(request, response, "feed"); });
  server.Get(R"(/v1/categories/(\d{1,17})/entries)",
             [api](Request request, Response response) { api->entries(request, response, "category"); });
  server.Get(R"(/v1/entries/(\d{1,17}))", [api](Request request, Response response) { api->entry(request, response); });
  server.Put("/v1/entries", [api](Request request, Response response) { api->update_entries(request, response); });
  server.Put(R"(/v1/entries/(\d{1,17})/bookmark)",
             [api](Request request, Response response) { api->toggle_bookmark(request, response); });
}

}  // namespace newsvault::serve
