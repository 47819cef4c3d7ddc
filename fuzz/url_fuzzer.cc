// URL resolution and normalising over any pair of strings: core's
// resolve_url (RFC 3986 §5.2), the pipeline's strip_tracking_parameters and
// the cleaner's safe_url, and core's normalize_url (RFC 3986 §6.2.2). Input: the base, a newline, the reference.
// Besides crashes, checks what the functions promise: normalising an
// address twice changes nothing more, stripping tracking parameters twice
// strips nothing more, and safe_url keeps only the schemes it names.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "clean/clean.h"
#include "core/core.h"
#include "pipeline/article_record.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view value) {
  std::fprintf(stderr, "%s: \"%.*s\"\n", what, static_cast<int>(value.size()), value.data());
  std::abort();
}

// The scheme as RFC 3986 §3.1 reads it, lower case: ALPHA *( ALPHA / DIGIT
// / "+" / "-" / "." ) before the first ':'; "" for a relative reference.
std::string scheme_of(std::string_view url) {
  const auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string scheme;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = url[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!alpha && !(i > 0 && other)) return {};
    scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return scheme;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view base = newline == std::string_view::npos ? "" : input.substr(0, newline);
  const std::string_view reference =
      newline == std::string_view::npos ? input : input.substr(newline + 1);

  const std::string resolved = newsvault::resolve_url(base, reference);

  for (const std::string_view url : {reference, std::string_view(resolved)}) {
    const std::string normal = newsvault::normalize_url(url);
    if (newsvault::normalize_url(normal) != normal) fail("normalize_url is not idempotent on", url);
  }

  const std::string stripped = newsvault::pipeline::strip_tracking_parameters(resolved);
  if (newsvault::pipeline::strip_tracking_parameters(stripped) != stripped) {
    fail("strip_tracking_parameters is not idempotent on", stripped);
  }

  for (const bool image : {false, true}) {
    const std::string safe = newsvault::clean::safe_url(reference, base, image);
    if (safe.empty()) continue;
    const std::string scheme = scheme_of(safe);
    const bool allowed = scheme.empty() || scheme == "http" || scheme == "https" ||
                         (image ? scheme == "data" : scheme == "mailto" || scheme == "tel");
    if (!allowed) fail("safe_url kept a scheme it does not allow", safe);
    // Whatever a browser would run must be gone, however it is written.
    for (const char c : safe) {
      if (c == '\t' || c == '\n' || c == '\r') fail("safe_url kept a tab or newline", safe);
    }
  }
  return 0;
}
