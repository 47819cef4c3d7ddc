// Private to the publish stage: names of files and folders in the archive.
#ifndef NEWSVAULT_PUBLISH_ARCHIVE_PATHS_H_
#define NEWSVAULT_PUBLISH_ARCHIVE_PATHS_H_

#include <string>
#include <string_view>

#include "core/core.h"

namespace newsvault::publish {

// `text` as one safe file or folder name: A-Z a-z 0-9 . _ - kept, every
// other run of bytes one '-', no leading or trailing '.' or '-', at most
// 80 bytes. When that changes `text` (or leaves nothing, or the name
// "README.md" that the indexes use, or the feeds out "atom.xml", "rss.xml",
// "feed.json"), a hash of the original is appended, so
// distinct inputs keep distinct names: "a/b" and "a?b" differ.
std::string safe_path_component(std::string_view text);

// The folder of a feed in the archive: safe_path_component(feed_name).
std::string feed_folder(std::string_view feed_name);

// "2023-06-19", UTC.
std::string format_day(Timestamp time);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_ARCHIVE_PATHS_H_
