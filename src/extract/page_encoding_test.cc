#include "extract/page_encoding.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "extract/extract.h"

namespace newsvault::extract {
namespace {

// `utf8` written in `charset`, as a site in that charset sends it.
std::string encode(std::string_view utf8, const char* charset) {
  std::unique_ptr<void, int (*)(iconv_t)> converter(iconv_open(charset, "UTF-8"), &iconv_close);
  if (converter.get() == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error(charset);
  std::string in(utf8), out(utf8.size() * 4 + 16, '\0');
  char* in_at = in.data();
  char* out_at = out.data();
  std::size_t in_left = in.size(), out_left = out.size();
  if (iconv(converter.get(), &in_at, &in_left, &out_at, &out_left) == static_cast<std::size_t>(-1)) {
    throw std::runtime_error(std::string("cannot encode in ") + charset);
  }
  out.resize(out.size() - out_left);
  return out;
}

constexpr std::string_view kChinese =
    "北京时间星期一，港口管理局公布了新的潮汐表，比往年晚了一个星期。渔民们说，这次推迟让他们少出海两天。";
constexpr std::string_view kTraditional =
    "北京時間星期一，港口管理局公布了新的潮汐表，比往年晚了一個星期。漁民們說，這次推遲讓他們少出海兩天，損失了不少錢。";
constexpr std::string_view kJapanese =
    "港湾局は月曜日に新しい潮汐表を発表しました。漁師たちは、遅れのために二日間海に出られなかったと言っています。";

std::string page(std::string_view head, std::string_view body) {
  return "<html><head>" + std::string(head) + "</head><body><p>" + std::string(body) + "</p></body></html>";
}

TEST(PageEncodingTest, MetaCharsetDecidesWhenTheServerSaysNothing) {
  const DecodedPage decoded = decode_page(encode(page("<meta charset=\"gbk\">", kChinese), "GBK"), "");
  EXPECT_EQ(decoded.encoding, "gb18030");
  EXPECT_NE(decoded.utf8.find(kChinese), std::string::npos);
}

TEST(PageEncodingTest, HttpEquivContentTypeIsReadToo) {
  const std::string bytes = encode(
      page("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">", kJapanese), "CP932");
  const DecodedPage decoded = decode_page(bytes, "");
  EXPECT_EQ(decoded.encoding, "shift_jis");
  EXPECT_NE(decoded.utf8.find(kJapanese), std::string::npos);
}

TEST(PageEncodingTest, ContentTypeCharsetOutranksTheMetaTag) {
  const std::string bytes = encode(page("<meta charset=\"iso-8859-1\">", kJapanese), "CP932");
  EXPECT_EQ(decode_page(bytes, "text/html; charset=Shift_JIS").encoding, "shift_jis");
}

TEST(PageEncodingTest, Big5WithoutAnyLabelIsDetected) {
  std::string text;
  for (int i = 0; i < 4; ++i) text += kTraditional;
  const DecodedPage decoded = decode_page(encode(page("", text), "BIG5"), "");
  EXPECT_EQ(decoded.encoding, "big5");
  EXPECT_NE(decoded.utf8.find(kTraditional), std::string::npos);
}

// Regression: a GBK page behind a server that labels everything UTF-8.
TEST(PageEncodingTest, AUtf8LabelOverGbkBytesGivesWayToDetection) {
  std::string text;
  for (int i = 0; i < 4; ++i) text += kChinese;
  const DecodedPage decoded =
      decode_page(encode(page("<meta charset=\"utf-8\">", text), "GBK"), "text/html; charset=UTF-8");
  EXPECT_EQ(decoded.encoding, "gb18030");
  EXPECT_NE(decoded.utf8.find(kChinese), std::string::npos);
}

TEST(PageEncodingTest, ALatin1LabelOverUtf8BytesIsReadAsUtf8) {
  const std::string bytes = page("<meta charset=\"iso-8859-1\">", "Café, naïve, Zürich");
  const DecodedPage decoded = decode_page(bytes, "");
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_NE(decoded.utf8.find("Café, naïve, Zürich"), std::string::npos);
}

TEST(PageEncodingTest, ALatin1PageStaysLatin1) {
  const DecodedPage decoded = decode_page(encode(page("<meta charset=\"windows-1252\">", "Café “quoted”"), "CP1252"), "");
  EXPECT_NE(decoded.utf8.find("Café “quoted”"), std::string::npos);
}

TEST(PageEncodingTest, ByteOrderMarkOutranksEveryLabel) {
  const std::string bytes = "\xEF\xBB\xBF" + page("<meta charset=\"gbk\">", kChinese);
  const DecodedPage decoded = decode_page(bytes, "text/html; charset=gbk");
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_TRUE(decoded.utf8.starts_with("<html>"));
  EXPECT_NE(decoded.utf8.find(kChinese), std::string::npos);
}

TEST(PageEncodingTest, MetaInsideACommentIsNotRead) {
  EXPECT_EQ(meta_charset("<!-- <meta charset=\"big5\"> --><meta charset='koi8-r'>"), "koi8-r");
  EXPECT_EQ(meta_charset("<meta name=x content=\"text/html; charset=big5\">"), "");
  EXPECT_EQ(meta_charset("<META HTTP-EQUIV=content-type CONTENT='text/html;charset = EUC-KR'>"), "euc-kr");
}

TEST(PageEncodingTest, ExtractedArticleTextIsUtf8WhateverThePageWasIn) {
  std::string text;
  for (int i = 0; i < 3; ++i) text += kChinese;
  auto article = extract_article(encode(page("<meta charset=\"gb2312\">", text), "GBK"), "https://x.example/a", "");
  ASSERT_TRUE(article.has_value());
  EXPECT_EQ(article->encoding, "gb18030");
  EXPECT_NE(article->text.find(kChinese), std::string::npos) << article->text;
}

}  // namespace
}  // namespace newsvault::extract
