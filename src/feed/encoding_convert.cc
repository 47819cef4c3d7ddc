#include "core/core.h"
#include "feed/encoding_convert.h"

#include <iconv.h>
#include <sys/mman.h>
#include <uchardet/uchardet.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <memory>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NEWSVAULT_UTF8_SSSE3 1
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace newsvault::feed {
namespace {

// ---------------------------------------------------------------------------
// Labels

struct LabelEntry {
  std::string_view name;
  std::string_view iconv_name;
  CharsetForm form;
  std::string_view aliases;  // normalized (see normalize_label), space-separated
};

// WHATWG Encoding and Python's codec aliases, folded onto the supersets that
// decode them. A label is normalized before lookup, so "ISO_8859-1",
// "iso-8859-1" and "iso8859_1" are all "iso88591".
constexpr LabelEntry kLabels[] = {
    {"utf-8", "UTF-8", CharsetForm::kUtf8, "utf8 u8 unicode11utf8 unicode20utf8 xunicode20utf8"},
    {"utf-16", "UTF-16", CharsetForm::kUtf16, "utf16 u16 unicode ucs2 iso10646ucs2 csunicode"},
    {"utf-16le", "UTF-16LE", CharsetForm::kUtf16Le, "utf16le ucs2le unicodefeff"},
    {"utf-16be", "UTF-16BE", CharsetForm::kUtf16Be, "utf16be ucs2be unicodefffe"},
    {"utf-32", "UTF-32", CharsetForm::kUtf32, "utf32 u32 ucs4 iso10646ucs4 csucs4"},
    {"utf-32le", "UTF-32LE", CharsetForm::kUtf32Le, "utf32le ucs4le"},
    {"utf-32be", "UTF-32BE", CharsetForm::kUtf32Be, "utf32be ucs4be"},
    {"us-ascii", "ASCII", CharsetForm::kAscii,
     "usascii ascii us iso646us ansix341968 ansix341986 cp367 ibm367 csascii isoir6 646"},
    // ISO-8859-1 is read as windows-1252, its superset (WHATWG Encoding
    // does the same; feedparser maps U+0080-U+009F to windows-1252 later).
    {"iso-8859-1", "CP1252", CharsetForm::kSingleByte,
     "iso88591 latin1 l1 cp819 ibm819 csisolatin1 isoir100 iso885911987 8859"},
    {"windows-1252", "CP1252", CharsetForm::kSingleByte, "windows1252 cp1252 xcp1252 win1252"},
    {"iso-8859-2", "ISO-8859-2", CharsetForm::kSingleByte,
     "iso88592 latin2 l2 csisolatin2 isoir101 iso885921987"},
    {"iso-8859-3", "ISO-8859-3", CharsetForm::kSingleByte,
     "iso88593 latin3 l3 csisolatin3 isoir109 iso885931988"},
    {"iso-8859-4", "ISO-8859-4", CharsetForm::kSingleByte,
     "iso88594 latin4 l4 csisolatin4 isoir110 iso885941988"},
    {"iso-8859-5", "ISO-8859-5", CharsetForm::kSingleByte,
     "iso88595 cyrillic csisolatincyrillic isoir144 iso885951988"},
    {"iso-8859-6", "ISO-8859-6", CharsetForm::kSingleByte,
     "iso88596 arabic asmo708 ecma114 csisolatinarabic isoir127 iso885961987"},
    {"iso-8859-7", "ISO-8859-7", CharsetForm::kSingleByte,
     "iso88597 greek greek8 ecma118 elot928 csisolatingreek isoir126 iso885971987"},
    {"iso-8859-8", "ISO-8859-8", CharsetForm::kSingleByte,
     "iso88598 hebrew csisolatinhebrew isoir138 iso885981988 iso88598i visual logical"},
    {"iso-8859-9", "ISO-8859-9", CharsetForm::kSingleByte,
     "iso88599 latin5 l5 csisolatin5 isoir148 iso885991989"},
    {"iso-8859-10", "ISO-8859-10", CharsetForm::kSingleByte,
     "iso885910 latin6 l6 csisolatin6 isoir157 iso8859101992"},
    {"windows-874", "CP874", CharsetForm::kSingleByte,
     "windows874 cp874 dos874 tis620 iso885911 cstis620"},
    {"iso-8859-13", "ISO-8859-13", CharsetForm::kSingleByte, "iso885913 latin7 l7"},
    {"iso-8859-14", "ISO-8859-14", CharsetForm::kSingleByte, "iso885914 latin8 l8"},
    {"iso-8859-15", "ISO-8859-15", CharsetForm::kSingleByte,
     "iso885915 latin9 l9 csisolatin9 latin0"},
    {"iso-8859-16", "ISO-8859-16", CharsetForm::kSingleByte, "iso885916 latin10 l10"},
    {"windows-1250", "CP1250", CharsetForm::kSingleByte, "windows1250 cp1250 xcp1250 win1250"},
    {"windows-1251", "CP1251", CharsetForm::kSingleByte, "windows1251 cp1251 xcp1251 win1251"},
    {"windows-1253", "CP1253", CharsetForm::kSingleByte, "windows1253 cp1253 xcp1253 win1253"},
    {"windows-1254", "CP1254", CharsetForm::kSingleByte, "windows1254 cp1254 xcp1254 win1254"},
    {"windows-1255", "CP1255", CharsetForm::kSingleByte, "windows1255 cp1255 xcp1255 win1255"},
    {"windows-1256", "CP1256", CharsetForm::kSingleByte, "windows1256 cp1256 xcp1256 win1256"},
    {"windows-1257", "CP1257", CharsetForm::kSingleByte, "windows1257 cp1257 xcp1257 win1257"},
    // glibc's CP1258 composes base letters with the combining marks that
    // follow them, so it needs the whole input rather than a byte table.
    {"windows-1258", "CP1258", CharsetForm::kStateful, "windows1258 cp1258 xcp1258 win1258"},
    {"koi8-r", "KOI8-R", CharsetForm::kSingleByte, "koi8r koi8 koi cskoi8r"},
    {"koi8-u", "KOI8-U", CharsetForm::kSingleByte, "koi8u koi8ru"},
    {"ibm866", "IBM866", CharsetForm::kSingleByte, "ibm866 cp866 866 csibm866"},
    {"macintosh", "MACINTOSH", CharsetForm::kSingleByte,
     "macintosh mac macroman xmacroman csmacintosh"},
    {"x-mac-cyrillic", "MAC-CYRILLIC", CharsetForm::kSingleByte, "xmaccyrillic maccyrillic"},
    {"cp037", "IBM037", CharsetForm::kSingleByte, "cp037 ibm037 ebcdiccpus ebcdiccpca csibm037"},
    {"gb18030", "GB18030", CharsetForm::kMultiByte,
     "gb18030 gb2312 gbk cp936 ms936 windows936 xgbk csgb2312 chinese isoir58 gb231280 euccn "
     "xeuccn csiso58gb231280 cp54936"},
    {"big5", "BIG5-HKSCS", CharsetForm::kMultiByte,
     "big5 big5hkscs cnbig5 xxbig5 xbig5 csbig5 cp950 ms950 big5tw csbig5hkscs"},
    {"shift_jis", "CP932", CharsetForm::kMultiByte,
     "shiftjis sjis xsjis mskanji csshiftjis windows31j cswindows31j cp932 ms932 xmscp932"},
    {"euc-jp", "EUC-JP", CharsetForm::kMultiByte, "eucjp xeucjp cseucpkdfmtjapanese ujis"},
    {"euc-kr", "CP949", CharsetForm::kMultiByte,
     "euckr cseuckr ksc56011987 ksc56011989 ksc5601 isoir149 korean windows949 cp949 uhc "
     "xwindows949 ksx1001 cskscs56011987"},
    {"iso-2022-jp", "ISO-2022-JP", CharsetForm::kStateful, "iso2022jp csiso2022jp"},
};

std::string normalize_label(std::string_view label) {
  std::string key;
  key.reserve(label.size());
  for (const char c : label) {
    if (c == '-' || c == '_' || c == ' ' || c == '.' || c == '"' || c == '\'' || c == '\t')
      continue;
    key.push_back(lower_ascii(c));
  }
  return key;
}

bool alias_listed(std::string_view aliases, std::string_view key) {
  while (!aliases.empty()) {
    const std::size_t space = aliases.find(' ');
    if (aliases.substr(0, space) == key) return true;
    if (space == std::string_view::npos) break;
    aliases.remove_prefix(space + 1);
  }
  return false;
}

// ---------------------------------------------------------------------------
// C handles: one owner each.

struct IconvCloser {
  void operator()(void* descriptor) const { iconv_close(static_cast<iconv_t>(descriptor)); }
};
using IconvHandle = std::unique_ptr<void, IconvCloser>;

IconvHandle open_iconv(const char* to, const char* from) {
  iconv_t descriptor = iconv_open(to, from);
  if (descriptor == reinterpret_cast<iconv_t>(-1)) return nullptr;
  return IconvHandle(descriptor);
}

struct UchardetDeleter {
  void operator()(uchardet_t detector) const { uchardet_delete(detector); }
};
using UchardetHandle = std::unique_ptr<std::remove_pointer_t<uchardet_t>, UchardetDeleter>;

// ---------------------------------------------------------------------------
// Output buffers


// ---------------------------------------------------------------------------
// UTF-8

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// XML 1.0 §2.2: Char excludes the C0 controls but tab, LF and CR.
constexpr bool is_forbidden_ascii(unsigned char byte) {
  return byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r';
}

// Length of the valid UTF-8 sequence whose lead byte (>= 0x80) is at p[i],
// or 0 (Unicode 15 table 3-7: no overlongs, no surrogates, nothing past
// U+10FFFF).
inline std::size_t sequence_length(const unsigned char* p, std::size_t i, std::size_t n) {
  const unsigned char lead = p[i];
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return i + 1 < n && (p[i + 1] & 0xC0) == 0x80 ? 2 : 0;
  if (lead < 0xF0) {
    if (i + 2 >= n) return 0;
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return p[i + 1] >= low && p[i + 1] <= high && (p[i + 2] & 0xC0) == 0x80 ? 3 : 0;
  }
  if (lead < 0xF5) {
    if (i + 3 >= n) return 0;
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return p[i + 1] >= low && p[i + 1] <= high && (p[i + 2] & 0xC0) == 0x80 &&
                   (p[i + 3] & 0xC0) == 0x80
               ? 4
               : 0;
  }
  return 0;
}

// U+FFFE and U+FFFF (EF BF BE, EF BF BF): XML 1.0 §2.2 excludes them.
inline bool is_forbidden_sequence(const unsigned char* p, std::size_t i, std::size_t length) {
  return length == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE;
}

#ifdef NEWSVAULT_UTF8_SSSE3
// UTF-8 validation 16 bytes at a time, by the lookup algorithm of Keiser
// and Lemire ("Validating UTF-8 in less than one instruction per byte",
// Software: Practice and Experience 51(5), 2021): three table lookups on
// each byte and its predecessor classify every error a two-byte window can
// show (overlong, surrogate, too large, missing or stray continuation), and
// the bytes two and three back say where a third or fourth byte is due. On
// top, what XML 1.0 §2.2 forbids: C0 controls but tab, LF and CR, and
// U+FFFE/U+FFFF (EF BF BE/BF).
//
// It only ever vouches for text: skip_valid_utf8 returns how far, from a
// character boundary `from`, everything is valid, allowed and ends on a
// character boundary; the byte-by-byte reading takes over there, so that
// where and why the text stops is decided as it always was. The Ssse3
// suffix: compiled for SSSE3 (pshufb, palignr) and called only where the
// CPU has it.
__attribute__((target("ssse3"))) std::size_t skip_valid_utf8_ssse3(const unsigned char* p,
                                                                   std::size_t from,
                                                                   std::size_t n) {
  constexpr std::uint8_t kTooShort = 1 << 0;    // 11______ 0_______ / 11______ 11______
  constexpr std::uint8_t kTooLong = 1 << 1;     // 0_______ 10______
  constexpr std::uint8_t kOverlong3 = 1 << 2;   // 11100000 100_____
  constexpr std::uint8_t kTooLarge = 1 << 3;    // 11110100 1001____ and above
  constexpr std::uint8_t kSurrogate = 1 << 4;   // 11101101 101_____
  constexpr std::uint8_t kOverlong2 = 1 << 5;   // 1100000_ 10______
  constexpr std::uint8_t kTooLarge1000 = 1 << 6;  // 11110101 1000____ and above
  constexpr std::uint8_t kOverlong4 = 1 << 6;   // 11110000 1000____
  constexpr std::uint8_t kTwoConts = 1 << 7;    // 10______ 10______
  constexpr std::uint8_t kCarry = kTooShort | kTooLong | kTwoConts;
  const __m128i byte_1_high_table = _mm_setr_epi8(
      kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong,
      static_cast<char>(kTwoConts), static_cast<char>(kTwoConts), static_cast<char>(kTwoConts),
      static_cast<char>(kTwoConts), kTooShort | kOverlong2, kTooShort,
      kTooShort | kOverlong3 | kSurrogate, kTooShort | kTooLarge | kTooLarge1000 | kOverlong4);
  const __m128i byte_1_low_table = _mm_setr_epi8(
      static_cast<char>(kCarry | kOverlong3 | kOverlong2 | kOverlong4),
      static_cast<char>(kCarry | kOverlong2), static_cast<char>(kCarry),
      static_cast<char>(kCarry), static_cast<char>(kCarry | kTooLarge),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000 | kSurrogate),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000));
  const __m128i byte_2_high_table = _mm_setr_epi8(
      kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort,
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge1000 | kOverlong4),
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge),
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge),
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge),
      kTooShort, kTooShort, kTooShort, kTooShort);
  const __m128i low_nibble = _mm_set1_epi8(0x0F);
  const __m128i below_space = _mm_set1_epi8(0x20);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i line_feed = _mm_set1_epi8('\n');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  const __m128i lead_ef = _mm_set1_epi8(static_cast<char>(0xEF));
  const __m128i byte_bf = _mm_set1_epi8(static_cast<char>(0xBF));
  const __m128i high_bit = _mm_set1_epi8(static_cast<char>(0x80));
  // A lead byte in the last three places still wants continuation bytes:
  // 11______ in the last, 111_____ in the one before, 1111____ before that.
  const __m128i unfinished_above =
      _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, static_cast<char>(0xF0 - 1),
                    static_cast<char>(0xE0 - 1), static_cast<char>(0xC0 - 1));
  // Shifts right by 4 within each byte (SSE has no 8-bit shift).
  auto high_nibble = [&](__m128i v) { return _mm_and_si128(_mm_srli_epi16(v, 4), low_nibble); };

  __m128i previous = _mm_setzero_si128();  // `from` is a character boundary: as if ASCII before
  std::size_t at = from;
  for (; at + 16 <= n; at += 16) {
    const __m128i input = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    // Signed compare: one test for C0 controls and bytes >= 0x80.
    const __m128i allowed =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(input, tab), _mm_cmpeq_epi8(input, line_feed)),
                     _mm_cmpeq_epi8(input, carriage_return));
    const __m128i controls = _mm_andnot_si128(
        allowed, _mm_andnot_si128(_mm_cmplt_epi8(input, _mm_setzero_si128()),
                                  _mm_cmplt_epi8(input, below_space)));
    if (_mm_movemask_epi8(input) == 0) {
      // All ASCII (markup, mostly): the only errors are controls, and a
      // sequence the previous block left unfinished.
      const __m128i unfinished = _mm_subs_epu8(previous, unfinished_above);
      const __m128i errors = _mm_or_si128(controls, unfinished);
      if (_mm_movemask_epi8(_mm_cmpeq_epi8(errors, _mm_setzero_si128())) != 0xFFFF) break;
      previous = input;
      continue;
    }
    const __m128i previous_1 = _mm_alignr_epi8(input, previous, 15);
    const __m128i previous_2 = _mm_alignr_epi8(input, previous, 14);
    const __m128i previous_3 = _mm_alignr_epi8(input, previous, 13);
    const __m128i special =
        _mm_and_si128(_mm_and_si128(_mm_shuffle_epi8(byte_1_high_table, high_nibble(previous_1)),
                                    _mm_shuffle_epi8(byte_1_low_table,
                                                     _mm_and_si128(previous_1, low_nibble))),
                      _mm_shuffle_epi8(byte_2_high_table, high_nibble(input)));
    // A third byte is due after 111_____, a fourth after 1111____.
    const __m128i third_or_fourth = _mm_or_si128(
        _mm_subs_epu8(previous_2, _mm_set1_epi8(static_cast<char>(0xE0 - 0x80))),
        _mm_subs_epu8(previous_3, _mm_set1_epi8(static_cast<char>(0xF0 - 0x80))));
    const __m128i length_errors =
        _mm_xor_si128(_mm_and_si128(third_or_fourth, high_bit), special);
    // EF BF BE and EF BF BF: U+FFFE, U+FFFF.
    const __m128i noncharacter = _mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(previous_2, lead_ef), _mm_cmpeq_epi8(previous_1, byte_bf)),
        _mm_cmpeq_epi8(_mm_or_si128(input, _mm_set1_epi8(1)), byte_bf));
    const __m128i errors = _mm_or_si128(_mm_or_si128(length_errors, controls), noncharacter);
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(errors, _mm_setzero_si128())) != 0xFFFF) break;
    previous = input;
  }
  // The last character before `at` is left to the byte-by-byte reading:
  // it may be cut at `at`, its end not seen yet (or the error).
  if (at > from && p[at - 1] >= 0x80) {
    std::size_t lead = at - 1;
    while (lead > from && at - lead < 4 && (p[lead] & 0xC0) == 0x80) --lead;
    at = lead;
  }
  return at;
}

