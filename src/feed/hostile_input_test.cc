// Documents written to hurt the reader: each test proves one door is shut.
#include <gtest/gtest.h>
#include <libxml/xmlmemory.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "feed/feed.h"
#include "support/test_support.h"

namespace newsvault::feed {
namespace {

std::string all_text(const Feed& feed) {
  std::string text = feed.title;
  for (const Entry& entry : feed.entries) text += entry.title + entry.summary + entry.content;
  return text;
}

TEST(HostileInputTest, ExternalEntitiesAreNeverLoaded) {
  testing::TempDir dir;
  testing::write_file(dir.path() / "secret.txt", "TOP-SECRET-CONTENT");
  const std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM \"file://" +
                               (dir.path() / "secret.txt").string() +
                               "\">\n]>\n<rss version=\"2.0\"><channel><title>t&xxe;</title>"
                               "<item><title>i&xxe;</title></item></channel></rss>";
  auto parsed = parse_feed(document, "", "");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(all_text(*parsed).find("TOP-SECRET"), std::string::npos);
  EXPECT_EQ(parsed->entries.size(), 1u);
}

// libxml2's blocks still allocated, counted while a LibxmlBlockCount lives:
// its allocator functions wrap malloc and free.
std::atomic<long> libxml_blocks{0};

class LibxmlBlockCount {
 public:
  LibxmlBlockCount() {
    xmlMemGet(&free_, &malloc_, &realloc_, &strdup_);
    xmlMemSetup(&counted_free, &counted_malloc, &counted_realloc, &counted_strdup);
  }
  ~LibxmlBlockCount() { xmlMemSetup(free_, malloc_, realloc_, strdup_); }
  LibxmlBlockCount(const LibxmlBlockCount&) = delete;
  LibxmlBlockCount& operator=(const LibxmlBlockCount&) = delete;

