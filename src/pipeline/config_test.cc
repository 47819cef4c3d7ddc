#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

#include "pipeline/article_record.h"
#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

Result<Config> load_text(const testing::TempDir& dir, std::string_view text) {
  const auto path = dir.path() / "newsvault.toml";
  testing::write_file(path, text);
  return load_config(path);
}

TEST(ConfigTest, TheDefaultConfigReadsBackAsTheDefaults) {
  testing::TempDir dir;
  auto config = load_text(dir, default_config_text());
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->fetch.max_connections, fetch::ClientOptions{}.max_connections);
  EXPECT_EQ(config->publish.image_proxy, publish::PublishOptions{}.image_proxy);
}

TEST(ConfigTest, ReadsSettingsAndAdapterOverrides) {
  testing::TempDir dir;
  auto config = load_text(dir, R"([fetch]
user_agent = "mirror/1.0"
timeout_seconds = 5
proxy = "socks5h://127.0.0.1:1080"
[publish]
image_proxy = "https://proxy.example/?u={url_without_scheme}"
[adapters.dw]
article_api = "http://127.0.0.1:8080/api/{id}"
)");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->fetch.user_agent, "mirror/1.0");
  EXPECT_EQ(config->fetch.timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->fetch.proxy, "socks5h://127.0.0.1:1080");
  EXPECT_EQ(config->publish.image_proxy, "https://proxy.example/?u={url_without_scheme}");
  EXPECT_EQ(config->adapters["dw"]["article_api"], "http://127.0.0.1:8080/api/{id}");
}

TEST(ConfigTest, ReadsTheLimitsOfFetchingAndParsing) {
  testing::TempDir dir;
  auto config = load_text(dir, R"([fetch]
max_response_bytes = 2048
max_header_bytes = 4096
low_speed_bytes_per_second = 10
low_speed_seconds = 3
max_redirects = 2
allow_private_addresses = true
[feed]
max_entries = 50
max_text_bytes = 100000
)");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->fetch.max_response_bytes, 2048u);
  EXPECT_EQ(config->fetch.max_header_bytes, 4096u);
  EXPECT_EQ(config->fetch.low_speed_bytes_per_second, 10u);
  EXPECT_EQ(config->fetch.low_speed_time, std::chrono::seconds(3));
  EXPECT_EQ(config->fetch.max_redirects, 2);
  EXPECT_TRUE(config->fetch.allow_private_addresses);
  EXPECT_EQ(config->parse.max_entries, 50u);
  EXPECT_EQ(config->parse.max_text_bytes, 100000u);
}

TEST(ConfigTest, LimitsDefaultToTheStagesOwnAndRefuseNonsense) {
  testing::TempDir dir;
  auto defaults = load_text(dir, default_config_text());
  ASSERT_TRUE(defaults.has_value()) << defaults.error().message();
  EXPECT_FALSE(defaults->fetch.allow_private_addresses);
  EXPECT_EQ(defaults->fetch.max_header_bytes, fetch::ClientOptions{}.max_header_bytes);
  EXPECT_EQ(defaults->parse.max_entries, feed::ParseOptions{}.max_entries);
  auto wrong = load_text(dir, "[feed]\nmax_entries = 0\n");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find("newsvault.toml:2: feed.max_entries: must be between"),
            std::string::npos)
      << wrong.error().message();
}

TEST(ConfigTest, ReadsTheSitesLanguageAndTimeZoneAndRefusesOthersNamingWhatIsAllowed) {
  testing::TempDir dir;
  auto defaults = load_text(dir, default_config_text());
  ASSERT_TRUE(defaults.has_value()) << defaults.error().message();
  EXPECT_EQ(defaults->site.language, "en");
  EXPECT_EQ(defaults->site.time_zone, "UTC");
  auto config = load_text(dir, "[publish]\nlanguage = \"zh-Hant\"\ntime_zone = \"Asia/Taipei\"\n");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->site.language, "zh-Hant");
  EXPECT_EQ(config->site.time_zone, "Asia/Taipei");
  auto language = load_text(dir, "[publish]\nlanguage = \"zh-TW\"\n");
  ASSERT_FALSE(language.has_value());
  EXPECT_NE(language.error().message().find("newsvault.toml:2: publish.language: \"zh-TW\" is not a language of "
                                            "the site; one of \"en\", \"zh-Hans\", \"zh-Hant\""),
            std::string::npos)
      << language.error().message();
  auto zone = load_text(dir, "[publish]\n\ntime_zone = \"Asia/Taipai\"\n");
  ASSERT_FALSE(zone.has_value());
  EXPECT_NE(zone.error().message().find("newsvault.toml:3: publish.time_zone: \"Asia/Taipai\" is not a time zone"),
            std::string::npos)
      << zone.error().message();
}

