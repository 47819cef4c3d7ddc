// The body rewrite shared by the adapters and the feed-entry path. The tree
// comes from core/html.h, so the body is read the way a browser reads it and
// written in the archive's one canonical form; only the images change shape.
#include "extract/body_html.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "core/core.h"

namespace newsvault::extract {
namespace {

using html::Node;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower_ascii(text[i]) != prefix[i]) return false;
  }
  return true;
}

bool is_http_url(std::string_view url) {
  return starts_with_ignoring_case(url, "http://") || starts_with_ignoring_case(url, "https://");
}

std::optional<std::string> absolute_http_url(std::string_view candidate, std::string_view base) {
  candidate = trim_ascii(candidate);
  if (candidate.empty()) return std::nullopt;
  std::string url;
  if (candidate.starts_with("//") && base.empty()) {
    url = "https:" +
          std::string(candidate);  // a scheme-relative address with nothing to inherit from
  } else {
    url = resolve_url(base, candidate);
  }
  if (!is_http_url(url)) return std::nullopt;
  return url;
}

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The candidate of a srcset a reader with the largest screen would get:
// the largest width descriptor ("a.jpg 480w, b.jpg 1080w" -> "b.jpg"), else
// the largest density ("a.jpg 1x, b.jpg 2x" -> "b.jpg"; none is 1x), the
// first on a tie. HTML §4.8.4.3.10 "parse a srcset attribute": a URL is a
// run of non-space characters, trailing commas ending the candidate; its
// descriptors run to the next comma. An SVG is no image the archive keeps
// (media.h), so it is passed over while another candidate is there.
std::string_view best_srcset_candidate(std::string_view srcset) {
  struct Candidate {
    std::string_view url;
    double width = 0;
    double density = 1;
  };
  std::vector<Candidate> candidates;
  std::size_t at = 0;
  while (at < srcset.size()) {
    while (at < srcset.size() && (is_html_space(srcset[at]) || srcset[at] == ',')) ++at;
    const std::size_t start = at;
    while (at < srcset.size() && !is_html_space(srcset[at])) ++at;
    Candidate candidate{srcset.substr(start, at - start)};
    if (candidate.url.empty()) break;
    bool ended = false;
    while (candidate.url.ends_with(',')) {
      candidate.url.remove_suffix(1);
      ended = true;
    }
    if (!ended) {
      const std::size_t comma = std::min(srcset.find(',', at), srcset.size());
      const std::string_view descriptors = trim_ascii(srcset.substr(at, comma - at));
      at = comma;
      if (descriptors.size() > 1) {
        const double value = std::atof(std::string(descriptors.substr(0, descriptors.size() - 1)).c_str());
        if (value > 0 && descriptors.back() == 'w') candidate.width = value;
        if (value > 0 && descriptors.back() == 'x') candidate.density = value;
      }
    }
    if (!candidate.url.empty()) candidates.push_back(candidate);
  }
  const auto is_svg = [](std::string_view url) {
    url = url.substr(0, std::min(url.find_first_of("?#"), url.size()));
    return url.size() >= 4 && lower_ascii(url.substr(url.size() - 4)) == ".svg";
  };
  const Candidate* best = nullptr;
  for (const Candidate& candidate : candidates) {
    if (best == nullptr || (is_svg(best->url) && !is_svg(candidate.url))) {
      best = &candidate;
      continue;
    }
    if (is_svg(candidate.url) && !is_svg(best->url)) continue;
    if (candidate.width > 0 || best->width > 0 ? candidate.width > best->width : candidate.density > best->density) {
      best = &candidate;
    }
  }
  return best == nullptr ? std::string_view() : best->url;
}

class BodyRewriter {
 public:
  explicit BodyRewriter(const BodyOptions& options) : options_(options) {}

