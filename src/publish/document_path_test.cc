#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
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
  EXPECT_EQ(empty.size(), std::string("f/2023/06/19-").size() + 32 + 3) << empty;
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

// Regression: an unsafe key became "slug-HASH8" while a safe one stayed as
// it was, so the guid "x-5d8c685d" took the document of the guid "../../x".
TEST(DocumentPathTest, ASafeKeyShapedLikeAMappedOneCannotTakeItsDocument) {
  const Timestamp date = at("2023-06-19T00:00:00Z");
  const std::string hostile = document_path("feed", "../../x", date);
  const std::string shaped = hostile.substr(std::string("feed/2023/06/19-").size(),
                                            hostile.size() - std::string("feed/2023/06/19-.md").size());
  EXPECT_NE(document_path("feed", shaped, date), hostile) << shaped;
  EXPECT_NE(document_path("feed", "x-5d8c685d", date), document_path("feed", "../../x", date));
}

// Regression: feeds "x y" and "x-y-caca3794" shared one folder.
TEST(DocumentPathTest, TwoFeedsNeverShareAFolder) {
  EXPECT_NE(feed_folder("x y"), feed_folder("x-y-caca3794"));
  const std::string mapped = feed_folder("x y");
  EXPECT_NE(feed_folder(mapped), mapped);
}

// macOS and Windows fold case, and so do git checkouts there.
TEST(DocumentPathTest, NamesDifferingOnlyInCaseGetFoldersThatDifferIgnoringCase) {
  auto folded = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  EXPECT_EQ(feed_folder("news"), "news");
  EXPECT_NE(folded(feed_folder("News")), folded(feed_folder("news")));
  EXPECT_NE(folded(feed_folder("NEWS")), folded(feed_folder("News")));
}

TEST(DocumentPathTest, TheSeedDocumentKeepsItsPath) {
  EXPECT_EQ(document_path("dw-chinese", "65955570", at("2023-06-19T01:41:50.777Z")),
            "dw-chinese/2023/06/19-65955570.md");
}

TEST(DocumentPathTest, ADocumentOfTheFirstLayoutIsRenamedKeepingItsDay) {
  EXPECT_EQ(renamed_document_path("x-y-caca3794/2020/02/29-1.md", "x y", "1"),
            feed_folder("x y") + "/2020/02/29-1.md");
  EXPECT_EQ(renamed_document_path("feed/2023/06/19-x-5d8c685d.md", "feed", "x-5d8c685d"),
            document_path("feed", "x-5d8c685d", at("2023-06-19T00:00:00Z")));
  EXPECT_EQ(renamed_document_path("feed/not-a-day.md", "feed", "k"), std::nullopt);
  EXPECT_EQ(legacy_feed_folder("x y"), "x-y-caca3794");
}

TEST(SafePathComponentTest, NoNameMapsToWhatTheArchiveItselfUses) {
  for (const char* name : {"site", "SITE", "media", "manifests", "changes.xml", ".git", ".newsvault",
                           "newsvault.toml", "README.md", "atom.xml", "rss.xml", "feed.json", "con",
                           "NUL.txt", "com1"}) {
    EXPECT_TRUE(is_reserved_name(name)) << name;
    const std::string mapped = safe_path_component(name);
    EXPECT_FALSE(is_reserved_name(mapped)) << name << " -> " << mapped;
  }
  EXPECT_FALSE(is_reserved_name("sites"));
  EXPECT_FALSE(is_reserved_name("console"));
}

}  // namespace
}  // namespace newsvault::publish