TEST(ConfigTest, ReadsTheFrameHostsInLowerCase) {
  testing::TempDir dir;
  auto config = load_text(dir, "[clean]\niframe_hosts = [\"Media.Example\", \"player.vimeo.com\"]\n");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->clean.iframe_hosts, (std::vector<std::string>{"media.example", "player.vimeo.com"}));
  EXPECT_EQ(Config{}.clean.iframe_hosts, clean::Options::default_iframe_hosts());
  auto wrong = load_text(dir, "[clean]\niframe_hosts = \"www.youtube.com\"\n");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find("clean.iframe_hosts: expected an array of strings"),
            std::string::npos)
      << wrong.error().message();
}

TEST(ConfigTest, ParsesTextAndNamesItsSourceInErrors) {
  auto config = parse_config("[fetch]\nuser_agent = \"mirror/1.0\"\n", "settings.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->fetch.user_agent, "mirror/1.0");
  auto wrong = parse_config("[fetch]\n\ntimeout_seconds = \"soon\"\n", "settings.toml");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find("settings.toml:3: fetch.timeout_seconds"),
            std::string::npos)
      << wrong.error().message();
  auto broken = parse_config("[fetch\n", "settings.toml");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(broken.error().message().starts_with("settings.toml:1: ")) << broken.error().message();
}

