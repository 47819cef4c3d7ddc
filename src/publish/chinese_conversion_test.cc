#include <gtest/gtest.h>

#include "publish/publish.h"

namespace newsvault::publish {
namespace {

ChineseConverter open_or_die(ChineseConversion conversion) {
  auto converter = ChineseConverter::open(conversion);
  if (!converter) ADD_FAILURE() << converter.error().message();
  return std::move(*converter);
}

TEST(ChineseConversionTest, NamesAreOpenCCsAndLanguagesAreBcp47Tags) {
  for (std::string_view name : {"s2t", "t2s", "s2tw", "s2hk", "s2twp", "tw2sp"}) {
    const auto conversion = chinese_conversion_named(name);
    ASSERT_TRUE(conversion.has_value()) << name;
    EXPECT_EQ(chinese_conversion_name(*conversion), name);
  }
  EXPECT_FALSE(chinese_conversion_named("s2x").has_value());
  EXPECT_EQ(chinese_conversion_language(ChineseConversion::kS2T), "zh-Hant");
  EXPECT_EQ(chinese_conversion_language(ChineseConversion::kT2S), "zh-Hans");
  EXPECT_EQ(chinese_conversion_language(ChineseConversion::kS2TW), "zh-Hant-TW");
  EXPECT_EQ(chinese_conversion_language(ChineseConversion::kS2HK), "zh-Hant-HK");
}

TEST(ChineseConversionTest, ConvertsBothWaysWithOpenCCsDictionaries) {
  EXPECT_EQ(open_or_die(ChineseConversion::kS2T).convert("汉语"), "漢語");
  EXPECT_EQ(open_or_die(ChineseConversion::kT2S).convert("漢語"), "汉语");
  // Taiwan's standard writes 裡 where OpenCC's Traditional writes 裏.
  EXPECT_EQ(open_or_die(ChineseConversion::kS2TW).convert("这里"), "這裡");
  // Phrase level: Taiwan's words for software and information, and back.
  EXPECT_EQ(open_or_die(ChineseConversion::kS2TW).convert("软件信息"), "軟件信息");
  EXPECT_EQ(open_or_die(ChineseConversion::kS2TWP).convert("软件信息"), "軟體資訊");
  EXPECT_EQ(open_or_die(ChineseConversion::kTW2SP).convert("軟體資訊"), "软件信息");
  EXPECT_EQ(chinese_conversion_language(ChineseConversion::kS2TWP), "zh-Hant-TW");
  EXPECT_EQ(chinese_conversion_language(ChineseConversion::kTW2SP), "zh-Hans");
  // OpenCC reads C strings; a NUL byte must not cut the text short.
  const std::string with_nul("汉\0语", 7);
  EXPECT_EQ(open_or_die(ChineseConversion::kS2T).convert(with_nul), std::string("漢\0語", 7));
}

TEST(ChineseConversionTest, ConvertsTitleCaptionsAndTextButNeverAddressesOrMarkup) {
  extract::Article article;
  article.title = "汉语新闻";
  article.url = "https://example.com/汉语";
  article.lead_image = extract::Image{"https://example.com/图.jpg", "图片说明"};
  article.body_html =
      "<p title=\"汉语\"><a href=\"https://example.com/汉语\">汉语</a></p>"
      "<figure><img src=\"https://example.com/图.jpg\"><figcaption>图片说明</figcaption></figure>";
  auto converted = convert_article(article, open_or_die(ChineseConversion::kS2T));
  ASSERT_TRUE(converted.has_value()) << converted.error().message();
  EXPECT_EQ(converted->title, "漢語新聞");
  EXPECT_EQ(converted->url, article.url);
  EXPECT_EQ(converted->lead_image->url, article.lead_image->url);
  EXPECT_EQ(converted->lead_image->caption, "圖片說明");
  EXPECT_EQ(converted->body_html,
            "<p title=\"汉语\"><a href=\"https://example.com/汉语\">漢語</a></p>"
            "<figure><img src=\"https://example.com/图.jpg\"><figcaption>圖片說明</figcaption></figure>");
}

TEST(ChineseConversionTest, TheCopyLivesInALanguageFolderInsideTheFeedsFolder) {
  EXPECT_EQ(converted_document_path("dw-chinese/2023/06/19-65955570.md", ChineseConversion::kS2T),
            "dw-chinese/zh-Hant/2023/06/19-65955570.md");
  EXPECT_EQ(converted_document_path("dw/2023/06/19-k.md", ChineseConversion::kS2HK),
            "dw/zh-Hant-HK/2023/06/19-k.md");
}

}  // namespace
}  // namespace newsvault::publish
