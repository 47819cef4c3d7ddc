// Private to the publish stage: names of files and folders in the archive.
#ifndef NEWSVAULT_PUBLISH_ARCHIVE_PATHS_H_
#define NEWSVAULT_PUBLISH_ARCHIVE_PATHS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/core.h"

namespace newsvault::publish {

// `text` as one safe file or folder name, distinct from the name of any
// other text, case ignored (publish.h, document_path).
std::string safe_path_component(std::string_view text);

// Whether safe_path_component keeps `text` as it is.
bool is_kept_name(std::string_view text);

// FNV-1a, 32 bits: the hash of the first layout (legacy_feed_folder), and
// of the site's search index files (site_search.cc).
std::uint32_t fnv1a(std::string_view text);

// "2023-06-19", UTC.
std::string format_day(Timestamp time);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_ARCHIVE_PATHS_H_