  // Rewrites `nodes` into `out`. Inside a <figure>, images stay bare and
  // their captions go to `figure_captions`, for a figure without its own.
  void rewrite(std::vector<Node> nodes, std::vector<std::string>* figure_captions,
               std::vector<Node>& out) const {
    for (Node& node : nodes) {
      if (node.is_text()) {
        out.push_back(std::move(node));
      } else if (node.name == "img") {
        rewrite_image(node, figure_captions, out);
      } else if (node.name == "noscript") {
        // A browser running scripts does not show it; lazy-loading pages put
        // a second copy of their images there.
      } else if (node.name == "picture") {
        // The <img> is what every browser can show; <source> alternatives
        // would load unproxied addresses.
        std::vector<Node> kept;
        for (Node& child : node.children) {
          if (!child.is_element("source")) kept.push_back(std::move(child));
        }
        rewrite(std::move(kept), figure_captions, out);
      } else if (node.name == "figure") {
        rewrite_figure(std::move(node), out);
      } else {
        if (node.name == "a" && !options_.link_base.empty()) resolve_link(node);
        std::vector<Node> children;
        rewrite(std::move(node.children), figure_captions, children);
        node.children = std::move(children);
        out.push_back(std::move(node));
      }
    }
  }

 private:
  void rewrite_image(const Node& img, std::vector<std::string>* figure_captions,
                     std::vector<Node>& out) const {
    std::optional<Image> image = options_.resolve_image(img);
    if (!image || image->url.empty()) return;
    Node bare = Node::element("img", {{"src", image->url}});
    const std::string caption(trim_ascii(image->caption));
    if (figure_captions != nullptr) {
      if (!caption.empty()) figure_captions->push_back(caption);
      out.push_back(std::move(bare));
      return;
    }
    Node figure = Node::element("figure", {}, {std::move(bare)});
    if (!caption.empty()) {
      figure.children.push_back(Node::element("figcaption", {}, {Node::text_node(caption)}));
    }
    out.push_back(std::move(figure));
  }

  void rewrite_figure(Node figure, std::vector<Node>& out) const {
    std::vector<std::string> captions;
    std::vector<Node> children;
    rewrite(std::move(figure.children), &captions, children);
    bool has_caption = false;
    for (const Node& child : children) has_caption = has_caption || child.is_element("figcaption");
    if (!has_caption && !captions.empty()) {
      std::string caption = captions.front();
      for (std::size_t i = 1; i < captions.size(); ++i) caption += " " + captions[i];
      children.push_back(Node::element("figcaption", {}, {Node::text_node(std::move(caption))}));
    }
    figure.children = std::move(children);
    out.push_back(std::move(figure));
  }

  void resolve_link(Node& link) const {
    for (auto& [name, value] : link.attributes) {
      if (name != "href") continue;
      const std::string_view target = trim_ascii(value);
      // Fragment-only targets point into the article itself.
      if (target.empty() || target.starts_with('#')) continue;
      value = resolve_url(options_.link_base, target);
    }
  }

  const BodyOptions& options_;
};

}  // namespace

std::optional<std::string> image_address(const Node& img, std::string_view base) {
  const std::string* src = img.attribute("src");
  const bool src_usable = src != nullptr && !trim_ascii(*src).empty() &&
                          !starts_with_ignoring_case(trim_ascii(*src), "data:");
  if (!src_usable) {
    for (std::string_view lazy : {"data-src", "data-original", "data-lazy-src"}) {
      if (const std::string* value = img.attribute(lazy)) {
        if (auto url = absolute_http_url(*value, base)) return url;
      }
    }
  } else if (auto url = absolute_http_url(*src, base)) {
    return url;
  }
  if (const std::string* srcset = img.attribute("srcset")) {
    return absolute_http_url(best_srcset_candidate(*srcset), base);
  }
  return std::nullopt;
}

std::string rewrite_body(std::string_view html, const BodyOptions& options) {
  std::vector<Node> rewritten;
  BodyRewriter(options).rewrite(html::parse_fragment(html), nullptr, rewritten);
  return html::serialize(rewritten);
}

}  // namespace newsvault::extract
