#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "extract/extract.h"
#include "extract/testdata_path.h"
#include "publish/publish.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

// 2023-06-19T01:47:05Z, when the seed was archived.
const Timestamp kSeedArchivedAt = *parse_date("2023-06-19T01:47:05Z");

extract::Article seed_article() {
  auto adapter = extract::builtin_adapter("dw");
  EXPECT_TRUE(adapter.has_value());
  const auto json = newsvault::testing::read_file(extract::testing::dw_article_65955570());
  auto article = extract::read_adapter_article(*adapter, json, "article-65955570.json");
  EXPECT_TRUE(article.has_value()) << (article ? "" : article.error().message());
  return article ? *article : extract::Article{};
}

extract::Article simple_article(std::string body) {
  extract::Article article;
  article.title = "Title";
  article.url = "https://example.org/a";
  article.published = parse_date("2023-06-19T01:41:50.777Z");
  article.body_html = std::move(body);
  return article;
}

// The body part of a rendered document: line 5 without the date div.
std::string body_of(const std::string& document) {
  const std::string marker = "</i></div>";
  const auto at = document.find(marker);
  EXPECT_NE(at, std::string::npos);
  std::string body = document.substr(at + marker.size());
  EXPECT_TRUE(body.ends_with("\n"));
  body.pop_back();
  return body;
}

std::string render_body(std::string body) {
  return body_of(render_document(simple_article(std::move(body)), kSeedArchivedAt, {}));
}

TEST(RenderDocumentTest, ReproducesTheSeedByteForByte) {
  const auto shared = newsvault::testing::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: the seed document is not available";
  const std::string seed =
      newsvault::testing::read_file(*shared / "seeds" / "000_1c3fe8eac2a2cc09.txt");
  const std::string document = render_document(seed_article(), kSeedArchivedAt, {});
  EXPECT_EQ(document.size(), seed.size());
  EXPECT_EQ(document, seed);
}

TEST(RenderDocumentTest, WritesTheSeedsHeaderLines) {
  const std::string document = render_document(seed_article(), kSeedArchivedAt, {});
  EXPECT_TRUE(document.starts_with(
      "<!--1687139225000-->\n"
      "[秦剛晤布林肯7.5小時 指中美關係處最低谷](https://www.dw.com/zh/"
      "%E7%A7%A6%E5%89%9B%E6%99%A4%E5%B8%83%E6%9E%97%E8%82%AF7.5%E5%B0%8F%E6%99%82%20"
      "%E6%8C%87%E4%B8%AD%E7%BE%8E%E9%97%9C%E4%BF%82%E8%99%95%E6%9C%80%E4%BD%8E%E8%B0%B7"
      "/a-65955570)\n"
      "------\n"
      "\n"
      "<div><i><br>2023-06-19T01:41:50.777Z</i></div>"
      "<img src=\"https://images.weserv.nl/?url=static.dw.com/image/65952775_303.jpg\" "
      "width=\"100%\"><div><small style=\"color: #999;\">"
      "美國國務卿布林肯與中國外長秦剛週日在北京舉行雙邊會談</small></div>"
      "<p>（德國之聲中文網）<a href=\"https://api.dw.com/api/detail/article/65953582\" "
      "rel=\"ArticleRef\">"))
      << document.substr(0, 800);
  EXPECT_NE(document.find("</p><img src=\"https://images.weserv.nl/?url=static.dw.com/image/"
                          "65952832_303.jpg\" width=\"100%\"><div><small style=\"color: #999;\">"
                          "中美雙方於週日在北京進行雙邊會談，圖為美方代表團</small></div>"
                          "<p><strong>"),
            std::string::npos);
  EXPECT_TRUE(document.ends_with("並受到刑事追究。</em></p>\n"));
  // Five lines: the whole body is the fifth.
  EXPECT_EQ(std::count(document.begin(), document.end(), '\n'), 5);
}

TEST(RenderDocumentTest, LeadImageWithoutCaptionHasNoCaptionDiv) {
  extract::Article article = simple_article("<p>x</p>");
  article.lead_image = extract::Image{"http://example.org/lead.jpg", ""};
  EXPECT_EQ(body_of(render_document(article, kSeedArchivedAt, {})),
            "<img src=\"https://images.weserv.nl/?url=example.org/lead.jpg\" width=\"100%\">"
            "<p>x</p>");
}

