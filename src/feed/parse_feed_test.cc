#include <gtest/gtest.h>

#include <string>

#include "feed/feed.h"

namespace newsvault::feed {
namespace {

Feed parse_ok(std::string_view document, std::string_view content_type = "") {
  auto parsed = parse_feed(document, "https://example.org/feed", content_type);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message());
  return parsed ? std::move(*parsed) : Feed{};
}

std::string iso(const std::optional<Timestamp>& time) {
  return time ? format_iso8601_seconds(*time) : "null";
}

TEST(ParseFeedTest, ReadsHowOftenTheFeedAsksToBeRead) {
  const Feed rss = parse_ok(R"(<rss version="2.0"><channel><title>T</title><ttl> 60 </ttl>
<skipHours><hour>0</hour><hour>24</hour><hour>3</hour><hour>x</hour></skipHours>
<skipDays><day>Saturday</day><day>Sunday</day><day>Someday</day></skipDays>
</channel></rss>)");
  EXPECT_EQ(rss.ttl, std::chrono::minutes(60));
  EXPECT_EQ(rss.skip_hours, (std::vector<int>{0, 3}));
  EXPECT_EQ(rss.skip_days, (std::vector<int>{0, 6}));
  EXPECT_EQ(rss.update_period, std::nullopt);

  const Feed rdf = parse_ok(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel rdf:about="https://example.org/"><title>T</title>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel>
</rdf:RDF>)");
  EXPECT_EQ(rdf.update_period, std::chrono::minutes(30));
  EXPECT_EQ(rdf.ttl, std::nullopt);
  // A ttl that is no number of minutes is no hint.
  EXPECT_EQ(parse_ok("<rss version=\"2.0\"><channel><ttl>soon</ttl></channel></rss>").ttl, std::nullopt);
}

TEST(ParseFeedTest, ReadsRss20ItemFields) {
  const Feed feed = parse_ok(R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example News</title><link>https://example.org/</link>
<item>
  <title>First story</title>
  <link>https://example.org/1</link>
  <guid isPermaLink="false">story-1</guid>
  <pubDate>Mon, 19 Jun 2023 09:41:50 +0800</pubDate>
  <dc:creator>Li Wei</dc:creator>
  <description>&lt;p&gt;Teaser&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>
  <category>World</category><category domain="x">Asia</category><category>World</category>
  <enclosure url="https://example.org/a.jpg" type="image/jpeg" length="12345"/>
</item></channel></rss>)");
  EXPECT_EQ(feed.format, FeedFormat::kRss20);
  EXPECT_EQ(feed.title, "Example News");
  EXPECT_EQ(feed.link, "https://example.org/");
  ASSERT_EQ(feed.entries.size(), 1u);
  const Entry& entry = feed.entries[0];
  EXPECT_EQ(entry.id, "story-1");
  EXPECT_EQ(entry.title, "First story");
  EXPECT_EQ(entry.link, "https://example.org/1");
  EXPECT_EQ(iso(entry.published), "2023-06-19T01:41:50Z");
  EXPECT_EQ(iso(entry.updated), "null");
  EXPECT_EQ(entry.author, "Li Wei");
  EXPECT_EQ(entry.summary, "<p>Teaser</p>");
  EXPECT_EQ(entry.content, "<p>Full <b>text</b></p>");
  EXPECT_EQ(entry.tags, (std::vector<std::string>{"World", "Asia"}));
  ASSERT_EQ(entry.enclosures.size(), 1u);
  EXPECT_EQ(entry.enclosures[0].url, "https://example.org/a.jpg");
  EXPECT_EQ(entry.enclosures[0].type, "image/jpeg");
  EXPECT_EQ(entry.enclosures[0].length, 12345);
  EXPECT_FALSE(feed.bozo());
}

TEST(ParseFeedTest, PermalinkGuidStandsInForMissingLink) {
  const Feed feed = parse_ok(R"(<rss version="2.0"><channel><title>t</title>
<item><guid>https://example.org/story</guid><title>x</title></item></channel></rss>)");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].link, "https://example.org/story");
  EXPECT_EQ(feed.entries[0].id, "https://example.org/story");
}

TEST(ParseFeedTest, ReadsRdfItemsWithIdFromRdfAboutAndDcDateAsUpdated) {
  const Feed feed = parse_ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://www.dw.com/zh/s-9058"><title>DW中文 | 德國之聲</title>
<link>https://www.dw.com/zh/s-9058</link></channel>
<item rdf:about="https://www.dw.com/zh/a-65955570?maca=chi-rss">
<title>秦剛晤布林肯7.5小時</title><link>https://www.dw.com/zh/a-65955570?maca=chi-rss</link>
<dc:date>2023-06-19T01:41:50Z</dc:date></item></rdf:RDF>)");
  EXPECT_EQ(feed.format, FeedFormat::kRss10);
  EXPECT_EQ(feed.title, "DW中文 | 德國之聲");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].id, "https://www.dw.com/zh/a-65955570?maca=chi-rss");
  EXPECT_EQ(feed.entries[0].title, "秦剛晤布林肯7.5小時");
  EXPECT_EQ(iso(feed.entries[0].updated), "2023-06-19T01:41:50Z");
}

