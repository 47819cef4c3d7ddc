// Articles from a feed entry's own content, for feeds without an adapter.
#include <optional>
#include <string>
#include <string_view>

#include "core/core.h"
#include "core/html.h"
#include "extract/body_html.h"
#include "extract/extract.h"

namespace newsvault::extract {
namespace {

bool is_image_type(std::string_view type) {
  type = trim_ascii(type);
  if (type.size() < 6) return false;
  return lower_ascii(type.substr(0, 6)) == "image/";
}

std::optional<Image> image_at(std::string_view url, std::string_view caption,
                              std::string_view base) {
  // Reuse the <img> rules: resolution against the entry and http(s) only.
  const html::Node img = html::Node::element("img", {{"src", std::string(url)}});
  auto address = image_address(img, base);
  if (!address) return std::nullopt;
  return Image{*address, std::string(trim_ascii(caption))};
}

// The lead image: the first image enclosure (RSS 2.0 <enclosure type="image/...">),
// else the first Media RSS content that is an image, else the first
// thumbnail (Media RSS: a thumbnail is always an image).
std::optional<Image> lead_image(const feed::Entry& entry) {
  for (const feed::Enclosure& enclosure : entry.enclosures) {
    if (!is_image_type(enclosure.type)) continue;
    if (auto image = image_at(enclosure.url, "", entry.link)) return image;
  }
  for (const feed::Media& media : entry.media) {
    if (media.kind != feed::Media::Kind::kContent) continue;
    if (media.medium != "image" && !is_image_type(media.type)) continue;
    if (auto image = image_at(media.url, media.description, entry.link)) return image;
  }
  for (const feed::Media& media : entry.media) {
    if (media.kind != feed::Media::Kind::kThumbnail) continue;
    if (auto image = image_at(media.url, media.description, entry.link)) return image;
  }
  return std::nullopt;
}

}  // namespace

Article article_from_entry(const feed::Entry& entry) {
  Article article;
  article.title = std::string(trim_ascii(entry.title));
  // The article's address is shown and followed (the document's header,
  // the feeds out, the site, a page fetch): a javascript:, data: or
  // vbscript: link, or a file: one that names a path here, is no address
  // of the story, and the article keeps none.
  article.url = std::string(trim_ascii(entry.link));
  if (!is_web_url(article.url)) article.url.clear();
  article.published = entry.published ? entry.published : entry.updated;

  BodyOptions options;
  options.link_base = article.url;
  options.resolve_image = [&](const html::Node& img) -> std::optional<Image> {
    if (auto address = image_address(img, article.url)) return Image{*address, ""};
    return std::nullopt;
  };
  const std::string& source = trim_ascii(entry.content).empty() ? entry.summary : entry.content;
  article.body_html = rewrite_body(source, options);

  article.lead_image = lead_image(entry);
  // Feeds often send the same picture as an enclosure and in the content;
  // the archive shows it once, where the content puts it.
  if (article.lead_image &&
      article.body_html.find("<img src=\"" + html::escape_attribute(article.lead_image->url) +
                             "\">") != std::string::npos) {
    article.lead_image.reset();
  }
  return article;
}

}  // namespace newsvault::extract