TEST(RenderDocumentTest, LeadCaptionIsEscapedTextOnOneLine) {
  extract::Article article = simple_article("");
  article.lead_image = extract::Image{"https://example.org/l.jpg", "a <b> & c\nd"};
  EXPECT_EQ(body_of(render_document(article, kSeedArchivedAt, {})),
            "<img src=\"https://images.weserv.nl/?url=example.org/l.jpg\" width=\"100%\">"
            "<div><small style=\"color: #999;\">a &lt;b&gt; &amp; c d</small></div>");
}

TEST(RenderDocumentTest, FigureBecomesProxiedImageAndCaption) {
  EXPECT_EQ(render_body("<figure><img src=\"https://example.org/i.jpg\"><figcaption>C <em>x</em>"
                        "</figcaption></figure>"),
            "<img src=\"https://images.weserv.nl/?url=example.org/i.jpg\" width=\"100%\">"
            "<div><small style=\"color: #999;\">C <em>x</em></small></div>");
  EXPECT_EQ(render_body("<figure><img src=\"https://example.org/i.jpg\"><figcaption> </figcaption>"
                        "</figure>"),
            "<img src=\"https://images.weserv.nl/?url=example.org/i.jpg\" width=\"100%\">");
}

TEST(RenderDocumentTest, BareImageIsProxiedWithoutCaption) {
  EXPECT_EQ(
      render_body("<p>a<img src=\"https://example.org/i.jpg\" alt=\"x\" class=\"c\">b</p>"),
      "<p>a<img src=\"https://images.weserv.nl/?url=example.org/i.jpg\" width=\"100%\">b</p>");
}

TEST(RenderDocumentTest, ImageAddressGetsTheSpecsEncodingOnce) {
  EXPECT_EQ(render_body("<img src=\"https://example.org/圖 1.jpg?a=%20&amp;b\">"),
            "<img src=\"https://images.weserv.nl/?url=example.org/%E5%9C%96%201.jpg?a=%20&amp;b\" "
            "width=\"100%\">");
}

TEST(RenderDocumentTest, ProxyTemplateCanTakeTheWholeAddress) {
  PublishOptions options;
  options.image_proxy = "https://proxy.example/i?u={url}&s={url_without_scheme}";
  extract::Article article = simple_article("<img src=\"http://example.org/a b.jpg?x=1\">");
  EXPECT_EQ(body_of(render_document(article, kSeedArchivedAt, options)),
            "<img src=\"https://proxy.example/i?u=http%3A%2F%2Fexample.org%2Fa%2520b.jpg%3Fx%3D1"
            "&amp;s=example.org/a%20b.jpg?x=1\" width=\"100%\">");
}

TEST(RenderDocumentTest, HostileMarkupCannotLoadAnUnproxiedImage) {
  const std::string body = render_body(
      "<p style=\"background:url(https://evil.example/1.jpg)\">a</p>"
      "<img srcset=\"https://evil.example/2.jpg 2x\" src=\"https://ok.example/i.jpg\">"
      "<picture><source srcset=\"https://evil.example/3.webp\"><img "
      "src=\"https://ok.example/p.jpg\"></picture>"
      "<video poster=\"https://evil.example/4.jpg\"><source "
      "src=\"https://evil.example/5.mp4\"></video>"
      "<iframe src=\"https://evil.example/6\"></iframe><object "
      "data=\"https://evil.example/7\"></object>"
      "<embed src=\"https://evil.example/8\"><input type=image src=\"https://evil.example/9.png\">"
      "<svg><image href=\"https://evil.example/10.png\"/></svg>"
      "<table background=\"https://evil.example/11.jpg\"><tr><td>t</td></tr></table>"
      "<image src=\"https://evil.example/12.jpg\">"
      "<link rel=stylesheet href=\"https://evil.example/13.css\"><style>@import "
      "'https://evil.example/14';</style>"
      "<div style=\"b\\61 ckground: u\\72 l(https://evil.example/15)\">d</div>"
      "<img src=\"javascript:alert(1)\"><img src=\"//evil.example/16.jpg\">"
      "<a href=\"https://ok.example/page\">kept</a>");
  for (auto at = body.find("evil.example"); at != std::string::npos;
       at = body.find("evil.example", at + 1)) {
    EXPECT_TRUE(body.substr(0, at).ends_with("https://images.weserv.nl/?url=")) << body;
  }
  EXPECT_NE(
      body.find("<img src=\"https://images.weserv.nl/?url=ok.example/i.jpg\" width=\"100%\">"),
      std::string::npos);
  EXPECT_NE(
      body.find("<img src=\"https://images.weserv.nl/?url=ok.example/p.jpg\" width=\"100%\">"),
      std::string::npos);
  EXPECT_NE(
      body.find("<img src=\"https://images.weserv.nl/?url=evil.example/12.jpg\" width=\"100%\">"),
      std::string::npos);
  EXPECT_NE(body.find("<a href=\"https://ok.example/page\">kept</a>"), std::string::npos);
  EXPECT_EQ(body.find("javascript"), std::string::npos);
}

