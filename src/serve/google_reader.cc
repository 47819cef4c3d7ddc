// The Google Reader API as FreshRSS and Miniflux serve it, and its Atom
// stream view (/reader/atom/STREAM) that older clients read.
//
//   ClientLogin (Email, Passwd) ─► Auth token (a session in the store)
//   Authorization: GoogleLogin auth=TOKEN ─► the reader
//   token ─► T, the edit token every POST carries
//   stream ids: feed/ID, user/-/state/com.google/{reading-list,starred,read},
//               user/-/label/All
//   item ids: tag:google.com,2005:reader/item/<16 hex>, <16 hex>, short hex,
//             decimal; stream/items/ids answers decimal
#include <algorithm>
#include <charconv>
#include <chrono>

#include "core/html.h"
#include "serve/routes.h"

namespace newsvault::serve {
namespace {

constexpr std::string_view kLongIdPrefix = "tag:google.com,2005:reader/item/";
constexpr std::string_view kStatePrefix = "user/-/state/com.google/";
constexpr std::size_t kDefaultItems = 20;
constexpr std::size_t kMaxItems = 1000;
constexpr std::size_t kMaxIds = 10000;

std::string trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

std::string long_id(std::int64_t id) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(id));
  return std::string(kLongIdPrefix) + hex;
}

