// The whole pipeline against a DW-shaped feed and article API served from
// 127.0.0.1: the written document must be the seed, byte for byte.
#include <gtest/gtest.h>

#include <atomic>

#include "extract/testdata_path.h"
#include "pipeline/article_record.h"
#include "pipeline/pipeline.h"
#include "support/conditional_handler.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using testing::conditional_handler;
using testing::HttpTestServer;

constexpr const char* kFeedPath = "/rdf/rss-chi-all";
constexpr const char* kArticlePath = "/api/detail/article/65955570";

// DW's Chinese feed as the spec describes it: RSS 1.0, one item.
std::string dw_feed() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dwsyn="http://rss.dw.com/syndication/dwsyn/">
<channel rdf:about="https://www.dw.com/zh/s-9058"><title>DW中文 | 德國之聲</title>
<link>https://www.dw.com/zh/s-9058</link><description>DW</description></channel>
<item rdf:about="https://www.dw.com/zh/title/a-65955570?maca=chi-rss-chi-all-1127-rdf">
<title>秦剛晤布林肯7.5小時 指中美關係處最低谷</title>
<link>https://www.dw.com/zh/title/a-65955570?maca=chi-rss-chi-all-1127-rdf</link>
<description>short teaser</description><dc:date>2023-06-19T01:41:50Z</dc:date>
<dc:language>zh</dc:language><dwsyn:contentID>65955570</dwsyn:contentID>
<dwsyn:contentType>article</dwsyn:contentType></item></rdf:RDF>)";
}

class FetchRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    feed_body_ = std::make_shared<std::string>(dw_feed());
    article_body_ = std::make_shared<std::string>(
        testing::read_file(extract::testing::dw_article_65955570()));
    server_.set_handler(kFeedPath,
                        conditional_handler(feed_body_, "application/rdf+xml; charset=utf-8"));
    server_.set_handler(kArticlePath, conditional_handler(article_body_, "application/json"));

    ASSERT_TRUE(Archive::init(dir_.path()).has_value());
    testing::write_file(
        dir_.path() / kConfigFileName,
        "[fetch]\nretry_base_delay_ms = 10\n[adapters.dw]\narticle_api = \"" +
            server_.url("/api/detail/article/{id}") +
            "\"\n"
            // Entries that link hosts which do not exist: their own content only.
            "[feeds.hostile]\nfull_text = \"never\"\n[feeds.plain]\nfull_text = \"never\"\n");
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
    ASSERT_TRUE(archive_->store().add_feed("dw-chinese", server_.url(kFeedPath), "dw").has_value());
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  FetchSummary fetch_at(const char* now) {
    auto summary = run_fetch(*archive_, *client_, *parse_date(now), nullptr);
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    return summary ? *summary : FetchSummary{};
  }

  std::filesystem::path document_of_only_article() {
    auto articles = archive_->store().articles(std::nullopt);
    EXPECT_TRUE(articles.has_value());
    EXPECT_EQ(articles->size(), 1u);
    return dir_.path() / articles->front().document_path;
  }

  HttpTestServer server_;
  testing::TempDir dir_;
  std::shared_ptr<std::string> feed_body_;
  std::shared_ptr<std::string> article_body_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

TEST_F(FetchRunTest, WritesTheSeedDocumentByteForByte) {
  const FetchSummary summary = fetch_at("2023-06-19T01:47:05Z");
  EXPECT_EQ(summary.counts.articles_new, 1u);
  EXPECT_EQ(summary.feeds_failed, 0u);
  EXPECT_TRUE(summary.errors.empty()) << summary.errors.front();
  const std::string document = testing::read_file(document_of_only_article());
  EXPECT_TRUE(document.starts_with("<!--1687139225000-->\n[秦剛晤布林肯7.5小時 指中美關係處最低谷]("));
  const auto shared = testing::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared/ is absent: the byte-for-byte comparison needs the seed";
  EXPECT_EQ(document, testing::read_file(*shared / "seeds/000_1c3fe8eac2a2cc09.txt"));
}

