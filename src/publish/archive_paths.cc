#include "publish/archive_paths.h"

#include <chrono>
#include <cstdint>
#include <cstdio>

#include "publish/publish.h"

namespace newsvault::publish {
namespace {

constexpr std::size_t kMaxComponentBytes = 80;

bool is_safe_byte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// FNV-1a, 32 bits: stable across runs and platforms, which is all a name
// needs (std::hash promises neither).
std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Names the archive's own files take beside the feeds' folders: the root
// index and the whole archive's feeds out.
bool is_reserved_name(std::string_view name) {
  for (std::string_view reserved : {"README.md", "atom.xml", "rss.xml", "feed.json"}) {
    if (equals_ignoring_case(name, reserved)) return true;
  }
  return false;
}

std::chrono::year_month_day civil_day(Timestamp time) {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(time));
}

}  // namespace

std::string safe_path_component(std::string_view text) {
  std::string name;
  for (std::size_t i = 0; i < text.size();) {
    if (is_safe_byte(text[i])) {
      name += text[i++];
      continue;
    }
    while (i < text.size() && !is_safe_byte(text[i])) ++i;
    name += '-';
  }
  const auto first = name.find_first_not_of(".-");
  name = first == std::string::npos ? std::string() : name.substr(first);
  if (name.size() > kMaxComponentBytes) name.resize(kMaxComponentBytes);
  while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.pop_back();

  if (!name.empty() && name == text && !is_reserved_name(name)) return name;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(fnv1a(text)));
  return name.empty() ? std::string(suffix) : name + "-" + suffix;
}

std::string feed_folder(std::string_view feed_name) { return safe_path_component(feed_name); }

std::string format_day(Timestamp time) {
  const auto day = civil_day(time);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

std::string document_path(std::string_view feed_name, std::string_view article_key,
                          Timestamp date) {
  const auto day = civil_day(date);
  char folders[32];
  std::snprintf(folders, sizeof folders, "%04d/%02u/%02u-", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return feed_folder(feed_name) + "/" + folders + safe_path_component(article_key) + ".md";
}

}  // namespace newsvault::publish
