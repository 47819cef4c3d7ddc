#include <gtest/gtest.h>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {
namespace {

std::vector<store::FeedRecord> feeds_named(std::initializer_list<const char*> names) {
  std::vector<store::FeedRecord> feeds;
  for (const char* name : names) {
    store::FeedRecord feed;
    feed.name = name;
    feed.url = std::string("https://") + name + ".example/feed";
    feeds.push_back(feed);
  }
  return feeds;
}

Config settings_for(std::initializer_list<const char*> names) {
  Config config;
  for (const char* name : names) config.feeds[name].full_text = FullText::kAlways;
  return config;
}

TEST(FeedSettingsWarningsTest, SettingsOfEveryFeedTheArchiveHasGiveNone) {
  EXPECT_TRUE(feed_settings_warnings(settings_for({"dw-chinese", "blog"}),
                                     feeds_named({"blog", "dw-chinese", "wire"}))
                  .empty());
  EXPECT_TRUE(feed_settings_warnings(Config{}, feeds_named({"blog"})).empty());
}

TEST(FeedSettingsWarningsTest, AMisspeltNameSuggestsTheNearestFeed) {
  EXPECT_EQ(feed_settings_warnings(settings_for({"dw-chinse"}),
                                   feeds_named({"dw-chinese", "dw-english", "wire"})),
            std::vector<std::string>{
                "[feeds.dw-chinse]: no feed has this name; did you mean dw-chinese?"});
}

TEST(FeedSettingsWarningsTest, SwappedLettersAndCaseCountAsOneSlip) {
  EXPECT_EQ(feed_settings_warnings(settings_for({"wrie"}), feeds_named({"wire"})),
            std::vector<std::string>{"[feeds.wrie]: no feed has this name; did you mean wire?"});
  EXPECT_EQ(feed_settings_warnings(settings_for({"DW-Chinese"}), feeds_named({"dw-chinese"})),
            std::vector<std::string>{
                "[feeds.DW-Chinese]: no feed has this name; did you mean dw-chinese?"});
}

TEST(FeedSettingsWarningsTest, ANameFarFromEveryFeedGetsNoSuggestion) {
  EXPECT_EQ(feed_settings_warnings(settings_for({"bbc"}), feeds_named({"cnn", "dw-chinese"})),
            std::vector<std::string>{"[feeds.bbc]: no feed has this name"});
  // One slip in a name of five letters is the name meant; two are another name.
  EXPECT_EQ(feed_settings_warnings(settings_for({"sport"}), feeds_named({"short"})),
            std::vector<std::string>{"[feeds.sport]: no feed has this name; did you mean short?"});
  EXPECT_EQ(feed_settings_warnings(settings_for({"sport"}), feeds_named({"shore"})),
            std::vector<std::string>{"[feeds.sport]: no feed has this name"});
}

TEST(FeedSettingsWarningsTest, AnArchiveWithoutFeedsWarnsOfEveryTable) {
  EXPECT_EQ(feed_settings_warnings(settings_for({"blog", "wire"}), {}),
            (std::vector<std::string>{"[feeds.blog]: no feed has this name",
                                      "[feeds.wire]: no feed has this name"}));
}

TEST(FeedSettingsWarningsTest, NamesAreComparedByCharacterAndQuotedAsTomlQuotesThem) {
  // One Chinese character off is one slip, not three bytes.
  EXPECT_EQ(feed_settings_warnings(settings_for({"dw-中闻"}), feeds_named({"dw-中文"})),
            std::vector<std::string>{
                "[feeds.\"dw-中闻\"]: no feed has this name; did you mean dw-中文?"});
}

TEST(FeedSettingsWarningsTest, TheNearestOfSeveralCloseFeedsIsSuggested) {
  EXPECT_EQ(feed_settings_warnings(settings_for({"dw-chinese-x"}),
                                   feeds_named({"dw-chinese", "dw-chinese-xy"})),
            std::vector<std::string>{
                "[feeds.dw-chinese-x]: no feed has this name; did you mean dw-chinese-xy?"});
}

}  // namespace
}  // namespace newsvault::pipeline
