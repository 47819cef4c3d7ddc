#include "core/time_parts.h"

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

namespace newsvault::time_detail {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// ---------------------------------------------------------------------------
// Words

namespace {

struct NamedValue {
  std::string_view name;  // lowercase ASCII, or UTF-8 compared byte for byte
  int value;
};

constexpr std::array<std::string_view, 12> kEnglishMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

constexpr std::array<std::string_view, 7> kEnglishWeekdays = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// Three-letter month abbreviations of Portuguese, Spanish, Italian, German
// and Dutch where they differ from English. Brazilian feeds write
// "Seg, 24 Set 2018 19:18:49 -0300" (feedparser reads nothing there).
// clang-format off
constexpr std::array<NamedValue, 18> kForeignMonthAbbreviations = {{
    {"ene", 1}, {"gen", 1}, {"fev", 2},  {"mrz", 3},  {"mrt", 3},  {"abr", 4},
    {"mai", 5}, {"mag", 5}, {"mei", 5},  {"giu", 6},  {"lug", 7},  {"ago", 8},
    {"set", 9}, {"out", 10}, {"okt", 10}, {"ott", 10}, {"dez", 12}, {"dic", 12},
}};
// clang-format on

// Whole words. Greek as feedparser's greek.py lists them (capitalised, with
// its odd spellings) plus "Μαρ"; Hungarian as its hungarian.py lists them
// plus the right spellings of "február" and "május", which it misspells
// ("november" and "december" are English words already).
// clang-format off
constexpr std::array<NamedValue, 32> kNonEnglishMonths = {{
    {"Ιαν", 1},  {"Φεβ", 2},  {"Μάώ", 3},  {"Μαώ", 3},  {"Μαρ", 3},   {"Απρ", 4},
    {"Μάι", 5},  {"Μαϊ", 5},  {"Μαι", 5},  {"Ιούν", 6}, {"Ιον", 6},   {"Ιούλ", 7},
    {"Ιολ", 7},  {"Αύγ", 8},  {"Αυγ", 8},  {"Σεπ", 9},  {"Οκτ", 10},  {"Νοέ", 11},
    {"Νοε", 11}, {"Δεκ", 12},
    {"január", 1}, {"február", 2}, {"februári", 2}, {"március", 3}, {"április", 4},
    {"május", 5}, {"máujus", 5}, {"június", 6}, {"július", 7}, {"augusztus", 8},
    {"szeptember", 9}, {"október", 10},
}};
// clang-format on

// Zone names, in minutes east of UTC.
//
// The first rows are feedparser's table (rfc822.py), military letters
// included. RFC 822 §5 gives A = -1, M = -12, N = +1 and Y = +12; RFC 1123
// §5.2.14 says those signs are backwards, but feedparser keeps RFC 822's, and
// so do we. Other letters are not here, so they read as UTC, as RFC 2822 §4.3
// asks of military zones.
//
// The last rows are zones feeds write that feedparser does not know and reads
// as UTC, which puts every CET feed an hour off. Ambiguous names (IST: India,
// Ireland or Israel) stay out.
// clang-format off
constexpr std::array<NamedValue, 50> kZones = {{
    {"ut", 0},     {"utc", 0},    {"gmt", 0},    {"z", 0},
    {"adt", -180}, {"ast", -240}, {"at", -240},
    {"edt", -240}, {"est", -300}, {"et", -300},
    {"cdt", -300}, {"cst", -360}, {"ct", -360},
    {"mdt", -360}, {"mst", -420}, {"mt", -420},
    {"pdt", -420}, {"pst", -480}, {"pt", -480},
    {"a", -60},    {"n", 60},     {"m", -720},   {"y", 720},
    {"met", 60},   {"mest", 120},

    {"wet", 0},    {"west", 60},  {"bst", 60},   {"cet", 60},   {"cest", 120},
    {"eet", 120},  {"eest", 180}, {"msk", 180},  {"pkt", 300},  {"wib", 420},
    {"ict", 420},  {"hkt", 480},  {"sgt", 480},  {"awst", 480}, {"jst", 540},
    {"kst", 540},  {"acst", 570}, {"acdt", 630}, {"aest", 600}, {"aedt", 660},
    {"nzst", 720}, {"nzdt", 780}, {"hst", -600}, {"akst", -540}, {"akdt", -480},
}};
// clang-format on

// `word` is `full` or a prefix of it of at least three letters.
bool abbreviates(std::string_view word, std::string_view full) {
  return word.size() >= 3 && word.size() <= full.size() &&
         iequals(word, full.substr(0, word.size()));
}

}  // namespace

int month_from_word(std::string_view word) {
  while (word.ends_with('.')) word.remove_suffix(1);
  if (is_ascii_word(word)) {
    for (size_t i = 0; i < kEnglishMonths.size(); ++i) {
      if (abbreviates(word, kEnglishMonths[i])) return static_cast<int>(i) + 1;
    }
    if (word.size() == 3) {
      for (const NamedValue& month : kForeignMonthAbbreviations) {
        if (iequals(word, month.name)) return month.value;
      }
    }
  }
  for (const NamedValue& month : kNonEnglishMonths) {
    if (iequals(word, month.name)) return month.value;
  }
  return 0;
}

bool is_weekday_word(std::string_view word) {
  while (word.ends_with('.')) word.remove_suffix(1);
  if (!is_ascii_word(word)) return false;
  for (const std::string_view weekday : kEnglishWeekdays) {
    if (abbreviates(word, weekday)) return true;
  }
  return false;
}

std::optional<std::chrono::minutes> zone_offset(std::string_view name) {
  if (name.size() > 4 || !is_ascii_word(name)) return std::nullopt;
  for (const NamedValue& zone : kZones) {
    if (iequals(name, zone.name)) return std::chrono::minutes(zone.value);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Scanning

std::string_view trim(std::string_view text) {
  while (const size_t length = space_length(text)) text.remove_prefix(length);
  while (!text.empty()) {
    if (is_space(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with("\xC2\xA0")) {
      text.remove_suffix(2);
    } else {
      break;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------
// Calendar

std::optional<sys_days> civil_date(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year(year), std::chrono::month(month),
                            std::chrono::day(day)};
  if (!date.ok()) return std::nullopt;  // 30 February, 31 April
  return sys_days(date);
}

std::optional<sys_days> ordinal_date(int year, int day_of_year) {
  const std::optional<sys_days> first = civil_date(year, 1, 1);
  if (!first || day_of_year < 1) return std::nullopt;
  const sys_days date = *first + days(day_of_year - 1);
  if (year_month_day(date).year() != std::chrono::year(year)) return std::nullopt;
  return date;
}

std::optional<sys_days> week_date(int year, int week, int weekday) {
  if (week < 1 || week > 53 || weekday < 1 || weekday > 7) return std::nullopt;
  if (!civil_date(year, 1, 4)) return std::nullopt;
  // Week 1 is the week with the year's first Thursday, so the one holding 4 January.
  const auto week_one_monday = [](int of_year) {
    const sys_days fourth = sys_days(std::chrono::year(of_year) / 1 / 4);
    return fourth - days(std::chrono::weekday(fourth).iso_encoding() - 1);
  };
  const sys_days date = week_one_monday(year) + days((week - 1) * 7 + weekday - 1);
  if (week == 53 && date >= week_one_monday(year + 1)) return std::nullopt;
  return date;
}

int expand_year(std::string_view digits) {
  const int year = to_int(digits);
  if (digits.size() <= 2) return year + (year < 90 ? 2000 : 1900);
  if (digits.size() == 3) return year + 1900;
  return year;
}

// ---------------------------------------------------------------------------
// Clock

namespace {

std::optional<milliseconds> clock_time(int hour, int minute, int second, int millis) {
  // ISO 8601:2004 §4.2.3 allows 24:00:00 for the end of the day: the next midnight.
  // A leap second (:60) is refused, as Python's datetime refuses it.
  if (hour > 24 || minute > 59 || second > 59) return std::nullopt;
  if (hour == 24 && (minute != 0 || second != 0 || millis != 0)) return std::nullopt;
  return hours(hour) + minutes(minute) + seconds(second) + milliseconds(millis);
}

// ".777" or ",5" after the seconds, in milliseconds; 0 when there is none.
int take_fraction(Scanner& scan) {
  if ((scan.peek() != '.' && scan.peek() != ',') || !is_digit(scan.peek(1))) return 0;
  scan.skip(1);
  const size_t count = scan.digits();
  int millis = 0;
  for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < count ? scan.peek(i) - '0' : 0);
  scan.skip(count);
  return millis;
}

}  // namespace

std::optional<milliseconds> take_clock(Scanner& scan) {
  const size_t hour_digits = scan.digits();
  if (hour_digits < 1 || hour_digits > 2 || scan.peek(hour_digits) != ':') return std::nullopt;
  const int hour = scan.take_number(hour_digits);
  scan.skip(1);
  const size_t minute_digits = scan.digits();
  if (minute_digits < 1 || minute_digits > 2) return std::nullopt;
  const int minute = scan.take_number(minute_digits);
  int second = 0;
  if (scan.peek() == ':' && is_digit(scan.peek(1))) {
    const size_t second_digits = digit_run(scan.rest().substr(1));
    if (second_digits > 2) return std::nullopt;
    scan.skip(1);
    second = scan.take_number(second_digits);
  }
  const int millis = take_fraction(scan);
  return clock_time(hour, minute, second, millis);
}

std::optional<milliseconds> take_basic_clock(Scanner& scan) {
  const size_t count = scan.digits();
  if (count != 2 && count != 4 && count != 6) return std::nullopt;
  const int hour = scan.take_number(2);
  const int minute = count >= 4 ? scan.take_number(2) : 0;
  const int second = count == 6 ? scan.take_number(2) : 0;
  const int millis = take_fraction(scan);
  return clock_time(hour, minute, second, millis);
}

Meridiem take_meridiem(Scanner& scan) {
  if (scan.take(kKoreanAm) || scan.take(kChineseAm)) return Meridiem::kAm;
  if (scan.take(kKoreanPm) || scan.take(kChinesePm)) return Meridiem::kPm;
  const char first = lower(scan.peek());
  if (first != 'a' && first != 'p') return Meridiem::kNone;
  size_t length = 0;
  if (lower(scan.peek(1)) == 'm') {
    length = 2;
  } else if (scan.peek(1) == '.' && lower(scan.peek(2)) == 'm') {
    length = scan.peek(3) == '.' ? 4 : 3;
  } else {
    return Meridiem::kNone;
  }
  if (is_alpha(scan.peek(length))) return Meridiem::kNone;  // "amt", "pmx": a word
  scan.skip(length);
  return first == 'a' ? Meridiem::kAm : Meridiem::kPm;
}

milliseconds apply_meridiem(milliseconds time, Meridiem meridiem) {
  const hours hour = std::chrono::floor<hours>(time);
  // "13:00 pm" and "0:30 am" are already on the 24-hour clock.
  if (meridiem == Meridiem::kNone || hour < hours(1) || hour > hours(12)) return time;
  if (meridiem == Meridiem::kAm && hour == hours(12)) return time - hours(12);
  if (meridiem == Meridiem::kPm && hour < hours(12)) return time + hours(12);
  return time;
}

// ---------------------------------------------------------------------------
// Zones

std::optional<minutes> take_numeric_offset(Scanner& scan) {
  const char sign = scan.peek();
  if (sign != '+' && sign != '-') return std::nullopt;
  Scanner digits = scan;
  digits.skip(1);
  const size_t count = digits.digits();
  int hour = 0;
  int minute = 0;
  if (count == 1 || count == 2) {
    hour = digits.take_number(count);
    if (digits.peek() == ':' && digit_run(digits.rest().substr(1)) == 2) {
      digits.skip(1);
      minute = digits.take_number(2);
    }
  } else if (count == 3 || count == 4) {
    hour = digits.take_number(count - 2);
    minute = digits.take_number(2);
  } else {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59) return std::nullopt;
  scan = digits;
  const minutes offset = hours(hour) + minutes(minute);
  return sign == '-' ? -offset : offset;
}

Zone read_zone_word(std::string_view word) {
  if (word.size() >= 2 && word.starts_with('(') && word.ends_with(')')) {
    word = word.substr(1, word.size() - 2);
  }
  bool posix_sign = false;
  if (word.size() > 4 && iequals(word.substr(0, 4), "etc/")) {
    word.remove_prefix(4);
    posix_sign = true;  // tz database: Etc/GMT+5 is five hours *behind* UTC
  }
  for (const std::string_view utc : {"gmt", "utc", "ut"}) {
    if (word.size() > utc.size() && iequals(word.substr(0, utc.size()), utc) &&
        (word[utc.size()] == '+' || word[utc.size()] == '-')) {
      word.remove_prefix(utc.size());
      break;
    }
  }
  if (word.starts_with('+') || word.starts_with('-')) {
    Scanner scan(word);
    const std::optional<minutes> offset = take_numeric_offset(scan);
    if (!offset || !scan.done()) return {ZoneKind::kInvalid};
    return {ZoneKind::kKnown, posix_sign ? -*offset : *offset};
  }
  if (const std::optional<minutes> offset = zone_offset(word)) {
    return {ZoneKind::kKnown, *offset};
  }
  return {ZoneKind::kUnknown};
}

bool at_field_end(const Scanner& scan) {
  const char next = scan.peek();
  if (scan.done() || space_length(scan.rest()) > 0) return true;
  return !is_alpha(next) && !is_digit(next) && next != ':' && next != '.' && next != '+' &&
         next != '-' && next != '/';
}

bool take_trailing_zone(Scanner& scan, std::optional<minutes>& offset) {
  Scanner ahead = scan;
  const bool spaced = ahead.skip_spaces();
  const char next = ahead.peek();
  if (next == '+' || next == '-') {
    offset = take_numeric_offset(ahead);
    scan = ahead;
    return offset.has_value() && at_field_end(scan);
  }
  if ((next == 'Z' || next == 'z') && !is_alpha(ahead.peek(1))) {
    ahead.skip(1);
    offset = minutes(0);
    scan = ahead;
    return at_field_end(scan);
  }
  // After a space, words that are no zone are ignored, as feedparser's
  // ISO 8601 reader ignores them.
  if (!is_alpha(next) && next != '(') return spaced || at_field_end(scan);
  const std::string_view word = ahead.take_word();
  const Zone zone = read_zone_word(word);
  if (zone.kind == ZoneKind::kInvalid || (!spaced && zone.kind == ZoneKind::kUnknown)) {
    return false;
  }
  // An unknown name reads as UTC, as in RFC 822 dates: "2023-06-19 01:41:50
  // XYZ" is UTC to feedparser's W3C-DTF reader too.
  if (zone.kind == ZoneKind::kKnown || is_ascii_word(word)) offset = zone.offset;
  scan = ahead;
  return true;
}

}  // namespace newsvault::time_detail
