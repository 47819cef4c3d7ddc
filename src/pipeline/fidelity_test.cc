// Archive fidelity against sources served from 127.0.0.1 that change
// between runs: nothing the source published is missed (an edit made in
// the feed while its page fails, pages retried while the feed answers 304,
// an article listed by a second feed), nothing it did not do is claimed (a
// teaser become full text is newsvault's change, not the source's), and
// takedowns show within one poll.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "extract/testdata_path.h"
#include "pipeline/pipeline.h"
#include "support/conditional_handler.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using testing::conditional_handler;
using testing::HttpTestServer;

// Every month index of a feed's folder (FEED/YYYY/MM/README.md), in one text.
std::string month_indexes(const std::filesystem::path& feed_folder) {
  std::string text;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(feed_folder)) {
    if (entry.path().filename() == "README.md" && entry.path().parent_path() != feed_folder) {
      text += testing::read_file(entry.path());
    }
  }
  return text;
}

// An article page the extractor reads: a headline and paragraphs of `story`.
std::string article_page(const std::string& story, const std::string& extra = "") {
  std::string page = "<!DOCTYPE html><html><head><title>" + story +
                     " | Gazette</title></head><body><nav><a href=\"/\">Home</a></nav>"
                     "<article><h1>" + story + "</h1>";
  for (int i = 0; i < 6; ++i) {
    page += "<p>Paragraph " + std::to_string(i) + " of the " + story +
            " story tells at length what happened at the harbour, who spoke, what the divers "
            "found in the channel and what the council means to do next about it. " + extra +
            "</p>";
  }
  return page + "</article><footer>Footer</footer></body></html>";
}

struct Item {
  std::string guid;
  std::string title;
  std::string description;
  std::string date = "Mon, 19 Jun 2023 08:00:00 GMT";
};

std::string rss(const HttpTestServer& server, const std::vector<Item>& items) {
  std::string feed = "<rss version=\"2.0\"><channel><title>Gazette</title><link>" + server.url("/") +
                     "</link><description>d</description>";
  for (const Item& item : items) {
    feed += "<item><title>" + item.title + "</title><link>" + server.url("/news/" + item.guid) +
            "</link><guid>" + item.guid + "</guid><pubDate>" + item.date + "</pubDate><description>" +
            item.description + "</description></item>";
  }
  return feed + "</channel></rss>";
}

class FidelityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Archive::init(dir_.path()).has_value());
    feed_ = std::make_shared<std::string>();
    server_.set_handler("/feed.xml", conditional_handler(feed_, "application/rss+xml"));
  }

  void open(const std::string& settings = "") {
    testing::write_file(dir_.path() / kConfigFileName,
                        "[fetch]\nretry_base_delay_ms = 1\nmax_attempts = 1\n[adapters.dw]\narticle_api = \"" +
                            server_.url("/api/{id}") + "\"\n" + settings);
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  void add_feed(const std::string& name, const std::string& path, const std::string& adapter = "") {
    ASSERT_TRUE(archive_->store().add_feed(name, server_.url(path), adapter).has_value());
  }

  // A page at /news/GUID, answering conditionally; returned to be edited.
  std::shared_ptr<std::string> serve_page(const std::string& guid, const std::string& story) {
    auto page = std::make_shared<std::string>(article_page(story));
    server_.set_handler("/news/" + guid, conditional_handler(page, "text/html; charset=utf-8"));
    return page;
  }

  FetchSummary fetch_at(const char* now) {
    auto summary = run_fetch(*archive_, *client_, *parse_date(now), nullptr);
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    return summary ? *summary : FetchSummary{};
  }

  store::FeedRecord feed(const std::string& name) {
    auto record = archive_->store().feed_by_name(name);
    EXPECT_TRUE(record.has_value() && record->has_value()) << name;
    return record && *record ? **record : store::FeedRecord{};
  }

  std::optional<store::ArticleSummary> article(const std::string& key) {
    auto articles = archive_->store().articles(std::nullopt);
    EXPECT_TRUE(articles.has_value());
    for (const store::ArticleSummary& summary : *articles) {
      if (summary.key == key) return summary;
    }
    return std::nullopt;
  }

  std::vector<store::StoredRevision> revisions(const std::string& key) {
    const auto summary = article(key);
    if (!summary) return {};
    auto stored = archive_->store().revisions(summary->id);
    EXPECT_TRUE(stored.has_value());
    return stored ? *stored : std::vector<store::StoredRevision>{};
  }

  std::string document(const std::string& key) {
    const auto summary = article(key);
    return summary ? testing::read_file(dir_.path() / summary->document_path) : std::string();
  }

  std::size_t pending() {
    auto work = archive_->store().pending_work(std::nullopt);
    EXPECT_TRUE(work.has_value());
    std::size_t count = 0;
    for (const store::PendingWork& item : *work) count += item.kind != "recheck";
    return count;
  }

  HttpTestServer server_;
  testing::TempDir dir_;
  std::shared_ptr<std::string> feed_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

const Item kTeaser{"harbour", "Harbour reopens", "The harbour reopened on Monday&#8230;"};

TEST_F(FidelityTest, AnEditInTheFeedWhileItsPageFailsIsARevisionAndSurvivesTheNextNotModified) {
  open();
  add_feed("gazette", "/feed.xml");
  auto page = serve_page("harbour", "Harbour reopens");
  *feed_ = rss(server_, {kTeaser});
  ASSERT_TRUE(fetch_at("2023-06-19T09:00:00Z").errors.empty());
  ASSERT_NE(document("harbour").find("divers found in the channel"), std::string::npos);

  // The pages are blocked; the source retitles and rewrites the entry.
  server_.set("/news/harbour", {404, {}, "not found", {}});
  *feed_ = rss(server_, {{"harbour", "Harbour reopens after storm", "Rewritten: the harbour reopened&#8230;"}});
  const FetchSummary edited = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_EQ(edited.counts.articles_updated, 1u);
  EXPECT_EQ(edited.pending, 1u);
  auto stored = revisions("harbour");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].revision.title, "Harbour reopens after storm");
  EXPECT_EQ(stored[1].revision.provenance.cause, store::Cause::kSource);
  EXPECT_EQ(stored[1].revision.provenance.note, "the entry changed in its feed");
  EXPECT_NE(feed("gazette").last_error.find("HTTP 404"), std::string::npos);

  // The feed answers 304 now: the edit is kept, the page asked again, the
  // error stays while it fails.
  const FetchSummary unchanged = fetch_at("2023-06-19T11:00:00Z");
  EXPECT_EQ(unchanged.counts.articles_updated, 0u);
  EXPECT_EQ(revisions("harbour").size(), 2u);
  EXPECT_EQ(article("harbour")->title, "Harbour reopens after storm");
  EXPECT_NE(feed("gazette").last_error.find("HTTP 404"), std::string::npos);
  EXPECT_EQ(pending(), 1u);

  // The page can be read again (the feed still 304): the full text is back
  // under the new title, and that is newsvault's doing, not the source's.
  server_.set_handler("/news/harbour", conditional_handler(page, "text/html"));
  const FetchSummary recovered = fetch_at("2023-06-20T11:00:00Z");
  EXPECT_TRUE(recovered.errors.empty()) << recovered.errors.front();
  stored = revisions("harbour");
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[2].revision.provenance.cause, store::Cause::kProcessing);
  EXPECT_EQ(stored[2].revision.provenance.origin, "page");
  EXPECT_EQ(stored[2].revision.provenance.http_status, 200);
  EXPECT_EQ(stored[2].revision.title, "Harbour reopens after storm");
  EXPECT_NE(document("harbour").find("divers found in the channel"), std::string::npos);
  EXPECT_EQ(feed("gazette").last_error, "");
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(article("harbour")->source_changes, 1);
}

