#include "feed/feed_text.h"

#include <gtest/gtest.h>

#include <string>

namespace newsvault::feed {
namespace {

TEST(FinishTextTest, TrimsAsciiWhitespaceOnly) {
  EXPECT_EQ(finish_text(" \t\n  plain text \r\n", true), "plain text");
  // An ideographic space is content.
  EXPECT_EQ(finish_text("\xE3\x80\x80中文 ", true), "\xE3\x80\x80中文");
  EXPECT_EQ(finish_text("   ", true), "");
}

TEST(FinishTextTest, UndoesUtf8ReadAsLatin1OnlyInUtf8Documents) {
  EXPECT_EQ(finish_text("caf\xC3\x83\xC2\xA9", true), "café");
  EXPECT_EQ(finish_text("caf\xC3\x83\xC2\xA9", false), "caf\xC3\x83\xC2\xA9");
  // Latin-1 text that is not double-encoded stays as it is.
  EXPECT_EQ(finish_text("café déjà", true), "café déjà");
  // Any character above U+00FF means it was never Latin-1.
  EXPECT_EQ(finish_text("caf\xC3\x83\xC2\xA9 中", true), "caf\xC3\x83\xC2\xA9 中");
}

TEST(FinishTextTest, MapsC1ControlsToWindows1252Punctuation) {
  EXPECT_EQ(finish_text("\xC2\x93quoted\xC2\x94 \xC2\x80", false), "“quoted” €");
  // 0x81 has no windows-1252 character: kept.
  EXPECT_EQ(finish_text("a\xC2\x81", false), "a\xC2\x81");
}

TEST(FinishTextTest, LeavesTextCutInsideACharacterAlone) {
  // Element text cut at max_text_bytes can end in half a character.
  EXPECT_EQ(finish_text("abc\xC3", true), "abc\xC3");
}

}  // namespace
}  // namespace newsvault::feed
