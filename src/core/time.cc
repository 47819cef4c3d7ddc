// Reading the dates feeds write, and writing ISO 8601.
//
// parse_date runs for every entry of large feeds, so each form is read by a
// hand-written scan over the string_view: no regex, no locale, no allocation.
// Two readers, built from the parts in time_parts.h:
//   - read_numeric_date: text that opens with a four-digit year (ISO 8601,
//     RFC 3339, W3C-DTF, "2023/06/19", "2023年6月19日", Korean dates);
//   - read_written_date: text with a month word (RFC 822/1123/2822, asctime).
// The reference is Python feedparser 6.0.10 (feedparser/datetimes/). Where we
// read a date differently on purpose, the comment at that spot says why.
#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "core/core.h"
#include "core/time_parts.h"

namespace newsvault {
namespace time_detail {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// ---------------------------------------------------------------------------
// Numeric dates: ISO 8601, RFC 3339, W3C-DTF and their relatives

constexpr std::string_view kHanYear = "年";
constexpr std::string_view kHanMonth = "月";
constexpr std::string_view kHanDay = "日";
constexpr std::string_view kHangulYear = "년";
constexpr std::string_view kHangulMonth = "월";
constexpr std::string_view kHangulDay = "일";

// The date part of a numeric date. Sets `korean` when Korean date words were
// read (feedparser reads those dates at +09:00).
std::optional<sys_days> take_numeric_date(Scanner& scan, bool& korean) {
  const size_t count = scan.digits();
  if (count == 7) {  // 2023170
    const int year = scan.take_number(4);
    return ordinal_date(year, scan.take_number(3));
  }
  if (count == 8 || count == 12 || count == 14) {  // 20230619, then maybe a basic clock
    const int year = scan.take_number(4);
    const int month = scan.take_number(2);
    return civil_date(year, month, scan.take_number(2));
  }
  if (count != 4) return std::nullopt;
  const int year = scan.take_number(4);
  if (scan.done()) return civil_date(year, 1, 1);  // W3C-DTF "2023"

  // "2023年6月19日" (Chinese, Japanese) and "2023년 06월 19일" (Korean).
  const bool han = scan.take(kHanYear);
  if (han || scan.take(kHangulYear)) {
    korean = !han;
    scan.skip_spaces();
    const size_t month_digits = scan.digits();
    if (month_digits < 1 || month_digits > 2) return std::nullopt;
    const int month = scan.take_number(month_digits);
    if (!scan.take(han ? kHanMonth : kHangulMonth)) return std::nullopt;
    scan.skip_spaces();
    const size_t day_digits = scan.digits();
    if (day_digits < 1 || day_digits > 2) return std::nullopt;
    const int day = scan.take_number(day_digits);
    scan.take(han ? kHanDay : kHangulDay);
    return civil_date(year, month, day);
  }

  if (scan.take('w')) {  // 2023W251: basic week date
    if (scan.digits() != 3) return std::nullopt;
    const int week = scan.take_number(2);
    return week_date(year, week, scan.take_number(1));
  }

  const char separator = scan.peek();
  if (separator != '-' && separator != '/' && separator != '.') return std::nullopt;
  scan.skip(1);
  if (separator == '-' && scan.take('w')) {  // 2023-W25-1, 2023-W25
    if (scan.digits() != 2) return std::nullopt;
    const int week = scan.take_number(2);
    int weekday = 1;
    if (scan.peek() == '-' && digit_run(scan.rest().substr(1)) == 1) {
      scan.skip(1);
      weekday = scan.take_number(1);
    }
    return week_date(year, week, weekday);
  }
  int month = 0;
  const size_t month_digits = scan.digits();
  if (separator == '-' && month_digits == 3) return ordinal_date(year, scan.take_number(3));
  if (month_digits == 1 || month_digits == 2) {
    month = scan.take_number(month_digits);
  } else if (month_digits == 0) {
    // "2004-július-13": a month word (feedparser's Hungarian form).
    const size_t end = scan.rest().find(separator);
    if (end == std::string_view::npos) return std::nullopt;
    month = month_from_word(scan.rest().substr(0, end));
    if (month == 0) return std::nullopt;
    scan.skip(end);
  } else {
    return std::nullopt;
  }
  if (scan.peek() != separator) return civil_date(year, month, 1);  // W3C-DTF "2023-06"
  scan.skip(1);
  const size_t day_digits = scan.digits();
  if (day_digits < 1 || day_digits > 2) return std::nullopt;
  return civil_date(year, month, scan.take_number(day_digits));
}

std::optional<Reading> read_numeric_date(std::string_view text) {
  Scanner scan(text);
  const size_t leading_digits = scan.digits();
  bool korean = false;
  const std::optional<sys_days> date = take_numeric_date(scan, korean);
  if (!date) return std::nullopt;
  Reading reading;
  reading.date = *date;

  // The clock: after 'T' (ISO 8601), directly after a compact date
  // ("20230619014150"), or after spaces (RFC 3339 §5.6 note; MSSQL), where a
  // Korean or Chinese AM/PM word may come first ("2004-05-25 오후 11:23:17").
  std::optional<milliseconds> clock;
  Meridiem meridiem = Meridiem::kNone;
  if (scan.take('t')) {
    clock = is_digit(scan.peek()) && scan.peek(scan.digits()) == ':' ? take_clock(scan)
                                                                     : take_basic_clock(scan);
    if (!clock) return std::nullopt;
  } else if (leading_digits == 12 || leading_digits == 14) {
    clock = take_basic_clock(scan);
    if (!clock) return std::nullopt;
  } else {
    Scanner ahead = scan;
    ahead.skip_spaces();
    // feedparser's Korean (Nate) form is read at +09:00.
    const bool korean_meridiem =
        ahead.rest().starts_with(kKoreanAm) || ahead.rest().starts_with(kKoreanPm);
    meridiem = take_meridiem(ahead);
    ahead.skip_spaces();
    const size_t hour_digits = ahead.digits();
    if (hour_digits >= 1 && hour_digits <= 2 && ahead.peek(hour_digits) == ':') {
      scan = ahead;
      korean = korean || korean_meridiem;
      clock = take_clock(scan);
      if (!clock) return std::nullopt;
    }
  }
  if (clock) {
    if (meridiem == Meridiem::kNone) {
      Scanner ahead = scan;
      ahead.skip_spaces();
      meridiem = take_meridiem(ahead);
      if (meridiem != Meridiem::kNone) scan = ahead;
    }
    reading.time_of_day = apply_meridiem(*clock, meridiem);
    if (!take_trailing_zone(scan, reading.offset)) return std::nullopt;
  } else if (!at_field_end(scan)) {
    return std::nullopt;
  }
  // Words after the date (or after the zone) are ignored, as feedparser's
  // ISO 8601 reader ignores them.
  if (korean && !reading.offset) reading.offset = hours(9);
  return reading;
}

// ---------------------------------------------------------------------------
// Written dates: RFC 822 and asctime

struct Token {
  std::string_view text;
  bool comma_after = false;
};

// Enough for "Mon, 19 Jun 2023 01:41:50 PM EST": later words are junk.
constexpr size_t kMaxTokens = 8;

struct Tokens {
  std::array<Token, kMaxTokens> items;
  size_t count = 0;

