// `newsvault fetch` as a user runs it (killed: crash_safety_test.cc).
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;

TEST(FetchCommandTest, FetchWithoutAnArchiveSaysHowToMakeOne) {
  testing::TempDir dir;
  const auto result = run_newsvault("--dir " + dir.path().string() + " fetch");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("newsvault init"), std::string::npos) << result.err;
}

TEST(FetchCommandTest, AFailingFeedMakesExitStatusThreeAndIsListed) {
  testing::TempDir dir;
  const fs::path archive = dir.path() / "a";
  ASSERT_EQ(run_newsvault("init " + archive.string()).exit_status, 0);
  // add refuses a file that does not exist: this one goes after it is added.
  testing::write_file(dir.path() / "gone.xml", "<rss version=\"2.0\"><channel/></rss>");
  ASSERT_EQ(run_newsvault("--dir " + archive.string() + " add " + (dir.path() / "gone.xml").string() +
                          " --name gone")
                .exit_status,
            0);
  fs::remove(dir.path() / "gone.xml");
  const auto result = run_newsvault("fetch --dir " + archive.string());
  EXPECT_EQ(result.exit_status, 3);
  EXPECT_NE(result.err.find("gone: read"), std::string::npos) << result.err;
  const auto feeds = run_newsvault("--dir " + archive.string() + " list --feeds");
  EXPECT_NE(feeds.out.find("error: read"), std::string::npos) << feeds.out;
}

TEST(FetchCommandTest, NowAcceptsIsoTimesAndMillisecondsAndRefusesNonsense) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  EXPECT_EQ(run_newsvault("--dir " + dir.path().string() + " fetch --now 1687139225000").exit_status, 0);
  const auto bad = run_newsvault("--dir " + dir.path().string() + " fetch --now yesterday");
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_NE(bad.err.find("--now yesterday"), std::string::npos) << bad.err;
}

TEST(FetchCommandTest, AMalformedConfigNamesFileLineAndKey) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  testing::write_file(dir.path() / "newsvault.toml", "[fetch]\nmax_connections = \"many\"\n");
  const auto result = run_newsvault("--dir " + dir.path().string() + " fetch");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("newsvault.toml:2: fetch.max_connections"), std::string::npos) << result.err;
}

TEST(FetchCommandTest, AddRefusesANameThatWouldLeaveTheArchive) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  const auto result = run_newsvault("--dir " + dir.path().string() + " add file:///x.xml --name ../out");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("../out"), std::string::npos);
}

TEST(FetchCommandTest, OpmlImportAndExportRoundTrip) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  testing::write_file(dir.path() / "feeds.opml",
                      "<opml version=\"2.0\"><body><outline text=\"One\" xmlUrl=\"https://one.example/feed\"/>"
                      "<outline text=\"Two\" xmlUrl=\"https://two.example/feed\"/></body></opml>");
  const auto imported = run_newsvault("--dir " + dir.path().string() + " import-opml " +
                                      (dir.path() / "feeds.opml").string());
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  const auto exported = run_newsvault("--dir " + dir.path().string() + " export-opml");
  EXPECT_NE(exported.out.find("xmlUrl=\"https://one.example/feed\""), std::string::npos);
  EXPECT_NE(exported.out.find("xmlUrl=\"https://two.example/feed\""), std::string::npos);
}

// An OPML file is often a stranger's: an outline naming a local file (which
// fetch would read and publish would publish) is not added unless asked.
TEST(FetchCommandTest, OpmlImportAddsOnlyWebFeedsUnlessAllowLocalAndNamesEachSkipped) {
  testing::TempDir dir;
  ASSERT_EQ(run_newsvault("init " + dir.path().string()).exit_status, 0);
  const std::string secret = (dir.path() / "secret.xml").string();
  testing::write_file(secret, "<rss version=\"2.0\"><channel><title>private</title></channel></rss>");
  testing::write_file(dir.path() / "feeds.opml",
                      "<opml version=\"2.0\"><body>"
                      "<outline text=\"Web\" xmlUrl=\"HTTPS://web.example/feed\"/>"
                      "<outline text=\"Path\" xmlUrl=\"" + secret + "\"/>"
                      "<outline text=\"FileUrl\" xmlUrl=\"file://" + secret + "\"/>"
                      "<outline text=\"Ftp\" xmlUrl=\"ftp://ftp.example/feed\"/>"
                      "</body></opml>");
  const std::string import = "--dir " + dir.path().string() + " import-opml " +
                             (dir.path() / "feeds.opml").string();

  const auto imported = run_newsvault(import);

  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported 1 feeds"), std::string::npos) << imported.out;
  const std::string why = ": not an http or https URL (--allow-local takes file:// URLs and local paths)";
  EXPECT_NE(imported.err.find("import-opml: skipped Path (" + secret + ")" + why), std::string::npos)
      << imported.err;
  EXPECT_NE(imported.err.find("import-opml: skipped FileUrl (file://" + secret + ")" + why),
            std::string::npos) << imported.err;
  EXPECT_NE(imported.err.find("import-opml: skipped Ftp (ftp://ftp.example/feed)" + why),
            std::string::npos) << imported.err;
  auto listed = run_newsvault("--dir " + dir.path().string() + " export-opml");
  EXPECT_EQ(listed.out.find("secret.xml"), std::string::npos) << listed.out;

  const auto allowed = run_newsvault(import + " --allow-local");

  ASSERT_EQ(allowed.exit_status, 0) << allowed.err;
  EXPECT_NE(allowed.out.find("imported 1 feeds"), std::string::npos) << allowed.out;  // one file, twice
  EXPECT_NE(allowed.err.find("import-opml: skipped Ftp (ftp://ftp.example/feed): ftp://"),
            std::string::npos) << allowed.err;
  EXPECT_EQ(allowed.err.find("skipped Path"), std::string::npos) << allowed.err;
  listed = run_newsvault("--dir " + dir.path().string() + " export-opml");
  EXPECT_NE(listed.out.find("secret.xml"), std::string::npos) << listed.out;
}

}  // namespace
}  // namespace newsvault::cli
