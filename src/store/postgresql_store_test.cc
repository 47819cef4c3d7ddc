// What only the PostgreSQL engine has to prove: batched round trips, saves
// from two sessions at once, and how it names the server it could not
// reach. Everything else is store_test.cc, run against both engines.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/postgresql/postgresql_store.h"
#include "store/store.h"
#include "support/postgresql_test_support.h"
#include "support/test_support.h"

namespace newsvault::store {
namespace {

Timestamp at(std::int64_t millis) { return Timestamp(std::chrono::milliseconds(millis)); }

ArticleRevision revision(std::string key, std::string content) {
  ArticleRevision revision;
  revision.key = std::move(key);
  revision.title = "Title of " + revision.key;
  revision.url = "https://example.com/" + revision.key;
  revision.content = std::move(content);
  revision.document_path = "news/" + revision.key + ".md";
  return revision;
}

class PostgresqlStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::postgresql_uri().empty()) GTEST_SKIP() << testing::kNoPostgresql;
    store_ = open(scratch_.emplace().uri());
    ASSERT_NE(store_, nullptr);
    auto feed = store_->add_feed("news", "https://example.com/feed.xml", "");
    ASSERT_TRUE(feed.has_value()) << feed.error().message();
    feed_id_ = feed->id;
  }

  static std::unique_ptr<Store> open(const std::string& uri, Store::Access access = Store::Access::kReadWrite) {
    auto store = Store::open(uri, access);
    EXPECT_TRUE(store.has_value()) << store.error().message();
    return store ? std::move(*store) : nullptr;
  }

  std::optional<testing::ScratchDatabase> scratch_;
  std::unique_ptr<Store> store_;
  std::int64_t feed_id_ = 0;
};