bool cpu_has_ssse3() {
  static const bool has = __builtin_cpu_supports("ssse3");
  return has;
}
#endif

enum class StopKind { kEnd, kInvalid, kForbidden };
struct Utf8Stop {
  std::size_t offset;
  std::size_t length;
  StopKind kind;
};

// The next place at or after `i` where `text` stops being XML-ready UTF-8:
// a byte outside any valid sequence, or a character XML forbids. This is
// the hot loop: 16 bytes at a time while they are printable ASCII or
// tab/LF/CR, byte by byte through non-ASCII runs.
Utf8Stop next_stop(std::string_view text, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  while (i < n) {
#ifdef __SSE2__
    const __m128i below_space = _mm_set1_epi8(0x20);
    const __m128i tab = _mm_set1_epi8('\t');
    const __m128i line_feed = _mm_set1_epi8('\n');
    const __m128i carriage_return = _mm_set1_epi8('\r');
    while (i + 16 <= n) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      // Signed compare: bytes >= 0x80 are negative, so one compare flags
      // both non-ASCII bytes and C0 controls.
      const __m128i flagged = _mm_cmplt_epi8(chunk, below_space);
      const __m128i allowed =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, tab), _mm_cmpeq_epi8(chunk, line_feed)),
                       _mm_cmpeq_epi8(chunk, carriage_return));
      const int mask = _mm_movemask_epi8(_mm_andnot_si128(allowed, flagged));
      if (mask == 0) {
        i += 16;
        continue;
      }
      i += static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
      break;
    }
    if (i >= n) break;
