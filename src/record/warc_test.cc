#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/sha.h>
#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fetch/fetch.h"
#include "gtest/gtest.h"
#include "record/record.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::record {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::TempDir;

std::string gzip(std::string_view text) {
  z_stream stream{};
  deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, text.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// webrecorder's warcio.js, installed by scripts/install-deps.sh into
// tests/tools/warcio (the tests run from the source folder).
std::optional<std::string> warcio_reader() {
  const fs::path script = fs::absolute("tests/tools/warcio/read_warc.mjs");
  if (!fs::exists(script.parent_path() / "node_modules/warcio")) return std::nullopt;
  if (testing::run_command("node --version").exit_status != 0) return std::nullopt;
  return "node " + testing::shell_quote(script.string());
}

// Every record of `file` as warcio.js reads it.
std::vector<nlohmann::json> read_with_warcio(const std::string& reader, const fs::path& file) {
  const auto result = testing::run_command(reader + " " + testing::shell_quote(file.string()));
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_EQ(result.err, "") << "warcio.js warned";
  std::vector<nlohmann::json> records;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
  return records;
}

std::vector<fs::path> warc_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().string().ends_with(".warc.gz")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

fetch::ClientOptions recording_options() {
  fetch::ClientOptions options;
  options.record_exchanges = true;
  options.allow_private_addresses = true;
  options.retry_base_delay = std::chrono::milliseconds(1);
  return options;
}

std::vector<fetch::Response> fetch_through(fetch::HttpClient& client, const std::vector<fetch::Request>& requests) {
  std::vector<fetch::Response> responses(requests.size());
  client.fetch_all(requests, [&](std::size_t index, fetch::Response response) { responses[index] = std::move(response); });
  return responses;
}

TEST(WarcTest, AnotherReaderFindsEveryResponseAsServedWithItsDigestsAndAddress) {
  const auto reader = warcio_reader();
  if (!reader) GTEST_SKIP() << "warcio.js is not installed (scripts/install-deps.sh installs it with npm)";
  HttpTestServer server;
  // Each answer differs from the last, so the record can only hold what
  // this run was served.
  std::atomic<int> served{0};
  const std::string stamp = std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr));
  server.set_handler("/feed.xml", [&](const HttpTestServer::RecordedRequest& request) {
    if (request.header("if-none-match") == "\"v1\"") return HttpTestServer::CannedResponse{.status = 304};
    return HttpTestServer::CannedResponse{
        .headers = {{"ETag", "\"v1\""}, {"Content-Type", "application/rss+xml"}},
        .body = "<rss>feed " + stamp + " #" + std::to_string(++served) + "</rss>"};
  });
  const std::string page = "<html><body>page " + stamp + std::string(5000, '.') + "</body></html>";
  server.set("/page.html", {.headers = {{"Content-Encoding", "gzip"}, {"Content-Type", "text/html"}},
                            .body = gzip(page)});
  const std::string api = "{\"text\": \"api " + stamp + "\"}";
  server.set("/api.json", {.headers = {{"Transfer-Encoding", "chunked"}}, .body = api});
  server.set("/old", {.status = 301, .headers = {{"Location", server.url("/api.json")}}});
  // An image's bytes are compressed already: they must come back as served.
  std::string photo = "\xff\xd8\xff\xe0" + stamp;
  std::uint32_t state = 2463534242u ^ static_cast<std::uint32_t>(::getpid());
  while (photo.size() < 300'000) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    photo += static_cast<char>(state & 0xff);
  }
  server.set("/photo.jpg", {.headers = {{"Content-Type", "image/jpeg"}}, .body = photo});

  TempDir dir;
  auto writer = std::make_unique<WarcWriter>(WarcOptions{.dir = dir.path(), .info = {{"software", "newsvault/test"}}});
  auto inner = fetch::make_http_client(recording_options());
  RecordingClient client(*inner, *writer);
  auto first = fetch_through(client, {{server.url("/feed.xml"), "", ""},
                                      {server.url("/page.html"), "", ""},
                                      {server.url("/old"), "", ""},
                                      {server.url("/photo.jpg"), "", ""}});
  auto second = fetch_through(client, {{server.url("/feed.xml"), "\"v1\"", ""}});
  ASSERT_TRUE(writer->close());
  EXPECT_EQ(client.errors(), std::vector<std::string>{});
  ASSERT_EQ(first[1].body, page);  // what the caller reads is decoded as before
  ASSERT_EQ(second[0].outcome, fetch::FetchOutcome::kNotModified);
  for (const auto& response : {first[0], first[1], first[2], second[0]}) {
    EXPECT_TRUE(response.record.starts_with("newsvault-")) << response.final_url;
    EXPECT_TRUE(response.exchanges.empty());
  }

  const auto files = warc_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  const auto records = read_with_warcio(*reader, files[0]);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0]["type"], "warcinfo");
  EXPECT_NE(records[0]["content"].get<std::string>().find("software: newsvault/test"), std::string::npos);

  std::map<std::string, nlohmann::json> responses;  // by target URI
  std::map<std::string, std::uint64_t> offsets;
  int requests = 0;
  nlohmann::json revisit;
  for (const auto& record : records) {
    if (record["type"] == "response") {
      responses[record["target"]] = record;
      offsets[record["target"]] = record["offset"];
      EXPECT_EQ(record["payloadDigest"], record["payloadSha256"]) << record["target"];
      EXPECT_TRUE(record["blockDigest"].get<std::string>().starts_with("sha256:"));
      EXPECT_EQ(record["ip"], "127.0.0.1");
      EXPECT_TRUE(record["date"].get<std::string>().ends_with("Z"));
    } else if (record["type"] == "request") {
      ++requests;
      EXPECT_EQ(record["method"], "GET");
      EXPECT_TRUE(record["concurrentTo"].get<std::string>().starts_with("<urn:uuid:"));
    } else if (record["type"] == "revisit") {
      revisit = record;
    }
  }
  EXPECT_EQ(requests, 6);  // feed, page, the redirect, its target, the photo, the feed again
  EXPECT_EQ(responses[server.url("/feed.xml")]["content"], "<rss>feed " + stamp + " #1</rss>");
  EXPECT_EQ(responses[server.url("/page.html")]["content"], page);  // gzip kept, undone by the reader
  EXPECT_EQ(responses[server.url("/api.json")]["content"], api);    // chunks kept, joined by the reader
  EXPECT_EQ(responses[server.url("/old")]["status"], 301);
  unsigned char photo_digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(photo.data()), photo.size(), photo_digest);
  std::string photo_hex;
  for (unsigned char byte : photo_digest) {
    constexpr char kHex[] = "0123456789abcdef";
    photo_hex += kHex[byte >> 4];
    photo_hex += kHex[byte & 15];
  }
  EXPECT_EQ(responses[server.url("/photo.jpg")]["payloadSha256"], "sha256:" + photo_hex);
  EXPECT_EQ(revisit["target"], server.url("/feed.xml"));
  EXPECT_EQ(revisit["status"], 304);
  EXPECT_EQ(revisit["profile"], "http://netpreserve.org/warc/1.1/revisit/server-not-modified");
  // The response points at its record: the followed redirect's last hop.
  const std::string name = files[0].filename().string();
  EXPECT_EQ(first[2].record, name + ":" + std::to_string(offsets[server.url("/api.json")]));
  EXPECT_EQ(first[0].record, name + ":" + std::to_string(offsets[server.url("/feed.xml")]));

  // Our own reader agrees on the records and their order.
  std::vector<std::string> types;
  ASSERT_TRUE(read_warc(files[0], [&](const StoredRecord& record) {
    types.push_back(record.type);
    return true;
  }));
  ASSERT_EQ(types.size(), records.size());
  for (std::size_t i = 0; i < types.size(); ++i) EXPECT_EQ(types[i], records[i]["type"]);
}

