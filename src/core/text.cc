#include "core/core.h"

namespace newsvault {

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

std::string_view trim_ascii(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

bool starts_as_compressed_format(std::string_view bytes) {
  auto starts = [&](std::string_view magic, std::size_t at = 0) {
    return bytes.size() >= at + magic.size() && bytes.substr(at, magic.size()) == magic;
  };
  return starts("\xff\xd8\xff") || starts("\x89PNG") || starts("GIF8") ||
         (starts("RIFF") && starts("WEBP", 8)) || starts("ftyp", 4) || starts("\x1f\x8b") ||
         starts("\x28\xb5\x2f\xfd") || starts("PK\x03\x04");
}

}  // namespace newsvault
