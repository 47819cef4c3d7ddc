#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

std::string feed_name_from(std::string_view text) {
  for (std::string_view scheme : {"https://", "http://", "file://"}) {
    if (text.starts_with(scheme)) text.remove_prefix(scheme.size());
  }
  if (text.starts_with("www.")) text.remove_prefix(4);
  std::string name;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
      name += c;  // UTF-8 is kept: a Chinese title makes a Chinese folder name
    } else if (c >= 'A' && c <= 'Z') {
      name += static_cast<char>(c - 'A' + 'a');
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  // At most 60 bytes, cut on a character boundary.
  if (name.size() > 60) {
    std::size_t cut = 60;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
    while (!name.empty() && name.back() == '-') name.pop_back();
  }
  return name.empty() ? "feed" : name;
}

}  // namespace newsvault::pipeline
