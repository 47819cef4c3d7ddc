// What changed between two revisions: a paragraph diff, then a word diff
// inside each changed run of paragraphs.
#include "publish/site_diff.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/html.h"

namespace newsvault::publish {
namespace {

using html::Node;

// Bounds on the edit search (see diff_sequences): an article rewritten
// beyond them is shown as removed and added whole.
constexpr std::size_t kMaxParagraphEdits = 1000;
constexpr std::size_t kMaxWordEdits = 1500;

// Elements that start and end a paragraph of text (HTML Living Standard
// §15.3.3, the ones rendered as blocks), and <br>.
constexpr std::string_view kBlockElements[] = {
    "address", "article", "aside",  "blockquote", "br",     "dd",     "details", "div",
    "dl",      "dt",      "figcaption", "figure", "footer", "h1",     "h2",      "h3",
    "h4",      "h5",      "h6",     "header",     "hr",     "li",     "main",    "ol",
    "p",       "pre",     "section", "table",     "td",     "th",     "tr",      "ul"};

bool is_block(std::string_view name) {
  return std::ranges::find(kBlockElements, name) != std::end(kBlockElements);
}

// Not a code point: what a byte that starts no valid UTF-8 sequence reads as.
constexpr char32_t kInvalid = 0x110000;

// The code point at text[at] and its length in bytes; a byte that starts
// no valid UTF-8 sequence reads as kInvalid, one byte long.
std::pair<char32_t, std::size_t> decode_at(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || at + length > text.size()) return {kInvalid, 1};
  char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if ((next & 0xC0) != 0x80) return {kInvalid, 1};
    code_point = (code_point << 6) | (next & 0x3F);
  }
  return {code_point, length};
}

// Scripts written without spaces between words, where each character is
// the unit of change: Hangul Jamo, CJK radicals to the unified ideographs
// (kana, bopomofo, CJK punctuation among them), Hangul syllables, CJK
// compatibility ideographs and forms, half- and full-width forms, and the
// supplementary ideograph planes.
bool is_cjk(char32_t c) {
  return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0x9FFF) ||
         (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

enum class TokenClass { kWord, kSpace, kAlone };

TokenClass token_class(char32_t c) {
  if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') return TokenClass::kSpace;
  if (c < 0x80) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alnum ? TokenClass::kWord : TokenClass::kAlone;
  }
  // Latin-1 punctuation and symbols, general punctuation: marks, not letters.
  if (c >= kInvalid || c < 0xC0 || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F)) return TokenClass::kAlone;
  return is_cjk(c) ? TokenClass::kAlone : TokenClass::kWord;
}

class ParagraphCollector {
 public:
  void add(const std::vector<Node>& nodes) {
    for (const Node& node : nodes) {
      if (node.is_text()) {
        current_ += node.text;
      } else if (is_block(node.name)) {
        flush();
        add(node.children);
        flush();
      } else {
        add(node.children);
      }
    }
  }

  void add_text(std::string_view text) {
    current_ += text;
    flush();
  }

  std::vector<std::string> take() {
    flush();
    return std::move(paragraphs_);
  }

 private:
  // Collapses whitespace as a browser renders it.
  void flush() {
    std::string collapsed;
    bool space = false;
    for (char c : current_) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        space = !collapsed.empty();
      } else {
        if (space) collapsed += ' ';
        space = false;
        collapsed += c;
      }
    }
    if (!collapsed.empty()) paragraphs_.push_back(std::move(collapsed));
    current_.clear();
  }

  std::string current_;
  std::vector<std::string> paragraphs_;
};

