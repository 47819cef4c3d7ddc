// The charset functions of feed.h: the feed stage's converter (iconv and
// uchardet behind encoding_convert.h), offered to the stages after it so
// that the program has one.
#include "feed/encoding.h"
#include "feed/encoding_convert.h"
#include "feed/feed.h"

namespace newsvault::feed {

std::string charset_name(std::string_view label) {
  const auto charset = charset_for_label(label);
  return charset ? charset->name : "";
}

std::optional<std::string> convert_charset(std::string_view bytes, std::string_view label,
                                           CharsetStrictness strictness) {
  const auto charset = charset_for_label(label);
  if (!charset) return std::nullopt;
  auto converted = convert_to_utf8(
      bytes, *charset, strictness == CharsetStrictness::kStrict ? Strictness::kStrict : Strictness::kReplace);
  if (!converted) return std::nullopt;
  return std::move(converted->utf8);
}

std::string guess_charset(std::string_view bytes) { return detect_charset(bytes); }

std::string content_type_charset(std::string_view content_type) {
  return charset_of_content_type(content_type);
}

}  // namespace newsvault::feed