#endif
    const unsigned char byte = p[i];
    if (byte < 0x80) {
      if (is_forbidden_ascii(byte)) return {i, 1, StopKind::kForbidden};
      ++i;
      continue;
    }
#ifdef NEWSVAULT_UTF8_SSSE3
    // Text with non-ASCII characters in it (CJK, most of all): 16 bytes at
    // a time as long as they are clean.
    if (n - i >= 64 && cpu_has_ssse3()) {
      const std::size_t clean = skip_valid_utf8_ssse3(p, i, n);
      if (clean > i) {
        i = clean;
        continue;
      }
    }
#endif
    do {
      const std::size_t length = sequence_length(p, i, n);
      if (length == 0) return {i, 1, StopKind::kInvalid};
      if (is_forbidden_sequence(p, i, length)) return {i, length, StopKind::kForbidden};
      i += length;
    } while (i < n && p[i] >= 0x80);
  }
  return {n, 0, StopKind::kEnd};
}

// Offset of the first byte >= 0x80 at or after `i`, or text.size().
std::size_t find_non_ascii(std::string_view text, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
#ifdef __SSE2__
  while (i + 16 <= n) {
    const int mask = _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
    if (mask != 0)
      return i + static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

std::size_t count_lead_bytes(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0xC0;
  }));
}