  std::string_view operator[](size_t index) const {
    return index < count ? items[index].text : std::string_view();
  }
};

// Splits on whitespace and commas ("Mon,19 Jun" is two words, as is "19, Jun").
Tokens tokenize(std::string_view text) {
  Tokens tokens;
  size_t start = 0;
  size_t index = 0;
  const auto flush = [&](size_t end) {
    if (end > start && tokens.count < kMaxTokens) {
      tokens.items[tokens.count++].text = text.substr(start, end - start);
    }
  };
  while (index < text.size()) {
    const size_t space = space_length(text.substr(index));
    if (space == 0 && text[index] != ',') {
      ++index;
      continue;
    }
    flush(index);
    if (text[index] == ',' && tokens.count > 0) tokens.items[tokens.count - 1].comma_after = true;
    index += space == 0 ? 1 : space;
    start = index;
  }
  flush(index);
  return tokens;
}

// "19", "9", "19th", "19.": a day of the month.
bool is_day_word(std::string_view word) {
  const size_t count = digit_run(word);
  if (count < 1 || count > 2) return false;
  const std::string_view suffix = word.substr(count);
  return suffix.empty() || suffix == "." || iequals(suffix, "st") || iequals(suffix, "nd") ||
         iequals(suffix, "rd") || iequals(suffix, "th");
}

bool is_year_word(std::string_view word) {
  return !word.empty() && word.size() <= 4 && digit_run(word) == word.size();
}

bool is_clock_word(std::string_view word) {
  const size_t count = digit_run(word);
  return (count == 1 || count == 2) && word.size() > count && word[count] == ':';
}

bool has_digit(std::string_view word) {
  for (const char c : word) {
    if (is_digit(c)) return true;
  }
  return false;
}

// Letters of any script: ASCII letters, UTF-8 bytes, and abbreviating dots.
bool is_letters(std::string_view word) {
  if (word.empty()) return false;
  for (const char c : word) {
    if (!is_alpha(c) && c != '.' && static_cast<unsigned char>(c) < 0x80) return false;
  }
  return true;
}

bool is_weekday_token(const Token& token) {
  if (is_weekday_word(token.text)) return true;
  // "Seg," (Portuguese), "Κυρ," (Greek): a word before a comma at the start.
  return token.comma_after && is_letters(token.text) && month_from_word(token.text) == 0;
}

// A clock word, with an AM/PM or a zone glued to it ("1:41pm",
// "01:41:50GMT", "01:41:50+0800"), and an AM/PM word after it. Anything else
// glued to the clock ("01:41:G0") makes it no clock.
bool take_clock_word(const Tokens& tokens, size_t& index, Reading& reading) {
  Scanner scan(tokens[index++]);
  const std::optional<milliseconds> clock = take_clock(scan);
  if (!clock) return false;
  Meridiem meridiem = take_meridiem(scan);
  if (!scan.done()) {
    const Zone zone = read_zone_word(scan.rest());
    if (zone.kind != ZoneKind::kKnown) return false;
    reading.offset = zone.offset;
  }
  if (meridiem == Meridiem::kNone) {
    Scanner next(tokens[index]);
    meridiem = take_meridiem(next);
    if (meridiem != Meridiem::kNone && next.done()) ++index;
  }
  reading.time_of_day = apply_meridiem(*clock, meridiem);
  return true;
}

// "Mon, 19 Jun 2023 01:41:50 GMT" (RFC 822 §5, RFC 2822 §3.3) and its
// relatives: no weekday or a wrong one (the weekday is never checked, as
// feedparser does not check it), month before day ("Jun 19, 2023"), no seconds
// or no clock, "June" or "Jun.", one- to four-digit years, any zone form,
// and asctime ("Sun Jan  4 16:29:06 2004", with the year after the clock).
std::optional<Reading> read_written_date(std::string_view text) {
  const Tokens tokens = tokenize(text);
  size_t index = 0;
  if (tokens.count > 0 && is_weekday_token(tokens.items[0])) index = 1;

  // "Fri, 2006/09/15 08:19:53 EDT" (Perforce): a numeric date after a weekday.
  if (index > 0 && digit_run(tokens[index]) == 4 && tokens[index].size() > 4) {
    return read_numeric_date(text.substr(tokens[index].data() - text.data()));
  }

  int month = 0;
  std::string_view day_word;
  if (is_day_word(tokens[index]) && (month = month_from_word(tokens[index + 1]))) {
    day_word = tokens[index];
  } else if ((month = month_from_word(tokens[index])) && is_day_word(tokens[index + 1])) {
    day_word = tokens[index + 1];
  } else {
    return std::nullopt;
  }
  index += 2;
  const int day = to_int(day_word.substr(0, digit_run(day_word)));

  Reading reading;
  int year = 0;
  if (is_year_word(tokens[index])) {
    year = expand_year(tokens[index++]);
    if (is_clock_word(tokens[index])) {
      if (!take_clock_word(tokens, index, reading)) return std::nullopt;
    } else if (tokens[index].size() == 4 && digit_run(tokens[index]) == 4) {
      // "03 Apr 02 1500 GMT": a clock without its colon (feedparser gives up).
      Scanner scan(tokens[index++]);
      const std::optional<milliseconds> clock = take_basic_clock(scan);
      if (!clock) return std::nullopt;
      reading.time_of_day = *clock;
    } else if (index < tokens.count) {
      // No clock: the date alone, then a zone only if it is a real one; other
      // words are ignored, unless they hold digits: a clock gone wrong
      // ("01,41:50", "T1:41:50"), so no date we can trust.
      const Zone zone = read_zone_word(tokens[index]);
      if (zone.kind == ZoneKind::kKnown) {
        reading.offset = zone.offset;
      } else if (has_digit(tokens[index])) {
        return std::nullopt;
      }
      index = tokens.count;
    }
    if (index < tokens.count && !reading.offset) {
      // RFC 822's zone. feedparser reads any word here as a zone name and an
      // unknown one as UTC; so do we.
      const Zone zone = read_zone_word(tokens[index]);
      if (zone.kind == ZoneKind::kInvalid) return std::nullopt;
      reading.offset = zone.offset;
    }
  } else if (is_clock_word(tokens[index])) {
    // asctime: "Sun Jan  4 16:29:06 2004", "Wed Aug 27 13:08:45 +0000 2008".
    if (!take_clock_word(tokens, index, reading)) return std::nullopt;
    if (!reading.offset && index < tokens.count && !is_year_word(tokens[index])) {
      const Zone zone = read_zone_word(tokens[index++]);
      if (zone.kind == ZoneKind::kInvalid) return std::nullopt;
      reading.offset = zone.offset;
    }
    if (!is_year_word(tokens[index])) return std::nullopt;
    year = expand_year(tokens[index]);
  } else {
    return std::nullopt;
  }

  const std::optional<sys_days> date = civil_date(year, month, day);
  if (!date) return std::nullopt;
  reading.date = *date;
  return reading;
}

// ---------------------------------------------------------------------------
// Writing

char* put_digits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

std::string format_iso8601(Timestamp time, bool with_millis) {
  const sys_days day = std::chrono::floor<days>(time);
  const year_month_day date(day);
  const auto since_midnight = static_cast<int>((time - day).count());  // [0, 86'400'000)
  char buffer[40];
  char* out = buffer;
  // Years beyond 0000-9999 (which no feed date reaches, but the archive's
  // milliseconds can hold) get ISO 8601:2004 §4.1.2.4's expanded form: a sign.
  int year = static_cast<int>(date.year());
  if (year < 0) {
    *out++ = '-';
    year = -year;
  } else if (year > 9999) {
    *out++ = '+';
  }
  out = year <= 9999 ? put_digits(out, year, 4) : std::to_chars(out, std::end(buffer), year).ptr;
  *out++ = '-';
  out = put_digits(out, static_cast<int>(static_cast<unsigned>(date.month())), 2);
  *out++ = '-';
  out = put_digits(out, static_cast<int>(static_cast<unsigned>(date.day())), 2);
  *out++ = 'T';
  out = put_digits(out, since_midnight / 3'600'000, 2);
  *out++ = ':';
  out = put_digits(out, since_midnight / 60'000 % 60, 2);
  *out++ = ':';
  out = put_digits(out, since_midnight / 1'000 % 60, 2);
  if (with_millis) {
    *out++ = '.';
    out = put_digits(out, since_midnight % 1'000, 3);
  }
  *out++ = 'Z';
  return std::string(buffer, out);
}

}  // namespace
}  // namespace time_detail

std::optional<Timestamp> parse_date(std::string_view text, std::chrono::minutes default_offset) {
  text = time_detail::trim(text);
  if (text.empty()) return std::nullopt;
  const std::optional<time_detail::Reading> reading = time_detail::digit_run(text) >= 4
                                                          ? time_detail::read_numeric_date(text)
                                                          : time_detail::read_written_date(text);
  if (!reading) return std::nullopt;
  const Timestamp time =
      Timestamp(reading->date) + reading->time_of_day - reading->offset.value_or(default_offset);
  // The instant itself must fall in years 1-9999 UTC, as the local date
  // does (Python's datetime range, feedparser's): "0001-01-01T05:00+10:45"
  // is year 0 in UTC, which no reader of the archive's dates accepts.
  constexpr Timestamp kFirst = std::chrono::sys_days(std::chrono::year(1) / 1 / 1);
  constexpr Timestamp kEnd = std::chrono::sys_days(std::chrono::year(10000) / 1 / 1);
  if (time < kFirst || time >= kEnd) return std::nullopt;
  return time;
}

std::string format_iso8601_seconds(Timestamp time) {
  return time_detail::format_iso8601(time, false);
}

std::string format_iso8601_millis(Timestamp time) {
  return time_detail::format_iso8601(time, true);
}

}  // namespace newsvault