// Regression: toml11 read past the end of its buffer on a byte that is not
// UTF-8 in a literal-string key ("'\x86'gu"; found by fuzz/config_fuzzer).
// Found by fuzzing: toml11 reads nested arrays by recursion without a
// limit, and a line of "[" ran it out of stack.
TEST(ConfigTest, ValuesNestedTooDeepAreRefusedNamingTheLineNotACrash) {
  const std::string deep = "[fetch]\n\nuser_agent = " + std::string(100000, '[') + "\n";
  auto config = parse_config(deep, "settings.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(config.error().message(), "settings.toml:3: arrays or tables nested more than 64 deep");

  // Brackets in strings, comments and table headers are not nesting.
  const std::string brackets(100, '[');
  const std::string shallow = "# " + brackets + "\n[fetch]\nuser_agent = \"" + brackets + "\\\"" +
                              brackets + "\"  # " + brackets + "\n[publish]\nimage_proxy = '''" +
                              brackets + "\n" + brackets + "'''\n[[publish.git.remote]]\n" +
                              "name = \"a\"\nurl = \"https://git.example/a.git\"\n";
  auto read = parse_config(shallow, "settings.toml");
  ASSERT_TRUE(read.has_value()) << read.error().message();
  EXPECT_EQ(read->fetch.user_agent, brackets + "\"" + brackets);
}

// Found by fuzzing: toml11 reads a binary integer by doubling a signed
// 64-bit place value once per digit, leading zeros included, so its 63rd
// digit overflows, whatever the value.
TEST(ConfigTest, ABinaryIntegerOfMoreThan62DigitsIsRefusedNamingTheLineNotAnOverflow) {
  auto config = parse_config("[fetch]\nmax_connections = 0b" + std::string(64, '1') + "\n", "settings.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(), "settings.toml:2: a binary integer longer than 62 digits");
  // Small in value, long in digits: the leading zeros are doubled over too.
  auto padded = parse_config("[fetch]\nmax_connections = 0b" + std::string(60, '0') + "100\n", "s.toml");
  ASSERT_FALSE(padded.has_value());
  EXPECT_EQ(padded.error().message(), "s.toml:2: a binary integer longer than 62 digits");
  // 62 digits (underscores do not count) are read as the number they are.
  auto longest = parse_config("[fetch]\nmax_connections = 0b000_" + std::string(59, '1') + "\n", "s.toml");
  ASSERT_FALSE(longest.has_value());  // too many connections, but read as a number
  EXPECT_EQ(longest.error().message().find("binary"), std::string::npos) << longest.error().message();
  auto four = parse_config("[fetch]\nmax_connections = 0b" + std::string(59, '0') + "100\n", "s.toml");
  ASSERT_TRUE(four.has_value()) << four.error().message();
  EXPECT_EQ(four->fetch.max_connections, 4);
}

TEST(ConfigTest, TextThatIsNotUtf8IsRefusedNamingTheLine) {
  auto config = parse_config("[fetch]\n'\x86'gu", "settings.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(config.error().message(), "settings.toml:2: not UTF-8, as TOML must be");
  testing::TempDir dir;
  auto file = load_text(dir, "[fetch]\nuser_agent = \"caf\xE9\"\n");
  ASSERT_FALSE(file.has_value());
  EXPECT_TRUE(file.error().message().ends_with("newsvault.toml:2: not UTF-8, as TOML must be"))
      << file.error().message();
  EXPECT_TRUE(parse_config("[fetch]\nuser_agent = \"caf\xC3\xA9\"\n", "s.toml").has_value());
}

TEST(ConfigTest, AMissingFileIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  auto config = load_config(dir.path() / "absent.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code(), ErrorCode::kIo);
  EXPECT_NE(config.error().message().find("absent.toml"), std::string::npos);
}

TEST(ConfigTest, AWrongTypeNamesFileLineAndKey) {
  testing::TempDir dir;
  auto config = load_text(dir, "[fetch]\n\ntimeout_seconds = \"soon\"\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("newsvault.toml:3: fetch.timeout_seconds: expected an integer"),
            std::string::npos)
      << config.error().message();
}

TEST(ConfigTest, AnUnknownSettingIsAnErrorNotIgnored) {
  testing::TempDir dir;
  auto config = load_text(dir, "[fetch]\ntimout_seconds = 5\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find(":2: fetch.timout_seconds: unknown setting"),
            std::string::npos)
      << config.error().message();
}

TEST(ConfigTest, BrokenTomlNamesTheLine) {
  testing::TempDir dir;
  auto config = load_text(dir, "[fetch]\nuser_agent = \"unterminated\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("newsvault.toml:2:"), std::string::npos)
      << config.error().message();
}

TEST(ConfigTest, AnAdapterTemplateWithoutIdIsRefused) {
  testing::TempDir dir;
  auto config = load_text(dir, "[adapters.dw]\narticle_api = \"https://example.org/api\"\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("adapters.dw.article_api: must contain {id}"),
            std::string::npos)
      << config.error().message();
}

TEST(ConfigTest, ReadsTheSiteFolderAndEachFeedsConversions) {
  testing::TempDir dir;
  auto config = load_text(dir, R"([publish.site]
dir = "www"
[feeds.dw-chinese]
convert = ["s2t", "s2hk", "s2t"]
[feeds."中文"]
convert = ["t2s"]
)");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->site.dir, "www");
  EXPECT_EQ(config->feeds["dw-chinese"].convert,
            (std::vector{publish::ChineseConversion::kS2T, publish::ChineseConversion::kS2HK}));
  EXPECT_EQ(config->feeds["中文"].convert, std::vector{publish::ChineseConversion::kT2S});
}

TEST(ConfigTest, AnUnknownConversionOrFeedSettingNamesFileLineAndKey) {
  testing::TempDir dir;
  auto unknown = load_text(dir, "[feeds.dw]\n\nconvert = [\"s2t\",\n  \"s2x\"]\n");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("newsvault.toml:4: feeds.dw.convert: unknown conversion \"s2x\""),
            std::string::npos)
      << unknown.error().message();
  // s2tw and s2twp both make the zh-Hant-TW copy: one file, one conversion.
  auto both = load_text(dir, "[feeds.dw]\nconvert = [\"s2tw\", \"s2twp\"]\n");
  ASSERT_FALSE(both.has_value());
  EXPECT_NE(both.error().message().find(
                ":2: feeds.dw.convert: \"s2twp\" and \"s2tw\" both make the zh-Hant-TW copy: choose one"),
            std::string::npos)
      << both.error().message();
  auto typo = load_text(dir, "[feeds.dw]\nconvet = [\"s2t\"]\n");
  ASSERT_FALSE(typo.has_value());
  EXPECT_NE(typo.error().message().find(":2: feeds.dw.convet: unknown setting"), std::string::npos)
      << typo.error().message();
  auto site = load_text(dir, "[publish.site]\ndir = 3\n");
  ASSERT_FALSE(site.has_value());
  EXPECT_NE(site.error().message().find(":2: publish.site.dir: expected a string"), std::string::npos)
      << site.error().message();
}

TEST(ConfigTest, ReadsEachFeedsFullTextAndDefaultsToAuto) {
  testing::TempDir dir;
  auto config =
      load_text(dir,
                "[feeds.blog]\nfull_text = \"always\"\n[feeds.wire]\nfull_text = \"never\"\n"
                "[feeds.other]\nconvert = [\"s2t\"]\n");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->feeds["blog"].full_text, FullText::kAlways);
  EXPECT_EQ(config->feeds["wire"].full_text, FullText::kNever);
  EXPECT_EQ(config->feeds["other"].full_text, std::nullopt);
  EXPECT_EQ(config->full_text, FullText::kAuto);
}

TEST(ConfigTest, FetchFullTextIsEveryFeedsDefaultAndAFeedsOwnWins) {
  testing::TempDir dir;
  auto config = load_text(dir, "[fetch]\nfull_text = \"never\"\n[feeds.blog]\nfull_text = \"always\"\n");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->full_text, FullText::kNever);
  EXPECT_EQ(config->feeds["blog"].full_text, FullText::kAlways);
  auto wrong = load_text(dir, "[fetch]\nfull_text = \"often\"\n");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find(":2: fetch.full_text: expected \"auto\""), std::string::npos)
      << wrong.error().message();
}

TEST(ConfigTest, ABadFullTextValueNamesFileLineAndKey) {
  testing::TempDir dir;
  auto wrong = load_text(dir, "[fetch]\n\n[feeds.blog]\nfull_text = \"sometimes\"\n");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find((dir.path() / "newsvault.toml").string() +
                                         ":4: feeds.blog.full_text: expected \"auto\", \"always\" "
                                         "or \"never\", not \"sometimes\""),
            std::string::npos)
      << wrong.error().message();
  auto not_text = load_text(dir, "[feeds.blog]\nfull_text = true\n");
  ASSERT_FALSE(not_text.has_value());
  EXPECT_NE(not_text.error().message().find(":2: feeds.blog.full_text: expected a string"),
            std::string::npos)
      << not_text.error().message();
}

