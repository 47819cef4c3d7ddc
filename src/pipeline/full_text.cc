#include "pipeline/full_text.h"

#include <array>
#include <cstdlib>
#include <string>

#include "core/core.h"
#include "core/html.h"

namespace newsvault::pipeline {
namespace {

// Han ideographs (with extensions and compatibility forms) and kana: the
// scripts written without spaces between words. Hangul is written with
// spaces, so it counts by words.
bool is_cjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x2FFFF);
}

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Spaces and punctuation: what ends a word.
bool is_separator(char32_t c) {
  if (c < 0x80) return !is_ascii_alnum(c) && c != '\'' && c != '-';
  return (c >= 0x80 && c <= 0xBF) || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
         (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

std::string_view trim_spaces(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// What a teaser's last link says in the languages newsvault's feeds come
// in; matched at the start of the link's text ("Read more »", WordPress's
// "Continue reading <title>").
constexpr std::array<std::string_view, 22> kReadMore = {
    "read more",     "read the full", "read full",      "continue reading", "keep reading",
    "more…",         "more...",       "full story",     "weiterlesen",      "mehr lesen",
    "lire la suite", "leer más",      "seguir leyendo", "leia mais",        "continua a leggere",
    "читать далее",  "阅读全文",      "閱讀全文",       "查看全文",         "阅读更多",
    "閱讀更多",      "続きを読む"};

// The character an entity stands for, as far as measuring needs: numeric
// references decoded, the punctuation a teaser ends with named, any other
// name a letter.
char32_t entity_character(std::string_view name) {
  if (name.starts_with('#')) {
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const unsigned long value =
        std::strtoul(std::string(name.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
    return value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)
               ? U'\uFFFD'
               : static_cast<char32_t>(value);
  }
  if (name == "nbsp") return 0xA0;
  if (name == "hellip") return 0x2026;
  if (name == "amp") return '&';
  if (name == "lt") return '<';
  if (name == "gt") return '>';
  if (name == "quot") return '"';
  if (name == "raquo") return 0xBB;
  if (name == "laquo") return 0xAB;
  if (name == "mdash") return 0x2014;
  if (name == "ndash") return 0x2013;
  return 'a';
}

class TextScanner {
 public:
  TextMeasure scan(std::string_view html) {
    std::size_t at = 0;
    while (at < html.size()) {
      const char c = html[at];
      if (c == '<') {
        at = skip_tag(html, at);
      } else if (c == '&') {
        const std::size_t end = html.find(';', at + 1);
        if (end != std::string_view::npos && end - at <= 10) {
          visit(entity_character(html.substr(at + 1, end - at - 1)));
          at = end + 1;
        } else {
          visit('&');
          ++at;
        }
      } else {
        const Utf8Char decoded = decode_utf8(html.substr(at));
        visit(decoded.length == 0 ? U'\uFFFD' : decoded.code_point);
        at += decoded.length == 0 ? 1 : decoded.length;
      }
    }
    end_word();
    finish();
    return measure_;
  }

 private:
  // Past the tag (or comment) starting at `at`; script and style contents
  // are skipped whole. Every tag ends a word.
  std::size_t skip_tag(std::string_view html, std::size_t at) {
    end_word();
    append(' ');
    if (html.substr(at).starts_with("<!--")) {
      const std::size_t end = html.find("-->", at + 4);
      return end == std::string_view::npos ? html.size() : end + 3;
    }
    const bool closing = at + 1 < html.size() && html[at + 1] == '/';
    std::size_t name_start = at + (closing ? 2 : 1);
    std::size_t name_end = name_start;
    while (name_end < html.size() && is_ascii_alnum(static_cast<unsigned char>(html[name_end])))
      ++name_end;
    const std::string name = lower_ascii(html.substr(name_start, name_end - name_start));
    // The tag ends at the first '>' outside a quoted attribute value.
    std::size_t end = name_end;
    char quote = 0;
    for (; end < html.size(); ++end) {
      if (quote != 0) {
        if (html[end] == quote) quote = 0;
      } else if (html[end] == '"' || html[end] == '\'') {
        quote = html[end];
      } else if (html[end] == '>') {
        break;
      }
    }
    end = end == html.size() ? end : end + 1;
    if (!closing && (name == "script" || name == "style")) {
      const std::string lower = lower_ascii(html.substr(end));
      const std::size_t close = lower.find("</" + name);
      if (close == std::string::npos) return html.size();
      const std::size_t close_end = html.find('>', end + close);
      return close_end == std::string_view::npos ? html.size() : close_end + 1;
    }
    if (name == "a") {
      if (!closing) {
        in_link_ = true;
        link_seen_ = true;
        text_after_link_ = false;
        link_text_.clear();
      } else {
        in_link_ = false;
      }
    }
    return end;
  }

  void visit(char32_t c) {
    if (is_cjk(c)) {
      end_word();
      ++measure_.cjk_characters;
      saw_text();
    } else if (is_separator(c)) {
      end_word();
    } else {
      in_word_ = true;
      if (c >= 0x80 || is_ascii_alnum(c)) word_has_letter_ = true;
    }
    std::string encoded;
    append_utf8(c == 0xA0 ? U' ' : c, encoded);
    for (char byte : encoded) append(byte);
  }

  void end_word() {
    if (in_word_ && word_has_letter_) {
      ++measure_.words;
      saw_text();
    }
    in_word_ = false;
    word_has_letter_ = false;
  }

  void saw_text() {
    if (link_seen_ && !in_link_) text_after_link_ = true;
  }

  // The last bytes of the text (spaces collapsed), and the last link's.
  void append(char byte) {
    const bool space = byte == ' ' || byte == '\n' || byte == '\t' || byte == '\r';
    if (space && (tail_.empty() || tail_.back() == ' ')) return;
    tail_ += space ? ' ' : byte;
    if (tail_.size() > 96) tail_.erase(0, tail_.size() - 64);
    if (in_link_ && link_text_.size() < 64 && !(space && link_text_.empty()))
      link_text_ += space ? ' ' : byte;
  }

  void finish() {
    std::string_view tail = trim_spaces(tail_);
    while (!tail.empty() && (tail.back() == ']' || tail.back() == ')' || tail.back() == ' ')) {
      tail.remove_suffix(1);
    }
    measure_.ends_with_ellipsis = tail.ends_with("…") || tail.ends_with("...");
    if (link_seen_ && !text_after_link_) {
      const std::string said = lower_ascii(trim_spaces(link_text_));
      for (std::string_view phrase : kReadMore) {
        if (said.starts_with(phrase)) measure_.ends_with_read_more = true;
      }
    }
  }

  TextMeasure measure_;
  bool in_word_ = false;
  bool word_has_letter_ = false;
  bool in_link_ = false;
  bool link_seen_ = false;
  bool text_after_link_ = false;  // letters after the last link closed
  std::string tail_;
  std::string link_text_;
};

}  // namespace

TextMeasure measure_text(std::string_view html) { return TextScanner().scan(html); }

bool wants_page(FullText mode, std::string_view link, const TextMeasure& measure) {
  const std::string scheme = lower_ascii(link.substr(0, 8));
  if (!scheme.starts_with("http://") && !scheme.starts_with("https://")) return false;
  switch (mode) {
    case FullText::kNever:
      return false;
    case FullText::kAlways:
      return true;
    case FullText::kAuto:
      break;
  }
  const double size = measure.size();
  if (size < kTeaserWords) return true;
  return (measure.ends_with_ellipsis || measure.ends_with_read_more) && size < kCutShortWords;
}

std::string_view entry_text(const feed::Entry& entry) {
  return trim_spaces(entry.content).empty() ? std::string_view(entry.summary)
                                            : std::string_view(entry.content);
}

extract::Article article_from_page(const extract::Article& from_entry, extract::PageArticle page) {
  extract::Article article = std::move(page.article);
  article.source_id = from_entry.source_id;
  if (!from_entry.title.empty()) article.title = from_entry.title;
  if (!from_entry.url.empty()) article.url = from_entry.url;
  if (from_entry.published) article.published = from_entry.published;
  if (from_entry.lead_image) article.lead_image = from_entry.lead_image;
  // A page's og:image is most often its first picture too: shown once,
  // where the body puts it (as article_from_entry does for enclosures).
  if (article.lead_image &&
      article.body_html.find("<img src=\"" + html::escape_attribute(article.lead_image->url) +
                             "\"") != std::string::npos) {
    article.lead_image.reset();
  }
  return article;
}

bool is_web_page(std::string_view content_type) {
  const std::string type = lower_ascii(trim_spaces(content_type.substr(0, content_type.find(';'))));
  return type.empty() || type == "text/html" || type == "application/xhtml+xml";
}

}  // namespace newsvault::pipeline