TEST_F(FetchRunTest, ASecondRunWithNothingNewSendsConditionalRequestsAndChangesNoFile) {
  fetch_at("2023-06-19T01:47:05Z");
  const auto path = document_of_only_article();
  const auto written_at = std::filesystem::last_write_time(path);
  const auto index_written_at = std::filesystem::last_write_time(dir_.path() / "README.md");
  const std::size_t requests_before = server_.requests().size();

  const FetchSummary again = fetch_at("2023-06-19T02:47:05Z");
  EXPECT_EQ(again.counts.articles_new, 0u);
  EXPECT_EQ(again.counts.articles_updated, 0u);
  EXPECT_EQ(again.documents_written, 0u);
  EXPECT_EQ(std::filesystem::last_write_time(path), written_at);
  EXPECT_EQ(std::filesystem::last_write_time(dir_.path() / "README.md"), index_written_at);

  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), requests_before + 2);
  for (std::size_t i = requests_before; i < requests.size(); ++i) {
    EXPECT_FALSE(requests[i].header("if-none-match").empty()) << requests[i].path;
  }
}

TEST_F(FetchRunTest, AChangedArticleBecomesANewRevisionAndRewritesItsDocument) {
  fetch_at("2023-06-19T01:47:05Z");
  const auto path = document_of_only_article();
  const std::string before = testing::read_file(path);

  // DW corrects its article: one word of the body changes.
  const auto at = article_body_->find("（綜合報導）");
  ASSERT_NE(at, std::string::npos);
  article_body_->replace(at, std::string("（綜合報導）").size(), "（綜合報導，更新）");

  const FetchSummary summary = fetch_at("2023-06-19T03:00:00Z");
  EXPECT_EQ(summary.counts.articles_updated, 1u);
  const std::string after = testing::read_file(path);
  EXPECT_NE(after, before);
  EXPECT_NE(after.find("（綜合報導，更新）"), std::string::npos);
  EXPECT_TRUE(after.starts_with("<!--1687143600000-->"));  // archived at the run that saw the edit

  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  auto revisions = archive_->store().revisions(articles->front().id);
  ASSERT_TRUE(revisions.has_value());
  EXPECT_EQ(revisions->size(), 2u);
}

// The body of the only article as the store keeps it.
std::string stored_body(store::Store& store) {
  auto articles = store.articles(std::nullopt);
  EXPECT_TRUE(articles.has_value() && articles->size() == 1u);
  if (!articles || articles->size() != 1u) return {};
  auto revisions = store.revisions(articles->front().id);
  EXPECT_TRUE(revisions.has_value());
  auto article = article_from_json(revisions->back().revision.content);
  EXPECT_TRUE(article.has_value());
  return article ? article->body_html : std::string();
}

TEST_F(FetchRunTest, FeedContentIsCleanedBeforeItIsStored) {
  server_.set(kFeedPath, {404, {}, "", {}});  // only the hostile feed's article is archived
  server_.set("/hostile.xml",
              {200, {{"Content-Type", "application/rss+xml"}}, R"rss(<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title><link>https://news.example/</link><description>d</description>
<item><title>a</title><link>https://news.example/2023/a.html</link><guid>a</guid>
<description><![CDATA[<p onclick="x()">Text<script>alert(1)</script>
<a href="jav&#x09;ascript:alert(1)">bad</a> <a href="../about.html">rel</a></p>
<iframe src="https://evil.example/"></iframe><iframe src="https://www.youtube.com/embed/v"></iframe>
<svg><script>alert(2)</script></svg><form action="/x"><input value="y">kept</form>]]></description>
</item></channel></rss>)rss",
               {}});
  ASSERT_TRUE(archive_->store().add_feed("hostile", server_.url("/hostile.xml"), "").has_value());
  const FetchSummary summary = fetch_at("2023-06-19T01:47:05Z");
  EXPECT_EQ(summary.counts.articles_new, 1u);
  EXPECT_EQ(stored_body(archive_->store()),
            "<p>Text <a>bad</a> <a href=\"https://news.example/about.html\">rel</a></p>"
            "<iframe src=\"https://www.youtube.com/embed/v\"></iframe> kept");
}

