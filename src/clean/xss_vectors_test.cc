// The classic filter-evasion vectors (after OWASP's XSS Filter Evasion Cheat
// Sheet, the html5sec.org list and the published DOMPurify bypasses), each
// run through the sanitizer. Each is judged on the tree, not on substrings:
// the output read back by the parser must hold no forbidden element,
// attribute or URL scheme (safety_judge.h), and sanitizing it again must
// change nothing.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "clean/clean.h"
#include "clean/safety_judge.h"

namespace newsvault::clean {
namespace {

using namespace std::string_view_literals;

struct Vector {
  std::string_view name;
  std::string_view html;
};

constexpr Vector kVectors[] = {
    // Plain script, in every case and shape.
    {"script element", "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>"},
    {"mixed case script", "<ScRiPt>alert(1)</sCrIpT>"},
    {"script with odd attribute", "<SCRIPT/XSS SRC=\"https://xss.example/xss.js\"></SCRIPT>"},
    {"script with extra open bracket", "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>"},
    {"script without closing tag", "<SCRIPT SRC=https://xss.example/xss.js?< B >"},
    {"half open script", "<SCRIPT SRC=//xss.example/.j>"},
    {"nested script tags", "<scr<script>ipt>alert(1)</scr</script>ipt>"},
    {"script in attribute-looking text", "<p title=\"</p><script>alert(1)</script>\">x</p>"},
    {"end title then script", "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>"},
    {"unclosed attribute quote", "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>"},
    {"unclosed tag at end", "<p>text<img src=x onerror=alert(1)"},
    {"style element", "<style>body{background:url(javascript:alert(1))}</style>"},
    {"style with import", "<STYLE>@import'https://xss.example/xss.css';</STYLE>"},
    // Links and images with hidden schemes.
    {"javascript href", "<a href=\"javascript:alert(1)\">x</a>"},
    {"javascript href leading spaces", "<a href=\"  javascript:alert(1)\">x</a>"},
    {"javascript href leading controls", "<a href=\"&#1;&#14; javascript:alert(1)\">x</a>"},
    {"javascript href mixed case", "<a href=\"JaVaScRiPt:alert(1)\">x</a>"},
    {"javascript img src", "<IMG SRC=\"javascript:alert('XSS');\">"},
    {"javascript img no quotes", "<IMG SRC=javascript:alert('XSS')>"},
    {"grave accent", "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>"},
    {"decimal entities with semicolons",
     "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>"},
    {"decimal entities without semicolons",
     "<IMG SRC=&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58&#97&#108&#101&#114&#116>"},
    {"padded decimal entities",
     "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
     "&#0000112&#0000116&#0000058&#0000097>"},
    {"hex entities without semicolons",
     "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61>"},
    {"hex entities with semicolons", "<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>"},
    {"named colon entity", "<a href=\"javascript&colon;alert(1)\">x</a>"},
    {"named tab and newline entities", "<a href=\"java&Tab;script&NewLine;:alert(1)\">x</a>"},
    {"embedded tab", "<IMG SRC=\"jav\tascript:alert('XSS');\">"},
    {"embedded encoded tab", "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">"},
    {"embedded newline", "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">"},
    {"embedded carriage return", "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">"},
    {"embedded NUL", "<IMG SRC=java\0script:alert(\"XSS\")>"sv},
    {"encoded NUL", "<a href=\"java&#0;script:alert(1)\">x</a>"},
    {"spaces and meta chars before scheme", "<IMG SRC=\" &#14;  javascript:alert('XSS');\">"},
    {"vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>"},
    {"livescript", "<IMG SRC=\"livescript:[code]\">"},
    {"data html link", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>"},
    {"data html image", "<img src=\"data:text/html,<script>alert(1)</script>\">"},
    {"data svg image", "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">"},
    {"data with spaces", "<a href=\" data:text/html,<script>alert(1)</script>\">x</a>"},
    // Event handlers.
    {"onerror", "<img src=x onerror=alert(1)>"},
    {"onerror mixed case", "<IMG SRC=# OnErRoR=\"alert(1)\">"},
    {"onmouseover without quotes", "<IMG SRC=# onmouseover=\"alert('xxs')\">"},
    {"handler after slash", "<img/src=x/onerror=alert(1)>"},
    {"body onload", "<BODY ONLOAD=alert('XSS')>"},
    {"body background", "<BODY BACKGROUND=\"javascript:alert('XSS')\">"},
    {"handler on unknown element", "<x onclick=alert(1)>click</x>"},
    {"handler on kept element", "<p onmouseover=\"alert(1)\">text</p>"},
    {"handler with odd separators", "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>"},
    // Styles.
    {"style attribute expression", "<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>"},
    {"style attribute url", "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>"},
    {"style attribute escaped", "<DIV STYLE=\"background-image:\\0075\\0072\\006C(javascript:a)\">x</DIV>"},
    {"style attribute comment", "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">"},
    {"link stylesheet", "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">"},
    // Frames, plug-ins and documents.
    {"iframe javascript", "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>"},
    {"iframe srcdoc", "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>"},
    {"iframe event", "<IFRAME SRC=# onmouseover=\"alert(document.cookie)\"></IFRAME>"},
    {"frameset", "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>"},
    {"object", "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"https://xss.example/scriptlet.html\"></OBJECT>"},
    {"object data html", "<object data=\"data:text/html;base64,PHNjcmlwdD4=\"></object>"},
    {"embed", "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0=\" AllowScriptAccess=\"always\">"},
    {"applet", "<applet code=\"x.class\"></applet>"},
    {"base", "<BASE HREF=\"javascript:alert('XSS');//\"><a href=\"x\">x</a>"},
    {"meta refresh", "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">"},
    {"meta refresh data", "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,PHNjcmlwdD4=\">"},
    {"meta set-cookie", "<META HTTP-EQUIV=\"Set-Cookie\" Content=\"USERID=<SCRIPT>alert('XSS')</SCRIPT>\">"},
    // Forms.
    {"form action", "<form action=\"javascript:alert(1)\"><input type=submit></form>"},
    {"button formaction", "<form><button formaction=\"javascript:alert(1)\">x</button></form>"},
    {"input image", "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">"},
    {"input autofocus", "<input onfocus=alert(1) autofocus>"},
    {"textarea breakout", "<textarea><script>alert(1)</script></textarea>"},
    {"select breakout", "<select><option><img src=x onerror=alert(1)></option></select>"},
    {"isindex", "<isindex type=image src=1 onerror=alert(1)>"},
    // SVG and MathML.
    {"svg script", "<svg><script>alert(1)</script></svg>"},
    {"svg onload", "<svg onload=alert(1)>"},
    {"svg slash onload", "<svg/onload=alert('XSS')>"},
    {"svg xlink href", "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>"},
    {"svg animate", "<svg><animate attributeName=href to=javascript:alert(1) /></svg>"},
    {"svg use", "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
                "<image href='1' onerror='alert(1)' /></svg>#x\" /></svg>"},
    {"svg foreignObject",
     "<svg><foreignObject><iframe src=\"javascript:alert(1)\"></iframe></foreignObject></svg>"},
    {"svg style mutation", "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">"},
    {"math mglyph style mutation",
     "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 "
     "onerror=alert(1)&gt;\">"},
    {"math href", "<math href=\"javascript:alert(1)\">CLICKME</math>"},
    {"math xlink", "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x"
                   "</maction></math>"},
    // Mutation XSS through raw-text elements read differently.
    {"noscript attribute breakout", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"},
    {"xmp breakout", "<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\">"},
    {"noembed breakout", "<noembed><p title=\"</noembed><img src=x onerror=alert(1)>\">"},
    {"noframes breakout", "<noframes><p title=\"</noframes><img src=x onerror=alert(1)>\">"},
    {"template content", "<template><img src=x onerror=alert(1)></template>"},
    {"comment breakout", "<!--<img src=\"--><img src=x onerror=alert(1)//\">"},
    {"conditional comment", "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->"},
    {"cdata", "<![CDATA[<script>alert(1)</script>]]>"},
    {"plaintext", "<plaintext><img src=x onerror=alert(1)>"},
    {"title breakout", "<title><img src=x onerror=alert(1)></title>"},
    {"listing", "<listing><img src=x onerror=alert(1)></listing>"},
    // Media.
    {"video poster", "<video poster=javascript:alert(1)//></video>"},
    {"audio source", "<audio><source onerror=\"alert(1)\"></audio>"},
    {"video source", "<video><source src=x onerror=alert(1)></video>"},
    {"picture source", "<picture><source srcset=\"javascript:alert(1)\"><img src=\"a.jpg\"></picture>"},
    {"img srcset", "<img src=\"a.jpg\" srcset=\"javascript:alert(1) 1x\">"},
    {"img lowsrc and dynsrc", "<IMG DYNSRC=\"javascript:alert('XSS')\"><IMG LOWSRC=\"javascript:alert('XSS')\">"},
    {"table background", "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"javascript:alert(1)\">"},
    {"image map", "<img usemap=#m src=a.jpg><map name=m><area href=\"javascript:alert(1)\"></map>"},
    // Naming and clobbering.
    {"form clobbering", "<form name=\"location\"><img name=\"cookie\" id=\"x\"></form>"},
    {"anchor id clobbering", "<a id=\"defaultView\" name=\"x\" href=\"https://a.example/\">x</a>"},
    {"target blank", "<a href=\"https://a.example/\" target=\"_blank\">x</a>"},
    {"ping", "<a href=\"https://a.example/\" ping=\"https://tracker.example/\">x</a>"},
    {"custom element is", "<p is=\"x-evil\">x</p>"},
    // Markup the parser must mend.
    {"unclosed everything", "<div><p><a href=\"https://a.example/\"><b><i>x"},
    {"stray end tags", "</div></p></a><p>x</b></i>"},
    {"half tag", "<a href=\"https://a.example/\"<img src=x onerror=alert(1)>"},
    {"attribute without value", "<img src onerror=alert(1)>"},
    {"quotes in unquoted attribute", "<img src=x\"onerror=\"alert(1)>"},
    {"nested anchors", "<a href=\"https://a.example/\"><a href=\"javascript:alert(1)\">x</a></a>"},
    {"deep nesting", "<div><div><div><div><div><div><div><div><script>alert(1)</script>"},
    {"xml namespace prefix", "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script>"},
    {"html in xml namespace", "<html xmlns:xss><?import namespace=\"xss\" implementation=\"x.htc\">"
                              "<xss:xss>XSS</xss:xss></html>"},
    {"processing instruction", "<?xml-stylesheet href=\"javascript:alert(1)\"?><p>x</p>"},
};

TEST(XssVectorsTest, NoVectorSurvives) {
  Options options;
  options.base_url = "https://example.com/news/story.html";
  for (const Vector& vector : kVectors) {
    std::vector<html::Node> tree = html::parse_fragment(vector.html);
    sanitize(tree, options);
    for (const std::string& finding : testing::safety_findings(tree)) {
      ADD_FAILURE() << vector.name << ": " << finding;
    }
    const std::string output = html::serialize(tree);
    for (const std::string& finding : testing::output_findings(output)) {
      ADD_FAILURE() << vector.name << ": " << finding;
    }
  }
}

// The judge itself must see each kind of finding, or a passing run proves
// nothing.
TEST(XssVectorsTest, TheJudgeSeesWhatItLooksFor) {
  const auto findings = [](std::string_view html) {
    return testing::safety_findings(html::parse_fragment(html)).size();
  };
  // The parser drops <script> itself; a tree built by hand still has one.
  EXPECT_GT(testing::safety_findings({html::Node::element("script")}).size(), 0u);
  EXPECT_GT(findings("<svg><a>x</a></svg>"), 0u);
  EXPECT_GT(findings("<img src=x onerror=alert(1)>"), 0u);
  EXPECT_GT(findings("<a href=\"java&#9;script:alert(1)\">x</a>"), 0u);
  EXPECT_GT(findings("<img src=\"data:text/html,x\">"), 0u);
  EXPECT_GT(findings("<p style=\"x\">x</p>"), 0u);
  EXPECT_GT(findings("<iframe src=\"javascript:x\"></iframe>"), 0u);
  EXPECT_EQ(findings("<img src=\"data:image/png;base64,AAAA\"><a href=\"https://a/\">x</a>"), 0u);
}

// Specific outcomes, where what survives matters as much as what goes.
TEST(XssVectorsTest, DropsJavascriptUrlsWrittenWithEntities) {
  Options options;
  EXPECT_EQ(sanitize("<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
                     "alert(1)\">x</a>",
                     options),
            "<a>x</a>");
  EXPECT_EQ(sanitize("<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>", options), "<a>x</a>");
  EXPECT_EQ(sanitize("<a href=\"jav&#x09;ascript:alert(1)\">x</a>", options), "<a>x</a>");
}

TEST(XssVectorsTest, KeepsTheTextOfNeutralisedLinksAndDropsScriptText) {
  Options options;
  EXPECT_EQ(sanitize("<p>a<script>evil()</script><a href=\"javascript:x\" onclick=\"y\">b</a></p>",
                     options),
            "<p>a<a>b</a></p>");
}

TEST(XssVectorsTest, RawTextBreakoutsLeaveNoElement) {
  Options options;
  // A browser reads <noscript> as raw text up to "</noscript>" inside the
  // attribute; dropping it whole leaves nothing for the two readings to
  // disagree about.
  EXPECT_EQ(sanitize("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
                     options),
            "");
  EXPECT_EQ(sanitize("<p title=\"</p><img src=x onerror=alert(1)>\">x</p>", options),
            "<p title=\"&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;\">x</p>");
}

}  // namespace
}  // namespace newsvault::clean