// windows-1252 0x80-0x9F (WHATWG index; the five holes read as the C1
// control of the same number, as WHATWG and Latin-1 do).
constexpr std::array<char16_t, 32> kWindows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

char32_t windows1252_code_point(unsigned char byte) {
  return byte >= 0x80 && byte < 0xA0 ? kWindows1252High[byte - 0x80] : byte;
}

// Reads `text` as UTF-8. Valid input with nothing to remove is copied once,
// or not at all when `copy` allows.
std::optional<Conversion> utf8_to_utf8(std::string_view text, Strictness strictness,
                                       CopyPolicy copy) {
  Conversion result;
  Utf8Stop stop = next_stop(text, 0);
  if (stop.kind == StopKind::kEnd) {
    if (copy == CopyPolicy::kViewWhenUnchanged) {
      result.unchanged = text;
      return result;
    }
    reserve_output(result.utf8, text.size());
    result.utf8.assign(text);
    return result;
  }
  reserve_output(result.utf8, text.size() + text.size() / 8);
  std::size_t from = 0;
  while (true) {
    result.utf8.append(text.substr(from, stop.offset - from));
    if (stop.kind == StopKind::kEnd) break;
    if (stop.kind == StopKind::kForbidden) {
      ++result.removed_characters;
    } else {
      if (strictness == Strictness::kStrict) return std::nullopt;
      ++result.invalid_sequences;
      const char32_t code_point =
          windows1252_code_point(static_cast<unsigned char>(text[stop.offset]));
      if (code_point >= 0x20) newsvault::append_utf8(code_point, result.utf8);
    }
    from = stop.offset + stop.length;
    stop = next_stop(text, from);
  }
  return result;
}

