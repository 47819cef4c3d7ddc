// Feeds out: what they say, that they never depend on the clock, and that
// Debian's feedparser reads all three formats without a complaint.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "publish/feed_out.h"
#include "publish/publish.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

constexpr const char* kPython = "/usr/bin/python3";

Timestamp at(const char* text) { return *parse_date(text); }

store::FeedRecord feed_record(std::int64_t id, std::string name) {
  store::FeedRecord feed;
  feed.id = id;
  feed.name = std::move(name);
  feed.url = "https://news.example.org/" + feed.name + "/feed.xml";
  return feed;
}

struct Fixture {
  std::vector<store::FeedRecord> feeds = {feed_record(1, "world"), feed_record(2, "zh")};
  std::vector<store::ArticleSummary> summaries;
  std::map<std::int64_t, extract::Article> articles;

  void add(std::int64_t feed_id, std::string key, std::string title, const char* published,
           std::string body) {
    store::ArticleSummary summary;
    summary.id = static_cast<std::int64_t>(summaries.size()) + 1;
    summary.feed_id = feed_id;
    summary.feed_name = feeds[feed_id - 1].name;
    summary.key = key;
    summary.title = title;
    summary.url = "https://news.example.org/" + key + "?a=1&b=2";
    summary.published = at(published);
    summary.first_seen = at("2023-06-19T02:00:00Z");
    summary.last_changed = at("2023-06-19T03:00:00Z") + std::chrono::minutes(summary.id);
    summary.document_path = summary.feed_name + "/2023/06/19-" + key + ".md";
    extract::Article article;
    article.title = title;
    article.url = summary.url;
    article.published = summary.published;
    article.body_html = std::move(body);
    articles[summary.id] = article;
    summaries.push_back(summary);
  }

  ArticleLoader loader() const {
    return [this](const store::ArticleSummary& summary) -> Result<extract::Article> {
      return articles.at(summary.id);
    };
  }
};

Fixture sample() {
  Fixture fixture;
  fixture.add(1, "storm", "Storm & <floods> \"north\"", "2023-06-19T01:00:00Z",
              "<p>Rain.</p><figure><img src=\"https://img.example.org/a.jpg\"><figcaption>Flood</figcaption></figure>");
  // Text XML cannot carry: a C0 control, broken UTF-8, U+FFFF.
  fixture.add(1, "odd", std::string("Bell\x07 and \xff byte \xEF\xBF\xBF end"), "2023-06-18T01:00:00Z",
              "<p>]]&gt; and &amp;amp;</p>");
  fixture.add(2, "blinken", "秦剛晤布林肯", "2023-06-19T01:41:50Z", "<p>中文內文</p>");
  return fixture;
}

std::vector<std::string> write_sample(const fs::path& root, const FeedsOutOptions& feeds_out = {}) {
  Fixture fixture = sample();
  auto written = write_feeds_out(root, fixture.feeds, fixture.summaries, fixture.loader(),
                                 PublishOptions{}, feeds_out);
  EXPECT_TRUE(written.has_value()) << written.error().message();
  return written.value_or(std::vector<std::string>{});
}

TEST(FeedOutTest, WritesThreeFormatsPerFeedAndForTheWholeArchive) {
  testing::TempDir dir;
  const auto written = write_sample(dir.path());
  const std::vector<std::string> expected = {"world/atom.xml", "world/rss.xml", "world/feed.json",
                                             "zh/atom.xml",    "zh/rss.xml",    "zh/feed.json",
                                             "atom.xml",       "rss.xml",       "feed.json",
                                             "changes.xml"};
  EXPECT_EQ(written, expected);
  for (const std::string& path : expected) EXPECT_TRUE(fs::exists(dir.path() / path)) << path;
}

TEST(FeedOutTest, SameStoreGivesSameBytesWhateverTheClock) {
  testing::TempDir first;
  testing::TempDir second;
  write_sample(first.path());
  write_sample(second.path());
  for (const char* path : {"atom.xml", "rss.xml", "feed.json", "zh/atom.xml"}) {
    EXPECT_EQ(read_file(first.path() / path), read_file(second.path() / path)) << path;
  }
  // The feed's time is its newest revision's, not the time of writing.
  EXPECT_NE(read_file(first.path() / "atom.xml").find("<updated>2023-06-19T03:03:00.000Z</updated>"),
            std::string::npos);
}

