// The command line as a user meets it: the built binary, run as a process.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <regex>

#include "support/test_support.h"

namespace newsvault::cli {
namespace {

using testing::run_newsvault;

constexpr int kUsageError = 2;
constexpr int kFailure = 1;

TEST(CliTest, HelpListsTheCommands) {
  const auto result = run_newsvault("--help");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_NE(result.out.find("parse"), std::string::npos) << result.out;
}

TEST(CliTest, EachCommandHasItsOwnHelp) {
  const auto result = run_newsvault("parse --help");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_NE(result.out.find("--json"), std::string::npos) << result.out;
}

TEST(CliTest, VersionPrintsTheVersion) {
  const auto result = run_newsvault("--version");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_TRUE(std::regex_search(result.out, std::regex(R"(newsvault \d+\.\d+\.\d+)"))) << result.out;
}

TEST(CliTest, UnknownCommandIsAUsageErrorOnStderr) {
  const auto result = run_newsvault("frobnicate");
  EXPECT_EQ(result.exit_status, kUsageError);
  EXPECT_TRUE(result.out.empty());
  EXPECT_NE(result.err.find("frobnicate"), std::string::npos) << result.err;
}

TEST(CliTest, MissingFileIsNamedInTheError) {
  const auto result = run_newsvault("parse /nonexistent/feed.xml");
  EXPECT_EQ(result.exit_status, kFailure);
  EXPECT_NE(result.err.find("/nonexistent/feed.xml"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("No such file"), std::string::npos) << result.err;
}

TEST(CliTest, MalformedFileGivesFileLineAndCauseNotACrash) {
  testing::TempDir dir;
  const auto path = dir.path() / "broken.xml";
  testing::write_file(path, "\n\n<<< not xml at all");
  const auto result = run_newsvault("parse " + path.string());
  EXPECT_EQ(result.exit_status, kFailure);
  EXPECT_NE(result.err.find(path.string() + ":"), std::string::npos) << result.err;
}

TEST(CliTest, OptionsMayComeBeforeOrAfterTheFile) {
  testing::TempDir dir;
  const auto path = dir.path() / "feed.rss";
  testing::write_file(path, "<rss version=\"2.0\"><channel><title>T</title>"
                            "<item><title>I</title><pubDate>Mon, 19 Jun 2023 01:41:50 GMT</pubDate>"
                            "</item></channel></rss>");
  const auto after = run_newsvault("parse " + path.string() + " --json");
  const auto before = run_newsvault("parse --json " + path.string());
  ASSERT_EQ(after.exit_status, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
  const auto json = nlohmann::json::parse(after.out);
  EXPECT_EQ(json["version"], "rss20");
  EXPECT_EQ(json["title"], "T");
  ASSERT_EQ(json["entries"].size(), 1u);
  EXPECT_EQ(json["entries"][0]["title"], "I");
  EXPECT_EQ(json["entries"][0]["published"], "2023-06-19T01:41:50Z");
  EXPECT_TRUE(json["entries"][0]["updated"].is_null());
  EXPECT_TRUE(json["entries"][0]["tags"].is_array());
}

TEST(CliTest, RecoveredProblemsAreWarningsAndTheFeedIsStillPrinted) {
  testing::TempDir dir;
  const auto path = dir.path() / "bozo.rss";
  testing::write_file(path, "<rss version=\"2.0\"><channel><title>A&nbsp;B</title></channel></rss>");
  const auto result = run_newsvault("parse --json " + path.string());
  ASSERT_EQ(result.exit_status, 0);
  EXPECT_NE(result.err.find("warning"), std::string::npos);
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["title"], "A\u00A0B");
  EXPECT_TRUE(json["_bozo"].is_string());
}

TEST(CliTest, FileOverTheSizeLimitIsRefused) {
  testing::TempDir dir;
  const auto path = dir.path() / "big.xml";
  testing::write_file(path, "<rss>" + std::string(4096, ' ') + "</rss>");
  const auto result = run_newsvault("parse --max-bytes 1000 " + path.string());
  EXPECT_EQ(result.exit_status, kFailure);
  EXPECT_NE(result.err.find("limit"), std::string::npos) << result.err;
}

TEST(CliTest, ReadsEveryFeedOfTheCorpus) {
  const auto shared = testing::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared/ is absent: the corpus test needs it beside the repository";
  int parsed = 0;
  for (const auto& file : std::filesystem::recursive_directory_iterator(*shared / "corpus/feeds")) {
    if (!file.is_regular_file() || file.path().string().find("/reference/") != std::string::npos ||
        file.path().extension() == ".md") {
      continue;
    }
    const auto result = run_newsvault("parse --json '" + file.path().string() + "'");
    // The one file that is not a feed at all (invalid JSON) must fail
    // cleanly; every other must parse.
    if (file.path().filename() == "invalid.json") {
      EXPECT_EQ(result.exit_status, kFailure) << file.path();
      continue;
    }
    ASSERT_EQ(result.exit_status, 0) << file.path() << "\n" << result.err;
    EXPECT_TRUE(nlohmann::json::accept(result.out)) << file.path();
    ++parsed;
  }
  EXPECT_GE(parsed, 97);
}

TEST(CliTest, AgreesWithFeedparserOnAtLeast95PercentOfCorpusFields) {
  const auto shared = testing::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared/ is absent: the agreement test needs it beside the repository";
  const std::string binary = testing::newsvault_binary();
  FILE* pipe = popen(("scripts/feed-agreement.sh " + binary + " 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  ASSERT_EQ(pclose(pipe), 0) << output;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(output, match, std::regex(R"(agree (\d\.\d+) fields (\d+) feeds)")))
      << output;
  EXPECT_GE(std::stod(match[1]), 0.95) << output;
  EXPECT_EQ(match[2], "98");
}

}  // namespace
}  // namespace newsvault::cli