// Regression: an entry's javascript: link became the article's address,
// and so the target of the document's header, the feeds out's source links
// and the site's "source" link.
TEST_F(FetchRunTest, AnEntryLinkThatIsNoWebAddressLeavesTheArticleWithoutOne) {
  server_.set(kFeedPath, {404, {}, "", {}});  // only the hostile feed's articles are archived
  server_.set("/hostile.xml", {200, {{"Content-Type", "application/rss+xml"}}, R"rss(<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title><link>https://news.example/</link><description>d</description>
<item><title>js</title><link>javascript:alert(document.cookie)</link><guid>js</guid>
<description>one</description></item>
<item><title>data</title><link>data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==</link><guid>data</guid>
<description>two</description></item>
<item><title>vb</title><link>VBScript:MsgBox(1)</link><guid>vb</guid><description>three</description></item>
<item><title>ok</title><link>https://news.example/ok</link><guid>ok</guid><description>four</description></item>
</channel></rss>)rss", {}});
  ASSERT_TRUE(archive_->store().add_feed("hostile", server_.url("/hostile.xml"), "").has_value());
  const FetchSummary summary = fetch_at("2023-06-19T01:47:05Z");
  EXPECT_EQ(summary.counts.articles_new, 4u);
  PublishRequest request;
  request.now = *parse_date("2023-06-19T01:48:00Z");
  request.write_site = true;
  ASSERT_TRUE(run_publish(*archive_, request).has_value());

  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  ASSERT_EQ(articles->size(), 4u);
  for (const store::ArticleSummary& article : *articles) {
    EXPECT_EQ(article.url, article.title == "ok" ? "https://news.example/ok" : "") << article.title;
  }
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || path.find("/.git/") != std::string::npos ||
        path.find("/.newsvault/") != std::string::npos) {
      continue;
    }
    ++files;
    const std::string bytes = lower_ascii(testing::read_file(entry.path()));
    for (const char* scheme : {"javascript:", "data:text", "vbscript:"}) {
      EXPECT_EQ(bytes.find(scheme), std::string::npos) << path << " holds " << scheme;
    }
  }
  EXPECT_GT(files, 10u);  // documents, indexes, feeds out and the site were all looked at
}

TEST_F(FetchRunTest, AdapterArticlesAreCleanedBeforeTheyAreStored) {
  *article_body_ = R"({"id": 65955570, "name": "t", "canonicalUrl": "https://www.dw.com/zh/t/a-65955570",
    "displayDate": "2023-06-19T01:41:50.777Z",
    "text": "<p>a<img src=x onerror=alert(1)><object data=\"x.swf\"></object></p><p style=\"x\">b</p>"})";
  fetch_at("2023-06-19T01:47:05Z");
  EXPECT_EQ(stored_body(archive_->store()), "<p>a</p><p>b</p>");
}

TEST_F(FetchRunTest, AFailingFeedDoesNotStopTheOthersAndIsRecorded) {
  ASSERT_TRUE(archive_->store().add_feed("broken", server_.url("/missing.xml"), "").has_value());
  const FetchSummary summary = fetch_at("2023-06-19T01:47:05Z");
  EXPECT_EQ(summary.counts.articles_new, 1u);
  EXPECT_EQ(summary.feeds_failed, 1u);
  ASSERT_EQ(summary.errors.size(), 1u);
  EXPECT_NE(summary.errors[0].find("broken: GET"), std::string::npos) << summary.errors[0];
  EXPECT_NE(summary.errors[0].find("404"), std::string::npos);
  auto broken = archive_->store().feed_by_name("broken");
  ASSERT_TRUE(broken.has_value() && broken->has_value());
  EXPECT_NE((*broken)->last_error.find("404"), std::string::npos);
}

TEST_F(FetchRunTest, AnAdapterApiErrorIsTheFeedsErrorAndLosesNothing) {
  fetch_at("2023-06-19T01:47:05Z");
  server_.set(kArticlePath, {500, {}, "oops", {}});
  feed_body_->append(" ");  // the feed changed, so its articles are asked for again
  const FetchSummary summary = fetch_at("2023-06-19T02:00:00Z");
  EXPECT_EQ(summary.feeds_failed, 1u);
  EXPECT_TRUE(std::filesystem::exists(document_of_only_article()));
  auto feed = archive_->store().feed_by_name("dw-chinese");
  ASSERT_TRUE(feed.has_value() && feed->has_value());
  EXPECT_NE((*feed)->last_error.find("500"), std::string::npos) << (*feed)->last_error;
}

