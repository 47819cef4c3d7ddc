// Private to the feed stage: deciding a document's charset and turning its
// bytes into UTF-8 that an XML parser accepts.
#ifndef NEWSVAULT_FEED_ENCODING_H_
#define NEWSVAULT_FEED_ENCODING_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace newsvault::feed {

struct DecodedDocument {
  // The whole document as UTF-8, with every character XML 1.0 forbids
  // (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) removed and
  // the BOM dropped. The XML declaration is left as it was; the parser is
  // told to ignore its encoding label.
  std::string utf8;
  // The charset the bytes were read in, lower case as feedparser reports it
  // ("utf-8", "gb18030", "windows-1252", "big5", "shift_jis", "koi8-r").
  std::string encoding;
  // What did not fit, in words a person understands: "declared utf-8 but
  // is not; read as windows-1252", "removed 3 control characters".
  std::vector<std::string> problems;
};

// Decides the charset of an XML document and converts it to UTF-8.
//
// Order (RFC 7303 §3, as feedparser applies it): a BOM wins; then the
// charset parameter of an XML-ish or text/* HTTP Content-Type; then the
// XML declaration's encoding (for text/* without charset, us-ascii as
// RFC 7303 says, unless the declaration says otherwise, as feedparser does);
// then UTF-8. Legacy labels map to their supersets: gb2312/gbk -> gb18030,
// big5 -> big5-hkscs, iso-8859-1/us-ascii -> windows-1252,
// shift_jis -> cp932/windows-31j.
// When the chosen charset does not decode the bytes, falls back to UTF-8,
// then to a detected charset (uchardet), then windows-1252, and says so in
// `problems`.
// Fails with kEncoding only when no charset at all can decode the bytes.
Result<DecodedDocument> decode_xml_document(std::string_view bytes,
                                            std::string_view http_content_type);

// The charset parameter of a Content-Type value, lower case, or "".
std::string charset_of_content_type(std::string_view content_type);

}  // namespace newsvault::feed

#endif  // NEWSVAULT_FEED_ENCODING_H_