TEST_F(FidelityTest, FailedPagesAreRetriedWhileTheFeedAnswersNotModifiedAndBecomeFullText) {
  open();
  add_feed("gazette", "/feed.xml");
  *feed_ = rss(server_, {kTeaser});
  server_.set("/news/harbour", {500, {}, "down", {}});
  const FetchSummary first = fetch_at("2023-06-19T09:00:00Z");
  EXPECT_EQ(first.counts.articles_new, 1u);  // archived from the feed meanwhile
  EXPECT_EQ(first.feeds_failed, 1u);
  EXPECT_EQ(pending(), 1u);

  // Still failing, the feed unchanged: tried again, still the feed's error.
  const FetchSummary second = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_EQ(server_.request_count("/news/harbour"), 2u);
  EXPECT_EQ(second.feeds_failed, 1u);
  EXPECT_NE(feed("gazette").last_error.find("HTTP 500"), std::string::npos);

  // Before its next try is due, nothing is asked; the feed's error says
  // what waits.
  const FetchSummary waiting = fetch_at("2023-06-19T10:01:00Z");
  EXPECT_EQ(server_.request_count("/news/harbour"), 2u);
  EXPECT_EQ(waiting.pending, 1u);
  EXPECT_NE(feed("gazette").last_error.find("1 article(s) pending"), std::string::npos)
      << feed("gazette").last_error;

  serve_page("harbour", "Harbour reopens");
  const FetchSummary fixed = fetch_at("2023-06-19T12:00:00Z");
  EXPECT_TRUE(fixed.errors.empty()) << fixed.errors.front();
  EXPECT_EQ(fixed.counts.articles_updated, 1u);
  EXPECT_NE(document("harbour").find("divers found in the channel"), std::string::npos);
  const auto stored = revisions("harbour");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].revision.provenance.cause, store::Cause::kProcessing);
  EXPECT_EQ(stored[1].revision.provenance.note, "full text from the page");
  EXPECT_EQ(feed("gazette").last_error, "");
  EXPECT_EQ(pending(), 0u);
}

TEST_F(FidelityTest, AnEditOfThePageIsASourceRevisionWithItsHttpFacts) {
  open("[feeds.gazette]\nfull_text = \"always\"\n");
  add_feed("gazette", "/feed.xml");
  auto page = serve_page("harbour", "Harbour reopens");
  *feed_ = rss(server_, {kTeaser});
  fetch_at("2023-06-19T09:00:00Z");
  *page = article_page("Harbour reopens", "Corrected.");
  const FetchSummary edited = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_EQ(edited.counts.articles_updated, 1u);
  const auto stored = revisions("harbour");
  ASSERT_EQ(stored.size(), 2u);
  const store::Provenance& from = stored[1].revision.provenance;
  EXPECT_EQ(from.cause, store::Cause::kSource);
  EXPECT_EQ(from.note, "the page changed");
  EXPECT_EQ(from.url, server_.url("/news/harbour"));
  EXPECT_FALSE(from.etag.empty());
  EXPECT_EQ(from.payload_hash.size(), 64u);
  EXPECT_NE(from.payload_hash, stored[0].revision.provenance.payload_hash);
}

// DW's feed of one article, whose API document the adapter reads.
std::string dw_feed(const std::string& section) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dwsyn="http://rss.dw.com/syndication/dwsyn/">
<channel rdf:about="https://www.dw.com/zh/)" + section + R"("><title>DW</title><link>https://www.dw.com/zh/</link>
<description>DW</description></channel>
<item rdf:about="https://www.dw.com/zh/title/a-65955570"><title>秦剛晤布林肯</title>
<link>https://www.dw.com/zh/title/a-65955570</link><description>short teaser</description>
<dc:date>2023-06-19T01:41:50Z</dc:date><dwsyn:contentID>65955570</dwsyn:contentID>
<dwsyn:contentType>article</dwsyn:contentType></item></rdf:RDF>)";
}

class AdapterFidelityTest : public FidelityTest {
 protected:
  void SetUp() override {
    FidelityTest::SetUp();
    api_ = std::make_shared<std::string>(testing::read_file(extract::testing::dw_article_65955570()));
    server_.set_handler("/api/65955570", conditional_handler(api_, "application/json"));
    for (const char* section : {"china", "world"}) {
      sections_[section] = std::make_shared<std::string>(dw_feed(section));
      server_.set_handler(std::string("/") + section + ".xml",
                          conditional_handler(sections_[section], "application/rdf+xml"));
    }
    // The article's page, for re-checks once it leaves a feed.
    server_.set("/zh/title/a-65955570", {200, {}, "<html><body>there</body></html>", {}});
    open();
  }