// Drops what XML forbids from converter output, and repairs anything that
// is not UTF-8 (iconv should never produce it; U+FFFD if it does).
void sanitize_in_place(Conversion& conversion) {
  std::string& text = conversion.utf8;
  Utf8Stop stop = next_stop(text, 0);
  if (stop.kind == StopKind::kEnd) return;
  std::string clean;
  reserve_output(clean, text.size());
  std::size_t from = 0;
  while (true) {
    clean.append(std::string_view(text).substr(from, stop.offset - from));
    if (stop.kind == StopKind::kEnd) break;
    if (stop.kind == StopKind::kForbidden) {
      ++conversion.removed_characters;
    } else {
      clean.append(kReplacement);
      ++conversion.invalid_sequences;
    }
    from = stop.offset + stop.length;
    stop = next_stop(text, from);
  }
  text = std::move(clean);
}

// ---------------------------------------------------------------------------
// Single-byte charsets: a table built once per call from iconv.

struct ByteTable {
  static constexpr std::uint8_t kUndefined = 0xFF;
  std::array<std::array<char, 4>, 256> utf8{};
  std::array<std::uint8_t, 256> length{};  // 0: a character XML forbids (dropped)
};

void set_entry(ByteTable& table, unsigned byte, char32_t code_point) {
  if (code_point < 0x20 && is_forbidden_ascii(static_cast<unsigned char>(code_point))) {
    table.length[byte] = 0;
    return;
  }
  std::string bytes;
  newsvault::append_utf8(code_point, bytes);
  std::copy(bytes.begin(), bytes.end(), table.utf8[byte].begin());
  table.length[byte] = static_cast<std::uint8_t>(bytes.size());
}

