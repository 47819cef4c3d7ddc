#include "store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/core.h"
#include "support/postgresql_test_support.h"
#include "support/test_support.h"

namespace newsvault::store {
namespace {

using std::chrono::milliseconds;

Timestamp at(std::int64_t millis) { return Timestamp(milliseconds(millis)); }

std::unique_ptr<Store> open_or_die(const std::string& path) {
  Result<std::unique_ptr<Store>> store = Store::open(path);
  EXPECT_TRUE(store.has_value()) << store.error().message();
  return store ? std::move(*store) : nullptr;
}

ArticleRevision revision(std::string key, std::string content) {
  ArticleRevision revision;
  revision.key = std::move(key);
  revision.title = "Title of " + revision.key;
  revision.url = "https://example.com/" + revision.key;
  revision.published = at(1'700'000'000'000);
  revision.content = std::move(content);
  revision.document_path = "feed/" + revision.key + ".html";
  return revision;
}

// Each StoreTest runs against both engines: an in-memory SQLite database,
// and a fresh database in the test cluster (skipped, saying so, without one).
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      if (testing::postgresql_uri().empty()) GTEST_SKIP() << testing::kNoPostgresql;
      store_ = open_or_die(scratch_.emplace().uri());
    } else {
      store_ = open_or_die(":memory:");
    }
    ASSERT_NE(store_, nullptr);
    Result<FeedRecord> feed = store_->add_feed("news", "https://example.com/feed.xml", "");
    ASSERT_TRUE(feed.has_value()) << feed.error().message();
    feed_ = *feed;
  }

  SaveResult save(const ArticleRevision& revision, Timestamp seen_at = at(1'000)) {
    Result<SaveResult> saved = store_->save_revision(feed_.id, revision, seen_at);
    EXPECT_TRUE(saved.has_value()) << saved.error().message();
    return saved.value_or(SaveResult{});
  }

  // Declared first: the database outlives the store's connection to it.
  std::optional<testing::ScratchDatabase> scratch_;
  std::unique_ptr<Store> store_;
  FeedRecord feed_;
};

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// ---------------------------------------------------------------------------
// Feeds and validators

TEST_P(StoreTest, AddFeedReturnsTheFeedAndFindsItByName) {
  EXPECT_GT(feed_.id, 0);
  Result<std::optional<FeedRecord>> found = store_->feed_by_name("news");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, feed_.id);
  EXPECT_EQ((*found)->url, "https://example.com/feed.xml");
  EXPECT_EQ((*found)->last_fetched, std::nullopt);
  EXPECT_EQ((*found)->last_error, "");

  Result<std::optional<FeedRecord>> missing = store_->feed_by_name("other");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, AddFeedRejectsADuplicateName) {
  Result<FeedRecord> duplicate = store_->add_feed("news", "https://elsewhere.example/rss", "");
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(duplicate.error().message(), "a feed named news already exists");
}

TEST_P(StoreTest, FeedsListsEveryFeedByName) {
  ASSERT_TRUE(store_->add_feed("dw", "https://rss.dw.com/xml/rss-en-all", "dw").has_value());
  Result<std::vector<FeedRecord>> feeds = store_->feeds();
  ASSERT_TRUE(feeds.has_value());
  ASSERT_EQ(feeds->size(), 2u);
  EXPECT_EQ((*feeds)[0].name, "dw");
  EXPECT_EQ((*feeds)[0].adapter, "dw");
  EXPECT_EQ((*feeds)[1].name, "news");
}

TEST_P(StoreTest, RecordFetchPersistsValidatorsUrlTimeAndError) {
  FeedRecord fetched = feed_;
  fetched.url = "https://example.com/moved.xml";
  fetched.etag = "\"abc\"";
  fetched.last_modified = "Mon, 19 Jun 2023 01:41:50 GMT";
  fetched.last_fetched = at(1'687'138'910'123);
  fetched.last_error = "GET https://example.com/moved.xml: HTTP 503";
  ASSERT_TRUE(store_->record_fetch(fetched).has_value());

  Result<std::optional<FeedRecord>> found = store_->feed_by_name("news");
  ASSERT_TRUE(found.has_value() && found->has_value());
  const FeedRecord& feed = **found;
  EXPECT_EQ(feed.url, fetched.url);
  EXPECT_EQ(feed.etag, fetched.etag);
  EXPECT_EQ(feed.last_modified, fetched.last_modified);
  EXPECT_EQ(feed.last_fetched, fetched.last_fetched);
  EXPECT_EQ(feed.last_error, fetched.last_error);

  fetched.last_error = "";  // the next poll succeeded
  ASSERT_TRUE(store_->record_fetch(fetched).has_value());
  EXPECT_EQ((*store_->feed_by_name("news"))->last_error, "");
}

TEST_P(StoreTest, RecordFetchOfAnUnknownFeedIsNotFound) {
  FeedRecord unknown = feed_;
  unknown.id = 999;
  Result<void> recorded = store_->record_fetch(unknown);
  ASSERT_FALSE(recorded.has_value());
  EXPECT_EQ(recorded.error().code(), ErrorCode::kNotFound);
}

using Validators = std::pair<std::string, std::string>;  // etag, last_modified

TEST_P(StoreTest, ValidatorsRoundTripAndAreReplaced) {
  const std::string url = "https://example.com/story";
  Result<Validators> none = store_->validators(url);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, Validators("", ""));

  ASSERT_TRUE(store_->set_validators(url, "W/\"1\"", "Tue, 05 Apr 2022 03:16:33 GMT"));
  EXPECT_EQ(*store_->validators(url), Validators("W/\"1\"", "Tue, 05 Apr 2022 03:16:33 GMT"));

  ASSERT_TRUE(store_->set_validators(url, "W/\"2\"", ""));
  EXPECT_EQ(*store_->validators(url), Validators("W/\"2\"", ""));
}

// ---------------------------------------------------------------------------
// Revisions

