// Private to the clean tests and fuzz/sanitize_fuzzer (header only, so that
// it is compiled into them and not into the stage): an independent judge of
// sanitizer output.
// It does not share the sanitizer's tables: it says what must never appear,
// in the words of the attacks, so that a mistake in a table is caught here.
#ifndef NEWSVAULT_CLEAN_SAFETY_JUDGE_H_
#define NEWSVAULT_CLEAN_SAFETY_JUDGE_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "clean/clean.h"
#include "core/html.h"

namespace newsvault::clean::testing {
namespace judge {

// Elements that run code, load documents or plug-ins, submit data, change
// how the page is read (base, meta, link), or switch the parser into
// another language or raw text.
constexpr std::string_view kForbiddenElements[] = {
    "script", "style",   "iframe",   "frame",   "frameset", "object",   "embed",   "applet",
    "param",  "svg",     "math",     "form",    "input",    "button",   "select",  "textarea",
    "option", "base",    "meta",     "link",    "noscript", "template", "xmp",     "plaintext",
    "noembed", "noframes", "title",  "head",    "html",     "body",     "mglyph",  "malignmark",
    "mtext",  "foreignobject", "use", "animate", "set",     "isindex",  "keygen",  "portal",
    "video",  "audio",   "source",   "track",   "canvas",   "marquee",  "bgsound", "listing"};

// Attributes that run code, load documents, style or name things.
constexpr std::string_view kForbiddenAttributes[] = {
    "style",  "srcdoc", "formaction", "action", "xlink:href", "background", "dynsrc", "lowsrc",
    "poster", "data",   "codebase",   "classid", "srcset",    "ping",       "target", "id",
    "name",   "class",  "is",         "href:xlink", "xmlns",  "content",    "http-equiv"};

// Attributes whose value a browser follows as a URL.
constexpr std::string_view kUrlAttributes[] = {"href", "src", "cite", "action", "formaction",
                                               "background", "poster", "longdesc", "usemap"};

inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The URL as a browser reads the scheme: whitespace and controls at the
// ends stripped, tabs and newlines (and, to be strict, every control and
// space) removed, lower case.
inline std::string browser_scheme_text(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) continue;
    out += c;
  }
  return lower(out);
}

inline bool is_raster_image_data(std::string_view url) {
  for (std::string_view type : {"data:image/png", "data:image/jpeg", "data:image/gif",
                                "data:image/webp", "data:image/avif", "data:image/bmp"}) {
    if (url.starts_with(type) && url.size() > type.size() &&
        (url[type.size()] == ';' || url[type.size()] == ',')) {
      return true;
    }
  }
  return false;
}

inline void check(const html::Node& node, std::vector<std::string>& findings) {
  if (node.is_text()) return;
  const std::string name = lower(node.name);
  if (std::ranges::find(kForbiddenElements, name) != std::end(kForbiddenElements)) {
    if (name != "iframe" || node.attributes.empty()) findings.push_back("element <" + name + ">");
  }
  if (name == "iframe") {
    const std::string* src = node.attribute("src");
    // Schemes are case-insensitive (RFC 3986 §3.1): "httpS://" is https.
    if (src == nullptr || !lower(*src).starts_with("https://") || !node.children.empty()) {
      findings.push_back("iframe without an https source, or with content");
    }
  }
  for (const auto& [attribute_name, value] : node.attributes) {
    const std::string attribute = lower(attribute_name);
    if (attribute.starts_with("on")) {
      findings.push_back("attribute " + attribute + " on <" + name + ">");
    }
    if (std::ranges::find(kForbiddenAttributes, attribute) != std::end(kForbiddenAttributes) ||
        attribute.find(':') != std::string::npos) {
      findings.push_back("attribute " + attribute + " on <" + name + ">");
    }
    if (std::ranges::find(kUrlAttributes, attribute) == std::end(kUrlAttributes)) continue;
    const std::string url = browser_scheme_text(value);
    const bool image_data = name == "img" && attribute == "src" && is_raster_image_data(url);
    for (std::string_view scheme : {"javascript:", "vbscript:", "data:", "livescript:", "file:",
                                    "jar:", "view-source:", "blob:", "filesystem:"}) {
      if (url.starts_with(scheme) && !image_data) {
        findings.push_back(attribute + " " + value + " on <" + name + ">");
      }
    }
  }
  for (const html::Node& child : node.children) check(child, findings);
}

}  // namespace judge

// What is wrong with a sanitized tree, one line per finding ("element
// <script>", "attribute onerror on <img>", "href javascript:... on <a>");
// empty when nothing is.
inline std::vector<std::string> safety_findings(const std::vector<html::Node>& nodes) {
  std::vector<std::string> findings;
  for (const html::Node& node : nodes) judge::check(node, findings);
  return findings;
}

// The findings of the output read back by the parser (what the archive's
// next reader sees), plus "not a fixed point" when sanitizing the output
// again changes it.
inline std::vector<std::string> output_findings(const std::string& output) {
  std::vector<std::string> findings = safety_findings(html::parse_fragment(output));
  Options options;
  options.base_url = "https://example.com/news/story.html";
  const std::string again = sanitize(output, options);
  if (again != output) findings.push_back("not a fixed point: " + output + " -> " + again);
  return findings;
}

}  // namespace newsvault::clean::testing

#endif  // NEWSVAULT_CLEAN_SAFETY_JUDGE_H_
