#include <gtest/gtest.h>

#include <string>

#include "extract/extract.h"
#include "extract/testdata_path.h"
#include "support/test_support.h"

namespace newsvault::extract {
namespace {

Adapter dw() { return *builtin_adapter("dw"); }

Article read_ok(std::string_view json) {
  auto article = read_adapter_article(dw(), json, "article.json");
  EXPECT_TRUE(article.has_value()) << (article ? "" : article.error().message());
  return article ? *article : Article{};
}

// A minimal DW document around `text`.
std::string dw_json(std::string_view text_json) {
  return R"({"id": 1, "name": "t", "canonicalUrl": "https://www.dw.com/a-1",
             "displayDate": "2023-06-19T01:41:50.777Z", "text": )" +
         std::string(text_json) + R"(,
             "contentLinks": [
               {"targetId": 11, "targetType": "IMAGE", "description": "Caption <11> & co"},
               {"targetId": 12, "targetType": "ARTICLE", "name": "not a caption"}]})";
}

TEST(ReadAdapterArticleTest, ReadsTheDwFixture) {
  const Article article = read_ok(newsvault::testing::read_file(testing::dw_article_65955570()));
  EXPECT_EQ(article.source_id, "65955570");
  EXPECT_EQ(article.title, "秦剛晤布林肯7.5小時 指中美關係處最低谷");
  EXPECT_EQ(article.url, "https://www.dw.com/zh/秦剛晤布林肯7.5小時 指中美關係處最低谷/a-65955570");
  ASSERT_TRUE(article.published.has_value());
  EXPECT_EQ(format_iso8601_millis(*article.published), "2023-06-19T01:41:50.777Z");
  ASSERT_TRUE(article.lead_image.has_value());
  EXPECT_EQ(article.lead_image->url, "https://static.dw.com/image/65952775_303.jpg");
  EXPECT_EQ(article.lead_image->caption, "美國國務卿布林肯與中國外長秦剛週日在北京舉行雙邊會談");

  EXPECT_EQ(article.body_html.find('\n'), std::string::npos);
  EXPECT_TRUE(article.body_html.starts_with(
      "<p>（德國之聲中文網）<a href=\"https://api.dw.com/api/detail/article/65953582\" "
      "rel=\"ArticleRef\">"));
  EXPECT_NE(article.body_html.find(
                "。</p><figure><img src=\"https://static.dw.com/image/65952832_303.jpg\">"
                "<figcaption>中美雙方於週日在北京進行雙邊會談，圖為美方代表團</figcaption>"
                "</figure><p><strong>雙方的會後聲明</strong></p>"),
            std::string::npos);
  // The second inline image carries other attributes; they go.
  EXPECT_NE(article.body_html.find(
                "<figure><img src=\"https://static.dw.com/image/63748879_303.jpg\"><figcaption>"),
            std::string::npos);
  EXPECT_EQ(article.body_html.find("data-id"), std::string::npos);
  EXPECT_EQ(article.body_html.find("placeholder-image"), std::string::npos);
}

