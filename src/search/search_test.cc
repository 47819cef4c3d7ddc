#include "search/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/fold.h"
#include "publish/publish.h"
#include "search/tokenizer.h"

namespace newsvault::search {
namespace {

Timestamp day(int number) {
  return Timestamp(std::chrono::milliseconds(std::int64_t{1'700'000'000'000} + number * 86'400'000LL));
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::open(":memory:");
    ASSERT_TRUE(opened) << opened.error().message();
    store_ = std::move(*opened);
    ASSERT_TRUE(attach(*store_));
    auto feed = store_->add_feed("news", "https://news.example/feed", "");
    ASSERT_TRUE(feed);
    feed_id_ = feed->id;
    auto other = store_->add_feed("blog", "https://blog.example/feed", "");
    ASSERT_TRUE(other);
    other_feed_id_ = other->id;
  }

  std::int64_t save(const std::string& key, const std::string& title, const std::string& body_html,
                    int published_day, std::int64_t feed_id = 0) {
    store::ArticleRevision revision;
    revision.key = key;
    revision.title = title;
    revision.url = "https://news.example/" + key;
    revision.published = day(published_day);
    revision.content = nlohmann::json{{"title", title}, {"body", body_html}}.dump();
    revision.document_path = "news/" + key + ".md";
    auto saved = store_->save_revision(feed_id == 0 ? feed_id_ : feed_id, revision, day(published_day));
    EXPECT_TRUE(saved) << saved.error().message();
    return saved ? saved->article_id : 0;
  }

  std::vector<std::int64_t> ids(const Query& query) {
    auto hits = search(*store_, query);
    EXPECT_TRUE(hits) << hits.error().message();
    std::vector<std::int64_t> found;
    if (hits) {
      for (const Hit& hit : *hits) found.push_back(hit.id);
    }
    return found;
  }
  std::vector<std::int64_t> ids(const std::string& text) { return ids(Query{.text = text}); }

