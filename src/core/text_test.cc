#include <gtest/gtest.h>

#include <string>

#include "core/core.h"

namespace newsvault {
namespace {

TEST(LowerAsciiTest, LowersOnlyAsciiLettersAndKeepsUtf8Bytes) {
  EXPECT_EQ(lower_ascii("Content-Type: TEXT/Html; CharSet=GB2312"), "content-type: text/html; charset=gb2312");
  // Bytes above 0x7F (the Ä of UTF-8 and a lone Latin-1 byte) are not
  // letters to lower: a charset-blind lowering would corrupt them.
  EXPECT_EQ(lower_ascii("\xC3\x84Z\xC4@[`{"), "\xC3\x84z\xC4@[`{");
  EXPECT_EQ(lower_ascii('Q'), 'q');
  EXPECT_EQ(lower_ascii('\xC4'), '\xC4');
}

TEST(TrimAsciiTest, TrimsEveryAsciiSpaceAtBothEndsAndNothingInside) {
  EXPECT_EQ(trim_ascii(" \t\n\v\f\r gzip , br \r\n"), "gzip , br");
  EXPECT_EQ(trim_ascii(" \t\r\n"), "");
  EXPECT_EQ(trim_ascii(""), "");
  // A no-break space is not ASCII whitespace: the value keeps it.
  EXPECT_EQ(trim_ascii("\xC2\xA0x "), "\xC2\xA0x");
}

TEST(CompressedFormatTest, KnowsImagesAndArchivesByTheirFirstBytesAndNotText) {
  EXPECT_TRUE(starts_as_compressed_format("\x89PNG\r\n\x1a\n...."));
  EXPECT_TRUE(starts_as_compressed_format("\xff\xd8\xff\xe0...."));
  EXPECT_TRUE(starts_as_compressed_format("GIF89a.."));
  EXPECT_TRUE(starts_as_compressed_format(std::string_view("RIFF\x10\0\0\0WEBPVP8 ", 16)));
  EXPECT_TRUE(starts_as_compressed_format(std::string_view("\0\0\0\x1c" "ftypavif", 12)));
  EXPECT_TRUE(starts_as_compressed_format("\x1f\x8b\x08"));
  EXPECT_FALSE(starts_as_compressed_format("# A headline\n\nRIFF and PNG in text."));
  EXPECT_FALSE(starts_as_compressed_format(std::string_view("RIFF\x10\0\0\0WAVE", 12)));
  EXPECT_FALSE(starts_as_compressed_format(""));
}

}  // namespace
}  // namespace newsvault
