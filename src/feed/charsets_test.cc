#include <gtest/gtest.h>

#include "feed/feed.h"

namespace newsvault::feed {
namespace {

TEST(CharsetsTest, NamesLabelsByTheirFamily) {
  EXPECT_EQ(charset_name("GBK"), "gb18030");
  EXPECT_EQ(charset_name("x-sjis"), "shift_jis");
  EXPECT_EQ(charset_name("no-such-charset"), "");
}

TEST(CharsetsTest, StrictConversionRefusesBytesOutsideTheCharset) {
  EXPECT_EQ(convert_charset("\xD6\xD0\xCE\xC4", "gbk", CharsetStrictness::kStrict), "中文");
  EXPECT_EQ(convert_charset("caf\xE9", "utf-8", CharsetStrictness::kStrict), std::nullopt);
  EXPECT_EQ(convert_charset("caf\xE9", "utf-8", CharsetStrictness::kLenient), "café");
  EXPECT_EQ(convert_charset("x", "no-such-charset", CharsetStrictness::kLenient), std::nullopt);
}

TEST(CharsetsTest, ReadsTheContentTypeCharset) {
  EXPECT_EQ(content_type_charset("text/html; charset=\"Big5\""), "big5");
  EXPECT_EQ(content_type_charset("text/html"), "");
}

}  // namespace
}  // namespace newsvault::feed
