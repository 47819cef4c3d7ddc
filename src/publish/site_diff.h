// Private to the publish stage: what changed between two revisions of an
// article, as the site's changes page shows it.
//
//   article ─► paragraphs (lead caption, body blocks) ─► paragraph diff
//                                   changed runs ─► word diff ─► <del>/<ins>
#ifndef NEWSVAULT_PUBLISH_SITE_DIFF_H_
#define NEWSVAULT_PUBLISH_SITE_DIFF_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extract.h"

namespace newsvault::publish {

enum class EditKind { kKeep, kRemove, kAdd };

struct Edit {
  EditKind kind;
  std::size_t index;  // into the old sequence (kKeep, kRemove) or the new one (kAdd)
};

// A shortest edit script turning `before` into `after` (Myers, "An O(ND)
// Difference Algorithm and Its Variations", 1986): removals, additions and
// kept items in reading order, removals before additions where both
// replace the same run. nullopt when more than `max_edits` removals and
// additions are needed: the search costs O(max_edits^2) memory, so a
// rewrite beyond it is shown whole rather than searched.
std::optional<std::vector<Edit>> diff_sequences(const std::vector<std::string_view>& before,
                                                const std::vector<std::string_view>& after,
                                                std::size_t max_edits);

// Text split for a word diff: runs of letters and digits (any script
// written with spaces between words), runs of whitespace, and every other
// character on its own: each Han, kana or Hangul character and each
// punctuation mark, since CJK text has no spaces to find words by. The
// pieces concatenate back to `text`.
std::vector<std::string_view> diff_tokens(std::string_view text);

// The text a reader reads, one paragraph per block: the lead image's
// caption, then each block of the body (p, li, h1-h6, figcaption, ...),
// whitespace collapsed, empty ones left out.
std::vector<std::string> article_paragraphs(const extract::Article& article);

// HTML showing how `before` became `after`: each changed run of
// paragraphs with its words removed in <del> and added in <ins> (kept
// words plain, paragraph breaks as <br>), and how many unchanged
// paragraphs lie between. "" when the texts are the same.
std::string render_text_diff(const std::vector<std::string>& before,
                             const std::vector<std::string>& after);

// One line of text (a title) as a word diff in <del>/<ins>.
std::string render_line_diff(std::string_view before, std::string_view after);

// Text for HTML element content: & < > escaped.
std::string escape_html_text(std::string_view text);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_SITE_DIFF_H_
