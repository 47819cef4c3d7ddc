// Private to the extract stage: a source's body HTML rewritten into the
// article body (extract.h, Article::body_html): canonical, one line, every
// image in the <figure> form.
#ifndef NEWSVAULT_EXTRACT_BODY_HTML_H_
#define NEWSVAULT_EXTRACT_BODY_HTML_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/html.h"
#include "extract/extract.h"

namespace newsvault::extract {

// What an <img> stands for: its address and caption, or nullopt when it
// stands for nothing that can be shown (the element is dropped).
using ImageResolver = std::function<std::optional<Image>(const html::Node& img)>;

struct BodyOptions {
  ImageResolver resolve_image;
  // When not empty, relative link targets (<a href>) are resolved against it.
  std::string link_base;
};

// Parses `html` (core/html.h) and writes it back canonically, with each
// <img> replaced by <figure><img src="URL"><figcaption>CAPTION</figcaption></figure>
// (no figcaption without a caption; an <img> already inside a <figure> keeps
// that figure and becomes a bare <img src>). A <picture> gives way to its
// <img>; <noscript> is dropped, as a browser running scripts drops it.
std::string rewrite_body(std::string_view html, const BodyOptions& options);

// The first usable address of an <img>, resolved against `base`: a lazy
// loader's data-src (or data-original, data-lazy-src) when src is missing
// or a data: placeholder, else src, else srcset's first candidate. nullopt
// when the result is not an http(s) address.
std::optional<std::string> image_address(const html::Node& img, std::string_view base);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_BODY_HTML_H_
