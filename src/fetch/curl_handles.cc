#include "fetch/curl_handles.h"

namespace newsvault::fetch {

void ensure_curl_initialized() {
  // A function-local static: initialised exactly once, even when several
  // threads make their first client at the same moment.
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)code;  // on failure curl_easy_init returns null, and callers say so
}

}  // namespace newsvault::fetch
