#include <gtest/gtest.h>

#include <string>

#include "extract/extract.h"

namespace newsvault::extract {
namespace {

// A page whose heuristics pick the wrong block: the long comment thread
// outscores the short article, which sits in an unusual container.
constexpr std::string_view kPage = R"(<html><head><title>Short note</title></head><body>
<div class="x1"><span class="lede">The council approved the new bridge on Tuesday evening.</span>
<span class="promo-inline">Subscribe for more council news, every single week!</span></div>
<div class="thread">
<p>I have lived here forty years, and this bridge is, honestly, the best news, truly, in years.</p>
<p>Another comment, long enough to score, with commas, many commas, so, many, of them, here.</p>
<p>A third comment, long, rambling, with commas, and more commas, and yet more, to win.</p>
</div></body></html>)";

TEST(SiteRulesTest, ReadsSectionsAndKeys) {
  auto rules = parse_site_rules(R"(# the council's site
[www.Council.example]
body: //div[@class='x1']
strip: //span[@class='promo-inline']

[other.example]
strip_id_or_class: promo
)",
                                "rules.txt");
  ASSERT_TRUE(rules.has_value()) << rules.error().message();
  ASSERT_EQ(rules->rules.size(), 2u);
  EXPECT_EQ(rules->rules[0].host, "council.example");
  EXPECT_EQ(rules->rules[0].body, std::vector<std::string>{"//div[@class='x1']"});
  EXPECT_EQ(rules->rules[1].strip_id_or_class, std::vector<std::string>{"promo"});
}

TEST(SiteRulesTest, NamesTheLineOfEveryMistake) {
  auto bad_xpath = parse_site_rules("[a.example]\n\nbody: //div[\n", "rules.txt");
  ASSERT_FALSE(bad_xpath.has_value());
  EXPECT_EQ(bad_xpath.error().code(), ErrorCode::kParse);
  EXPECT_EQ(bad_xpath.error().message(), "rules.txt:3: invalid XPath \"//div[\"");
  EXPECT_EQ(parse_site_rules("body: //p\n", "r").error().message(), "r:1: \"body\" before any [host] section");
  EXPECT_EQ(parse_site_rules("[a.example]\ntitle: //h1\n", "r").error().message(),
            "r:2: unknown key \"title\" (body, strip, strip_id_or_class)");
}

TEST(SiteRulesTest, ARuleCoversItsHostAndItsSubdomainsOnly) {
  auto rules = parse_site_rules("[council.example]\nstrip: //p\n[news.council.example]\nstrip: //b\n", "r");
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(rules->find("https://www.council.example/a"), &rules->rules[0]);
  EXPECT_EQ(rules->find("https://news.council.example:8443/a"), &rules->rules[1]);
  EXPECT_EQ(rules->find("https://badcouncil.example/a"), nullptr);
  EXPECT_EQ(rules->find("not a url"), nullptr);
}

// The page's text as extracted under `rules_text`.
std::string text_under(std::string_view rules_text, std::string_view url) {
  auto rules = parse_site_rules(rules_text, "r");
  EXPECT_TRUE(rules.has_value()) << rules.error().message();
  ExtractOptions options;
  options.site_rules = &*rules;
  auto article = extract_article(kPage, url, "", options);
  EXPECT_TRUE(article.has_value());
  return article ? article->text : "";
}

TEST(SiteRulesTest, BodyRuleOverridesTheHeuristicsAndStripRulesApply) {
  auto without = extract_article(kPage, "https://council.example/bridge", "");
  ASSERT_TRUE(without.has_value());
  EXPECT_NE(without->text.find("forty years"), std::string::npos)
      << "the page must fool the heuristics for this test to mean anything:\n" << without->text;

  constexpr std::string_view kRules =
      "[council.example]\nbody: //div[@class='x1']\nstrip: //span[@class='promo-inline']\n";
  EXPECT_EQ(text_under(kRules, "https://www.council.example/bridge"),
            "The council approved the new bridge on Tuesday evening.");
  EXPECT_EQ(text_under(kRules, "https://elsewhere.example/bridge"), without->text)
      << "a rule for one host leaves others alone";
}

TEST(SiteRulesTest, StripIdOrClassMatchesWholeClassNames) {
  const std::string text = text_under(
      "[council.example]\nbody: //div[@class='x1']\nstrip_id_or_class: promo-inline\n", "https://council.example/bridge");
  EXPECT_EQ(text.find("Subscribe"), std::string::npos) << text;
  EXPECT_NE(text.find("approved"), std::string::npos) << text;
}

}  // namespace
}  // namespace newsvault::extract