TEST(ParseFeedTest, MatchesExtensionsByNamespaceNotPrefix) {
  // The same DW namespace under an unusual prefix must still be found.
  const Feed feed = parse_ok(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://purl.org/rss/1.0/" xmlns:x9="http://rss.dw.com/syndication/dwsyn/"
    xmlns:dwsyn="http://example.org/not-dw/">
<item rdf:about="a"><title>t</title><x9:contentID>65955570</x9:contentID>
<dwsyn:contentID>wrong</dwsyn:contentID></item></rdf:RDF>)");
  ASSERT_EQ(feed.entries.size(), 1u);
  const Extension* id =
      feed.entries[0].find_extension("http://rss.dw.com/syndication/dwsyn/", "contentID");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->value, "65955570");
}

TEST(ParseFeedTest, ReadsAtomWithXhtmlContentWithoutItsWrapperDiv) {
  const Feed feed = parse_ok(R"(<feed xmlns="http://www.w3.org/2005/Atom">
<title type="html">A &lt;b&gt;bold&lt;/b&gt; feed</title>
<link rel="alternate" href="https://example.org/"/><link rel="self" href="https://example.org/atom"/>
<entry><id>tag:example.org,2023:1</id><title>Entry</title>
<link rel="alternate" type="text/html" href="https://example.org/1"/>
<link rel="enclosure" type="audio/mpeg" length="99" href="https://example.org/1.mp3"/>
<published>2023-06-19T09:41:50+08:00</published><updated>2023-06-20T00:00:00Z</updated>
<author><name>Ann</name><email>ann@example.org</email></author>
<category term="news"/>
<summary>Short</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <em>world</em></p></div></content>
</entry></feed>)");
  EXPECT_EQ(feed.format, FeedFormat::kAtom10);
  EXPECT_EQ(feed.title, "A <b>bold</b> feed");
  EXPECT_EQ(feed.link, "https://example.org/");
  ASSERT_EQ(feed.entries.size(), 1u);
  const Entry& entry = feed.entries[0];
  EXPECT_EQ(entry.id, "tag:example.org,2023:1");
  EXPECT_EQ(entry.link, "https://example.org/1");
  EXPECT_EQ(iso(entry.published), "2023-06-19T01:41:50Z");
  EXPECT_EQ(iso(entry.updated), "2023-06-20T00:00:00Z");
  EXPECT_EQ(entry.author, "Ann");
  EXPECT_EQ(entry.summary, "Short");
  EXPECT_EQ(entry.content, "<p>Hello <em>world</em></p>");
  EXPECT_EQ(entry.tags, std::vector<std::string>{"news"});
  ASSERT_EQ(entry.enclosures.size(), 1u);
  EXPECT_EQ(entry.enclosures[0].length, 99);
}

