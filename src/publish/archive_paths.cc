#include "publish/archive_paths.h"

#include <chrono>
#include <cstdint>
#include <cstdio>

#include "publish/publish.h"
#include "store/store.h"

namespace newsvault::publish {
namespace {

constexpr std::size_t kMaxComponentBytes = 80;
// Hex digits of SHA-256 a mapped name carries: 128 bits, so that no two
// inputs anyone can find share one (a collision costs about 2^64 hashes).
constexpr std::size_t kHashDigits = 32;

bool is_safe_byte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// What a name may hold to be kept as it is: no upper case, so that two kept
// names never differ only in case (macOS and Windows file systems, and git
// checkouts on them, fold case).
bool is_kept_byte(char c) { return is_safe_byte(c) && !(c >= 'A' && c <= 'Z'); }

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Names a Windows file system will not create, with any extension.
bool is_device_name(std::string_view name) {
  const std::string_view stem = name.substr(0, name.find('.'));
  for (std::string_view device : {"con", "prn", "aux", "nul"}) {
    if (equals_ignoring_case(stem, device)) return true;
  }
  if (stem.size() == 4 && stem[3] >= '0' && stem[3] <= '9') {
    return equals_ignoring_case(stem.substr(0, 3), "com") || equals_ignoring_case(stem.substr(0, 3), "lpt");
  }
  return false;
}

// The shape of a mapped name: its hash, alone or after "-".
bool has_mapped_shape(std::string_view name) {
  if (name.size() < kHashDigits) return false;
  const std::string_view tail = name.substr(name.size() - kHashDigits);
  for (char c : tail) {
    if (!is_lower_hex(c)) return false;
  }
  return name.size() == kHashDigits || name[name.size() - kHashDigits - 1] == '-';
}

// `text` with every run of unsafe bytes one '-', no leading or trailing
// '.' or '-', at most `limit` bytes.
std::string slug(std::string_view text, std::size_t limit) {
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
  if (name.size() > limit) name.resize(limit);
  while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.pop_back();
  return name;
}

std::chrono::year_month_day civil_day(Timestamp time) {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(time));
}

}  // namespace

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

std::optional<std::string_view> reserved_name_use(std::string_view name) {
  struct Reserved {
    std::string_view name;
    std::string_view use;
  };
  static constexpr Reserved kReserved[] = {
      {"README.md", "the archive's index"},
      {"atom.xml", "a feed out of the whole archive"},
      {"rss.xml", "a feed out of the whole archive"},
      {"feed.json", "a feed out of the whole archive"},
      {"changes.xml", "the archive's list of changes"},
      {"site", "the static site's folder"},
      {"media", "the archive's media folder"},
      {"manifests", "the archive's manifests folder"},
      {".git", "the git history"},
      {".newsvault", "the store's folder"},
      {"newsvault.toml", "the settings file"},
  };
  for (const Reserved& reserved : kReserved) {
    if (equals_ignoring_case(name, reserved.name)) return reserved.use;
  }
  if (is_device_name(name)) return "a device name on Windows";
  return std::nullopt;
}

bool is_reserved_name(std::string_view name) { return reserved_name_use(name).has_value(); }

bool is_kept_name(std::string_view text) {
  if (text.empty() || text.size() > kMaxComponentBytes) return false;
  for (char c : text) {
    if (!is_kept_byte(c)) return false;
  }
  const char first = text.front();
  const char last = text.back();
  if (first == '.' || first == '-' || last == '.' || last == '-') return false;
  return !is_reserved_name(text) && !has_mapped_shape(text);
}

std::string safe_path_component(std::string_view text) {
  if (is_kept_name(text)) return std::string(text);
  const std::string hash = store::sha256_hex(text).substr(0, kHashDigits);
  // The whole name stays within kMaxComponentBytes; a device name's stem
  // ("nul.txt" becomes "nul.txt-...", still a device on Windows) is left out.
  const std::string name = slug(text, kMaxComponentBytes - kHashDigits - 1);
  if (name.empty() || is_device_name(name + "-" + hash)) return hash;
  return name + "-" + hash;
}

std::string feed_folder(std::string_view feed_name) { return safe_path_component(feed_name); }

std::string legacy_feed_folder(std::string_view text) {
  const std::string name = slug(text, kMaxComponentBytes);
  bool legacy_reserved = false;
  for (std::string_view reserved : {"README.md", "atom.xml", "rss.xml", "feed.json"}) {
    legacy_reserved = legacy_reserved || equals_ignoring_case(name, reserved);
  }
  if (!name.empty() && name == text && !legacy_reserved) return name;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(fnv1a(text)));
  return name.empty() ? std::string(suffix) : name + "-" + suffix;
}

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

std::optional<std::string> renamed_document_path(std::string_view path, std::string_view feed_name,
                                                 std::string_view article_key) {
  // "FOLDER/YYYY/MM/DD-NAME.md": the day is kept as it is, since an
  // undated article's day is the day it was first seen.
  const std::size_t slash = path.find('/');
  constexpr std::string_view kDayShape = "0000/00/00-";
  if (slash == std::string_view::npos || !path.ends_with(".md") ||
      path.size() < slash + 1 + kDayShape.size() + 3) {
    return std::nullopt;
  }
  const std::string_view day = path.substr(slash + 1, kDayShape.size());
  for (std::size_t i = 0; i < day.size(); ++i) {
    const bool digit = day[i] >= '0' && day[i] <= '9';
    if (kDayShape[i] == '0' ? !digit : day[i] != kDayShape[i]) return std::nullopt;
  }
  return feed_folder(feed_name) + "/" + std::string(day) + safe_path_component(article_key) + ".md";
}

}  // namespace newsvault::publish
