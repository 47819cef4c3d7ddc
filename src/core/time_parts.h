// Private to core: the parts time.cc's two date readers are built from.
// Character tests, the words dates are written with (months, weekdays, zone
// names), a scanner over the text, the calendar, the clock and the zone.
// Plain functions over values; nothing here allocates, and no locale is
// consulted: feeds write dates in ASCII plus a few UTF-8 words, and a
// locale's answers would differ from machine to machine.
#ifndef NEWSVAULT_CORE_TIME_PARTS_H_
#define NEWSVAULT_CORE_TIME_PARTS_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace newsvault::time_detail {

// ---------------------------------------------------------------------------
// Characters and words

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Length of the whitespace that opens `text`: one ASCII space, or U+00A0
// NO-BREAK SPACE (C2 A0 in UTF-8), which HTML-minded feeds put between fields.
constexpr size_t space_length(std::string_view text) {
  if (!text.empty() && is_space(text[0])) return 1;
  if (text.size() >= 2 && text[0] == '\xC2' && text[1] == '\xA0') return 2;
  return 0;
}

// Only ASCII letters, at least one.
constexpr bool is_ascii_word(std::string_view word) {
  if (word.empty()) return false;
  for (const char c : word) {
    if (!is_alpha(c)) return false;
  }
  return true;
}

// How many ASCII digits open `text`.
constexpr size_t digit_run(std::string_view text) {
  size_t count = 0;
  while (count < text.size() && is_digit(text[count])) ++count;
  return count;
}

// The value of a run of at most nine digits (the callers count them first).
constexpr int to_int(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

// `text` equals `lower_word` with ASCII letters of either case.
constexpr bool iequals(std::string_view text, std::string_view lower_word) {
  if (text.size() != lower_word.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != lower_word[i]) return false;
  }
  return true;
}

// 1-12 for a month word, 0 for any other word: English names and their
// abbreviations ("Jun", "June", "jun.", "Sept"), the three-letter
// abbreviations other European languages write ("Set", "Out", "Dez", "Okt"),
// and the Greek and Hungarian names feedparser reads.
int month_from_word(std::string_view word);

// An English weekday or its abbreviation ("Mon", "Thur", "Tuesday", "Wed.").
bool is_weekday_word(std::string_view word);

// The offset of a zone name ("GMT", "EST", "CEST", military "A"), or nullopt
// for a name not in the table.
std::optional<std::chrono::minutes> zone_offset(std::string_view name);

// ---------------------------------------------------------------------------
// Scanning

// What a reader found in the text, before the zone is applied.
struct Reading {
  std::chrono::sys_days date;
  std::chrono::milliseconds time_of_day{0};
  std::optional<std::chrono::minutes> offset;  // nullopt: the text names no zone
};

// A read position in the text. A take_* function that fails leaves the
// position where it was.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : rest_(text) {}

  bool done() const { return rest_.empty(); }
  // The byte `ahead` bytes on, or '\0' past the end.
  char peek(size_t ahead = 0) const { return ahead < rest_.size() ? rest_[ahead] : '\0'; }
  std::string_view rest() const { return rest_; }
  // How many digits come next.
  size_t digits() const { return digit_run(rest_); }

  void skip(size_t count) { rest_.remove_prefix(count); }
  // The value of the next `count` bytes, which the caller has seen are digits.
  int take_number(size_t count) {
    const int value = to_int(rest_.substr(0, count));
    rest_.remove_prefix(count);
    return value;
  }
  // One byte; `c` is lowercase and matches an ASCII letter of either case.
  bool take(char c) {
    if (rest_.empty() || lower(rest_[0]) != c) return false;
    rest_.remove_prefix(1);
    return true;
  }
  // Exact bytes (the UTF-8 date words).
  bool take(std::string_view bytes) {
    if (!rest_.starts_with(bytes)) return false;
    rest_.remove_prefix(bytes.size());
    return true;
  }
  // Returns whether there was any space to skip.
  bool skip_spaces() {
    bool skipped = false;
    while (const size_t length = space_length(rest_)) {
      rest_.remove_prefix(length);
      skipped = true;
    }
    return skipped;
  }
  // Everything up to the next space.
  std::string_view take_word() {
    size_t length = 0;
    while (length < rest_.size() && space_length(rest_.substr(length)) == 0) ++length;
    const std::string_view word = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return word;
  }

 private:
  std::string_view rest_;
};

