// `newsvault extract` as a user meets it: the built binary on a saved page
// and on a page served from 127.0.0.1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

using testing::run_newsvault;

constexpr std::string_view kPage = R"(<!DOCTYPE html><html lang="de"><head>
<title>Brückenbau | Stadtblatt</title><meta name="author" content="Eva Berg">
<meta property="og:image" content="/bilder/bruecke.jpg">
<meta property="article:published_time" content="2024-04-05T06:07:08Z"></head><body>
<nav><a href="/">Start</a> <a href="/politik">Politik</a></nav>
<article><h1>Brückenbau</h1>
<p>Der Stadtrat hat am Dienstag den Bau der neuen Brücke beschlossen, nach langer Debatte.</p>
<p>Die Arbeiten sollen im Frühjahr beginnen und, wenn alles gut geht, zwei Jahre dauern.</p>
<figure><img data-src="/bilder/plan.jpg" src="data:,"><figcaption>Der Plan</figcaption></figure>
</article><footer>Impressum, Datenschutz, Kontakt und alles andere, was hierher gehört.</footer></body></html>)";

void expect_article(const nlohmann::json& article) {
  EXPECT_EQ(article.at("title"), "Brückenbau | Stadtblatt");
  EXPECT_EQ(article.at("byline"), "Eva Berg");
  EXPECT_EQ(article.at("published"), "2024-04-05T06:07:08Z");
  EXPECT_EQ(article.at("lead_image"), "https://stadt.example/bilder/bruecke.jpg");
  EXPECT_EQ(article.at("language"), "de");
  EXPECT_EQ(article.at("text"),
            "Der Stadtrat hat am Dienstag den Bau der neuen Brücke beschlossen, nach langer Debatte.\n\n"
            "Die Arbeiten sollen im Frühjahr beginnen und, wenn alles gut geht, zwei Jahre dauern.");
  const std::string html = article.at("html");
  EXPECT_NE(html.find("<figure><img src=\"https://stadt.example/bilder/plan.jpg\"><figcaption>Der Plan</figcaption></figure>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("Politik"), std::string::npos) << html;
}

TEST(ExtractCommandTest, PrintsTheArticleOfASavedPageAsJson) {
  testing::TempDir dir;
  testing::write_file(dir.path() / "page.html", kPage);
  const auto result =
      run_newsvault("extract '" + (dir.path() / "page.html").string() + "' --url https://stadt.example/a/1 --json");
  ASSERT_EQ(result.exit_status, 0) << result.err;
  expect_article(nlohmann::json::parse(result.out));
}

TEST(ExtractCommandTest, FetchesAPageByUrl) {
  testing::HttpTestServer server;
  server.set("/a/1", {200, {{"Content-Type", "text/html; charset=utf-8"}}, std::string(kPage)});
  const auto result =
      run_newsvault("extract " + server.url("/a/1") + " --url https://stadt.example/a/1 --json");
  ASSERT_EQ(result.exit_status, 0) << result.err;
  expect_article(nlohmann::json::parse(result.out));
}

TEST(ExtractCommandTest, AMissingFileIsNamed) {
  const auto result = run_newsvault("extract /nonexistent/page.html --json");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("/nonexistent/page.html"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace newsvault::cli
