// clean::sanitize over any bytes as an article body. Besides crashes, checks
// the stage's two guarantees with the tests' independent judge
// (clean/safety_judge.h): the output, read back by the parser, holds no
// forbidden element, attribute or URL scheme, and sanitizing it again gives
// it back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "clean/clean.h"
#include "clean/safety_judge.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  newsvault::clean::Options options;
  options.base_url = "https://example.com/news/story.html";  // the judge's base
  const std::string output = newsvault::clean::sanitize(html, options);
  const auto findings = newsvault::clean::testing::output_findings(output);
  if (!findings.empty()) {
    std::fprintf(stderr, "sanitized output: %s\n", output.c_str());
    for (const std::string& finding : findings) std::fprintf(stderr, "  %s\n", finding.c_str());
    std::abort();
  }
  return 0;
}