// `text` without the whitespace around it (ASCII and U+00A0).
std::string_view trim(std::string_view text);

// ---------------------------------------------------------------------------
// Calendar. Each returns nullopt for a day that does not exist (30 February,
// week 53 of a year of 52) or a year outside 1-9999, the years Python's
// datetime (which feedparser relies on) holds.

std::optional<std::chrono::sys_days> civil_date(int year, int month, int day);
// "2023-170": the 170th day of 2023 (ISO 8601:2004 §4.1.3 ordinal date).
std::optional<std::chrono::sys_days> ordinal_date(int year, int day_of_year);
// "2023-W25-1": Monday of week 25 (ISO 8601:2004 §4.1.4 week date).
std::optional<std::chrono::sys_days> week_date(int year, int week, int weekday);

// The year an RFC 822 date means by one to four digits. Two digits follow
// feedparser: 90-99 are 1990-1999 and 00-89 are 2000-2089 (RFC 2822 §4.3
// splits at 50 instead). Three digits add 1900 (RFC 2822 §4.3: software that
// wrote year - 1900; feedparser keeps year 123 as year 123).
int expand_year(std::string_view digits);

// ---------------------------------------------------------------------------
// Clock. Each take_* returns nullopt, and may have moved the scanner, when
// the digits are not a time of day.

// "01:41:50.777", "1:41", "9:05:00", "01:41:50,5": the extended clock of
// ISO 8601 and of RFC 822, with one- or two-digit hours as feeds write them.
// Fractions are kept to the millisecond; further digits are dropped.
std::optional<std::chrono::milliseconds> take_clock(Scanner& scan);
// "014150", "0141", "01" (after 'T'): the basic clock of ISO 8601:2004 §4.2.2.2.
std::optional<std::chrono::milliseconds> take_basic_clock(Scanner& scan);

enum class Meridiem { kNone, kAm, kPm };

inline constexpr std::string_view kKoreanAm = "오전";
inline constexpr std::string_view kKoreanPm = "오후";
inline constexpr std::string_view kChineseAm = "上午";
inline constexpr std::string_view kChinesePm = "下午";

// "am", "PM", "a.m.", or the Korean and Chinese words; kNone, without moving,
// for anything else.
Meridiem take_meridiem(Scanner& scan);
// A 12-hour clock time on the 24-hour clock ("12:30 am" is 00:30).
std::chrono::milliseconds apply_meridiem(std::chrono::milliseconds time, Meridiem meridiem);

// ---------------------------------------------------------------------------
// Zones

// "+08:00", "-0500", "+08", "+8", "+530" (RFC 2822 §3.3, ISO 8601:2004 §4.2.5.1).
// nullopt, without moving, when the sign is not followed by an offset.
std::optional<std::chrono::minutes> take_numeric_offset(Scanner& scan);

enum class ZoneKind {
  kKnown,  // an offset, or a name in the table
  // A word that is no zone we know. Where the zone must be, it reads as UTC:
  // feedparser does so, and RFC 2822 §4.3 says an unknown zone "SHOULD be
  // considered equivalent to -0000" (UTC, the local zone unknown).
  kUnknown,
  kInvalid,  // a sign without an offset ("+abc"): the date cannot be trusted
};
struct Zone {
  ZoneKind kind = ZoneKind::kUnknown;
  std::chrono::minutes offset{0};
};

// One zone word: "GMT", "est", "Z", "A", "UTC+8", "GMT-05:00", "Etc/UTC",
// "+0800", "(UTC)".
Zone read_zone_word(std::string_view word);

// Whether a numeric field ends here: at the end of the text, at a space, or
// at punctuation that opens a comment ("2023-06-19T01:41:50Z (UTC)"). A
// letter or digit glued to a field ("2023-06-1901:41", "+08:00abc") means the
// text is not the date it looked like.
bool at_field_end(const Scanner& scan);

// The zone after an ISO 8601 clock: "Z", "+08:00", "-0500", or, after a
// space, a zone word ("2023-06-19 01:41:50 EST"). Sets `offset` when a zone
// is read. Returns false when what follows the clock cannot be read.
bool take_trailing_zone(Scanner& scan, std::optional<std::chrono::minutes>& offset);

}  // namespace newsvault::time_detail

#endif  // NEWSVAULT_CORE_TIME_PARTS_H_
