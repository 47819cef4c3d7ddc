// Private to the extract stage: which charset a web page is written in, and
// the page as UTF-8.
#ifndef NEWSVAULT_EXTRACT_PAGE_ENCODING_H_
#define NEWSVAULT_EXTRACT_PAGE_ENCODING_H_

#include <string>
#include <string_view>

namespace newsvault::extract {

struct DecodedPage {
  std::string utf8;      // the page as UTF-8, BOM dropped
  std::string encoding;  // what it was read as ("utf-8", "gb18030", "shift_jis", ...)
};

// Decides the page's charset and converts it (HTML Living Standard §13.2.3.2,
// "determining the character encoding", without the steps that need a
// browser): a BOM first; then the Content-Type charset; then a <meta
// charset> or <meta http-equiv="Content-Type"> in the first 4096 bytes
// (§13.2.3.2 step 5 "prescan", read with a byte-level tokenizer); then
// uchardet's guess; then UTF-8. A label whose charset does not decode the
// bytes (UTF-8 declared over GBK bytes, the usual lie) gives way to the
// bytes themselves: valid UTF-8 is read as UTF-8, anything else as uchardet
// guesses; windows-1252 reads what nothing else can. Any other label over
// bytes that are valid non-ASCII UTF-8 gives way to UTF-8. Never fails.
DecodedPage decode_page(std::string_view bytes, std::string_view http_content_type);

// The charset a page's <meta> declares within its first 4096 bytes, lower
// case, or "" when none does.
std::string meta_charset(std::string_view bytes);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_PAGE_ENCODING_H_
