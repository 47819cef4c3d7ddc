// check_archive against archives a fetch made, then damaged on purpose.
#include <gtest/gtest.h>

#include "pipeline/article_record.h"
#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;
using Severity = CheckProblem::Severity;

class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override { make_archive(""); }

  // An archive of one feed of three articles, fetched; `settings` added to
  // its newsvault.toml first.
  void make_archive(const std::string& settings) {
    std::string feed = "<rss version=\"2.0\"><channel><title>Local</title>";
    for (int i = 0; i < 3; ++i) {
      const std::string n = std::to_string(i);
      feed += "<item><title>Story " + n + "</title><link>https://local.example/" + n +
              "</link><pubDate>Mon, 19 Jun 2023 0" + n +
              ":00:00 GMT</pubDate><description>&lt;p&gt;Body " + n + "&lt;/p&gt;</description></item>";
    }
    testing::write_file(dir_.path() / "feed.xml", feed + "</channel></rss>");
    root_ = dir_.path() / "archive";
    ASSERT_TRUE(Archive::init(root_).has_value());
    testing::write_file(root_ / kConfigFileName, testing::read_file(root_ / kConfigFileName) + settings);
    auto archive = Archive::open(root_);
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    ASSERT_TRUE((*archive)->store().add_feed("local", "file://" + (dir_.path() / "feed.xml").string(), "").has_value());
    auto client = fetch::make_http_client((*archive)->config().fetch);
    auto fetched = run_fetch(**archive, *client, *parse_date("2023-06-20T00:00:00Z"), nullptr);
    ASSERT_TRUE(fetched.has_value()) << fetched.error().message();
    ASSERT_EQ(fetched->documents_written, 3u);
    auto articles = (*archive)->store().articles(std::nullopt);
    ASSERT_TRUE(articles.has_value());
    document_ = articles->front().document_path;
  }

  CheckReport check() {
    auto report = check_archive(root_);
    EXPECT_TRUE(report.has_value()) << report.error().message();
    return report ? *report : CheckReport{};
  }

  // The problems at `path`, as "error: what" / "warning: what".
  std::vector<std::string> problems_at(const CheckReport& report, const std::string& path) {
    std::vector<std::string> found;
    for (const CheckProblem& problem : report.problems) {
      if (problem.path != path) continue;
      found.push_back((problem.severity == Severity::kError ? "error: " : "warning: ") + problem.what);
    }
    return found;
  }

  testing::TempDir dir_;
  fs::path root_;
  std::string document_;
};

TEST_F(CheckTest, AnArchiveAsFetchLeftItHasNoProblems) {
  const CheckReport report = check();
  EXPECT_TRUE(report.sound());
  EXPECT_TRUE(report.problems.empty());
  EXPECT_EQ(report.articles, 3u);
  EXPECT_EQ(report.documents, 3u);
  // Three indexes (root, feed, month), three feeds out for the feed and the root, changes.xml.
  EXPECT_EQ(report.outputs, 10u);
}

TEST_F(CheckTest, ADocumentEditedByHandIsAnErrorNamingItsPath) {
  testing::write_file(root_ / document_, testing::read_file(root_ / document_) + "edited\n");
  const CheckReport report = check();
  EXPECT_FALSE(report.sound());
  const auto found = problems_at(report, document_);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(found[0].starts_with("error: differs from every revision of its article")) << found[0];
  EXPECT_TRUE(found[1].starts_with("warning: not committed yet")) << found[1];
}

TEST_F(CheckTest, AMissingDocumentAndIndexAreErrors) {
  fs::remove(root_ / document_);
  fs::remove(root_ / "local" / "README.md");
  const CheckReport report = check();
  EXPECT_FALSE(report.sound());
  ASSERT_FALSE(problems_at(report, document_).empty());
  EXPECT_TRUE(problems_at(report, document_)[0].starts_with("error: missing: the store records revision 1"));
  ASSERT_FALSE(problems_at(report, "local/README.md").empty());
  EXPECT_TRUE(problems_at(report, "local/README.md")[0].starts_with("error: missing"));
}

