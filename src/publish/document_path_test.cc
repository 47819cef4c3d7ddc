#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "publish/archive_paths.h"
#include "publish/publish.h"

namespace newsvault::publish {
namespace {

Timestamp at(std::string_view iso) { return *parse_date(iso); }

TEST(DocumentPathTest, FilesByFeedYearMonthAndDay) {
  EXPECT_EQ(document_path("dw-chinese", "65955570", at("2023-06-19T01:41:50.777Z")),
            "dw-chinese/2023/06/19-65955570.md");
  EXPECT_EQ(document_path("dw", "1", at("1999-12-31T23:59:59.999Z")), "dw/1999/12/31-1.md");
}

TEST(DocumentPathTest, DayIsTheUtcDay) {
  EXPECT_EQ(document_path("f", "k", at("2023-06-19T07:30:00+08:00")), "f/2023/06/18-k.md");
}

TEST(DocumentPathTest, IsTheSameEveryTime) {
  const Timestamp date = at("2023-06-19T01:41:50Z");
  const std::string key = "https://example.org/news/2023/story?id=7";
  EXPECT_EQ(document_path("feed", key, date), document_path("feed", key, date));
}

TEST(DocumentPathTest, UnsafeKeysBecomeSafeAndStayDistinct) {
  const Timestamp date = at("2023-06-19T01:41:50Z");
  const std::string a = document_path("feed", "https://example.org/a/b", date);
  const std::string b = document_path("feed", "https://example.org/a?b", date);
  EXPECT_NE(a, b);
  for (const std::string& path : {a, b}) {
    EXPECT_TRUE(path.starts_with("feed/2023/06/19-https-example.org-a-b-")) << path;
    EXPECT_TRUE(path.ends_with(".md"));
    EXPECT_EQ(path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789._-/"),
              std::string::npos)
        << path;
  }
}

TEST(DocumentPathTest, NamesCannotLeaveTheArchive) {
  const std::string path = document_path("../..", "../../etc/passwd", at("2023-06-19T00:00:00Z"));
  EXPECT_EQ(path.find(".."), std::string::npos) << path;
  EXPECT_FALSE(path.starts_with("/"));
  EXPECT_EQ(std::count(path.begin(), path.end(), '/'), 3) << path;
}

TEST(DocumentPathTest, LongAndEmptyKeysGetBoundedNames) {
  const std::string long_key(500, 'k');
  const std::string path = document_path("f", long_key, at("2023-06-19T00:00:00Z"));
  EXPECT_LT(path.size(), 120u);
  const std::string empty = document_path("f", "", at("2023-06-19T00:00:00Z"));
  EXPECT_EQ(empty.size(), std::string("f/2023/06/19-").size() + 8 + 3) << empty;
  EXPECT_NE(document_path("f", "中文", at("2023-06-19T00:00:00Z")),
            document_path("f", "日本", at("2023-06-19T00:00:00Z")));
}

TEST(SafePathComponentTest, KeepsSafeNamesAndSetsTheArchivesOwnFileNamesApart) {
  EXPECT_EQ(safe_path_component("dw-chinese_2.x"), "dw-chinese_2.x");
  EXPECT_NE(safe_path_component("README.md"), "README.md");
  // Nor the whole archive's feeds out, which sit beside the feeds' folders.
  EXPECT_NE(safe_path_component("atom.xml"), "atom.xml");
  EXPECT_NE(safe_path_component("Feed.JSON"), "Feed.JSON");
  EXPECT_NE(safe_path_component("readme.MD"), "readme.MD");
}

}  // namespace
}  // namespace newsvault::publish
