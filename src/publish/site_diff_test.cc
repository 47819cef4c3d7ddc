#include "publish/site_diff.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace newsvault::publish {
namespace {

// Applies an edit script to `before`: what it must give is `after`.
std::vector<std::string_view> apply(const std::vector<Edit>& edits,
                                    const std::vector<std::string_view>& before,
                                    const std::vector<std::string_view>& after) {
  std::vector<std::string_view> out;
  std::size_t next_old = 0;
  for (const Edit& edit : edits) {
    if (edit.kind == EditKind::kAdd) {
      out.push_back(after[edit.index]);
      continue;
    }
    EXPECT_EQ(edit.index, next_old) << "old items are visited in order";
    ++next_old;
    if (edit.kind == EditKind::kKeep) out.push_back(before[edit.index]);
  }
  EXPECT_EQ(next_old, before.size());
  return out;
}

std::size_t cost(const std::vector<Edit>& edits) {
  std::size_t changes = 0;
  for (const Edit& edit : edits) changes += edit.kind != EditKind::kKeep;
  return changes;
}

TEST(SiteDiffTest, FindsTheShortestEditScriptOfMyersExample) {
  // Myers 1986, figure 1: ABCABBA -> CBABAC in 5 edits.
  const std::vector<std::string_view> a = {"A", "B", "C", "A", "B", "B", "A"};
  const std::vector<std::string_view> b = {"C", "B", "A", "B", "A", "C"};
  const auto edits = diff_sequences(a, b, 100);
  ASSERT_TRUE(edits.has_value());
  EXPECT_EQ(cost(*edits), 5u);
  EXPECT_EQ(apply(*edits, a, b), b);
}

TEST(SiteDiffTest, EditScriptsRebuildTheNewSequenceForEdgeCases) {
  const std::vector<std::vector<std::string_view>> cases = {
      {}, {"x"}, {"x", "y"}, {"y", "x"}, {"x", "x", "x"}, {"a", "x", "b", "y", "c"}};
  for (const auto& a : cases) {
    for (const auto& b : cases) {
      const auto edits = diff_sequences(a, b, 100);
      ASSERT_TRUE(edits.has_value());
      EXPECT_EQ(apply(*edits, a, b), b);
    }
  }
}

TEST(SiteDiffTest, GivesUpBeyondTheEditBound) {
  const std::vector<std::string_view> a = {"a", "b", "c", "d"};
  const std::vector<std::string_view> b = {"w", "x", "y", "z"};
  EXPECT_FALSE(diff_sequences(a, b, 7).has_value());
  EXPECT_TRUE(diff_sequences(a, b, 8).has_value());
}

TEST(SiteDiffTest, TokensAreWordsSpacesAndSingleCjkCharacters) {
  EXPECT_EQ(diff_tokens("Hello, wörld  秦剛晤"),
            (std::vector<std::string_view>{"Hello", ",", " ", "wörld", "  ", "秦", "剛", "晤"}));
  EXPECT_EQ(diff_tokens("7.5小時"), (std::vector<std::string_view>{"7", ".", "5", "小", "時"}));
}

TEST(SiteDiffTest, ABrokenUtf8ByteIsATokenOfItsOwn) {
  EXPECT_EQ(diff_tokens("a\xff" "b"), (std::vector<std::string_view>{"a", "\xff", "b"}));
}

TEST(SiteDiffTest, ParagraphsAreTheBlocksOfTheBodyAndTheLeadCaption) {
  extract::Article article;
  article.lead_image = extract::Image{"https://example.com/a.jpg", "Lead  caption"};
  article.body_html =
      "<p>One <b>bold</b>\n word</p><figure><img src=\"x\"><figcaption>Cap</figcaption></figure>"
      "<ul><li>A</li><li>B<br>C</li></ul>";
  EXPECT_EQ(article_paragraphs(article),
            (std::vector<std::string>{"Lead caption", "One bold word", "Cap", "A", "B", "C"}));
}

TEST(SiteDiffTest, AChangedWordIsStruckAndAddedInsideItsParagraph) {
  const std::string diff = render_text_diff({"Same start.", "The minister said no.", "Same end."},
                                            {"Same start.", "The minister said yes.", "Same end."});
  EXPECT_EQ(diff,
            "<p class=\"unchanged\">1 unchanged paragraph</p>"
            "<p class=\"change\">The minister said <del>no</del><ins>yes</ins>.</p>"
            "<p class=\"unchanged\">1 unchanged paragraph</p>");
}

TEST(SiteDiffTest, CjkEditsAreShownCharacterByCharacter) {
  EXPECT_EQ(render_line_diff("中美關係處最低谷", "中美關係處歷史低谷"),
            "中美關係處<del>最</del><ins>歷史</ins>低谷");
}

TEST(SiteDiffTest, AddedAndRemovedParagraphsAreShownWhole) {
  EXPECT_EQ(render_text_diff({"a", "gone"}, {"a", "new one"}),
            "<p class=\"unchanged\">1 unchanged paragraph</p>"
            "<p class=\"change\"><del>gone</del><ins>new one</ins></p>");
}

TEST(SiteDiffTest, SameTextGivesNoDiffAndMarkupInTextIsEscaped) {
  EXPECT_EQ(render_text_diff({"x"}, {"x"}), "");
  EXPECT_EQ(render_line_diff("<b>", "<i>"), "&lt;<del>b</del><ins>i</ins>&gt;");
}

}  // namespace
}  // namespace newsvault::publish
