// Writes the static site of ARTICLES made-up articles (half Chinese, in
// Traditional and Simplified, half English; words drawn with Zipf's law
// from vocabularies of 20,000, as real text has a few common words and
// many rare ones) into FOLDER/site, search index included, and prints the
// seconds write_site took and the index's size. bench/site_search.sh then
// times queries of it in Chromium.
//
// usage: site_search_bench FOLDER ARTICLES
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "publish/publish.h"

namespace {

using namespace newsvault;

// Words with Zipf's law: the k-th most common is drawn with weight 1/k.
class Vocabulary {
 public:
  Vocabulary(std::vector<std::string> words) : words_(std::move(words)) {
    double sum = 0;
    for (std::size_t k = 1; k <= words_.size(); ++k) cumulative_.push_back(sum += 1.0 / static_cast<double>(k));
  }
  const std::string& draw(std::mt19937& random) const {
    std::uniform_real_distribution<double> uniform(0, cumulative_.back());
    const auto at = std::ranges::lower_bound(cumulative_, uniform(random)) - cumulative_.begin();
    return words_[static_cast<std::size_t>(at)];
  }

 private:
  std::vector<std::string> words_;
  std::vector<double> cumulative_;
};

Vocabulary chinese(std::mt19937& random) {
  // The searched words among the common ones, then words of 1 to 3 of
  // 3,000 characters, Traditional forms among them.
  std::vector<std::string> words = {"的", "在", "是", "中国", "台湾", "臺灣", "政府", "选举", "選舉", "经济",
                                    "經濟", "发展", "國際", "记者", "新闻", "軟體", "北京", "香港"};
  std::uniform_int_distribution<char32_t> character(0x4E00, 0x4E00 + 3000);
  std::uniform_int_distribution<int> length(1, 3);
  while (words.size() < 20000) {
    std::string word;
    for (int i = length(random); i > 0; --i) append_utf8(character(random), word);
    words.push_back(word);
  }
  std::shuffle(words.begin() + 18, words.begin() + 200, random);
  return Vocabulary(std::move(words));
}

Vocabulary english(std::mt19937& random) {
  std::vector<std::string> words = {"the", "of", "and", "to", "election", "government", "market", "taiwan",
                                    "china", "water", "power", "health", "school", "policy", "economy"};
  std::uniform_int_distribution<int> letter('a', 'z');
  std::uniform_int_distribution<int> length(3, 10);
  while (words.size() < 20000) {
    std::string word;
    for (int i = length(random); i > 0; --i) word += static_cast<char>(letter(random));
    words.push_back(word);
  }
  std::shuffle(words.begin() + 4, words.begin() + 200, random);
  return Vocabulary(std::move(words));
}

std::string sentence(const Vocabulary& vocabulary, std::mt19937& random, int words, bool spaced) {
  std::string out;
  for (int i = 0; i < words; ++i) {
    if (spaced && i > 0) out += ' ';
    out += vocabulary.draw(random);
  }
  return out + (spaced ? "." : "。");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FOLDER ARTICLES\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const int count = std::stoi(argv[2]);
  std::mt19937 random(7);
  const Vocabulary zh = chinese(random), en = english(random);
  std::vector<std::vector<publish::SiteRevision>> revisions;
  publish::SiteSource source;
  source.feeds = {{1, "zh", "https://bench.example/zh.xml", "", "", "", {}, ""},
                  {2, "en", "https://bench.example/en.xml", "", "", "", {}, ""}};
  const Timestamp start = *parse_date("2020-01-01T00:00:00Z");
  for (int i = 0; i < count; ++i) {
    const bool is_chinese = i % 2 == 0;
    const Vocabulary& words = is_chinese ? zh : en;
    extract::Article article;
    article.title = sentence(words, random, is_chinese ? 8 : 8, !is_chinese);
    for (int p = 0; p < 6; ++p) article.body_html += "<p>" + sentence(words, random, is_chinese ? 60 : 60, !is_chinese) + "</p>";
    store::ArticleSummary summary;
    summary.id = i + 1;
    summary.feed_id = is_chinese ? 1 : 2;
    summary.feed_ids = {summary.feed_id};
    summary.feed_name = is_chinese ? "zh" : "en";
    summary.key = std::to_string(i + 1);
    summary.title = article.title;
    summary.url = "https://bench.example/" + summary.key;
    summary.published = start + std::chrono::minutes(30 * i);
    summary.first_seen = summary.last_changed = *summary.published;
    summary.revisions = 1;
    summary.document_path = publish::document_path(summary.feed_name, summary.key, *summary.published);
    revisions.push_back({{1, summary.first_seen, article, store::Cause::kSource, ""}});
    source.articles.push_back(std::move(summary));
  }
  std::ranges::reverse(source.articles);
  source.revisions = [&](const store::ArticleSummary& article) -> Result<std::vector<publish::SiteRevision>> {
    return revisions[static_cast<std::size_t>(article.id - 1)];
  };
  const auto began = std::chrono::steady_clock::now();
  auto written = publish::write_site(root, source, publish::SiteOptions());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - began;
  if (!written) {
    std::fprintf(stderr, "%s\n", written.error().message().c_str());
    return 1;
  }
  std::printf("%.1f\n", took.count());
  return 0;
}
