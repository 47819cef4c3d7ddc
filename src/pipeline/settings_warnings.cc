// feed_settings_warnings: [feeds.NAME] tables that reach no feed, and the
// feed each most likely meant.
#include <algorithm>
#include <toml.hpp>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {
namespace {

// The code points of `text`, ASCII lower-cased (a feed's name is matched
// case and all, but "DW-Chinese" still means dw-chinese); a byte that is
// not UTF-8 stands for itself.
std::u32string code_points(std::string_view text) {
  std::u32string out;
  const std::string lower = lower_ascii(text);
  for (std::string_view rest = lower; !rest.empty();) {
    const Utf8Char next = decode_utf8(rest);
    out += next.length == 0 ? static_cast<char32_t>(static_cast<unsigned char>(rest[0]))
                            : next.code_point;
    rest.remove_prefix(std::max<std::size_t>(next.length, 1));
  }
  return out;
}

// The optimal string alignment distance: how many characters added,
// removed, changed, or swapped with their neighbour turn `a` into `b` (a
// swap is the commonest typing slip, so it counts one, not two).
std::size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * width);
  const auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

// Close enough to be the name meant: one slip in a name of up to seven
// characters, two up to eleven, three beyond. Farther
// than that, a suggestion is a guess that misleads more than it helps.
bool close_enough(std::size_t distance, std::size_t longer) {
  return distance < longer && distance <= std::clamp<std::size_t>(longer / 4, 1, 3);
}

}  // namespace

std::vector<std::string> feed_settings_warnings(const Config& config,
                                                const std::vector<store::FeedRecord>& feeds) {
  std::vector<std::string> warnings;
  for (const auto& [name, settings] : config.feeds) {
    const bool known = std::any_of(feeds.begin(), feeds.end(), [&](const store::FeedRecord& feed) {
      return feed.name == name;
    });
    if (known) continue;
    std::string warning = "[feeds." + toml::format_key(name) + "]: no feed has this name";
    const std::u32string wanted = code_points(name);
    const store::FeedRecord* nearest = nullptr;
    std::size_t nearest_distance = 0;
    for (const store::FeedRecord& feed : feeds) {
      const std::u32string candidate = code_points(feed.name);
      const std::size_t distance = edit_distance(wanted, candidate);
      if (!close_enough(distance, std::max(wanted.size(), candidate.size()))) continue;
      if (nearest == nullptr || distance < nearest_distance) {
        nearest = &feed;
        nearest_distance = distance;
      }
    }
    if (nearest != nullptr) warning += "; did you mean " + nearest->name + "?";
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

}  // namespace newsvault::pipeline
