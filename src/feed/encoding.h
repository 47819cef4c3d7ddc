// Private to the feed stage: deciding a document's charset and turning its
// bytes into UTF-8 that an XML parser accepts.
#ifndef NEWSVAULT_FEED_ENCODING_H_
#define NEWSVAULT_FEED_ENCODING_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "feed/encoding_convert.h"

namespace newsvault::feed {

struct DecodedDocument {
  // The whole document as UTF-8, with every character XML 1.0 forbids
  // (C0 controls but tab/LF/CR, U+FFFE/U+FFFF) removed and the BOM dropped
  // (a U+FEFF further in stays). Bytes the charset does not define (a lone
  // surrogate in UTF-16, a broken GBK pair) are U+FFFD. The XML
  // declaration is left as it was; the parser is told to ignore its
  // encoding label. Empty when `as_is` holds the document.
  std::string utf8;
  // Set instead of `utf8` under CopyPolicy::kViewWhenUnchanged when the
  // bytes needed no change beyond dropping a BOM: the document, as a view of
  // the bytes given to decode_xml_document (valid as long as they are).
  std::optional<std::string_view> as_is;
  // The charset the bytes were read in, lower case as feedparser reports it
  // ("utf-8", "utf-16le", "gb18030", "big5", "shift_jis", "euc-kr",
  // "iso-8859-1", "windows-1252", "koi8-r"). A label is reported under its
  // family's name even when a superset did the reading ("gbk" -> "gb18030",
  // "x-sjis" -> "shift_jis" read as CP932).
  std::string encoding;
  // What did not fit, in words a person understands: "declared utf-8 but
  // the bytes are not; read as windows-1252", "removed 3 control
  // characters". Empty when the document was what it said.
  std::vector<std::string> problems;

  // The document as UTF-8: `as_is` when set, else `utf8`.
  std::string_view text() const { return as_is ? *as_is : std::string_view(utf8); }
};

// Decides the charset of an XML document and converts it to UTF-8.
// `http_content_type` is the Content-Type header, "" for a local file.
//
// Order (RFC 7303 §3, as feedparser 6.0.10's convert_to_utf8 applies it):
//  1. A BOM (UTF-8, UTF-16LE/BE, UTF-32LE/BE), or, without one, the zero
//     bytes of "<" in UTF-16/32 or "<?xm" in EBCDIC (XML 1.0 appendix F.1).
//     It outranks all below (RFC 7303 §3.3; feedparser tries it after them,
//     which only matters when they disagree, and then the BOM is right).
//  2. By media type: application/xml and application/*+xml: the charset
//     parameter, else the XML declaration, else utf-8. text/xml, text/*+xml
//     and other text/*: the charset parameter, else us-ascii (RFC 3023),
//     which gives way to the declaration when a byte is not ASCII (which is
//     RFC 7303's rule anyway). Any other type, or none: the declaration,
//     else utf-8 (a charset parameter on, say, application/octet-stream is
//     ignored, as feedparser does).
//  3. Then the declaration, then utf-8, as feedparser tries them next.
// Legacy labels are read with their supersets: gb2312/gbk -> GB18030,
// big5 -> BIG5-HKSCS, shift_jis -> CP932, euc-kr -> CP949,
// iso-8859-1 -> windows-1252; us-ascii is strict, so non-ASCII bytes move on.
// A label nobody knows is skipped and said so.
// A document declared iso-8859-1 (or windows-1252, when no byte is in
// 0x80-0x9F) whose bytes are valid UTF-8 is read as UTF-8: that is what
// feedparser's per-value "utf-8 presumed iso-8859-1" repair arrives at.
// When no choice above decodes every byte: the first multi-byte one that
// decodes nearly all (a BOM's always; UTF-8 with stray bytes, each then read
// as windows-1252, when valid sequences outnumber them; GB18030 etc. with at
// most 1 bad sequence in 20 characters, each then U+FFFD); then uchardet's
// guess when it is CJK, Cyrillic, Greek, Hebrew, Arabic or Thai (its Latin
// guesses on short texts are poor); then windows-1252, which reads every
// byte (its five holes as C1 controls, as WHATWG does). Each step away from
// the intended charset is recorded in `problems`.
// Valid UTF-8 (the common case) costs one validating scan and one copy, or
// no copy under CopyPolicy::kViewWhenUnchanged (`as_is` then views `bytes`).
// Fails with kEncoding only when no charset at all can decode the bytes,
// which with windows-1252 last does not happen.
Result<DecodedDocument> decode_xml_document(std::string_view bytes,
                                            std::string_view http_content_type,
                                            CopyPolicy copy = CopyPolicy::kAlwaysCopy);

// The charset parameter of a Content-Type value, lower case, unquoted
// (single quotes too, as feedparser does), or "" when there is none.
std::string charset_of_content_type(std::string_view content_type);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_ENCODING_H_
