// Names a feed or an entry chooses become folders and files of the archive:
// no two of them may reach one path, none may take a path the archive
// itself uses, and an archive named by the first layout is moved to the
// current names by the next run, its history recording the move.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "publish/publish.h"
#include "store/store.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_command;
using testing::run_newsvault;
using testing::shell_quote;

constexpr const char* kSettings = R"([fetch]
full_text = "never"
)";

std::string rss(const std::string& items) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
         "<link>https://news.example/</link>" + items + "</channel></rss>";
}

std::string item(const std::string& guid, const std::string& title) {
  return "<item><title>" + title + "</title><link>https://news.example/" + title +
         "</link><guid isPermaLink=\"false\">" + guid +
         "</guid><pubDate>Mon, 19 Jun 2023 01:41:50 GMT</pubDate>"
         "<description>&lt;p&gt;Text of " + title + ".&lt;/p&gt;</description></item>";
}

// Every Markdown document under `folder` (relative to `root`), indexes left out.
std::set<std::string> documents(const fs::path& root) {
  std::set<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string relative = entry.path().lexically_relative(root).generic_string();
    if (relative.starts_with(".") || relative.starts_with("site/")) continue;
    if (entry.is_regular_file() && relative.ends_with(".md") && !relative.ends_with("README.md")) {
      found.insert(relative);
    }
  }
  return found;
}

std::set<std::string> committed(const fs::path& root) {
  const auto listed = run_command("git -C " + shell_quote(root.string()) + " ls-tree -r --name-only HEAD");
  std::set<std::string> files;
  std::size_t start = 0;
  while (start < listed.out.size()) {
    const std::size_t end = listed.out.find('\n', start);
    files.insert(listed.out.substr(start, end - start));
    start = end == std::string::npos ? listed.out.size() : end + 1;
  }
  return files;
}

class HostileNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = dir_.path() / "archive";
    ASSERT_EQ(run_newsvault("init " + archive_.string()).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml", kSettings);
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }

  testing::TempDir dir_;
  fs::path archive_;
  HttpTestServer server_;
};

