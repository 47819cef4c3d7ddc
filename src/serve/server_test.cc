// `newsvault serve` as its users meet it: a real server on 127.0.0.1 over
// an archive fetched from a feed on 127.0.0.1 whose articles differ
// between runs, asked by HTTP as the reader apps ask (FreshRSS's and
// Miniflux's request sequences), and by Debian's newsboat in its feedhq
// (Google Reader) and miniflux modes, whose SQLite cache says what it
// received.
#include <gtest/gtest.h>
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/http_test_server.h"
#include "support/postgresql_test_support.h"
#include "support/test_images.h"
#include "support/test_support.h"

namespace newsvault::serve {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::run_command;
using testing::run_newsvault;
using testing::shell_quote;

constexpr char kPassword[] = "a long pass phrase";

std::string rss_item(const std::string& guid, const std::string& title, const std::string& body, int day) {
  char date[64];
  std::snprintf(date, sizeof date, "%02d Jun 2023 08:00:00 GMT", day);
  return "<item><title>" + title + "</title><link>https://news.example/" + guid + "</link><guid>" + guid +
         "</guid><pubDate>" + date + "</pubDate><description>" + body + "</description></item>";
}

// Rows of a query on an SQLite file (newsboat's cache), one string per row,
// columns joined by '|'.
std::vector<std::string> sqlite_rows(const fs::path& file, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* database = nullptr;
  if (sqlite3_open_v2(file.c_str(), &database, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(database);
    return rows;
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(database, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      std::string row;
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        if (column > 0) row += '|';
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
        row += text == nullptr ? "" : text;
      }
      rows.push_back(row);
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(database);
  return rows;
}

// Every byte but letters and digits as %XX.
std::string percent_encoded(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// Each ServeTest runs on both engines: an archive whose store is SQLite,
// and one whose store is a fresh database in the test cluster (skipped,
// saying so, without one).
class ServeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string store_option;
    if (GetParam() == "postgresql") {
      if (testing::postgresql_uri().empty()) GTEST_SKIP() << testing::kNoPostgresql;
      store_option = " --store " + shell_quote(database_.emplace().uri());
    }
    // Words no other run has: what the server answers was archived now.
    word_ = "w" + std::to_string(std::random_device()());
    feed_body_ = "<rss version=\"2.0\"><channel><title>Gazette</title>" +
                 rss_item("one", "First " + word_, "&lt;p&gt;Text of the first story " + word_ + ".&lt;/p&gt;", 19) +
                 rss_item("two", "Second " + word_, "&lt;p&gt;臺灣的選舉 and rain.&lt;/p&gt;", 20) +
                 rss_item("three", "Third " + word_, "&lt;p&gt;More text.&lt;/p&gt;", 21) + "</channel></rss>";
    feed_server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = feed_body_});
    archive_ = dir_.path() / "archive";
    auto initialised = run_newsvault("init -q " + shell_quote(archive_.string()) + store_option);
    ASSERT_EQ(initialised.exit_status, 0) << initialised.err;
    ASSERT_EQ(newsvault("add -q " + feed_server_.url("/feed.xml") + " --name gazette --full-text never").exit_status, 0);
    auto fetched = newsvault("fetch -q");
    ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
    auto added = add_user("reader", kPassword);
    ASSERT_EQ(added.exit_status, 0) << added.err;
  }

