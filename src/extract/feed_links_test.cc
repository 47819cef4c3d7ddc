#include <gtest/gtest.h>

#include <string>

#include "extract/extract.h"

namespace newsvault::extract {
namespace {

std::string page_with_head(std::string_view head) {
  return "<!DOCTYPE html><html><head><title>Blog</title>" + std::string(head) +
         "</head><body><p>Hello.</p></body></html>";
}

// The one feed link of a page with `head` at `page_url` (empty when the page
// has another number of them, which fails the test).
FeedLink only_link(std::string_view head, std::string_view page_url) {
  const auto links = feed_links(page_with_head(head), page_url);
  EXPECT_EQ(links.size(), 1u);
  return links.size() == 1 ? links.front() : FeedLink{};
}

TEST(FeedLinksTest, FindsRssAtomAndJsonFeedLinksInPageOrder) {
  const auto links = feed_links(
      page_with_head("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Blog (RSS)\" "
                     "href=\"https://blog.example/rss.xml\">"
                     "<link rel=\"stylesheet\" href=\"/site.css\">"
                     "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Blog (Atom)\" "
                     "href=\"https://blog.example/atom.xml\">"
                     "<link rel=\"alternate\" type=\"application/feed+json\" "
                     "href=\"https://blog.example/feed.json\">"),
      "https://blog.example/");
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].url, "https://blog.example/rss.xml");
  EXPECT_EQ(links[0].title, "Blog (RSS)");
  EXPECT_EQ(links[0].type, "application/rss+xml");
  EXPECT_EQ(links[1].url, "https://blog.example/atom.xml");
  EXPECT_EQ(links[1].type, "application/atom+xml");
  EXPECT_EQ(links[2].url, "https://blog.example/feed.json");
  EXPECT_EQ(links[2].title, "");
  EXPECT_EQ(links[2].type, "application/feed+json");
}

TEST(FeedLinksTest, ResolvesRelativeAddressesAgainstThePage) {
  EXPECT_EQ(only_link("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"feed/\">",
                      "https://blog.example/news/index.html")
                .url,
            "https://blog.example/news/feed/");
}

TEST(FeedLinksTest, ResolvesAgainstTheBaseHrefWhenThePageHasOne) {
  EXPECT_EQ(only_link("<base href=\"/en/\">"
                      "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"atom.xml\">",
                      "https://news.example/story/1")
                .url,
            "https://news.example/en/atom.xml");
}

TEST(FeedLinksTest, ReadsRelAsATokenListAndTypesWithoutCaseOrParameters) {
  const FeedLink link = only_link(
      "<LINK REL=\"Alternate Feed\" TYPE=\" Application/RSS+XML; charset=utf-8\" "
      "HREF=\"/rss\" TITLE=\"  All\n   stories \">",
      "https://news.example/");
  EXPECT_EQ(link.url, "https://news.example/rss");
  EXPECT_EQ(link.type, "application/rss+xml");
  EXPECT_EQ(link.title, "All stories");
}

TEST(FeedLinksTest, IgnoresLinksThatAreNotFeeds) {
  const auto links = feed_links(
      page_with_head(
          // Other types, other relations, no address.
          "<link rel=\"alternate\" type=\"text/html\" hreflang=\"de\" href=\"/de/\">"
          "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"/oembed?url=x\">"
          "<link rel=\"feed\" type=\"application/rss+xml\" href=\"/not-alternate.xml\">"
          "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"\">"
          "<link rel=\"alternate\" type=\"application/rss+xml\">"
          // WordPress's REST API record of the page.
          "<link rel=\"alternate\" title=\"JSON\" type=\"application/json\" "
          "href=\"https://blog.example/wp-json/wp/v2/posts/7\">"
          "<link rel=\"alternate\" type=\"application/json\" "
          "href=\"/?rest_route=/wp/v2/posts/7\">"),
      "https://blog.example/");
  EXPECT_TRUE(links.empty());
}

TEST(FeedLinksTest, JsonFeedUnderItsOlderTypeCounts) {
  const FeedLink link =
      only_link("<link rel=\"alternate\" type=\"application/json\" href=\"/feed.json\">",
                "https://micro.example/");
  EXPECT_EQ(link.url, "https://micro.example/feed.json");
  EXPECT_EQ(link.type, "application/json");
}

TEST(FeedLinksTest, AFeedLinkedTwiceIsListedOnce) {
  EXPECT_EQ(only_link("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\">"
                      "<link rel=\"alternate\" type=\"application/rss+xml\" "
                      "href=\"https://news.example/rss\">",
                      "https://news.example/")
                .url,
            "https://news.example/rss");
}

TEST(FeedLinksTest, LinksInTheBodyCountToo) {
  // Pages put <link> where they like; the HTML parser keeps it where it is.
  const auto links = feed_links(
      "<html><body><p>x</p><link rel=\"alternate\" type=\"application/atom+xml\" "
      "href=\"/atom\"></body></html>",
      "https://late.example/");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].url, "https://late.example/atom");
}

TEST(FeedLinksTest, TitlesAreReadInThePagesCharset) {
  // "新闻" in GB18030, the charset the server names.
  const std::string page = page_with_head(
      "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"\xD0\xC2\xCE\xC5\" "
      "href=\"/rss\">");
  const auto links = feed_links(page, "https://cn.example/", "text/html; charset=gbk");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].title, "新闻");
}

TEST(FeedLinksTest, APageWithoutFeedLinksOrWithoutHtmlGivesNone) {
  EXPECT_TRUE(feed_links(page_with_head(""), "https://plain.example/").empty());
  EXPECT_TRUE(feed_links("", "https://plain.example/").empty());
  EXPECT_TRUE(feed_links("just some words", "https://plain.example/").empty());
}

}  // namespace
}  // namespace newsvault::extract
