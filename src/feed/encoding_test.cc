#include "feed/encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_support.h"

namespace newsvault::feed {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

// UTF-16/32 bytes for `text` (UTF-32 in), so the tests can spell documents
// in those encodings without hex dumps.
std::string utf16(std::u32string_view text, bool big_endian) {
  std::string bytes;
  auto put = [&](char16_t unit) {
    const char high = static_cast<char>(unit >> 8), low = static_cast<char>(unit & 0xFF);
    bytes += big_endian ? std::string{high, low} : std::string{low, high};
  };
  for (const char32_t c : text) {
    if (c >= 0x10000) {
      put(static_cast<char16_t>(0xD800 + ((c - 0x10000) >> 10)));
      put(static_cast<char16_t>(0xDC00 + ((c - 0x10000) & 0x3FF)));
    } else {
      put(static_cast<char16_t>(c));
    }
  }
  return bytes;
}

std::string utf32(std::u32string_view text, bool big_endian) {
  std::string bytes;
  for (const char32_t c : text) {
    std::string unit(4, '\0');
    for (int k = 0; k < 4; ++k) unit[k] = static_cast<char>(c >> (8 * k));
    if (big_endian) std::reverse(unit.begin(), unit.end());
    bytes += unit;
  }
  return bytes;
}

// A small RSS document around `title_bytes`, with an XML declaration
// naming `encoding` (none when empty).
std::string rss(std::string_view encoding, std::string_view title_bytes) {
  std::string document = "<?xml version=\"1.0\"";
  if (!encoding.empty()) document += " encoding=\"" + std::string(encoding) + "\"";
  document += "?>\n<rss version=\"2.0\"><channel><title>";
  document += title_bytes;
  document += "</title></channel></rss>\n";
  return document;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool has_problem_containing(const DecodedDocument& document, std::string_view words) {
  return std::any_of(document.problems.begin(), document.problems.end(),
                     [&](const std::string& problem) { return contains(problem, words); });
}

DecodedDocument decode(std::string_view bytes, std::string_view content_type = "") {
  Result<DecodedDocument> decoded = decode_xml_document(bytes, content_type);
  EXPECT_TRUE(decoded.has_value()) << decoded.error().message();
  return decoded.value_or(DecodedDocument{});
}

// --- Unicode and byte order marks ------------------------------------------

TEST(EncodingTest, ValidUtf8PassesThroughUnchanged) {
  const std::string bytes = rss("utf-8", "Café 中文 𝄞 تجربة");
  const DecodedDocument document = decode(bytes);
  EXPECT_EQ(document.utf8, bytes);
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, Utf8WithoutDeclarationIsUtf8) {
  const std::string bytes = "<rss><channel><title>Résumé</title></channel></rss>";
  const DecodedDocument document = decode(bytes);
  EXPECT_EQ(document.utf8, bytes);
  EXPECT_EQ(document.encoding, "utf-8");
}

TEST(EncodingTest, Utf8BomIsDropped) {
  const std::string body = rss("utf-8", "Café");
  const DecodedDocument document = decode("\xEF\xBB\xBF" + body);
  EXPECT_EQ(document.utf8, body);
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, FeffInTheMiddleStays) {
  const std::string bytes = rss("", "a\xEF\xBB\xBFz");
  EXPECT_EQ(decode(bytes).utf8, bytes);
}

TEST(EncodingTest, Utf16LeBomIsReadAndDropped) {
  const std::u32string text =
      U"<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><title>Café 中文 𝄞</title></rss>";
  const DecodedDocument document = decode("\xFF\xFE" + utf16(text, false));
  EXPECT_EQ(document.encoding, "utf-16le");
  EXPECT_EQ(document.utf8,
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><title>Café 中文 𝄞</title></rss>");
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, Utf16BeBomIsReadAndDropped) {
  const DecodedDocument document =
      decode("\xFE\xFF" + utf16(U"<rss><title>Ωμέγα</title></rss>", true));
  EXPECT_EQ(document.encoding, "utf-16be");
  EXPECT_EQ(document.utf8, "<rss><title>Ωμέγα</title></rss>");
}

TEST(EncodingTest, Utf32LeBomIsReadAndDropped) {
  const DecodedDocument document =
      decode("\xFF\xFE\x00\x00"s + utf32(U"<rss><title>𝄞 music</title></rss>", false));
  EXPECT_EQ(document.encoding, "utf-32le");
  EXPECT_EQ(document.utf8, "<rss><title>𝄞 music</title></rss>");
}

TEST(EncodingTest, Utf32BeBomIsReadAndDropped) {
  const DecodedDocument document =
      decode("\x00\x00\xFE\xFF"s + utf32(U"<rss><title>é</title></rss>", true));
  EXPECT_EQ(document.encoding, "utf-32be");
  EXPECT_EQ(document.utf8, "<rss><title>é</title></rss>");
}

// XML 1.0 appendix F.1: "<\0?\0" is UTF-16LE even without a BOM.
TEST(EncodingTest, Utf16LeWithoutBomIsRecognisedByItsFirstBytes) {
  const DecodedDocument document =
      decode(utf16(U"<?xml version=\"1.0\" encoding=\"utf-16\"?><a>日本</a>", false));
  EXPECT_EQ(document.encoding, "utf-16le");
  EXPECT_EQ(document.utf8, "<?xml version=\"1.0\" encoding=\"utf-16\"?><a>日本</a>");
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, Utf16BeWithoutBomIsRecognisedByItsFirstBytes) {
  const DecodedDocument document = decode(utf16(U"<?xml version=\"1.0\"?><a>Ü</a>", true));
  EXPECT_EQ(document.encoding, "utf-16be");
  EXPECT_EQ(document.utf8, "<?xml version=\"1.0\"?><a>Ü</a>");
}

TEST(EncodingTest, Utf32LeWithoutBomIsRecognisedByItsFirstBytes) {
  const DecodedDocument document = decode(utf32(U"<?xml version=\"1.0\"?><a>ß</a>", false));
  EXPECT_EQ(document.encoding, "utf-32le");
  EXPECT_EQ(document.utf8, "<?xml version=\"1.0\"?><a>ß</a>");
}

TEST(EncodingTest, EbcdicIsRecognisedByItsFirstBytes) {
  // "<?xml ?><a>Hi</a>" in IBM037.
  const DecodedDocument document =
      decode("\x4c\x6f\xa7\x94\x93\x40\x6f\x6e\x4c\x81\x6e\xc8\x89\x4c\x61\x81\x6e");
  EXPECT_EQ(document.encoding, "cp037");
  EXPECT_EQ(document.utf8, "<?xml ?><a>Hi</a>");
}

TEST(EncodingTest, UnpairedSurrogateInUtf16IsReplacedAndReported) {
  std::string bytes = "\xFF\xFE" + utf16(U"<a>", false) + "\x00\xD8"s;  // lone high surrogate
  bytes += utf16(U"ok, and enough text after it to be sure it is utf-16: éèêëàâ</a>", false);
  const DecodedDocument document = decode(bytes);
  EXPECT_EQ(document.encoding, "utf-16le");
  EXPECT_EQ(document.utf8,
            "<a>\xEF\xBF\xBDok, and enough text after it to be sure it is utf-16: éèêëàâ</a>");
  EXPECT_TRUE(has_problem_containing(document, "1 byte sequence not in utf-16le"));
}

// RFC 7303 §3.3: a BOM outranks the charset parameter.
TEST(EncodingTest, BomOverridesHttpCharsetAndSaysSo) {
  const DecodedDocument document =
      decode("\xEF\xBB\xBF" + rss("", "Café"), "application/rss+xml; charset=iso-8859-1");
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(contains(document.utf8, "<title>Café</title>"));
  EXPECT_TRUE(has_problem_containing(document, "the byte order mark says utf-8"));
}

TEST(EncodingTest, BomAgreeingWithUtf16DeclarationIsNoProblem) {
  const DecodedDocument document =
      decode("\xFE\xFF" + utf16(U"<?xml version='1.0' encoding='utf-16'?><a/>", true));
  EXPECT_TRUE(document.problems.empty());
}

// --- HTTP charset against the XML declaration (RFC 7303 §3, feedparser) ---

TEST(EncodingTest, HttpCharsetOverridesDeclarationForApplicationXml) {
  // "Привет мир" in windows-1251, declared as ISO-8859-5 by a stale template.
  const std::string bytes = rss("iso-8859-5", "\xcf\xf0\xe8\xe2\xe5\xf2\x20\xec\xe8\xf0");
  const DecodedDocument document = decode(bytes, "application/rss+xml; charset=windows-1251");
  EXPECT_EQ(document.encoding, "windows-1251");
  EXPECT_TRUE(contains(document.utf8, "<title>Привет мир</title>"));
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, HttpCharsetOverridesDeclarationForTextXml) {
  const std::string bytes = rss("utf-8", "\xf0\xd2\xc9\xd7\xc5\xd4");  // "Привет" in KOI8-R
  const DecodedDocument document = decode(bytes, "text/xml; charset=KOI8-R");
  EXPECT_EQ(document.encoding, "koi8-r");
  EXPECT_TRUE(contains(document.utf8, "<title>Привет</title>"));
}

TEST(EncodingTest, DeclarationDecidesWhenHttpGivesNoCharset) {
  const std::string bytes = rss("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2");
  const DecodedDocument document = decode(bytes, "application/xml");
  EXPECT_EQ(document.encoding, "windows-1251");
  EXPECT_TRUE(contains(document.utf8, "<title>Привет</title>"));
}

TEST(EncodingTest, DeclarationDecidesWithoutContentType) {
  const DecodedDocument document = decode(rss("KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4"));
  EXPECT_EQ(document.encoding, "koi8-r");
  EXPECT_TRUE(contains(document.utf8, "<title>Привет</title>"));
}

TEST(EncodingTest, HttpCharsetThatDoesNotDecodeGivesWayToDeclaration) {
  // The server says utf-8, the document says (and is) GB2312.
  const std::string bytes = rss("gb2312", "\xd6\xd0\xce\xc4");
  const DecodedDocument document = decode(bytes, "application/rss+xml; charset=utf-8");
  EXPECT_EQ(document.encoding, "gb18030");
  EXPECT_TRUE(contains(document.utf8, "<title>中文</title>"));
  EXPECT_TRUE(has_problem_containing(
      document, "the HTTP charset is utf-8 but the bytes are not; read as gb18030"));
}

TEST(EncodingTest, TextXmlWithoutCharsetIsUsAsciiWhenTheBytesAre) {
  const DecodedDocument document = decode(rss("iso-8859-1", "plain"), "text/xml");
  EXPECT_EQ(document.encoding, "us-ascii");
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, TextXmlWithoutCharsetFollowsDeclarationForNonAsciiBytes) {
  const std::string bytes = rss("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2");
  const DecodedDocument document = decode(bytes, "text/xml");
  EXPECT_EQ(document.encoding, "windows-1251");
  EXPECT_TRUE(contains(document.utf8, "<title>Привет</title>"));
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, NonXmlContentTypeCharsetIsIgnoredAsFeedparserDoes) {
  const std::string bytes = rss("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2");
  const DecodedDocument document = decode(bytes, "application/octet-stream; charset=koi8-r");
  EXPECT_EQ(document.encoding, "windows-1251");
}

// --- Legacy charsets, read through their supersets -------------------------

TEST(EncodingTest, Gb2312FeedIsReadAsGb18030) {
  // "中文新闻标题", then "é€" (GBK) and U+20000 (a GB18030 four-byte form).
  const std::string bytes =
      rss("gb2312",
          "\xd6\xd0\xce\xc4\xd0\xc2\xce\xc5\xb1\xea\xcc\xe2 \xa8\xa6\xa2\xe3 \x95\x32\x82\x36");
  const DecodedDocument document = decode(bytes);
  EXPECT_EQ(document.encoding, "gb18030");
  EXPECT_TRUE(contains(document.utf8, "<title>中文新闻标题 é€ 𠀀</title>"));
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, GbkLabelAndCp936AliasAreGb18030) {
  for (const std::string_view label : {"GBK", "cp936", "ms936", "x-gbk"}) {
    const DecodedDocument document = decode(rss(label, "\xd6\xd0\xce\xc4"));
    EXPECT_EQ(document.encoding, "gb18030") << label;
    EXPECT_TRUE(contains(document.utf8, "<title>中文</title>")) << label;
  }
}

TEST(EncodingTest, Big5FeedWithoutDeclarationFollowsHttpCharset) {
  // "中文新聞" in Big5, then 0x8862, an HKSCS character that is two code
  // points (U+00CA U+0304).
  const std::string bytes =
      "<rss><channel><title>\xa4\xa4\xa4\xe5\xb7\x73\xbb\x44 \x88\x62</title></channel></rss>";
  const DecodedDocument document = decode(bytes, "text/xml; charset=big5");
  EXPECT_EQ(document.encoding, "big5");
  EXPECT_TRUE(contains(document.utf8, "<title>中文新聞 \xC3\x8A\xCC\x84</title>"));
  EXPECT_TRUE(document.problems.empty());
}

// Regression: a Big5 feed with neither declaration nor charset was read as
// windows-1252.
TEST(EncodingTest, Big5FeedWithoutAnyLabelIsDetected) {
  std::string bytes = "<rss><channel>";
  for (int i = 0; i < 20; ++i) {
    // "<title>中文新聞：經濟與社會</title>" in Big5.
    bytes +=
        "<item><title>\xa4\xa4\xa4\xe5\xb7\x73\xbb\x44\xa1\x47\xb8\x67\xc0\xd9\xbb\x50"
        "\xaa\xc0\xb7\x7c</title></item>";
  }
  bytes += "</channel></rss>";
  const DecodedDocument document = decode(bytes);
  EXPECT_EQ(document.encoding, "big5");
  EXPECT_TRUE(contains(document.utf8, "<title>中文新聞：經濟與社會</title>"));
  EXPECT_TRUE(has_problem_containing(document, "read as big5 (detected)"));
}

TEST(EncodingTest, ShiftJisFeedIsReadAsCp932) {
  // "日本語①～": ① (0x8740) exists only in CP932, Microsoft's Shift_JIS.
  const DecodedDocument document =
      decode(rss("Shift_JIS", "\x93\xfa\x96\x7b\x8c\xea\x87\x40\x81\x60"));
  EXPECT_EQ(document.encoding, "shift_jis");
  EXPECT_TRUE(contains(document.utf8, "<title>日本語①～</title>"));
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, XSjisAndWindows31jAreShiftJis) {
  for (const std::string_view label : {"x-sjis", "windows-31j", "sjis", "MS_Kanji"}) {
    const DecodedDocument document = decode(rss(label, "\x93\xfa\x96\x7b\x8c\xea"));
    EXPECT_EQ(document.encoding, "shift_jis") << label;
    EXPECT_TRUE(contains(document.utf8, "<title>日本語</title>")) << label;
  }
}

TEST(EncodingTest, EucJpFeedIsDecoded) {
  const DecodedDocument document = decode(rss("EUC-JP", "\xc6\xfc\xcb\xdc\xb8\xec"));
  EXPECT_EQ(document.encoding, "euc-jp");
  EXPECT_TRUE(contains(document.utf8, "<title>日本語</title>"));
}

TEST(EncodingTest, EucKrFeedIsReadAsCp949) {
  // "한국어똠": 똠 (0x8C63) exists only in CP949 (Unified Hangul Code).
  const DecodedDocument document = decode(rss("euc-kr", "\xc7\xd1\xb1\xb9\xbe\xee\x8c\x63"));
  EXPECT_EQ(document.encoding, "euc-kr");
  EXPECT_TRUE(contains(document.utf8, "<title>한국어똠</title>"));
  EXPECT_TRUE(document.problems.empty());
}

TEST(EncodingTest, Windows1251FeedIsDecoded) {
  const DecodedDocument document =
      decode(rss("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2\x20\xec\xe8\xf0"));
  EXPECT_EQ(document.encoding, "windows-1251");
  EXPECT_TRUE(contains(document.utf8, "<title>Привет мир</title>"));
}

TEST(EncodingTest, Koi8rFeedIsDecoded) {
  const DecodedDocument document =
      decode(rss("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4\x20\xcd\xc9\xd2"));
  EXPECT_EQ(document.encoding, "koi8-r");
  EXPECT_TRUE(contains(document.utf8, "<title>Привет мир</title>"));
}

TEST(EncodingTest, IsoLatinAndWindowsPagesAreDecoded) {
  EXPECT_TRUE(contains(decode(rss("ISO-8859-2", "\xa1\xc6\xca")).utf8, "<title>ĄĆĘ</title>"));
  EXPECT_TRUE(contains(decode(rss("windows-1253", "\xc5\xeb\xeb\xe7\xed\xe9\xea\xdc")).utf8,
                       "<title>Ελληνικά</title>"));
}

TEST(EncodingTest, Iso88591IsReadAsWindows1252) {
  // 0x93/0x94/0x80 are C1 controls in ISO-8859-1; everyone who writes them
  // means windows-1252's quotes and euro sign.
  const DecodedDocument document = decode(rss("latin1", "\x93quoted\x94 \x80 caf\xe9"));
  EXPECT_EQ(document.encoding, "iso-8859-1");
  EXPECT_TRUE(contains(document.utf8, "<title>“quoted” € café</title>"));
}

TEST(EncodingTest, UsAsciiDeclarationOnNonAsciiBytesFallsBack) {
  const DecodedDocument document = decode(rss("us-ascii", "caf\xc3\xa9"));
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(contains(document.utf8, "<title>café</title>"));
  EXPECT_TRUE(has_problem_containing(document, "declared us-ascii but the bytes are not"));
}

TEST(EncodingTest, LabelsAreMatchedLooselyLikePythonCodecNames) {
  EXPECT_EQ(decode(rss("UTF8", "é")).encoding, "utf-8");
  EXPECT_EQ(decode(rss("ISO_8859-1", "\xe9")).encoding, "iso-8859-1");
  EXPECT_EQ(decode(rss("Windows_1251", "\xcf")).encoding, "windows-1251");
  EXPECT_EQ(decode(rss("ks_c_5601-1987", "\xc7\xd1")).encoding, "euc-kr");
  EXPECT_EQ(decode(rss("Big5-HKSCS", "\xa4\xa4")).encoding, "big5");
}

// --- Declared one thing, are another ---------------------------------------

TEST(EncodingTest, DeclaredUtf8ThatIsReallyWindows1252FallsBack) {
  const DecodedDocument document =
      decode(rss("utf-8", "\x43\x61\x66\xe9\x20\x93\x71\x75\x6f\x74\x65\x64\x94\x20\x80"));
  EXPECT_EQ(document.encoding, "windows-1252");
  EXPECT_TRUE(contains(document.utf8, "<title>Café “quoted” €</title>"));
  EXPECT_EQ(document.problems,
            std::vector<std::string>{"declared utf-8 but the bytes are not; read as windows-1252"});
}

TEST(EncodingTest, UndeclaredWindows1252FallsBackWithProblem) {
  const DecodedDocument document = decode("<rss><title>Caf\xe9</title></rss>");
  EXPECT_EQ(document.encoding, "windows-1252");
  EXPECT_EQ(document.utf8, "<rss><title>Café</title></rss>");
  EXPECT_TRUE(has_problem_containing(document, "no charset given and the bytes are not utf-8"));
}

TEST(EncodingTest, Utf8WithAFewWindows1252BytesKeepsTheUtf8) {
  // A UTF-8 feed with one item pasted from a windows-1252 editor.
  std::string bytes = rss("utf-8", "Ünïcödé ñ “ok” — 中文 and a pasted \x93quote\x94");
  const DecodedDocument document = decode(bytes);
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(contains(document.utf8, "<title>Ünïcödé ñ “ok” — 中文 and a pasted “quote”</title>"));
  EXPECT_TRUE(has_problem_containing(document, "2 bytes are not utf-8; read as windows-1252"));
}

TEST(EncodingTest, DeclaredUtf8ThatIsGbkIsDetected) {
  std::string title;
  for (int i = 0; i < 10; ++i) title += "\xd6\xd0\xce\xc4\xd0\xc2\xce\xc5\xb1\xea\xcc\xe2";
  const DecodedDocument document = decode(rss("utf-8", title));
  EXPECT_EQ(document.encoding, "gb18030");
  EXPECT_TRUE(contains(document.utf8, "中文新闻标题中文新闻标题"));
  EXPECT_TRUE(has_problem_containing(
      document, "declared utf-8 but the bytes are not; read as gb18030 (detected)"));
}

TEST(EncodingTest, GbkFeedWithOneBrokenByteIsStillGbk) {
  std::string title;
  for (int i = 0; i < 10; ++i) title += "\xd6\xd0\xce\xc4\xd0\xc2\xce\xc5\xb1\xea\xcc\xe2";
  title += "\xff";  // never a GB18030 byte
  const DecodedDocument document = decode(rss("gbk", title));
  EXPECT_EQ(document.encoding, "gb18030");
  EXPECT_TRUE(contains(document.utf8, "中文新闻标题\xEF\xBF\xBD</title>"));
  EXPECT_TRUE(
      has_problem_containing(document, "1 byte sequence not in gb18030; replaced with U+FFFD"));
}

// feedparser reads UTF-8 declared as ISO-8859-1 as UTF-8 (its per-value
// "utf-8 presumed iso-8859-1" repair); miniflux's utf8-incorrect-prolog.xml.
TEST(EncodingTest, DeclaredIso88591ThatIsValidUtf8IsReadAsUtf8) {
  const DecodedDocument document = decode(rss("ISO-8859-1", "테스트 Café"));
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(contains(document.utf8, "<title>테스트 Café</title>"));
  EXPECT_TRUE(has_problem_containing(document, "declared iso-8859-1 but the bytes are utf-8"));
}

// ... but not UTF-8 declared as windows-1252 whose bytes take it outside
// Latin-1 (0x80-0x9F): feedparser keeps "â‚¬" there (miniflux's
// windows-1252-incorrect-prolog.xml).
TEST(EncodingTest, DeclaredWindows1252WithUtf8EuroStaysWindows1252) {
  const DecodedDocument document = decode(rss("windows-1252", "Euro \xe2\x82\xac"));
  EXPECT_EQ(document.encoding, "windows-1252");
  EXPECT_TRUE(contains(document.utf8, "<title>Euro â‚¬</title>"));
}

TEST(EncodingTest, Utf16DeclaredOnAsciiBytesIsIgnored) {
  const DecodedDocument document = decode(rss("utf-16", "plain é"));
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(contains(document.utf8, "<title>plain é</title>"));
  EXPECT_TRUE(
      has_problem_containing(document, "declared utf-16 but the bytes are not; read as utf-8"));
}

TEST(EncodingTest, UnknownLabelFallsBackToUtf8AndSaysSo) {
  const DecodedDocument document = decode(rss("invalid", "테스트"));
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(contains(document.utf8, "<title>테스트</title>"));
  EXPECT_EQ(document.problems,
            std::vector<std::string>{"unknown declared charset \"invalid\"; read as utf-8"});
}

TEST(EncodingTest, UnknownHttpLabelOnLegacyBytesEndsInWindows1252) {
  const DecodedDocument document =
      decode("<rss><title>na\xefve</title></rss>", "application/xml; charset=x-no-such-thing");
  EXPECT_EQ(document.encoding, "windows-1252");
  EXPECT_TRUE(contains(document.utf8, "<title>naïve</title>"));
  EXPECT_TRUE(has_problem_containing(
      document, "unknown HTTP charset \"x-no-such-thing\"; read as windows-1252"));
}

TEST(EncodingTest, CharsetIconvKnowsBeyondTheTableIsUsed) {
  // "日本" in ISO-2022-JP (7-bit, stateful).
  const DecodedDocument document = decode(rss("ISO-2022-JP", "\x1b$BF|K\\\x1b(B"));
  EXPECT_EQ(document.encoding, "iso-2022-jp");
  EXPECT_TRUE(contains(document.utf8, "<title>日本</title>"));
}

// --- Characters XML 1.0 forbids --------------------------------------------

TEST(EncodingTest, ControlCharactersAreRemovedAndCounted) {
  const DecodedDocument document = decode(rss("utf-8",
                                              "a\x01"
                                              "b\x08"
                                              "c\x0b"
                                              "d\x0c"
                                              "e\x1f"
                                              "f\tg\nh\ri\x7f"
                                              "j\xef\xbf\xbe"
                                              "k\xef\xbf\xbf"
                                              "l"));
  EXPECT_TRUE(contains(document.utf8, "<title>abcdef\tg\nh\ri\x7fjkl</title>"));
  EXPECT_EQ(document.problems, std::vector<std::string>{"removed 7 control characters"});
}

TEST(EncodingTest, ControlCharactersAreRemovedFromLegacyCharsetsToo) {
  const DecodedDocument single_byte = decode(rss("windows-1251", "\xcf\x02\xf0"));
  EXPECT_TRUE(contains(single_byte.utf8, "<title>Пр</title>"));
  EXPECT_TRUE(has_problem_containing(single_byte, "removed 1 control character"));

  const DecodedDocument multi_byte = decode(rss("gbk", "\xd6\xd0\x1b\xce\xc4"));
  EXPECT_TRUE(contains(multi_byte.utf8, "<title>中文</title>"));
  EXPECT_TRUE(has_problem_containing(multi_byte, "removed 1 control character"));

  const DecodedDocument wide = decode("\xFF\xFE" + utf16(U"<a>x\u0001y</a>", false));
  EXPECT_EQ(wide.utf8, "<a>xy</a>");
}

TEST(EncodingTest, EmptyInputIsAnEmptyUtf8Document) {
  const DecodedDocument document = decode("");
  EXPECT_EQ(document.utf8, "");
  EXPECT_EQ(document.encoding, "utf-8");
}

TEST(EncodingTest, LargeValidUtf8InputPassesUnchanged) {
  std::string bytes = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss><channel>\n";
  const std::string item =
      "<item>\n\t<title>Ünïcödé news, 中文新闻 and 𝄞 — item</title>\r\n"
      "\t<description><![CDATA[<p>Plain ASCII text that runs on for a while, as feeds "
      "do, with a link to https://example.com/news/2024/article.html</p>]]></description>\n"
      "</item>\n";
  while (bytes.size() < (8u << 20)) bytes += item;
  bytes += "</channel></rss>\n";
  const DecodedDocument document = decode(bytes);
  EXPECT_EQ(document.encoding, "utf-8");
  EXPECT_TRUE(document.problems.empty());
  EXPECT_TRUE(document.utf8 == bytes);  // not EXPECT_EQ: no 8 MB diff on failure
}

TEST(EncodingTest, InvalidUtf8AtTheVeryEndIsFound) {
  // The fast path reads 16 bytes at a time; a bad byte in the tail must not
  // slip through.
  for (std::size_t padding = 0; padding < 40; ++padding) {
    const std::string bytes = "<a>" + std::string(padding, 'x') + "caf\xe9</a>";
    const DecodedDocument document = decode(bytes);
    EXPECT_EQ(document.encoding, "windows-1252") << padding;
    EXPECT_TRUE(contains(document.utf8, "café</a>")) << padding;
  }
}

// --- The miniflux charset cases against feedparser's readings -------------

// Enough of XML's escapes (named and numeric, BMP) to find the titles
// feedparser read in the raw text.
std::string unescape_xml(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const std::size_t semicolon = text.find(';', i);
    const std::string_view name =
        semicolon == std::string_view::npos ? "" : text.substr(i + 1, semicolon - i - 1);
    const std::pair<std::string_view, std::string_view> kNamed[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
    bool replaced = false;
    for (const auto& [entity, value] : kNamed) {
      if (name == entity) {
        out += value;
        i = semicolon;
        replaced = true;
      }
    }
    if (!replaced && name.starts_with('#') && name.size() > 1) {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const unsigned long code_point =
          std::stoul(std::string(name.substr(hex ? 2 : 1)), nullptr, hex ? 16 : 10);
      if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
      } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
      }
      i = semicolon;
      replaced = true;
    }
    if (!replaced) out.push_back('&');
  }
  return out;
}

std::string collapse_spaces(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  return out;
}

TEST(EncodingTest, MinifluxCharsetCasesYieldFeedparsersTitles) {
  const auto shared = testing::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent";
  const std::filesystem::path corpus = *shared / "corpus/feeds";
  int files = 0;
  int titles = 0;
  for (const char* folder : {"miniflux/encoding", "miniflux/parser"}) {
    for (const auto& entry : std::filesystem::directory_iterator(corpus / folder)) {
      const std::filesystem::path relative = std::filesystem::relative(entry.path(), corpus);
      const nlohmann::json reference = nlohmann::json::parse(
          testing::read_file(corpus / "reference" / (relative.string() + ".json")));
      const DecodedDocument document = decode(testing::read_file(entry.path()));
      std::string text = document.utf8;
      for (const std::string_view marker : {"<![CDATA["sv, "]]>"sv}) {
        for (std::size_t at; (at = text.find(marker)) != std::string::npos;)
          text.erase(at, marker.size());
      }
      const std::string readable = collapse_spaces(unescape_xml(unescape_xml(text)));
      std::vector<std::string> expected;
      if (reference["title"].is_string()) expected.push_back(reference["title"]);
      for (const auto& item : reference["entries"]) {
        if (item["title"].is_string()) expected.push_back(item["title"]);
      }
      for (const std::string& title : expected) {
        EXPECT_TRUE(contains(readable, collapse_spaces(title)))
            << relative << ": title \"" << title << "\" not in the decoded text ("
            << document.encoding << ")";
        ++titles;
      }
      ++files;
    }
  }
  EXPECT_EQ(files, 15);
  EXPECT_GT(titles, 250);
}

// --- decoding without a copy --------------------------------------------------

TEST(EncodingTest, ValidUtf8IsViewedWhereItLiesWhenAllowed) {
  const std::string bytes = "\xEF\xBB\xBF" + rss("utf-8", "Café 中文");
  Result<DecodedDocument> document =
      decode_xml_document(bytes, "", CopyPolicy::kViewWhenUnchanged);
  ASSERT_TRUE(document.has_value());
  ASSERT_TRUE(document->as_is.has_value());
  EXPECT_TRUE(document->utf8.empty());
  EXPECT_EQ(document->text().data(), bytes.data() + 3);  // past the BOM, not a copy
  EXPECT_EQ(document->text(), std::string_view(bytes).substr(3));
  EXPECT_EQ(document->encoding, "utf-8");
}

TEST(EncodingTest, AsciiDeclaredLatin1IsViewedToo) {
  const std::string bytes = rss("iso-8859-1", "plain");
  Result<DecodedDocument> document =
      decode_xml_document(bytes, "", CopyPolicy::kViewWhenUnchanged);
  ASSERT_TRUE(document.has_value());
  EXPECT_TRUE(document->as_is.has_value());
  EXPECT_EQ(document->text(), bytes);
  EXPECT_EQ(document->encoding, "iso-8859-1");
}

TEST(EncodingTest, ADocumentThatChangesIsCopiedAllTheSame) {
  for (const std::string& bytes : {rss("utf-8", "a\x01b"), rss("iso-8859-1", "caf\xE9"),
                                   rss("utf-8", "caf\xE9 \xC3\xA9\xC3\xA9")}) {
    Result<DecodedDocument> document =
        decode_xml_document(bytes, "", CopyPolicy::kViewWhenUnchanged);
    ASSERT_TRUE(document.has_value());
    EXPECT_FALSE(document->as_is.has_value());
    EXPECT_EQ(document->text(), decode(bytes).utf8);
  }
}

// --- charset_of_content_type ----------------------------------------------

TEST(CharsetOfContentTypeTest, ReadsTheCharsetParameterInLowerCase) {
  EXPECT_EQ(charset_of_content_type("application/rss+xml; charset=UTF-8"), "utf-8");
}

TEST(CharsetOfContentTypeTest, IgnoresCaseAndSpacesAroundTheParameter) {
  EXPECT_EQ(charset_of_content_type("text/xml ;  CharSet = Windows-1251 "), "windows-1251");
}

TEST(CharsetOfContentTypeTest, ReadsQuotedAndSingleQuotedValues) {
  EXPECT_EQ(charset_of_content_type("text/xml; charset=\"ISO-8859-1\""), "iso-8859-1");
  EXPECT_EQ(charset_of_content_type("text/xml; charset='utf-8'"), "utf-8");
}

TEST(CharsetOfContentTypeTest, SkipsOtherParametersEvenWithQuotedSemicolons) {
  EXPECT_EQ(charset_of_content_type("text/xml; format=\"a;charset=x\"; charset=gbk"), "gbk");
  EXPECT_EQ(charset_of_content_type("application/xml; q; charset=big5"), "big5");
}

TEST(CharsetOfContentTypeTest, IsEmptyWithoutCharset) {
  EXPECT_EQ(charset_of_content_type(""), "");
  EXPECT_EQ(charset_of_content_type("application/atom+xml"), "");
  EXPECT_EQ(charset_of_content_type("text/html; boundary=x"), "");
}

}  // namespace
}  // namespace newsvault::feed
