// In-process feed parsing benchmark: the number bench/feed_parse.sh puts
// beside feedparser's, which is also timed inside one process.
//
// usage: feed_parse_bench [--repeat R] [--files-from LIST] [FILE...]
//   LIST holds file names separated by NUL bytes (find -print0), as
//   feed_parse.py reads them.
//
// Every file is read into memory before any timing starts. Then
// feed::parse_feed() runs R times on each (default 1) and the fastest run of
// each file counts, so what is timed is decoding, parsing and mapping to a
// Feed: no process start-up, no file reading, no JSON output. Prints one line,
// the same as `feed_parse.py feedparser`: files bytes seconds bozo entries
// (bozo: feeds with problems; entries: of all files). A file parse_feed
// refuses counts as neither.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "feed/feed.h"

namespace {

struct Input {
  std::string path;
  std::string bytes;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!in || error) return std::nullopt;
  std::string content;
  content.resize_and_overwrite(static_cast<std::size_t>(size), [&](char* data, std::size_t length) {
    in.read(data, static_cast<std::streamsize>(length));
    return static_cast<std::size_t>(in.gcount());
  });
  if (content.size() != size) return std::nullopt;
  return content;
}

std::vector<std::string> read_list(const std::string& path) {
  std::vector<std::string> names;
  const std::optional<std::string> listing = read_file(path);
  if (!listing) return names;
  std::size_t start = 0;
  while (start < listing->size()) {
    std::size_t end = listing->find('\0', start);
    if (end == std::string::npos) end = listing->size();
    if (end > start) names.push_back(listing->substr(start, end - start));
    start = end + 1;
  }
  return names;
}

int usage() {
  std::cerr << "usage: feed_parse_bench [--repeat R] [--files-from LIST] [FILE...]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (argument == "--files-from" && i + 1 < argc) {
      for (std::string& name : read_list(argv[++i])) paths.push_back(std::move(name));
    } else if (argument.starts_with("--")) {
      return usage();
    } else {
      paths.push_back(argument);
    }
  }
  if (paths.empty()) return usage();

  std::vector<Input> inputs;
  inputs.reserve(paths.size());
  for (const std::string& path : paths) {
    std::optional<std::string> bytes = read_file(path);
    if (!bytes) {
      std::cerr << "feed_parse_bench: cannot read " << path << "\n";
      return 1;
    }
    inputs.push_back({path, std::move(*bytes)});
  }

  std::size_t total_bytes = 0;
  double total_seconds = 0;
  std::size_t bozo = 0;
  std::size_t entries = 0;
  for (const Input& input : inputs) {
    newsvault::feed::ParseOptions options;
    options.source_name = input.path;  // as `newsvault parse FILE` names it
    std::optional<double> best;
    for (int run = 0; run < repeat; ++run) {
      const auto start = std::chrono::steady_clock::now();
      auto parsed = newsvault::feed::parse_feed(input.bytes, options);
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      if (!best || elapsed.count() < *best) best = elapsed.count();
      if (run + 1 == repeat && parsed) {
        bozo += parsed->bozo() ? 1 : 0;
        entries += parsed->entries.size();
      }
      // `parsed` is freed here, outside the timed region, as feedparser's
      // result is (`del result` in feed_parse.py).
    }
    total_bytes += input.bytes.size();
    total_seconds += *best;
  }
  std::printf("%zu %zu %.6f %zu %zu\n", inputs.size(), total_bytes, total_seconds, bozo, entries);
  return 0;
}
