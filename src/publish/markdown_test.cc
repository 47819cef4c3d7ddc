#include "publish/markdown.h"

#include <gtest/gtest.h>

namespace newsvault::publish {
namespace {

TEST(PercentEncodeUrlTest, EncodesBytesOutsidePrintableAsciiAndSpacesInUpperCaseHex) {
  EXPECT_EQ(percent_encode_url("https://www.dw.com/zh/秦剛 指/a-1"),
            "https://www.dw.com/zh/%E7%A7%A6%E5%89%9B%20%E6%8C%87/a-1");
  EXPECT_EQ(percent_encode_url("https://x/\t\x7f"), "https://x/%09%7F");
}

TEST(PercentEncodeUrlTest, NeverEncodesAnExistingEscapeTwice) {
  EXPECT_EQ(percent_encode_url("https://x/%E7%a7 a"), "https://x/%E7%a7%20a");
}

TEST(PercentEncodeUrlTest, PercentThatStartsNoEscapeIsEncoded) {
  EXPECT_EQ(percent_encode_url("https://x/100%?q=%z%4"), "https://x/100%25?q=%25z%254");
}

TEST(PercentEncodeUrlTest, LeavesPrintableAsciiAlone) {
  const std::string printable = "https://x/a-b_c.d~e!$&'()*+,;=:@/?#[]";
  EXPECT_EQ(percent_encode_url(printable), printable);
}

TEST(MarkdownLinkDestinationTest, KeepsParenthesesThatPairUp) {
  EXPECT_EQ(markdown_link_destination("https://en.wikipedia.org/wiki/Blinken_(surname)"),
            "https://en.wikipedia.org/wiki/Blinken_(surname)");
  EXPECT_EQ(markdown_link_destination("https://x/a)b(c"), "https://x/a%29b%28c");
}

TEST(MarkdownLinkDestinationTest, EncodesWhatWouldEndOrChangeTheDestination) {
  EXPECT_EQ(markdown_link_destination("https://x/<a>\"b\\c`d"), "https://x/%3Ca%3E%22b%5Cc%60d");
  EXPECT_EQ(markdown_link_destination("https://x/?a=1&copy;b&c=2"), "https://x/?a=1\\&copy;b&c=2");
}

TEST(MarkdownLinkTextTest, LeavesTheSeedsTitleUnchanged) {
  EXPECT_EQ(markdown_link_text("秦剛晤布林肯7.5小時 指中美關係處最低谷"),
            "秦剛晤布林肯7.5小時 指中美關係處最低谷");
  EXPECT_EQ(markdown_link_text("Plain title: 5.5% (up) - it's \"fine\" & done!"),
            "Plain title: 5.5% (up) - it's \"fine\" & done!");
}

TEST(MarkdownLinkTextTest, EscapesBracketsSoTheLinkStaysWhole) {
  EXPECT_EQ(markdown_link_text("[Live] a ]("), "\\[Live\\] a \\](");
}

TEST(MarkdownLinkTextTest, EscapesMarkupCharacters) {
  EXPECT_EQ(markdown_link_text("a\\b `c` *d* _e_ <f> ~~g~~ ~h &amp; &x"),
            "a\\\\b \\`c\\` \\*d\\* \\_e\\_ \\<f\\> \\~\\~g\\~\\~ ~h \\&amp; &x");
}

TEST(MarkdownLinkTextTest, FoldsLineBreaksIntoOneLine) {
  EXPECT_EQ(markdown_link_text("\n  first\r\n  second\tthird  \n"), "first second\tthird");
  EXPECT_EQ(markdown_link_text(std::string("a\0b\x1b"
                                           "c",
                                           5)),
            "abc");
}

TEST(EncodeUriComponentTest, EncodesAllButUnreservedCharacters) {
  EXPECT_EQ(encode_uri_component("https://a.b/c?d=e f~_-."),
            "https%3A%2F%2Fa.b%2Fc%3Fd%3De%20f~_-.");
}

}  // namespace
}  // namespace newsvault::publish
