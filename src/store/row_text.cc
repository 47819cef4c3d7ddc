#include "store/row_text.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <utility>

namespace newsvault::store {

std::string dates_text(const std::vector<Timestamp>& dates) {
  std::string text;
  for (Timestamp date : dates) {
    text += (text.empty() ? "" : ",") + std::to_string(date.time_since_epoch().count());
  }
  return text;
}

std::vector<Timestamp> dates_from_text(std::string_view text) {
  std::vector<Timestamp> dates;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view number = text.substr(0, comma);
    std::int64_t millis = 0;
    if (std::from_chars(number.data(), number.data() + number.size(), millis).ec == std::errc()) {
      dates.push_back(Timestamp(std::chrono::milliseconds(millis)));
    }
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return dates;
}

void add_listing_feeds(ArticleSummary& article, std::string_view text) {
  const std::string listing(text);
  std::vector<std::pair<std::string, std::int64_t>> others;
  for (std::size_t start = 0; start < listing.size();) {
    std::size_t end = listing.find('\x1e', start);
    if (end == std::string::npos) end = listing.size();
    const std::string item = listing.substr(start, end - start);
    if (const std::size_t split = item.find('\x1f'); split != std::string::npos) {
      others.emplace_back(item.substr(split + 1), std::stoll(item.substr(0, split)));
    }
    start = end + 1;
  }
  std::ranges::sort(others);
  for (auto& [name, id] : others) {
    article.feed_ids.push_back(id);
    article.feed_names.push_back(std::move(name));
  }
}

Result<void> check_feed_state(std::string_view state) {
  if (state == "active" || state == "paused" || state == "removed") return {};
  return make_error(ErrorCode::kInvalidArgument,
                    "feed state " + std::string(state) + ": expected active, paused or removed");
}

}  // namespace newsvault::store
