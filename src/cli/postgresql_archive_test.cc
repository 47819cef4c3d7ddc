// An archive whose store is a PostgreSQL database: init --store, add, fetch
// and check from the command line, fetching from an HTTP server on
// 127.0.0.1 whose feed changes between runs; and migrate, to it and back.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <chrono>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"
#include "support/http_test_server.h"
#include "support/postgresql_test_support.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_newsvault;
using testing::shell_quote;

std::string feed_body(const std::string& word, const std::string& second_text) {
  return R"(<rss version="2.0"><channel><title>News</title>
<item><title>First )" + word + R"(</title><link>https://news.example/1</link><guid>one</guid>
<pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;The first story, )" +
         word + R"(.&lt;/p&gt;</description></item>
<item><title>Second</title><link>https://news.example/2</link><guid>two</guid>
<pubDate>Tue, 20 Jun 2023 01:00:00 GMT</pubDate><description>&lt;p&gt;)" +
         second_text + R"(&lt;/p&gt;</description></item>
</channel></rss>)";
}

class PostgresqlArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::postgresql_uri().empty()) GTEST_SKIP() << testing::kNoPostgresql;
    database_.emplace();
    word_ = "word" + std::to_string(std::random_device()());
    archive_ = dir_.path() / "archive";
  }

  void serve_feed(const std::string& second_text) {
    server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml; charset=utf-8"}},
                              .body = feed_body(word_, second_text)});
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }
  // `user add NAME --password-stdin`'s exit status.
  int add_user(const std::string& name) {
    const auto added = testing::run_command("printf '%s\\n' 'a long pass phrase' | " +
                                            shell_quote(testing::newsvault_binary()) + " --dir " +
                                            shell_quote(archive_.string()) + " user add " + name +
                                            " --password-stdin");
    EXPECT_EQ(added.exit_status, 0) << name << ": " << added.err;
    return added.exit_status;
  }

  std::optional<testing::ScratchDatabase> database_;
  testing::TempDir dir_;
  testing::HttpTestServer server_;
  fs::path archive_;
  std::string word_;
};

TEST_F(PostgresqlArchiveTest, InitWithAStoreUriArchivesFetchesIntoThatDatabaseAndAChangeIsOneNewRevision) {
  const std::string& uri = database_->uri();
  auto init = run_newsvault("init " + shell_quote(archive_.string()) + " --store " + shell_quote(uri));
  ASSERT_EQ(init.exit_status, 0) << init.err;
  const std::string settings = testing::read_file(archive_ / "newsvault.toml");
  EXPECT_NE(settings.find("[store]\nurl = \"" + uri + "\""), std::string::npos) << settings;
  EXPECT_FALSE(fs::exists(archive_ / ".newsvault/store.db")) << "the SQLite store was made all the same";

  serve_feed("The second story.");
  ASSERT_EQ(newsvault("add -q " + server_.url("/feed.xml") + " --name news --full-text never").exit_status, 0);
  auto fetched = newsvault("fetch -q --now 2023-06-21T00:00:00Z");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;

  auto listed = newsvault("list --json");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  auto articles = nlohmann::json::parse(listed.out, nullptr, false);
  ASSERT_EQ(articles["articles"].size(), 2u) << listed.out;
  for (const auto& article : articles["articles"]) {
    EXPECT_TRUE(fs::exists(archive_ / article["document"].get<std::string>())) << article.dump();
  }
  const std::string first = testing::read_file(archive_ / articles["articles"][1]["document"].get<std::string>());
  EXPECT_NE(first.find(word_), std::string::npos) << first;

  auto check = newsvault("check --json");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;

  // The search index is the SQLite store's: this archive says so.
  auto search = newsvault("search " + word_);
  EXPECT_NE(search.exit_status, 0);
  EXPECT_NE(search.err.find("only in an SQLite store"), std::string::npos) << search.err;

  // The server's users are kept in the store on PostgreSQL too.
  EXPECT_EQ(add_user("reader"), 0);
  auto users = newsvault("user list");
  EXPECT_EQ(users.exit_status, 0) << users.err;
  EXPECT_NE(users.out.find("reader"), std::string::npos) << users.out;
  auto removed = newsvault("user remove reader");
  EXPECT_EQ(removed.exit_status, 0) << removed.err;
  EXPECT_EQ(newsvault("user list").out.find("reader"), std::string::npos);

  serve_feed("The second story, corrected.");
  auto again = newsvault("fetch -q --json --now 2023-06-22T00:00:00Z");
  ASSERT_EQ(again.exit_status, 0) << again.err;
  auto shown = newsvault("list --json");
  auto after = nlohmann::json::parse(shown.out, nullptr, false);
  ASSERT_EQ(after["articles"].size(), 2u) << shown.out;
  int revisions = 0;
  for (const auto& article : after["articles"]) revisions += article["revisions"].get<int>();
  EXPECT_EQ(revisions, 3) << shown.out;
}