TEST(RenderDocumentTest, ScriptsEventHandlersAndScriptLinksAreDropped) {
  EXPECT_EQ(render_body("<p onclick=\"x()\" class=\"c\">a<script>alert(1)</script></p>"
                        "<a href=\" JaVa\tscript:alert(1)\" title=\"t\">b</a>"),
            "<p class=\"c\">a</p><a title=\"t\">b</a>");
}

TEST(RenderDocumentTest, CleanTextOnlyBodyIsShownByteForByte) {
  const std::string body =
      "<h2>標題 &amp; more</h2><p>Text with <a href=\"https://example.org/x?a=1&amp;b=2\" "
      "title=\"&quot;q&quot;\">a link</a>, <em>emphasis</em> &lt;tags&gt;.</p>"
      "<ul><li>one</li><li>two</li></ul><blockquote><p>quoted</p></blockquote>"
      "<table><tbody><tr><td colspan=\"2\">cell</td></tr></tbody></table>";
  EXPECT_EQ(render_body(body), body);
}

TEST(RenderDocumentTest, BodyStaysOneLine) {
  const std::string document = render_document(
      simple_article("<p>a\nb</p>\n<pre>x\ny</pre>\n<p title=\"1\n2\">c</p>"), kSeedArchivedAt, {});
  EXPECT_EQ(std::count(document.begin(), document.end(), '\n'), 5);
  EXPECT_EQ(body_of(document), "<p>a b</p><pre>x<br>y</pre><p title=\"1&#10;2\">c</p>");
}

TEST(RenderDocumentTest, MarkupInTheBodyCannotEndTheArchiveComment) {
  EXPECT_EQ(render_body("<p>--&gt; <!-- x --> y</p>"), "<p>--&gt;  y</p>");
}

TEST(RenderDocumentTest, ArticleWithoutPublicationTimeShowsTheArchiveTime) {
  extract::Article article = simple_article("");
  article.published.reset();
  EXPECT_NE(render_document(article, kSeedArchivedAt, {})
                .find("<div><i><br>2023-06-19T01:47:05.000Z</i></div>"),
            std::string::npos);
}

TEST(RenderDocumentTest, TitleWithBracketsAndNewlineStaysOneWellFormedLink) {
  extract::Article article = simple_article("");
  article.title = "[Live] Blinken\nin *Beijing* `day_2`";
  article.url = "https://example.org/a (b)/c)";
  const std::string document = render_document(article, kSeedArchivedAt, {});
  const auto second_line_end = document.find('\n', document.find('\n') + 1);
  EXPECT_EQ(document.substr(document.find('\n') + 1, second_line_end - document.find('\n') - 1),
            "[\\[Live\\] Blinken in \\*Beijing\\* \\`day\\_2\\`]"
            "(https://example.org/a%20%28b%29/c%29)");
}

TEST(RenderDocumentTest, EmptyTitleFallsBackToTheAddress) {
  extract::Article article = simple_article("");
  article.title = " \n ";
  EXPECT_NE(render_document(article, kSeedArchivedAt, {})
                .find("\n[https://example.org/a](https://example.org/a)\n"),
            std::string::npos);
}

}  // namespace
}  // namespace newsvault::publish