std::optional<ByteTable> build_byte_table(const Charset& charset) {
  ByteTable table;
  if (charset.iconv_name == "CP1252") {  // the last resort must not depend on gconv modules
    for (unsigned byte = 0; byte < 256; ++byte) {
      set_entry(table, byte, windows1252_code_point(static_cast<unsigned char>(byte)));
    }
    return table;
  }
  IconvHandle converter = open_iconv("UTF-32LE", charset.iconv_name.c_str());
  if (!converter) return std::nullopt;
  auto* descriptor = static_cast<iconv_t>(converter.get());
  // WHATWG reads the unassigned 0x80-0x9F bytes of the windows-125x pages as
  // the C1 controls of the same number; elsewhere an unassigned byte fails.
  const bool c1_passthrough = charset.iconv_name.starts_with("CP12");
  for (unsigned byte = 0; byte < 256; ++byte) {
    char input = static_cast<char>(byte);
    std::array<unsigned char, 16> output{};
    char* in_pointer = &input;
    std::size_t in_left = 1;
    char* out_pointer = reinterpret_cast<char*>(output.data());
    std::size_t out_left = output.size();
    iconv(descriptor, nullptr, nullptr, nullptr, nullptr);
    const std::size_t status = iconv(descriptor, &in_pointer, &in_left, &out_pointer, &out_left);
    iconv(descriptor, nullptr, nullptr, &out_pointer, &out_left);
    const std::size_t produced = output.size() - out_left;
    if (status == static_cast<std::size_t>(-1) || produced != 4) {
      if (c1_passthrough && byte >= 0x80 && byte < 0xA0) {
        set_entry(table, byte, byte);
      } else {
        table.length[byte] = ByteTable::kUndefined;
      }
      continue;
    }
    const char32_t code_point =
        output[0] | (output[1] << 8) | (output[2] << 16) | (static_cast<char32_t>(output[3]) << 24);
    set_entry(table, byte, code_point);
  }
  return table;
}

// True when the table reads every ASCII character XML allows as itself
// (every charset here but EBCDIC's).
bool reads_ascii_as_ascii(const ByteTable& table) {
  for (unsigned byte = 0; byte < 0x80; ++byte) {
    if (is_forbidden_ascii(static_cast<unsigned char>(byte))) continue;
    if (table.length[byte] != 1 || table.utf8[byte][0] != static_cast<char>(byte)) return false;
  }
  return true;
}

std::optional<Conversion> single_byte_to_utf8(std::string_view text, const ByteTable& table,
                                              Strictness strictness, CopyPolicy copy) {
  Conversion result;
  // An ASCII document declared in, say, iso-8859-1 reads as itself.
  if (copy == CopyPolicy::kViewWhenUnchanged && find_non_ascii(text, 0) == text.size() &&
      next_stop(text, 0).kind == StopKind::kEnd && reads_ascii_as_ascii(table)) {
    result.unchanged = text;
    return result;
  }
  std::size_t total = 0;
  for (const char c : text) {
    const std::uint8_t length = table.length[static_cast<unsigned char>(c)];
    if (length == ByteTable::kUndefined) {
      if (strictness == Strictness::kStrict) return std::nullopt;
      ++result.invalid_sequences;
      total += kReplacement.size();
    } else {
      total += length;
      if (length == 0) ++result.removed_characters;
    }
  }
  reserve_output(result.utf8, total);
  result.utf8.resize_and_overwrite(total, [&](char* out, std::size_t) {
    char* cursor = out;
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      const std::uint8_t length = table.length[byte];
      if (length == ByteTable::kUndefined) {
        cursor = std::copy(kReplacement.begin(), kReplacement.end(), cursor);
      } else if (length == 1) {
        *cursor++ = table.utf8[byte][0];
      } else {
        cursor = std::copy_n(table.utf8[byte].begin(), length, cursor);
      }
    }
    return static_cast<std::size_t>(cursor - out);
  });
  return result;
}

// ---------------------------------------------------------------------------
// iconv

// Converts `input` and appends it to `out`, growing `out` in large steps and
// writing into it directly. Under kReplace an undecodable sequence becomes
// U+FFFD and `skip` bytes are stepped over. Returns false under kStrict at
// the first undecodable sequence.
bool iconv_append(iconv_t descriptor, std::string_view input, std::size_t skip,
                  Strictness strictness, std::string& out, std::size_t& invalid_sequences) {
  constexpr std::size_t kMaxStep = std::size_t{16} << 20;
  char* in_pointer = const_cast<char*>(input.data());  // iconv's API is not const-correct
  std::size_t in_left = input.size();
  while (in_left > 0) {
    const std::size_t used = out.size();
    const std::size_t room = std::min(in_left * 2 + 16, kMaxStep);
    int error = 0;
    out.resize_and_overwrite(used + room, [&](char* buffer, std::size_t size) {
      char* out_pointer = buffer + used;
      std::size_t out_left = size - used;
      if (iconv(descriptor, &in_pointer, &in_left, &out_pointer, &out_left) ==
          static_cast<std::size_t>(-1)) {
        error = errno;
      }
      return static_cast<std::size_t>(out_pointer - buffer);
    });
    if (error == 0 || error == E2BIG) continue;
    // EILSEQ (not in the charset) or EINVAL (cut off at the end).
    if (strictness == Strictness::kStrict) return false;
    ++invalid_sequences;
    out.append(kReplacement);
    const std::size_t step = std::min(skip, in_left);
    in_pointer += step;
    in_left -= step;
    iconv(descriptor, nullptr, nullptr, nullptr, nullptr);
  }
  // A stateful converter may still hold a character.
  const std::size_t used = out.size();
  out.resize_and_overwrite(used + 64, [&](char* buffer, std::size_t size) {
    char* out_pointer = buffer + used;
    std::size_t out_left = size - used;
    iconv(descriptor, nullptr, nullptr, &out_pointer, &out_left);
    return static_cast<std::size_t>(out_pointer - buffer);
  });
  return true;
}