TEST_F(PostgresqlArchiveTest, AStoreUriThatCannotBeReachedFailsInitWithoutShowingItsPassword) {
  auto init = run_newsvault("init " + shell_quote(archive_.string()) +
                            " --store 'postgresql://archivist:hunter22@127.0.0.1:1/archive?connect_timeout=2'");
  EXPECT_NE(init.exit_status, 0);
  EXPECT_NE(init.err.find("postgresql://archivist:***@127.0.0.1:1/archive"), std::string::npos) << init.err;
  EXPECT_EQ(init.err.find("hunter22"), std::string::npos) << init.err;
  EXPECT_FALSE(fs::exists(archive_ / "newsvault.toml"));
}

// A count from the test database, -1 when it cannot be read.
long long count_in(const std::string& uri, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(uri.c_str()), &PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1) return -1;
  return std::stoll(PQgetvalue(result.get(), 0, 0));
}

TEST_F(PostgresqlArchiveTest, MigrateMovesAnSqliteArchiveToPostgresqlAndCopiesItBackWithEverythingChecked) {
  ASSERT_EQ(run_newsvault("init -q " + shell_quote(archive_.string())).exit_status, 0);
  serve_feed("The second story.");
  ASSERT_EQ(newsvault("add -q " + server_.url("/feed.xml") + " --name news --full-text never").exit_status, 0);
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-21T00:00:00Z").exit_status, 0);
  const std::string before = newsvault("list --json").out;
  // A reader of the archive's server, with an app's token and marks.
  ASSERT_EQ(add_user("reader"), 0);
  std::string password_hash;
  std::vector<std::int64_t> ids;
  {
    auto store = store::Store::open((archive_ / ".newsvault/store.db").string());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store::Readers& readers = (*store)->readers();
    auto user = readers.user_login("reader");
    ASSERT_TRUE(user.has_value() && user->has_value());
    password_hash = (*user)->password_hash;
    ASSERT_TRUE(readers.add_token("token-hash-" + word_, (*user)->id, "api_key", Timestamp{}).has_value());
    auto articles = (*store)->articles(std::nullopt);
    ASSERT_TRUE(articles.has_value());
    for (const auto& article : *articles) ids.push_back(article.id);
    ASSERT_EQ(ids.size(), 2u);
    ASSERT_TRUE(readers.set_marks((*user)->id, {&ids[0], 1}, true, std::nullopt, Timestamp{}).has_value());
    ASSERT_TRUE(readers.set_marks((*user)->id, {&ids[1], 1}, std::nullopt, true, Timestamp{}).has_value());
  }
  // What the reader finds in a store: logged in by the same password hash
  // and token, the first article read, the second starred.
  auto expect_reader_kept = [&](const std::string& location) {
    auto store = store::Store::open(location);
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store::Readers& readers = (*store)->readers();
    auto user = readers.user_login("reader");
    ASSERT_TRUE(user.has_value() && user->has_value()) << location;
    EXPECT_EQ((*user)->password_hash, password_hash) << location;
    auto by_token = readers.user_of_token("token-hash-" + word_);
    ASSERT_TRUE(by_token.has_value() && by_token->has_value()) << location;
    EXPECT_EQ((*by_token)->name, "reader");
    auto marks = readers.reader_articles((*user)->id, ids);
    ASSERT_TRUE(marks.has_value());
    ASSERT_EQ(marks->size(), 2u) << location;
    EXPECT_TRUE((*marks)[0].read && !(*marks)[0].starred) << location;
    EXPECT_TRUE(!(*marks)[1].read && (*marks)[1].starred) << location;
  };

  auto moved = newsvault("migrate --to " + shell_quote(database_->uri()));
  ASSERT_EQ(moved.exit_status, 0) << moved.err;
  EXPECT_NE(moved.out.find("revisions: 2 rows, checked"), std::string::npos) << moved.out;
  EXPECT_NE(testing::read_file(archive_ / "newsvault.toml").find("url = \"" + database_->uri() + "\""),
            std::string::npos);
  EXPECT_EQ(newsvault("list --json").out, before);
  EXPECT_EQ(count_in(database_->uri(), "SELECT count(*) FROM revisions"), 2);
  expect_reader_kept(database_->uri());
  // A user added after the move gets an id of its own.
  EXPECT_EQ(add_user("second"), 0);

  // A change archived on PostgreSQL goes with the rest into an SQLite copy;
  // the archive stays on PostgreSQL.
  serve_feed("The second story, corrected.");
  ASSERT_EQ(newsvault("fetch -q --now 2023-06-22T00:00:00Z").exit_status, 0);
  auto back = newsvault("migrate --to sqlite:" + shell_quote((dir_.path() / "copy.db").string()));
  ASSERT_EQ(back.exit_status, 0) << back.err;
  EXPECT_NE(back.out.find("revisions: 3 rows, checked"), std::string::npos) << back.out;
  EXPECT_NE(back.out.find("users: 2 rows, checked"), std::string::npos) << back.out;
  expect_reader_kept((dir_.path() / "copy.db").string());
  EXPECT_NE(testing::read_file(archive_ / "newsvault.toml").find("[store]\nurl"), std::string::npos);
  auto check = newsvault("check");
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

TEST_F(PostgresqlArchiveTest, AMigrateKilledMidCopyFinishesWhenRunAgain) {
  ASSERT_EQ(run_newsvault("init -q " + shell_quote(archive_.string())).exit_status, 0);
  {
    // Enough rows that the copy takes many pages.
    auto store = store::Store::open((archive_ / ".newsvault/store.db").string());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    auto feed = (*store)->add_feed("news", "https://news.example/feed.xml", "");
    ASSERT_TRUE(feed.has_value());
    std::vector<store::PreparedRevision> prepared;
    for (int i = 0; i < 6000; ++i) {
      store::ArticleRevision revision;
      revision.key = "article-" + std::to_string(i);
      revision.title = "Article " + std::to_string(i) + " " + word_;
      revision.url = "https://news.example/" + std::to_string(i);
      revision.content = "{\"text\":\"" + word_ + std::to_string(i) + "\"}";
      revision.document_path = "news/" + revision.key + ".md";
      prepared.push_back(*store::prepare_revision(revision));
    }
    std::vector<store::RevisionToSave> batch;
    for (const auto& item : prepared) batch.push_back({feed->id, &item});
    ASSERT_TRUE((*store)->save_revisions(batch, Timestamp(std::chrono::milliseconds(1'000))).has_value());
  }

  const std::string command = testing::newsvault_binary() + " --dir " + shell_quote(archive_.string()) +
                              " migrate -q --to " + shell_quote(database_->uri());
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + command + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Killed once the copy has begun: its first pages are in.
  long long copied = 0;
  int status = 0;
  bool exited = false;
  while (!exited && copied <= 0) {
    copied = count_in(database_->uri(), "SELECT count(*) FROM articles");
    exited = waitpid(child, &status, WNOHANG) == child;
  }
  if (!exited) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  const long long at_kill = count_in(database_->uri(), "SELECT count(*) FROM revisions");
  std::cout << "killed with " << at_kill << " of 6000 revisions copied\n";
  EXPECT_EQ(testing::read_file(archive_ / "newsvault.toml").find("[store]\nurl"), std::string::npos)
      << "the archive switched to a copy that was not finished";

  auto again = run_newsvault("--dir " + shell_quote(archive_.string()) + " migrate --to " +
                             shell_quote(database_->uri()));
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_EQ(count_in(database_->uri(), "SELECT count(*) FROM revisions"), 6000);
  EXPECT_EQ(count_in(database_->uri(), "SELECT count(DISTINCT key) FROM articles"), 6000);
  auto listed = newsvault("list --json");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out)["articles"].size(), 6000u);
}

}  // namespace
}  // namespace newsvault::cli
