#include <gtest/gtest.h>

#include <string>

#include "extract/extract.h"

namespace newsvault::extract {
namespace {

// A page in the shape news sites write: navigation, a share bar, the
// article, related links, comments, a cookie banner and a footer.
std::string news_page(std::string_view head, std::string_view article_extra = "") {
  std::string page = "<!DOCTYPE html><html lang=\"en-GB\"><head><title>Tide tables | Coast News</title>";
  page += head;
  page += R"(</head><body>
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World news and more</a></li></ul></nav>
<div id="cookie-banner">We use cookies to improve your experience, accept them all please.</div>
<main><article class="story">
<h1>Tide tables</h1>
<div class="article-date">Published 5 May 2024, 10:00</div><span itemprop="author">Harbour Desk</span>
<div class="share-tools"><a href="https://twitter.com/share">Share on Twitter</a> <a href="mailto:">Email this story</a></div>
<p>The harbour master published the new tide tables on Monday, a week later than usual, citing a storm.</p>
<p>Fishermen, who plan their week around the tables, said the delay had cost them two days at sea, and money.</p>
<h2>What changes</h2>
<ul><li>High tide moves forty minutes later in the autumn months.</li><li>The spring tides are higher than last year's.</li></ul>
<blockquote><p>We check the tables before anything else, every single morning of the year.</p></blockquote>
<table><tr><th>Day</th><th>High tide</th></tr><tr><td>Monday</td><td>06:40</td></tr></table>
)";
  page += article_extra;
  page += R"(<p>The next tables, for the winter, are due in December, the harbour master said on Monday.</p>
<div class="related-articles"><h3>Related</h3><ul><li><a href="/a">Storm hits the coast</a></li><li><a href="/b">New pier opens</a></li></ul></div>
</article>
<section id="comments"><p>Great article, thanks for writing it, I learned a lot from this, really.</p></section>
</main>
<footer class="site-footer"><p>Copyright Coast News, all rights reserved, since nineteen ninety.</p></footer>
<script>var tracker = "not article text";</script><style>p { color: red }</style>
</body></html>)";
  return page;
}

PageArticle extract(const std::string& page, std::string_view url = "https://news.example/2024/tides") {
  auto article = extract_article(page, url, "text/html; charset=utf-8");
  EXPECT_TRUE(article.has_value()) << article.error().message();
  return article.value_or(PageArticle{});
}

TEST(ExtractArticleTest, KeepsTheArticleAndDropsTheBoilerplateAroundIt) {
  const PageArticle page = extract(news_page(""));
  const std::string& text = page.text;
  EXPECT_NE(text.find("published the new tide tables"), std::string::npos) << text;
  EXPECT_NE(text.find("due in December"), std::string::npos) << text;
  for (std::string_view gone : {"World news", "cookies", "Share on Twitter", "Storm hits", "Great article",
                                "Copyright", "tracker", "color: red", "Published 5 May", "Harbour Desk"}) {
    EXPECT_EQ(text.find(gone), std::string::npos) << gone << " in:\n" << text;
    EXPECT_EQ(page.article.body_html.find(gone), std::string::npos) << gone << " in the html";
  }
}

TEST(ExtractArticleTest, KeepsHeadingsListsQuotesAndTables) {
  const std::string& html = extract(news_page("")).article.body_html;
  EXPECT_NE(html.find("<h2>What changes</h2>"), std::string::npos) << html;
  EXPECT_NE(html.find("<li>High tide moves"), std::string::npos) << html;
  EXPECT_NE(html.find("<blockquote><p>We check"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>06:40</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find('\n'), std::string::npos) << "the body is one line";
}

TEST(ExtractArticleTest, TextSeparatesParagraphsWithABlankLine) {
  const std::string text = extract(news_page("")).text;
  EXPECT_NE(text.find("citing a storm.\n\nFishermen"), std::string::npos) << text;
  EXPECT_NE(text.find("and money.\n\nWhat changes\n\nHigh tide"), std::string::npos) << text;
}

TEST(ExtractArticleTest, TheTitleHeadingIsNotPartOfTheBody) {
  EXPECT_EQ(extract(news_page("")).text.find("Tide tables\n"), std::string::npos);
}

TEST(ExtractArticleTest, MetadataTrustsJsonLdOverOpenGraphOverMetaTags) {
  const PageArticle page = extract(news_page(R"(
<meta property="og:title" content="OG title"><meta name="author" content="Meta Author">
<meta property="article:published_time" content="2024-01-02T03:04:05Z">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
 {"@type":["NewsArticle"],"headline":"JSON-LD title","author":[{"@type":"Person","name":"Ann Smith"},{"name":"Bo Lee"}],
  "datePublished":"2024-05-06T07:08:09+02:00","image":{"@type":"ImageObject","url":"/img/lead.jpg"}}]}</script>)"));
  EXPECT_EQ(page.article.title, "JSON-LD title");
  EXPECT_EQ(page.byline, "Ann Smith, Bo Lee");
  ASSERT_TRUE(page.article.published.has_value());
  EXPECT_EQ(format_iso8601_seconds(*page.article.published), "2024-05-06T05:08:09Z");
  ASSERT_TRUE(page.article.lead_image.has_value());
  EXPECT_EQ(page.article.lead_image->url, "https://news.example/img/lead.jpg");
  EXPECT_EQ(page.language, "en-GB");
}