// A byte that is never the second, third or fourth byte of a character in
// GB18030, Big5(-HKSCS), CP932, EUC-JP or CP949 (their trailing bytes are
// 0x30-0x39 or >= 0x40), so a run of ASCII starting there is plain ASCII.
constexpr bool starts_ascii_run(unsigned char byte) { return byte < 0x30 || byte == '<'; }

// ASCII-transparent multi-byte text: ASCII runs (the markup, mostly) are
// copied, only the spans between them go through iconv. Short ASCII runs
// stay inside a span to keep the number of iconv calls down.
bool multi_byte_append(iconv_t descriptor, std::string_view text, Strictness strictness,
                       std::string& out, std::size_t& invalid_sequences) {
  constexpr std::size_t kMinAsciiRun = 64;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const std::size_t span_start = find_non_ascii(text, i);
    out.append(text.substr(i, span_start - i));
    if (span_start == n) break;
    std::size_t span_end = n;
    std::size_t run_start = std::string_view::npos;
    for (std::size_t j = span_start; j < n; ++j) {
      if (p[j] >= 0x80) {
        run_start = std::string_view::npos;
      } else if (run_start == std::string_view::npos) {
        if (starts_ascii_run(p[j])) run_start = j;
      } else if (j - run_start >= kMinAsciiRun) {
        span_end = run_start;
        break;
      }
    }
    if (!iconv_append(descriptor, text.substr(span_start, span_end - span_start), 1, strictness,
                      out, invalid_sequences)) {
      return false;
    }
    i = span_end;
  }
  return true;
}

std::optional<Conversion> iconv_to_utf8(std::string_view text, const Charset& charset,
                                        Strictness strictness) {
  IconvHandle converter = open_iconv("UTF-8", charset.iconv_name.c_str());
  if (!converter) return std::nullopt;
  auto* descriptor = static_cast<iconv_t>(converter.get());
  Conversion result;
  // CJK: 2 bytes become 3; UTF-16: 2 bytes become at most 3.
  reserve_output(result.utf8, text.size() + text.size() / 2 + 64);
  bool converted;
  if (charset.form == CharsetForm::kMultiByte) {
    converted =
        multi_byte_append(descriptor, text, strictness, result.utf8, result.invalid_sequences);
  } else {
    std::size_t unit = 1;
    if (charset.form == CharsetForm::kUtf16Le || charset.form == CharsetForm::kUtf16Be) unit = 2;
    if (charset.form == CharsetForm::kUtf32Le || charset.form == CharsetForm::kUtf32Be) unit = 4;
    converted =
        iconv_append(descriptor, text, unit, strictness, result.utf8, result.invalid_sequences);
  }
  if (!converted) return std::nullopt;
  sanitize_in_place(result);
  return result;
}

// kUtf16/kUtf32 with no BOM: the byte order is where the zero bytes of the
// ASCII markup fall (XML 1.0 appendix F.1). nullopt when neither fits.
std::optional<Charset> with_byte_order(std::string_view text, const Charset& charset) {
  if (charset.form == CharsetForm::kUtf16 && text.size() >= 2) {
    if (text[0] == 0 && text[1] != 0) return Charset{"utf-16be", "UTF-16BE", CharsetForm::kUtf16Be};
    if (text[0] != 0 && text[1] == 0) return Charset{"utf-16le", "UTF-16LE", CharsetForm::kUtf16Le};
  }
  if (charset.form == CharsetForm::kUtf32 && text.size() >= 4) {
    if (text[0] == 0 && text[1] == 0 && text[2] == 0) {
      return Charset{"utf-32be", "UTF-32BE", CharsetForm::kUtf32Be};
    }
    if (text[1] == 0 && text[2] == 0 && text[3] == 0) {
      return Charset{"utf-32le", "UTF-32LE", CharsetForm::kUtf32Le};
    }
  }
  return std::nullopt;
}

}  // namespace