TEST_F(PostgresqlStoreTest, SavingABatchOfTwoHundredArticlesTakesAFewRoundTripsNotOneEach) {
  std::vector<PreparedRevision> prepared;
  for (int i = 0; i < 200; ++i) {
    prepared.push_back(*prepare_revision(revision("a" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}")));
  }
  std::vector<RevisionToSave> batch;
  for (const PreparedRevision& item : prepared) batch.push_back({feed_id_, &item});

  // The connection's first save prepares its statement: one round trip more, once.
  PreparedRevision first = *prepare_revision(revision("first", "{}"));
  const RevisionToSave warm{feed_id_, &first};
  ASSERT_TRUE(store_->save_revisions({&warm, 1}, at(500)).has_value());
  const std::int64_t before = store_->round_trips();
  auto saved = store_->save_revisions(batch, at(1'000));
  const std::int64_t trips = store_->round_trips() - before;

  ASSERT_TRUE(saved.has_value()) << saved.error().message();
  ASSERT_EQ(saved->size(), 200u);
  EXPECT_EQ((*saved)[199].change, Change::kNew);
  EXPECT_LE(trips, 3) << "begin, the pipelined saves, commit";
  EXPECT_EQ(store_->articles(std::nullopt)->size(), 201u);
}

// Two workers archiving the same new article at once: the second waits for
// the first and finds its revision there, so the article is kept once.
TEST_F(PostgresqlStoreTest, TheSameRevisionSavedFromTwoSessionsAtOnceIsKeptOnce) {
  std::unique_ptr<Store> other = open(scratch_->uri());
  ASSERT_NE(other, nullptr);
  const ArticleRevision article = revision("same", "{\"text\":\"one\"}");
  Result<SaveResult> second;
  std::thread waiting;
  auto first = store_->transaction([&]() -> Result<void> {
    auto saved = store_->save_revision(feed_id_, article, at(1'000));
    if (!saved) return std::unexpected(saved.error());
    EXPECT_EQ(saved->change, Change::kNew);
    waiting = std::thread([&] { second = other->save_revision(feed_id_, article, at(2'000)); });
    // Committed only once the other session is blocked on this one's row.
    std::unique_ptr<PGconn, decltype(&PQfinish)> watcher(PQconnectdb(scratch_->uri().c_str()), &PQfinish);
    for (;;) {
      std::unique_ptr<PGresult, decltype(&PQclear)> blocked(
          PQexec(watcher.get(), "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"), &PQclear);
      if (PQresultStatus(blocked.get()) != PGRES_TUPLES_OK) break;
      if (std::string(PQgetvalue(blocked.get(), 0, 0)) != "0") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return {};
  });
  waiting.join();
  ASSERT_TRUE(first.has_value()) << first.error().message();
  ASSERT_TRUE(second.has_value()) << second.error().message();
  EXPECT_EQ(second->change, Change::kUnchanged);
  auto articles = store_->articles(std::nullopt);
  ASSERT_EQ(articles->size(), 1u);
  EXPECT_EQ(articles->front().revisions, 1);
  EXPECT_EQ(second->article_id, articles->front().id);
}

TEST_F(PostgresqlStoreTest, AStoreOpenedToReadRefusesEveryWrite) {
  std::unique_ptr<Store> reader = open(scratch_->uri(), Store::Access::kRead);
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(reader->read_only());
  EXPECT_EQ(reader->feeds()->size(), 1u);
  auto added = reader->add_feed("other", "https://example.org/feed", "");
  ASSERT_FALSE(added.has_value());
  EXPECT_NE(added.error().message().find("read-only"), std::string::npos) << added.error().message();
}

TEST_F(PostgresqlStoreTest, ReopeningAMigratedDatabaseKeepsEverything) {
  ASSERT_TRUE(store_->save_revision(feed_id_, revision("kept", "{}"), at(1'000)).has_value());
  store_.reset();
  std::unique_ptr<Store> again = open(scratch_->uri());
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->articles(std::nullopt)->size(), 1u);
  EXPECT_EQ(again->engine(), "postgresql");
  EXPECT_EQ(again->connection(), nullptr);
}

// What a copy must carry: two feeds sharing an article, revisions with
// their provenance, a delisted article with its re-check, a schedule.
void fill(Store& store) {
  auto news = store.add_feed("news", "https://example.com/feed.xml", "dw");
  auto other = store.add_feed("other", "https://example.com/other.xml", "dw");
  ASSERT_TRUE(news && other);
  for (int i = 0; i < 3; ++i) {
    ArticleRevision article = revision("k" + std::to_string(i), "{\"v\":1}");
    article.published = at(1'000'000 + i * 1'000);
    article.shared_key = true;
    article.provenance.origin = "api";
    article.provenance.payload_hash = "p1";
    ASSERT_TRUE(store.save_revision(news->id, article, at(10'000)).has_value());
    article.content = "{\"v\":2}";
    article.provenance.payload_hash = "p2";
    ASSERT_TRUE(store.save_revision(news->id, article, at(20'000)).has_value());
  }
  ASSERT_TRUE(store.record_listing(other->id, {"k0"}, at(25'000)).has_value());
  ASSERT_TRUE(store.record_listing(news->id, {"k0", "k1", "k2"}, at(30'000)).has_value());
  ASSERT_EQ(*store.record_listing(news->id, {"k0", "k2"}, at(40'000)), 1u);
  ASSERT_TRUE(store.set_validators("https://example.com/api/1", "\"e1\"", "").has_value());
  ASSERT_TRUE(store.save_schedule({news->id, at(40'000), at(100'000), 600, "steady", 0, {at(3'000)}}).has_value());
}

// Everything a reader of the store sees, as text.
std::string everything(Store& store) {
  std::string text;
  const auto feeds = store.feeds();
  for (const FeedRecord& feed : *feeds) text += feed.name + "," + std::to_string(feed.id) + ";";
  const auto articles = store.articles(std::nullopt);
  for (const ArticleSummary& article : *articles) {
    text += std::to_string(article.id) + article.key + article.title + std::string(status_name(status_of(article))) +
            std::to_string(article.feed_ids.size()) + ";";
    const auto revisions = store.revisions(article.id);
    for (const StoredRevision& stored : *revisions) {
      text += std::to_string(stored.number) + stored.content_hash + stored.revision.content +
              stored.revision.provenance.note + ";";
    }
  }
  const auto work = store.pending_work(std::nullopt);
  for (const PendingWork& item : *work) text += item.kind + item.key + ";";
  const auto schedules = store.schedules();
  for (const PollSchedule& schedule : *schedules) text += schedule.reason + ";";
  text += store.validators("https://example.com/api/1")->first;
  return text;
}

TEST_F(PostgresqlStoreTest, AnSqliteStoreCopiedToPostgresqlAndBackReadsTheSameAndACopyRunAgainAddsNothing) {
  testing::TempDir dir;
  auto sqlite = Store::open((dir.path() / "store.db").string());
  ASSERT_TRUE(sqlite.has_value()) << sqlite.error().message();
  fill(**sqlite);
  if (HasFatalFailure()) return;
  testing::ScratchDatabase empty;
  std::unique_ptr<Store> target = open(empty.uri());
  ASSERT_NE(target, nullptr);

  auto copied = copy_store(**sqlite, *target);
  ASSERT_TRUE(copied.has_value()) << copied.error().message();
  EXPECT_EQ(everything(*target), everything(**sqlite));
  auto again = copy_store(**sqlite, *target);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(again->at(3).rows, copied->at(3).rows);

  // Ids go on after the copied ones.
  auto added = target->add_feed("third", "https://example.com/third.xml", "");
  ASSERT_TRUE(added.has_value()) << added.error().message();
  EXPECT_EQ(added->id, 3);

  auto back = Store::open((dir.path() / "back.db").string());
  ASSERT_TRUE(back.has_value());
  ASSERT_TRUE(copy_store(*target, **back).has_value());
  EXPECT_EQ(everything(**back), everything(*target));
}

TEST_F(PostgresqlStoreTest, ACopyIntoAStoreHoldingOtherArticlesFailsNamingTheTable) {
  testing::TempDir dir;
  auto sqlite = Store::open((dir.path() / "store.db").string());
  ASSERT_TRUE(sqlite.has_value());
  fill(**sqlite);
  if (HasFatalFailure()) return;
  // The fixture's store already has its own feed "news" with id 1.
  auto copied = copy_store(**sqlite, *store_);
  ASSERT_FALSE(copied.has_value());
  EXPECT_NE(copied.error().message().find("feeds: the copy differs"), std::string::npos) << copied.error().message();
}

TEST(PostgresqlStoreOpenTest, AServerThatCannotBeReachedIsAnIoErrorNamingItsUriWithoutThePassword) {
  auto store = Store::open("postgresql://archivist:s3cret-word@127.0.0.1:1/archive?connect_timeout=2");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kIo);
  const std::string& message = store.error().message();
  EXPECT_NE(message.find("postgresql://archivist:***@127.0.0.1:1/archive"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret-word"), std::string::npos) << message;
}

TEST(PostgresqlStoreOpenTest, APasswordGivenAsAParameterIsHiddenToo) {
  EXPECT_EQ(display_location("postgres:///archive?host=/run&password=hunter22&port=5432"),
            "postgres:///archive?host=/run&password=***&port=5432");
  EXPECT_EQ(display_location("/srv/archive/.newsvault/store.db"), "/srv/archive/.newsvault/store.db");
}

}  // namespace
}  // namespace newsvault::store