fetch::Exchange big_exchange(int number, std::size_t bytes) {
  fetch::Exchange exchange;
  exchange.url = "http://example.com/" + std::to_string(number);
  exchange.ip_address = "192.0.2.1";
  exchange.date = std::chrono::system_clock::now();
  exchange.request_head = "GET /" + std::to_string(number) + " HTTP/1.1\r\nHost: example.com\r\n\r\n";
  exchange.response_head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(bytes) + "\r\n\r\n";
  exchange.payload.resize(bytes);
  // Barely compressible, so that each record takes many writes.
  std::uint32_t state = 2463534242u + static_cast<std::uint32_t>(number);
  for (char& c : exchange.payload) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>('a' + state % 26);
  }
  return exchange;
}

TEST(WarcTest, AWriterKilledMidRecordLeavesAFileTheNextWriterCutsToWholeRecords) {
  TempDir dir;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = std::make_unique<WarcWriter>(WarcOptions{.dir = dir.path(), .info = {}});
    for (int i = 0;; ++i) {
      if (!writer->write_exchange(big_exchange(i, 512 * 1024))) ::_exit(3);
    }
  }
  // Killed once it has written several records, wherever it is then.
  for (;;) {
    std::error_code error;
    std::uintmax_t size = 0;
    for (const auto& entry : fs::directory_iterator(dir.path(), error)) {
      if (entry.path().string().ends_with(".warc.gz")) size = fs::file_size(entry.path(), error);
    }
    if (size > 4u << 20) break;
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, WNOHANG), 0) << "the writer ended by itself";
    ::usleep(1000);
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  // A torn record, whatever the kill left: half a member more.
  const auto files = warc_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  ASSERT_TRUE(fs::exists(dir.path() / "open")) << "the killed writer's marker";
  {
    std::ofstream torn(files[0], std::ios::binary | std::ios::app);
    const std::string member = gzip("WARC/1.1\r\nWARC-Type: response\r\n" + std::string(10000, 'x'));
    torn << member.substr(0, member.size() / 2);
  }

  auto writer = std::make_unique<WarcWriter>(WarcOptions{.dir = dir.path(), .info = {}});
  ASSERT_TRUE(writer->write_exchange(big_exchange(1000, 1000)));
  ASSERT_TRUE(writer->close());
  EXPECT_FALSE(fs::exists(dir.path() / "open"));

  std::vector<std::string> targets;
  auto read = read_warc(files[0], [&](const StoredRecord& record) {
    if (record.type == "response") targets.push_back(record.target_uri);
    return true;
  });
  ASSERT_TRUE(read) << read.error().message();
  ASSERT_GE(targets.size(), 4u);
  EXPECT_EQ(targets.back(), "http://example.com/1000");
  if (const auto reader = warcio_reader()) {
    const auto records = read_with_warcio(*reader, files[0]);
    std::size_t responses = 0;
    for (const auto& record : records) {
      if (record["type"] != "response") continue;
      ++responses;
      EXPECT_EQ(record["payloadDigest"], record["payloadSha256"]) << record["target"];
    }
    EXPECT_EQ(responses, targets.size());
  }
}