  std::unique_ptr<store::Store> store_;
  std::int64_t feed_id_ = 0;
  std::int64_t other_feed_id_ = 0;
};

using Ids = std::vector<std::int64_t>;

Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(SearchTest, SimplifiedTermFindsTraditionalAndSimplifiedWriting) {
  const auto traditional = save("a", "選舉", "<p>臺灣的選舉結果今天公布。</p>", 1);
  const auto variant = save("b", "新聞", "<p>台灣政府發表聲明。</p>", 2);
  const auto simplified = save("c", "新闻", "<p>台湾天气晴朗。</p>", 3);
  save("d", "其他", "<p>日本的新聞。</p>", 4);
  EXPECT_EQ(sorted(ids("台湾")), sorted(Ids{traditional, variant, simplified}));
  EXPECT_EQ(sorted(ids("臺灣")), sorted(Ids{traditional, variant, simplified}));
}

TEST_F(SearchTest, TraditionalTermFindsSimplifiedWriting) {
  const auto simplified = save("a", "软件更新", "<p>这个软体很好用。</p>", 1);
  EXPECT_EQ(ids("軟體"), Ids{simplified});
}

TEST_F(SearchTest, OneCharacterTermFindsArticles) {
  const auto with = save("a", "天气", "<p>今天下雨。</p>", 1);
  save("b", "天气", "<p>今天晴朗。</p>", 2);
  EXPECT_EQ(ids("雨"), Ids{with});
  // The last character of a run is indexed too.
  EXPECT_EQ(ids("朗"), Ids{with + 1});
}

TEST_F(SearchTest, LongerChineseTermMatchesOnlyAsSubstring) {
  const auto whole = save("a", "报道", "<p>中华人民共和国今天宣布。</p>", 1);
  save("b", "报道", "<p>人民和共和国是两个词。</p>", 2);  // every bigram of 人民共和国 but 民共
  EXPECT_EQ(ids("人民共和国"), Ids{whole});
}

TEST_F(SearchTest, LatinTermMatchesWholeWordsCaseInsensitivelyAndFullWidth) {
  const auto word = save("a", "Report", "<p>The Taiwan election was held today.</p>", 1);
  const auto full_width = save("b", "報道", "<p>ＴＡＩＷＡＮ的新聞</p>", 2);
  save("c", "Other", "<p>Taiwanese food is popular.</p>", 3);
  EXPECT_EQ(sorted(ids("taiwan")), sorted(Ids{word, full_width}));
  EXPECT_EQ(sorted(ids("TAIWAN")), sorted(Ids{word, full_width}));
  EXPECT_EQ(sorted(ids("ｔａｉｗａｎ")), sorted(Ids{word, full_width}));
  EXPECT_EQ(ids("taiwa"), Ids{});
}

TEST_F(SearchTest, EveryTermMustMatch) {
  const auto both = save("a", "Taiwan", "<p>台湾的选举 election</p>", 1);
  save("b", "Taiwan", "<p>台湾的天气</p>", 2);
  save("c", "Other", "<p>日本的选举 election</p>", 3);
  EXPECT_EQ(ids("台湾 选举"), Ids{both});
  EXPECT_EQ(ids("election 台灣"), Ids{both});
}

TEST_F(SearchTest, SnippetShowsTheOriginalScriptHighlighted) {
  save("a", "新聞", "<p>今天臺灣的選舉結果公布了。</p>", 1);
  auto hits = search(*store_, Query{.text = "台湾"});
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_NE(hits->front().snippet.find("[臺灣]"), std::string::npos) << hits->front().snippet;
}

TEST_F(SearchTest, TitleMatchRanksAboveTextMatchAndNewerFirstAmongEquals) {
  const auto in_text = save("a", "Weather", "<p>Some news about elections and more words here.</p>", 5);
  const auto in_title = save("b", "Elections", "<p>Some news about the weather and more words.</p>", 1);
  const auto older = save("c", "Market", "<p>Same text words.</p>", 1);
  const auto newer = save("d", "Market", "<p>Same text words.</p>", 2);
  EXPECT_EQ(ids("elections"), (Ids{in_title, in_text}));
  EXPECT_EQ(ids("same"), (Ids{newer, older}));
}

TEST_F(SearchTest, NewRevisionReplacesOldTextInIndex) {
  const auto article = save("a", "新聞", "<p>原來的文字提到北京。</p>", 1);
  EXPECT_EQ(ids("北京"), Ids{article});
  save("a", "新聞", "<p>修改後的文字提到上海。</p>", 2);
  EXPECT_EQ(ids("北京"), Ids{});
  EXPECT_EQ(ids("上海"), Ids{article});
}

TEST_F(SearchTest, FeedSinceAndLimitNarrowResults) {
  const auto old_news = save("a", "Taiwan", "<p>Taiwan</p>", 1);
  const auto new_news = save("b", "Taiwan", "<p>Taiwan</p>", 10);
  const auto blog = save("c", "Taiwan", "<p>Taiwan</p>", 11, other_feed_id_);
  EXPECT_EQ(sorted(ids(Query{.text = "taiwan", .feed = "news"})), sorted(Ids{old_news, new_news}));
  EXPECT_EQ(sorted(ids(Query{.text = "taiwan", .since = day(5)})), sorted(Ids{new_news, blog}));
  EXPECT_EQ(ids(Query{.text = "taiwan", .limit = 2}).size(), 2u);
  auto unknown = search(*store_, Query{.text = "taiwan", .feed = "nothing"});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("no feed named nothing"), std::string::npos);
}

// Matches are ranked from the index alone and looked up in the articles a
// batch at a time, best first: the page must still be the newest of many
// equal matches, and a filter must look past the batches it rules out.
TEST_F(SearchTest, ManyEqualMatchesGiveTheNewestAndFiltersLookPastTheFirstBatches) {
  Ids blog, news;
  for (int i = 0; i < 150; ++i) {
    // The blog's articles are the newer ones, so they come first.
    const bool in_blog = i >= 30;
    const auto id = save("k" + std::to_string(i), "Report", "<p>Weather report for the week.</p>", i,
                         in_blog ? other_feed_id_ : 0);
    (in_blog ? blog : news).push_back(id);
  }
  EXPECT_EQ(ids(Query{.text = "weather", .limit = 3}), (Ids{blog[119], blog[118], blog[117]}));
  EXPECT_EQ(ids(Query{.text = "weather", .limit = 2, .feed = "news"}), (Ids{news[29], news[28]}));
  EXPECT_EQ(ids(Query{.text = "weather", .limit = 200, .feed = "news"}).size(), 30u);
  EXPECT_EQ(ids(Query{.text = "weather", .limit = 200, .since = day(140)}).size(), 10u);
  // A better match than all of them (in its title) still comes first.
  const auto titled = save("t", "Weather", "<p>Nothing else.</p>", 0, other_feed_id_);
  EXPECT_EQ(ids(Query{.text = "weather", .limit = 2}), (Ids{titled, blog[119]}));
}