  // Fetches an article showing `picture` (kept by the fetch); the path of
  // its site page from the site's folder ("/feeds/…html"), "" when none.
  std::string fetch_pictured(const std::string& picture) {
    const std::string token = std::to_string(std::random_device()());
    const std::string name = "/pic" + token + ".png";
    feed_server_.set(name, {.headers = {{"Content-Type", "image/png"}}, .body = picture});
    std::string body = feed_body_;
    body.insert(body.find("</channel>"), rss_item("pictured-" + token, "Pictured " + word_ + " " + token,
                                                  "&lt;p&gt;Look.&lt;/p&gt;&lt;img src=\"" + feed_server_.url(name) +
                                                      "\"&gt;", 23));
    feed_server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = body});
    auto fetched = newsvault("fetch -q");
    EXPECT_EQ(fetched.exit_status, 0) << fetched.err;
    for (const auto& entry : fs::recursive_directory_iterator(archive_ / "site")) {
      if (entry.path().extension() == ".html" && entry.path().filename() != "index.html" &&
          testing::read_file(entry.path()).find("<h1>Pictured " + word_ + " " + token) != std::string::npos) {
        return "/" + entry.path().lexically_relative(archive_ / "site").generic_string();
      }
    }
    return "";
  }

  void TearDown() override { stop_server(); }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }

  testing::CommandResult add_user(const std::string& name, const std::string& password, const std::string& extra = "") {
    return run_command("printf '%s\\n' " + shell_quote(password) + " | " + shell_quote(testing::newsvault_binary()) +
                       " --dir " + shell_quote(archive_.string()) + " user add " + shell_quote(name) +
                       " --password-stdin " + extra);
  }

  // Starts `newsvault serve` on a port the system picks; its stderr (the
  // access log) goes to a file.
  void start_server() {
    log_ = dir_.path() / "serve.log";
    testing::write_file(log_, "");
    server_pid_ = fork();
    if (server_pid_ == 0) {
      const int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(log, 2);
      const std::string binary = testing::newsvault_binary();
      execl(binary.c_str(), binary.c_str(), "--dir", archive_.c_str(), "serve", "--listen", "127.0.0.1:0",
            "--threads", "16", static_cast<char*>(nullptr));
      _exit(127);
    }
    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
    for (int attempt = 0; attempt < 600 && port_ == 0; ++attempt) {
      std::smatch match;
      const std::string text = testing::read_file(log_);
      if (std::regex_search(text, match, listening)) {
        port_ = std::stoi(match[1]);
      } else {
        int status = 0;
        ASSERT_EQ(waitpid(server_pid_, &status, WNOHANG), 0) << "serve ended: " << text;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    ASSERT_NE(port_, 0) << testing::read_file(log_);
  }

  // SIGTERM, and how the server ended.
  int stop_server() {
    if (server_pid_ <= 0) return -1;
    kill(server_pid_, SIGTERM);
    int status = 0;
    waitpid(server_pid_, &status, 0);
    server_pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // The search index is kept only in an SQLite store: on PostgreSQL,
  // searches answer why they find nothing.
  bool searches_unavailable() const { return GetParam() == "postgresql"; }
  static constexpr std::string_view kNoSearchIndex = "the search index is kept only in an SQLite store";

  httplib::Client client() {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60);
    return client;
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // ClientLogin, then the edit token, as every Google Reader client starts.
  std::string log_in(httplib::Client& http) {
    auto login = http.Post("/accounts/ClientLogin", "Email=reader&Passwd=" + std::string(kPassword),
                           "application/x-www-form-urlencoded");
    EXPECT_TRUE(login);
    if (!login) return {};
    EXPECT_EQ(login->status, 200) << login->body;
    const std::smatch match = [&] {
      std::smatch found;
      std::regex_search(login->body, found, std::regex("Auth=([0-9a-f]+)"));
      return found;
    }();
    EXPECT_FALSE(match.empty()) << login->body;
    return match.empty() ? std::string() : std::string(match[1]);
  }

  httplib::Headers google_auth(const std::string& auth) { return {{"Authorization", "GoogleLogin auth=" + auth}}; }

  // A logged-in Google Reader client: its headers and its edit token.
  struct GoogleSession {
    httplib::Headers headers;
    std::string edit_token;
  };
  GoogleSession google_session(httplib::Client& http) {
    const std::string auth = log_in(http);
    EXPECT_FALSE(auth.empty());
    GoogleSession session{google_auth(auth), {}};
    auto token = http.Get("/reader/api/0/token", session.headers);
    EXPECT_TRUE(token);
    if (!token) return session;
    EXPECT_EQ(token->status, 200);
    session.edit_token = token->body;
    return session;
  }

  // The feed gains an article, and a fetch archives it.
  void fetch_new_article(const std::string& title) {
    std::string body = feed_body_;
    body.insert(body.find("</channel>"), rss_item("four", title, "&lt;p&gt;News.&lt;/p&gt;", 22));
    feed_server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = body});
    auto fetched = newsvault("fetch -q");
    ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  }

  Json get_json(httplib::Client& http, const std::string& path, const httplib::Headers& headers) {
    auto response = http.Get(path, headers);
    EXPECT_TRUE(response) << path;
    if (!response) return {};
    EXPECT_EQ(response->status, 200) << path << ": " << response->body;
    return Json::parse(response->body, nullptr, false);
  }

  // Declared first: the database outlives the server's connections to it.
  std::optional<testing::ScratchDatabase> database_;
  testing::TempDir dir_;
  testing::HttpTestServer feed_server_;
  fs::path archive_;
  fs::path log_;
  std::string word_;
  std::string feed_body_;
  pid_t server_pid_ = -1;
  int port_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Engines, ServeTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST_P(ServeTest, ReaderPagesAreTheStaticSitesPagesWithItsPolicy) {
  start_server();
  httplib::Client http = client();
  auto home = http.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  // The same rendering as the static site `fetch` wrote, byte for byte.
  EXPECT_EQ(home->body, testing::read_file(archive_ / "site" / "index.html"));
  EXPECT_NE(home->body.find("First " + word_), std::string::npos);
  EXPECT_EQ(home->get_header_value("Content-Security-Policy"),
            "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'");
  // Every page the site has is served as the site has it.
  std::size_t pages = 0;
  for (const auto& entry : fs::recursive_directory_iterator(archive_ / "site")) {
    if (!entry.is_regular_file()) continue;
    const std::string path = "/" + entry.path().lexically_relative(archive_ / "site").generic_string();
    // The site's search page and its index run in the browser; the server
    // answers /search.html?q= itself, from the store's index.
    if (path == "/search.html" || path.starts_with("/search/")) continue;
    auto page = http.Get(path);
    ASSERT_TRUE(page) << path;
    EXPECT_EQ(page->status, 200) << path;
    EXPECT_EQ(page->body, testing::read_file(entry.path())) << path;
    ++pages;
  }
  EXPECT_GT(pages, 5u);
  auto missing = http.Get("/feeds/nothing/here.html");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // Each request is in the access log on stderr (written once the answer
  // is sent: complete when the server has stopped).
  EXPECT_EQ(stop_server(), 0);
  EXPECT_NE(testing::read_file(log_).find("\"GET /feeds/nothing/here.html HTTP/1.1\" 404"), std::string::npos);
}

// Fetches an article showing `picture` (kept by the fetch); the path of its
// site page, relative to the site's folder ("/feeds/…html").
TEST_P(ServeTest, AReaderPageShowsAKeptImageFromTheArchiveAsAnInertImage) {
  // A picture new to this run: its bytes are what the reader must get back.
  const std::string picture = testing::make_png(7, 3, std::random_device()() & 0xFFFFFF);
  const std::string page_path = fetch_pictured(picture);
  ASSERT_FALSE(page_path.empty());
  const fs::path page_file = archive_ / "site" / page_path.substr(1);

  start_server();
  httplib::Client http = client();
  auto page = http.Get(page_path);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  // The static site's page byte for byte, whose relative address leads
  // to the server's /media/.
  EXPECT_EQ(page->body, testing::read_file(page_file));
  std::smatch src;
  ASSERT_TRUE(std::regex_search(page->body, src, std::regex("<img src=\"((\\.\\./)*)(media/sha256/[^\"]+)\"")))
      << page->body;
  auto image = http.Get("/" + src[3].str());
  ASSERT_TRUE(image);
  EXPECT_EQ(image->status, 200);
  EXPECT_EQ(image->body, picture);
  EXPECT_EQ(image->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(image->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(image->get_header_value("Content-Security-Policy"), "default-src 'none'; sandbox");
  // Nothing but a kept image's name is answered from the archive folder.
  for (const std::string& path : std::vector<std::string>{"/media/sha256/../../newsvault.toml", "/media/sha256/ab/cd.png",
                                 "/" + src[3].str() + ".html"}) {
    auto other = http.Get(path);
    ASSERT_TRUE(other) << path;
    EXPECT_NE(other->body, testing::read_file(archive_ / "newsvault.toml")) << path;
    EXPECT_NE(other->get_header_value("Content-Type"), "image/png") << path;
  }
}

TEST_P(ServeTest, AnImageKeptAfterTheServerStartedShowsFromTheArchive) {
  start_server();
  httplib::Client http = client();
  const std::string picture = testing::make_png(5, 4, std::random_device()() & 0xFFFFFF);
  const std::string page_path = fetch_pictured(picture);
  ASSERT_FALSE(page_path.empty());
  // The server looks at the store again after a quarter of a second.
  std::string shown;
  for (int attempt = 0; attempt < 100 && shown.find("media/sha256/") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto page = http.Get(page_path);
    ASSERT_TRUE(page);
    shown = page->status == 200 ? page->body : "";
  }
  EXPECT_EQ(shown, testing::read_file(archive_ / "site" / page_path.substr(1)));
  std::smatch src;
  ASSERT_TRUE(std::regex_search(shown, src, std::regex("<img src=\"((\\.\\./)*)(media/sha256/[^\"]+)\""))) << shown;
  auto image = http.Get("/" + src[3].str());
  ASSERT_TRUE(image);
  EXPECT_EQ(image->body, picture);
}

TEST_P(ServeTest, SearchPageFindsChineseInEitherScript) {
  start_server();
  httplib::Client http = client();
  auto found = http.Get("/search.html?q=%E5%8F%B0%E6%B9%BE");  // 台湾, the text has 臺灣
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200);
  if (searches_unavailable()) {
    // The page says why it finds nothing rather than finding nothing.
    EXPECT_NE(found->body.find(kNoSearchIndex), std::string::npos) << found->body;
    return;
  }
  EXPECT_NE(found->body.find("Second " + word_), std::string::npos) << found->body;
  EXPECT_EQ(found->body.find("First " + word_), std::string::npos);
  // Its form may submit to the server, and nothing else changes.
  EXPECT_EQ(found->get_header_value("Content-Security-Policy"),
            "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'");
  auto none = http.Get("/search.html?q=nothingmatches" + word_);
  ASSERT_TRUE(none);
  EXPECT_NE(none->body.find("No article holds every word"), std::string::npos);
}

TEST_P(ServeTest, GoogleReaderClientSequenceReadsAndMarksArticles) {
  start_server();
  httplib::Client http = client();
  const auto [headers, edit_token] = google_session(http);
  ASSERT_FALSE(edit_token.empty());

  Json info = get_json(http, "/reader/api/0/user-info?output=json", headers);
  EXPECT_EQ(info["userName"], "reader");

  Json subscriptions = get_json(http, "/reader/api/0/subscription/list?output=json", headers);
  ASSERT_EQ(subscriptions["subscriptions"].size(), 1u);
  const std::string feed_stream = subscriptions["subscriptions"][0]["id"];
  EXPECT_EQ(subscriptions["subscriptions"][0]["title"], "gazette");
  EXPECT_EQ(subscriptions["subscriptions"][0]["url"], feed_server_.url("/feed.xml"));

  Json tags = get_json(http, "/reader/api/0/tag/list?output=json", headers);
  EXPECT_EQ(tags["tags"][0]["id"], "user/-/state/com.google/starred");

  Json unread = get_json(http, "/reader/api/0/unread-count?output=json", headers);
  EXPECT_EQ(unread["max"], 3);

  // Unread ids, newest first, in decimal; two at a time with a continuation.
  Json ids = get_json(http,
                      "/reader/api/0/stream/items/ids?output=json&s=user/-/state/com.google/reading-list"
                      "&xt=user/-/state/com.google/read&n=2",
                      headers);
  ASSERT_EQ(ids["itemRefs"].size(), 2u);
  EXPECT_EQ(ids["continuation"], "2");
  Json rest = get_json(http,
                       "/reader/api/0/stream/items/ids?output=json&s=user/-/state/com.google/reading-list"
                       "&xt=user/-/state/com.google/read&n=2&c=2",
                       headers);
  ASSERT_EQ(rest["itemRefs"].size(), 1u);
  EXPECT_FALSE(rest.contains("continuation"));
  const std::string newest = ids["itemRefs"][0]["id"];
  const std::string middle = ids["itemRefs"][1]["id"];
  const std::string oldest = rest["itemRefs"][0]["id"];

  // The contents of items named in each form clients send: decimal, long
  // hex, and short hex.
  char long_form[64];
  std::snprintf(long_form, sizeof long_form, "tag:google.com,2005:reader/item/%016llx", std::stoull(middle));
  char short_form[32];
  std::snprintf(short_form, sizeof short_form, "%llx", std::stoull(oldest));
  auto contents = http.Post("/reader/api/0/stream/items/contents?output=json", headers,
                            "i=" + newest + "&i=" + percent_encoded(long_form) + "&i=" + short_form,
                            "application/x-www-form-urlencoded");
  ASSERT_TRUE(contents);
  ASSERT_EQ(contents->status, 200) << contents->body;
  Json items = Json::parse(contents->body)["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["title"], "Third " + word_);
  EXPECT_EQ(items[1]["id"], long_form);
  EXPECT_EQ(items[1]["title"], "Second " + word_);
  EXPECT_EQ(items[2]["title"], "First " + word_);
  EXPECT_EQ(items[2]["alternate"][0]["href"], "https://news.example/one");
  EXPECT_NE(items[2]["summary"]["content"].get<std::string>().find("Text of the first story " + word_),
            std::string::npos);
  EXPECT_EQ(items[2]["origin"]["streamId"], feed_stream);

  // edit-tag without the edit token changes nothing.
  auto forged = http.Post("/reader/api/0/edit-tag", headers, "i=" + newest + "&a=user/-/state/com.google/read",
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  // With it (newline and all, as newsboat sends it): read, then starred.
  auto marked = http.Post("/reader/api/0/edit-tag", headers,
                          "i=" + newest + "&a=user/-/state/com.google/read&T=" + edit_token + "%0A",
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(marked);
  EXPECT_EQ(marked->status, 200);
  EXPECT_EQ(marked->body, "OK");
  auto starred = http.Post("/reader/api/0/edit-tag", headers,
                           "i=" + std::string(long_form) + "&a=user/-/state/com.google/starred&T=" + edit_token,
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(starred);
  EXPECT_EQ(starred->body, "OK");

  EXPECT_EQ(get_json(http, "/reader/api/0/unread-count?output=json", headers)["max"], 2);
  Json unread_stream = get_json(
      http, "/reader/api/0/stream/contents/" + percent_encoded(feed_stream) + "?xt=user/-/state/com.google/read",
      headers);
  ASSERT_EQ(unread_stream["items"].size(), 2u);
  EXPECT_EQ(unread_stream["items"][0]["title"], "Second " + word_);
  Json starred_stream = get_json(http, "/reader/api/0/stream/contents/user/-/state/com.google/starred", headers);
  ASSERT_EQ(starred_stream["items"].size(), 1u);
  EXPECT_EQ(starred_stream["items"][0]["title"], "Second " + word_);
  const Json categories = starred_stream["items"][0]["categories"];
  EXPECT_NE(std::find(categories.begin(), categories.end(), "user/-/state/com.google/starred"), categories.end());

  // kept-unread brings one back; mark-all-as-read reads the whole feed.
  auto kept = http.Post("/reader/api/0/edit-tag", headers,
                        "i=" + newest + "&r=user/-/state/com.google/read&a=user/-/state/com.google/kept-unread&T=" +
                            edit_token,
                        "application/x-www-form-urlencoded");
  ASSERT_TRUE(kept);
  EXPECT_EQ(get_json(http, "/reader/api/0/unread-count?output=json", headers)["max"], 3);
  auto all_read = http.Post("/reader/api/0/mark-all-as-read", headers, "s=" + feed_stream + "&T=" + edit_token,
                            "application/x-www-form-urlencoded");
  ASSERT_TRUE(all_read);
  EXPECT_EQ(all_read->body, "OK");
  EXPECT_EQ(get_json(http, "/reader/api/0/unread-count?output=json", headers)["max"], 0);
}

TEST_P(ServeTest, LoginFailuresLookTheSameAndAreRateLimited) {
  start_server();
  httplib::Client http = client();
  auto wrong = http.Post("/accounts/ClientLogin", "Email=reader&Passwd=wrong-password",
                         "application/x-www-form-urlencoded");
  auto unknown = http.Post("/accounts/ClientLogin", "Email=nobody&Passwd=wrong-password",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(wrong);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, wrong->status);
  EXPECT_EQ(unknown->body, wrong->body);
  // The APIs need a user.
  auto anonymous = http.Get("/reader/api/0/subscription/list?output=json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto anonymous_miniflux = http.Get("/v1/feeds");
  ASSERT_TRUE(anonymous_miniflux);
  EXPECT_EQ(anonymous_miniflux->status, 401);
  // Past five failures in a minute, even the right password is refused for
  // a while, and says why.
  for (int i = 0; i < 3; ++i) {
    http.Post("/accounts/ClientLogin", "Email=reader&Passwd=wrong-password", "application/x-www-form-urlencoded");
  }
  auto limited = http.Post("/accounts/ClientLogin", "Email=reader&Passwd=" + std::string(kPassword),
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "60");
}

TEST_P(ServeTest, MinifluxClientReadsFiltersSearchesAndMarksEntries) {
  auto keyed = add_user("keyholder", "another pass phrase", "--key");
  ASSERT_EQ(keyed.exit_status, 0) << keyed.err;
  std::string key = keyed.out;
  while (!key.empty() && key.back() == '\n') key.pop_back();
  ASSERT_EQ(key.size(), 43u);
  start_server();
  httplib::Client http = client();
  http.set_basic_auth("reader", kPassword);
  const httplib::Headers none;

  Json me = get_json(http, "/v1/me", none);
  EXPECT_EQ(me["username"], "reader");
  Json feeds = get_json(http, "/v1/feeds", none);
  ASSERT_EQ(feeds.size(), 1u);
  EXPECT_EQ(feeds[0]["title"], "gazette");
  EXPECT_EQ(feeds[0]["feed_url"], feed_server_.url("/feed.xml"));
  EXPECT_EQ(feeds[0]["category"]["id"], 1);
  Json categories = get_json(http, "/v1/categories", none);
  ASSERT_EQ(categories.size(), 1u);
  const std::string feed_id = std::to_string(feeds[0]["id"].get<int>());

  Json newest = get_json(http, "/v1/feeds/" + feed_id + "/entries?order=published_at&direction=desc&limit=2", none);
  EXPECT_EQ(newest["total"], 3);
  ASSERT_EQ(newest["entries"].size(), 2u);
  EXPECT_EQ(newest["entries"][0]["title"], "Third " + word_);
  EXPECT_EQ(newest["entries"][0]["status"], "unread");
  EXPECT_EQ(newest["entries"][0]["published_at"], "2023-06-21T08:00:00Z");
  Json oldest = get_json(http, "/v1/entries?order=published_at&direction=asc&limit=1&offset=0", none);
  EXPECT_EQ(oldest["entries"][0]["title"], "First " + word_);
  if (searches_unavailable()) {
    auto refused = http.Get("/v1/entries?search=%E5%8F%B0%E6%B9%BE", none);
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->status, 200);
    EXPECT_NE(refused->body.find(kNoSearchIndex), std::string::npos) << refused->body;
  } else {
    Json searched = get_json(http, "/v1/entries?search=%E5%8F%B0%E6%B9%BE", none);
    ASSERT_EQ(searched["entries"].size(), 1u);
    EXPECT_EQ(searched["entries"][0]["title"], "Second " + word_);
  }

  // PUT /v1/entries marks read for this user alone.
  const int first_id = oldest["entries"][0]["id"];
  auto put = http.Put("/v1/entries", Json{{"entry_ids", {first_id}}, {"status", "read"}}.dump(), "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 204);
  Json unread = get_json(http, "/v1/entries?status=unread", none);
  EXPECT_EQ(unread["total"], 2);
  Json read = get_json(http, "/v1/entries?status=read", none);
  ASSERT_EQ(read["entries"].size(), 1u);
  EXPECT_EQ(read["entries"][0]["id"], first_id);

  // The other user, by API key, has read nothing.
  httplib::Client keyed_client = client();
  Json theirs = get_json(keyed_client, "/v1/entries?status=unread", {{"X-Auth-Token", key}});
  EXPECT_EQ(theirs["total"], 3);
  auto wrong_key = keyed_client.Get("/v1/me", {{"X-Auth-Token", key + "x"}});
  ASSERT_TRUE(wrong_key);
  EXPECT_EQ(wrong_key->status, 401);
  auto bad_status = http.Get("/v1/entries?status=deleted");
  ASSERT_TRUE(bad_status);
  EXPECT_EQ(bad_status->status, 400);
}

// The same stream asked for again is answered from memory until the store
// changes: a reader's own marks show at once, a fetch's articles within the
// server's look at the store.
TEST_P(ServeTest, AStreamAskedAgainShowsMarksAndFetchedArticlesAtOnce) {
  start_server();
  httplib::Client http = client();
  const auto [headers, edit_token] = google_session(http);
  ASSERT_FALSE(edit_token.empty());
  const std::string stream = "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=2&output=json";
  const auto read_marks = [&](const Json& items) {
    std::vector<bool> read;
    for (const Json& item : items) {
      const Json& categories = item["categories"];
      read.push_back(std::find(categories.begin(), categories.end(), "user/-/state/com.google/read") !=
                     categories.end());
    }
    return read;
  };
  Json first = get_json(http, stream, headers);
  ASSERT_EQ(first["items"].size(), 2u);
  EXPECT_EQ(first["continuation"], "2");
  EXPECT_EQ(get_json(http, stream, headers)["items"], first["items"]);
  EXPECT_EQ(read_marks(first["items"]), (std::vector<bool>{false, false}));

  const std::string newest = first["items"][0]["id"];
  auto marked = http.Post("/reader/api/0/edit-tag", headers,
                          "i=" + percent_encoded(newest) + "&a=user/-/state/com.google/read&T=" + edit_token,
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(marked);
  ASSERT_EQ(marked->body, "OK");
  Json after_mark = get_json(http, stream, headers);
  EXPECT_EQ(read_marks(after_mark["items"]), (std::vector<bool>{true, false}));
  EXPECT_EQ(after_mark["items"][0]["id"], newest);

  const std::string added = "Fourth " + word_;
  fetch_new_article(added);
  if (HasFatalFailure()) return;
  std::string title;
  for (int attempt = 0; attempt < 100 && title != added; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    title = get_json(http, stream, headers)["items"][0]["title"];
  }
  EXPECT_EQ(title, added);
}

TEST_P(ServeTest, ArticlesFetchedWhileServingAppearWithoutARestart) {
  start_server();
  httplib::Client http = client();
  http.set_basic_auth("reader", kPassword);
  ASSERT_EQ(get_json(http, "/v1/entries", {})["total"], 3);
  const std::string added = "Fourth " + word_;
  fetch_new_article(added);
  if (HasFatalFailure()) return;
  // The server looks at the store again after a quarter of a second.
  std::string home;
  for (int attempt = 0; attempt < 100 && home.find(added) == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto page = http.Get("/");
    ASSERT_TRUE(page);
    home = page->body;
  }
  EXPECT_NE(home.find(added), std::string::npos);
  EXPECT_EQ(get_json(http, "/v1/entries", {})["total"], 4);
}

TEST_P(ServeTest, SigtermStopsTheServerCleanly) {
  start_server();
  httplib::Client http = client();
  ASSERT_TRUE(http.Get("/"));
  EXPECT_EQ(stop_server(), 0);
  EXPECT_NE(testing::read_file(log_).find("newsvault serve: stopped"), std::string::npos);
}

TEST_P(ServeTest, PrivateReaderPagesAskForAUser) {
  std::ofstream(archive_ / "newsvault.toml", std::ios::app) << "\n[serve]\nprivate = true\n";
  start_server();
  httplib::Client http = client();
  auto anonymous = http.Get("/");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Basic realm=\"newsvault\", charset=\"UTF-8\"");
  EXPECT_EQ(anonymous->body.find(word_), std::string::npos);
  http.set_basic_auth("reader", kPassword);
  auto page = http.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("First " + word_), std::string::npos);
}

// Filter-evasion vectors (the sanitizer's own list, src/clean/xss_vectors_test.cc),
// each made to leave a mark on the page if any of it ran.
constexpr const char* kXssVectors[] = {
    "<SCRIPT>MARK</SCRIPT>",
    "<scr<script>ipt>MARK</scr</script>ipt>",
    "<p title=\"</p><script>MARK</script>\">x</p>",
    "<a href=\"javascript:MARK\">x</a>",
    "<a href=\"&#x6A;avascript&#x3A;MARK\">x</a>",
    "<IMG SRC=\"jav&#x09;ascript:MARK;\">",
    "<img src=x onerror=MARK>",
    "<img/src=x/onerror=MARK>",
    "<svg onload=MARK>",
    "<svg><script>MARK</script></svg>",
    "<iframe srcdoc=\"<script>MARK</script>\"></iframe>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=MARK>\">",
    "<noscript><p title=\"</noscript><img src=x onerror=MARK>\">",
    "<!--<img src=\"--><img src=x onerror=MARK//\">",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 onerror=MARK&gt;\">",
    "<input onfocus=MARK autofocus>",
    "<details open ontoggle=MARK>",
    "<form action=\"javascript:MARK\"><input type=submit></form>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:MARK;\">",
    "<BASE HREF=\"javascript:MARK;//\"><a href=\"x\">x</a>",
};

std::string xml_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

TEST_P(ServeTest, ServedPagesRunNoScriptAFeedSmuggledInInABrowser) {
  const fs::path chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it)";
  constexpr std::string_view kMark = "document.documentElement.setAttribute('data-xss',1)";
  std::string body;
  for (const char* vector : kXssVectors) {
    std::string html = vector;
    for (std::size_t at; (at = html.find("MARK")) != std::string::npos;) html.replace(at, 4, kMark);
    body += "<p>" + html + "</p>";
  }
  std::string feed = feed_body_;
  feed.insert(feed.find("</channel>"),
              rss_item("hostile", xml_escaped("<img src=x onerror=" + std::string(kMark) + "> Hostile " + word_),
                       xml_escaped(body), 22));
  feed_server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = feed});
  auto fetched = newsvault("fetch -q");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  start_server();
  httplib::Client http = client();
  http.set_basic_auth("reader", kPassword);
  // The article's page, found through the Miniflux API's newest entry.
  Json newest = get_json(http, "/v1/entries?direction=desc&limit=1", {});
  ASSERT_EQ(newest["entries"].size(), 1u);
  const std::string html = newest["entries"][0]["content"];
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  std::smatch link;
  const std::string home = http.Get("/")->body;
  ASSERT_TRUE(std::regex_search(home, link, std::regex("href=\"(feeds/[^\"]*)\">[^<]*Hostile")));
  const std::string article_path = "/" + std::string(link[1]);
  std::vector<std::string> paths = {"/", article_path};
  if (!searches_unavailable()) paths.push_back("/search.html?q=Hostile");
  for (const std::string& path : paths) {
    const testing::TempDir profile;
    auto dom = run_command("timeout 60 " + chromium.string() +
                           " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
                           shell_quote(profile.path().string()) + " --dump-dom " + shell_quote(base_url() + path));
    ASSERT_EQ(dom.exit_status, 0) << dom.err;
    EXPECT_NE(dom.out.find("Hostile " + word_), std::string::npos) << path;
    // Nothing ran, and the page has no script element to run.
    // (The vectors' text is on the page, escaped: the attribute is what a run leaves.)
    EXPECT_EQ(dom.out.find("data-xss=\"1\""), std::string::npos) << path << "\n" << dom.out;
    EXPECT_EQ(dom.out.find("<script"), std::string::npos) << path;
  }
}

// newsboat's configuration for a remote API, its cache and files in `dir`.
fs::path newsboat_config(const fs::path& dir, const std::string& lines) {
  fs::create_directories(dir);
  testing::write_file(dir / "urls", "");
  testing::write_file(dir / "config", lines);
  return dir;
}

testing::CommandResult run_newsboat(const fs::path& dir) {
  return run_command("cd " + shell_quote(dir.string()) + " && HOME=" + shell_quote(dir.string()) +
                     " XDG_CONFIG_HOME=" + shell_quote(dir.string()) + " XDG_DATA_HOME=" + shell_quote(dir.string()) +
                     " timeout 120 newsboat -C config -u urls -c cache.db -x reload");
}

bool has_newsboat() { return run_command("command -v newsboat").exit_status == 0; }

TEST_P(ServeTest, NewsboatInFeedhqModeReceivesTheArticlesAndTheirReadState) {
  if (!has_newsboat()) GTEST_SKIP() << "newsboat is not installed (scripts/install-deps.sh installs it)";
  start_server();
  // One article read through the API first: newsboat must see it read.
  httplib::Client http = client();
  const std::string auth = log_in(http);
  auto token = http.Get("/reader/api/0/token", google_auth(auth));
  ASSERT_TRUE(token);
  Json ids = get_json(http, "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=1",
                      google_auth(auth));
  ASSERT_EQ(ids["itemRefs"].size(), 1u);
  auto marked = http.Post("/reader/api/0/edit-tag", google_auth(auth),
                          "i=" + ids["itemRefs"][0]["id"].get<std::string>() + "&a=user/-/state/com.google/read&T=" +
                              token->body,
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(marked);
  ASSERT_EQ(marked->body, "OK");

  const fs::path dir = newsboat_config(dir_.path() / "newsboat-feedhq",
                                       "urls-source \"feedhq\"\nfeedhq-url \"" + base_url() +
                                           "\"\nfeedhq-login \"reader\"\nfeedhq-password \"" + kPassword +
                                           "\"\nfeedhq-show-special-feeds \"no\"\nfeedhq-min-items 20\n");
  auto ran = run_newsboat(dir);
  ASSERT_EQ(ran.exit_status, 0) << ran.out << ran.err;
  const auto rows = sqlite_rows(dir / "cache.db", "SELECT title, unread FROM rss_item ORDER BY title");
  EXPECT_EQ(rows, (std::vector<std::string>{"First " + word_ + "|1", "Second " + word_ + "|1", "Third " + word_ + "|0"}));
  const auto feeds = sqlite_rows(dir / "cache.db", "SELECT title FROM rss_feed");
  EXPECT_EQ(feeds, std::vector<std::string>{"gazette"});
  const auto bodies = sqlite_rows(dir / "cache.db", "SELECT content FROM rss_item WHERE title = 'First " + word_ + "'");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_NE(bodies[0].find("Text of the first story " + word_), std::string::npos);
  // newsboat logged in, read the list and each feed as the API says.
  EXPECT_EQ(stop_server(), 0);
  const std::string log = testing::read_file(log_);
  EXPECT_NE(log.find("reader [") , std::string::npos);
  EXPECT_NE(log.find("\"POST /accounts/ClientLogin HTTP/1.1\" 200"), std::string::npos);
  EXPECT_NE(log.find("\"GET /reader/api/0/subscription/list HTTP/1.1\" 200"), std::string::npos);
  EXPECT_NE(log.find("\"GET /reader/atom/feed/"), std::string::npos);
}

// Drives newsboat's screen through a pseudo-terminal (its cache already
// loaded by `newsboat -x reload`): waits for the feed's name, opens the feed, waits for the article's title, opens it (which
// marks it read, and newsboat tells the server), then quits.
constexpr char kNewsboatDriver[] = R"PY(
import os, pty, select, sys, time
feed, title = sys.argv[1].encode(), sys.argv[2].encode()
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(HOME=os.getcwd(), TERM="xterm", COLUMNS="120", LINES="40")
    os.execvp("newsboat", ["newsboat", "-C", "config", "-u", "urls", "-c", "cache.db"])
screen = b""
def wait_for(text, seconds=90):
    global screen
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                screen += os.read(fd, 65536)
            except OSError:
                return False
            if text in screen:
                screen = b""
                return True
    return False
if not wait_for(feed): sys.exit("newsboat never listed the feed")
os.write(fd, b"\r")
if not wait_for(title): sys.exit("newsboat never listed the article")
os.write(fd, b"\r")
wait_for(b"Text of", 30)
for key in b"qqq":
    os.write(fd, bytes([key]))
    wait_for(b"\0", 1)
os.waitpid(pid, 0)
)PY";

TEST_P(ServeTest, AnArticleReadInNewsboatIsReadInTheStore) {
  if (!has_newsboat()) GTEST_SKIP() << "newsboat is not installed (scripts/install-deps.sh installs it)";
  start_server();
  const fs::path dir = newsboat_config(dir_.path() / "newsboat-reading",
                                       "urls-source \"feedhq\"\nfeedhq-url \"" + base_url() +
                                           "\"\nfeedhq-login \"reader\"\nfeedhq-password \"" + kPassword +
                                           "\"\nfeedhq-show-special-feeds \"no\"\narticle-sort-order \"title\"\n");
  testing::write_file(dir / "drive.py", kNewsboatDriver);
  auto loaded = run_newsboat(dir);
  ASSERT_EQ(loaded.exit_status, 0) << loaded.out << loaded.err;
  // Sorted by title, "First …" is the article the cursor starts on.
  auto ran = run_command("cd " + shell_quote(dir.string()) + " && timeout 180 python3 drive.py gazette " +
                         shell_quote("First " + word_));
  ASSERT_EQ(ran.exit_status, 0) << ran.out << ran.err;
  httplib::Client http = client();
  http.set_basic_auth("reader", kPassword);
  Json read = get_json(http, "/v1/entries?status=read", {});
  ASSERT_EQ(read["entries"].size(), 1u) << testing::read_file(log_);
  EXPECT_EQ(read["entries"][0]["title"], "First " + word_);
  EXPECT_EQ(stop_server(), 0);
  EXPECT_NE(testing::read_file(log_).find("\"POST /reader/api/0/edit-tag HTTP/1.1\" 200"), std::string::npos);
}

TEST_P(ServeTest, NewsboatInMinifluxModeReceivesTheArticles) {
  if (!has_newsboat()) GTEST_SKIP() << "newsboat is not installed (scripts/install-deps.sh installs it)";
  start_server();
  const fs::path dir = newsboat_config(dir_.path() / "newsboat-miniflux",
                                       "urls-source \"miniflux\"\nminiflux-url \"" + base_url() +
                                           "/\"\nminiflux-login \"reader\"\nminiflux-password \"" + kPassword +
                                           "\"\n");
  auto ran = run_newsboat(dir);
  ASSERT_EQ(ran.exit_status, 0) << ran.out << ran.err;
  const auto rows = sqlite_rows(dir / "cache.db", "SELECT title, url FROM rss_item ORDER BY title");
  EXPECT_EQ(rows, (std::vector<std::string>{"First " + word_ + "|https://news.example/one",
                                            "Second " + word_ + "|https://news.example/two",
                                            "Third " + word_ + "|https://news.example/three"}));
  EXPECT_EQ(stop_server(), 0);
  EXPECT_NE(testing::read_file(log_).find("\"GET /v1/feeds/"), std::string::npos);
}

}  // namespace
}  // namespace newsvault::serve
