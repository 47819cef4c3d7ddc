// feed::parse_feed over any bytes: RSS, RDF, Atom and JSON Feed in any
// charset, broken or not. A crash, a sanitizer finding or a leak is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feed/feed.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  newsvault::feed::ParseOptions options;
  options.base_url = "https://example.com/feeds/news.xml";
  // Small limits, so that the cut-off paths run too.
  options.max_text_bytes = 4096;
  options.max_entries = 64;
  const auto feed = newsvault::feed::parse_feed(bytes, options);
  if (feed) {
    // Reading every entry's strings lets AddressSanitizer check they are whole.
    std::size_t total = feed->title.size() + feed->link.size();
    for (const auto& entry : feed->entries) {
      total += entry.title.size() + entry.link.size() + entry.summary.size() + entry.content.size();
    }
    if (feed->entries.size() > options.max_entries) __builtin_trap();
    (void)total;
  }
  return 0;
}