// The output is fresh memory: in 4 KB pages, 50 MB cost 150-300 ms of
// faults against ~12 ms in 2 MB pages on the Firecracker VM this was
// measured on.
void reserve_output(std::string& out, std::size_t capacity) {
  out.reserve(capacity);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::size_t kHugePageWorthwhile = std::size_t{4} << 20;
  if (out.capacity() < kHugePageWorthwhile) return;
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(out.data());
  const std::uintptr_t begin = (start + page - 1) & ~(page - 1);
  const std::uintptr_t end = (start + out.capacity()) & ~(page - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

std::optional<Charset> charset_for_label(std::string_view label) {
  const std::string key = normalize_label(label);
  if (key.empty()) return std::nullopt;
  for (const LabelEntry& entry : kLabels) {
    if (alias_listed(entry.aliases, key)) {
      return Charset{std::string(entry.name), std::string(entry.iconv_name), entry.form};
    }
  }
  // Anything else iconv knows by that name (hz-gb-2312, iso-2022-kr, utf-7,
  // ...). Only plain names: iconv also reads "//TRANSLIT" suffixes and
  // locale-dependent names such as "char".
  std::string name;
  for (const char c : label) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == ':';
    if (!plain) return std::nullopt;
    name.push_back(lower_ascii(c));
  }
  if (name.size() > 40 || name == "char" || name == "wchar_t") return std::nullopt;
  std::string iconv_name;
  for (const char c : name)
    iconv_name.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  if (!open_iconv("UTF-8", iconv_name.c_str())) return std::nullopt;
  return Charset{std::move(name), std::move(iconv_name), CharsetForm::kStateful};
}

bool same_conversion(const Charset& a, const Charset& b) {
  return a.form == b.form && a.iconv_name == b.iconv_name;
}

std::optional<Conversion> convert_to_utf8(std::string_view bytes, const Charset& charset,
                                          Strictness strictness, CopyPolicy copy) {
  if (charset.form == CharsetForm::kUtf16 || charset.form == CharsetForm::kUtf32) {
    const std::optional<Charset> ordered = with_byte_order(bytes, charset);
    if (!ordered) return std::nullopt;
    return convert_to_utf8(bytes, *ordered, strictness, copy);
  }
  std::optional<Conversion> result;
  switch (charset.form) {
    case CharsetForm::kUtf8:
      // A second BOM after the first (concatenated files) goes too.
      if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
      result = utf8_to_utf8(bytes, strictness, copy);
      break;
    case CharsetForm::kAscii: {
      const std::size_t non_ascii = find_non_ascii(bytes, 0);
      if (non_ascii != bytes.size() && strictness == Strictness::kStrict) return std::nullopt;
      // Under kReplace the stray bytes are read as UTF-8 or windows-1252.
      result = utf8_to_utf8(bytes, strictness, copy);
      break;
    }
    case CharsetForm::kSingleByte: {
      const std::optional<ByteTable> table = build_byte_table(charset);
      if (!table) return std::nullopt;
      result = single_byte_to_utf8(bytes, *table, strictness, copy);
      break;
    }
    default:
      result = iconv_to_utf8(bytes, charset, strictness);
      break;
  }
  if (!result) return std::nullopt;
  if (result->unchanged) {
    if (result->unchanged->starts_with(kUtf8Bom)) result->unchanged->remove_prefix(kUtf8Bom.size());
  } else if (result->utf8.starts_with(kUtf8Bom)) {
    result->utf8.erase(0, kUtf8Bom.size());
  }
  if (strictness == Strictness::kReplace) {
    // Every replacement is one non-ASCII character of the output.
    result->decoded_non_ascii = count_lead_bytes(result->text()) - result->invalid_sequences;
  }
  return result;
}

Utf8Scan scan_utf8(std::string_view bytes) {
  Utf8Scan scan;
  std::size_t from = 0;
  for (Utf8Stop stop = next_stop(bytes, from); stop.kind != StopKind::kEnd;
       stop = next_stop(bytes, from)) {
    if (stop.kind == StopKind::kInvalid) {
      scan.valid = false;
      scan.ascii_only = false;
      return scan;
    }
    from = stop.offset + stop.length;
  }
  const std::size_t non_ascii = find_non_ascii(bytes, 0);
  scan.ascii_only = non_ascii == bytes.size();
  if (!scan.ascii_only) {
    scan.has_c1_range_bytes = std::any_of(bytes.begin() + static_cast<std::ptrdiff_t>(non_ascii),
                                          bytes.end(), [](char c) {
                                            const auto byte = static_cast<unsigned char>(c);
                                            return byte >= 0x80 && byte < 0xA0;
                                          });
  }
  return scan;
}

std::string detect_charset(std::string_view bytes) {
  // What tells charsets apart is the non-ASCII text; markup before it is noise.
  constexpr std::size_t kSample = std::size_t{1} << 20;
  const std::size_t start = find_non_ascii(bytes, 0);
  if (start == bytes.size()) return "";
  const std::string_view sample = bytes.substr(start, kSample);
  const UchardetHandle detector(uchardet_new());
  if (!detector) return "";
  if (uchardet_handle_data(detector.get(), sample.data(), sample.size()) != 0) return "";
  uchardet_data_end(detector.get());
  const char* guess = uchardet_get_charset(detector.get());
  return guess == nullptr ? "" : guess;
}

}  // namespace newsvault::feed
