// Fetch and publish over a real archive folder: one commit per run that
// changes documents, none otherwise; pushes retried until a remote takes
// them; a rebuild from the store changes no byte.
#include <gtest/gtest.h>

#include "pipeline/article_record.h"
#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

// The feeds' entries link pages on hosts that do not exist: archived from
// the feeds' own content, without a request leaving the machine.
constexpr const char* kFeedContentOnly =
    "[feeds.world]\nfull_text = \"never\"\n[feeds.asia]\nfull_text = \"never\"\n";

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;

std::string git(const fs::path& dir, const std::string& arguments) {
  const auto result = run_command("git -C " + shell_quote(dir.string()) + " " + arguments);
  EXPECT_EQ(result.exit_status, 0) << arguments << ": " << result.err;
  return result.out;
}

std::string rss(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>World</title>";
  for (const auto& [id, body] : items) {
    feed += "<item><title>Story " + id + "</title><link>https://news.example.org/" + id +
            "</link><guid isPermaLink=\"false\">" + id +
            "</guid><pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;" + body +
            "&lt;/p&gt;&lt;img src=\"https://img.example.org/" + id + ".jpg\"&gt;</description></item>";
  }
  return feed + "</channel></rss>";
}

class PublishRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v git").exit_status != 0) GTEST_SKIP() << "the git command is not installed";
    root_ = dir_.path() / "archive";
    remote_ = dir_.path() / "mirror.git";
    ASSERT_TRUE(Archive::init(root_).has_value());
    testing::write_file(
        root_ / kConfigFileName,
        "[publish.git]\nauthor_name = \"Archive Bot\"\nauthor_email = \"bot@example.org\"\n"
        "[[publish.git.remote]]\nname = \"mirror\"\nurl = \"" +
            remote_.string() + "\"\n" + kFeedContentOnly);
    feed_ = dir_.path() / "world.rss";
    testing::write_file(feed_, rss({{"a", "First"}, {"b", "Second"}}));
    auto archive = Archive::open(root_);
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
    ASSERT_TRUE(archive_->store().add_feed("world", "file://" + feed_.string(), "").has_value());
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  FetchSummary fetch_at(const char* now) {
    auto summary = run_fetch(*archive_, *client_, *parse_date(now), nullptr);
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    return summary ? *summary : FetchSummary{};
  }

  testing::TempDir dir_;
  fs::path root_, remote_, feed_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

TEST_F(PublishRunTest, AFetchThatChangesDocumentsIsOneCommitAndOneThatDoesNotIsNone) {
  const FetchSummary first = fetch_at("2023-06-19T01:47:05Z");
  ASSERT_TRUE(first.publish.commit.has_value());
  EXPECT_EQ(git(root_, "log -1 --format=%s%n%an"), "2 new in world\nArchive Bot\n");
  EXPECT_EQ(git(root_, "ls-files"),
            ".gitignore\nREADME.md\nworld/2023/06/19-a.md\nworld/2023/06/19-b.md\nworld/2023/06/README.md\n"
            "world/README.md\n");

  const FetchSummary unchanged = fetch_at("2023-06-19T02:47:05Z");
  EXPECT_FALSE(unchanged.publish.commit.has_value());
  EXPECT_EQ(git(root_, "rev-list --count HEAD"), "1\n");

  testing::write_file(feed_, rss({{"a", "First, corrected"}, {"b", "Second"}, {"c", "Third"}}));
  const FetchSummary second = fetch_at("2023-06-19T03:47:05Z");
  ASSERT_TRUE(second.publish.commit.has_value());
  EXPECT_EQ(git(root_, "log -1 --format=%s"), "1 new, 1 updated in world\n");
  // Exactly what the run changed: the two documents and the indexes (the
  // feeds out and the site are served, not committed).
  EXPECT_EQ(git(root_, "show --name-only --format= HEAD"),
            "README.md\nworld/2023/06/19-a.md\nworld/2023/06/19-c.md\nworld/2023/06/README.md\nworld/README.md\n");
  EXPECT_TRUE(git(root_, "status --porcelain --ignored=no").empty());
}

TEST_F(PublishRunTest, SeveralFeedsChangedMakeOneCommitWithALinePerFeed) {
  const fs::path second = dir_.path() / "asia.rss";
  testing::write_file(second, rss({{"x", "Asia"}}));
  ASSERT_TRUE(archive_->store().add_feed("asia", "file://" + second.string(), "").has_value());
  fetch_at("2023-06-19T01:47:05Z");
  EXPECT_EQ(git(root_, "log --format=%B"), "3 new in 2 feeds\n\nasia: 1 new\nworld: 2 new\n\n");
}

