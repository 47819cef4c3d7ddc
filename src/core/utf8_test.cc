#include <gtest/gtest.h>

#include <string>

#include "core/core.h"

namespace newsvault {
namespace {

// The 16-at-a-time scan must stop exactly where a byte-at-a-time one
// would: at every position, for every kind of byte that ends a run.
TEST(PrintableAsciiPrefixTest, StopsAtTheFirstByteThatIsNotPrintableAsciiWhereverItIs) {
  for (const char stop : {'\0', '\t', '\n', '\x1f', '\x7f', '\x80', '\xe4', '\xff'}) {
    for (std::size_t length = 0; length <= 40; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string text(length, 'a');
        for (std::size_t k = 0; k < length; ++k) text[k] = static_cast<char>(' ' + k % 95);
        text[at] = stop;
        EXPECT_EQ(printable_ascii_prefix(text), at) << "byte " << int(stop) << " at " << at << " of " << length;
      }
    }
  }
}

TEST(PrintableAsciiPrefixTest, TakesAllOfTextThatIsPrintableAsciiFromSpaceToTilde) {
  std::string text;
  for (char c = ' '; c <= '~'; ++c) text += c;
  EXPECT_EQ(printable_ascii_prefix(text), text.size());
  EXPECT_EQ(printable_ascii_prefix(""), 0u);
  EXPECT_EQ(printable_ascii_prefix("標題"), 0u);
}

}  // namespace
}  // namespace newsvault