  std::shared_ptr<std::string> api_;
  std::map<std::string, std::shared_ptr<std::string>> sections_;
};

// Regression: a feed whose articles come from an adapter keeps its last
// body for a 304; a broken body kept that way was read again at every 304
// once the server went back to the body it had before.
TEST_F(AdapterFidelityTest, ABrokenFeedBodyIsNotKeptForTheNextNotModified) {
  add_feed("dw-china", "/china.xml", "dw");
  ASSERT_TRUE(fetch_at("2023-06-19T09:00:00Z").errors.empty());
  const std::string good = *sections_["china"];
  *sections_["china"] = "<rdf:RDF";
  EXPECT_EQ(fetch_at("2023-06-19T10:00:00Z").feeds_failed, 1u);
  *sections_["china"] = good;  // its ETag is the one stored before
  const FetchSummary back = fetch_at("2023-06-19T11:00:00Z");
  EXPECT_TRUE(back.errors.empty()) << back.errors.front();
  EXPECT_EQ(feed("dw-china").last_error, "");
}

TEST_F(AdapterFidelityTest, AFeedAddedLaterHoldsTheArticleAnotherFeedArchivedThroughTheAdapter) {
  add_feed("dw-china", "/china.xml", "dw");
  EXPECT_EQ(fetch_at("2023-06-19T09:00:00Z").counts.articles_new, 1u);
  add_feed("dw-world", "/world.xml", "dw");
  const FetchSummary second = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_TRUE(second.errors.empty()) << second.errors.front();

  auto world = archive_->store().articles(feed("dw-world").id);
  ASSERT_TRUE(world.has_value());
  ASSERT_EQ(world->size(), 1u);
  EXPECT_EQ(world->front().key, "65955570");
  EXPECT_EQ(world->front().feed_names, (std::vector<std::string>{"dw-china", "dw-world"}));
  // One article, one document, listed in both feeds' indexes.
  auto all = archive_->store().articles(std::nullopt);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_NE(testing::read_file(dir_.path() / "dw-world/README.md").find("[2023-06](2023/06/README.md): 1 article"),
            std::string::npos);
  const std::string index = testing::read_file(dir_.path() / "dw-world/2023/06/README.md");
  EXPECT_NE(index.find("秦剛晤布林肯"), std::string::npos) << index;
  EXPECT_NE(index.find("(../../../dw-china/2023/06/19-65955570.md)"), std::string::npos) << index;
}

TEST_F(AdapterFidelityTest, AnApiNotFoundForAListedArticleIsRecordedOnceAsRemovedNotAnErrorEachRun) {
  add_feed("dw-china", "/china.xml", "dw");
  fetch_at("2023-06-19T09:00:00Z");
  server_.set("/api/65955570", {404, {}, "{}", {}});
  const FetchSummary gone = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_TRUE(gone.errors.empty()) << gone.errors.front();
  EXPECT_EQ(gone.articles_removed, 1u);
  auto removed = article("65955570");
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(store::status_of(*removed), store::ArticleStatus::kRemoved);
  EXPECT_NE(removed->removed_reason.find("HTTP 404"), std::string::npos);

  const FetchSummary again = fetch_at("2023-06-19T11:00:00Z");
  EXPECT_TRUE(again.errors.empty()) << again.errors.front();
  EXPECT_EQ(again.articles_removed, 0u);
  EXPECT_EQ(article("65955570")->removed_at, removed->removed_at);
  EXPECT_EQ(feed("dw-china").last_error, "");

  // Back at the source: no longer removed.
  server_.set_handler("/api/65955570", conditional_handler(api_, "application/json"));
  fetch_at("2023-06-19T12:00:00Z");
  EXPECT_EQ(store::status_of(*article("65955570")), store::ArticleStatus::kListed);
}