TEST(SetFeedFullTextTest, AddsATableAtTheEndKeepingEveryOtherLine) {
  const std::string text = "# my settings\n[fetch]\ntimeout_seconds = 5  # slow site\n";
  auto set = set_feed_full_text(text, "newsvault.toml", "dw-中文", FullText::kAlways);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_EQ(*set, text + "\n[feeds.\"dw-中文\"]\nfull_text = \"always\"\n");
}

TEST(SetFeedFullTextTest, AddsTheKeyUnderTheFeedsOwnHeader) {
  const std::string text =
      "[feeds . \"blog\"]  # mine\nconvert = [\"s2t\"]\n\n[publish]\nfeed_items = 5\n";
  auto set = set_feed_full_text(text, "newsvault.toml", "blog", FullText::kNever);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_EQ(*set,
            "[feeds . \"blog\"]  # mine\nfull_text = \"never\"\nconvert = "
            "[\"s2t\"]\n\n[publish]\nfeed_items = 5\n");
}

TEST(SetFeedFullTextTest, ReplacesTheKeyWhereItIsSet) {
  auto set = set_feed_full_text("[feeds.blog]\nfull_text = \"never\"  # for now\n[feeds.wire]\n",
                                "newsvault.toml", "blog", FullText::kAuto);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_EQ(*set, "[feeds.blog]\nfull_text = \"auto\"\n[feeds.wire]\n");
}