 private:
  static void counted_free(void* block) {
    if (block != nullptr) --libxml_blocks;
    std::free(block);
  }
  static void* counted_malloc(std::size_t size) {
    ++libxml_blocks;
    return std::malloc(size);
  }
  static void* counted_realloc(void* block, std::size_t size) {
    if (block == nullptr) ++libxml_blocks;
    return std::realloc(block, size);
  }
  static char* counted_strdup(const char* text) {
    ++libxml_blocks;
    return strdup(text);
  }
  xmlFreeFunc free_ = nullptr;
  xmlMallocFunc malloc_ = nullptr;
  xmlReallocFunc realloc_ = nullptr;
  xmlStrdupFunc strdup_ = nullptr;
};

// Regression: with an internal subset declaring an entity, libxml2 built a
// document for the declarations that nobody freed (found by
// fuzz/feed_fuzzer under LeakSanitizer).
TEST(HostileInputTest, AnEntityDeclarationLeavesNoLibxmlMemoryBehind) {
  const std::string document =
      R"(<!DOCTYPE rss [<!ENTITY e "x">]><rss><channel><title>t</title></channel></rss>)";
  ASSERT_TRUE(parse_feed(document, "", "").has_value());  // libxml2's one-time set-up
  long before = 0;
  long after = 0;
  {
    LibxmlBlockCount count;
    before = libxml_blocks;
    auto parsed = parse_feed(document, "", "");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->title, "t");
    after = libxml_blocks;
  }
  EXPECT_EQ(after, before);
}

// Regression: a JSON Feed number beyond a double's range made nlohmann throw
// out_of_range, which escaped parse_feed and ended the program (found by
// fuzz/dw_adapter_fuzzer in the DW adapter, whose JSON reading had the same
// gap).
TEST(HostileInputTest, AJsonFeedNumberBeyondADoublesRangeIsAParseError) {
  auto parsed = parse_feed(R"({"version": "https://jsonfeed.org/version/1.1", "n": 1E400})",
                           "feed.json", "");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_NE(parsed.error().message().find("number overflow"), std::string::npos)
      << parsed.error().message();
}

TEST(HostileInputTest, BillionLaughsDoesNotExpand) {
  std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int level = 1; level <= 9; ++level) {
    document += "<!ENTITY lol" + std::to_string(level) + " \"";
    const std::string previous = level == 1 ? "lol" : "lol" + std::to_string(level - 1);
    for (int i = 0; i < 10; ++i) document += "&" + previous + ";";
    document += "\">\n";
  }
  document += "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>x</title>"
              "<description>&lol9;</description></item></channel></rss>";
  const auto start = std::chrono::steady_clock::now();
  auto parsed = parse_feed(document, "", "");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(parsed.has_value());
  EXPECT_LT(all_text(*parsed).size(), 1000u);  // 10^9 "lol"s were never built
  EXPECT_EQ(parsed->entries.size(), 1u);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(HostileInputTest, ExternalDtdIsNeverFetched) {
  // A DTD on an unroutable address: fetching it would hang or fail; the
  // parse must not even try.
  const std::string document =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss SYSTEM \"http://192.0.2.1/evil.dtd\">\n"
      "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>";
  const auto start = std::chrono::steady_clock::now();
  auto parsed = parse_feed(document, "", "");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->entries.size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(HostileInputTest, ParameterEntitiesPointingOutsideAreIgnored) {
  testing::TempDir dir;
  testing::write_file(dir.path() / "evil.dtd", "<!ENTITY leak \"LEAKED-FROM-DTD\">");
  const std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY % ext SYSTEM \"file://" +
                               (dir.path() / "evil.dtd").string() +
                               "\">\n%ext;\n]>\n<rss version=\"2.0\"><channel><title>&leak;</title>"
                               "<item><title>i</title></item></channel></rss>";
  auto parsed = parse_feed(document, "", "");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(all_text(*parsed).find("LEAKED"), std::string::npos);
}

TEST(HostileInputTest, OversizedElementTextIsCutAtTheLimit) {
  ParseOptions options;
  options.max_text_bytes = 1000;
  const std::string document = "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title>"
                               "<description>" + std::string(100000, 'x') +
                               "</description></item></channel></rss>";
  auto parsed = parse_feed(document, options);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->entries.size(), 1u);
  EXPECT_EQ(parsed->entries[0].summary.size(), 1000u);
  ASSERT_TRUE(parsed->bozo());
  EXPECT_NE(parsed->problems.back().find("cut"), std::string::npos);
}

TEST(HostileInputTest, EntriesBeyondTheLimitAreDroppedAndReported) {
  ParseOptions options;
  options.max_entries = 10;
  std::string document = "<rss version=\"2.0\"><channel><title>t</title>";
  for (int i = 0; i < 50; ++i) document += "<item><title>i</title></item>";
  document += "</channel></rss>";
  auto parsed = parse_feed(document, options);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->entries.size(), 10u);
  EXPECT_TRUE(parsed->bozo());
  ASSERT_EQ(parsed->limits_hit.size(), 1u);  // content was lost: the pipeline says so
  EXPECT_EQ(parsed->limits_hit[0], "more than 10 entries; the other 40 were dropped");
}

TEST(HostileInputTest, DeepNestingFailsCleanlyInsteadOfOverflowingTheStack) {
  std::string document = "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title><description>";
  for (int i = 0; i < 100000; ++i) document += "<a>";
  document += "</description></item></channel></rss>";
  const auto start = std::chrono::steady_clock::now();
  auto parsed = parse_feed(document, "", "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->entries.size(), 1u);  // the entry it was in is kept
  EXPECT_EQ(parsed->entries[0].title, "i");
  ASSERT_TRUE(parsed->bozo());
  EXPECT_NE(parsed->problems.back().find("nested deeper"), std::string::npos);
}

TEST(HostileInputTest, MemoryStaysNearTheSizeOfTheEntries) {
  // 20,000 entries whose content is the same 1 KB: the parse must not hold
  // a tree of the whole document beside the entries.
  std::string document = "<rss version=\"2.0\"><channel><title>t</title>";
  const std::string body(1000, 'y');
  for (int i = 0; i < 20000; ++i) {
    document += "<item><title>i</title><description>" + body + "</description></item>";
  }
  document += "</channel></rss>";
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  ParseOptions options;
  options.max_entries = 20000;  // twice the default
  auto parsed = parse_feed(document, options);
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->entries.size(), 20000u);
  // Peak growth (KB): entries (~20 MB with their strings) plus the decoded
  // copy of the document (~20 MB); a DOM of the document would add far more.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 120 * 1024);
}

}  // namespace
}  // namespace newsvault::feed