TEST(ParseFeedTest, ResolvesLinksAgainstXmlBase) {
  const Feed feed = parse_ok(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/news/">
<entry xml:base="2023/"><id>1</id><title>t</title><link href="story.html"/></entry></feed>)");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].link, "https://example.org/news/2023/story.html");
}

TEST(ParseFeedTest, DetectsTheFormatFromContentNotTheName) {
  const Feed json = parse_ok(R"(  {"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "home_page_url": "https://example.org/", "items": [{"id": 7, "url": "https://example.org/7",
    "title": "Seven", "content_html": "<p>7</p>", "date_published": "2023-06-19T01:41:50Z",
    "authors": [{"name": "Bo"}], "tags": ["a"],
    "attachments": [{"url": "https://example.org/7.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 5}]}]})");
  EXPECT_EQ(json.format, FeedFormat::kJsonFeed11);
  ASSERT_EQ(json.entries.size(), 1u);
  EXPECT_EQ(json.entries[0].id, "7");
  EXPECT_EQ(json.entries[0].author, "Bo");
  EXPECT_EQ(json.entries[0].content, "<p>7</p>");
  EXPECT_EQ(iso(json.entries[0].published), "2023-06-19T01:41:50Z");
  EXPECT_EQ(json.entries[0].enclosures.at(0).length, 5);

  const Feed netscape = parse_ok(R"(<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>n</title><item><title>i</title></item></channel></rss>)");
  EXPECT_EQ(netscape.format, FeedFormat::kRss091Netscape);
  EXPECT_EQ(format_name(parse_ok("<rss version=\"0.92\"><channel/></rss>").format), "rss092");
  EXPECT_EQ(format_name(parse_ok("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"/>").format),
            "atom03");
}

TEST(ParseFeedTest, ReadsUndefinedHtmlEntitiesAsHtmlWouldAndSaysSo) {
  const Feed feed = parse_ok(
      "<rss version=\"2.0\"><channel><title>A&nbsp;B &mdash; C</title>"
      "<item><title>x&hellip;</title><link>https://example.org/?a=1&b=2</link>"
      "<description>AT&T &amp; &lt;b&gt;</description></item></channel></rss>");
  EXPECT_EQ(feed.title, "A\u00A0B \u2014 C");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].title, "x\u2026");
  EXPECT_EQ(feed.entries[0].link, "https://example.org/?a=1&b=2");
  EXPECT_EQ(feed.entries[0].summary, "AT&T & <b>");
  ASSERT_TRUE(feed.bozo());
  EXPECT_NE(feed.problems[0].find("&nbsp;"), std::string::npos) << feed.problems[0];
}

TEST(ParseFeedTest, KeepsEntityReferencesAfterAStructuralError) {
  // Regression: libxml2 drops even &amp; once it has seen an error.
  const Feed feed = parse_ok(
      "<rss version=\"2.0\"><channel><title>t</title><item><title>one</i></title>"
      "<description>&lt;p&gt;a &amp; b&lt;/p&gt;</description></item></channel></rss>");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].summary, "<p>a & b</p>");
  EXPECT_TRUE(feed.bozo());
}

TEST(ParseFeedTest, RecoversEntriesFromUnclosedTagsAndGarbageAfterTheRoot) {
  const Feed feed = parse_ok(
      "<rss version=\"2.0\"><channel><title>t</title>"
      "<item><title>one</title><description><p>unclosed</description></item>"
      "<item><title>two</title></item></channel></rss>\n<html>garbage</html>");
  ASSERT_EQ(feed.entries.size(), 2u);
  EXPECT_EQ(feed.entries[0].title, "one");
  EXPECT_EQ(feed.entries[1].title, "two");
  EXPECT_TRUE(feed.bozo());
}

TEST(ParseFeedTest, FailsNamingFileLineAndCauseWhenNothingCanBeRead) {
  ParseOptions options;
  options.source_name = "broken.xml";
  auto parsed = parse_feed("\n\nthis is not a feed < at all", options);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_TRUE(parsed.error().message().starts_with("broken.xml:")) << parsed.error().message();

  auto empty = parse_feed("   ", options);
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message().find("empty"), std::string::npos);

  auto bad_json = parse_feed("{\"version\": ", options);
  ASSERT_FALSE(bad_json.has_value());
  EXPECT_TRUE(bad_json.error().message().starts_with("broken.xml:"));
}

TEST(ParseFeedTest, ANonFeedXmlDocumentIsReadButFlagged) {
  const Feed feed = parse_ok("<html><body><p>hello</p></body></html>");
  EXPECT_EQ(feed.format, FeedFormat::kUnknown);
  EXPECT_TRUE(feed.entries.empty());
  ASSERT_TRUE(feed.bozo());
  EXPECT_NE(feed.problems[0].find("<html>"), std::string::npos);
}

TEST(ParseFeedTest, KeepsEntriesInDocumentOrderAcrossManyItems) {
  std::string document = "<rss version=\"2.0\"><channel><title>big</title>";
  for (int i = 0; i < 5000; ++i) {
    document += "<item><title>item " + std::to_string(i) + "</title></item>";
  }
  document += "</channel></rss>";
  const Feed feed = parse_ok(document);
  ASSERT_EQ(feed.entries.size(), 5000u);
  EXPECT_EQ(feed.entries[0].title, "item 0");
  EXPECT_EQ(feed.entries[4999].title, "item 4999");
}

// Regression: a JSON Feed's strings kept ESC, BEL and NUL (\u escapes XML
// cannot carry), and every format kept newlines and bidi overrides in
// titles, so `newsvault list` printed a title that drew a row of its own.
TEST(ParseFeedTest, CleansJsonFeedTextAsXmlTextIsCleaned) {
  const Feed feed = parse_ok(R"({"version": "https://jsonfeed.org/version/1.1",
    "title": "Feed\u001b]0;owned\u0007",
    "items": [{"id": "1\n",
               "title": "Real\u001b[2J\u0000 title\n2\t2023-01-01\tfake \u202eevil\u2066",
               "url": "https://example.org/a\r\n",
               "authors": [{"name": "Ann\u0085 \u2067Lee"}],
               "content_html": "<p>one\u0007</p>\n<p>two\uffff\ufdd0</p>",
               "tags": ["t\u0000ag"]}]})");
  EXPECT_EQ(feed.title, "Feed]0;owned");
  ASSERT_EQ(feed.entries.size(), 1u);
  const Entry& entry = feed.entries[0];
  EXPECT_EQ(entry.id, "1");
  EXPECT_EQ(entry.title, "Real[2J title 2 2023-01-01 fake evil");
  EXPECT_EQ(entry.link, "https://example.org/a");
  EXPECT_EQ(entry.author, "Ann Lee");
  EXPECT_EQ(entry.content, "<p>one</p>\n<p>two</p>");
  EXPECT_EQ(entry.tags, std::vector<std::string>{"tag"});
}

TEST(ParseFeedTest, KeepsRssTitlesToOneLineWithoutBidiOverrides) {
  const Feed feed = parse_ok(
      "<rss version=\"2.0\"><channel><title>c</title><item><title>a\n1\tfake&#x202E;x&#x2069;</title>"
      "<description>keeps\nlines &#x202E;here</description></item></channel></rss>");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].title, "a 1 fakex");
  EXPECT_EQ(feed.entries[0].summary, "keeps\nlines \xE2\x80\xAE" "here");
}

}  // namespace
}  // namespace newsvault::feed
