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

TEST(CleanSourceTextTest, DropsControlsAndNoncharactersKeepingLinesInMultiLineText) {
  EXPECT_EQ(clean_source_text("a\x1B[31mred\x07\x7F\xC2\x9B b\tc\r\nd", TextLayout::kMultiLine),
            "a[31mred b\tc\r\nd");
  EXPECT_EQ(clean_source_text(std::string("nul\0here", 8), TextLayout::kMultiLine), "nulhere");
  // U+FDD0 and U+FFFF are noncharacters; U+FFFD is not.
  EXPECT_EQ(clean_source_text("x\xEF\xB7\x90\xEF\xBF\xBF\xEF\xBF\xBDy", TextLayout::kMultiLine),
            "x\xEF\xBF\xBDy");
  // Bidi controls belong to running text: only a single line loses them.
  EXPECT_EQ(clean_source_text("a\xE2\x80\xAE" "b", TextLayout::kMultiLine), "a\xE2\x80\xAE" "b");
}

TEST(CleanSourceTextTest, KeepsASingleLineToOneLineWithoutBidiOverrides) {
  EXPECT_EQ(clean_source_text("Breaking\n1\t2023-01-01\tfake row", TextLayout::kSingleLine),
            "Breaking 1 2023-01-01 fake row");
  EXPECT_EQ(clean_source_text("a\r\n\r\nb\xE2\x80\xA8" "c\n", TextLayout::kSingleLine), "a b c");
  // RLO, LRE, PDF, RLI and PDI.
  EXPECT_EQ(clean_source_text("\xE2\x80\xAEgpj.exe\xE2\x80\xAA\xE2\x80\xAC\xE2\x81\xA7x\xE2\x81\xA9",
                              TextLayout::kSingleLine),
            "gpj.exex");
}

TEST(CleanSourceTextTest, ReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(clean_source_text("caf\xE9!", TextLayout::kSingleLine), "caf\xEF\xBF\xBD!");
}

TEST(CleanSourceTextTest, ReturnsCleanTextUnchanged) {
  const std::string text = "中文 — «quoted» café\nnext line";
  EXPECT_EQ(clean_source_text(text, TextLayout::kMultiLine), text);
}

}  // namespace
}  // namespace newsvault::feed