bool all_of(std::string_view text, bool (*test)(char)) {
  return !text.empty() && std::ranges::all_of(text, test);
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// An item id in any form clients send; nullopt for none.
std::optional<std::int64_t> parse_item_id(std::string_view raw) {
  std::string text = trim(raw);
  std::string_view id = text;
  int base = 10;
  if (id.starts_with(kLongIdPrefix)) {
    id.remove_prefix(kLongIdPrefix.size());
    base = 16;
  } else if (id.size() == 16 && all_of(id, is_hex)) {
    base = 16;  // the long form's tail alone
  } else if (!all_of(id, is_digit)) {
    base = 16;  // short hex
  }
  if (!all_of(id, base == 16 ? is_hex : is_digit) || id.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value, base);
  if (error != std::errc() || end != id.data() + id.size() || value > INT64_MAX) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

struct Stream {
  enum class Kind { kAll, kStarred, kRead, kFeed, kUnknown } kind = Kind::kUnknown;
  std::int64_t feed_id = 0;
};

// A stream id; "user/123/..." as "user/-/...".
Stream parse_stream(std::string_view raw, const Snapshot& snapshot) {
  std::string text = trim(raw);
  if (text.starts_with("user/")) {
    const std::size_t slash = text.find('/', 5);
    if (slash != std::string::npos) text = "user/-" + text.substr(slash);
  }
  if (text == std::string(kStatePrefix) + "reading-list" || text == "user/-/label/" + std::string(kLabel)) {
    return {Stream::Kind::kAll};
  }
  if (text == std::string(kStatePrefix) + "starred") return {Stream::Kind::kStarred};
  if (text == std::string(kStatePrefix) + "read") return {Stream::Kind::kRead};
  if (text.starts_with("feed/")) {
    const std::string rest = text.substr(5);
    if (all_of(rest, is_digit) && rest.size() < 18) {
      const std::int64_t id = std::stoll(rest);
      if (snapshot.feed(id) != nullptr) return {Stream::Kind::kFeed, id};
    }
    for (const store::FeedRecord& feed : snapshot.source.feeds) {
      if (feed.url == rest) return {Stream::Kind::kFeed, feed.id};  // some clients name a feed by its address
    }
  }
  return {};
}

bool is_state(std::string_view tag, std::string_view state) {
  const std::string text = trim(tag);
  return std::string_view(text).ends_with("/state/com.google/" + std::string(state)) && text.starts_with("user/");
}

std::string feed_stream_id(std::int64_t feed_id) { return "feed/" + std::to_string(feed_id); }

std::string edit_token(std::string_view auth) { return store::sha256_hex("edit:" + std::string(auth)).substr(0, 57); }

void answer_text(httplib::Response& response, std::string_view text, int status = 200) {
  response.status = status;
  response.set_content(std::string(text), "text/plain; charset=utf-8");
}

// The answer's body moved in, not copied: stream contents run to many kilobytes.
void answer_json(httplib::Response& response, std::string json) {
  response.body = std::move(json);
  response.set_header("Content-Type", "application/json; charset=utf-8");
}

// The reader a GoogleLogin header names, or nullopt with 401 (or 429) set.
struct Authorized {
  Reader reader;
  std::string token;
};
std::optional<Authorized> authorize(const httplib::Request& request, httplib::Response& response, Library& library) {
  const std::string header = request.get_header_value("Authorization");
  constexpr std::string_view kScheme = "GoogleLogin auth=";
  std::string token;
  if (header.starts_with(kScheme)) token = trim(std::string_view(header).substr(kScheme.size()));
  if (library.accounts().address_refused(request.remote_addr)) {
    response.set_header("Retry-After", "60");
    answer_text(response, "Too many failed logins: try again later.\n", 429);
    return std::nullopt;
  }
  Result<std::optional<Reader>> reader = [&]() -> Result<std::optional<Reader>> {
    if (auto known = library.accounts().remembered_token(token)) return known;
    auto store = library.lease();
    return library.accounts().reader_of_token(*store, token);
  }();
  if (!reader) {
    answer_failure(response, reader.error());
    return std::nullopt;
  }
  if (!*reader) {
    if (!token.empty()) library.accounts().token_failed(request.remote_addr);
    answer_text(response, "Unauthorized!\n", 401);
    return std::nullopt;
  }
  note_reader(**reader);
  return Authorized{**reader, token};
}

// POSTs that change state carry T, the edit token.
bool edit_token_ok(const httplib::Request& request, httplib::Response& response, const Authorized& authorized) {
  // newsboat sends the token as it read it, newline included.
  if (trim(request.get_param_value("T")) == edit_token(authorized.token)) return true;
  response.set_header("X-Reader-Google-Bad-Token", "true");
  answer_text(response, "Unauthorized!\n", 401);
  return false;
}

std::optional<Timestamp> seconds_param(const httplib::Request& request, const char* name) {
  const std::string value = request.get_param_value(name);
  if (!all_of(value, is_digit) || value.size() > 12) return std::nullopt;
  return Timestamp(std::chrono::seconds(std::stoll(value)));
}

std::size_t count_param(const httplib::Request& request, const char* name, std::size_t fallback, std::size_t most) {
  const std::string value = request.get_param_value(name);
  if (!all_of(value, is_digit) || value.size() > 9) return fallback;
  return std::clamp<std::size_t>(std::stoul(value), 1, most);
}

// The stream a request asks for, as a query; nullopt with 400 set when
// the stream is unknown.
std::optional<StreamQuery> stream_query(const httplib::Request& request, httplib::Response& response,
                                        std::string_view stream_id, const Snapshot& snapshot, std::size_t most) {
  const Stream stream = parse_stream(stream_id, snapshot);
  StreamQuery query;
  switch (stream.kind) {
    case Stream::Kind::kAll: break;
    case Stream::Kind::kStarred: query.starred_only = true; break;
    case Stream::Kind::kRead: query.read_only = true; break;
    case Stream::Kind::kFeed: query.feed_id = stream.feed_id; break;
    case Stream::Kind::kUnknown:
      answer_text(response, "Unknown stream: " + trim(stream_id) + "\n", 400);
      return std::nullopt;
  }
  for (std::size_t i = 0; i < request.get_param_value_count("xt"); ++i) {
    if (is_state(request.get_param_value("xt", i), "read")) query.unread_only = true;
  }
  for (std::size_t i = 0; i < request.get_param_value_count("it"); ++i) {
    const std::string tag = request.get_param_value("it", i);
    if (is_state(tag, "starred")) query.starred_only = true;
    if (is_state(tag, "read")) query.read_only = true;
  }
  query.oldest = seconds_param(request, "ot");
  query.newest = seconds_param(request, "nt");
  query.ascending = request.get_param_value("r") == "o";
  query.limit = count_param(request, "n", kDefaultItems, most);
  const std::string continuation = request.get_param_value("c");
  if (all_of(continuation, is_digit) && continuation.size() < 10) query.offset = std::stoul(continuation);
  return query;
}

std::string categories_json(const Item& item) {
  std::string out = "[\"user/-/state/com.google/reading-list\",\"user/-/label/" + std::string(kLabel) + "\"";
  if (item.read) out += ",\"user/-/state/com.google/read\"";
  if (item.starred) out += ",\"user/-/state/com.google/starred\"";
  return out + "]";
}

void append_item_json(std::string& out, const Item& item) {
  const ArticleText& text = *item.text;
  out += "{\"id\":\"" + long_id(item.id) + "\",\"crawlTimeMsec\":\"" +
         std::to_string(item.first_seen.time_since_epoch().count()) + "\",\"timestampUsec\":\"" +
         std::to_string(item.time().time_since_epoch().count() * 1000) + "\",\"published\":" +
         std::to_string(seconds(item.time())) + ",\"updated\":" + std::to_string(seconds(item.last_changed)) +
         ",\"title\":";
  out += text.title_json;
  out += ",\"author\":\"\",\"categories\":" + categories_json(item);
  if (!text.url.empty()) {
    out += ",\"canonical\":[{\"href\":" + text.url_json + "}],\"alternate\":[{\"href\":" + text.url_json +
           ",\"type\":\"text/html\"}]";
  }
  out += ",\"summary\":{\"direction\":\"ltr\",\"content\":";
  out += text.html_json;
  out += "},\"origin\":{\"streamId\":\"" + feed_stream_id(item.feed_id) + "\",\"title\":" + json_string(item.feed_name) +
         ",\"htmlUrl\":" + json_string(item.feed_url) + "}}";
}

// Google Reader's item list, in two parts around the time it is sent
// ("updated"): the head, and the items after it, which an answer kept for
// the next request reuses. The body goes once, as summary: clients read
// summary or content, and sending it twice doubled every answer.
std::string items_json_head(std::string_view id, std::string_view title) {
  return "{\"direction\":\"ltr\",\"id\":" + json_string(id) + ",\"title\":" + json_string(title) + ",\"updated\":";
}

std::string items_json_tail(const std::vector<Item>& items, std::optional<std::size_t> continuation) {
  std::size_t size = 64;
  for (const Item& item : items) size += item.text->html_json.size() + item.text->title_json.size() + 2 * item.text->url_json.size() + 512;
  std::string out;
  out.reserve(size);
  out += ",\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_item_json(out, items[i]);
  }
  out += "]";
  if (continuation) out += ",\"continuation\":\"" + std::to_string(*continuation) + "\"";
  out += "}";
  return out;
}

std::string items_json(std::string_view head, std::string_view tail) {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::string updated = std::to_string(seconds(now));
  std::string out;
  out.reserve(head.size() + updated.size() + tail.size());
  out.append(head).append(updated).append(tail);
  return out;
}

std::string items_json(std::string_view id, std::string_view title, const std::vector<Item>& items,
                       std::optional<std::size_t> continuation) {
  return items_json(items_json_head(id, title), items_json_tail(items, continuation));
}

std::string stream_title(std::string_view stream_id, const Snapshot& snapshot) {
  const Stream stream = parse_stream(stream_id, snapshot);
  if (stream.kind == Stream::Kind::kFeed) return snapshot.feed(stream.feed_id)->name;
  if (stream.kind == Stream::Kind::kStarred) return "Starred";
  return "newsvault";
}

std::string xml_text(std::string_view text) { return html::escape_attribute(text); }

std::string atom_category(std::string_view state) {
  return "<category term=\"user/-/state/com.google/" + std::string(state) +
         "\" scheme=\"http://www.google.com/reader/\" label=\"" + std::string(state) + "\"/>";
}

// The stream as Atom (RFC 4287), the form Google Reader served at
// /reader/atom/: each entry's read state as a category with the reader's
// scheme and a label ("read", or "fresh" while unread), which is what
// newsboat's feedhq mode reads.
std::string atom_feed(std::string_view stream_id, std::string_view title, const std::vector<Item>& items) {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xmlns:gr=\"http://www.google.com/schemas/reader/atom/\">\n<id>tag:google.com,2005:reader/" +
      xml_text(stream_id) + "</id>\n<title>" + xml_text(title) + "</title>\n<updated>" +
      format_iso8601_seconds(items.empty() ? now : items.front().time()) + "</updated>\n";
  for (const Item& item : items) {
    out += "<entry>\n<id>" + long_id(item.id) + "</id>\n<title type=\"html\">" + xml_text(item.text->title) + "</title>\n";
    out += "<published>" + format_iso8601_seconds(item.time()) + "</published>\n<updated>" +
           format_iso8601_seconds(item.last_changed) + "</updated>\n";
    if (!item.text->url.empty()) {
      out += "<link rel=\"alternate\" type=\"text/html\" href=\"" + xml_text(item.text->url) + "\"/>\n";
    }
    out += atom_category("reading-list") + atom_category(item.read ? "read" : "fresh");
    if (item.starred) out += atom_category("starred");
    out += "\n<content type=\"html\">" + xml_text(item.text->html) + "</content>\n<author><name>" + xml_text(item.feed_name) +
           "</name></author>\n<source gr:stream-id=\"" + feed_stream_id(item.feed_id) + "\"><id>tag:google.com,2005:reader/" +
           feed_stream_id(item.feed_id) + "</id><title>" + xml_text(item.feed_name) + "</title></source>\n</entry>\n";
  }
  return out + "</feed>\n";
}

// The ids of `i` parameters that name an item.
std::vector<std::int64_t> item_ids(const httplib::Request& request) {
  std::vector<std::int64_t> ids;
  const std::size_t count = std::min(request.get_param_value_count("i"), kMaxIds);
  for (std::size_t i = 0; i < count; ++i) {
    if (auto id = parse_item_id(request.get_param_value("i", i))) ids.push_back(*id);
  }
  return ids;
}

// The handlers: each authorizes, then reads or changes the reader's state.
class GoogleReader {
 public:
  explicit GoogleReader(Library& library) : library_(library) {}

  void client_login(const httplib::Request& request, httplib::Response& response) {
    const std::string name = request.get_param_value("Email");
    const std::string password = request.get_param_value("Passwd");
    auto store = library_.lease();
    auto login = library_.accounts().log_in(*store, request.remote_addr, name, password);
    if (!login) return answer_failure(response, login.error());
    if (login->outcome == Login::kRateLimited) {
      response.set_header("Retry-After", "60");
      return answer_text(response, "Error=TooManyAttempts\n", 429);
    }
    // The same answer for an unknown name and a wrong password.
    if (login->outcome != Login::kAccepted) return answer_text(response, "Error=BadAuthentication\n", 401);
    note_reader(login->reader);
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    auto token = library_.accounts().new_session(*store, login->reader, now);
    if (!token) return answer_failure(response, token.error());
    if (request.get_param_value("output") == "json") {
      return answer_json(response, "{\"SID\":\"" + *token + "\",\"LSID\":\"null\",\"Auth\":\"" + *token + "\"}");
    }
    answer_text(response, "SID=" + *token + "\nLSID=null\nAuth=" + *token + "\n");
  }

  void token(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized) return;
    answer_text(response, edit_token(authorized->token));
  }

  void user_info(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized) return;
    const std::string id = std::to_string(authorized->reader.id);
    answer_json(response, "{\"userId\":\"" + id + "\",\"userName\":" + json_string(authorized->reader.name) +
                              ",\"userProfileId\":\"" + id + "\",\"userEmail\":\"\"}");
  }

  void subscription_list(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    std::string out = "{\"subscriptions\":[";
    bool first = true;
    for (const store::FeedRecord& feed : (*snapshot)->source.feeds) {
      if (!first) out += ',';
      first = false;
      out += "{\"id\":\"" + feed_stream_id(feed.id) + "\",\"title\":" + json_string(feed.name) +
             ",\"categories\":[{\"id\":\"user/-/label/" + std::string(kLabel) + "\",\"label\":\"" + std::string(kLabel) +
             "\"}],\"url\":" + json_string(feed.url) + ",\"htmlUrl\":" + json_string(feed.url) + ",\"iconUrl\":\"\"}";
    }
    answer_json(response, out + "]}");
  }

  void tag_list(const httplib::Request& request, httplib::Response& response) {
    if (!authorize(request, response, library_)) return;
    answer_json(response, "{\"tags\":[{\"id\":\"user/-/state/com.google/starred\"},{\"id\":\"user/-/label/" +
                              std::string(kLabel) + "\",\"type\":\"folder\"}]}");
  }

  void unread_count(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized) return;
    auto counts = library_.unread_counts(authorized->reader);
    if (!counts) return answer_failure(response, counts.error());
    std::size_t total = 0;
    std::optional<Timestamp> newest;
    std::string out;
    for (const FeedCount& count : *counts) {
      total += count.unread;
      if (count.newest && (!newest || *count.newest > *newest)) newest = count.newest;
      out += "{\"id\":\"" + feed_stream_id(count.feed_id) + "\",\"count\":" + std::to_string(count.unread) +
             ",\"newestItemTimestampUsec\":\"" +
             std::to_string(count.newest ? count.newest->time_since_epoch().count() * 1000 : 0) + "\"},";
    }
    out += "{\"id\":\"user/-/state/com.google/reading-list\",\"count\":" + std::to_string(total) +
           ",\"newestItemTimestampUsec\":\"" + std::to_string(newest ? newest->time_since_epoch().count() * 1000 : 0) +
           "\"}";
    answer_json(response, "{\"max\":" + std::to_string(total) + ",\"unreadcounts\":[" + out + "]}");
  }

  void stream_item_ids(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    auto query = stream_query(request, response, request.get_param_value("s"), **snapshot, kMaxIds);
    if (!query) return;
    auto page = library_.stream(authorized->reader, *query);
    if (!page) return answer_failure(response, page.error());
    std::string out = "{\"itemRefs\":[";
    for (std::size_t i = 0; i < page->ids.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"id\":\"" + std::to_string(page->ids[i]) + "\"}";
    }
    out += "]";
    if (page->more) out += ",\"continuation\":\"" + std::to_string(query->offset + page->ids.size()) + "\"";
    answer_json(response, out + "}");
  }

  void stream_contents(const httplib::Request& request, httplib::Response& response, bool atom) {
    auto authorized = authorize(request, response, library_);
    if (!authorized) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    // The stream in the path (/stream/contents/feed%2F1) or in s.
    std::string stream_id = request.matches.size() > 1 ? std::string(request.matches[1]) : std::string();
    if (stream_id.empty()) stream_id = request.get_param_value("s");
    if (stream_id.empty()) stream_id = std::string(kStatePrefix) + "reading-list";
    auto query = stream_query(request, response, stream_id, **snapshot, kMaxItems);
    if (!query) return;
    const std::string title = stream_title(stream_id, **snapshot);
    // Clients poll the same streams again and again: a GET's items are
    // kept, per reader and address, until the store changes.
    const bool keep = !atom && request.method == "GET";
    const std::string key = std::to_string(authorized->reader.id) + " " + request.target;
    if (keep) {
      if (auto kept = library_.answer(key)) {
        return answer_json(response, items_json(items_json_head(stream_id, title), *kept));
      }
    }
    const std::uint64_t generation = library_.answer_generation();
    auto page = library_.stream(authorized->reader, *query);
    if (!page) return answer_failure(response, page.error());
    auto items = library_.items(authorized->reader, page->ids);
    if (!items) return answer_failure(response, items.error());
    if (atom) {
      response.set_content(atom_feed(stream_id, title, *items), "application/atom+xml; charset=utf-8");
      return;
    }
    std::optional<std::size_t> continuation;
    if (page->more) continuation = query->offset + page->ids.size();
    std::string tail = items_json_tail(*items, continuation);
    answer_json(response, items_json(items_json_head(stream_id, title), tail));
    if (keep) library_.keep_answer(key, generation, std::move(tail));
  }

  void stream_items_contents(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized) return;
    auto items = library_.items(authorized->reader, item_ids(request));
    if (!items) return answer_failure(response, items.error());
    answer_json(response, items_json(std::string(kStatePrefix) + "reading-list", "newsvault", *items, std::nullopt));
  }

  void edit_tag(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized || !edit_token_ok(request, response, *authorized)) return;
    std::optional<bool> read;
    std::optional<bool> starred;
    for (std::size_t i = 0; i < request.get_param_value_count("a"); ++i) {
      const std::string tag = request.get_param_value("a", i);
      if (is_state(tag, "read")) read = true;
      if (is_state(tag, "kept-unread")) read = false;
      if (is_state(tag, "starred")) starred = true;
    }
    for (std::size_t i = 0; i < request.get_param_value_count("r"); ++i) {
      const std::string tag = request.get_param_value("r", i);
      if (is_state(tag, "read")) read = false;
      if (is_state(tag, "starred")) starred = false;
    }
    const std::vector<std::int64_t> ids = item_ids(request);
    if (ids.empty()) return answer_text(response, "No item ids (i).\n", 400);
    if (auto done = library_.set_state(authorized->reader, ids, read, starred); !done) {
      return answer_failure(response, done.error());
    }
    answer_text(response, "OK");
  }

  void mark_all_as_read(const httplib::Request& request, httplib::Response& response) {
    auto authorized = authorize(request, response, library_);
    if (!authorized || !edit_token_ok(request, response, *authorized)) return;
    auto snapshot = library_.snapshot();
    if (!snapshot) return answer_failure(response, snapshot.error());
    const Stream stream = parse_stream(request.get_param_value("s"), **snapshot);
    if (stream.kind != Stream::Kind::kAll && stream.kind != Stream::Kind::kFeed) {
      return answer_text(response, "Unknown stream: " + request.get_param_value("s") + "\n", 400);
    }
    Timestamp until = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const std::string ts = request.get_param_value("ts");  // microseconds
    if (all_of(ts, is_digit) && ts.size() < 19) until = Timestamp(std::chrono::milliseconds(std::stoll(ts) / 1000));
    std::optional<std::int64_t> feed_id;
    if (stream.kind == Stream::Kind::kFeed) feed_id = stream.feed_id;
    if (auto done = library_.mark_all_read(authorized->reader, feed_id, until); !done) {
      return answer_failure(response, done.error());
    }
    answer_text(response, "OK");
  }

 private:
  Library& library_;
};

}  // namespace