// Regression: the guid "x-5d8c685d" was kept as its own file name, which
// was also the hashed name of the guid "../../x": the second overwrote the
// first's document and check exited 5.
TEST_F(HostileNamesTest, AGuidShapedLikeAnotherGuidsFileNameGetsItsOwnDocument) {
  server_.set("/feed.xml", {.body = rss(item("x-5d8c685d", "first") + item("../../x", "second"))});
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name news").exit_status, 0);
  const auto fetched = newsvault("fetch");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  const auto paths = documents(archive_);
  EXPECT_EQ(paths.size(), 2u);
  std::set<std::string> texts;
  for (const std::string& path : paths) texts.insert(testing::read_file(archive_ / path));
  EXPECT_EQ(texts.size(), 2u);
  const auto checked = newsvault("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out << checked.err;
}

// Regression: the feeds "x y" and "x-y-caca3794" shared one folder.
TEST_F(HostileNamesTest, AFeedNamedLikeAnotherFeedsFolderGetsAFolderOfItsOwn) {
  server_.set("/a.xml", {.body = rss(item("a", "alpha"))});
  server_.set("/b.xml", {.body = rss(item("a", "beta"))});
  ASSERT_EQ(newsvault("add " + server_.url("/a.xml") + " --name 'x y'").exit_status, 0);
  ASSERT_EQ(newsvault("add " + server_.url("/b.xml") + " --name x-y-caca3794").exit_status, 0);
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  const auto paths = documents(archive_);
  ASSERT_EQ(paths.size(), 2u);
  std::set<std::string> folders;
  for (const std::string& path : paths) folders.insert(path.substr(0, path.find('/')));
  EXPECT_EQ(folders, (std::set<std::string>{publish::feed_folder("x y"), "x-y-caca3794"}));
  EXPECT_TRUE(fs::exists(archive_ / publish::feed_folder("x y") / "README.md"));
  EXPECT_TRUE(fs::exists(archive_ / publish::feed_folder("x-y-caca3794") / "README.md"));
  EXPECT_EQ(newsvault("check").exit_status, 0);
}

TEST_F(HostileNamesTest, NamesTheArchiveUsesAreRefusedSayingWhy) {
  server_.set("/feed.xml", {.body = rss(item("a", "alpha"))});
  for (const std::string name : {"site", "Media", "manifests", "changes.xml", "atom.xml", "README.md",
                                 ".git", "newsvault.toml"}) {
    const auto added = newsvault("add " + server_.url("/feed.xml") + " --name " + shell_quote(name));
    EXPECT_EQ(added.exit_status, 1) << name;
    EXPECT_NE(added.err.find("\"" + name + "\""), std::string::npos) << added.err;
  }
  // The site's folder is a setting.
  testing::write_file(archive_ / "newsvault.toml", std::string(kSettings) + "[publish.site]\ndir = \"www\"\n");
  const auto added = newsvault("add " + server_.url("/feed.xml") + " --name www");
  EXPECT_EQ(added.exit_status, 1);
  EXPECT_NE(added.err.find("feed name \"www\": the static site's folder ([publish.site] dir = \"www\")"),
            std::string::npos)
      << added.err;
  EXPECT_TRUE(newsvault("list --feeds").out.find("www") == std::string::npos);

  // OPML outlines with such names are skipped and named.
  const fs::path opml = dir_.path() / "list.opml";
  testing::write_file(opml, "<opml version=\"2.0\"><body><outline text=\"Media\" xmlUrl=\"" +
                                server_.url("/feed.xml") + "\"/></body></opml>");
  const auto imported = newsvault("import-opml " + opml.string());
  EXPECT_EQ(imported.exit_status, 0);
  EXPECT_NE(imported.err.find("skipped Media (" + server_.url("/feed.xml") +
                              "): feed name \"media\": the archive's media folder"),
            std::string::npos)
      << imported.err;
  EXPECT_EQ(newsvault("list --feeds").out.find("media"), std::string::npos);

  // Settings naming such a feed are refused when read.
  testing::write_file(archive_ / "newsvault.toml", std::string(kSettings) + "[feeds.site]\nfull_text = \"always\"\n");
  const auto listed = newsvault("list");
  EXPECT_NE(listed.exit_status, 0);
  EXPECT_NE(listed.err.find("feeds.site"), std::string::npos) << listed.err;
  EXPECT_NE(listed.err.find("the static site's folder"), std::string::npos) << listed.err;
}

// An archive written by the first layout (documents and folders named by
// legacy_feed_folder; two articles sharing one file) is moved by the next
// run: every article has its own document, the old folder is gone, and the
// commit holds the new names only. A run that stops halfway (here: a file
// where a new folder must go) is finished by the next.
TEST_F(HostileNamesTest, AnArchiveOfTheFirstLayoutIsMovedAndTheMoveCommitted) {
  server_.set("/feed.xml", {.body = rss(item("x-5d8c685d", "first") + item("../../x", "second") +
                                        item("plain", "third"))});
  ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name 'x y'").exit_status, 0);
  ASSERT_EQ(newsvault("fetch").exit_status, 0);
  const auto current = documents(archive_);
  ASSERT_EQ(current.size(), 3u);

  // Back to the first layout, as its code wrote it.
  {
    auto store = store::Store::open((archive_ / ".newsvault/store.db").string());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    auto articles = (*store)->articles(std::nullopt);
    ASSERT_TRUE(articles.has_value());
    std::vector<store::ArticlePath> old_paths;
    for (const store::ArticleSummary& article : *articles) {
      const std::string old_path = publish::legacy_feed_folder(article.feed_name) + "/2023/06/19-" +
                                   publish::legacy_feed_folder(article.key) + ".md";
      old_paths.push_back({article.id, old_path});
      const fs::path to = archive_ / old_path;
      fs::create_directories(to.parent_path());
      fs::rename(archive_ / article.document_path, to);
    }
    ASSERT_TRUE((*store)->relayout(1, old_paths, {}).has_value());
    for (const store::ArticleSummary& article : *articles) {
      ASSERT_TRUE((*store)->mark_document_written(article.id, 1).has_value());
    }
    fs::rename(archive_ / publish::feed_folder("x y") / "README.md", archive_ / "x-y-caca3794/README.md");
    fs::remove_all(archive_ / publish::feed_folder("x y"));
  }
  const auto old = documents(archive_);
  ASSERT_EQ(old.size(), 2u);  // two articles shared one file
  ASSERT_EQ(run_command("cd " + shell_quote(archive_.string()) +
                        " && git add -A && git -c user.name=t -c user.email=t@example.org commit -qm old")
                .exit_status,
            0);

  // Stopped halfway: a file stands where the new folder must be made.
  testing::write_file(archive_ / publish::feed_folder("x y"), "in the way");
  const auto stopped = newsvault("fetch");
  EXPECT_NE(stopped.exit_status, 0);
  EXPECT_NE(stopped.err.find("cannot move x-y-caca3794/"), std::string::npos) << stopped.err;
  fs::remove(archive_ / publish::feed_folder("x y"));

  const auto finished = newsvault("fetch");
  ASSERT_EQ(finished.exit_status, 0) << finished.err;
  EXPECT_EQ(documents(archive_), current);
  EXPECT_FALSE(fs::exists(archive_ / "x-y-caca3794"));
  const auto checked = newsvault("check");
  EXPECT_EQ(checked.exit_status, 0) << checked.out << checked.err;
  const auto history = committed(archive_);
  for (const std::string& path : current) EXPECT_TRUE(history.contains(path)) << path;
  for (const std::string& path : old) EXPECT_FALSE(history.contains(path)) << path;
}

}  // namespace
}  // namespace newsvault::cli
