// extract::extract_article over any bytes as a web page: charset detection,
// libxml2's HTML parser, metadata (JSON-LD, Open Graph, <meta>) and the
// main-content scoring. A crash, a sanitizer finding or a leak is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/extract.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto page =
      newsvault::extract::extract_article(bytes, "https://example.com/news/story.html", "");
  (void)page;
  return 0;
}
