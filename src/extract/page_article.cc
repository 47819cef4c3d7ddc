// extract_article: a web page's bytes to a PageArticle. Decoding, parsing,
// metadata, then the body: a site rule's when one matches, else the
// heuristics of main_content.h, strictest first, relaxed step by step (as
// Readability retries) while they find less than a short article's worth.
#include <libxml/HTMLtree.h>

#include <memory>

#include "extract/body_html.h"
#include "extract/extract.h"
#include "extract/main_content.h"
#include "extract/page_dom.h"
#include "extract/page_encoding.h"
#include "extract/page_metadata.h"
#include "extract/site_rules.h"

namespace newsvault::extract {
namespace {

struct XmlBufferFree {
  void operator()(xmlBuffer* buffer) const { xmlBufferFree(buffer); }
};

// Readability's charThreshold: an attempt finding fewer characters than
// this gives way to a more lenient one.
constexpr std::size_t kEnoughCharacters = 500;

std::size_t character_count(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// The content's children as HTML, for the canonical rewrite of body_html.h.
std::string inner_html(xmlDoc* doc, xmlNode* content) {
  std::unique_ptr<xmlBuffer, XmlBufferFree> buffer(xmlBufferCreate());
  if (!buffer) return "";
  for (xmlNode* child = content->children; child != nullptr; child = child->next) {
    htmlNodeDump(buffer.get(), doc, child);
  }
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer.get())),
                     static_cast<std::size_t>(xmlBufferLength(buffer.get())));
}

struct Attempt {
  PageDocument doc;
  xmlNode* content = nullptr;
  std::string text;
};

}  // namespace

Result<PageArticle> extract_article(std::string_view html_bytes, std::string_view page_url,
                                    std::string_view http_content_type,
                                    const ExtractOptions& options) {
  DecodedPage page = decode_page(html_bytes, http_content_type);
  PageDocument first = parse_page(page.utf8);
  if (!first || xmlDocGetRootElement(first.get()) == nullptr) {
    return make_error(ErrorCode::kParse, std::string(page_url) + ": no HTML in the page");
  }
  const PageMetadata metadata = read_metadata(first.get(), page_url);
  const SiteRule* rule = options.site_rules == nullptr ? nullptr : options.site_rules->find(metadata.url);
  if (rule == nullptr && options.site_rules != nullptr) rule = options.site_rules->find(page_url);

  Attempt best;
  auto try_flags = [&](PageDocument doc, const ContentFlags& flags) {
    prepare_page(doc.get(), metadata.base_url);
    if (rule != nullptr) apply_strip_rules(doc.get(), *rule);
    xmlNode* content = nullptr;
    if (rule != nullptr) content = apply_body_rule(doc.get(), *rule);
    // A site rule's body is the body, however short: no retry second-guesses it.
    const bool from_rule = content != nullptr;
    if (content == nullptr) content = find_main_content(doc.get(), flags, metadata.title);
    if (content == nullptr) return false;
    std::string text = plain_text(content);
    const bool enough = from_rule || character_count(text) >= kEnoughCharacters;
    if (best.doc == nullptr || character_count(text) > character_count(best.text)) {
      best = Attempt{std::move(doc), content, std::move(text)};
    }
    return enough;
  };
  const ContentFlags kAttempts[] = {{true, true, true}, {false, true, true}, {false, false, true},
                                    {false, false, false}};
  bool first_used = false;
  for (const ContentFlags& flags : kAttempts) {
    PageDocument doc = first_used ? parse_page(page.utf8) : std::move(first);
    first_used = true;
    if (try_flags(std::move(doc), flags)) break;
  }
  if (best.doc == nullptr) {
    return make_error(ErrorCode::kParse, std::string(page_url) + ": the page has no body");
  }

  PageArticle result;
  result.encoding = page.encoding;
  result.byline = metadata.byline;
  result.language = metadata.language;
  result.text = std::move(best.text);
  Article& article = result.article;
  article.title = metadata.title;
  article.url = metadata.url;
  article.published = metadata.published;
  if (!metadata.lead_image.empty()) article.lead_image = Image{metadata.lead_image, ""};

  BodyOptions body_options;
  body_options.link_base = metadata.base_url;
  body_options.resolve_image = [&](const html::Node& img) -> std::optional<Image> {
    if (auto address = image_address(img, metadata.base_url)) return Image{*address, ""};
    return std::nullopt;
  };
  article.body_html = rewrite_body(inner_html(best.doc.get(), best.content), body_options);
  return result;
}

}  // namespace newsvault::extract
