// The canonical HTML form (core/html.h) as the extract stage relies on it,
// and the body rewrite built on it.
#include "extract/body_html.h"

#include <gtest/gtest.h>

#include <string>

#include "core/html.h"

namespace newsvault::extract {
namespace {

std::string canonical(std::string_view fragment) {
  return html::serialize(html::parse_fragment(fragment));
}

TEST(CanonicalHtmlTest, WritesAttributesInSourceOrderWithDoubleQuotes) {
  EXPECT_EQ(canonical("<A HREF='x' Rel=ArticleRef title=\"a 'b'\">t</A>"),
            "<a href=\"x\" rel=\"ArticleRef\" title=\"a 'b'\">t</a>");
}

TEST(CanonicalHtmlTest, EscapesOnlyAmpersandAndAngleBracketsInText) {
  EXPECT_EQ(canonical("<p>a &amp; b &lt;c&gt; \"d\" 'e'</p>"),
            "<p>a &amp; b &lt;c&gt; \"d\" 'e'</p>");
  EXPECT_EQ(canonical("<p title='a\"b&amp;c<d'>x</p>"), "<p title=\"a&quot;b&amp;c&lt;d\">x</p>");
}

TEST(CanonicalHtmlTest, DecodesEntitiesAndKeepsNonAsciiAsUtf8) {
  EXPECT_EQ(canonical("<p>caf&eacute;&nbsp;&#20013;&#x6587; 中文</p>"),
            "<p>café\u00a0中文 中文</p>");
}

TEST(CanonicalHtmlTest, WritesVoidElementsWithoutASlash) {
  EXPECT_EQ(canonical("<p>a<br/>b<br>c<hr/></p>"), "<p>a<br>b<br>c</p><hr>");
}

TEST(CanonicalHtmlTest, VoidElementsLibxml2DoesNotKnowTakeNoChildren) {
  EXPECT_EQ(canonical("<p>long<wbr>word</p>"), "<p>long<wbr>word</p>");
}

TEST(CanonicalHtmlTest, AddsNoWhitespaceAndKeepsSpacesWithoutNewlines) {
  EXPECT_EQ(canonical("<p>「坦誠」 和<b> x </b>  y</p>"), "<p>「坦誠」 和<b> x </b>  y</p>");
}

TEST(CanonicalHtmlTest, NewlinesTouchingBlocksGoAndOthersBecomeOneSpace) {
  EXPECT_EQ(canonical("\n<div>\n  <p>\n one\r\n two \n</p>\n</div>\n<b>a</b>\n\n<i>b</i>\n"),
            "<div><p>one two</p></div><b>a</b> <i>b</i>");
  EXPECT_EQ(canonical("<p>line<br>\nnext</p>"), "<p>line<br>next</p>");
}

TEST(CanonicalHtmlTest, LineBreaksInsidePreBecomeBr) {
  EXPECT_EQ(canonical("<pre>\nint a;\nint b;\r\n</pre>"), "<pre>int a;<br>int b;<br></pre>");
}

TEST(CanonicalHtmlTest, NewlinesInAttributesAreCharacterReferences) {
  EXPECT_EQ(canonical("<img alt=\"a\nb\" src=x>"), "<img alt=\"a&#10;b\" src=\"x\">");
}

TEST(CanonicalHtmlTest, DropsCommentsScriptsAndStyles) {
  EXPECT_EQ(canonical("<p>a<!-- c -->b</p><script>x = '</p>';</script><style>p{}</style>"),
            "<p>ab</p>");
}

TEST(CanonicalHtmlTest, InvalidUtf8BecomesTheReplacementCharacter) {
  EXPECT_EQ(canonical("<p>a\xff\xfe"
                      "b\xe4\xb8</p>"),
            "<p>a\uFFFD\uFFFDb\uFFFD\uFFFD</p>");
  EXPECT_EQ(canonical(std::string("<p>a\0b\x01"
                                  "c</p>",
                                  10)),
            "<p>abc</p>");
}

TEST(CanonicalHtmlTest, ImageTagIsReadAsImg) {
  EXPECT_EQ(canonical("<image src=x><p>after</p>"), "<img src=\"x\"><p>after</p>");
}

TEST(CanonicalHtmlTest, StrayEndTagsOfBodyAndHtmlKeepWhatFollows) {
  EXPECT_EQ(canonical("<p>a</p></body></html><p>b</p><body><p>c"), "<p>a</p><p>b</p><p>c</p>");
}

TEST(CanonicalHtmlTest, HostileNestingIsCutAtLibxml2sDepthLimit) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "x";
  const std::string out = canonical(deep);
  std::size_t opened = 0;
  std::size_t closed = 0;
  for (auto at = out.find("<div>"); at != std::string::npos; at = out.find("<div>", at + 1))
    ++opened;
  for (auto at = out.find("</div>"); at != std::string::npos; at = out.find("</div>", at + 1))
    ++closed;
  EXPECT_GT(opened, 200u);
  EXPECT_LT(opened, 1000u);
  EXPECT_EQ(opened, closed);
}

TEST(CanonicalHtmlTest, CanonicalFormIsAFixedPoint) {
  // Regression guard: publish parses extract's output again, so writing,
  // reading and writing again must change nothing.
  for (std::string_view input :
       {"<p>a<div>b</div>c</p>", "<table><td>x</table>", "<li>1<li>2",
        "<p>a <b>b <i>c</b> d</i></p>", "text <p>x</p> tail", "<ul>\n<li>a</li>\n</ul>",
        "<figure><img src=a><figcaption>C &amp; D</figcaption></figure>", "<pre>\n\na\n b</pre>",
        "<p>x<wbr>y<source src=s>z</p>", "<select><option>a</select>", "<p>  </p> <p> a </p>",
        "<a href=x><p>block in inline</p></a>"}) {
    const std::string once = canonical(input);
    EXPECT_EQ(canonical(once), once) << input;
  }
}

std::string rewrite(std::string_view fragment) {
  BodyOptions options;
  options.resolve_image = [](const html::Node& img) -> std::optional<Image> {
    auto address = image_address(img, "https://example.org/news/story");
    if (!address) return std::nullopt;
    const std::string* alt = img.attribute("alt");
    return Image{*address, alt != nullptr ? *alt : ""};
  };
  return rewrite_body(fragment, options);
}

TEST(RewriteBodyTest, ImgBecomesAFigureWithItsCaption) {
  EXPECT_EQ(rewrite("<p>a</p><img src=\"/i.jpg\" alt=\"Cap\" width=3><img src=j.png>"),
            "<p>a</p><figure><img src=\"https://example.org/i.jpg\"><figcaption>Cap</figcaption>"
            "</figure><figure><img src=\"https://example.org/news/j.png\"></figure>");
}

TEST(RewriteBodyTest, ImgInsideAFigureKeepsThatFigure) {
  EXPECT_EQ(rewrite("<figure><a href=big.jpg><img src=a.jpg></a><figcaption>Own</figcaption>"
                    "</figure>"),
            "<figure><a href=\"big.jpg\"><img src=\"https://example.org/news/a.jpg\"></a>"
            "<figcaption>Own</figcaption></figure>");
  EXPECT_EQ(rewrite("<figure><img src=a.jpg alt=Given></figure>"),
            "<figure><img src=\"https://example.org/news/a.jpg\"><figcaption>Given</figcaption>"
            "</figure>");
}

TEST(RewriteBodyTest, PictureGivesWayToItsImg) {
  EXPECT_EQ(rewrite("<picture><source srcset=\"b.webp\"><img src=a.jpg></picture>"),
            "<figure><img src=\"https://example.org/news/a.jpg\"></figure>");
}

TEST(RewriteBodyTest, LazyLoadedImageUsesItsRealAddress) {
  EXPECT_EQ(rewrite("<img src=\"data:image/gif;base64,R0lGOD\" data-src=\"/real.jpg\">"
                    "<noscript><img src=\"/real.jpg\"></noscript>"),
            "<figure><img src=\"https://example.org/real.jpg\"></figure>");
  EXPECT_EQ(rewrite("<img srcset=\"/s.jpg 1x, /l.jpg 2x\">"),
            "<figure><img src=\"https://example.org/l.jpg\"></figure>");
}

TEST(RewriteBodyTest, ImageWithOnlyASrcsetTakesItsLargestImageCandidate) {
  // Widths win over order, whatever the spacing and commas.
  EXPECT_EQ(rewrite("<img srcset=\"/m.jpg 800w,/l.jpg 1600w , /s.jpg 400w\">"),
            "<figure><img src=\"https://example.org/l.jpg\"></figure>");
  // A candidate without descriptor is 1x; a comma inside the address stays.
  EXPECT_EQ(rewrite("<img srcset=\"/a,b.jpg, /c.jpg 1.5x\">"),
            "<figure><img src=\"https://example.org/c.jpg\"></figure>");
  // An SVG is no image the archive keeps: the largest other one is taken.
  EXPECT_EQ(rewrite("<img srcset=\"/small.png 300w, /vector.svg?v=2 3000w\">"),
            "<figure><img src=\"https://example.org/small.png\"></figure>");
  // A src the page gives is still the address.
  EXPECT_EQ(rewrite("<img src=\"/given.jpg\" srcset=\"/huge.jpg 4000w\">"),
            "<figure><img src=\"https://example.org/given.jpg\"></figure>");
}

TEST(RewriteBodyTest, ImageWithoutAnHttpAddressIsDropped) {
  EXPECT_EQ(rewrite("<p>a<img src=\"javascript:alert(1)\"><img src=\"data:image/png;base64,xx\">"
                    "<img>b</p>"),
            "<p>ab</p>");
}

}  // namespace
}  // namespace newsvault::extract