TEST_F(PublishRunTest, AFailedPushIsReportedKeptAndRetriedByTheNextRun) {
  const FetchSummary first = fetch_at("2023-06-19T01:47:05Z");
  ASSERT_EQ(first.publish.pushes.size(), 1u);
  EXPECT_FALSE(first.publish.pushes[0].pushed);
  ASSERT_EQ(first.publish.errors.size(), 1u);
  EXPECT_NE(first.publish.errors[0].find("push to mirror"), std::string::npos) << first.publish.errors[0];
  EXPECT_NE(testing::read_file(root_ / ".newsvault/remotes.json").find("\"ok\": false"), std::string::npos);

  git(dir_.path(), "init -q --bare " + shell_quote(remote_.string()));
  const FetchSummary retry = fetch_at("2023-06-19T02:47:05Z");  // nothing new at the source
  EXPECT_FALSE(retry.publish.commit.has_value());
  ASSERT_EQ(retry.publish.pushes.size(), 1u);
  EXPECT_TRUE(retry.publish.pushes[0].pushed) << retry.publish.pushes[0].error;
  EXPECT_TRUE(retry.publish.errors.empty());
  EXPECT_EQ(git(remote_, "rev-parse main"), git(root_, "rev-parse HEAD"));
  EXPECT_NE(testing::read_file(root_ / ".newsvault/remotes.json").find("\"ok\": true"), std::string::npos);
}

TEST_F(PublishRunTest, RebuildingFromTheStoreLeavesTheHistoryClean) {
  testing::write_file(feed_, rss({{"a", "First"}, {"b", "Second &amp;amp; more"}, {"c", "中文"}}));
  fetch_at("2023-06-19T01:47:05Z");
  testing::write_file(feed_, rss({{"a", "First, corrected"}, {"b", "Second"}}));
  fetch_at("2023-06-20T01:47:05Z");
  ASSERT_TRUE(git(root_, "status --porcelain").empty());
  // A document lost or damaged on disk comes back from the store as it was.
  fs::remove(root_ / "world/2023/06/19-b.md");
  testing::write_file(root_ / "world/atom.xml", "damaged");

  PublishRequest request;
  request.now = *parse_date("2023-06-21T00:00:00Z");
  request.rebuild = true;
  auto published = run_publish(*archive_, request);
  ASSERT_TRUE(published.has_value()) << published.error().message();
  EXPECT_EQ(published->documents_rendered, 3u);
  EXPECT_FALSE(published->commit.has_value()) << "the same store gives the same bytes";
  EXPECT_EQ(git(root_, "status --porcelain"), "");
  EXPECT_EQ(git(root_, "rev-list --count HEAD"), "2\n");
}

// Regression: a plain publish committed a document edited by hand (as
// "Republish the archive") although check said it differed from the store.
TEST_F(PublishRunTest, PublishRestoresADocumentEditedByHandAndCommitsTheStoresRendering) {
  git(dir_.path(), "init -q --bare " + shell_quote(remote_.string()));
  fetch_at("2023-06-19T01:47:05Z");
  const std::string document = "world/2023/06/19-b.md";
  const std::string archived = testing::read_file(root_ / document);
  testing::write_file(root_ / document, archived + "A sentence the source never published.\n");

  PublishRequest request;
  request.now = *parse_date("2023-06-20T00:00:00Z");
  auto published = run_publish(*archive_, request);
  ASSERT_TRUE(published.has_value()) << published.error().message();
  EXPECT_EQ(published->restored,
            std::vector<std::string>{"restored " + document + ": it differed from revision 1 of its article"});
  EXPECT_EQ(testing::read_file(root_ / document), archived);
  EXPECT_EQ(git(root_, "show HEAD:" + document), archived);
  EXPECT_EQ(git(root_, "status --porcelain"), "");
  auto report = check_archive(root_);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  // Sound, and nothing about the document ([feeds.asia], set for a feed
  // other tests add, is a warning).
  EXPECT_TRUE(report->sound());
  for (const CheckProblem& problem : report->problems) EXPECT_NE(problem.path, document) << problem.what;
}

