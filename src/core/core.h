// core: what every stage shares. Errors as values (Error, Result<T>), points
// in time and the date formats feeds write, and URL resolution.
//
// Everything here is a plain function over values or a value type: no state,
// no I/O, safe to call from any thread.
#ifndef NEWSVAULT_CORE_CORE_H_
#define NEWSVAULT_CORE_CORE_H_

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace newsvault {

// A small closed set of failure kinds. Callers branch on the code; people
// read the message, which names what failed and where
// ("feed.xml:3:14: undefined entity &nbsp;", "GET https://…: HTTP 503").
enum class ErrorCode {
  kInvalidArgument,  // the caller asked for something meaningless
  kParse,            // input that cannot be read at all
  kEncoding,         // bytes that cannot be decoded in any plausible charset
  kTooLarge,         // input beyond a configured size limit
  kIo,               // the file system said no
  kNotFound,
  kInternal,
};

std::string_view error_code_name(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_;
  std::string message_;
};

// A function that can fail returns Result<T>: the value, or the Error.
template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}

// A point in time, UTC, to the millisecond (the archive format's precision).
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Reads a date the way feeds write it: RFC 822/1123 (every zone form: GMT,
// UT, +0800, EST/EDT/..., military letters), ISO 8601 / RFC 3339 (with or
// without zone, fractions, 'T' or space), W3C-DTF partial dates (2003-12,
// 2003), and the broken forms seen in real feeds (two-digit years, missing
// seconds, missing weekday or a wrong one, extra spaces, Chinese and Korean
// date words). A date without a zone is read at `default_offset` from UTC
// (UTC unless the caller says otherwise).
// Returns nullopt when nothing date-like can be read, or the date is not a
// real calendar date.
std::optional<Timestamp> parse_date(std::string_view text,
                                    std::chrono::minutes default_offset = std::chrono::minutes(0));

// "2023-06-19T01:41:50Z": ISO 8601, UTC, whole seconds.
std::string format_iso8601_seconds(Timestamp time);
// "2023-06-19T01:41:50.777Z": ISO 8601, UTC, milliseconds.
std::string format_iso8601_millis(Timestamp time);

// Appends the UTF-8 encoding of a Unicode code point to `out`.
void append_utf8(char32_t code_point, std::string& out);

// The character at the start of `text` read as UTF-8: its code point and
// its length in bytes (1 for ASCII). Length 0 when the bytes there are not
// well-formed UTF-8 (a stray or missing continuation byte, an overlong form,
// a surrogate, past U+10FFFF, cut short) or `text` is empty.
struct Utf8Char {
  char32_t code_point = 0;
  std::size_t length = 0;
};
Utf8Char decode_utf8(std::string_view text);

// ASCII letters lower-cased; every other byte (UTF-8 included) kept. Tag,
// attribute, scheme, charset and header names are ASCII case-insensitive.
std::string lower_ascii(std::string_view text);
char lower_ascii(char c);

// `text` without the ASCII whitespace (space, \t, \n, \v, \f, \r) at its
// ends: what surrounds a value in a header, an attribute or a feed.
std::string_view trim_ascii(std::string_view text);

// How many bytes at the start of `text` are printable ASCII (0x20-0x7E),
// read 16 at a time: the run a text scanner can copy or skip at once
// before it must look at a character closely.
std::size_t printable_ascii_prefix(std::string_view text);

// RFC 3986 §3.1: the scheme `url` starts with, lower-cased ("https"), or
// "" when it has none (a relative reference, or text before ':' that is no
// scheme, as in "java script:").
std::string url_scheme(std::string_view url);

// Whether `url` is an absolute http or https address: the only kind an
// archive gives people as a source's address (javascript:, data:,
// vbscript:, file: and relative references are not).
bool is_web_url(std::string_view url);

// `url` as it may be printed, stored or logged: the userinfo of its
// authority ("https://TOKEN@host/", "https://user:pass@host/") shown as
// "***", and the values of query parameters named like credentials
// (access_token, token, private_token, key, api_key, password, auth, any
// case) as "***": "https://***@host/repo?access_token=***". Text that is
// no URL comes back unchanged.
std::string redact_url(std::string_view url);

// Whether redact_url would hide anything in `url`.
bool url_holds_credentials(std::string_view url);

// `text` (a message, an error a library wrote) with every URL in it
// ("scheme://...", up to the next space, quote or bracket) passed through
// redact_url.
std::string redact_urls(std::string_view text);

// RFC 3986 §5.2: `reference` resolved against `base`. An empty base, or a
// reference that is already absolute, returns the reference unchanged
// (whitespace trimmed). Never fails: an unparsable pair returns the
// reference as given.
std::string resolve_url(std::string_view base, std::string_view reference);

// RFC 3986 §6.2.2 and §6.2.3: an http or https `url` in the one form that
// identifies it, so that spellings of one address are one article. The
// scheme and host lower-cased; the default port (80, 443) dropped; an
// empty path made "/"; dot segments removed (§5.2.4: "http://x/a/../b" is
// "http://x/b"); percent-encodings upper-cased ("%3a" is "%3A") and those
// of unreserved characters decoded ("%7E" is "~"). The user info, query
// and fragment keep their characters (their percent-encodings normalised
// the same way). Anything else (another scheme, a relative reference,
// text that is no URL) comes back unchanged.
std::string normalize_url(std::string_view url);

// The origin of an http or https `url` ("https://host" or
// "http://host:8080", normalised as normalize_url does, without user
// info): what a connection is made to. "" for anything else.
std::string url_origin(std::string_view url);

// Whether `bytes` start as a compressed format does (JPEG, PNG, GIF, WebP,
// AVIF/MP4, gzip, zstd, zip): deflating them again costs time and saves
// nothing.
bool starts_as_compressed_format(std::string_view bytes);

// Calls body(0) ... body(count - 1), spread over the machine's cores (one
// thread each, handing out indexes in order), and returns when all are done.
// body must be safe to run concurrently for different indexes; the order of
// the calls is unspecified. With one core or a small count it runs inline.
// An exception from body ends the program (std::terminate): bodies report
// failures through what they write, as Result values.
void parallel_for(std::size_t count, const std::function<void(std::size_t)>& body);

// Work posted while it arrives (a feed parsed as soon as its response is
// in), run by one thread per core in the order posted. wait() returns once
// all posted work is done; the destructor waits too. post() and wait() are
// for one thread; the work must be safe to run concurrently, and an
// exception from it ends the program, as with parallel_for.
class WorkQueue {
 public:
  WorkQueue();
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void post(std::function<void()> work);
  void wait();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace newsvault

#endif  // NEWSVAULT_CORE_CORE_H_
