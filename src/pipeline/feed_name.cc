#include "pipeline/pipeline.h"

#include <algorithm>
#include <cctype>

#include "publish/publish.h"

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

std::optional<std::string> feed_name_problem(std::string_view name, std::string_view site_dir) {
  const std::string quoted = "feed name \"" + std::string(name) + "\": ";
  if (name.empty()) return quoted + "a feed needs a name";
  if (name.find_first_of("/\\") != std::string_view::npos || name.starts_with('.')) {
    return quoted + "a feed's name names its folder; use no '/', '\\' or leading '.'";
  }
  if (const auto use = publish::reserved_name_use(name)) {
    return quoted + std::string(*use) + " has this name in the archive";
  }
  // The site's own folder is a setting: its first part is a folder beside
  // the feeds' (the publish stage refuses a site folder that is a feed's).
  const std::string_view site = site_dir.substr(0, site_dir.find('/'));
  const auto same = [&](std::string_view other) {
    return std::ranges::equal(site, other, [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  };
  if (!site.empty() && (same(name) || same(publish::feed_folder(name)))) {
    return quoted + "the static site's folder ([publish.site] dir = \"" + std::string(site_dir) +
           "\") has this name in the archive";
  }
  return std::nullopt;
}

}  // namespace newsvault::pipeline
