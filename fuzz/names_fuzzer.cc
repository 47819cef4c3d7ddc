// The name mapping over any pair of names: publish's safe_path_component,
// which names feeds' folders and articles' documents. Input: two names
// separated by a NUL byte (one name alone is compared with the name it
// maps to). Besides crashes, checks what the mapping promises: every name
// becomes one safe path segment (a-z A-Z 0-9 . _ -, not "." or "..", no
// leading '.' or '-', at most 80 bytes, no name the archive itself uses),
// and two different names never become the same segment, nor two that
// differ only in case.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "publish/archive_paths.h"
#include "publish/publish.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view a, std::string_view b) {
  std::fprintf(stderr, "%s: \"%.*s\" and \"%.*s\"\n", what, static_cast<int>(a.size()), a.data(),
               static_cast<int>(b.size()), b.data());
  std::abort();
}

std::string folded(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

void check_segment(std::string_view name, const std::string& segment) {
  if (segment.empty() || segment.size() > 80) fail("segment of bad length", name, segment);
  for (char c : segment) {
    const bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (!safe) fail("unsafe byte in segment", name, segment);
  }
  if (segment.front() == '.' || segment.front() == '-') fail("segment starts with '.' or '-'", name, segment);
  if (newsvault::publish::is_reserved_name(segment)) fail("segment is a reserved name", name, segment);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto separator = input.find('\0');
  const std::string_view a = input.substr(0, separator);
  const std::string mapped_a = newsvault::publish::safe_path_component(a);
  // Alone: the name against what it maps to, the likeliest impostor.
  const std::string b_text = separator == std::string_view::npos ? mapped_a : std::string(input.substr(separator + 1));
  const std::string_view b = b_text;
  const std::string mapped_b = newsvault::publish::safe_path_component(b);
  check_segment(a, mapped_a);
  check_segment(b, mapped_b);
  if (a != b && mapped_a == mapped_b) fail("two names share a segment", a, b);
  if (a != b && folded(mapped_a) == folded(mapped_b)) fail("two names share a segment, case ignored", a, b);
  if (newsvault::publish::is_kept_name(a) != (mapped_a == a)) fail("kept is not kept as it is", a, mapped_a);
  return 0;
}
