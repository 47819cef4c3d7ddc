#include <gtest/gtest.h>

#include <string>

#include "extract/extract.h"

namespace newsvault::extract {
namespace {

feed::Entry story() {
  feed::Entry entry;
  entry.title = "  A story  ";
  entry.link = "https://example.org/news/story";
  entry.published = parse_date("2023-06-19T01:41:50Z");
  entry.updated = parse_date("2023-06-20T00:00:00Z");
  entry.summary = "<p>Teaser</p>";
  entry.content = "<p>Full <b>text</b></p>";
  return entry;
}

TEST(ArticleFromEntryTest, TakesTitleLinkAndPublishedTime) {
  const Article article = article_from_entry(story());
  EXPECT_EQ(article.source_id, "");
  EXPECT_EQ(article.title, "A story");
  EXPECT_EQ(article.url, "https://example.org/news/story");
  ASSERT_TRUE(article.published.has_value());
  EXPECT_EQ(format_iso8601_millis(*article.published), "2023-06-19T01:41:50.000Z");
}

// Regression: a javascript: link went into the document's header line and
// the feeds out as the article's address.
TEST(ArticleFromEntryTest, KeepsNoAddressButAnHttpOne) {
  for (const char* link : {"javascript:alert(document.domain)", "JavaScript:alert(1)",
                           "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                           "file:///etc/passwd", "mailto:desk@example.org", "/news/relative",
                           "java script:alert(1)"}) {
    feed::Entry entry = story();
    entry.link = link;
    entry.content = "<p>See <a href=\"more\">more</a></p>";
    const Article article = article_from_entry(entry);
    EXPECT_EQ(article.url, "") << link;
    EXPECT_EQ(article.body_html.find("javascript"), std::string::npos) << article.body_html;
  }
  feed::Entry entry = story();
  entry.link = "HTTP://example.org/a";
  EXPECT_EQ(article_from_entry(entry).url, "HTTP://example.org/a");
}

TEST(ArticleFromEntryTest, UpdatedStandsInForAMissingPublishedTime) {
  feed::Entry entry = story();
  entry.published.reset();
  EXPECT_EQ(format_iso8601_seconds(*article_from_entry(entry).published), "2023-06-20T00:00:00Z");
}

TEST(ArticleFromEntryTest, BodyIsTheContentElseTheSummary) {
  feed::Entry entry = story();
  EXPECT_EQ(article_from_entry(entry).body_html, "<p>Full <b>text</b></p>");
  entry.content = " \n ";
  EXPECT_EQ(article_from_entry(entry).body_html, "<p>Teaser</p>");
}

TEST(ArticleFromEntryTest, BodyIsCanonicalOneLineHtml) {
  feed::Entry entry = story();
  entry.content = "<P CLASS=lead>One\nline &amp; <BR/>two</P>\n<p>three</p>";
  EXPECT_EQ(article_from_entry(entry).body_html,
            "<p class=\"lead\">One line &amp; <br>two</p><p>three</p>");
}

TEST(ArticleFromEntryTest, ImagesBecomeFiguresWithResolvedAddresses) {
  feed::Entry entry = story();
  entry.content =
      "<p>a</p><img src=\"../img/1.jpg\" alt=\"alt text\"><p><img src=//cdn.example.org/2.jpg></p>";
  EXPECT_EQ(article_from_entry(entry).body_html,
            "<p>a</p><figure><img src=\"https://example.org/img/1.jpg\"></figure>"
            "<p><figure><img src=\"https://cdn.example.org/2.jpg\"></figure></p>");
}

TEST(ArticleFromEntryTest, RelativeLinksAreResolvedAgainstTheEntry) {
  feed::Entry entry = story();
  entry.content = "<p><a href=\"/other\">o</a> <a href=\"#note\">n</a></p>";
  EXPECT_EQ(article_from_entry(entry).body_html,
            "<p><a href=\"https://example.org/other\">o</a> <a href=\"#note\">n</a></p>");
}

TEST(ArticleFromEntryTest, LeadImageIsTheFirstImageEnclosure) {
  feed::Entry entry = story();
  entry.enclosures = {{"https://example.org/a.mp3", "audio/mpeg", {}},
                      {"/b.jpg", "IMAGE/JPEG", {}},
                      {"https://example.org/c.jpg", "image/jpeg", {}}};
  const Article article = article_from_entry(entry);
  ASSERT_TRUE(article.lead_image.has_value());
  EXPECT_EQ(article.lead_image->url, "https://example.org/b.jpg");
  EXPECT_EQ(article.lead_image->caption, "");
}

TEST(ArticleFromEntryTest, LeadImageFromMediaContentThenThumbnail) {
  feed::Entry entry = story();
  feed::Media video;
  video.url = "https://example.org/v.mp4";
  video.medium = "video";
  feed::Media thumbnail;
  thumbnail.kind = feed::Media::Kind::kThumbnail;
  thumbnail.url = "https://example.org/t.jpg";
  feed::Media picture;
  picture.url = "https://example.org/p.jpg";
  picture.type = "image/jpeg";
  picture.description = "A caption";
  entry.media = {video, thumbnail, picture};
  Article article = article_from_entry(entry);
  ASSERT_TRUE(article.lead_image.has_value());
  EXPECT_EQ(article.lead_image->url, "https://example.org/p.jpg");
  EXPECT_EQ(article.lead_image->caption, "A caption");

  entry.media = {video, thumbnail};
  article = article_from_entry(entry);
  ASSERT_TRUE(article.lead_image.has_value());
  EXPECT_EQ(article.lead_image->url, "https://example.org/t.jpg");

  entry.media = {video};
  EXPECT_FALSE(article_from_entry(entry).lead_image.has_value());
}

TEST(ArticleFromEntryTest, LeadImageIsLeftOutWhenTheBodyShowsIt) {
  feed::Entry entry = story();
  entry.enclosures = {{"https://example.org/a.jpg", "image/jpeg", {}}};
  entry.content = "<p>x</p><img src=\"https://example.org/a.jpg\">";
  EXPECT_FALSE(article_from_entry(entry).lead_image.has_value());
}

}  // namespace
}  // namespace newsvault::extract
