#include "feed/encoding.h"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "feed/encoding_convert.h"

namespace newsvault::feed {
namespace {

using namespace std::string_view_literals;

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// ---------------------------------------------------------------------------
// What the bytes, the declaration and the HTTP header say.

// XML 1.0 appendix F.1: a byte order mark, or the zero bytes of "<" in a
// UTF-16/32 document without one (feedparser looks for "<?" only; any first
// character tells the same), or "<?xm" in EBCDIC.
struct Sniffed {
  std::string_view label;  // "" when the first bytes say nothing
  std::size_t bom_length = 0;
};

Sniffed sniff(std::string_view bytes) {
  if (bytes.starts_with("\x00\x00\xFE\xFF"sv)) return {"utf-32be", 4};
  if (bytes.starts_with("\xFF\xFE\x00\x00"sv)) return {"utf-32le", 4};
  if (bytes.starts_with("\xFE\xFF"sv)) return {"utf-16be", 2};
  if (bytes.starts_with("\xFF\xFE"sv)) return {"utf-16le", 2};
  if (bytes.starts_with("\xEF\xBB\xBF"sv)) return {"utf-8", 3};
  if (bytes.size() < 4) return {};
  if (bytes.starts_with("\x4C\x6F\xA7\x94"sv)) return {"cp037", 0};
  const bool zero0 = bytes[0] == 0, zero1 = bytes[1] == 0, zero2 = bytes[2] == 0,
             zero3 = bytes[3] == 0;
  if (zero0 && zero1 && zero2 && !zero3) return {"utf-32be", 0};
  if (!zero0 && zero1 && zero2 && zero3) return {"utf-32le", 0};
  if (zero0 && !zero1 && zero2 && !zero3) return {"utf-16be", 0};
  if (!zero0 && zero1 && !zero2 && zero3) return {"utf-16le", 0};
  return {};
}

// The first characters of a UTF-16/32 document as ASCII, enough to read its
// XML declaration; stops at the first character that is not ASCII.
std::string ascii_preview(std::string_view body, CharsetForm form) {
  std::size_t unit = 1;
  std::size_t low = 0;  // where the significant byte of a unit sits
  switch (form) {
    case CharsetForm::kUtf16Le:
      unit = 2;
      low = 0;
      break;
    case CharsetForm::kUtf16Be:
      unit = 2;
      low = 1;
      break;
    case CharsetForm::kUtf32Le:
      unit = 4;
      low = 0;
      break;
    case CharsetForm::kUtf32Be:
      unit = 4;
      low = 3;
      break;
    default:
      return "";
  }
  std::string preview;
  for (std::size_t at = 0; at + unit <= body.size() && preview.size() < 512; at += unit) {
    const char c = body[at + low];
    bool ascii = static_cast<unsigned char>(c) < 0x80;
    for (std::size_t k = 0; k < unit && ascii; ++k) ascii = k == low || body[at + k] == 0;
    if (!ascii) break;
    preview.push_back(c);
  }
  return preview;
}

// XML 1.0 §4.3.3: the encoding pseudo-attribute of the XML declaration,
// lower case, or "". Leading whitespace is skipped and the declaration may
// span lines (feedparser's pattern wants it at byte 0 on one line; a
// Big5 feed after a stray newline would then be read as UTF-8 and fail).
std::string declared_encoding(std::string_view text) {
  text = text.substr(0, 1024);
  std::size_t at = 0;
  while (at < text.size() && is_space(text[at])) ++at;
  text.remove_prefix(at);
  if (!text.starts_with("<?xml") || text.size() < 6 || !is_space(text[5])) return "";
  std::string_view declaration = text.substr(5, text.find('>') - 5);
  const std::size_t name = declaration.find("encoding");
  if (name == std::string_view::npos) return "";
  std::string_view rest = declaration.substr(name + 8);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  if (!rest.starts_with('=')) return "";
  rest.remove_prefix(1);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) return "";
  const char quote = rest.front();
  rest.remove_prefix(1);
  const std::size_t close = rest.find(quote);
  if (close == std::string_view::npos) return "";
  return lower_ascii(trim_ascii(rest.substr(0, close)));
}

// RFC 7303 §3 and feedparser's reading of its predecessor, RFC 3023.
enum class MediaClass {
  kNone,     // no Content-Type (a local file): the document decides
  kXml,      // application/xml, application/*+xml: charset, then declaration
  kTextXml,  // text/xml, text/*+xml: charset, else us-ascii
  kText,     // other text/*: charset, else us-ascii
  kOther,    // anything else: the charset parameter is ignored, as feedparser does
};

MediaClass classify(std::string_view content_type) {
  const std::string media = lower_ascii(trim_ascii(content_type.substr(0, content_type.find(';'))));
  if (media.empty()) return MediaClass::kNone;
  if (media == "application/xml" || media == "application/xml-dtd" ||
      media == "application/xml-external-parsed-entity" ||
      (media.starts_with("application/") && media.ends_with("+xml"))) {
    return MediaClass::kXml;
  }
  if (media == "text/xml" || media == "text/xml-external-parsed-entity" ||
      (media.starts_with("text/") && media.ends_with("+xml"))) {
    return MediaClass::kTextXml;
  }
  if (media.starts_with("text/")) return MediaClass::kText;
  return MediaClass::kOther;
}

// ---------------------------------------------------------------------------
// Proposals: the charsets to try, in order.

enum class Source {
  kByteOrderMark,
  kHttp,
  kDeclaration,
  kTextDefault,  // text/* without charset: us-ascii
  kDefault,      // nothing said: utf-8
  kFallback,     // feedparser's next tries: utf-8
  kDetected,     // uchardet
  kLastResort,   // windows-1252, which reads any byte
};

struct Proposal {
  Source source;
  std::string label;
  std::optional<Charset> charset;  // nullopt: a label nobody knows
};

std::string claim(const Proposal& proposal) {
  switch (proposal.source) {
    case Source::kByteOrderMark:
      return "the byte order mark says " + proposal.charset->name;
    case Source::kHttp:
      return "the HTTP charset is " + proposal.label;
    case Source::kDeclaration:
      return "declared " + proposal.label;
    case Source::kTextDefault:
      return "a text/* type without charset means us-ascii";
    case Source::kDefault:
      return "no charset given (utf-8 assumed)";
    case Source::kFallback:
      return "utf-8";
    case Source::kDetected:
      return "detected " + proposal.charset->name;
    case Source::kLastResort:
      return "windows-1252";
  }
  return "";
}

// Same charset up to byte order: a "utf-16" declaration agrees with a
// UTF-16LE byte order mark.
bool same_family(const Charset& a, const Charset& b) {
  if (same_conversion(a, b)) return true;
  auto family = [](CharsetForm form) {
    switch (form) {
      case CharsetForm::kUtf16:
      case CharsetForm::kUtf16Le:
      case CharsetForm::kUtf16Be:
        return 16;
      case CharsetForm::kUtf32:
      case CharsetForm::kUtf32Le:
      case CharsetForm::kUtf32Be:
        return 32;
      default:
        return 0;
    }
  };
  return family(a.form) != 0 && family(a.form) == family(b.form);
}

bool is_multi_byte(const Charset& charset) {
  return charset.form != CharsetForm::kSingleByte && charset.form != CharsetForm::kAscii;
}

// uchardet's guesses among Latin-script single-byte charsets are unreliable
// on the short texts feeds carry (a French "Café, Présentation" comes back
// as ISO-8859-2); feedparser's windows-1252 is the better bet for those.
// Its multi-byte, Cyrillic, Greek, Hebrew, Arabic and Thai guesses are kept.
bool trust_detection(const Charset& charset) {
  switch (charset.form) {
    case CharsetForm::kMultiByte:
    case CharsetForm::kUtf16:
    case CharsetForm::kUtf16Le:
    case CharsetForm::kUtf16Be:
    case CharsetForm::kUtf32:
    case CharsetForm::kUtf32Le:
    case CharsetForm::kUtf32Be:
      return true;
    default:
      break;
  }
  constexpr std::string_view kTrusted[] = {
      "koi8-r",      "koi8-u",       "windows-1251", "iso-8859-5",   "ibm866",     "x-mac-cyrillic",
      "iso-8859-7",  "windows-1253", "iso-8859-8",   "windows-1255", "iso-8859-6", "windows-1256",
      "windows-874", "iso-2022-jp",  "iso-2022-kr",  "iso-2022-cn",  "hz-gb-2312", "euc-tw"};
  for (const std::string_view name : kTrusted) {
    if (charset.name == name) return true;
  }
  return false;
}

// How many undecodable sequences a reading may have and still be the right
// one. A byte order mark settles the charset (RFC 7303 §3.3), whatever the
// damage. A UTF-8 document with windows-1252 pasted in keeps most of its
// non-ASCII text valid; windows-1252 text read as UTF-8 forms a valid
// sequence only by accident. For the legacy multi-byte charsets, text in
// another charset still pairs up often, so the bar is higher (1 in 20).
bool acceptable_damage(Source source, const Charset& charset, const Conversion& conversion) {
  if (conversion.invalid_sequences == 0 || source == Source::kByteOrderMark) return true;
  if (charset.form == CharsetForm::kUtf8) {
    return conversion.decoded_non_ascii > conversion.invalid_sequences;
  }
  return conversion.decoded_non_ascii >= 20 * conversion.invalid_sequences;
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

void add_problem(DecodedDocument& document, std::string problem) {
  document.problems.push_back(std::move(problem));
}

}  // namespace

std::string charset_of_content_type(std::string_view content_type) {
  // RFC 9110 §8.3.1: type/subtype *( OWS ";" OWS name=value ); names are
  // case-insensitive and a value may be a quoted-string.
  const std::size_t size = content_type.size();
  std::size_t at = content_type.find(';');
  while (at != std::string_view::npos) {
    const std::size_t name_start = at + 1;
    std::size_t name_end = name_start;
    while (name_end < size && content_type[name_end] != '=' && content_type[name_end] != ';') {
      ++name_end;
    }
    if (name_end >= size) break;
    if (content_type[name_end] == ';') {
      at = name_end;
      continue;
    }
    const std::string name =
        lower_ascii(trim_ascii(content_type.substr(name_start, name_end - name_start)));
    std::size_t value_start = name_end + 1;
    while (value_start < size && is_space(content_type[value_start])) ++value_start;
    std::string value;
    if (value_start < size && content_type[value_start] == '"') {
      std::size_t i = value_start + 1;
      for (; i < size && content_type[i] != '"'; ++i) {
        if (content_type[i] == '\\' && i + 1 < size) ++i;
        value.push_back(content_type[i]);
      }
      at = content_type.find(';', i);
    } else {
      at = content_type.find(';', value_start);
      value = std::string(trim_ascii(content_type.substr(
          value_start, at == std::string_view::npos ? std::string_view::npos : at - value_start)));
    }
    if (name == "charset") {
      // feedparser drops single quotes too: charset='utf-8' is seen.
      std::erase(value, '\'');
      return lower_ascii(trim_ascii(value));
    }
  }
  return "";
}

Result<DecodedDocument> decode_xml_document(std::string_view bytes,
                                            std::string_view http_content_type,
                                            CopyPolicy copy) {
  DecodedDocument document;
  const Sniffed sniffed = sniff(bytes);
  const std::string_view body = bytes.substr(sniffed.bom_length);
  const std::optional<Charset> sniffed_charset =
      sniffed.label.empty() ? std::nullopt : charset_for_label(sniffed.label);

  const std::string declared = sniffed_charset && sniffed_charset->form != CharsetForm::kUtf8
                                   ? declared_encoding(ascii_preview(body, sniffed_charset->form))
                                   : declared_encoding(body);
  const MediaClass media = classify(http_content_type);
  const std::string http_charset = media == MediaClass::kNone || media == MediaClass::kOther
                                       ? ""
                                       : charset_of_content_type(http_content_type);

  // The order to try, after feedparser: the charset RFC 3023 picks, then the
  // declaration, then utf-8. The BOM comes first: RFC 7303 §3.3 and XML
  // 1.0 §4.3.3 let it override both (feedparser tries it after them; where
  // they disagree, the BOM is what the bytes are).
  std::vector<Proposal> proposals;
  auto propose = [&](Source source, std::string label) {
    std::optional<Charset> charset = charset_for_label(label);
    proposals.push_back({source, std::move(label), std::move(charset)});
  };
  if (sniffed_charset) {
    proposals.push_back({Source::kByteOrderMark, std::string(sniffed.label), sniffed_charset});
  }
  switch (media) {
    case MediaClass::kXml:
      if (!http_charset.empty()) propose(Source::kHttp, http_charset);
      break;
    case MediaClass::kTextXml:
    case MediaClass::kText:
      // RFC 3023 §3.1 (feedparser): us-ascii. A document it cannot read
      // moves on to its declaration, which is where RFC 7303 §3.2 (the
      // rule today) goes anyway, so that is no problem.
      propose(http_charset.empty() ? Source::kTextDefault : Source::kHttp,
              http_charset.empty() ? "us-ascii" : http_charset);
      break;
    case MediaClass::kNone:
    case MediaClass::kOther:
      break;
  }
  if (!declared.empty()) propose(Source::kDeclaration, declared);
  if (proposals.empty() || (proposals.size() == 1 && proposals[0].source == Source::kTextDefault)) {
    propose(Source::kDefault, "utf-8");
  } else {
    propose(Source::kFallback, "utf-8");
  }

  // What a reader of the document was meant to use: the first proposal
  // with a say (us-ascii for text/* only counts when nothing else does).
  std::size_t intended = 0;
  while (intended + 1 < proposals.size() && (proposals[intended].source == Source::kTextDefault ||
                                             proposals[intended].source == Source::kFallback)) {
    ++intended;
  }

  if (sniffed_charset) {
    for (const Proposal& proposal : proposals) {
      if ((proposal.source == Source::kHttp || proposal.source == Source::kDeclaration) &&
          proposal.charset && !same_family(*proposal.charset, *sniffed_charset)) {
        add_problem(document, "the byte order mark says " + sniffed_charset->name + "; " +
                                  claim(proposal) + " was ignored");
      }
    }
  }

  // `winner` indexes `proposals`, which grows below: no references into it.
  auto finish = [&](std::size_t winner, const Charset& charset, Conversion conversion,
                    Strictness strictness) -> DecodedDocument {
    const bool detected = proposals[winner].source == Source::kDetected;
    const std::string read_as = charset.name + (detected ? " (detected)" : "");
    // A proposal before the intended one can only be us-ascii for text/*,
    // which is no surprise when it fits.
    if (winner > intended) {
      const Proposal& meant = proposals[intended];
      if (!meant.charset) {
        add_problem(document,
                    std::string(meant.source == Source::kHttp ? "unknown HTTP charset \""
                                                              : "unknown declared charset \"") +
                        meant.label + "\"; read as " + read_as);
      } else {
        add_problem(document, (meant.source == Source::kDefault
                                   ? std::string("no charset given and the bytes are not utf-8")
                                   : claim(meant) + " but the bytes are not") +
                                  "; read as " + read_as);
      }
    }
    if (strictness == Strictness::kReplace && conversion.invalid_sequences > 0) {
      if (charset.form == CharsetForm::kUtf8) {
        add_problem(document, plural(conversion.invalid_sequences, "byte is", "bytes are") +
                                  " not utf-8; read as windows-1252");
      } else {
        add_problem(document,
                    plural(conversion.invalid_sequences, "byte sequence", "byte sequences") +
                        " not in " + charset.name + "; replaced with U+FFFD");
      }
    }
    if (conversion.removed_characters > 0) {
      add_problem(document, "removed " + plural(conversion.removed_characters, "control character",
                                                "control characters"));
    }
    document.utf8 = std::move(conversion.utf8);
    document.as_is = conversion.unchanged;
    document.encoding = charset.name;
    return std::move(document);
  };

  // 1. Each proposal, strictly.
  std::vector<Charset> tried;
  auto already_tried = [&](const Charset& charset) {
    for (const Charset& earlier : tried) {
      if (same_conversion(earlier, charset)) return true;
    }
    return false;
  };
  for (std::size_t index = 0; index < proposals.size(); ++index) {
    const Proposal& proposal = proposals[index];
    if (!proposal.charset || already_tried(*proposal.charset)) continue;
    tried.push_back(*proposal.charset);
    const Charset& charset = *proposal.charset;
    if (charset.name == "iso-8859-1" || charset.name == "windows-1252") {
      // feedparser reads such a document as declared, then re-reads each
      // text value as UTF-8 when its characters all fit Latin-1 and their
      // bytes are valid UTF-8 (mixin.py: "people take data that is already
      // utf-8, presume that it is iso-8859-1"). For a document that is
      // valid UTF-8 throughout, that is reading it as UTF-8; windows-1252
      // takes bytes 0x80-0x9F out of Latin-1, so there it never applies.
      const Utf8Scan scan = scan_utf8(body);
      if (scan.valid && !scan.ascii_only &&
          (charset.name == "iso-8859-1" || !scan.has_c1_range_bytes)) {
        const Charset utf8 = *charset_for_label("utf-8");
        if (std::optional<Conversion> conversion =
                convert_to_utf8(body, utf8, Strictness::kStrict, copy)) {
          add_problem(document, claim(proposal) + " but the bytes are utf-8; read as utf-8");
          return finish(intended, utf8, std::move(*conversion), Strictness::kStrict);
        }
      }
    }
    if (std::optional<Conversion> conversion =
            convert_to_utf8(body, charset, Strictness::kStrict, copy)) {
      return finish(index, charset, std::move(*conversion), Strictness::kStrict);
    }
  }

  // 2. A multi-byte proposal that reads nearly everything: a UTF-8 feed
  // with a windows-1252 quote pasted in, a GBK feed with one broken byte.
  for (std::size_t index = 0; index < proposals.size(); ++index) {
    const std::optional<Charset>& charset = proposals[index].charset;
    if (!charset || !is_multi_byte(*charset)) continue;
    std::optional<Conversion> conversion = convert_to_utf8(body, *charset, Strictness::kReplace, copy);
    if (conversion && acceptable_damage(proposals[index].source, *charset, *conversion)) {
      return finish(index, *charset, std::move(*conversion), Strictness::kReplace);
    }
  }

  // 3. What uchardet makes of it, if it is a guess worth trusting.
  if (std::optional<Charset> charset = charset_for_label(detect_charset(body));
      charset && trust_detection(*charset)) {
    proposals.push_back({Source::kDetected, charset->name, charset});
    const std::size_t index = proposals.size() - 1;
    if (!already_tried(*charset)) {
      if (std::optional<Conversion> conversion =
              convert_to_utf8(body, *charset, Strictness::kStrict, copy)) {
        return finish(index, *charset, std::move(*conversion), Strictness::kStrict);
      }
    }
    if (is_multi_byte(*charset)) {
      std::optional<Conversion> conversion = convert_to_utf8(body, *charset, Strictness::kReplace, copy);
      if (conversion && acceptable_damage(Source::kDetected, *charset, *conversion)) {
        return finish(index, *charset, std::move(*conversion), Strictness::kReplace);
      }
    }
  }

  // 4. windows-1252 reads every byte (WHATWG: its five holes are C1 controls).
  propose(Source::kLastResort, "windows-1252");
  const std::size_t last = proposals.size() - 1;
  const Charset windows1252 = *proposals[last].charset;
  if (std::optional<Conversion> conversion =
          convert_to_utf8(body, windows1252, Strictness::kStrict, copy)) {
    return finish(last, windows1252, std::move(*conversion), Strictness::kStrict);
  }
  return make_error(ErrorCode::kEncoding, "no charset decodes the document (tried " +
                                              claim(proposals[intended]) +
                                              ", utf-8 and windows-1252)");
}

}  // namespace newsvault::feed