void add_google_reader_api(httplib::Server& server, Library& library) {
  auto api = std::make_shared<GoogleReader>(library);
  using Request = const httplib::Request&;
  using Response = httplib::Response&;
  auto login = [api](Request request, Response response) { api->client_login(request, response); };
  server.Post("/accounts/ClientLogin", login);
  server.Get("/accounts/ClientLogin", login);
  constexpr std::string_view kApi = "/reader/api/0/";
  // What changes state is POST only (and carries T).
  auto route = [&](std::string_view path, auto handler, bool changes = false) {
    const std::string pattern = std::string(kApi) + std::string(path);
    auto call = [api, handler](Request request, Response response) { ((*api).*handler)(request, response); };
    if (!changes) server.Get(pattern, call);
    server.Post(pattern, call);
  };
  route("token", &GoogleReader::token);
  route("user-info", &GoogleReader::user_info);
  route("subscription/list", &GoogleReader::subscription_list);
  route("tag/list", &GoogleReader::tag_list);
  route("unread-count", &GoogleReader::unread_count);
  route("stream/items/ids", &GoogleReader::stream_item_ids);
  route("stream/items/contents", &GoogleReader::stream_items_contents);
  route("edit-tag", &GoogleReader::edit_tag, true);
  route("mark-all-as-read", &GoogleReader::mark_all_as_read, true);
  auto contents = [api](Request request, Response response) { api->stream_contents(request, response, false); };
  server.Get(std::string(kApi) + "stream/contents/?(.*)", contents);
  server.Post(std::string(kApi) + "stream/contents/?(.*)", contents);
  server.Get("/reader/atom/?(.*)",
             [api](Request request, Response response) { api->stream_contents(request, response, true); });
}

}  // namespace newsvault::serve
