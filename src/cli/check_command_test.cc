// `newsvault check` as a user and a program read it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;

TEST(CheckCommandTest, SaysWhatIsWrongWhereAndExitsFiveOnDamage) {
  testing::TempDir dir;
  testing::write_file(dir.path() / "feed.xml",
                      "<rss version=\"2.0\"><channel><title>T</title><item><title>One</title>"
                      "<link>https://local.example/1</link><pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate>"
                      "<description>Body</description></item></channel></rss>");
  const std::string archive = (dir.path() / "a").string();
  ASSERT_EQ(run_newsvault("init -q " + archive).exit_status, 0);
  ASSERT_EQ(run_newsvault("--dir " + archive + " add -q file://" + (dir.path() / "feed.xml").string() +
                          " --name local --full-text never")
                .exit_status,
            0);
  ASSERT_EQ(run_newsvault("--dir " + archive + " fetch -q --now 2023-06-20T00:00:00Z").exit_status, 0);

  const auto sound = run_newsvault("--dir " + archive + " check");
  EXPECT_EQ(sound.exit_status, 0) << sound.out << sound.err;
  EXPECT_TRUE(sound.out.starts_with("sound: 1 articles, 1 documents")) << sound.out;

  std::string document;
  for (const auto& file : fs::recursive_directory_iterator(fs::path(archive) / "local" / "2023")) {
    // The article's document, not its month's index.
    if (file.path().extension() == ".md" && file.path().filename() != "README.md") {
      document = fs::relative(file.path(), archive).string();
    }
  }
  ASSERT_FALSE(document.empty());
  testing::write_file(fs::path(archive) / document, "# not what was archived\n");
  const auto damaged = run_newsvault("--dir " + archive + " check");
  EXPECT_EQ(damaged.exit_status, 5);
  EXPECT_NE(damaged.out.find("error: " + document + ": differs from every revision"), std::string::npos)
      << damaged.out;

  const auto json = run_newsvault("--dir " + archive + " check --json");
  EXPECT_EQ(json.exit_status, 5);
  const auto report = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << json.out;
  EXPECT_EQ(report["sound"], false);
  EXPECT_EQ(report["errors"], 1);
  EXPECT_EQ(report["problems"][0]["path"], document);
  EXPECT_EQ(report["problems"][0]["severity"], "error");
}

TEST(CheckCommandTest, WithoutAnArchiveItCannotCheckAndExitsOne) {
  testing::TempDir dir;
  const auto result = run_newsvault("--dir " + dir.path().string() + " check");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("newsvault init"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace newsvault::cli
