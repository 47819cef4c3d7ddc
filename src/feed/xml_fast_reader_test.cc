// The fast (pugixml) reader must give exactly what the libxml2 reader gives,
// or refuse the document. Each document here is read by both; their element
// trees and the Feeds made of them must be identical.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "feed/encoding.h"
#include "feed/feed.h"
#include "feed/reference_repair.h"
#include "feed/xml_feed_mapper.h"
#include "feed/xml_stream.h"
#include "support/test_support.h"

namespace newsvault::feed {
namespace {

// Everything an element tree holds, written out so two trees can be
// compared and a difference read.
void describe(const XmlDocument& document, ElementId id, std::string& out) {
  const XmlElement& element = document.element(id);
  out += "<{" + std::string(element.namespace_uri) + "}" + std::string(element.name) +
         " prefix=" + std::string(element.prefix) + " depth=" + std::to_string(element.depth) +
         " base=" + document.base_of(element);
  for (const XmlAttribute& attribute : element.attributes) {
    out += " {" + std::string(attribute.namespace_uri) + "}" + std::string(attribute.name) +
           "=[" + attribute.value + "]";
  }
  out += ">[" + element.text + "]";
  for (const XmlChild& child : element.children) {
    out += "@" + std::to_string(child.text_offset);
    describe(document, child.element, out);
  }
  out += "</>";
}

std::string describe(const XmlStreamResult& result) {
  std::string out = "doctype=[" + result.document.doctype() + "]\n";
  for (const auto& declared : result.document.declared_namespaces()) {
    out += "xmlns:" + declared.prefix + "=" + declared.uri + (declared.on_root ? " (root)" : "") +
           "\n";
  }
  if (result.document.root() != kNoElement) describe(result.document, result.document.root(), out);
  out += "\nentries=" + std::to_string(result.entries_seen);
  for (const std::string& problem : result.problems) out += "\nproblem: " + problem;
  return out;
}

std::string describe(const std::optional<Timestamp>& time) {
  return time ? format_iso8601_seconds(*time) : "null";
}

std::string describe(const Feed& feed) {
  std::string out = std::string(format_name(feed.format)) + "|" + feed.title + "|" + feed.link +
                    "|" + feed.description + "|" + feed.language + "|" + describe(feed.updated) +
                    "|" + feed.encoding + "\n";
  for (const std::string& problem : feed.problems) out += "problem: " + problem + "\n";
  for (const Entry& entry : feed.entries) {
    out += "entry " + entry.id + "|" + entry.title + "|" + entry.link + "|" +
           describe(entry.published) + "|" + describe(entry.updated) + "|" + entry.author + "|" +
           entry.summary + "|" + entry.content + "\n";
    for (const Enclosure& enclosure : entry.enclosures) {
      out += " enclosure " + enclosure.url + "|" + enclosure.type + "|" +
             (enclosure.length ? std::to_string(*enclosure.length) : "-") + "\n";
    }
    for (const std::string& tag : entry.tags) out += " tag " + tag + "\n";
    for (const Media& media : entry.media) {
      out += " media " + std::to_string(static_cast<int>(media.kind)) + "|" + media.url + "|" +
             media.type + "|" + media.medium + "|" +
             (media.width ? std::to_string(*media.width) : "-") + "|" +
             (media.height ? std::to_string(*media.height) : "-") + "|" + media.description + "\n";
    }
    for (const Extension& extension : entry.extensions) {
      out += " extension {" + extension.namespace_uri + "}" + extension.name + "=[" +
             extension.value + "]";
      for (const auto& [name, value] : extension.attributes) out += " " + name + "=" + value;
      out += "\n";
    }
  }
  return out;
}

struct BothReaders {
  std::optional<std::string> fast;  // nullopt: refused
  std::string libxml2;
};

// Reads `bytes` with both readers, after decoding and mending references as
// parse_feed does, and describes what each handed over, entry by entry and
// then the rest.
BothReaders read_with_both(std::string_view bytes) {
  Result<DecodedDocument> decoded = decode_xml_document(bytes, "");
  EXPECT_TRUE(decoded.has_value());
  if (!decoded) return {};
  std::vector<std::string> problems;
  const std::optional<std::string> repaired = repair_references(decoded->text(), problems);
  const std::string_view xml = repaired ? std::string_view(*repaired) : decoded->text();
  XmlStreamOptions options;
  options.base_url = "https://example.org/feed";
  options.source_name = "test.xml";
  options.is_entry = &XmlFeedMapper::is_entry;
  BothReaders both;
  std::string fast_entries;
  std::optional<XmlStreamResult> fast =
      read_xml_fast(xml, options, [&](const XmlDocument& document, ElementId entry) {
        describe(document, entry, fast_entries);
        fast_entries += "\n";
      });
  if (fast) both.fast = fast_entries + describe(*fast);
  std::string libxml2_entries;
  Result<XmlStreamResult> libxml2 =
      read_xml_stream(xml, options, [&](const XmlDocument& document, ElementId entry) {
        describe(document, entry, libxml2_entries);
        libxml2_entries += "\n";
      });
  both.libxml2 = libxml2 ? libxml2_entries + describe(*libxml2) : "error " + libxml2.error().message();
  return both;
}

std::string parse_with(std::string_view bytes, XmlReader reader) {
  ParseOptions options;
  options.base_url = "https://example.org/feed";
  options.xml_reader = reader;
  Result<Feed> feed = parse_feed(bytes, options);
  return feed ? describe(*feed) : "error " + feed.error().message();
}

// Documents the fast reader must take, and read as libxml2 does.
const std::vector<std::pair<std::string, std::string>> kTaken = {
    {"rss20 with CDATA", R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>News &amp; more</title><link>https://example.org/</link>
<item>
  <title>First <![CDATA[<b>story</b>]]> told</title>
  <link>https://example.org/1</link><guid isPermaLink="false">story-1</guid>
  <pubDate>Mon, 19 Jun 2023 09:41:50 +0800</pubDate><dc:creator>Li Wei</dc:creator>
  <description>&lt;p&gt;Teaser &amp;amp; more&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Full <b>text</b> & "quotes" <i>here</i></p>]]></content:encoded>
  <category domain="x">Asia</category><category>World</category>
  <enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="12345"/>
  <media:content url="https://example.org/a.jpg" medium="image" width="10" height="5">
    <media:title>Caption</media:title><media:description>A picture</media:description>
  </media:content>
</item></channel></rss>
)"},
    {"unusual prefixes", R"(<rss version="2.0" xmlns:CNT="http://purl.org/rss/1.0/modules/content/"
 xmlns:d_c.1="http://purl.org/dc/elements/1.1/" xmlns:x-9="http://rss.dw.com/syndication/dwsyn/">
<channel><title>t</title><item><title>i</title><CNT:encoded>body</CNT:encoded>
<d_c.1:creator>Ann</d_c.1:creator><x-9:contentID x-9:kind="a" kind="b">42</x-9:contentID>
<y:z xmlns:y="urn:example:y" y:a="1">scoped <y:w>inner</y:w> prefix</y:z></item></channel></rss>)"},
    {"rss10 default namespace", R"(<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://www.dw.com/zh/s-9058"><title>DW中文 | 德國之聲</title>
<link>https://www.dw.com/zh/s-9058</link></channel>
<item rdf:about="https://www.dw.com/zh/a-1"><title>秦剛晤布林肯</title>
<link>https://www.dw.com/zh/a-1</link><dc:date>2023-06-19T01:41:50Z</dc:date>
<description xmlns="">no namespace here</description></item></rdf:RDF>)"},
    {"atom xhtml", R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>bold</b> feed</div></title>
<entry><id>tag:example.org,2023:1</id><title type="html">&lt;i&gt;E&lt;/i&gt;</title>
<link rel="alternate" type="text/html" href="https://example.org/1"/>
<author><name>Ann</name></author><updated>2023-06-20T00:00:00Z</updated>
<content type="xhtml">
  <div xmlns="http://www.w3.org/1999/xhtml"><p class="x">Hello <em>world</em> &amp; 1 &lt; 2</p>
  <img src="a.png" alt="&quot;a&quot;"/><br/></div>
</content></entry></feed>)"},
    {"xml:base", R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/news/">
<link href="/home"/><entry xml:base="2023/"><id>1</id><title>t</title><link href="story.html"/>
<content type="html" xml:base="../img/">&lt;img src="a.png"&gt;</content></entry>
<entry><id>2</id><link href="other.html" xml:base="http://elsewhere.example/x/"/></entry></feed>)"},
    {"entities and references", "<rss version=\"2.0\"><channel><title>A &#8212; B &#x2014; C&#9;D</title>"
     "<item><title>x &lt;y&gt; &quot;z&quot; &apos;w&apos; &#38;amp; &#x1F600;</title>"
     "<link>https://example.org/?a=1&amp;b=2</link>"
     "<description a=\"&lt;p&gt; &#10; &#9;\">&amp;lt;p&amp;gt;</description></item></channel></rss>"},
    {"html entities and bare ampersands", "<rss version=\"2.0\"><channel><title>A&nbsp;B &mdash; C</title>"
     "<item><title>x&hellip; AT&T</title><link>https://example.org/?a=1&b=2</link></item></channel></rss>"},
    {"line ends", "<?xml version='1.0' standalone='yes'?>\r\n<rss version=\"2.0\">\r\n<channel>\r"
     "<title>one\r\ntwo\rthree</title>\r\n<item a=\"x\r\ny\rz\tw\"><title>t</title>"
     "<description><![CDATA[kept\r\nas\rsent]]></description></item></channel></rss>\r\n"},
    {"prolog", R"(<?xml version="1.0" encoding="iso-8859-1"?>
<?xml-stylesheet type="text/xsl" href="style.xsl"?>
<!-- a comment before the doctype -->
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<!-- and after -->
<rss version="0.91"><channel><!-- inside --><title>n<!-- split -->ews</title>
<?pi inside?><item><title>i</title></item></channel></rss>
<!---->)"},
    {"empty and whitespace", "<rss version=\"2.0\"><channel><title/><item>\n\t<title>  </title>"
     "<description></description><guid isPermaLink=\"true\"> https://example.org/x </guid>"
     "</item><item/></channel></rss>"},
};