TEST(FeedOutTest, ItemsCarryStableIdsBothTimesAndBothLinks) {
  Fixture fixture = sample();
  const store::ArticleSummary& summary = fixture.summaries[0];
  FeedOut feed{"world", "world", "urn:newsvault:feed:world", fixture.feeds[0].url,
               {{summary, fixture.articles[summary.id], {}}}};
  const std::string atom = render_feed_out(feed, FeedFormat::kAtom, PublishOptions{}, {});
  EXPECT_NE(atom.find("<id>urn:newsvault:article:world:storm</id>"), std::string::npos) << atom;
  EXPECT_NE(atom.find("<published>2023-06-19T01:00:00.000Z</published>"), std::string::npos);
  EXPECT_NE(atom.find("<updated>2023-06-19T03:01:00.000Z</updated>"), std::string::npos);
  // The archived copy relative to the feed file; the source with & escaped.
  EXPECT_NE(atom.find("href=\"2023/06/19-storm.md\""), std::string::npos);
  EXPECT_NE(atom.find("rel=\"via\" href=\"https://news.example.org/storm?a=1&amp;b=2\""), std::string::npos);
  // Images through the proxy, as in the archive document.
  EXPECT_NE(atom.find("images.weserv.nl/?url=img.example.org/a.jpg"), std::string::npos);
  EXPECT_EQ(atom.find("src=&quot;https://img.example.org"), std::string::npos);

  const std::string rss = render_feed_out(feed, FeedFormat::kRss, PublishOptions{}, {});
  EXPECT_NE(rss.find("<pubDate>Mon, 19 Jun 2023 01:00:00 +0000</pubDate>"), std::string::npos) << rss;
  EXPECT_NE(rss.find("<guid isPermaLink=\"false\">urn:newsvault:article:world:storm</guid>"),
            std::string::npos);

  const auto json = nlohmann::json::parse(render_feed_out(feed, FeedFormat::kJsonFeed, PublishOptions{}, {}));
  EXPECT_EQ(json["version"], "https://jsonfeed.org/version/1.1");
  EXPECT_EQ(json["items"][0]["id"], "urn:newsvault:article:world:storm");
  EXPECT_EQ(json["items"][0]["url"], "2023/06/19-storm.md");
  EXPECT_EQ(json["items"][0]["external_url"], "https://news.example.org/storm?a=1&b=2");
  EXPECT_EQ(json["items"][0]["date_modified"], "2023-06-19T03:01:00.000Z");
}

TEST(FeedOutTest, LinksAreAbsoluteUnderTheBaseUrl) {
  testing::TempDir dir;
  write_sample(dir.path(), {.base_url = "https://mirror.example.net/archive", .max_items = 50});
  const auto json = nlohmann::json::parse(read_file(dir.path() / "zh/feed.json"));
  EXPECT_EQ(json["feed_url"], "https://mirror.example.net/archive/zh/feed.json");
  EXPECT_EQ(json["items"][0]["url"], "https://mirror.example.net/archive/zh/2023/06/19-blinken.md");
  EXPECT_NE(read_file(dir.path() / "atom.xml")
                .find("rel=\"self\" type=\"application/atom+xml\" href=\"https://mirror.example.net/archive/atom.xml\""),
            std::string::npos);
}

TEST(FeedOutTest, ListsOnlyTheNewestItems) {
  testing::TempDir dir;
  write_sample(dir.path(), {.base_url = "", .max_items = 2});
  const auto json = nlohmann::json::parse(read_file(dir.path() / "feed.json"));
  ASSERT_EQ(json["items"].size(), 2u);
  EXPECT_EQ(json["items"][0]["id"], "urn:newsvault:article:zh:blinken");
  EXPECT_EQ(json["items"][1]["id"], "urn:newsvault:article:world:storm");
}

