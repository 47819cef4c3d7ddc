// The extractor measured on the shared article-extraction corpus with the
// benchmark's own scorer (../shared/tools/extraction_score.py): 4-token
// shingles of the article text, precision and recall averaged over pages.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "extract/extract.h"
#include "support/test_support.h"

namespace newsvault::extract {
namespace {

std::string read_gzip(const std::filesystem::path& path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file) throw std::runtime_error("cannot open " + path.string());
  std::string out;
  char buffer[1 << 16];
  int read = 0;
  while ((read = gzread(file.get(), buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<std::size_t>(read));
  if (read < 0) throw std::runtime_error("cannot decompress " + path.string());
  return out;
}

std::string run_and_capture(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), &pclose);
  if (!pipe) return "";
  std::string out;
  char buffer[4096];
  while (std::size_t read = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, read);
  return out;
}

TEST(CorpusScoreTest, ScoresAtLeastPoint97WithNoEmptyPage) {
  const auto shared = newsvault::testing::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: the extraction corpus cannot be scored";
  const auto corpus = *shared / "corpus" / "extraction";
  const auto scorer = *shared / "tools" / "extraction_score.py";
  const auto truth = nlohmann::json::parse(newsvault::testing::read_file(corpus / "ground-truth.json"));
  newsvault::testing::TempDir predictions;
  int empty_pages = 0;
  for (const auto& [id, page] : truth.items()) {
    const std::string html = read_gzip(corpus / "pages" / (id + ".html.gz"));
    auto article = extract_article(html, page.at("url").get<std::string>(), "");
    ASSERT_TRUE(article.has_value()) << id << ": " << article.error().message();
    if (article->text.empty()) {
      ++empty_pages;
      ADD_FAILURE() << id << ": nothing extracted from " << page.at("url");
    }
    const nlohmann::json prediction = {{"articleBody", article->text}};
    newsvault::testing::write_file(predictions.path() / (id + ".json"), prediction.dump());
  }
  EXPECT_EQ(empty_pages, 0);

  const std::string report =
      run_and_capture("python3 '" + scorer.string() + "' '" + predictions.path().string() + "' 2>&1");
  // The scorer's last line: "F1 0.xxx P 0.xxx R 0.xxx N 61".
  const auto at = report.rfind("F1 ");
  ASSERT_NE(at, std::string::npos) << "the scorer printed no score:\n" << report;
  double f1 = 0, precision = 0, recall = 0;
  int pages = 0;
  ASSERT_EQ(std::sscanf(report.c_str() + at, "F1 %lf P %lf R %lf N %d", &f1, &precision, &recall, &pages), 4)
      << report;
  EXPECT_EQ(pages, static_cast<int>(truth.size()));
  EXPECT_GE(f1, 0.97) << report;
  std::printf("extraction corpus: F1 %.3f P %.3f R %.3f over %d pages\n", f1, precision, recall, pages);
}

}  // namespace
}  // namespace newsvault::extract