// Documents the fast reader must leave to libxml2: each has something
// libxml2 reports, or reads its own way.
const std::vector<std::pair<std::string, std::string>> kRefused = {
    {"undeclared prefix", "<rss><channel><item><x:title>t</x:title></item></channel></rss>"},
    {"internal subset", "<!DOCTYPE rss [<!ENTITY e \"x\">]><rss><channel><title>t</title></channel></rss>"},
    {"not well-formed", "<rss><channel><item><title>t</item></channel></rss>"},
    {"]]> in text", "<rss><channel><title>a ]]> b</title></channel></rss>"},
    {"< in an attribute", "<rss><channel><item><title a=\"<\">t</title></item></channel></rss>"},
    {"upper-case X in a reference", "<rss><channel><title>&#X41;</title></channel></rss>"},
    {"reference to a control character", "<rss><channel><title>&#1;</title></channel></rss>"},
    {"duplicate attribute", "<rss><channel><item a=\"1\" a=\"2\"><title>t</title></item></channel></rss>"},
    {"duplicate namespaced attribute",
     "<rss xmlns:p=\"urn:a\" xmlns:q=\"urn:a\"><channel p:a=\"1\" q:a=\"2\"/></rss>"},
    {"text after the root", "<rss><channel><title>t</title></channel></rss>trailing"},
    {"element after the root", "<rss><channel/></rss><rss/>"},
    {"space before the declaration", " <?xml version=\"1.0\"?><rss><channel/></rss>"},
    {"empty prefixed namespace", "<rss xmlns:p=\"\"><channel/></rss>"},
    {"relative namespace", "<rss xmlns:p=\"relative/path\"><channel/></rss>"},
    {"name outside ascii", "<rss><channel><tïtle>t</tïtle></channel></rss>"},
    {"double hyphen in a comment", "<rss><channel><!-- a -- b --><title>t</title></channel></rss>"},
    {"reserved PI target", "<rss><channel><?xml-foo bar?><title>t</title></channel></rss>"},
    {"two colons", "<rss><channel><a:b:c xmlns:a=\"urn:a\">t</a:b:c></channel></rss>"},
    {"version 1.1", "<?xml version=\"1.1\"?><rss><channel/></rss>"},
};