TEST(SetFeedFullTextTest, RefusesAnInlineTableAndABrokenFile) {
  auto inline_table = set_feed_full_text("[feeds]\nblog = { convert = [\"s2t\"] }\n",
                                         "newsvault.toml", "blog", FullText::kAuto);
  ASSERT_FALSE(inline_table.has_value());
  EXPECT_NE(
      inline_table.error().message().find("newsvault.toml:2: feeds.blog: not a [feeds.blog] table"),
      std::string::npos)
      << inline_table.error().message();
  auto broken = set_feed_full_text("[fetch\n", "newsvault.toml", "blog", FullText::kAuto);
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message().find("newsvault.toml:1:"), std::string::npos)
      << broken.error().message();
}

TEST(ArticleIdentityTest, TrackingParametersAreNotPartOfTheAddress) {
  EXPECT_EQ(strip_tracking_parameters(
                "https://www.dw.com/zh/a-65955570?maca=chi-rss-chi-all-1127-rdf"),
            "https://www.dw.com/zh/a-65955570");
  EXPECT_EQ(strip_tracking_parameters("https://x.org/a?id=3&utm_source=rss&utm_medium=feed#top"),
            "https://x.org/a?id=3#top");
  EXPECT_EQ(strip_tracking_parameters("https://x.org/a?utm_source=rss&page=2"), "https://x.org/a?page=2");
  EXPECT_EQ(strip_tracking_parameters("https://x.org/a"), "https://x.org/a");
}

// Regression: a '?' in the fragment was read as a second query, so that
// stripping twice stripped more than stripping once (found by
// fuzz/url_fuzzer).
TEST(ArticleIdentityTest, AQuestionMarkInTheFragmentStartsNoQuery) {
  EXPECT_EQ(strip_tracking_parameters("https://x.org/a#top?utm_source=rss"),
            "https://x.org/a#top?utm_source=rss");
  const std::string once = strip_tracking_parameters("https://x.org/a?maca=1#p?utm_source=2");
  EXPECT_EQ(once, "https://x.org/a#p?utm_source=2");
  EXPECT_EQ(strip_tracking_parameters(once), once);
}

TEST(ArticleIdentityTest, ARetitledStoryKeepsItsIdentity) {
  feed::Entry first;
  first.title = "Old title";
  first.link = "https://x.org/story?utm_campaign=a";
  feed::Entry retitled = first;
  retitled.title = "New title";
  retitled.link = "https://x.org/story?utm_campaign=b";
  EXPECT_EQ(article_key("", first), article_key("", retitled));
  retitled.id = "guid-1";
  EXPECT_EQ(article_key("", retitled), "guid-1");
  EXPECT_EQ(article_key("65955570", retitled), "65955570");
}

TEST(ArticleRecordTest, AnArticleRoundTripsThroughItsStoredForm) {
  extract::Article article;
  article.source_id = "1";
  article.title = "標題";
  article.url = "https://x.org/a";
  article.published = parse_date("2023-06-19T01:41:50.777Z");
  article.lead_image = extract::Image{"https://x.org/i.jpg", "cap"};
  article.body_html = "<p>x</p>";
  const std::string stored = article_to_json(article);
  EXPECT_EQ(stored, article_to_json(article));  // deterministic: the same article hashes the same
  auto back = article_from_json(stored);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->title, article.title);
  EXPECT_EQ(back->published, article.published);
  ASSERT_TRUE(back->lead_image.has_value());
  EXPECT_EQ(back->lead_image->caption, "cap");
  EXPECT_EQ(back->body_html, article.body_html);
}

