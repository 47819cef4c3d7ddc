// The archive document of one article (shared spec archive-format.md).
//
//   Article ──► header lines (archive time, [title](url), ------)
//           └─► <div><i><br>published</i></div> + lead image + body
//                                                        │
//   body_html ─► core/html parse ─► images proxied, captions styled,
//                                   loaders of other resources dropped ─► one line
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.h"
#include "clean/clean.h"
#include "core/html.h"
#include "publish/markdown.h"
#include "publish/publish.h"

namespace newsvault::publish {
namespace {

using html::Node;

// Elements whose whole subtree goes: they load resources from the source's
// own hosts (which a reader's network may block, and which would learn who
// reads the archive), run code, or are not part of what a reader reads.
constexpr std::string_view kDroppedElements[] = {
    "applet",   "audio",    "base",     "basefont", "bgsound", "button", "canvas", "embed",
    "frame",    "frameset", "iframe",   "input",    "link",    "math",   "meta",   "noembed",
    "noframes", "noscript", "object",   "param",    "portal",  "script", "select", "source",
    "style",    "svg",      "template", "textarea", "title",   "track",  "video"};

// Elements that go while their content stays: a <picture>'s <img> is the
// image; a <form> would post somewhere; a browser reads what follows <xmp>
// and <plaintext> as raw text, so they would show our markup as text.
constexpr std::string_view kUnwrappedElements[] = {"picture", "form", "xmp", "plaintext"};

// Attributes that make a browser fetch something.
constexpr std::string_view kLoadingAttributes[] = {
    "src",      "srcset", "lowsrc",     "dynsrc", "background", "poster", "data",
    "codebase", "action", "formaction", "ping",   "xlink:href", "srcdoc"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view name) {
  for (std::string_view item : list) {
    if (item == name) return true;
  }
  return false;
}

// A link target that runs code when followed. Browsers ignore tabs,
// newlines and leading controls in a scheme, so those are skipped first.
bool is_script_url(std::string_view url) {
  std::string scheme;
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20) continue;
    if (c == ':') break;
    scheme += lower_ascii(c);
    if (scheme.size() > 16) return false;
  }
  return scheme == "javascript" || scheme == "vbscript" || scheme == "data";
}

// Inline CSS that can load something (url(), image-set(), @import, old IE
// expression()/behavior) or hide it behind a CSS escape.
bool is_loading_style(std::string_view style) {
  const std::string lower = lower_ascii(style);
  for (std::string_view needle :
       {"url", "image", "@import", "expression", "behavior", "binding", "\\"}) {
    if (lower.find(needle) != std::string::npos) return true;
  }
  return false;
}

void filter_attributes(Node& element) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& [name, value] : element.attributes) {
    if (name.starts_with("on") || contains(kLoadingAttributes, name)) continue;
    if (name == "style" && is_loading_style(value)) continue;
    if ((name == "href" || name == "xlink:href") && is_script_url(value)) continue;
    kept.emplace_back(std::move(name), std::move(value));
  }
  element.attributes = std::move(kept);
}

// archive-format.md, "Images through the proxy".
std::optional<std::string> proxied_url(std::string_view url, const PublishOptions& options) {
  url = trim_ascii(url);
  std::string absolute(url);
  if (url.starts_with("//")) absolute = "https:" + absolute;
  const std::string encoded = percent_encode_url(absolute);
  const std::string lower = lower_ascii(encoded.substr(0, 8));
  std::string_view without_scheme = encoded;
  if (lower.starts_with("https://")) {
    without_scheme.remove_prefix(8);
  } else if (lower.starts_with("http://")) {
    without_scheme.remove_prefix(7);
  } else {
    return std::nullopt;  // no address a proxy can fetch
  }
  if (without_scheme.empty()) return std::nullopt;

  // One pass over the template, so an address holding "{url}" is not
  // substituted again.
  static constexpr std::string_view kWithoutScheme = "{url_without_scheme}";
  static constexpr std::string_view kUrl = "{url}";
  const std::string_view proxy = options.image_proxy;
  std::string out;
  for (std::size_t i = 0; i < proxy.size();) {
    if (proxy.substr(i).starts_with(kWithoutScheme)) {
      out += without_scheme;
      i += kWithoutScheme.size();
    } else if (proxy.substr(i).starts_with(kUrl)) {
      out += encode_uri_component(encoded);
      i += kUrl.size();
    } else {
      out += proxy[i++];
    }
  }
  return out;
}

Node proxied_image(std::string proxied) {
  return Node::element("img", {{"src", std::move(proxied)}, {"width", "100%"}});
}