TEST_F(CheckTest, ATemporaryFileIsAWarningAfterAnInterruptedRunAndAnErrorOtherwise) {
  const std::string temporary = "local/.atom.xml.Ab12Cd";
  testing::write_file(root_ / temporary, "<feed");
  EXPECT_TRUE(problems_at(check(), temporary).at(0).starts_with("error: a temporary file"));
  testing::write_file(root_ / ".newsvault" / "fetch.running", "");
  const CheckReport report = check();
  EXPECT_TRUE(report.sound());
  EXPECT_TRUE(problems_at(report, temporary).at(0).starts_with("warning: a write the interrupted run cut short"));
  EXPECT_FALSE(problems_at(report, ".newsvault/fetch.running").empty());
}

TEST_F(CheckTest, AStoreSqliteCannotReadIsAnErrorNotAFailureToCheck) {
  testing::write_file(root_ / ".newsvault" / "store.db", std::string(8192, 'x'));
  fs::remove(root_ / ".newsvault" / "store.db-wal");
  fs::remove(root_ / ".newsvault" / "store.db-shm");
  const CheckReport report = check();
  EXPECT_FALSE(report.sound());
  EXPECT_FALSE(problems_at(report, ".newsvault/store.db").empty());
}

// Regression: a revision saved before bodies were cleaned is written by the
// next fetch with its body cleaned, and check called that document edited.
TEST_F(CheckTest, ADocumentFetchWroteFromARevisionSavedBeforeCleaningIsSound) {
  {
    auto archive = Archive::open(root_);
    ASSERT_TRUE(archive.has_value());
    store::Store& store = (*archive)->store();
    auto articles = store.articles(std::nullopt);
    ASSERT_TRUE(articles.has_value());
    auto revisions = store.revisions(articles->front().id);
    ASSERT_TRUE(revisions.has_value());
    auto article = article_from_json(revisions->back().revision.content);
    ASSERT_TRUE(article.has_value());
    article->body_html += "<p style=\"color:red\">saved, never written</p>";
    store::ArticleRevision revision = revisions->back().revision;
    revision.content = article_to_json(*article);
    ASSERT_TRUE(store.save_revision(articles->front().feed_id, revision, *parse_date("2023-06-20T01:00:00Z")));
    auto client = fetch::make_http_client((*archive)->config().fetch);
    ASSERT_TRUE(run_fetch(**archive, *client, *parse_date("2023-06-20T02:00:00Z"), nullptr).has_value());
    ASSERT_NE(testing::read_file(root_ / document_).find("<p>saved, never written</p>"), std::string::npos);
  }
  const CheckReport report = check();
  EXPECT_TRUE(problems_at(report, document_).empty()) << problems_at(report, document_).front();
  EXPECT_TRUE(report.sound());
}

class ConvertedCopiesCheckTest : public CheckTest {
 protected:
  void SetUp() override { make_archive("\n[feeds.local]\nconvert = [\"s2t\"]\n"); }
};

TEST_F(ConvertedCopiesCheckTest, EachCopyIsComparedWithTheConversionOfItsRevision) {
  const std::string copy = publish::converted_document_path(document_, publish::ChineseConversion::kS2T);
  ASSERT_TRUE(fs::exists(root_ / copy)) << copy;
  CheckReport report = check();
  EXPECT_TRUE(report.problems.empty()) << report.problems.front().path << ": " << report.problems.front().what;
  EXPECT_EQ(report.documents, 6u);

  testing::write_file(root_ / copy, "changed\n");
  report = check();
  EXPECT_FALSE(report.sound());
  ASSERT_FALSE(problems_at(report, copy).empty());
  EXPECT_TRUE(problems_at(report, copy)[0].starts_with("error: differs from the converted copy of " + document_))
      << problems_at(report, copy)[0];
}

TEST(CheckArchiveTest, AFolderWithoutAnArchiveCannotBeChecked) {
  testing::TempDir dir;
  auto report = check_archive(dir.path());
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace newsvault::pipeline
