// clean: the one allow-list sanitizer every archived body passes through.
//
// An article body comes from a site we do not control (a feed's content, a
// site's API, an extracted page). Before it reaches the archive it is
// reduced to what an article needs: text, paragraphs, headings, lists,
// quotes, figures and images, links, tables, code, and the inline elements
// that mark up text. Everything else goes: scripts and style sheets, event
// handlers, styles, forms, frames (except embeds from an allow-listed set of
// video hosts), <object>/<embed>, <base>, <meta>, <link>, SVG and MathML,
// and every URL whose scheme is not http(s) (mailto: and tel: for links,
// and data: for raster images). Relative URLs become absolute against the
// page's address. docs/internals/clean.md lists what is allowed and why.
//
// Works on the tree of core/html.h, so a caller that already holds a tree
// pays for no second parse. The string form returns a body that is already
// clean and canonical after one scan, without a parse; anything else it
// parses once and writes in the canonical one-line form of core/html.h.
//
// Guarantees: the output has only allow-listed elements and attributes,
// and sanitizing it again gives it back unchanged (a fixed point), so a
// body that is already clean and canonical passes through byte for byte.
//
// Pure functions over values: thread-safe.
#ifndef NEWSVAULT_CLEAN_CLEAN_H_
#define NEWSVAULT_CLEAN_CLEAN_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/html.h"

namespace newsvault::clean {

struct Options {
  // The page's address: relative URLs are resolved against it. When empty,
  // relative URLs are kept relative (they can name no other scheme).
  std::string base_url;
  // Hosts whose https:// pages may stay embedded as <iframe> (exact host
  // names, lower case; compared after lower-casing the frame's host). Every
  // other frame is dropped with its content.
  std::vector<std::string> iframe_hosts = default_iframe_hosts();

  // YouTube (and its no-cookie domain), Vimeo, Dailymotion.
  static std::vector<std::string> default_iframe_hosts();
};

// Sanitizes `nodes` in place: elements off the allow list are dropped with
// their content (scripts, frames, forms' controls, embedded documents) or
// give way to their content (unknown wrappers such as <font> or <center>);
// attributes off the allow list go; URLs are resolved and checked. Never
// fails: the worst input becomes an empty tree.
void sanitize(std::vector<html::Node>& nodes, const Options& options);

// The same as parsing `html` as a fragment (html::parse_fragment),
// sanitizing the tree and writing it back canonically (html::serialize);
// when `html` is already that output it is returned after one scan, with no
// parse. Never fails.
std::string sanitize(std::string_view html, const Options& options);

// sanitize() of `html`, in place: a body that is already clean (most are)
// is left where it is, with no copy.
void sanitize_in_place(std::string& html, const Options& options);

// Whether `html` is already what sanitize() writes for it, judged by that
// one scan alone: when true, parsing it and writing it back gives the same
// bytes. False means "not known to be", never "unsafe".
bool is_clean(std::string_view html, const Options& options);

// The URL as a browser would follow it from an attribute value, when it is
// safe to keep: leading and trailing C0 controls and spaces stripped, tabs
// and newlines removed (WHATWG URL Standard, "basic URL parser"), resolved
// against `base_url`, and then only http(s), mailto: and tel: addresses,
// or, with `image` set, http(s) and data: URLs of raster images
// (PNG, JPEG, GIF, WebP, AVIF, BMP). Returns "" when the URL must go.
std::string safe_url(std::string_view value, std::string_view base_url, bool image);

}  // namespace newsvault::clean

#endif  // NEWSVAULT_CLEAN_CLEAN_H_
