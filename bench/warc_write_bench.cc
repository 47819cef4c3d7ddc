// WARC writing benchmark: record::WarcWriter appending the exchanges of a
// fetch run (request and response records, digests, one gzip member each)
// to .warc.gz files, as fetch does with the default settings.
//
// usage: warc_write_bench BODIES_DIR OUT_DIR MEGABYTES
//   BODIES_DIR holds the response bodies to record (bench/warc.sh generates
//   them: feeds and pages as text, pages gzip-encoded as servers send them,
//   images), each named KIND-N.EXT; they are recorded in turn until
//   MEGABYTES of payload have been written.
// Prints one line per kind and a total: payload MB, seconds, MB/s, the
// .warc.gz bytes, and the growth of the process's peak resident memory over
// what it had before the first record (the bodies already in memory).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fetch/fetch.h"
#include "record/record.h"

namespace fs = std::filesystem;
using newsvault::fetch::Exchange;

namespace {

long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

struct Body {
  std::string kind;  // the file name's part before '-'
  std::string content_type;
  std::string content_encoding;
  std::string bytes;
};

std::string content_type_of(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".xml") return "application/rss+xml; charset=utf-8";
  if (ext == ".jpg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  return "text/html; charset=utf-8";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: warc_write_bench BODIES_DIR OUT_DIR MEGABYTES\n");
    return 2;
  }
  const fs::path bodies_dir = argv[1];
  const fs::path out = argv[2];
  const double megabytes = std::stod(argv[3]);

  std::vector<Body> bodies;
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(bodies_dir)) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    Body body;
    const std::string name = path.filename().string();
    body.kind = name.substr(0, name.find('-'));
    body.content_type = content_type_of(path.extension() == ".gz" ? path.stem() : path);
    if (path.extension() == ".gz") body.content_encoding = "gzip";
    body.bytes = bytes.str();
    bodies.push_back(std::move(body));
  }
  if (bodies.empty()) {
    std::fprintf(stderr, "warc_write_bench: no bodies in %s\n", bodies_dir.c_str());
    return 1;
  }

  fs::remove_all(out);
  newsvault::record::WarcOptions options;
  options.dir = out;
  options.info = {{"software", "newsvault warc_write_bench"}, {"format", "WARC File Format 1.1"}};
  newsvault::record::WarcWriter writer(options);

  struct Tally {
    double bytes = 0;
    double seconds = 0;
    long records = 0;
  };
  std::map<std::string, Tally> tallies;
  const long rss_before = peak_rss_kb();
  const double target = megabytes * 1e6;
  double total = 0;
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; total < target; ++i) {
    const Body& body = bodies[i % bodies.size()];
    Exchange exchange;
    exchange.url = "http://127.0.0.1:8080/" + body.kind + "/" + std::to_string(i);
    exchange.ip_address = "127.0.0.1";
    exchange.date = std::chrono::system_clock::now();
    exchange.request_head = "GET /" + body.kind + "/" + std::to_string(i) +
                            " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: newsvault/0.1\r\n"
                            "Accept: */*\r\nAccept-Encoding: gzip, br\r\n\r\n";
    exchange.response_head = "HTTP/1.1 200 OK\r\nContent-Type: " + body.content_type + "\r\n" +
                             (body.content_encoding.empty() ? std::string()
                                                            : "Content-Encoding: " + body.content_encoding + "\r\n") +
                             "Content-Length: " + std::to_string(body.bytes.size()) +
                             "\r\nETag: \"" + std::to_string(i) + "\"\r\n\r\n";
    exchange.payload = body.bytes;
    const auto start = std::chrono::steady_clock::now();
    auto written = writer.write_exchange(exchange);
    const auto end = std::chrono::steady_clock::now();
    if (!written) {
      std::fprintf(stderr, "warc_write_bench: %s\n", written.error().message().c_str());
      return 1;
    }
    Tally& tally = tallies[body.kind];
    tally.bytes += static_cast<double>(body.bytes.size());
    tally.seconds += std::chrono::duration<double>(end - start).count();
    tally.records += 1;
    total += static_cast<double>(body.bytes.size());
  }
  if (auto closed = writer.close(); !closed) {
    std::fprintf(stderr, "warc_write_bench: %s\n", closed.error().message().c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const long rss_after = peak_rss_kb();
  std::uintmax_t warc_bytes = 0;
  for (const auto& entry : fs::directory_iterator(out)) {
    if (entry.path().extension() == ".gz") warc_bytes += entry.file_size();
  }
  for (const auto& [kind, tally] : tallies) {
    std::printf("kind %s %ld %.1f %.3f\n", kind.c_str(), tally.records, tally.bytes / 1e6, tally.seconds);
  }
  std::printf("total %.1f %.3f %.1f %.1f\n", total / 1e6, seconds, static_cast<double>(warc_bytes) / 1e6,
              static_cast<double>(rss_after - rss_before) / 1024.0);
  return 0;
}
