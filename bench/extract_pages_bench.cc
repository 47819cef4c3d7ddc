// In-process extraction benchmark: the number bench/extract_pages.sh puts
// beside Mozilla Readability's (extract_pages.mjs), timed the same way.
//
// usage: extract_pages_bench [--repeat R] LIST
//   LIST: one page per line, "PATH<TAB>URL".
//
// Every page is read into memory before any timing starts. Then
// extract::extract_article() runs on every page, the whole set R times
// (default 1), and the fastest pass counts: decoding, parsing, metadata,
// finding the body and writing it out, with no process start-up and no file
// reading. Prints one line, as extract_pages.mjs does: pages bytes seconds
// empty (empty: pages whose extracted text is empty or that failed).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "extract/extract.h"

namespace {

struct Page {
  std::string html;
  std::string url;
};

bool load(const std::string& list_path, std::vector<Page>& pages) {
  std::ifstream list(list_path);
  std::string line;
  while (std::getline(list, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::ifstream in(line.substr(0, tab), std::ios::binary);
    if (!in) {
      std::cerr << "extract_pages_bench: cannot read " << line.substr(0, tab) << "\n";
      return false;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    pages.push_back(Page{bytes.str(), line.substr(tab + 1)});
  }
  return !pages.empty();
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  std::string list;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      list = argument;
    }
  }
  std::vector<Page> pages;
  if (list.empty() || !load(list, pages)) {
    std::cerr << "usage: extract_pages_bench [--repeat R] LIST (lines PATH<TAB>URL)\n";
    return 2;
  }
  double best = 0;
  int empty = 0;
  for (int pass = 0; pass < repeat; ++pass) {
    empty = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const Page& page : pages) {
      auto article = newsvault::extract::extract_article(page.html, page.url, "");
      if (!article || article->text.empty()) ++empty;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (pass == 0 || seconds < best) best = seconds;
  }
  std::size_t bytes = 0;
  for (const Page& page : pages) bytes += page.html.size();
  std::printf("%zu %zu %.6f %d\n", pages.size(), bytes, best, empty);
  return 0;
}
