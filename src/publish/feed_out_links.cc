// Ids, links, times and safe text for the feeds out (feed_out.h).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "publish/feed_out.h"
#include "publish/markdown.h"

namespace newsvault::publish {
namespace {

// The code point starting at text[i] and its length in bytes; U+FFFD and
// length 1 for a byte that starts no well-formed sequence (overlong forms
// and surrogates included).
std::pair<char32_t, std::size_t> decode_utf8(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2, code_point = lead & 0x1F, minimum = 0x80;
  else if (lead >= 0xE0 && lead <= 0xEF) length = 3, code_point = lead & 0x0F, minimum = 0x800;
  else if (lead >= 0xF0 && lead <= 0xF4) length = 4, code_point = lead & 0x07, minimum = 0x10000;
  else return {0xFFFD, 1};
  if (i + length > text.size()) return {0xFFFD, 1};
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0xFFFD, 1};
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return {0xFFFD, 1};
  }
  return {code_point, length};
}

bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

std::string join_base(std::string_view base_url, std::string_view path) {
  std::string joined(base_url);
  if (!joined.empty() && !joined.ends_with('/')) joined += '/';
  return joined + percent_encode_url(path);
}

std::string in_folder(std::string_view folder, std::string_view file) {
  return folder.empty() ? std::string(file) : std::string(folder) + "/" + std::string(file);
}

}  // namespace

std::string xml_safe_text(std::string_view text) {
  // Runs of characters XML takes are copied whole: a body is mostly such
  // a run, and this is called on every item of every feed out.
  std::string out;
  out.reserve(text.size());
  std::size_t run = 0;  // where the run being kept began
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0x20 && lead < 0x80) {
      ++i;
      continue;
    }
    const auto [code_point, length] = decode_utf8(text, i);
    // A U+FFFD read whole is kept: its bytes are the replacement's.
    if (is_xml_char(code_point) && (code_point != 0xFFFD || length == 3)) {
      i += length;
      continue;
    }
    out.append(text.substr(run, i - run));
    append_utf8(0xFFFD, out);
    i += length;
    run = i;
  }
  out.append(text.substr(run));
  return out;
}

std::string feed_out_item_id(const ArchivedArticle& item) {
  return "urn:newsvault:article:" + encode_uri_component(item.summary.feed_name) + ":" +
         encode_uri_component(item.summary.key);
}

std::string archived_copy_link(const FeedOut& feed, const ArchivedArticle& item,
                               const FeedsOutOptions& options) {
  const std::string& document = item.summary.document_path;
  if (!options.base_url.empty()) return join_base(options.base_url, document);
  if (feed.folder.empty()) return percent_encode_url(document);
  const std::string prefix = feed.folder + "/";
  if (document.starts_with(prefix)) return percent_encode_url(document.substr(prefix.size()));
  return percent_encode_url(
      std::filesystem::path(document).lexically_relative(feed.folder).generic_string());
}

std::string source_link(const ArchivedArticle& item) {
  return percent_encode_url(xml_safe_text(item.article.url));
}

std::string feed_folder_link(const FeedOut& feed, std::string_view file,
                             const FeedsOutOptions& options) {
  if (!options.base_url.empty()) return join_base(options.base_url, in_folder(feed.folder, file));
  return percent_encode_url(file);
}

std::string local_image_base(const FeedOut& feed, const FeedsOutOptions& options) {
  if (!options.base_url.empty()) return join_base(options.base_url, "");
  return feed.folder.empty() ? "" : "../";
}

std::string absolute_feed_link(const FeedOut& feed, FeedFormat format,
                               const FeedsOutOptions& options) {
  if (options.base_url.empty()) return {};
  return join_base(options.base_url, in_folder(feed.folder, feed_out_file_name(format)));
}

Timestamp published_time(const ArchivedArticle& item) {
  return item.article.published.value_or(item.summary.first_seen);
}

Timestamp updated_time(const ArchivedArticle& item) { return item.summary.last_changed; }

Timestamp feed_updated_time(const FeedOut& feed) {
  Timestamp newest{};
  for (const ArchivedArticle& item : feed.articles) newest = std::max(newest, updated_time(item));
  return newest;
}

std::string format_rfc822(Timestamp time) {
  using namespace std::chrono;
  constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(floor<seconds>(time - day));
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday(day).c_encoding()], static_cast<unsigned>(date.day()),
                kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

std::string item_html(const ArchivedArticle& item, const PublishOptions& options) {
  if (!item.html.empty()) return item.html;
  return xml_safe_text(render_article_html(item.article, options));
}

}  // namespace newsvault::publish