TEST(XmlFastReaderTest, ReadsRepresentativeDocumentsExactlyAsLibxml2Does) {
  for (const auto& [name, document] : kTaken) {
    SCOPED_TRACE(name);
    const BothReaders both = read_with_both(document);
    ASSERT_TRUE(both.fast.has_value()) << "refused";
    EXPECT_EQ(*both.fast, both.libxml2);
    EXPECT_EQ(parse_with(document, XmlReader::kAuto), parse_with(document, XmlReader::kLibxml2));
  }
}

TEST(XmlFastReaderTest, LeavesWhatLibxml2ReadsItsOwnWayToLibxml2) {
  for (const auto& [name, document] : kRefused) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(read_with_both(document).fast.has_value());
    EXPECT_EQ(parse_with(document, XmlReader::kAuto), parse_with(document, XmlReader::kLibxml2));
  }
}

TEST(XmlFastReaderTest, KeepsCarriageReturnsInCdataAsLibxml2Does) {
  // Regression: libxml2's push parser hands CDATA sections over as sent,
  // CR included, where pugixml normalises line ends: the fast reader gave
  // "a\nb" for what the libxml2 reader gives as "a\r\nb".
  const std::string document =
      "<rss version=\"2.0\"><channel><item><title>t</title>"
      "<description><![CDATA[a\r\nb\rc]]></description></item></channel></rss>";
  const BothReaders both = read_with_both(document);
  ASSERT_TRUE(both.fast.has_value());
  EXPECT_EQ(*both.fast, both.libxml2);
  EXPECT_NE(both.fast->find("a\r\nb\rc"), std::string::npos);
}