TEST(WarcTest, AFileAtItsSizeLimitIsFollowedByANewOneThatStartsWithWarcinfo) {
  TempDir dir;
  auto writer = std::make_unique<WarcWriter>(
      WarcOptions{.dir = dir.path(), .max_file_bytes = 300 * 1024, .info = {{"software", "newsvault"}}});
  std::vector<std::string> locations;
  for (int i = 0; i < 8; ++i) {
    auto location = writer->write_exchange(big_exchange(i, 200 * 1024));
    ASSERT_TRUE(location);
    locations.push_back(location->file);
  }
  ASSERT_TRUE(writer->close());
  const auto files = warc_files(dir.path());
  EXPECT_GE(files.size(), 3u);
  EXPECT_EQ(writer->files_written().size(), files.size());
  EXPECT_NE(locations.front(), locations.back());
  for (const auto& file : files) {
    std::string first;
    ASSERT_TRUE(read_warc(file, [&](const StoredRecord& record) {
      first = record.type;
      return false;
    }));
    EXPECT_EQ(first, "warcinfo") << file;
  }
}

TEST(WarcTest, ALineBreakInAUrlCannotForgeAField) {
  TempDir dir;
  auto writer = std::make_unique<WarcWriter>(WarcOptions{.dir = dir.path(), .info = {}});
  fetch::Exchange exchange = big_exchange(1, 10);
  exchange.url = "http://example.com/a\r\nWARC-Type: metadata";
  ASSERT_TRUE(writer->write_exchange(exchange));
  ASSERT_TRUE(writer->close());
  std::vector<std::string> types;
  ASSERT_TRUE(read_warc(warc_files(dir.path())[0], [&](const StoredRecord& record) {
    types.push_back(record.type);
    EXPECT_EQ(record.header.find("\r\nWARC-Type: metadata"), std::string::npos);
    return true;
  }));
  EXPECT_EQ(types, (std::vector<std::string>{"warcinfo", "response", "request"}));
}

}  // namespace
}  // namespace newsvault::record
