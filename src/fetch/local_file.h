// Private to fetch: requests for file:// URLs and plain local paths, read
// directly (no libcurl, no proxy, no retries).
#ifndef NEWSVAULT_FETCH_LOCAL_FILE_H_
#define NEWSVAULT_FETCH_LOCAL_FILE_H_

#include <cstddef>
#include <string_view>

#include "fetch/fetch.h"

namespace newsvault::fetch {

// True for a file: URL and for anything without a "scheme://" prefix
// ("/x/feed.xml", "feeds/a.xml", read relative to the current directory).
bool is_local(std::string_view url);

// Reads the file `request.url` names. kOk with the bytes; kFailed with
// "read PATH: No such file or directory" (the system's words), or
// "read PATH: larger than N bytes" beyond `max_bytes`.
Response read_local(const Request& request, std::size_t max_bytes);

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_LOCAL_FILE_H_