// A revision's hash is of its stored bytes, and revisions stored so far
// were written by nlohmann's dump: the same article must give the same
// bytes, whatever text it holds, or every archived article would look
// changed at the next fetch.
TEST(ArticleRecordTest, TheStoredFormIsByteForByteWhatTheJsonLibraryWrites) {
  auto library_form = [](const extract::Article& article) {
    nlohmann::json json;
    json["source_id"] = article.source_id;
    json["title"] = article.title;
    json["url"] = article.url;
    json["published"] = article.published ? nlohmann::json(format_iso8601_millis(*article.published))
                                          : nlohmann::json(nullptr);
    json["lead_image"] = article.lead_image ? nlohmann::json{{"url", article.lead_image->url},
                                                             {"caption", article.lead_image->caption}}
                                            : nlohmann::json(nullptr);
    json["body"] = article.body_html;
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string every_ascii;
  for (int c = 0; c < 0x80; ++c) every_ascii += static_cast<char>(c);
  const std::string texts[] = {
      "", every_ascii, "<p class=\"a\">C:\\path \"quoted\"</p>\n\t\r\b\f", "標題 — “quotes” ☃ 😀",
      "a\x7f" "b", "bad \xe4 byte", "cut \xe6\x97", "overlong \xc0\xaf", "surrogate \xed\xa0\x80 x",
      "\xff\xfe", std::string("nul\0inside", 10)};
  std::mt19937 random(20261127);
  for (const std::string& text : texts) {
    for (int variant = 0; variant < 4; ++variant) {
      extract::Article article;
      article.source_id = variant == 0 ? text : "65955570";
      article.title = text;
      article.url = variant == 1 ? text : "https://x.org/a?b=1&c=\"2\"";
      if (variant % 2 == 0) article.published = parse_date("2023-06-19T01:41:50.777Z");
      if (variant >= 2) article.lead_image = extract::Image{"https://x.org/i.jpg", text};
      // The body: the text amid random printable ASCII, so runs of every length meet it.
      std::string body;
      for (int k = 0; k < 3; ++k) {
        body.append(static_cast<std::size_t>(random() % 40), static_cast<char>(0x20 + random() % 0x5F));
        body += text;
      }
      article.body_html = body;
      EXPECT_EQ(article_to_json(article), library_form(article)) << "text: " << text << " variant " << variant;
    }
  }
}

TEST(OpmlTest, ReadsNestedOutlinesAndWritesThemBack) {
  auto feeds = read_opml(R"(<?xml version="1.0"?><opml version="2.0"><body>
<outline text="News"><outline text="DW" title="DW 中文" xmlUrl="https://rss.dw.com/rdf/rss-chi-all"/>
<outline text="BBC &amp; co" xmlUrl="https://feeds.bbci.co.uk/zhongwen/trad/rss.xml"/></outline>
<outline text="no feed here"/></body></opml>)",
                         "feeds.opml");
  ASSERT_TRUE(feeds.has_value()) << feeds.error().message();
  ASSERT_EQ(feeds->size(), 2u);
  EXPECT_EQ((*feeds)[0].name, "DW 中文");
  EXPECT_EQ((*feeds)[1].name, "BBC & co");

  std::vector<store::FeedRecord> records(1);
  records[0].name = "dw-chinese";
  records[0].url = "https://rss.dw.com/rdf/rss-chi-all?a=1&b=2";
  records[0].adapter = "dw";
  auto again = read_opml(write_opml(records, Config{}), "exported");
  ASSERT_TRUE(again.has_value());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].url, records[0].url);
  EXPECT_EQ((*again)[0].adapter, "dw");
}

TEST(OpmlTest, ANonOpmlFileIsRefusedByName) {
  auto feeds = read_opml("<rss/>", "feeds.opml");
  ASSERT_FALSE(feeds.has_value());
  EXPECT_NE(feeds.error().message().find("feeds.opml"), std::string::npos);
}

TEST(FeedNameTest, NamesAreFitForFolders) {
  EXPECT_EQ(feed_name_from("https://rss.dw.com/rdf/rss-chi-all"), "rss-dw-com-rdf-rss-chi-all");
  EXPECT_EQ(feed_name_from("DW 中文 | 德國之聲"), "dw-中文-德國之聲");
  EXPECT_EQ(feed_name_from("///"), "feed");
}

}  // namespace
}  // namespace newsvault::pipeline

