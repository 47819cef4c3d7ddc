// Private to the store stage: the values both engines keep as text in one
// column, read and written the same way by each.
#ifndef NEWSVAULT_STORE_ROW_TEXT_H_
#define NEWSVAULT_STORE_ROW_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "store/store.h"

namespace newsvault::store {

// A poll schedule's entry dates: Unix milliseconds, comma-separated.
std::string dates_text(const std::vector<Timestamp>& dates);
std::vector<Timestamp> dates_from_text(std::string_view text);

// The other feeds listing an article, as its query aggregates them
// ("id\x1fname" joined by \x1e), added to `article` after its own feed, by
// name.
void add_listing_feeds(ArticleSummary& article, std::string_view listing);

// kInvalidArgument unless `state` is a feed's state ("active", "paused",
// "removed"), as feeds.state keeps it.
Result<void> check_feed_state(std::string_view state);

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_ROW_TEXT_H_
