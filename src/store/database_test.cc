#include "store/database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"
#include "store/content_hash.h"
#include "store/migrations.h"
#include "store/store.h"
#include "support/test_support.h"

namespace newsvault::store {
namespace {

std::unique_ptr<Database> open_or_die(const std::string& path) {
  Result<std::unique_ptr<Database>> database = Database::open(path);
  EXPECT_TRUE(database.has_value()) << database.error().message();
  return database ? std::move(*database) : nullptr;
}

// The first column of every row of `sql`, as text.
std::vector<std::string> column(Database& database, const std::string& sql) {
  std::vector<std::string> values;
  Result<Query> query = database.query(sql);
  EXPECT_TRUE(query.has_value()) << query.error().message();
  if (!query) return values;
  for (;;) {
    Result<bool> row = query->step();
    EXPECT_TRUE(row.has_value()) << row.error().message();
    if (!row || !*row) return values;
    values.push_back(query->text(0));
  }
}

std::string user_version(Database& database) {
  return column(database, "PRAGMA user_version").at(0);
}

// ---------------------------------------------------------------------------
// Migrations

// A schema whose second migration leaves a trace of every run.
constexpr Migration kCountingMigrations[] = {
    {1, "create the log", "CREATE TABLE log (entry TEXT NOT NULL)"},
    {2, "write to the log", "INSERT INTO log VALUES ('migration 2 ran')"},
};

TEST(MigrationsTest, BringANewDatabaseToTheLatestVersion) {
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  EXPECT_EQ(user_version(*database), "0");
  ASSERT_TRUE(migrate(*database).has_value());
  EXPECT_EQ(user_version(*database), std::to_string(migrations().back().version));
  EXPECT_EQ(column(*database, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"),
            (std::vector<std::string>{"archive_layout", "article_images", "articles", "document_moves",
                                      "feed_articles", "feed_bodies", "feeds", "images", "pending_work",
                                      "poll_schedule", "revisions", "search_text", "url_validators",
                                      "user_articles", "user_tokens", "users"}));
}

TEST(MigrationsTest, ApplyOverASkippedNumber) {
  constexpr Migration kSkipping[] = {
      {1, "create a log", "CREATE TABLE log (entry TEXT)"},
      {3, "write to the log", "INSERT INTO log VALUES ('migration 3 ran')"},
  };
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  ASSERT_TRUE(migrate(*database, kSkipping).has_value());
  EXPECT_EQ(user_version(*database), "3");
  EXPECT_EQ(column(*database, "SELECT entry FROM log"), std::vector<std::string>{"migration 3 ran"});
}

TEST(MigrationsTest, AreNumberedUpwardsFromOne) {
  int previous = 0;
  ASSERT_FALSE(migrations().empty());
  EXPECT_EQ(migrations().front().version, 1);
  for (const Migration& migration : migrations()) {
    EXPECT_GT(migration.version, previous);
    previous = migration.version;
  }
}

TEST(MigrationsTest, DoNotRunAgainOnAMigratedDatabase) {
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  ASSERT_TRUE(migrate(*database, kCountingMigrations).has_value());
  ASSERT_TRUE(migrate(*database, kCountingMigrations).has_value());
  EXPECT_EQ(column(*database, "SELECT entry FROM log"),
            std::vector<std::string>{"migration 2 ran"});
  EXPECT_EQ(user_version(*database), "2");
}

TEST(MigrationsTest, DoNotRunAgainWhenAFileIsReopened) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "archive.db").string();
  for (int open = 0; open < 2; ++open) {
    std::unique_ptr<Database> database = open_or_die(path);
    ASSERT_NE(database, nullptr);
    ASSERT_TRUE(migrate(*database, kCountingMigrations).has_value());
  }
  std::unique_ptr<Database> database = open_or_die(path);
  EXPECT_EQ(column(*database, "SELECT entry FROM log"),
            std::vector<std::string>{"migration 2 ran"});
  // And the real schema, twice through Store::open.
  for (int open = 0; open < 2; ++open) {
    const std::string store_path = (dir.path() / "store.db").string();
    Result<std::unique_ptr<Store>> store = Store::open(store_path);
    ASSERT_TRUE(store.has_value()) << store.error().message();
  }
}

TEST(MigrationsTest, FailingMigrationIsRolledBackAndNamedInTheError) {
  constexpr Migration kBroken[] = {
      {1, "create the log", "CREATE TABLE log (entry TEXT)"},
      {2, "half a migration", "CREATE TABLE half (x); THIS IS NOT SQL"},
  };
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  Result<void> migrated = migrate(*database, kBroken);
  ASSERT_FALSE(migrated.has_value());
  EXPECT_EQ(migrated.error().code(), ErrorCode::kInternal);
  const std::string& message = migrated.error().message();
  EXPECT_EQ(message.find(":memory:: migration 2 (half a migration) failed: "), 0u) << message;
  EXPECT_NE(message.find("syntax error"), std::string::npos) << message;
  // Migration 1 stays; none of migration 2 does.
  EXPECT_EQ(user_version(*database), "1");
  EXPECT_EQ(column(*database, "SELECT name FROM sqlite_schema WHERE type = 'table'"),
            std::vector<std::string>{"log"});
}

TEST(MigrationsTest, RefuseADatabaseFromANewerVersion) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "archive.db").string();
  {
    std::unique_ptr<Database> database = open_or_die(path);
    ASSERT_TRUE(database->execute("PRAGMA user_version = 99").has_value());
  }
  Result<std::unique_ptr<Store>> store = Store::open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().message(),
            path + ": schema version 99 is newer than this newsvault knows (" +
                std::to_string(migrations().back().version) + ")");
}

