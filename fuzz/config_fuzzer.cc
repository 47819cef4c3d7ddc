// pipeline::parse_config over any text as newsvault.toml: toml11's parser
// and every section's reader. A malformed file must come back as an Error,
// never as an exception, a crash or a sanitizer finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = newsvault::pipeline::parse_config(text, "newsvault.toml");
  (void)config;
  return 0;
}