TEST(FeedOutTest, ReplacesWhatXmlCannotCarry) {
  EXPECT_EQ(xml_safe_text("a\x07z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(xml_safe_text("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(xml_safe_text("\xEF\xBF\xBF"), "\xEF\xBF\xBD");     // U+FFFF
  EXPECT_EQ(xml_safe_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(xml_safe_text("tab\tline\n中文 😀"), "tab\tline\n中文 😀");
}

// What feedparser makes of each file: its complaint flag, its version name,
// and the entries' ids, titles, links and content.
nlohmann::json feedparser_read(const fs::path& file) {
  const std::string script =
      "import json, sys, feedparser\n"
      "d = feedparser.parse(sys.argv[1])\n"
      "print(json.dumps({'bozo': int(d.bozo), 'problem': str(d.get('bozo_exception', '')),"
      " 'version': d.version, 'entries': [{'id': e.get('id'), 'title': e.get('title'),"
      " 'link': e.get('link'), 'published': e.get('published'),"
      " 'content': (e.get('content') or [{}])[0].get('value') or e.get('summary')}"
      " for e in d.entries]}))\n";
  const auto result = testing::run_command(std::string(kPython) + " -c " + testing::shell_quote(script) +
                                           " " + testing::shell_quote(file.string()));
  EXPECT_EQ(result.exit_status, 0) << result.err;
  return nlohmann::json::parse(result.out, nullptr, false);
}

// Debian 12's feedparser (6.0.10) reads Atom and RSS; JSON Feed came in a
// later release, so feed.json is held to the JSON Feed 1.1 spec here.
TEST(FeedOutTest, JsonFeedHasWhatTheSpecRequires) {
  testing::TempDir dir;
  write_sample(dir.path());
  for (const char* path : {"feed.json", "world/feed.json", "zh/feed.json"}) {
    const auto json = nlohmann::json::parse(read_file(dir.path() / path), nullptr, false);
    ASSERT_FALSE(json.is_discarded()) << path;
    EXPECT_EQ(json["version"], "https://jsonfeed.org/version/1.1") << path;
    EXPECT_TRUE(json["title"].is_string()) << path;
    ASSERT_TRUE(json["items"].is_array()) << path;
    for (const auto& item : json["items"]) {
      EXPECT_TRUE(item["id"].is_string()) << path;
      EXPECT_TRUE(item["content_html"].is_string()) << path;
      EXPECT_TRUE(item["date_published"].is_string()) << path;
      EXPECT_TRUE(parse_date(item["date_modified"].get<std::string>()).has_value()) << path;
    }
  }
}

TEST(FeedOutTest, FeedparserReadsAtomAndRssWithoutComplaint) {
  if (testing::run_command(std::string(kPython) + " -c 'import feedparser'").exit_status != 0) {
    GTEST_SKIP() << "Debian's python3-feedparser is not installed (scripts/install-deps.sh)";
  }
  testing::TempDir dir;
  write_sample(dir.path());
  const std::map<std::string, std::string> versions = {{"atom.xml", "atom10"}, {"rss.xml", "rss20"}};
  for (const auto& [file, version] : versions) {
    const nlohmann::json parsed = feedparser_read(dir.path() / file);
    ASSERT_FALSE(parsed.is_discarded()) << file;
    EXPECT_EQ(parsed["bozo"], 0) << file << ": " << parsed["problem"];
    EXPECT_EQ(parsed["version"], version) << file;
    ASSERT_EQ(parsed["entries"].size(), 3u) << file;
    EXPECT_EQ(parsed["entries"][0]["id"], "urn:newsvault:article:zh:blinken") << file;
    EXPECT_EQ(parsed["entries"][0]["title"], "秦剛晤布林肯") << file;
    EXPECT_EQ(parsed["entries"][1]["title"], "Storm & <floods> \"north\"") << file;
    EXPECT_NE(parsed["entries"][1]["content"].get<std::string>().find("images.weserv.nl"),
              std::string::npos)
        << file;
    EXPECT_FALSE(parsed["entries"][2]["published"].is_null()) << file;
  }
}

TEST(FeedOutTest, TheChangesFeedListsEditsAtTheSourceDelistingsAndRemovalsNewestFirst) {
  if (testing::run_command(std::string(kPython) + " -c 'import feedparser'").exit_status != 0) {
    GTEST_SKIP() << "Debian's python3-feedparser is not installed (scripts/install-deps.sh)";
  }
  testing::TempDir dir;
  Fixture fixture = sample();
  fixture.summaries[0].revisions = 3;
  fixture.summaries[0].source_changes = 1;  // one edit at the source, one of newsvault's own
  fixture.summaries[1].delisted_at = at("2023-06-20T00:00:00Z");
  fixture.summaries[1].removed_at = at("2023-06-20T06:00:00Z");
  fixture.summaries[1].removed_reason = "HTTP 410";
  fixture.summaries[2].revisions = 2;  // newsvault's change only: not in the feed
  ASSERT_TRUE(write_feeds_out(dir.path(), fixture.feeds, fixture.summaries, fixture.loader(),
                              PublishOptions{}, FeedsOutOptions{})
                  .has_value());
  const nlohmann::json parsed = feedparser_read(dir.path() / "changes.xml");
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["bozo"], 0) << parsed["problem"];
  ASSERT_EQ(parsed["entries"].size(), 2u) << parsed.dump();
  EXPECT_EQ(parsed["entries"][0]["id"], "urn:newsvault:article:world:odd:removed:1687240800000");
  EXPECT_NE(parsed["entries"][0]["title"].get<std::string>().find("Removed at the source: "), std::string::npos);
  EXPECT_NE(parsed["entries"][0]["content"].get<std::string>().find("(HTTP 410)"), std::string::npos);
  EXPECT_EQ(parsed["entries"][1]["id"], "urn:newsvault:article:world:storm:revision:3");
  EXPECT_EQ(parsed["entries"][1]["title"], "Changed at the source: Storm & <floods> \"north\"");
}

}  // namespace
}  // namespace newsvault::publish
