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

}  // namespace
}  // namespace newsvault