// The address a page shows image `url` at: its local copy when the
// options hold one, else the proxy's; nullopt for neither.
std::optional<std::string> shown_url(std::string_view url, const PublishOptions& options) {
  if (options.local_images) {
    const auto local = options.local_images->find(std::string(trim_ascii(url)));
    if (local != options.local_images->end()) return options.local_image_base + local->second;
  }
  return proxied_url(url, options);
}

Node caption_block(std::vector<Node> caption) {
  return Node::element("div", {},
                       {Node::element("small", {{"style", "color: #999;"}}, std::move(caption))});
}

bool is_blank_caption(const std::vector<Node>& caption) {
  for (const Node& node : caption) {
    if (!trim_ascii(html::text_content(node)).empty()) return false;
  }
  return true;
}

class BodyRenderer {
 public:
  explicit BodyRenderer(const PublishOptions& options) : options_(options) {}

  void render(std::vector<Node> nodes, std::vector<Node>& out) const {
    for (Node& node : nodes) {
      if (node.is_text()) {
        out.push_back(std::move(node));
      } else if (contains(kDroppedElements, node.name)) {
        continue;
      } else if (node.name == "img") {
        // Whatever else the element carries (srcset, lazy-loading data-*)
        // goes: the proxied src is the only address a reader's browser sees.
        const std::string* src = node.attribute("src");
        if (src == nullptr) continue;
        if (auto shown = shown_url(*src, options_)) out.push_back(proxied_image(*shown));
      } else if (node.name == "figure") {
        render_figure(std::move(node), out);
      } else if (contains(kUnwrappedElements, node.name)) {
        render(std::move(node.children), out);
      } else {
        filter_attributes(node);
        std::vector<Node> children;
        render(std::move(node.children), children);
        node.children = std::move(children);
        out.push_back(std::move(node));
      }
    }
  }

 private:
  // <figure><img src><figcaption>C</figcaption></figure> becomes the
  // proxied image followed by C in the caption style, as the lead image is.
  void render_figure(Node figure, std::vector<Node>& out) const {
    std::vector<std::vector<Node>> captions;
    std::vector<Node> content;
    for (Node& child : figure.children) {
      if (child.is_element("figcaption")) {
        std::vector<Node> caption;
        render(std::move(child.children), caption);
        if (!is_blank_caption(caption)) captions.push_back(std::move(caption));
      } else {
        content.push_back(std::move(child));
      }
    }
    render(std::move(content), out);
    for (auto& caption : captions) out.push_back(caption_block(std::move(caption)));
  }

  const PublishOptions& options_;
};

std::string render_lead_image(const extract::Image& image, const PublishOptions& options) {
  const auto proxied = shown_url(image.url, options);
  if (!proxied) return {};
  std::vector<Node> nodes = {proxied_image(*proxied)};
  if (!trim_ascii(image.caption).empty()) {
    nodes.push_back(caption_block({Node::text_node(std::string(trim_ascii(image.caption)))}));
  }
  return html::serialize(nodes);
}

// A body the document shows byte for byte: clean and canonical, so that
// parsing and writing it back would give the same bytes (the cleaner's own
// one-scan check), and holding nothing the rendering rewrites: no image,
// figure or frame. The cleaner's allow-list has no attribute the rendering
// drops. Most text-only bodies are such, and skip a parse here.
bool shown_as_is(std::string_view body) {
  for (std::string_view rewritten : {"<img", "<fig", "<iframe"}) {
    if (body.find(rewritten) != std::string_view::npos) return false;
  }
  return clean::is_clean(body, clean::Options{});
}

}  // namespace

std::string render_article_html(const extract::Article& article, const PublishOptions& options) {
  std::string out;
  if (article.lead_image) out += render_lead_image(*article.lead_image, options);
  if (shown_as_is(article.body_html)) return out + article.body_html;
  std::vector<Node> body;
  BodyRenderer(options).render(html::parse_fragment(article.body_html), body);
  out += html::serialize(body);
  return out;
}

std::string render_document(const extract::Article& article, Timestamp archived_at,
                            const PublishOptions& options) {
  std::string document = "<!--";
  document += std::to_string(archived_at.time_since_epoch().count());
  document += "-->\n[";
  const std::string title = markdown_link_text(article.title);
  document += title.empty() ? markdown_link_text(article.url) : title;
  document += "](";
  document += markdown_link_destination(trim_ascii(article.url));
  document += ")\n------\n\n<div><i><br>";
  document += format_iso8601_millis(article.published.value_or(archived_at));
  document += "</i></div>";
  document += render_article_html(article, options);
  document += '\n';
  return document;
}

}  // namespace newsvault::publish
