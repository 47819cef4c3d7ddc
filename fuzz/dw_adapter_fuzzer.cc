// extract::read_adapter_article with DW's mapping over any bytes as the
// article API's JSON document. A crash, a sanitizer finding or a leak is a
// bug; an exception escaping the stage's header is one too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "extract/extract.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const newsvault::extract::Adapter* const adapter = [] {
    auto builtin = newsvault::extract::builtin_adapter("dw");
    if (!builtin) std::abort();
    return new newsvault::extract::Adapter(std::move(*builtin));
  }();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto article = newsvault::extract::read_adapter_article(*adapter, bytes, "fuzz.json");
  (void)article;
  return 0;
}