TEST(XmlFastReaderTest, DropsEntriesOfARefusedReadBeforeLibxml2ReadsAgain) {
  // The fast reader hands over the first item before it meets the
  // undeclared prefix in the second; the Feed must hold each item once.
  const std::string document =
      "<rss version=\"2.0\"><channel><title>t</title><item><title>one</title></item>"
      "<item><p:title>two</p:title></item></channel></rss>";
  ParseOptions options;
  Result<Feed> feed = parse_feed(document, options);
  ASSERT_TRUE(feed.has_value());
  ASSERT_EQ(feed->entries.size(), 2u);
  EXPECT_EQ(feed->entries[0].title, "one");
  EXPECT_TRUE(feed->bozo());
}

TEST(XmlFastReaderTest, ReadsEveryCorpusFeedAsLibxml2Does) {
  const std::optional<std::filesystem::path> shared = testing::shared_dir();
  if (!shared || !std::filesystem::is_directory(*shared / "corpus" / "feeds")) {
    GTEST_SKIP() << "../shared/corpus/feeds is absent";
  }
  std::size_t compared = 0;
  for (const auto& file :
       std::filesystem::recursive_directory_iterator(*shared / "corpus" / "feeds")) {
    const std::filesystem::path& path = file.path();
    const std::string extension = path.extension().string();
    if (!file.is_regular_file() || path.string().find("/reference/") != std::string::npos ||
        (extension != ".xml" && extension != ".rss" && extension != ".atom" &&
         extension != ".rdf")) {
      continue;
    }
    SCOPED_TRACE(path.string());
    const std::string bytes = testing::read_file(path);
    EXPECT_EQ(parse_with(bytes, XmlReader::kAuto), parse_with(bytes, XmlReader::kLibxml2));
    ++compared;
  }
  EXPECT_GT(compared, 0u);
}

}  // namespace
}  // namespace newsvault::feed
