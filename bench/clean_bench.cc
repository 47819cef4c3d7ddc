// What the cleaner costs per article body: 10,000 generated bodies of about
// 3 KB each (paragraphs with links and emphasis, a figure, sometimes a list
// or a quote; Latin and Chinese text), once already canonical as extract
// writes them and once "raw" as sites send them (class, style, data-*
// attributes, an onclick, a script, a tracking pixel in a <noscript>).
//
// Prints microseconds of CPU time per body for each part of
// clean::sanitize (parse, the tree pass, writing) and for the whole, best of
// RUNS runs.
//
//   build/bench/clean_bench [RUNS]
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "clean/clean.h"
#include "core/html.h"

namespace {

using newsvault::html::Node;
// This thread's CPU time: the machines these run on are shared, and wall
// time there measures the neighbours as much as the code.
double thread_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

constexpr int kBodies = 10000;

const char* const kWords[] = {"the", "minister", "said", "on", "Sunday", "that", "talks",
                              "would", "continue", "despite", "deep", "differences", "over",
                              "trade", "秦剛", "布林肯", "週日", "會談", "雙方", "同意", "繼續"};

std::string sentence(std::mt19937& random) {
  std::string out;
  const int words = 8 + static_cast<int>(random() % 14);
  for (int i = 0; i < words; ++i) {
    if (i > 0) out += ' ';
    out += kWords[random() % std::size(kWords)];
  }
  return out + ".";
}

std::string body(std::mt19937& random, bool raw) {
  std::string out;
  const std::string p_open = raw ? "<p class=\"article-text\" data-block=\"1\">" : "<p>";
  while (out.size() < 3000) {
    const unsigned kind = random() % 10;
    if (kind == 0) {
      out += raw ? "<figure class=\"img\"><img src=\"/image/" : "<figure><img src=\"https://www.example.com/image/";
      out += std::to_string(random() % 100000) + "_303.jpg\"";
      out += raw ? " style=\"width:100%\" loading=\"lazy\">" : ">";
      out += "<figcaption>" + sentence(random) + "</figcaption></figure>";
    } else if (kind == 1) {
      out += "<ul><li>" + sentence(random) + "</li><li>" + sentence(random) + "</li></ul>";
    } else if (kind == 2) {
      out += "<blockquote><p>" + sentence(random) + "</p></blockquote>";
    } else {
      out += p_open + sentence(random) + " <a href=\"https://www.example.com/a-" +
             std::to_string(random() % 100000) + "\"" +
             (raw ? " onclick=\"track(this)\" target=\"_blank\"" : "") + ">" + sentence(random) +
             "</a> <strong>" + sentence(random) + "</strong> " + sentence(random) + "</p>";
    }
    if (raw && kind == 3) {
      out += "<script>window.dataLayer.push({event: 'read'});</script>"
             "<noscript><img src=\"https://pixel.example/t.gif\"></noscript>";
    }
  }
  return out;
}

template <typename Work>
double best_seconds(int runs, Work work) {
  double best = 1e9;
  for (int run = 0; run < runs; ++run) {
    const double start = thread_seconds();
    work();
    best = std::min(best, thread_seconds() - start);
  }
  return best;
}

void measure(const char* name, const std::vector<std::string>& bodies, int runs) {
  newsvault::clean::Options options;
  options.base_url = "https://www.example.com/news/story-1.html";
  std::size_t bytes = 0;
  for (const std::string& text : bodies) bytes += text.size();

  std::vector<std::vector<Node>> trees(bodies.size());
  const double parse = best_seconds(runs, [&] {
    for (std::size_t i = 0; i < bodies.size(); ++i) trees[i] = newsvault::html::parse_fragment(bodies[i]);
  });
  std::vector<std::vector<Node>> sanitized;
  const double tree_pass = best_seconds(runs, [&] {
    sanitized = trees;  // a fresh copy per run; the copy is timed apart below
    for (auto& tree : sanitized) newsvault::clean::sanitize(tree, options);
  });
  const double copy = best_seconds(runs, [&] { sanitized = trees; });
  std::size_t written = 0;
  const double write = best_seconds(runs, [&] {
    written = 0;
    for (const auto& tree : sanitized) written += newsvault::html::serialize(tree).size();
  });
  const double whole = best_seconds(runs, [&] {
    for (const std::string& text : bodies) written += newsvault::clean::sanitize(text, options).size();
  });

  const double per_body = 1e6 / static_cast<double>(bodies.size());
  std::printf("%-10s %6zu bodies, %5.2f KB each | parse %6.1f us | tree pass %5.1f us | write %5.1f us |"
              " sanitize(string) %6.1f us/body, %5.1f MB/s\n",
              name, bodies.size(), static_cast<double>(bytes) / bodies.size() / 1024, parse * per_body,
              std::max(0.0, tree_pass - copy) * per_body, write * per_body, whole * per_body,
              static_cast<double>(bytes) / whole / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  std::mt19937 random(42);
  std::vector<std::string> canonical;
  std::vector<std::string> raw;
  for (int i = 0; i < kBodies; ++i) {
    canonical.push_back(body(random, false));
    raw.push_back(body(random, true));
  }
  std::printf("clean::sanitize, best of %d runs, one thread, CPU time\n", runs);
  measure("canonical", canonical, runs);
  measure("raw", raw, runs);
  return 0;
}