TEST_F(FetchRunTest, DocumentsSavedButNotWrittenAreWrittenByTheNextRun) {
  fetch_at("2023-06-19T01:47:05Z");
  const auto path = document_of_only_article();
  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  auto revisions = archive_->store().revisions(articles->front().id);
  ASSERT_TRUE(revisions.has_value());

  // As if a run had been killed after saving a new revision and before
  // writing its document: the revision is in the store, the file is old.
  auto edited = article_from_json(revisions->back().revision.content);
  ASSERT_TRUE(edited.has_value());
  // Saved before bodies were cleaned: the style goes on the way out.
  edited->body_html += "<p style=\"color:red\">saved, never written</p>";
  store::ArticleRevision revision = revisions->back().revision;
  revision.content = article_to_json(*edited);
  auto feed = archive_->store().feed_by_name("dw-chinese");
  ASSERT_TRUE(feed.has_value() && feed->has_value());
  auto saved = archive_->store().save_revision((*feed)->id, revision, *parse_date("2023-06-19T01:50:00Z"));
  ASSERT_TRUE(saved.has_value());
  ASSERT_EQ(saved->change, store::Change::kUpdated);
  std::filesystem::remove(path);

  fetch_at("2023-06-19T02:00:00Z");
  ASSERT_TRUE(std::filesystem::exists(path));
  const std::string document = testing::read_file(path);
  EXPECT_TRUE(document.starts_with("<!--1687139400000-->"));  // archived when it was saved
  EXPECT_NE(document.find("<p>saved, never written</p>"), std::string::npos);
}

TEST_F(FetchRunTest, AFeedConfiguredToConvertAlsoGetsASimplifiedCopyAndKeepsItsOriginal) {
  testing::write_file(dir_.path() / kConfigFileName,
                      "[adapters.dw]\narticle_api = \"" + server_.url("/api/detail/article/{id}") +
                          "\"\n[feeds.dw-chinese]\nconvert = [\"t2s\"]\n");
  auto reopened = Archive::open(dir_.path());
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message();
  archive_ = std::move(*reopened);
  const FetchSummary summary = fetch_at("2023-06-19T01:47:05Z");
  EXPECT_TRUE(summary.errors.empty()) << summary.errors.front();

  const std::string original = testing::read_file(document_of_only_article());
  EXPECT_TRUE(original.starts_with("<!--1687139225000-->\n[秦剛晤布林肯7.5小時 指中美關係處最低谷]("));
  const auto copy = dir_.path() / "dw-chinese/zh-Hans/2023/06/19-65955570.md";
  ASSERT_TRUE(std::filesystem::exists(copy));
  const std::string converted = testing::read_file(copy);
  EXPECT_TRUE(converted.starts_with("<!--1687139225000-->\n[秦刚晤布林肯7.5小时 指中美关系处最低谷]("));
  // The same document but for the text: addresses and markup untouched.
  const auto link_end = original.find(")\n------");
  ASSERT_NE(link_end, std::string::npos);
  EXPECT_NE(converted.find(original.substr(original.find("]("), link_end - original.find("]("))),
            std::string::npos);
  EXPECT_EQ(converted.find("關係"), std::string::npos);
  auto images = [](const std::string& document) {
    std::size_t count = 0;
    for (auto at = document.find("<img src=\"https://images.weserv.nl/"); at != std::string::npos;
         at = document.find("<img src=\"https://images.weserv.nl/", at + 1)) {
      ++count;
    }
    return count;
  };
  EXPECT_GT(images(original), 0u);
  EXPECT_EQ(images(converted), images(original));
}

// A plain RSS feed listing the items given as (guid, pubDate).
// Items linking pages under `base` (the test server's, so that a re-check
// of a delisted article stays on 127.0.0.1).
std::string rss_feed(const std::string& base,
                     const std::vector<std::pair<std::string, std::string>>& items) {
  std::string feed = "<rss version=\"2.0\"><channel><title>Plain</title><link>" + base + "</link>";
  for (const auto& [guid, date] : items) {
    feed += "<item><title>Story " + guid + "</title><link>" + base + guid +
            "</link><guid>" + guid + "</guid><pubDate>" + date +
            "</pubDate><description>Text of " + guid + "</description></item>";
  }
  return feed + "</channel></rss>";
}

