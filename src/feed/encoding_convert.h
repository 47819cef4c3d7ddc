// Private to the feed stage: the byte-level half of encoding.h. Which charset
// a label names, and turning bytes in a known charset into UTF-8 that an XML
// 1.0 parser accepts. decode_xml_document decides *which* charset; this file
// only converts.
//
// Plain functions over values; the iconv and uchardet handles they open are
// local to each call, so everything here is safe from any thread.
#ifndef NEWSVAULT_FEED_ENCODING_CONVERT_H_
#define NEWSVAULT_FEED_ENCODING_CONVERT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace newsvault::feed {

// How a charset's bytes become characters, which decides the converter.
enum class CharsetForm {
  kUtf8,
  kUtf16Le,
  kUtf16Be,
  kUtf16,  // byte order not named: the document's first bytes decide it
  kUtf32Le,
  kUtf32Be,
  kUtf32,
  kAscii,       // 7-bit only: a byte >= 0x80 does not decode
  kSingleByte,  // one byte, one character: a 256-entry table
  kMultiByte,   // ASCII-transparent multi-byte (GB18030, Big5, CP932, EUC-*): iconv
  kStateful,    // anything else iconv knows (ISO-2022-JP, ...): iconv over the whole input
};

struct Charset {
  // What the document is reported as having been read in, lower case as
  // feedparser names it: "utf-8", "gb18030", "shift_jis", "iso-8859-1".
  std::string name;
  // What iconv_open is given. Legacy charsets map to the superset that
  // decodes them: GB2312/GBK -> GB18030, Big5 -> BIG5-HKSCS,
  // Shift_JIS -> CP932, EUC-KR -> CP949, ISO-8859-1 -> windows-1252.
  std::string iconv_name;
  CharsetForm form = CharsetForm::kUtf8;
};

// The charset a label names. Case, '-', '_', ' ' and '.' are ignored
// ("UTF8", "Shift-JIS", "ISO_8859-1", "x-sjis", "cp936", "ms936", "latin1").
// A label outside the built-in table is passed to iconv as is. Returns
// nullopt when neither knows it.
std::optional<Charset> charset_for_label(std::string_view label);

// True when both read bytes the same way (same converter and table).
bool same_conversion(const Charset& a, const Charset& b);

enum class Strictness {
  kStrict,   // the first sequence the charset does not define fails the conversion
  kReplace,  // such a sequence becomes U+FFFD; for UTF-8, each stray byte is read
             // as windows-1252 instead (the usual cause is pasted windows-1252 text)
};

// Whether a conversion that changes nothing copies its input all the same.
enum class CopyPolicy {
  kAlwaysCopy,          // Conversion::utf8 always holds the result
  kViewWhenUnchanged,   // input already XML-ready UTF-8: Conversion::unchanged views it
};

struct Conversion {
  // UTF-8 with every character XML 1.0 forbids (C0 controls but tab, LF and
  // CR; U+FFFE, U+FFFF) removed and a leading U+FEFF dropped. Empty when
  // `unchanged` is set.
  std::string utf8;
  // Under CopyPolicy::kViewWhenUnchanged, when the result would have been a
  // copy of (the end of) the input: that part of the input, which then
  // stands for `utf8`. It points into the bytes given to convert_to_utf8.
  std::optional<std::string_view> unchanged;
  std::size_t invalid_sequences = 0;  // replaced (kReplace only)
  std::size_t decoded_non_ascii = 0;  // non-ASCII characters read well (kReplace only)
  std::size_t removed_characters = 0;

  // The converted text: `unchanged` when set, else `utf8`.
  std::string_view text() const { return unchanged ? *unchanged : std::string_view(utf8); }
};

// `bytes` (without its BOM) read in `charset`. For kUtf16/kUtf32 the byte
// order is taken from the first bytes. Valid UTF-8 in and no character to
// remove costs one validating scan and one copy, or no copy at all under
// CopyPolicy::kViewWhenUnchanged (likewise ASCII in a charset that reads
// ASCII as ASCII). Returns nullopt under kStrict when the bytes are not in
// `charset`, or when iconv cannot open it.
std::optional<Conversion> convert_to_utf8(std::string_view bytes, const Charset& charset,
                                          Strictness strictness,
                                          CopyPolicy copy = CopyPolicy::kAlwaysCopy);

struct Utf8Scan {
  bool valid = true;
  bool ascii_only = true;
  bool has_c1_range_bytes = false;  // a byte in 0x80-0x9F, i.e. a UTF-8 continuation
                                    // byte that windows-1252 reads as a non-Latin-1 letter
};
// One pass over `bytes` as UTF-8.
Utf8Scan scan_utf8(std::string_view bytes);

// Reserves room for `capacity` bytes in `out`. A large buffer is backed by
// 2 MB pages where Linux offers them: touching fresh memory 4 KB at a time
// costs more than converting or parsing it on virtual machines. Advice
// only: failure is harmless.
void reserve_output(std::string& out, std::size_t capacity);

// The charset uchardet guesses for `bytes` as a label ("SHIFT_JIS",
// "WINDOWS-1251"), or "" when it has no guess.
std::string detect_charset(std::string_view bytes);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_ENCODING_CONVERT_H_