TEST(MigrationsTest, AStoreBehindTheSchemaOpenedToReadSaysItNeedsUpgradingAndStaysAsItIs) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  {
    std::unique_ptr<Database> database = open_or_die(path);
    ASSERT_TRUE(migrate(*database, migrations().first(2)).has_value());
  }
  Result<std::unique_ptr<Store>> store = Store::open(path, Store::Access::kRead);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store.error().message(),
            path + ": the store is at schema version 2 and needs upgrading; open it once with write access");
  std::unique_ptr<Database> database = open_or_die(path);
  EXPECT_EQ(user_version(*database), "2");
}

// ---------------------------------------------------------------------------
// Connection

TEST(DatabaseTest, FileDatabaseIsInWalMode) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "archive.db").string();
  ASSERT_TRUE(Store::open(path).has_value());
  // A bare connection that sets nothing itself: WAL is recorded in the file.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  Connection connection(raw);
  sqlite3_stmt* raw_statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &raw_statement, nullptr), SQLITE_OK);
  PreparedStatement statement(raw_statement);
  ASSERT_EQ(sqlite3_step(raw_statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(raw_statement, 0)), "wal");
}

TEST(DatabaseTest, ForeignKeysAreEnforced) {
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  EXPECT_EQ(column(*database, "PRAGMA foreign_keys"), std::vector<std::string>{"1"});
}

// Regression: save_revision's savepoint journal spilled to a temp file, so
// 50,000 saves in one transaction() ran seven times slower than in memory.
TEST(DatabaseTest, KeepsSavepointJournalsInMemory) {
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  EXPECT_EQ(column(*database, "PRAGMA temp_store"), std::vector<std::string>{"2"});  // MEMORY
}

TEST(DatabaseTest, QueryRefusesAStatementThatIsStillInUse) {
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  Result<Query> first = database->query("SELECT 1");
  ASSERT_TRUE(first.has_value());
  Result<Query> second = database->query("SELECT 1");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kInternal);
}

TEST(DatabaseTest, QueryIsReusableOnceTheFirstUseEnds) {
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  EXPECT_EQ(column(*database, "SELECT 'once'"), std::vector<std::string>{"once"});
  EXPECT_EQ(column(*database, "SELECT 'once'"), std::vector<std::string>{"once"});
}

TEST(DatabaseTest, QueryBindsEmptyTextAsTextNotNull) {
  std::unique_ptr<Database> database = open_or_die(":memory:");
  ASSERT_NE(database, nullptr);
  Result<Query> query = database->query("SELECT typeof(?1)");
  ASSERT_TRUE(query.has_value());
  query->bind(1, std::string_view());
  ASSERT_TRUE(query->step().value_or(false));
  EXPECT_EQ(query->text(0), "text");
}

// ---------------------------------------------------------------------------
// Opened to read

