// parse_date (core) over any text: every date form feeds write, and the
// broken ones. Besides crashes, checks that a date it reads survives the
// round trip through the archive's own ISO 8601 form unchanged.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/core.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the offset of zoneless dates: -12:00 .. +14:00 in
  // quarter hours, as real zones have them.
  const std::chrono::minutes offset((static_cast<int>(data[0]) % 105 - 48) * 15);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto time = newsvault::parse_date(text, offset);
  if (!time) return 0;
  const std::string iso = newsvault::format_iso8601_millis(*time);
  const auto again = newsvault::parse_date(iso);
  if (again != time) {
    std::fprintf(stderr, "round trip through %s changed the date\n", iso.c_str());
    std::abort();
  }
  return 0;
}
