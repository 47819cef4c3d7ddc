// plain_text (main_content.h): the body as a reader copies it, one
// paragraph per block and a blank line between paragraphs.
#include <algorithm>
#include <array>

#include "extract/main_content.h"

namespace newsvault::extract {
namespace {

bool is_block_for_text(std::string_view tag) {
  static constexpr std::array<std::string_view, 34> kBlocks = {
      "p",       "div",   "section", "article", "blockquote", "ul",     "ol",    "li",  "dl",
      "dt",      "dd",    "table",   "tr",      "h1",         "h2",     "h3",    "h4",  "h5",
      "h6",      "pre",   "figure",  "figcaption", "header",  "footer", "main",  "aside", "hr",
      "address", "center", "details", "summary", "caption",   "thead",  "tbody"};
  return std::ranges::find(kBlocks, tag) != kBlocks.end();
}

// Captions and credits stay in the body's HTML beside their images, but are
// not running text.
bool is_caption(const xmlNode* node) {
  const std::string_view tag = tag_of(node);
  if (tag == "figure" || tag == "figcaption") return true;
  const std::string hints = class_and_id(node);
  return contains_any(hints, {"caption", "credit"}) && text_length(node) < 400;
}

void append_text(const xmlNode* node, std::string& out, bool& pending_space) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE) {
      for (const xmlChar* c = child->content; c != nullptr && *c != 0; ++c) {
        const char ch = static_cast<char>(*c);
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
          pending_space = true;
          continue;
        }
        if (pending_space && !out.empty() && out.back() != '\n') out += ' ';
        pending_space = false;
        out += ch;
      }
      continue;
    }
    if (!is_element(child)) continue;
    const std::string_view tag = tag_of(child);
    if (is_caption(child)) continue;
    if (tag == "br") {
      if (!out.empty() && out.back() != '\n') out += '\n';
      pending_space = false;
      continue;
    }
    const bool block = is_block_for_text(tag) || tag == "td" || tag == "th";
    auto paragraph_break = [&] {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (out.empty()) return;
      if (tag == "td" || tag == "th") {
        if (out.back() != '\n') out += ' ';
        return;
      }
      if (!out.ends_with("\n\n")) out += out.back() == '\n' ? "\n" : "\n\n";
      pending_space = false;
    };
    if (block) paragraph_break();
    append_text(child, out, pending_space);
    if (block) paragraph_break();
  }
}

}  // namespace

std::string plain_text(const xmlNode* content) {
  std::string out;
  bool pending_space = false;
  append_text(content, out, pending_space);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace newsvault::extract