TEST_F(PublishRunTest, AFetchThatCommitsTakesItsChangesButNotADocumentEditedByHand) {
  fetch_at("2023-06-19T01:47:05Z");
  const std::string edited = "world/2023/06/19-b.md";
  const std::string archived = testing::read_file(root_ / edited);
  testing::write_file(root_ / edited, "# Retitled by hand\n");
  testing::write_file(feed_, rss({{"a", "First, corrected"}, {"b", "Second"}}));

  const FetchSummary fetched = fetch_at("2023-06-19T03:47:05Z");
  ASSERT_TRUE(fetched.publish.commit.has_value());
  EXPECT_EQ(fetched.publish.restored,
            std::vector<std::string>{"restored " + edited + ": it differed from revision 1 of its article"});
  EXPECT_EQ(git(root_, "show HEAD:" + edited), archived);
  const std::string committed = git(root_, "show --name-only --format= HEAD");
  EXPECT_NE(committed.find("world/2023/06/19-a.md\n"), std::string::npos) << committed;
  EXPECT_EQ(committed.find(edited), std::string::npos) << committed;
}

TEST_F(PublishRunTest, AConvertedCopyEditedByHandIsRestoredToo) {
  testing::write_file(root_ / kConfigFileName,
                      "[feeds.world]\nfull_text = \"never\"\nconvert = [\"s2t\"]\n");
  auto archive = Archive::open(root_);
  ASSERT_TRUE(archive.has_value());
  archive_ = std::move(*archive);
  fetch_at("2023-06-19T01:47:05Z");
  const std::string copy = "world/zh-Hant/2023/06/19-a.md";
  const std::string converted = testing::read_file(root_ / copy);
  testing::write_file(root_ / copy, "edited\n");

  PublishRequest request;
  request.now = *parse_date("2023-06-20T00:00:00Z");
  auto published = run_publish(*archive_, request);
  ASSERT_TRUE(published.has_value()) << published.error().message();
  EXPECT_EQ(published->restored,
            std::vector<std::string>{"restored " + copy +
                                     ": it differed from the converted copy of revision 1 of its article"});
  EXPECT_EQ(testing::read_file(root_ / copy), converted);
  EXPECT_EQ(git(root_, "show HEAD:" + copy), converted);
}

TEST_F(PublishRunTest, ADocumentTheStoreHasPendingIsWrittenAndMarkedNotReportedAsRestored) {
  fetch_at("2023-06-19T01:47:05Z");
  // A revision saved, its document not yet written: what a killed fetch leaves.
  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  const store::ArticleSummary& summary = articles->front();
  auto revisions = archive_->store().revisions(summary.id);
  ASSERT_TRUE(revisions.has_value());
  auto article = article_from_json(revisions->back().revision.content);
  ASSERT_TRUE(article.has_value());
  article->body_html = "<p>Corrected at the source</p>";
  store::ArticleRevision revision = revisions->back().revision;
  revision.content = article_to_json(*article);
  auto feed = archive_->store().feed_by_name("world");
  ASSERT_TRUE(feed.has_value() && feed->has_value());
  ASSERT_TRUE(archive_->store().save_revision((*feed)->id, revision, *parse_date("2023-06-19T02:00:00Z")));
  ASSERT_EQ(archive_->store().articles_needing_documents().value().size(), 1u);

  PublishRequest request;
  request.now = *parse_date("2023-06-20T00:00:00Z");
  auto published = run_publish(*archive_, request);
  ASSERT_TRUE(published.has_value()) << published.error().message();
  EXPECT_TRUE(published->restored.empty());
  EXPECT_EQ(published->documents_rendered, 1u);
  EXPECT_TRUE(archive_->store().articles_needing_documents().value().empty());
  const std::string written = testing::read_file(root_ / summary.document_path);
  EXPECT_NE(written.find("Corrected at the source"), std::string::npos) << written;
  EXPECT_EQ(git(root_, "show HEAD:" + summary.document_path), written);
}

TEST_F(PublishRunTest, WithGitDisabledARunWritesFeedsOutButCommitsNothing) {
  testing::write_file(root_ / kConfigFileName,
                      std::string("[publish.git]\nenabled = false\n") + kFeedContentOnly);
  auto archive = Archive::open(root_);
  ASSERT_TRUE(archive.has_value());
  archive_ = std::move(*archive);
  const FetchSummary summary = fetch_at("2023-06-19T01:47:05Z");
  EXPECT_FALSE(summary.publish.commit.has_value());
  EXPECT_TRUE(summary.publish.pushes.empty());
  EXPECT_TRUE(fs::exists(root_ / "world/atom.xml"));
  EXPECT_NE(run_command("git -C " + shell_quote(root_.string()) + " rev-parse HEAD").exit_status, 0);
}

}  // namespace
}  // namespace newsvault::pipeline
