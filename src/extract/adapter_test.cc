#include <gtest/gtest.h>

#include <string>

#include "extract/builtin_adapters.h"
#include "extract/extract.h"
#include "feed/feed.h"

namespace newsvault::extract {
namespace {

Adapter dw() {
  auto adapter = builtin_adapter("dw");
  EXPECT_TRUE(adapter.has_value()) << (adapter ? "" : adapter.error().message());
  return adapter ? *adapter : Adapter{};
}

std::string mapping_without(std::string_view text) {
  std::string mapping(*builtin_adapter_mapping("dw"));
  const auto at = mapping.find(text);
  EXPECT_NE(at, std::string::npos) << text;
  if (at != std::string::npos) mapping.erase(at, text.size());
  return mapping;
}

TEST(BuiltinAdapterTest, DwMappingHoldsTheFieldsOfTheSpec) {
  const Adapter adapter = dw();
  EXPECT_EQ(adapter.name, "dw");
  EXPECT_EQ(adapter.id_namespace, "http://rss.dw.com/syndication/dwsyn/");
  EXPECT_EQ(adapter.id_element, "contentID");
  EXPECT_EQ(adapter.article_api_template, "https://api.dw.com/api/detail/article/{id}");
  EXPECT_EQ(adapter.id_field, "id");
  EXPECT_EQ(adapter.title_field, "name");
  EXPECT_EQ(adapter.published_field, "displayDate");
  EXPECT_EQ(adapter.url_field, "canonicalUrl");
  EXPECT_EQ(adapter.body_field, "text");
  EXPECT_EQ(adapter.lead_image_id_field, "mainContentImageLink.targetId");
  EXPECT_EQ(adapter.lead_image_caption_field, "mainContentImageLink.description");
  EXPECT_EQ(adapter.inline_image_attribute, "data-id");
  EXPECT_EQ(adapter.content_links_field, "contentLinks");
  EXPECT_EQ(adapter.link_id_field, "targetId");
  EXPECT_EQ(adapter.link_caption_field, "description");
  EXPECT_EQ(adapter.image_url_template, "https://static.dw.com/image/{id}_{format}.jpg");
  EXPECT_EQ(adapter.image_format, "303");
}

TEST(BuiltinAdapterTest, UnknownNameIsNotFound) {
  auto adapter = builtin_adapter("bbc");
  ASSERT_FALSE(adapter.has_value());
  EXPECT_EQ(adapter.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(adapter.error().message().find("bbc"), std::string::npos);
}

TEST(ParseAdapterTest, NamesTheSourceAndTheMissingKey) {
  auto adapter = parse_adapter(mapping_without(R"("title": "name",)"), "adapters/dw.json");
  ASSERT_FALSE(adapter.has_value());
  EXPECT_EQ(adapter.error().code(), ErrorCode::kParse);
  EXPECT_EQ(adapter.error().message(), R"(adapters/dw.json: missing "fields.title")");
}

TEST(ParseAdapterTest, NamesAMissingObject) {
  std::string mapping(*builtin_adapter_mapping("dw"));
  mapping.replace(mapping.find("\"lead_image\""), 12, "\"leadImage\"");
  auto adapter = parse_adapter(mapping, "dw.json");
  ASSERT_FALSE(adapter.has_value());
  EXPECT_EQ(adapter.error().message(), R"(dw.json: missing "lead_image.id")");
}

TEST(ParseAdapterTest, NamesAMistypedKey) {
  std::string mapping(*builtin_adapter_mapping("dw"));
  mapping.replace(mapping.find("\"text\""), 6, "5");
  auto adapter = parse_adapter(mapping, "dw.json");
  ASSERT_FALSE(adapter.has_value());
  EXPECT_EQ(adapter.error().message(), R"(dw.json: "fields.body" is not a string)");
}

TEST(ParseAdapterTest, AcceptsTheImageFormatAsANumber) {
  std::string mapping(*builtin_adapter_mapping("dw"));
  mapping.replace(mapping.find("\"303\""), 5, "303");
  auto adapter = parse_adapter(mapping, "dw.json");
  ASSERT_TRUE(adapter.has_value()) << adapter.error().message();
  EXPECT_EQ(adapter->image_format, "303");
}

TEST(ParseAdapterTest, RequiresTheIdPlaceholderInTemplates) {
  std::string mapping(*builtin_adapter_mapping("dw"));
  mapping.replace(mapping.find("article/{id}"), 12, "article/");
  auto adapter = parse_adapter(mapping, "dw.json");
  ASSERT_FALSE(adapter.has_value());
  EXPECT_EQ(adapter.error().message(), R"(dw.json: "article_api" has no {id})");
}

TEST(ParseAdapterTest, RejectsTextThatIsNotJson) {
  auto adapter = parse_adapter("{\"name\": ", "dw.json");
  ASSERT_FALSE(adapter.has_value());
  EXPECT_EQ(adapter.error().code(), ErrorCode::kParse);
  EXPECT_TRUE(adapter.error().message().starts_with("dw.json: not JSON: "))
      << adapter.error().message();
}

TEST(AdapterArticleIdTest, ReadsContentIdByNamespaceNotPrefix) {
  // The id's element under another prefix, and a decoy under the usual
  // prefix bound to another namespace.
  auto parsed = feed::parse_feed(R"(<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:d="http://rss.dw.com/syndication/dwsyn/"
         xmlns:dwsyn="http://example.org/not-dw/">
  <channel rdf:about="https://www.dw.com/zh/s-9058"><title>DW</title>
    <link>https://www.dw.com/zh/s-9058</link><description>d</description></channel>
  <item rdf:about="https://www.dw.com/zh/title/a-65955570?maca=chi-rss-chi-all-1127-rdf">
    <title>t</title><link>https://www.dw.com/zh/title/a-65955570</link>
    <dwsyn:contentID>1</dwsyn:contentID>
    <d:contentID> 65955570 </d:contentID>
  </item>
</rdf:RDF>)",
                                 "https://rss.dw.com/rdf/rss-chi-all", "");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  ASSERT_EQ(parsed->entries.size(), 1u);
  EXPECT_EQ(adapter_article_id(dw(), parsed->entries[0]), "65955570");
}

TEST(AdapterArticleIdTest, EntryWithoutTheElementHasNoId) {
  feed::Entry entry;
  entry.extensions.push_back({"http://purl.org/dc/elements/1.1/", "contentID", "7", {}});
  EXPECT_EQ(adapter_article_id(dw(), entry), "");
}

TEST(AdapterArticleUrlTest, FillsTheApiTemplate) {
  EXPECT_EQ(adapter_article_url(dw(), "65955570"),
            "https://api.dw.com/api/detail/article/65955570");
}

TEST(AdapterArticleUrlTest, EncodesAnIdThatWouldChangeThePath) {
  EXPECT_EQ(adapter_article_url(dw(), "../../user?x=1"),
            "https://api.dw.com/api/detail/article/..%2F..%2Fuser%3Fx%3D1");
}

}  // namespace
}  // namespace newsvault::extract
