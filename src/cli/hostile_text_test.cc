// Text from sources as `list` and `show` print it: nothing a feed writes
// reaches the terminal as a control character, a new row or a reversed line.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

using testing::run_newsvault;

// The first byte sequence of `text` a terminal acts on: C0 controls other
// than tab and newline, DEL, C1 controls (UTF-8 C2 80-9F), bidi overrides
// and isolates (E2 80 AA-AE, E2 81 A6-A9); npos when there is none.
std::size_t first_terminal_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t' && byte != '\n') || byte == 0x7F) return i;
    if (i + 1 >= text.size()) continue;
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (byte == 0xC2 && next >= 0x80 && next <= 0x9F) return i;
    if (byte == 0xE2 && i + 2 < text.size()) {
      const auto last = static_cast<unsigned char>(text[i + 2]);
      if ((next == 0x80 && last >= 0xAA && last <= 0xAE) || (next == 0x81 && last >= 0xA6 && last <= 0xA9)) {
        return i;
      }
    }
  }
  return std::string_view::npos;
}

class HostileTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(newsvault("init " + archive_.path().string()).exit_status, 0);
    testing::write_file(archive_.path() / "newsvault.toml",
                        "[fetch]\nfull_text = \"never\"\n[publish.git]\nenabled = false\n");
    const auto feed = feeds_.path() / "hostile.json";
    testing::write_file(feed, R"({"version": "https://jsonfeed.org/version/1.1", "title": "H",
      "items": [{"id": "one", "url": "https://example.org/one",
                 "title": "Quiet\u001b[2J\u0007\u0000 title\n1\t2023-01-01\tfake row \u202eevil",
                 "date_published": "2023-06-19T08:00:00Z",
                 "content_html": "<p>Body\u001b[31m text.</p>"}]})");
    const auto added = newsvault("add " + feed.string() + " --name hostile");
    ASSERT_EQ(added.exit_status, 0) << added.err;
    const auto fetched = newsvault("fetch --now 2023-06-19T09:00:00Z");
    ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + archive_.path().string() + " " + arguments);
  }

  // Writes `title` into the store as it is, as an archive written before
  // sources' text was cleaned may hold it.
  void store_raw_title(const std::string& title) {
    sqlite3* database = nullptr;
    const std::string path = (archive_.path() / ".newsvault" / "store.db").string();
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &database, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK) << path;
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(database, "UPDATE articles SET title = ?1", -1, &statement, nullptr), SQLITE_OK);
    sqlite3_bind_text(statement, 1, title.data(), static_cast<int>(title.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(statement), SQLITE_DONE);
    sqlite3_finalize(statement);
    sqlite3_close(database);
  }

  testing::TempDir archive_;
  testing::TempDir feeds_;
};

TEST_F(HostileTextTest, ListAndShowPrintAJsonFeedTitleCleanedToOneLine) {
  const auto listed = newsvault("list");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_EQ(first_terminal_control(listed.out), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("Quiet[2J title 1 2023-01-01 fake row evil"), std::string::npos) << listed.out;
  // One article, one row.
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 1) << listed.out;

  const auto shown = newsvault("show 1");
  ASSERT_EQ(shown.exit_status, 0) << shown.err;
  EXPECT_EQ(first_terminal_control(shown.out), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("title:     Quiet[2J title 1 2023-01-01 fake row evil\n"), std::string::npos)
      << shown.out;
}

TEST_F(HostileTextTest, ListAndShowEscapeControlCharactersAStoreAlreadyHolds) {
  store_raw_title("Old\x1b]0;owned\x07 title\nfake\trow \xE2\x80\xAE" "evil \xC2\x9B" "1m");
  const auto listed = newsvault("list");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_EQ(first_terminal_control(listed.out), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("Old\\x1b]0;owned\\x07 title\\x0afake\\x09row \\u202eevil \\u009b1m"),
            std::string::npos)
      << listed.out;

  const auto shown = newsvault("show 1");
  ASSERT_EQ(shown.exit_status, 0) << shown.err;
  EXPECT_EQ(first_terminal_control(shown.out), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("title:     Old\\x1b]0;owned"), std::string::npos) << shown.out;
}

}  // namespace
}  // namespace newsvault::cli
