#include "support/hostile_responses.h"

#include <zlib.h>

#include <stdexcept>
#include <utility>

namespace newsvault::testing {
namespace {

using namespace std::chrono_literals;
using CannedResponse = HttpTestServer::CannedResponse;
using RawConnection = HttpTestServer::RawConnection;

// Deflates `input` into `out` with `flush`, as a gzip stream.
void deflate_into(z_stream& stream, const std::string& input, int flush, std::string& out) {
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  char buffer[64 * 1024];
  do {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    if (deflate(&stream, flush) == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
    out.append(buffer, sizeof buffer - stream.avail_out);
  } while (stream.avail_out == 0);
}

const std::string kRssHead = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Hostile</title>"
                             "<link>https://hostile.example/</link>";
const std::string kRssTail = "</channel></rss>\n";

}  // namespace

CannedResponse gzip_bomb(std::size_t inflated_bytes) {
  // After a full flush the compressor starts afresh, so every further
  // megabyte compresses to the very same bytes: compressed once, repeated.
  // The trailer (CRC, length) never comes: the client must stop long before.
  constexpr std::size_t kChunk = 1024 * 1024;
  const std::string chunk(kChunk, '<');
  z_stream stream{};
  if (deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string first;
  deflate_into(stream, chunk, Z_FULL_FLUSH, first);
  std::string repeated;
  deflate_into(stream, chunk, Z_FULL_FLUSH, repeated);
  deflateEnd(&stream);
  std::string body = first;
  body.reserve(first.size() + repeated.size() * (inflated_bytes / kChunk));
  for (std::size_t made = kChunk; made < inflated_bytes; made += kChunk) body += repeated;
  return {.headers = {{"Content-Type", "application/rss+xml"}, {"Content-Encoding", "gzip"}},
          .body = std::move(body)};
}

CannedResponse endless_body() {
  return {.raw = [](RawConnection& connection) {
    if (!connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                          "Connection: close\r\n\r\n" + kRssHead)) {
      return;
    }
    const std::string block(64 * 1024, ' ');
    while (connection.write(block)) {
    }
  }};
}

CannedResponse trickle(std::string body, std::chrono::milliseconds interval) {
  return {.raw = [body = std::move(body), interval](RawConnection& connection) {
    if (!connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n")) {
      return;
    }
    for (char byte : body) {
      if (!connection.write(std::string(1, byte)) || !connection.pause(interval)) return;
    }
  }};
}

CannedResponse wrong_content_length(std::size_t claimed, std::string body) {
  return {.raw = [claimed, body = std::move(body)](RawConnection& connection) {
    if (!connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: " +
                          std::to_string(claimed) + "\r\n\r\n" + body)) {
      return;
    }
    // Silent and open: the rest of the promised body never comes.
    while (connection.pause(100ms)) {
      if (!connection.write("")) return;
    }
  }};
}

CannedResponse endless_headers() {
  return {.raw = [](RawConnection& connection) {
    if (!connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")) return;
    const std::string line = "X-Filler: " + std::string(1024 - 12, 'h') + "\r\n";
    while (connection.write(line)) {
    }
  }};
}

std::string billion_laughs_feed() {
  std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n";
  for (int level = 1; level <= 9; ++level) {
    document += "<!ENTITY lol" + std::to_string(level) + " \"";
    for (int i = 0; i < 10; ++i) document += "&lol" + std::to_string(level - 1) + ";";
    document += "\">\n";
  }
  return document + "]>\n" + kRssHead.substr(kRssHead.find("<rss")) +
         "<item><title>&lol9;</title><guid>laughs</guid><description>&lol9;</description></item>" +
         kRssTail;
}

std::string quadratic_blowup_feed(std::size_t entity_bytes, std::size_t references) {
  std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY a \"" +
                         std::string(entity_bytes, 'a') + "\">\n]>\n" +
                         kRssHead.substr(kRssHead.find("<rss")) +
                         "<item><title>blow-up</title><guid>quadratic</guid><description>";
  document.reserve(document.size() + references * 3 + 100);
  for (std::size_t i = 0; i < references; ++i) document += "&a;";
  return document + "</description></item>" + kRssTail;
}

std::string deeply_nested_html_feed(std::size_t depth) {
  std::string html;
  html.reserve(depth * 22 + 100);
  for (std::size_t i = 0; i < depth; ++i) html += "&lt;div&gt;";
  html += "deep text";
  for (std::size_t i = 0; i < depth; ++i) html += "&lt;/div&gt;";
  return kRssHead + "<item><title>Deep</title><link>https://hostile.example/deep</link>"
                    "<guid>deep</guid><description>" +
         html + "</description></item>" + kRssTail;
}

std::string feed_with_entries(std::size_t entries) {
  std::string document = kRssHead;
  document.reserve(entries * 90 + 200);
  for (std::size_t i = 0; i < entries; ++i) {
    const std::string n = std::to_string(i);
    document += "<item><title>Entry " + n + "</title><guid>entry-" + n +
                "</guid><description>Text " + n + "</description></item>";
  }
  return document + kRssTail;
}

std::string feed_with_one_line(std::size_t bytes) {
  return kRssHead + "<item><title>Long line</title><link>https://hostile.example/line</link>"
                    "<guid>line</guid><description>" +
         std::string(bytes, 'w') + "</description></item>" + kRssTail;
}

}  // namespace newsvault::testing