class TakedownTest : public FidelityTest {
 protected:
  void SetUp() override {
    FidelityTest::SetUp();
    open("[feeds.wire]\nfull_text = \"never\"\n");
    add_feed("wire", "/feed.xml");
    for (const char* guid : {"a", "b", "c", "d"}) {
      server_.set("/news/" + std::string(guid), {200, {}, article_page(guid), {}});
    }
    *feed_ = rss(server_, items({"a", "b", "c", "d"}));
    fetch_at("2023-06-19T09:00:00Z");
  }

  static std::vector<Item> items(const std::vector<std::string>& guids) {
    std::vector<Item> out;
    int hour = 1;
    for (const std::string& guid : guids) {
      if (guid == "b") hour = 2;
      if (guid == "c") hour = 3;
      if (guid == "d") hour = 4;
      out.push_back({guid, "Story " + guid, "Text of " + guid + ", which is the whole story.",
                     "Mon, 19 Jun 2023 0" + std::to_string(hour) + ":00:00 GMT"});
    }
    return out;
  }
};

TEST_F(TakedownTest, ArticlesTakenOutOfTheFeedAreRemovedOrDelistedWithinOnePoll) {
  server_.set("/news/b", {410, {}, "gone", {}});
  server_.set("/news/c", {302, {{"Location", server_.url("/")}}, "", {}});
  server_.set("/", {200, {}, "<html><body>home</body></html>", {}});
  *feed_ = rss(server_, items({"a", "d"}));
  const FetchSummary poll = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_EQ(poll.articles_delisted, 2u);
  EXPECT_EQ(poll.articles_removed, 2u);

  EXPECT_EQ(article("b")->removed_reason, "HTTP 410");
  EXPECT_EQ(article("b")->removed_at, parse_date("2023-06-19T10:00:00Z"));
  EXPECT_EQ(article("c")->removed_reason, "redirected to " + server_.url("/"));
  EXPECT_EQ(store::status_of(*article("a")), store::ArticleStatus::kListed);
  const std::string index = month_indexes(dir_.path() / "wire");
  EXPECT_NE(index.find("(removed at the source 2023-06-19: HTTP 410)"), std::string::npos) << index;

  // Back in the feed: listed again.
  *feed_ = rss(server_, items({"a", "b", "c", "d"}));
  fetch_at("2023-06-19T11:00:00Z");
  EXPECT_EQ(store::status_of(*article("b")), store::ArticleStatus::kListed);
  EXPECT_EQ(article("b")->removed_at, std::nullopt);
}

TEST_F(TakedownTest, AnArticleStillAtItsAddressIsDelistedAndCheckedAgainOnADecayingSchedule) {
  *feed_ = rss(server_, items({"a", "c", "d"}));
  fetch_at("2023-06-19T10:00:00Z");
  EXPECT_EQ(store::status_of(*article("b")), store::ArticleStatus::kDelisted);
  EXPECT_EQ(server_.request_count("/news/b"), 1u);
  // Not due again within the hour ...
  fetch_at("2023-06-19T10:30:00Z");
  EXPECT_EQ(server_.request_count("/news/b"), 1u);
  // ... then after an hour; then it is taken down.
  fetch_at("2023-06-19T11:01:00Z");
  EXPECT_EQ(server_.request_count("/news/b"), 2u);
  server_.set("/news/b", {404, {}, "", {}});
  fetch_at("2023-06-19T17:02:00Z");
  EXPECT_EQ(store::status_of(*article("b")), store::ArticleStatus::kRemoved);
  EXPECT_EQ(article("b")->removed_reason, "HTTP 404");
}

TEST_F(FidelityTest, AFeedThatCannotBeReadKeepsItsValidatorsSoTheNextRunReadsItWhole) {
  open();
  add_feed("gazette", "/feed.xml");
  *feed_ = "<html>this is no feed</html>";
  const FetchSummary broken = fetch_at("2023-06-19T09:00:00Z");
  EXPECT_EQ(broken.feeds_failed, 1u);
  EXPECT_EQ(feed("gazette").etag, "");
  fetch_at("2023-06-19T10:00:00Z");
  const auto requests = server_.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests.back().header("if-none-match"), "");
}

}  // namespace
}  // namespace newsvault::pipeline