TEST(ReadAdapterArticleTest, CaptionComesFromTheContentLinkWithTheImagesId) {
  const Article article = read_ok(dw_json(R"("<p>a</p><img data-id=\"11\" alt=\"x\">")"));
  EXPECT_EQ(article.body_html,
            "<p>a</p><figure><img src=\"https://static.dw.com/image/11_303.jpg\">"
            "<figcaption>Caption &lt;11&gt; &amp; co</figcaption></figure>");
}

TEST(ReadAdapterArticleTest, ImageWithoutACaptionHasNoFigcaption) {
  EXPECT_EQ(read_ok(dw_json(R"("<img data-id=\"12\"><img data-id=\"99\">")")).body_html,
            "<figure><img src=\"https://static.dw.com/image/12_303.jpg\"></figure>"
            "<figure><img src=\"https://static.dw.com/image/99_303.jpg\"></figure>");
}

TEST(ReadAdapterArticleTest, InlineImageIdCannotChangeTheImageAddress) {
  EXPECT_EQ(
      read_ok(dw_json(R"("<img data-id=\"../../x?y=\">")")).body_html,
      "<figure><img src=\"https://static.dw.com/image/..%2F..%2Fx%3Fy%3D_303.jpg\"></figure>");
}

TEST(ReadAdapterArticleTest, NewlinesBetweenBlocksGoAndNewlinesInTextBecomeSpaces) {
  EXPECT_EQ(read_ok(dw_json(R"("\n<p>one\ntwo</p>\r\n<p><b>a</b>\n<i>b</i></p>\n")")).body_html,
            "<p>one two</p><p><b>a</b> <i>b</i></p>");
}

TEST(ReadAdapterArticleTest, LinksAreKeptAsTheSourceGaveThem) {
  EXPECT_EQ(
      read_ok(
          dw_json(
              R"("<p><a href=\"https://api.dw.com/api/detail/article/12\" rel=\"ArticleRef\">x</a></p>")"))
          .body_html,
      "<p><a href=\"https://api.dw.com/api/detail/article/12\" rel=\"ArticleRef\">x</a></p>");
}

TEST(ReadAdapterArticleTest, NoLeadImageWithoutMainContentImageLink) {
  EXPECT_FALSE(read_ok(dw_json(R"("<p>a</p>")")).lead_image.has_value());
  const std::string with_null = R"({"name": "t", "canonicalUrl": "u", "text": "",
                                    "mainContentImageLink": null})";
  EXPECT_FALSE(read_ok(with_null).lead_image.has_value());
}

TEST(ReadAdapterArticleTest, LeadImageWithoutDescriptionHasAnEmptyCaption) {
  const Article article = read_ok(R"({"name": "t", "canonicalUrl": "u", "text": "",
                                      "mainContentImageLink": {"targetId": "42"}})");
  ASSERT_TRUE(article.lead_image.has_value());
  EXPECT_EQ(article.lead_image->url, "https://static.dw.com/image/42_303.jpg");
  EXPECT_EQ(article.lead_image->caption, "");
}

TEST(ReadAdapterArticleTest, MissingTitleNamesTheSourceAndTheField) {
  auto article = read_adapter_article(dw(), R"({"canonicalUrl": "u", "text": ""})", "api/1.json");
  ASSERT_FALSE(article.has_value());
  EXPECT_EQ(article.error().code(), ErrorCode::kParse);
  EXPECT_EQ(article.error().message(), R"(api/1.json: no title ("name"))");
}

TEST(ReadAdapterArticleTest, MistypedBodyIsAnError) {
  auto article =
      read_adapter_article(dw(), R"({"name": "t", "canonicalUrl": "u", "text": 5})", "a.json");
  ASSERT_FALSE(article.has_value());
  EXPECT_EQ(article.error().message(), R"(a.json: "text" is not a string)");
}

TEST(ReadAdapterArticleTest, DateThatIsNotOneIsAnError) {
  auto article = read_adapter_article(
      dw(), R"({"name": "t", "canonicalUrl": "u", "text": "", "displayDate": "soon"})", "a.json");
  ASSERT_FALSE(article.has_value());
  EXPECT_EQ(article.error().message(), R"(a.json: "displayDate" is not a date: "soon")");
}

TEST(ReadAdapterArticleTest, MissingDateLeavesPublishedEmpty) {
  EXPECT_FALSE(read_ok(R"({"name": "t", "canonicalUrl": "u", "text": ""})").published);
}

TEST(ReadAdapterArticleTest, BytesThatAreNotJsonAreAnError) {
  auto article = read_adapter_article(dw(), "<html>503</html>", "https://api.dw.com/x");
  ASSERT_FALSE(article.has_value());
  EXPECT_EQ(article.error().code(), ErrorCode::kParse);
  EXPECT_TRUE(article.error().message().starts_with("https://api.dw.com/x: not JSON: "));
  auto array = read_adapter_article(dw(), "[]", "a.json");
  ASSERT_FALSE(array.has_value());
  EXPECT_EQ(array.error().message(), "a.json: not a JSON object");
}

// Regression: a number beyond a double's range ("20E330") made nlohmann
// throw out_of_range, which escaped the stage and ended the program (found
// by fuzz/dw_adapter_fuzzer).
TEST(ReadAdapterArticleTest, ANumberBeyondADoublesRangeIsNotJsonNotACrash) {
  auto article = read_adapter_article(dw(), R"({"name": "t", "id": 20E330})", "a.json");
  ASSERT_FALSE(article.has_value());
  EXPECT_EQ(article.error().code(), ErrorCode::kParse);
  EXPECT_TRUE(article.error().message().starts_with("a.json: not JSON: number overflow"))
      << article.error().message();
}

}  // namespace
}  // namespace newsvault::extract
