// Private to the pipeline: whether a feed entry is only a teaser of its web
// page, and how the page's article takes the entry's place ([feeds.NAME]
// full_text, docs/internals/pipeline.md).
#ifndef NEWSVAULT_PIPELINE_FULL_TEXT_H_
#define NEWSVAULT_PIPELINE_FULL_TEXT_H_

#include <cstddef>
#include <string_view>

#include "extract/extract.h"
#include "feed/feed.h"
#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// Under this many words an entry is a teaser: a feed's summary runs to a
// sentence or two (WordPress cuts its excerpts at 55 words), a news story to
// several hundred words.
inline constexpr double kTeaserWords = 150;
// An entry ending in an ellipsis or a "Read more" link is a teaser up to
// this many words; beyond it, the feed gives the article and the ending is
// the article's own.
inline constexpr double kCutShortWords = 1000;

// How much readable text an HTML body holds, and how it ends.
struct TextMeasure {
  std::size_t words = 0;            // runs of letters or digits outside the scripts below
  std::size_t cjk_characters = 0;   // Han ideographs and kana: written without spaces
  bool ends_with_ellipsis = false;  // "…", "...", "[…]", "(...)"
  bool ends_with_read_more =
      false;  // a last link saying "Read more", "Continue reading", "阅读全文", ...
  // In words: Chinese and Japanese are counted by characters, two to a word
  // (a Chinese word is two characters on average), so 300 characters weigh
  // as 150 English words.
  double size() const {
    return static_cast<double>(words) + static_cast<double>(cjk_characters) / 2;
  }
};

// Reads the text of an HTML body or fragment (tags skipped, script and style
// contents ignored, entities counted as one character).
TextMeasure measure_text(std::string_view html);

// Whether the entry's web page is fetched for its article: never for
// kNever or a link that is not http(s) (a feed may not make us read local
// files); always for kAlways; for kAuto, when the entry (its content, else
// its summary, as `measure` read it) is a teaser: under kTeaserWords, or
// cut short (an ellipsis or a "Read more" link) under kCutShortWords.
bool wants_page(FullText mode, std::string_view link, const TextMeasure& measure);

// The text the entry's article comes from: its content, else its summary
// (as extract::article_from_entry chooses).
std::string_view entry_text(const feed::Entry& entry);

// The article from the entry's page in place of the entry's own: the page's
// body, and its lead image when the entry has none (dropped when the body
// shows it already). The entry's title, address and time win where the
// entry has them: they are what the outlet chose to syndicate, where a
// page's <title> often carries the site's name and its dates vary with
// templates; the page's fill in what the entry lacks.
extract::Article article_from_page(const extract::Article& from_entry, extract::PageArticle page);

// Whether a response's Content-Type is a web page the extractor can read
// (HTML or XHTML; none given: the bytes decide).
bool is_web_page(std::string_view content_type);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_FULL_TEXT_H_