// Text escaped for HTML, each paragraph break ("\n") as <br>.
std::string escape_with_breaks(std::string_view text) {
  std::string out;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (start > 0) out += "<br>";
    out += escape_html_text(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The word diff of `before` and `after` as HTML: runs of one kind joined,
// removed in <del>, added in <ins>.
std::string render_word_diff(std::string_view before, std::string_view after) {
  const std::vector<std::string_view> old_tokens = diff_tokens(before);
  const std::vector<std::string_view> new_tokens = diff_tokens(after);
  const auto edits = diff_sequences(old_tokens, new_tokens, kMaxWordEdits);
  if (!edits) {
    std::string out;
    if (!before.empty()) out += "<del>" + escape_with_breaks(before) + "</del>";
    if (!after.empty()) out += "<ins>" + escape_with_breaks(after) + "</ins>";
    return out;
  }
  std::string out;
  std::string run;
  EditKind run_kind = EditKind::kKeep;
  auto close_run = [&] {
    if (run.empty()) return;
    const std::string escaped = escape_with_breaks(run);
    if (run_kind == EditKind::kKeep) out += escaped;
    if (run_kind == EditKind::kRemove) out += "<del>" + escaped + "</del>";
    if (run_kind == EditKind::kAdd) out += "<ins>" + escaped + "</ins>";
    run.clear();
  };
  for (const Edit& edit : *edits) {
    if (edit.kind != run_kind) close_run();
    run_kind = edit.kind;
    run += edit.kind == EditKind::kAdd ? new_tokens[edit.index] : old_tokens[edit.index];
  }
  close_run();
  return out;
}

std::string join_paragraphs(const std::vector<std::string_view>& paragraphs) {
  std::string joined;
  for (std::string_view paragraph : paragraphs) {
    if (!joined.empty()) joined += '\n';
    joined += paragraph;
  }
  return joined;
}

std::string unchanged_note(std::size_t count) {
  return "<p class=\"unchanged\">" + std::to_string(count) +
         (count == 1 ? " unchanged paragraph" : " unchanged paragraphs") + "</p>";
}

}  // namespace

std::optional<std::vector<Edit>> diff_sequences(const std::vector<std::string_view>& before,
                                                const std::vector<std::string_view>& after,
                                                std::size_t max_edits) {
  // Items compared as numbers: equal strings, equal ids.
  std::vector<std::int32_t> a;
  std::vector<std::int32_t> b;
  {
    std::unordered_map<std::string_view, std::int32_t> ids;
    auto id_of = [&](std::string_view item) {
      return ids.try_emplace(item, static_cast<std::int32_t>(ids.size())).first->second;
    };
    for (std::string_view item : before) a.push_back(id_of(item));
    for (std::string_view item : after) b.push_back(id_of(item));
  }
  const auto n = static_cast<std::int64_t>(a.size());
  const auto m = static_cast<std::int64_t>(b.size());
  const std::int64_t limit = std::min<std::int64_t>(n + m, static_cast<std::int64_t>(max_edits));

  // v[k + offset]: the furthest x reached on diagonal k = x - y. trace[d]
  // keeps v over k in [-d-1, d+1] as it was before step d, which is all
  // the backtracking needs.
  const std::int64_t offset = limit + 1;
  std::vector<std::int64_t> v(static_cast<std::size_t>(2 * offset + 1), 0);
  std::vector<std::vector<std::int32_t>> trace;
  auto at = [&](std::vector<std::int64_t>& values, std::int64_t k) -> std::int64_t& {
    return values[static_cast<std::size_t>(k + offset)];
  };
  std::optional<std::int64_t> found_cost;
  for (std::int64_t d = 0; d <= limit && !found_cost; ++d) {
    trace.emplace_back(v.begin() + (offset - d - 1), v.begin() + (offset + d + 2));
    for (std::int64_t k = -d; k <= d; k += 2) {
      std::int64_t x = (k == -d || (k != d && at(v, k - 1) < at(v, k + 1))) ? at(v, k + 1)
                                                                             : at(v, k - 1) + 1;
      std::int64_t y = x - k;
      while (x < n && y < m && a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) {
        ++x;
        ++y;
      }
      at(v, k) = x;
      if (x >= n && y >= m) {
        found_cost = d;
        break;
      }
    }
  }
  if (!found_cost) return std::nullopt;

  std::vector<Edit> reversed;
  std::int64_t x = n;
  std::int64_t y = m;
  for (std::int64_t d = *found_cost; d >= 0; --d) {
    const std::vector<std::int32_t>& before_step = trace[static_cast<std::size_t>(d)];
    auto previous = [&](std::int64_t k) { return before_step[static_cast<std::size_t>(k + d + 1)]; };
    const std::int64_t k = x - y;
    const std::int64_t previous_k =
        (k == -d || (k != d && previous(k - 1) < previous(k + 1))) ? k + 1 : k - 1;
    const std::int64_t previous_x = previous(previous_k);
    const std::int64_t previous_y = previous_x - previous_k;
    while (x > previous_x && y > previous_y) {
      --x;
      --y;
      reversed.push_back({EditKind::kKeep, static_cast<std::size_t>(x)});
    }
    if (d > 0) {
      if (x == previous_x) {
        reversed.push_back({EditKind::kAdd, static_cast<std::size_t>(previous_y)});
      } else {
        reversed.push_back({EditKind::kRemove, static_cast<std::size_t>(previous_x)});
      }
    }
    x = previous_x;
    y = previous_y;
  }
  std::vector<Edit> edits(reversed.rbegin(), reversed.rend());
  // Within a run of changes, removals first: "<del>old</del><ins>new</ins>"
  // reads as a replacement.
  for (std::size_t start = 0; start < edits.size();) {
    std::size_t end = start;
    while (end < edits.size() && edits[end].kind != EditKind::kKeep) ++end;
    std::stable_partition(edits.begin() + static_cast<std::ptrdiff_t>(start),
                          edits.begin() + static_cast<std::ptrdiff_t>(end),
                          [](const Edit& edit) { return edit.kind == EditKind::kRemove; });
    start = end + 1;
  }
  return edits;
}

std::vector<std::string_view> diff_tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto [first, first_length] = decode_at(text, at);
    const TokenClass kind = token_class(first);
    std::size_t end = at + first_length;
    if (kind != TokenClass::kAlone) {
      while (end < text.size()) {
        const auto [next, next_length] = decode_at(text, end);
        if (token_class(next) != kind) break;
        end += next_length;
      }
    }
    tokens.push_back(text.substr(at, end - at));
    at = end;
  }
  return tokens;
}