namespace newsvault::pipeline {
namespace {

TEST(ConfigTest, ReadsGitAuthorRemotesAndFeedsOut) {
  testing::TempDir dir;
  auto config = load_text(dir, R"([publish]
base_url = "https://mirror.example.net/"
feed_items = 20
[publish.git]
enabled = false
author_name = "Archive Bot"
author_email = "bot@example.org"
[[publish.git.remote]]
name = "origin"
url = "https://github.com/example/archive.git"
password_env = "ARCHIVE_TOKEN"
[[publish.git.remote]]
name = "backup"
url = "/srv/backup.git"
)");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->feeds_out.base_url, "https://mirror.example.net/");
  EXPECT_EQ(config->feeds_out.max_items, 20u);
  EXPECT_FALSE(config->git.enabled);
  EXPECT_EQ(config->git.author_name, "Archive Bot");
  ASSERT_EQ(config->git.remotes.size(), 2u);
  EXPECT_EQ(config->git.remotes[0].password_env, "ARCHIVE_TOKEN");
  EXPECT_EQ(config->git.remotes[1].url, "/srv/backup.git");
}

TEST(ConfigTest, GitIsOnByDefault) {
  testing::TempDir dir;
  auto config = load_text(dir, default_config_text());
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_TRUE(config->git.enabled);
  EXPECT_EQ(config->git.author_name, "newsvault");
  EXPECT_TRUE(config->git.remotes.empty());
}

TEST(ConfigTest, RefusesAPasswordWrittenInARemotesUrl) {
  testing::TempDir dir;
  auto config = load_text(dir, "[publish.git]\n[[publish.git.remote]]\nname = \"origin\"\n"
                               "url = \"https://me:hunter2@example.org/a.git\"\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("newsvault.toml:4: publish.git.remote.url: https://***@"),
            std::string::npos)
      << config.error().message();
}

TEST(ConfigTest, RefusesATokenInARemotesUrlShowingTheUrlWithoutIt) {
  for (const char* url : {"https://ghp_SECRET123@github.com/a/b.git", "https://user%3Aghp_SECRET123@host/a.git",
                          "https://host/a.git?private_token=ghp_SECRET123",
                          "https://host/a.git?x=1&Access_Token=ghp_SECRET123",
                          "ssh://git:ghp_SECRET123@host/a.git"}) {
    testing::TempDir dir;
    auto config = load_text(dir, std::string("[publish.git]\n[[publish.git.remote]]\nname = \"origin\"\n"
                                             "url = \"") + url + "\"\n");
    ASSERT_FALSE(config.has_value()) << url;
    const std::string message = config.error().message();
    EXPECT_NE(message.find("newsvault.toml:4: publish.git.remote.url: "), std::string::npos) << message;
    EXPECT_NE(message.find("***"), std::string::npos) << message;
    EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
  }
  // An ssh user name is no secret.
  testing::TempDir dir;
  auto config = load_text(dir, "[publish.git]\n[[publish.git.remote]]\nname = \"origin\"\n"
                               "url = \"ssh://git@github.com/a/b.git\"\n");
  EXPECT_TRUE(config.has_value()) << config.error().message();
}

TEST(ConfigTest, RefusesAProxyWithCredentialsShowingItWithoutThem) {
  testing::TempDir dir;
  auto config = load_text(dir, "[fetch]\nproxy = \"http://alice:SECRET@proxy.example:3128\"\n");
  ASSERT_FALSE(config.has_value());
  const std::string message = config.error().message();
  EXPECT_NE(message.find("newsvault.toml:2: fetch.proxy: http://***@proxy.example:3128 holds credentials"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
}

TEST(ConfigTest, AnUnknownGitSettingNamesFileLineAndKey) {
  testing::TempDir dir;
  auto config = load_text(dir, "[publish.git]\nauthor_name = \"x\"\ntoken = \"secret\"\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("newsvault.toml:3: publish.git.token: unknown setting"),
            std::string::npos)
      << config.error().message();
}

TEST(ConfigTest, ARemoteNeedsANameAndAUrl) {
  testing::TempDir dir;
  auto config = load_text(dir, "[[publish.git.remote]]\nname = \"origin\"\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("publish.git.remote: needs a name and a url"), std::string::npos)
      << config.error().message();
}

}  // namespace
}  // namespace newsvault::pipeline