TEST_F(FetchRunTest, AnArticleTakenOutOfTheMiddleOfItsFeedIsRecordedAsDelisted) {
  for (const char* page : {"/a", "/b", "/c"}) server_.set(page, {200, {}, "<p>still here</p>", {}});
  auto plain = std::make_shared<std::string>(rss_feed(server_.url("/"), {{"a", "Mon, 19 Jun 2023 01:00:00 GMT"},
                                                       {"b", "Mon, 19 Jun 2023 02:00:00 GMT"},
                                                       {"c", "Mon, 19 Jun 2023 03:00:00 GMT"}}));
  server_.set_handler("/plain.xml", conditional_handler(plain, "application/rss+xml"));
  ASSERT_TRUE(archive_->store().add_feed("plain", server_.url("/plain.xml"), "").has_value());
  EXPECT_EQ(fetch_at("2023-06-19T04:00:00Z").articles_delisted, 0u);

  *plain = rss_feed(server_.url("/"), {{"a", "Mon, 19 Jun 2023 01:00:00 GMT"}, {"c", "Mon, 19 Jun 2023 03:00:00 GMT"}});
  EXPECT_EQ(fetch_at("2023-06-19T05:00:00Z").articles_delisted, 1u);
  auto feed = archive_->store().feed_by_name("plain");
  ASSERT_TRUE(feed.has_value() && feed->has_value());
  auto articles = archive_->store().articles((*feed)->id);
  ASSERT_TRUE(articles.has_value());
  ASSERT_EQ(articles->size(), 3u);
  for (const store::ArticleSummary& article : *articles) {
    if (article.key == "b") {
      EXPECT_EQ(article.delisted_at, parse_date("2023-06-19T05:00:00Z"));
      // Asked at its address at once: still there, so not removed.
      EXPECT_EQ(article.removed_at, std::nullopt);
      EXPECT_EQ(server_.request_count("/b"), 1u);
    } else {
      EXPECT_EQ(article.delisted_at, std::nullopt) << article.key;
    }
  }
}

// A re-read feed's entries that are as archived are not made again; any
// change to what an article is made from (here only an enclosure, which
// the entry hash does not cover) still makes a revision, and --force makes
// every article again.
TEST_F(FetchRunTest, AnEntryAsArchivedIsUnchangedAndAnyEditOfItIsARevision) {
  server_.set(kFeedPath, {404, {}, "", {}});  // only the plain feed's articles are archived
  auto item = [](const std::string& guid, const std::string& image) {
    return "<item><title>Story " + guid + "</title><link>https://news.example/" + guid + "</link><guid>" +
           guid + "</guid><pubDate>Mon, 19 Jun 2023 0" + guid.substr(1) +
           ":00:00 GMT</pubDate><description>Text of " + guid + "</description>" +
           "<enclosure url=\"https://news.example/" + image + "\" type=\"image/jpeg\" length=\"1\"/></item>";
  };
  auto feed = [](const std::string& items) {
    return "<rss version=\"2.0\"><channel><title>Plain</title><link>https://news.example/</link>" + items +
           "</channel></rss>";
  };
  auto plain = std::make_shared<std::string>(feed(item("a1", "one.jpg") + item("a2", "two.jpg")));
  server_.set_handler("/plain.xml", conditional_handler(plain, "application/rss+xml"));
  ASSERT_TRUE(archive_->store().add_feed("plain", server_.url("/plain.xml"), "").has_value());
  EXPECT_EQ(fetch_at("2023-06-19T04:00:00Z").counts.articles_new, 2u);

  *plain = feed(item("a3", "three.jpg") + item("a1", "one.jpg") + item("a2", "other.jpg"));
  const FetchSummary second = fetch_at("2023-06-19T05:00:00Z");
  EXPECT_EQ(second.counts.articles_new, 1u);
  EXPECT_EQ(second.counts.articles_updated, 1u);
  EXPECT_EQ(second.counts.articles_unchanged, 1u);
  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  ASSERT_EQ(articles->size(), 3u);
  for (const store::ArticleSummary& article : *articles) {
    EXPECT_EQ(article.revisions, article.key == "a2" ? 2 : 1) << article.key;
    if (article.key != "a2") continue;
    auto revisions = archive_->store().revisions(article.id);
    ASSERT_TRUE(revisions.has_value());
    EXPECT_NE(revisions->back().revision.content.find("https://news.example/other.jpg"), std::string::npos);
  }

  FetchOptions force;
  force.force = true;
  auto forced = run_fetch(*archive_, *client_, *parse_date("2023-06-19T06:00:00Z"), force, nullptr);
  ASSERT_TRUE(forced.has_value()) << forced.error().message();
  EXPECT_EQ(forced->counts.articles_unchanged, 3u);
  EXPECT_EQ(forced->counts.articles_new + forced->counts.articles_updated, 0u);
}

}  // namespace
}  // namespace newsvault::pipeline