TEST_F(SearchTest, RebuildIndexesArticlesSavedBeforeTheIndex) {
  // An archive whose articles were saved without an index: a store opened
  // anew, with articles, is not indexed until rebuild().
  const auto article = save("a", "新聞", "<p>臺灣</p>", 1);
  ASSERT_TRUE(store_->transaction([&]() -> Result<void> {
    return sqlite3_exec(store_->connection(), "DROP TABLE search_index; DELETE FROM search_text", nullptr,
                        nullptr, nullptr) == SQLITE_OK
               ? Result<void>()
               : make_error(ErrorCode::kInternal, "drop");
  }));
  store_->set_revision_observer(nullptr);
  ASSERT_TRUE(attach(*store_));
  EXPECT_EQ(index_built(*store_).value_or(true), false);
  auto not_built = search(*store_, Query{.text = "台湾"});
  ASSERT_FALSE(not_built);
  EXPECT_NE(not_built.error().message().find("newsvault search --rebuild"), std::string::npos);
  auto rebuilt = rebuild(*store_);
  ASSERT_TRUE(rebuilt) << rebuilt.error().message();
  EXPECT_EQ(*rebuilt, 1u);
  EXPECT_EQ(ids("台湾"), Ids{article});
  // And it is kept current afterwards.
  const auto later = save("b", "新聞", "<p>台灣</p>", 2);
  EXPECT_EQ(sorted(ids("台湾")), sorted(Ids{article, later}));
}

TEST(TokenizerTest, CjkRunsBecomeBigramsWithColocatedCharactersAndOriginalOffsets) {
  const std::string text = "A臺灣b";
  auto tokens = search_tokens(text, TokenizeFor::kDocument);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].text, "a");
  EXPECT_EQ(tokens[1].text, "台湾");
  EXPECT_EQ(text.substr(tokens[1].start, tokens[1].end - tokens[1].start), "臺灣");
  EXPECT_EQ(tokens[2].text, "台");
  EXPECT_TRUE(tokens[2].colocated);
  EXPECT_EQ(tokens[3].text, "湾");
  EXPECT_FALSE(tokens[3].colocated);
  EXPECT_EQ(tokens[4].text, "b");
  auto query = search_tokens("臺灣人", TokenizeFor::kQuery);
  ASSERT_EQ(query.size(), 2u);
  EXPECT_EQ(query[0].text, "台湾");
  EXPECT_EQ(query[1].text, "湾人");
}

// The built-in table replaced loading OpenCC for every search: it must fold
// every Han character exactly as OpenCC's t2s does one character at a time,
// or an index built before would no longer match its queries.
TEST(FoldTest, BuiltInT2sTableIsOpenCCsT2sOneCharacterAtATime) {
  auto converter = publish::ChineseConverter::open(publish::ChineseConversion::kT2S);
  if (!converter) GTEST_SKIP() << "OpenCC's t2s is not installed: " << converter.error().message();
  std::size_t changed = 0;
  for (const auto& [first, last] : {std::pair<char32_t, char32_t>{0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
                                    {0xF900, 0xFAFF}, {0x20000, 0x3FFFF}}) {
    for (char32_t c = first; c <= last; ++c) {
      std::string one;
      append_utf8(c, one);
      auto converted = converter->convert(one);
      ASSERT_TRUE(converted.has_value());
      const Utf8Char read = decode_utf8(*converted);
      const char32_t expected = read.length == converted->size() ? read.code_point : c;
      ASSERT_EQ(fold_character(c), expected) << "U+" << std::hex << static_cast<unsigned>(c);
      changed += expected != c;
    }
  }
  EXPECT_EQ(changed, t2s_characters().size());
  EXPECT_EQ(fold_character(U'臺'), U'台');
  EXPECT_EQ(fold_character(U'灣'), U'湾');
}

TEST(BodyTextTest, ParagraphsBecomeLinesWithoutMarkup) {
  EXPECT_EQ(body_text("<p>One <b>two</b></p><p>Three &amp; four</p>"), "One two\nThree & four");
}

}  // namespace
}  // namespace newsvault::search