std::vector<std::string> article_paragraphs(const extract::Article& article) {
  ParagraphCollector collector;
  if (article.lead_image) collector.add_text(article.lead_image->caption);
  collector.add(html::parse_fragment(article.body_html));
  return collector.take();
}

std::string render_text_diff(const std::vector<std::string>& before,
                             const std::vector<std::string>& after) {
  const std::vector<std::string_view> old_paragraphs(before.begin(), before.end());
  const std::vector<std::string_view> new_paragraphs(after.begin(), after.end());
  std::vector<Edit> edits;
  if (auto found = diff_sequences(old_paragraphs, new_paragraphs, kMaxParagraphEdits)) {
    edits = std::move(*found);
  } else {
    for (std::size_t i = 0; i < before.size(); ++i) edits.push_back({EditKind::kRemove, i});
    for (std::size_t i = 0; i < after.size(); ++i) edits.push_back({EditKind::kAdd, i});
  }
  if (std::ranges::all_of(edits, [](const Edit& edit) { return edit.kind == EditKind::kKeep; })) {
    return {};
  }

  std::string out;
  std::size_t kept = 0;
  std::vector<std::string_view> removed;
  std::vector<std::string_view> added;
  auto close_change = [&] {
    if (removed.empty() && added.empty()) return;
    if (kept > 0) out += unchanged_note(kept);
    kept = 0;
    out += "<p class=\"change\">" + render_word_diff(join_paragraphs(removed), join_paragraphs(added)) + "</p>";
    removed.clear();
    added.clear();
  };
  for (const Edit& edit : edits) {
    switch (edit.kind) {
      case EditKind::kKeep:
        close_change();
        ++kept;
        break;
      case EditKind::kRemove: removed.push_back(old_paragraphs[edit.index]); break;
      case EditKind::kAdd: added.push_back(new_paragraphs[edit.index]); break;
    }
  }
  close_change();
  if (kept > 0) out += unchanged_note(kept);
  return out;
}

std::string render_line_diff(std::string_view before, std::string_view after) {
  return render_word_diff(before, after);
}

std::string escape_html_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace newsvault::publish