TEST_P(StoreTest, FirstSaveIsNewRevisionOne) {
  const SaveResult saved = save(revision("a", "{\"body\":1}"), at(5'000));
  EXPECT_EQ(saved.change, Change::kNew);
  EXPECT_EQ(saved.revision, 1);
  EXPECT_GT(saved.article_id, 0);

  Result<std::optional<ArticleSummary>> article = store_->article(saved.article_id);
  ASSERT_TRUE(article.has_value() && article->has_value());
  EXPECT_EQ((*article)->feed_id, feed_.id);
  EXPECT_EQ((*article)->feed_name, "news");
  EXPECT_EQ((*article)->key, "a");
  EXPECT_EQ((*article)->title, "Title of a");
  EXPECT_EQ((*article)->published, at(1'700'000'000'000));
  EXPECT_EQ((*article)->first_seen, at(5'000));
  EXPECT_EQ((*article)->last_changed, at(5'000));
  EXPECT_EQ((*article)->revisions, 1);
  EXPECT_EQ((*article)->document_path, "feed/a.html");
}

// What a worker logs as its store's round trips: none on the embedded
// engine, every request waited for on a server's.
TEST_P(StoreTest, RoundTripsAreCountedOnAServerAndNoneOnTheEmbeddedStore) {
  const std::int64_t before = store_->round_trips();
  save(revision("a", "counted"), at(1'000));
  if (store_->engine() == "sqlite") {
    EXPECT_EQ(store_->round_trips(), 0);
  } else {
    EXPECT_GT(store_->round_trips(), before);
  }
}

TEST_P(StoreTest, SameContentAgainIsUnchangedAndAddsNoRevision) {
  const SaveResult first = save(revision("a", "same"), at(1'000));
  const SaveResult again = save(revision("a", "same"), at(2'000));
  EXPECT_EQ(again.change, Change::kUnchanged);
  EXPECT_EQ(again.article_id, first.article_id);
  EXPECT_EQ(again.revision, 1);
  EXPECT_EQ(store_->revisions(first.article_id)->size(), 1u);
  EXPECT_EQ((*store_->article(first.article_id))->last_changed, at(1'000));
}

TEST_P(StoreTest, ChangedContentIsUpdatedRevisionTwoAndBothAreListedOldestFirst) {
  const SaveResult first = save(revision("a", "before"), at(1'000));
  ArticleRevision edited = revision("a", "after");
  edited.title = "Corrected title";
  edited.published = std::nullopt;
  const SaveResult second = save(edited, at(2'000));
  EXPECT_EQ(second.change, Change::kUpdated);
  EXPECT_EQ(second.article_id, first.article_id);
  EXPECT_EQ(second.revision, 2);

  Result<std::vector<StoredRevision>> revisions = store_->revisions(first.article_id);
  ASSERT_TRUE(revisions.has_value());
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[0].number, 1);
  EXPECT_EQ((*revisions)[0].seen_at, at(1'000));
  EXPECT_EQ((*revisions)[0].revision.content, "before");
  EXPECT_EQ((*revisions)[0].revision.key, "a");
  EXPECT_EQ((*revisions)[0].revision.published, at(1'700'000'000'000));
  EXPECT_EQ((*revisions)[0].content_hash.size(), 64u);
  EXPECT_EQ((*revisions)[1].number, 2);
  EXPECT_EQ((*revisions)[1].seen_at, at(2'000));
  EXPECT_EQ((*revisions)[1].revision.content, "after");
  EXPECT_EQ((*revisions)[1].revision.title, "Corrected title");
  EXPECT_EQ((*revisions)[1].revision.published, std::nullopt);
  EXPECT_NE((*revisions)[0].content_hash, (*revisions)[1].content_hash);

  Result<std::optional<ArticleSummary>> article = store_->article(first.article_id);
  ASSERT_TRUE(article.has_value() && article->has_value());
  EXPECT_EQ((*article)->title, "Corrected title");
  EXPECT_EQ((*article)->published, std::nullopt);
  EXPECT_EQ((*article)->first_seen, at(1'000));
  EXPECT_EQ((*article)->last_changed, at(2'000));
  EXPECT_EQ((*article)->revisions, 2);
}

TEST_P(StoreTest, EachRevisionKeepsTheLanguageItWasSavedWith) {
  ArticleRevision simplified = revision("a", "简体");
  simplified.language = "zh-CN";
  const SaveResult first = save(simplified, at(1'000));
  ArticleRevision traditional = revision("a", "繁體");
  traditional.language = "zh-Hant-TW";
  save(traditional, at(2'000));
  save(revision("b", "unsaid"), at(3'000));
  // The same content again, in another language: no revision, nothing changed.
  ArticleRevision again = traditional;
  again.language = "en";
  EXPECT_EQ(save(again, at(4'000)).change, Change::kUnchanged);

  Result<std::vector<StoredRevision>> revisions = store_->revisions(first.article_id);
  ASSERT_TRUE(revisions.has_value()) << revisions.error().message();
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[0].revision.language, "zh-CN");
  EXPECT_EQ((*revisions)[1].revision.language, "zh-Hant-TW");
  auto unsaid = store_->find_article(feed_.id, "b", false);
  ASSERT_TRUE(unsaid.has_value() && unsaid->has_value());
  Result<std::vector<StoredRevision>> none = store_->revisions(**unsaid);
  ASSERT_TRUE(none.has_value());
  ASSERT_EQ(none->size(), 1u);
  EXPECT_EQ(none->front().revision.language, "");
}

TEST_P(StoreTest, RevisionHashIsSha256OfContentInLowercaseHex) {
  const SaveResult saved = save(revision("a", "abc"));
  // FIPS 180-2 appendix B.1: SHA-256("abc").
  EXPECT_EQ((*store_->revisions(saved.article_id))[0].content_hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_P(StoreTest, SameKeyInTwoFeedsIsTwoArticles) {
  Result<FeedRecord> other = store_->add_feed("other", "https://other.example/feed", "");
  ASSERT_TRUE(other.has_value());
  const SaveResult here = save(revision("shared-key", "x"));
  Result<SaveResult> there = store_->save_revision(other->id, revision("shared-key", "x"), at(1));
  ASSERT_TRUE(there.has_value());
  EXPECT_EQ(there->change, Change::kNew);
  EXPECT_NE(there->article_id, here.article_id);

  EXPECT_EQ(store_->articles(std::nullopt)->size(), 2u);
  ASSERT_EQ(store_->articles(other->id)->size(), 1u);
  EXPECT_EQ((*store_->articles(other->id))[0].feed_name, "other");
}

TEST_P(StoreTest, SaveRevisionToAnUnknownFeedIsNotFound) {
  Result<SaveResult> saved = store_->save_revision(999, revision("a", "x"), at(1));
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->articles(std::nullopt)->empty());
}

TEST_P(StoreTest, SaveRevisionWithoutAKeyIsRejected) {
  Result<SaveResult> saved = store_->save_revision(feed_.id, revision("", "x"), at(1));
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, ArticlesAreNewestFirstByPublishedThenFirstSeen) {
  ArticleRevision old_story = revision("old", "1");
  old_story.published = at(1'000);
  ArticleRevision new_story = revision("new", "2");
  new_story.published = at(3'000);
  ArticleRevision undated_early = revision("undated-early", "3");
  undated_early.published = std::nullopt;
  ArticleRevision undated_late = revision("undated-late", "4");
  undated_late.published = std::nullopt;
  save(old_story, at(10));
  save(undated_early, at(20));
  save(new_story, at(30));
  save(undated_late, at(40));

  Result<std::vector<ArticleSummary>> articles = store_->articles(feed_.id);
  ASSERT_TRUE(articles.has_value());
  std::vector<std::string> keys;
  for (const ArticleSummary& article : *articles) keys.push_back(article.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"new", "old", "undated-late", "undated-early"}));
}

TEST_P(StoreTest, ArticleThatDoesNotExistIsNullopt) {
  Result<std::optional<ArticleSummary>> article = store_->article(12345);
  ASSERT_TRUE(article.has_value());
  EXPECT_FALSE(article->has_value());
}

// ---------------------------------------------------------------------------
// Listings: what the feed still lists

ArticleRevision dated(std::string key, std::int64_t published) {
  ArticleRevision story = revision(std::move(key), "body");
  story.published = at(published);
  return story;
}

std::optional<Timestamp> delisted_at(Store& store, std::int64_t article_id) {
  Result<std::optional<ArticleSummary>> article = store.article(article_id);
  EXPECT_TRUE(article.has_value() && article->has_value());
  return article && *article ? (*article)->delisted_at : std::nullopt;
}

TEST_P(StoreTest, AnArticleMissingBetweenListedOnesIsDelistedAtThatPoll) {
  const std::int64_t oldest = save(dated("oldest", 1'000)).article_id;
  const std::int64_t middle = save(dated("middle", 2'000)).article_id;
  const std::int64_t newest = save(dated("newest", 3'000)).article_id;
  ASSERT_EQ(store_->record_listing(feed_.id, {"oldest", "middle", "newest"}, at(10)), 0u);
  EXPECT_EQ(delisted_at(*store_, middle), std::nullopt);

  ASSERT_EQ(store_->record_listing(feed_.id, {"oldest", "newest"}, at(20)), 1u);
  EXPECT_EQ(delisted_at(*store_, middle), at(20));
  EXPECT_EQ(delisted_at(*store_, oldest), std::nullopt);
  EXPECT_EQ(delisted_at(*store_, newest), std::nullopt);

  // Still missing at the next poll: the time it was first missed stays.
  ASSERT_EQ(store_->record_listing(feed_.id, {"oldest", "newest"}, at(30)), 0u);
  EXPECT_EQ(delisted_at(*store_, middle), at(20));
  // Listed again: no longer delisted.
  ASSERT_EQ(store_->record_listing(feed_.id, {"oldest", "middle", "newest"}, at(40)), 0u);
  EXPECT_EQ(delisted_at(*store_, middle), std::nullopt);
}

TEST_P(StoreTest, AnArticleRolledOffTheEndOfTheFeedIsNotDelisted) {
  const std::int64_t oldest = save(dated("oldest", 1'000)).article_id;
  save(dated("newer", 2'000));
  ASSERT_EQ(store_->record_listing(feed_.id, {"oldest", "newer"}, at(10)), 0u);
  save(dated("newest", 3'000));
  ASSERT_EQ(store_->record_listing(feed_.id, {"newer", "newest"}, at(20)), 0u);
  EXPECT_EQ(delisted_at(*store_, oldest), std::nullopt);
}

TEST_P(StoreTest, AnArticleNeverSeenInAListingOrInAnotherFeedIsNotDelisted) {
  Result<FeedRecord> other = store_->add_feed("other", "https://example.org/feed.xml", "");
  ASSERT_TRUE(other.has_value());
  const std::int64_t unseen = save(dated("unseen", 2'000)).article_id;
  save(dated("old", 1'000));
  Result<SaveResult> elsewhere = store_->save_revision(other->id, dated("elsewhere", 2'500), at(1));
  ASSERT_TRUE(elsewhere.has_value());
  ASSERT_EQ(store_->record_listing(other->id, {"elsewhere"}, at(5)), 0u);
  // "unseen" was saved but no listing has had it yet (an archive from
  // before listings were recorded): its absence proves nothing.
  ASSERT_EQ(store_->record_listing(feed_.id, {"old"}, at(10)), 0u);
  EXPECT_EQ(delisted_at(*store_, unseen), std::nullopt);
  EXPECT_EQ(delisted_at(*store_, elsewhere->article_id), std::nullopt);
}

// ---------------------------------------------------------------------------
// Batches and entry fingerprints

TEST_P(StoreTest, SaveRevisionsSavesEachInOrderAsSaveRevisionWould) {
  save(revision("kept", "kept body"));
  auto kept = prepare_revision(revision("kept", "kept body"));
  auto changed = prepare_revision(revision("kept", "kept body, edited"));
  auto fresh = prepare_revision(revision("fresh", "fresh body"));
  ASSERT_TRUE(kept && changed && fresh);
  const std::vector<RevisionToSave> batch = {{feed_.id, &*kept}, {feed_.id, &*fresh}, {feed_.id, &*changed}};
  auto saved = store_->save_revisions(batch, at(2'000));
  ASSERT_TRUE(saved.has_value()) << saved.error().message();
  ASSERT_EQ(saved->size(), 3u);
  EXPECT_EQ((*saved)[0].change, Change::kUnchanged);
  EXPECT_EQ((*saved)[1].change, Change::kNew);
  EXPECT_EQ((*saved)[2].change, Change::kUpdated);
  EXPECT_EQ((*saved)[2].revision, 2);
  auto revisions = store_->revisions((*saved)[2].article_id);
  ASSERT_TRUE(revisions.has_value());
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ(revisions->back().revision.content, "kept body, edited");
}

TEST_P(StoreTest, SaveRevisionsKeepsNothingOfABatchWhenOneFails) {
  auto first = prepare_revision(revision("first", "first body"));
  auto stray = prepare_revision(revision("stray", "stray body"));
  ASSERT_TRUE(first && stray);
  const std::vector<RevisionToSave> batch = {{feed_.id, &*first}, {feed_.id + 100, &*stray}};
  auto saved = store_->save_revisions(batch, at(2'000));
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code(), ErrorCode::kNotFound);
  auto articles = store_->articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  EXPECT_TRUE(articles->empty());
}

std::vector<std::string> fingerprints_of(Store& store, std::int64_t feed_id) {
  auto all = store.entry_fingerprints();
  EXPECT_TRUE(all.has_value()) << all.error().message();
  if (!all || !all->contains(feed_id)) return {};
  std::vector<std::string> list = all->at(feed_id);
  std::ranges::sort(list);
  return list;
}

TEST_P(StoreTest, EntryFingerprintsAreThoseOfTheArticlesTheFeedListsNow) {
  ArticleRevision listed = dated("listed", 2'000);
  listed.entry_fingerprint = "fingerprint of listed";
  ArticleRevision gone = dated("gone", 3'000);
  gone.entry_fingerprint = "fingerprint of gone";
  ArticleRevision without = dated("without", 1'000);
  save(listed);
  save(gone);
  save(without);
  ASSERT_TRUE(store_->record_listing(feed_.id, {"listed", "gone", "without"}, at(10)).has_value());
  EXPECT_EQ(fingerprints_of(*store_, feed_.id),
            (std::vector<std::string>{"fingerprint of gone", "fingerprint of listed"}));
  ASSERT_TRUE(store_->record_listing(feed_.id, {"listed", "without"}, at(20)).has_value());
  EXPECT_EQ(fingerprints_of(*store_, feed_.id), std::vector<std::string>{"fingerprint of listed"});
}

TEST_P(StoreTest, AnUnchangedSaveKeepsItsNewFingerprintAndARemovedArticleHasNone) {
  ArticleRevision first = dated("story", 2'000);
  first.entry_fingerprint = "before";
  const std::int64_t id = save(first).article_id;
  ASSERT_TRUE(store_->record_listing(feed_.id, {"story"}, at(10)).has_value());
  ArticleRevision same = first;
  same.entry_fingerprint = "after";
  EXPECT_EQ(save(same).change, Change::kUnchanged);
  EXPECT_EQ(fingerprints_of(*store_, feed_.id), std::vector<std::string>{"after"});
  ASSERT_TRUE(store_->mark_removed(id, at(30), "HTTP 410").has_value());
  EXPECT_TRUE(fingerprints_of(*store_, feed_.id).empty());
}

// ---------------------------------------------------------------------------
// Documents

TEST_P(StoreTest, RelayoutRenamesDocumentsKeepsTheMovesAndRecordsTheLayout) {
  const SaveResult moved = save(revision("a", "v1"));
  const SaveResult kept = save(revision("b", "v1"));
  ASSERT_TRUE(store_->mark_document_written(moved.article_id, 1).has_value());
  ASSERT_TRUE(store_->mark_document_written(kept.article_id, 1).has_value());
  EXPECT_EQ(*store_->layout(), 1);

  ASSERT_TRUE(store_->relayout(2, {{moved.article_id, "feed/renamed.md"}},
                               {{"feed/a.html", "feed/renamed.md"}, {"old/README.md", ""}})
                  .has_value());
  EXPECT_EQ(*store_->layout(), 2);
  EXPECT_EQ((*store_->article(moved.article_id))->document_path, "feed/renamed.md");
  EXPECT_EQ(store_->revisions(moved.article_id)->front().revision.document_path, "feed/renamed.md");
  EXPECT_EQ((*store_->article(kept.article_id))->document_path, "feed/b.html");
  // The renamed document is written again at its new path.
  EXPECT_EQ(*store_->articles_needing_documents(), std::vector<std::int64_t>{moved.article_id});

  auto moves = store_->document_moves();
  ASSERT_TRUE(moves.has_value());
  ASSERT_EQ(moves->size(), 2u);
  EXPECT_EQ((*moves)[0].from, "feed/a.html");
  EXPECT_EQ((*moves)[0].to, "feed/renamed.md");
  EXPECT_EQ((*moves)[1].to, "");
  ASSERT_TRUE(store_->finish_move("feed/a.html").has_value());
  EXPECT_EQ(store_->document_moves()->size(), 1u);
}

TEST_P(StoreTest, RelayoutOfAnUnknownArticleChangesNothing) {
  const SaveResult saved = save(revision("a", "v1"));
  auto done = store_->relayout(2, {{saved.article_id, "feed/x.md"}, {999, "feed/y.md"}}, {{"a", "b"}});
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(*store_->layout(), 1);
  EXPECT_EQ((*store_->article(saved.article_id))->document_path, "feed/a.html");
  EXPECT_TRUE(store_->document_moves()->empty());
}

TEST_P(StoreTest, SavedArticleNeedsItsDocumentUntilMarkedWritten) {
  const SaveResult saved = save(revision("a", "v1"));
  EXPECT_EQ(*store_->articles_needing_documents(), std::vector<std::int64_t>{saved.article_id});

  ASSERT_TRUE(store_->mark_document_written(saved.article_id, 1).has_value());
  EXPECT_TRUE(store_->articles_needing_documents()->empty());

  // An unchanged save leaves the written document current...
  save(revision("a", "v1"));
  EXPECT_TRUE(store_->articles_needing_documents()->empty());
  // ...a changed one needs it written again.
  save(revision("a", "v2"));
  EXPECT_EQ(*store_->articles_needing_documents(), std::vector<std::int64_t>{saved.article_id});
  ASSERT_TRUE(store_->mark_document_written(saved.article_id, 2).has_value());
  EXPECT_TRUE(store_->articles_needing_documents()->empty());
}

TEST_P(StoreTest, MarkingAnOlderDocumentDoesNotHideANewerRevision) {
  const SaveResult saved = save(revision("a", "v1"));
  save(revision("a", "v2"));
  ASSERT_TRUE(store_->mark_document_written(saved.article_id, 2).has_value());
  ASSERT_TRUE(store_->mark_document_written(saved.article_id, 1).has_value());
  EXPECT_TRUE(store_->articles_needing_documents()->empty());
}

TEST_P(StoreTest, MarkDocumentWrittenRejectsAnUnknownArticleOrRevision) {
  const SaveResult saved = save(revision("a", "v1"));
  Result<void> no_article = store_->mark_document_written(999, 1);
  ASSERT_FALSE(no_article.has_value());
  EXPECT_EQ(no_article.error().code(), ErrorCode::kNotFound);

  Result<void> no_revision = store_->mark_document_written(saved.article_id, 2);
  ASSERT_FALSE(no_revision.has_value());
  EXPECT_EQ(no_revision.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store_->articles_needing_documents(), std::vector<std::int64_t>{saved.article_id});
}

// ---------------------------------------------------------------------------
// Transactions

TEST_P(StoreTest, TransactionRollsBackEverythingWhenWorkFails) {
  Result<void> result = store_->transaction([&]() -> Result<void> {
    EXPECT_EQ(save(revision("a", "x")).change, Change::kNew);
    EXPECT_TRUE(store_->set_validators("https://example.com/a", "\"e\"", "").has_value());
    return make_error(ErrorCode::kParse, "feed.xml:1:1: not a feed");
  });
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kParse);
  EXPECT_EQ(result.error().message(), "feed.xml:1:1: not a feed");
  EXPECT_TRUE(store_->articles(std::nullopt)->empty());
  EXPECT_EQ(store_->validators("https://example.com/a")->first, "");
}

TEST_P(StoreTest, TransactionCommitsWhenWorkSucceeds) {
  Result<void> result = store_->transaction([&]() -> Result<void> {
    save(revision("a", "x"));
    save(revision("b", "y"));
    return {};
  });
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(store_->articles(std::nullopt)->size(), 2u);
}

TEST_P(StoreTest, NestedTransactionRollsBackOnlyItsOwnWork) {
  Result<void> result = store_->transaction([&]() -> Result<void> {
    save(revision("kept", "x"));
    Result<void> inner = store_->transaction([&]() -> Result<void> {
      save(revision("dropped", "y"));
      return make_error(ErrorCode::kInternal, "inner failure");
    });
    EXPECT_FALSE(inner.has_value());
    return {};
  });
  ASSERT_TRUE(result.has_value()) << result.error().message();
  Result<std::vector<ArticleSummary>> articles = store_->articles(std::nullopt);
  ASSERT_EQ(articles->size(), 1u);
  EXPECT_EQ((*articles)[0].key, "kept");
}

TEST_P(StoreTest, TransactionRollsBackWhenWorkThrows) {
  EXPECT_THROW(store_->transaction([&]() -> Result<void> {
    save(revision("a", "x"));
    throw std::runtime_error("bug");
  }),
               std::runtime_error);
  EXPECT_TRUE(store_->articles(std::nullopt)->empty());
  // The connection is usable again, outside any transaction.
  EXPECT_TRUE(store_->transaction([] { return Result<void>(); }).has_value());
}

// ---------------------------------------------------------------------------
// Files

TEST(StoreFileTest, DatabaseFileKeepsEverythingAcrossReopen) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "archive.db").string();
  std::int64_t article_id = 0;
  {
    std::unique_ptr<Store> store = open_or_die(path);
    ASSERT_NE(store, nullptr);
    Result<FeedRecord> feed = store->add_feed("news", "https://example.com/feed.xml", "dw");
    ASSERT_TRUE(feed.has_value());
    FeedRecord fetched = *feed;
    fetched.etag = "\"v1\"";
    fetched.last_fetched = at(42);
    ASSERT_TRUE(store->record_fetch(fetched).has_value());
    ASSERT_TRUE(store->set_validators("https://example.com/a", "\"a\"", "yesterday"));
    ASSERT_TRUE(store->save_revision(feed->id, revision("a", "v1"), at(100)).has_value());
    Result<SaveResult> saved = store->save_revision(feed->id, revision("a", "v2"), at(200));
    ASSERT_TRUE(saved.has_value());
    article_id = saved->article_id;
    ASSERT_TRUE(store->mark_document_written(article_id, 1).has_value());
  }

  std::unique_ptr<Store> store = open_or_die(path);
  ASSERT_NE(store, nullptr);
  Result<std::optional<FeedRecord>> feed = store->feed_by_name("news");
  ASSERT_TRUE(feed.has_value() && feed->has_value());
  EXPECT_EQ((*feed)->adapter, "dw");
  EXPECT_EQ((*feed)->etag, "\"v1\"");
  EXPECT_EQ((*feed)->last_fetched, at(42));
  EXPECT_EQ(store->validators("https://example.com/a")->second, "yesterday");
  Result<std::vector<StoredRevision>> revisions = store->revisions(article_id);
  ASSERT_TRUE(revisions.has_value());
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[1].revision.content, "v2");
  EXPECT_EQ(*store->articles_needing_documents(), std::vector<std::int64_t>{article_id});
  // The reopened store goes on numbering where it left off.
  Result<SaveResult> third = store->save_revision((*feed)->id, revision("a", "v3"), at(300));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->revision, 3);
}

TEST(StoreFileTest, OpeningInAMissingDirectoryFailsNamingThePath) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "no-such-dir" / "archive.db").string();
  Result<std::unique_ptr<Store>> store = Store::open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kIo);
  EXPECT_NE(store.error().message().find(path), std::string::npos) << store.error().message();
}

TEST(StoreFileTest, OpeningAFileThatIsNotADatabaseFailsNamingThePath) {
  testing::TempDir dir;
  const std::filesystem::path path = dir.path() / "notes.txt";
  testing::write_file(path, std::string(4096, 'x'));
  Result<std::unique_ptr<Store>> store = Store::open(path.string());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kIo);
  EXPECT_NE(store.error().message().find(path.string()), std::string::npos)
      << store.error().message();
}

}  // namespace
}  // namespace newsvault::store

namespace newsvault::store {
namespace {

TEST(StoreIntegrityTest, ASoundStoreHasNoProblems) {
  testing::TempDir dir;
  auto store = Store::open((dir.path() / "store.db").string());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  auto problems = (*store)->integrity_problems();
  ASSERT_TRUE(problems.has_value()) << problems.error().message();
  EXPECT_TRUE(problems->empty());
}

TEST(StoreIntegrityTest, ARevisionWhoseArticleIsGoneIsNamedByTableAndRow) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  ASSERT_TRUE(Store::open(path).has_value());
  // Written behind the store's back, foreign keys off, as another program might.
  const auto written = testing::run_command(
      "sqlite3 " + testing::shell_quote(path) +
      " \"INSERT INTO revisions (article_id, number, seen_at, content_hash, title, url, published, "
      "content, document_path) VALUES (42, 1, 0, 'x', 't', 'u', NULL, '{}', 'f/a.md')\"");
  if (written.exit_status == 127) GTEST_SKIP() << "the sqlite3 program is not installed";
  ASSERT_EQ(written.exit_status, 0) << written.err;
  auto store = Store::open(path);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  auto problems = (*store)->integrity_problems();
  ASSERT_TRUE(problems.has_value()) << problems.error().message();
  ASSERT_EQ(problems->size(), 1u);
  EXPECT_EQ(problems->front(), "revisions row 1: refers to a missing row of articles");
}

}  // namespace
}  // namespace newsvault::store

#include "store/database.h"
#include "store/migrations.h"

namespace newsvault::store {
namespace {

// A store as newsvault made it before revisions were packed (schema
// version 2, content as TEXT), with one article of two revisions.
std::int64_t make_unpacked_store(const std::string& path) {
  auto database = Database::open(path);
  EXPECT_TRUE(database.has_value()) << database.error().message();
  EXPECT_TRUE(migrate(**database, migrations().first(2)).has_value());
  const auto inserted = (*database)
                  ->execute("INSERT INTO feeds (name, url, adapter, created) VALUES ('news', 'https://e.com/f', '', 1);"
                            "INSERT INTO articles (feed_id, key, title, url, published, first_seen, "
                            "last_changed, latest_revision, document_path) "
                            "VALUES (1, 'a', 'A', 'https://e.com/a', 5, 5, 6, 2, 'news/a.md');"
                            "INSERT INTO revisions VALUES (1, 1, 5, "
                            "'" + std::string(64, '1') + "', 'A', 'https://e.com/a', 5, '{\"v\":1}', 'news/a.md');"
                            "INSERT INTO revisions VALUES (1, 2, 6, "
                            "'" + std::string(64, '2') + "', 'A', 'https://e.com/a', 5, '{\"v\":2}', 'news/a.md');");
  EXPECT_TRUE(inserted.has_value()) << inserted.error().message();
  return 1;
}

TEST(PackedContentTest, RevisionsSavedBeforePackingReadAsTheyWereAfterTheMigration) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  const std::int64_t article_id = make_unpacked_store(path);

  std::unique_ptr<Store> store = open_or_die(path);
  ASSERT_NE(store, nullptr);
  auto revisions = store->revisions(article_id);
  ASSERT_TRUE(revisions.has_value()) << revisions.error().message();
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[0].revision.content, "{\"v\":1}");
  EXPECT_EQ((*revisions)[1].revision.content, "{\"v\":2}");
  // A new revision is packed and reads back beside them.
  ArticleRevision third = revision("a", std::string(20'000, 'x') + "{\"v\":3}");
  auto saved = store->save_revision(1, third, at(7));
  ASSERT_TRUE(saved.has_value()) << saved.error().message();
  EXPECT_EQ(saved->revision, 3);
  revisions = store->revisions(article_id);
  ASSERT_TRUE(revisions.has_value()) << revisions.error().message();
  ASSERT_EQ(revisions->size(), 3u);
  EXPECT_EQ((*revisions)[2].revision.content, third.content);
  EXPECT_TRUE(store->integrity_problems()->empty());
}

TEST(PackedContentTest, ContentIsStoredCompressed) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  {
    std::unique_ptr<Store> store = open_or_die(path);
    ASSERT_NE(store, nullptr);
    auto feed = store->add_feed("news", "https://e.com/f", "");
    ASSERT_TRUE(feed.has_value());
    std::string body;
    for (int i = 0; i < 400; ++i) body += "<p>Paragraph " + std::to_string(i) + " of the article.</p>";
    ASSERT_TRUE(store->save_revision(feed->id, revision("a", body), at(1)).has_value());
  }
  const auto stored = testing::run_command("sqlite3 " + testing::shell_quote(path) +
                                           " \"SELECT typeof(content), length(content) FROM revisions\"");
  if (stored.exit_status == 127) GTEST_SKIP() << "the sqlite3 program is not installed";
  ASSERT_EQ(stored.exit_status, 0) << stored.err;
  const std::size_t bar = stored.out.find('|');
  ASSERT_NE(bar, std::string::npos) << stored.out;
  EXPECT_EQ(stored.out.substr(0, bar), "blob");
  EXPECT_LT(std::stoul(stored.out.substr(bar + 1)), 5'000u) << "of about 14,000 bytes";
}

TEST(PackedContentTest, DamagedContentIsAnErrorNamingTheRevision) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  std::int64_t article_id = 0;
  {
    std::unique_ptr<Store> store = open_or_die(path);
    ASSERT_NE(store, nullptr);
    auto feed = store->add_feed("news", "https://e.com/f", "");
    ASSERT_TRUE(feed.has_value());
    auto saved = store->save_revision(feed->id, revision("a", std::string(3000, 'z')), at(1));
    ASSERT_TRUE(saved.has_value());
    article_id = saved->article_id;
  }
  // One byte of the frame flipped behind the store's back.
  const auto damaged = testing::run_command(
      "sqlite3 " + testing::shell_quote(path) +
      " \"UPDATE revisions SET content = CAST(substr(content, 1, length(content) - 8) || x'00' || "
      "substr(content, length(content) - 6) AS BLOB)\"");
  if (damaged.exit_status == 127) GTEST_SKIP() << "the sqlite3 program is not installed";
  ASSERT_EQ(damaged.exit_status, 0) << damaged.err;

  std::unique_ptr<Store> store = open_or_die(path);
  ASSERT_NE(store, nullptr);
  auto revisions = store->revisions(article_id);
  ASSERT_FALSE(revisions.has_value());
  EXPECT_EQ(revisions.error().code(), ErrorCode::kIo);
  EXPECT_NE(revisions.error().message().find("article " + std::to_string(article_id) + " revision 1"),
            std::string::npos)
      << revisions.error().message();
}

TEST_P(StoreTest, KeepsEachFeedsPollScheduleAcrossSaves) {
  PollSchedule schedule;
  schedule.feed_id = feed_.id;
  schedule.next_poll = at(5'000);
  schedule.interval_seconds = 600;
  schedule.reason = "publishes about every 10 min";
  schedule.entry_dates = {at(4'000), at(3'000)};
  ASSERT_TRUE(store_->save_schedule(schedule).has_value());
  schedule.last_poll = at(5'000);
  schedule.failures = 2;
  ASSERT_TRUE(store_->save_schedule(schedule).has_value());
  auto kept = store_->schedules();
  ASSERT_TRUE(kept.has_value()) << kept.error().message();
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].last_poll, at(5'000));
  EXPECT_EQ((*kept)[0].next_poll, at(5'000));
  EXPECT_EQ((*kept)[0].interval_seconds, 600);
  EXPECT_EQ((*kept)[0].failures, 2);
  EXPECT_EQ((*kept)[0].reason, "publishes about every 10 min");
  EXPECT_EQ((*kept)[0].entry_dates, (std::vector<Timestamp>{at(4'000), at(3'000)}));
  schedule.feed_id = feed_.id + 100;
  EXPECT_FALSE(store_->save_schedule(schedule).has_value());
}

TEST_P(StoreTest, KeepsImagesAndWhichArticlesShowThemInOrder) {
  const SaveResult first = save(revision("a", "one"));
  const SaveResult second = save(revision("b", "two"));
  ImageRecord kept;
  kept.url = "https://cdn.example/a.png";
  kept.sha256 = std::string(64, 'a');
  kept.type = "image/png";
  kept.bytes = 1234;
  kept.width = 640;
  kept.height = 480;
  kept.attempts = 1;
  kept.fetched = at(9'000);
  ASSERT_TRUE(store_->save_image(kept).has_value());
  ImageRecord refused;
  refused.url = "https://cdn.example/fake.jpg";
  refused.refusal = "HTML served as an image";
  refused.attempts = 2;
  ASSERT_TRUE(store_->save_image(refused).has_value());
  // Saved again: replaced, not added.
  refused.attempts = 3;
  ASSERT_TRUE(store_->save_image(refused).has_value());

  ASSERT_TRUE(store_->link_images(first.article_id, {kept.url, refused.url}).has_value());
  ASSERT_TRUE(store_->link_images(second.article_id, {kept.url}).has_value());
  // Linked again with a new image first: the old ones keep their places.
  ASSERT_TRUE(store_->link_images(first.article_id, {"https://cdn.example/new.gif", kept.url}).has_value());

  auto images = store_->images();
  ASSERT_TRUE(images.has_value()) << images.error().message();
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0].url, kept.url);
  EXPECT_EQ((*images)[0].sha256, kept.sha256);
  EXPECT_EQ((*images)[0].type, "image/png");
  EXPECT_EQ((*images)[0].bytes, 1234);
  EXPECT_EQ((*images)[0].width, 640);
  EXPECT_EQ((*images)[0].height, 480);
  EXPECT_EQ((*images)[0].fetched, at(9'000));
  EXPECT_EQ((*images)[1].refusal, "HTML served as an image");
  EXPECT_EQ((*images)[1].attempts, 3);
  EXPECT_EQ((*images)[1].fetched, std::nullopt);

  EXPECT_EQ(*store_->article_images(first.article_id),
            (std::vector<std::string>{kept.url, refused.url, "https://cdn.example/new.gif"}));
  EXPECT_EQ(*store_->article_images(second.article_id), (std::vector<std::string>{kept.url}));
  auto unknown = store_->link_images(first.article_id + 100, {kept.url});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

// What a worker saving a group of articles does: every article's image
// links, then every image's work, each as one batch, all or nothing.
TEST_P(StoreTest, ABatchOfImageLinksAndOfWorkIsSavedWholeOrNotAtAll) {
  const SaveResult first = save(revision("a", "one"));
  const SaveResult second = save(revision("b", "two"));
  const std::vector<ImageLinks> links{{first.article_id, {"https://cdn.example/1.png", "https://cdn.example/2.png"}},
                                      {second.article_id, {"https://cdn.example/2.png"}}};
  ASSERT_TRUE(store_->link_images(links).has_value());
  EXPECT_EQ(*store_->article_images(first.article_id),
            (std::vector<std::string>{"https://cdn.example/1.png", "https://cdn.example/2.png"}));
  EXPECT_EQ(*store_->article_images(second.article_id), (std::vector<std::string>{"https://cdn.example/2.png"}));

  const std::vector<ImageLinks> with_unknown{{first.article_id, {"https://cdn.example/3.png"}},
                                             {second.article_id + 100, {"https://cdn.example/4.png"}}};
  auto unknown = store_->link_images(with_unknown);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find(std::to_string(second.article_id + 100)), std::string::npos);
  EXPECT_EQ(store_->article_images(first.article_id)->size(), 2u) << "a failed batch linked nothing";

  std::vector<PendingWork> work(3);
  for (std::size_t i = 0; i < work.size(); ++i) {
    work[i].kind = "image";
    work[i].feed_id = feed_.id;
    work[i].key = work[i].url = "https://cdn.example/" + std::to_string(i) + ".png";
    work[i].next_attempt = work[i].first_queued = at(1'000 + static_cast<std::int64_t>(i));
  }
  ASSERT_TRUE(store_->queue_work(work).has_value());
  auto pending = store_->pending_work(std::nullopt);
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 3u);
  for (std::size_t i = 0; i < work.size(); ++i) EXPECT_EQ((*pending)[i].key, work[i].key);
}

// Work that failed and is queued again by whatever finds it anew (a worker
// saving an article that shows the image) keeps counting its tries.
TEST_P(StoreTest, WorkQueuedAgainKeepingItsTriesKeepsAttemptsAndNextRetry) {
  PendingWork failing;
  failing.kind = "image";
  failing.feed_id = feed_.id;
  failing.key = failing.url = "https://cdn.example/broken.png";
  failing.attempts = 5;
  failing.next_attempt = at(90'000);
  failing.last_error = "HTTP 503";
  failing.first_queued = at(1'000);
  ASSERT_TRUE(store_->queue_work(failing).has_value());

  PendingWork again = failing;
  again.attempts = 0;
  again.next_attempt = again.first_queued = at(5'000);
  again.last_error = "";
  again.detail = "queued";
  again.keep_tries = true;
  ASSERT_TRUE(store_->queue_work(again).has_value());
  auto pending = store_->pending_work(std::nullopt);
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].attempts, 5);
  EXPECT_EQ((*pending)[0].next_attempt, at(90'000));
  EXPECT_EQ((*pending)[0].last_error, "HTTP 503");
  EXPECT_EQ((*pending)[0].detail, "queued");
  EXPECT_EQ((*pending)[0].first_queued, at(1'000));

  // Without keep_tries, queuing replaces them (a run recording its own try).
  again.keep_tries = false;
  ASSERT_TRUE(store_->queue_work(again).has_value());
  EXPECT_EQ(store_->pending_work(std::nullopt)->at(0).attempts, 0);
}

TEST_P(StoreTest, ListsOnlyTheImagesOfTheArticlesAskedForAndTheArticlesShowingAnImage) {
  const SaveResult first = save(revision("a", "one"));
  const SaveResult second = save(revision("b", "two"));
  const SaveResult third = save(revision("c", "three"));
  for (const std::string url : {"https://cdn.example/a.png", "https://cdn.example/b.png", "https://cdn.example/c.png"}) {
    ImageRecord image;
    image.url = url;
    image.sha256 = std::string(64, url[url.size() - 5]);
    ASSERT_TRUE(store_->save_image(image).has_value());
  }
  ASSERT_TRUE(store_->link_images(first.article_id, {"https://cdn.example/b.png", "https://cdn.example/a.png"}).has_value());
  ASSERT_TRUE(store_->link_images(second.article_id, {"https://cdn.example/a.png"}).has_value());
  ASSERT_TRUE(store_->link_images(third.article_id, {"https://cdn.example/c.png"}).has_value());

  auto shown = store_->images_shown({first.article_id, second.article_id});
  ASSERT_TRUE(shown.has_value()) << shown.error().message();
  ASSERT_EQ(shown->size(), 2u);  // a.png once, though both show it; never c.png
  EXPECT_EQ((*shown)[0].url, "https://cdn.example/a.png");
  EXPECT_EQ((*shown)[0].sha256, std::string(64, 'a'));
  EXPECT_EQ((*shown)[1].url, "https://cdn.example/b.png");
  EXPECT_TRUE(store_->images_shown({})->empty());
  EXPECT_TRUE(store_->images_shown({third.article_id + 100})->empty());

  auto showing = store_->articles_showing({"https://cdn.example/a.png", "https://cdn.example/c.png"});
  ASSERT_TRUE(showing.has_value()) << showing.error().message();
  EXPECT_EQ(*showing, (std::vector<std::int64_t>{first.article_id, second.article_id, third.article_id}));
  EXPECT_EQ(*store_->articles_showing({"https://cdn.example/b.png"}), (std::vector<std::int64_t>{first.article_id}));
  EXPECT_TRUE(store_->articles_showing({"https://cdn.example/none.png"})->empty());
}

TEST_P(StoreTest, PurgingAFeedDropsItsArticlesImageLinksButKeepsTheImages) {
  const SaveResult saved = save(revision("a", "one"));
  ImageRecord image;
  image.url = "https://cdn.example/a.png";
  image.sha256 = std::string(64, 'b');
  ASSERT_TRUE(store_->save_image(image).has_value());
  ASSERT_TRUE(store_->link_images(saved.article_id, {image.url}).has_value());
  auto purged = store_->purge_feed(feed_.id);
  ASSERT_TRUE(purged.has_value()) << purged.error().message();
  EXPECT_TRUE(store_->article_images(saved.article_id)->empty());
  EXPECT_EQ(store_->images()->size(), 1u);
}

// ---------------------------------------------------------------------------
// The server's readers: users, tokens, and each reader's marks

TEST_P(StoreTest, EachReaderHasTheirOwnMarksAndStreamsFollowThem) {
  Readers& readers = store_->readers();
  auto ana = readers.add_user("ana", "hash-a", at(1));
  auto ben = readers.add_user("ben", "hash-b", at(2));
  ASSERT_TRUE(ana.has_value() && ben.has_value());
  auto taken = readers.add_user("ana", "hash-c", at(3));
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().message(), "a user named ana already exists");
  const std::int64_t old_id = save(dated("old", 1'000)).article_id;
  const std::int64_t new_id = save(dated("new", 2'000)).article_id;
  const std::int64_t unknown_id = new_id + 1'000;
  ASSERT_TRUE(readers.set_marks(ana->id, std::vector<std::int64_t>{old_id, unknown_id}, true, std::nullopt, at(10)));
  ASSERT_TRUE(readers.set_marks(ana->id, std::vector<std::int64_t>{new_id}, std::nullopt, true, at(11)));

  ReaderStream unread;
  unread.unread_only = true;
  auto ana_unread = readers.stream(ana->id, unread, true);
  ASSERT_TRUE(ana_unread.has_value()) << ana_unread.error().message();
  EXPECT_EQ(ana_unread->ids, std::vector<std::int64_t>{new_id});
  EXPECT_EQ(ana_unread->total, 1u);
  auto ben_unread = readers.stream(ben->id, unread, true);
  ASSERT_TRUE(ben_unread.has_value());
  EXPECT_EQ(ben_unread->ids, (std::vector<std::int64_t>{new_id, old_id}));  // newest first
  ReaderStream oldest_first;
  oldest_first.ascending = true;
  oldest_first.limit = 1;
  auto page = readers.stream(ben->id, oldest_first, false);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->ids, std::vector<std::int64_t>{old_id});
  EXPECT_TRUE(page->more);
  ReaderStream starred;
  starred.starred_only = true;
  EXPECT_EQ(readers.stream(ana->id, starred, false)->ids, std::vector<std::int64_t>{new_id});

  auto articles = readers.reader_articles(ana->id, std::vector<std::int64_t>{new_id, unknown_id, old_id});
  ASSERT_TRUE(articles.has_value()) << articles.error().message();
  ASSERT_EQ(articles->size(), 2u);
  EXPECT_EQ((*articles)[0].id, new_id);
  EXPECT_EQ((*articles)[0].feed_id, feed_.id);
  EXPECT_TRUE((*articles)[0].starred);
  EXPECT_FALSE((*articles)[0].read);
  EXPECT_EQ((*articles)[1].id, old_id);
  EXPECT_TRUE((*articles)[1].read);

  auto counts = readers.unread_counts(ben->id);
  ASSERT_TRUE(counts.has_value());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ(counts->front().unread, 2u);
  ASSERT_TRUE(readers.mark_all_read(ben->id, feed_.id, at(5'000), at(12)));
  EXPECT_TRUE(readers.unread_counts(ben->id)->empty());
  // A purged feed's articles take their readers' marks with them.
  auto purged = store_->purge_feed(feed_.id);
  ASSERT_TRUE(purged.has_value()) << purged.error().message();
  EXPECT_TRUE(readers.stream(ana->id, starred, false)->ids.empty());
}

TEST_P(StoreTest, ATokenNamesItsUserUntilTheUserIsRemoved) {
  Readers& readers = store_->readers();
  auto ana = readers.add_user("ana", "hash-a", at(1));
  ASSERT_TRUE(ana.has_value());
  ASSERT_TRUE(readers.add_token("token-hash", ana->id, "session", at(2)));
  auto named = readers.user_of_token("token-hash");
  ASSERT_TRUE(named.has_value() && named->has_value());
  EXPECT_EQ((*named)->name, "ana");
  EXPECT_EQ((*readers.user_login("ana"))->password_hash, "hash-a");
  EXPECT_FALSE(readers.user_login("nobody")->has_value());
  ASSERT_TRUE(readers.remove_user("ana"));
  EXPECT_FALSE(readers.user_of_token("token-hash")->has_value());
  EXPECT_TRUE(readers.users()->empty());
  auto again = readers.remove_user("ana");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
}

// ---------------------------------------------------------------------------
// What a worker needs to continue any feed, and workers' leases

TEST_P(StoreTest, KeepsFeedStatesAndListsOnlyThoseNotActive) {
  auto other = store_->add_feed("other", "https://example.com/other.xml", "");
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(store_->set_feed_state(feed_.id, "paused").has_value());
  ASSERT_TRUE(store_->set_feed_state(other->id, "removed").has_value());
  ASSERT_TRUE(store_->set_feed_state(other->id, "active").has_value());
  auto states = store_->feed_states();
  ASSERT_TRUE(states.has_value()) << states.error().message();
  EXPECT_EQ(*states, (std::map<std::int64_t, std::string>{{feed_.id, "paused"}}));
  auto bad = store_->set_feed_state(feed_.id, "sleeping");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  auto unknown = store_->set_feed_state(feed_.id + 100, "paused");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreTest, KeepsAFeedsLastBodyByteForByteUntilForgotten) {
  const std::string body("<rss>\x00\xff\xfe caf\xc3\xa9</rss>", 20);
  auto none = store_->feed_body(feed_.id);
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_->set_feed_body(feed_.id, std::string_view("old")).has_value());
  ASSERT_TRUE(store_->set_feed_body(feed_.id, std::string_view(body)).has_value());
  auto kept = store_->feed_body(feed_.id);
  ASSERT_TRUE(kept.has_value() && kept->has_value());
  EXPECT_EQ(**kept, body);
  ASSERT_TRUE(store_->set_feed_body(feed_.id, std::nullopt).has_value());
  auto forgotten = store_->feed_body(feed_.id);
  ASSERT_TRUE(forgotten.has_value());
  EXPECT_FALSE(forgotten->has_value());
  auto unknown = store_->set_feed_body(feed_.id + 100, std::string_view(body));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreTest, LeasesOnlyDueActiveFeedsAndNeverOneFeedToTwoOwnersWhileTheLeaseRuns) {
  std::vector<std::int64_t> ids = {feed_.id};
  for (int i = 0; i < 4; ++i) {
    auto feed = store_->add_feed("feed" + std::to_string(i), "https://example.com/" + std::to_string(i), "");
    ASSERT_TRUE(feed.has_value());
    ids.push_back(feed->id);
  }
  // ids[3] is paused; ids[4] is not due until 50,000.
  ASSERT_TRUE(store_->set_feed_state(ids[3], "paused").has_value());
  PollSchedule later;
  later.feed_id = ids[4];
  later.next_poll = at(50'000);
  ASSERT_TRUE(store_->save_schedule(later).has_value());

  auto first = store_->lease_feeds("worker-a", 2, at(10'000), at(20'000));
  ASSERT_TRUE(first.has_value()) << first.error().message();
  EXPECT_EQ(first->size(), 2u);
  auto second = store_->lease_feeds("worker-b", 10, at(10'000), at(20'000));
  ASSERT_TRUE(second.has_value()) << second.error().message();
  std::vector<std::int64_t> all = *first;
  all.insert(all.end(), second->begin(), second->end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::int64_t>{ids[0], ids[1], ids[2]}));

  auto end = store_->next_lease_end(at(10'000));
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(*end, std::optional<Timestamp>(at(20'000)));
  // Renewed: still held past the first expiry.
  auto renewed = store_->renew_leases("worker-a", at(40'000));
  ASSERT_TRUE(renewed.has_value());
  EXPECT_EQ(*renewed, 2u);
  auto expired = store_->lease_feeds("worker-c", 10, at(30'000), at(60'000));
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(*expired, *second) << "worker-b's leases ran out at 20,000; worker-a's were renewed";

  // Released: due again at once; another owner's leases are left alone.
  ASSERT_TRUE(store_->release_leases("worker-a", std::vector<std::int64_t>{first->front()}).has_value());
  ASSERT_TRUE(store_->release_leases("worker-b", {}).has_value());
  auto again = store_->lease_feeds("worker-d", 10, at(30'000), at(60'000));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, std::vector<std::int64_t>{first->front()});
}

TEST_P(StoreTest, TwoConnectionsLeasingAtOnceShareTheDueFeedsWithoutOverlap) {
  std::optional<::newsvault::testing::TempDir> dir;
  std::string location;
  if (GetParam() == "postgresql") {
    location = scratch_->uri();
  } else {
    dir.emplace();
    location = (dir->path() / "store.db").string();
    store_ = open_or_die(location);
  }
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(store_->add_feed("many" + std::to_string(i), "https://example.com/m" + std::to_string(i), "")
                    .has_value());
  }
  auto other = open_or_die(location);
  ASSERT_NE(other, nullptr);
  std::vector<std::int64_t> a, b;
  for (int round = 0; round < 8; ++round) {
    auto mine = store_->lease_feeds("a", 5, at(1'000), at(9'000));
    auto theirs = other->lease_feeds("b", 5, at(1'000), at(9'000));
    ASSERT_TRUE(mine.has_value() && theirs.has_value());
    a.insert(a.end(), mine->begin(), mine->end());
    b.insert(b.end(), theirs->begin(), theirs->end());
  }
  std::vector<std::int64_t> all = a;
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a feed was leased twice";
  auto feeds = store_->feeds();
  ASSERT_TRUE(feeds.has_value());
  EXPECT_EQ(all.size(), feeds->size());
}

TEST_P(StoreTest, TwoConnectionsSavingTheSameRevisionArchiveItOnce) {
  std::optional<::newsvault::testing::TempDir> dir;
  std::string location;
  if (GetParam() == "postgresql") {
    location = scratch_->uri();
  } else {
    dir.emplace();
    location = (dir->path() / "store.db").string();
    store_ = open_or_die(location);
    auto feed = store_->add_feed("news", "https://example.com/feed.xml", "");
    ASSERT_TRUE(feed.has_value());
    feed_ = *feed;
  }
  auto other = open_or_die(location);
  ASSERT_NE(other, nullptr);
  const ArticleRevision same = revision("a", "{\"body\":\"one\"}");
  auto first = store_->save_revision(feed_.id, same, at(1'000));
  auto second = other->save_revision(feed_.id, same, at(2'000));
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->change, Change::kNew);
  EXPECT_EQ(second->change, Change::kUnchanged);
  auto revisions = store_->revisions(first->article_id);
  ASSERT_TRUE(revisions.has_value());
  EXPECT_EQ(revisions->size(), 1u);
}

TEST_P(StoreTest, OnlyOneConnectionIsThePublisher) {
  ASSERT_TRUE(store_->lock_publisher(false).value_or(false));
  if (GetParam() != "postgresql") return;  // SQLite: the archive's run lock decides
  auto other = open_or_die(scratch_->uri());
  ASSERT_NE(other, nullptr);
  auto refused = other->lock_publisher(false);
  ASSERT_TRUE(refused.has_value()) << refused.error().message();
  EXPECT_FALSE(*refused);
  // The publisher's connection ends, and the lock with it: a waiting
  // publisher gets it.
  store_.reset();
  EXPECT_TRUE(other->lock_publisher(true).value_or(false));
}

}  // namespace
}  // namespace newsvault::store