// A store with one feed, written and closed: its last writer checkpointed
// and removed the -wal and -shm, as a clean copy of an archive has them.
std::string closed_store(const testing::TempDir& dir) {
  const std::string path = (dir.path() / "store.db").string();
  Result<std::unique_ptr<Store>> store = Store::open(path);
  EXPECT_TRUE(store.has_value()) << store.error().message();
  if (store) {
    EXPECT_TRUE((*store)->add_feed("world", "https://news.example.org/feed", "").has_value());
  }
  return path;
}

TEST(ReadOnlyOpenTest, ReadsWhatAWriterSavedAndRefusesEveryWrite) {
  testing::TempDir dir;
  const std::string path = closed_store(dir);
  Result<std::unique_ptr<Store>> store = Store::open(path, Store::Access::kRead);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  auto feeds = (*store)->feeds();
  ASSERT_TRUE(feeds.has_value());
  ASSERT_EQ(feeds->size(), 1u);
  EXPECT_EQ(feeds->front().name, "world");
  auto added = (*store)->add_feed("asia", "https://news.example.org/asia", "");
  ASSERT_FALSE(added.has_value());
  EXPECT_NE(added.error().message().find("readonly database"), std::string::npos) << added.error().message();
}

TEST(ReadOnlyOpenTest, AMissingFileIsNotCreated) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Result<std::unique_ptr<Database>> database = Database::open(path, OpenMode::kRead);
  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code(), ErrorCode::kIo);
  EXPECT_TRUE(database.error().message().starts_with(path + ": ")) << database.error().message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ReadOnlyOpenTest, AFileThatIsNotADatabaseFailsAtOpen) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  testing::write_file(path, std::string(8192, 'x'));
  Result<std::unique_ptr<Database>> database = Database::open(path, OpenMode::kRead);
  ASSERT_FALSE(database.has_value());
  EXPECT_NE(database.error().message().find("not a database"), std::string::npos)
      << database.error().message();
}

// What kRead chooses in a folder it cannot write (the test below), here
// asked for directly, so that it runs as root too.
TEST(ReadOnlyOpenTest, AnImmutableOpenReadsTheFileAndMakesNothingBesideIt) {
  testing::TempDir dir;
  const std::string path = closed_store(dir);
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));
  std::unique_ptr<Database> database;
  {
    Result<std::unique_ptr<Database>> opened = Database::open(path, OpenMode::kImmutable);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    database = std::move(*opened);
  }
  EXPECT_TRUE(database->read_only());
  EXPECT_EQ(column(*database, "SELECT name FROM feeds"), std::vector<std::string>{"world"});
  EXPECT_FALSE(database->execute("DELETE FROM feeds").has_value());
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(path + "-shm"));
}

TEST(ReadOnlyOpenTest, AFolderWithAQuestionMarkOrPercentInItsNameIsOpened) {
  testing::TempDir dir;
  const std::filesystem::path folder = dir.path() / "a?b#c%20d";
  std::filesystem::create_directories(folder);
  const std::string path = (folder / "store.db").string();
  ASSERT_TRUE(Store::open(path).has_value());
  Result<std::unique_ptr<Store>> store = Store::open(path, Store::Access::kRead);
  EXPECT_TRUE(store.has_value()) << store.error().message();
}

// Permission bits do not stop root: this one proves itself only as another user.
TEST(ReadOnlyOpenTest, AStoreInAFolderThisUserCannotWriteIsReadWithoutMakingAFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes whatever the permission bits say";
  testing::TempDir dir;
  const std::string path = closed_store(dir);
  namespace fs = std::filesystem;
  fs::permissions(dir.path(), fs::perms::owner_write, fs::perm_options::remove);
  Result<std::unique_ptr<Store>> store = Store::open(path, Store::Access::kRead);
  EXPECT_TRUE(store.has_value()) << store.error().message();
  if (store) {
    EXPECT_EQ((*store)->feeds().value().size(), 1u);
  }
  EXPECT_FALSE(fs::exists(path + "-shm"));
  fs::permissions(dir.path(), fs::perms::owner_write, fs::perm_options::add);
}

// ---------------------------------------------------------------------------
// Content hash

TEST(ContentHashTest, IsSha256InLowercaseHex) {
  // SHA-256 of "" (the empty message) and of "abc" (FIPS 180-2 appendix B.1).
  EXPECT_EQ(content_hash("").value(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(content_hash("abc").value(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace newsvault::store