TEST(ExtractArticleTest, MetadataFallsBackToMetaTagsThenTheVisiblePage) {
  PageArticle page = extract(news_page(R"(<meta property="og:title" content="OG title">
<meta property="og:image" content="https://cdn.example/og.jpg"><meta name="author" content="Meta Author">
<meta property="article:published_time" content="2024-01-02T03:04:05Z">)"));
  EXPECT_EQ(page.article.title, "OG title");
  EXPECT_EQ(page.byline, "Meta Author");
  EXPECT_EQ(format_iso8601_seconds(*page.article.published), "2024-01-02T03:04:05Z");
  EXPECT_EQ(page.article.lead_image->url, "https://cdn.example/og.jpg");

  page = extract(news_page("", R"(<p class="byline">By Cy Young</p><time datetime="2023-03-04T05:06:07Z">March 4</time>)"));
  EXPECT_EQ(page.article.title, "Tide tables | Coast News");
  EXPECT_EQ(page.byline, "Harbour Desk") << "the first byline the page shows";
  EXPECT_EQ(format_iso8601_seconds(*page.article.published), "2023-03-04T05:06:07Z");
  EXPECT_FALSE(page.article.lead_image.has_value());
}

// Regression: a title escaped twice kept its "&#8216;" as text.
TEST(ExtractArticleTest, MetadataEscapedTwiceIsDecoded) {
  const PageArticle page = extract(news_page(R"(<meta property="og:title" content="&amp;#8216;Tides&amp;#8217; &amp;amp; more">)"));
  EXPECT_EQ(page.article.title, "\u2018Tides\u2019 & more");
}

TEST(ExtractArticleTest, LanguageFromOpenGraphLocaleWhenTheHtmlElementHasNone) {
  std::string page = news_page(R"(<meta property="og:locale" content="pt_BR">)");
  page.replace(page.find(" lang=\"en-GB\""), 13, "");
  EXPECT_EQ(extract(page).language, "pt-BR");
}

TEST(ExtractArticleTest, LazyImagesGetTheirRealAddressResolvedAgainstBaseHref) {
  const PageArticle page = extract(news_page(R"(<base href="https://static.example/media/">)", R"(
<figure><img src="data:image/gif;base64,R0lGOD" data-src="lazy.jpg"><figcaption>The harbour at dawn</figcaption></figure>
<figure><img class="lazyload" src="/spacer.gif" data-original="orig.jpg"></figure>
<img src="data:image/gif;base64,R0lGOD" class="js-lazy"><noscript><img src="from-noscript.jpg"></noscript>
<picture><source srcset="picture-large.webp 2x, picture.webp 1x"><img alt="pier"></picture>
<img srcset="set-small.jpg 480w, set-large.jpg 1080w">
)"));
  const std::string& html = page.article.body_html;
  EXPECT_NE(html.find("<figure><img src=\"https://static.example/media/lazy.jpg\"><figcaption>The harbour at dawn</figcaption></figure>"),
            std::string::npos) << html;
  EXPECT_NE(html.find("<img src=\"https://static.example/media/orig.jpg\">"), std::string::npos) << html;
  EXPECT_NE(html.find("<figure><img src=\"https://static.example/media/from-noscript.jpg\"></figure>"),
            std::string::npos) << html;
  EXPECT_NE(html.find("<img src=\"https://static.example/media/picture-large.webp\">"), std::string::npos) << html;
  EXPECT_NE(html.find("<img src=\"https://static.example/media/set-large.jpg\">"), std::string::npos) << html;
  EXPECT_EQ(html.find("data:"), std::string::npos) << html;
  EXPECT_EQ(html.find("<noscript"), std::string::npos) << html;
  EXPECT_EQ(html.find("spacer.gif"), std::string::npos) << html;
  EXPECT_EQ(page.text.find("The harbour at dawn"), std::string::npos) << "captions are not running text";
}

TEST(ExtractArticleTest, RelativeLinksResolveAgainstThePage) {
  const std::string html =
      extract(news_page("", R"(<p>Read the <a href="../notice.pdf">official notice</a> for every detail of the tables.</p>)"))
          .article.body_html;
  EXPECT_NE(html.find("<a href=\"https://news.example/notice.pdf\">"), std::string::npos) << html;
}

TEST(ExtractArticleTest, CanonicalAddressIsTheArticlesUrl) {
  EXPECT_EQ(extract(news_page(R"(<link rel="canonical" href="/2024/tides-canonical">)")).article.url,
            "https://news.example/2024/tides-canonical");
  EXPECT_EQ(extract(news_page("")).article.url, "https://news.example/2024/tides");
}

TEST(ExtractArticleTest, TextSplitByDoubleLineBreaksBecomesParagraphs) {
  const PageArticle page = extract(
      "<html><body><div class=\"post\">The first paragraph, written without any p element at all.<br><br>"
      "The second one, <em>with emphasis</em>, after two breaks.<br> <br><br>The third, after three.<br>"
      "Still the third, after one break.</div></body></html>");
  EXPECT_EQ(page.text,
            "The first paragraph, written without any p element at all.\n\n"
            "The second one, with emphasis, after two breaks.\n\n"
            "The third, after three.\nStill the third, after one break.");
  EXPECT_NE(page.article.body_html.find("<p>The second one, <em>with emphasis</em>, after two breaks.</p>"),
            std::string::npos)
      << page.article.body_html;
}

TEST(ExtractArticleTest, ScriptsAndStylesEndWhereABrowserEndsThem) {
  const PageArticle page = extract(
      "<html><head><style>p::before { content: \"</p><p>style text\" }</style></head><body><article>"
      "<script type=\"text/javascript\">var html = '<p>script text, long enough to score as a paragraph</p>';</SCRIPT >"
      "<p title=\"a <script> in a value\">The first paragraph stays, though its title names a script.</p>"
      "<!-- <script> in a comment --><p>The second paragraph stays as well, after the comment.</p>"
      "</article></body></html>");
  EXPECT_EQ(page.text,
            "The first paragraph stays, though its title names a script.\n\n"
            "The second paragraph stays as well, after the comment.");
}

TEST(ExtractArticleTest, AShortPageStillGivesItsText) {
  const PageArticle page = extract("<html><body><div class=\"sidebar\"><p>Only this line of text is here.</p></div></body></html>");
  EXPECT_EQ(page.text, "Only this line of text is here.");
}

TEST(ExtractArticleTest, APageNestedAHundredThousandDeepEndsInAResultNotAStackOverflow) {
  std::string page = "<html><body><article>";
  for (int i = 0; i < 100'000; ++i) page += "<div>";
  page += "<p>The text at the bottom of a page nested a hundred thousand elements deep.</p>";
  for (int i = 0; i < 100'000; ++i) page += "</div>";
  page += "</article></body></html>";
  // libxml2 reads 256 levels and no further: the page is an error ("no
  // body") or an article without the buried text, never a crash.
  auto article = extract_article(page, "https://news.example/deep", "text/html");
  if (article) {
    EXPECT_EQ(article->text.find("nested a hundred thousand"), std::string::npos);
  }
}

TEST(ExtractArticleTest, HostileMarkupGivesAResultNotACrash) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<div><p>";
  deep += "Deep text, deep text, deep text, deep text, deep text.";
  std::string breaks = "<body>";
  for (int i = 0; i < 2000; ++i) breaks += "<br>";
  breaks += "words<br><br><br>";
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary += static_cast<char>((i * 7919) % 256);
  for (const std::string& page : {deep, breaks, binary, std::string("<html><body><noscript><noscript><img src=x>"),
                                  std::string("<p>unclosed <b><i>tags <table><tr><td>cell <li>item")}) {
    auto article = extract_article(page, "https://news.example/x", "");
    if (article) {
      EXPECT_EQ(article->article.body_html.find("<script"), std::string::npos);
    }
  }
}

TEST(ExtractArticleTest, EmptyBytesAreAnError) {
  auto article = extract_article("", "https://news.example/x", "");
  ASSERT_FALSE(article.has_value());
  EXPECT_EQ(article.error().code(), ErrorCode::kParse);
  EXPECT_NE(article.error().message().find("https://news.example/x"), std::string::npos);
}

}  // namespace
}  // namespace newsvault::extract
