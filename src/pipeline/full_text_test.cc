// Full text from the entries' pages ([feeds.NAME] full_text): when an entry
// is a teaser, and a feed of teasers archived from pages served on 127.0.0.1.
#include "pipeline/full_text.h"

#include <gtest/gtest.h>

#include <memory>

#include "pipeline/article_record.h"
#include "pipeline/pipeline.h"
#include "support/conditional_handler.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using testing::conditional_handler;
using testing::HttpTestServer;

std::string words(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += "word" + std::to_string(i) + " ";
  return text;
}

std::string han(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += "中";
  return text;
}

TEST(TextMeasureTest, CountsWordsOutsideTagsAndSkipsScripts) {
  const TextMeasure measure = measure_text(
      "<p>Water levels <b>rose</b>&nbsp;again.</p><script>var a = 'many words here';</script>"
      "<!-- a comment with words --><p title=\"not > text\">Don't panic</p>");
  EXPECT_EQ(measure.words, 6u);
  EXPECT_EQ(measure.cjk_characters, 0u);
  EXPECT_FALSE(measure.ends_with_ellipsis);
  EXPECT_FALSE(measure.ends_with_read_more);
}

TEST(TextMeasureTest, CountsChineseAndJapaneseByCharactersNotBySpaces) {
  const TextMeasure measure = measure_text("<p>秦剛晤布林肯，指中美關係處最低谷。ひらがな</p>");
  EXPECT_EQ(measure.cjk_characters, 19u);
  EXPECT_EQ(measure.words, 0u);
  EXPECT_DOUBLE_EQ(measure.size(), 9.5);
}

TEST(TextMeasureTest, SeesAnEllipsisOrAReadMoreLinkAtTheEnd) {
  EXPECT_TRUE(
      measure_text("<p>The minister said that the talks [&hellip;]</p>").ends_with_ellipsis);
  EXPECT_TRUE(measure_text("The minister said that the talks...").ends_with_ellipsis);
  EXPECT_TRUE(
      measure_text("<p>Talks resumed. <a href=\"/x\">Continue reading <span>Talks</span></a></p>")
          .ends_with_read_more);
  EXPECT_TRUE(
      measure_text("<p>會談持續七個半小時。<a href=\"/x\">閱讀全文</a></p>").ends_with_read_more);
  // A link in the middle of the text is the article's own.
  EXPECT_FALSE(measure_text("<p><a href=\"/x\">Read more</a> about the talks, which went on.</p>")
                   .ends_with_read_more);
}

TEST(WantsPageTest, AutoFetchesTheTeaserAndLeavesTheArticleAlone) {
  const std::string link = "https://news.example/a";
  EXPECT_TRUE(wants_page(FullText::kAuto, link, measure_text("<p>" + words(40) + "</p>")));
  EXPECT_FALSE(wants_page(FullText::kAuto, link, measure_text("<p>" + words(400) + "</p>")));
  // Long enough, but cut short by its feed.
  EXPECT_TRUE(wants_page(FullText::kAuto, link, measure_text("<p>" + words(400) + "…</p>")));
  EXPECT_FALSE(wants_page(FullText::kAuto, link, measure_text("<p>" + words(1500) + "…</p>")));
  EXPECT_TRUE(wants_page(FullText::kAuto, link, measure_text("")));
}

TEST(WantsPageTest, ChineseTextIsMeasuredByCharacters) {
  const std::string link = "https://news.example/a";
  // 200 characters is a summary, though it holds no space at all ...
  EXPECT_TRUE(wants_page(FullText::kAuto, link, measure_text("<p>" + han(200) + "</p>")));
  // ... and 800 an article.
  EXPECT_FALSE(wants_page(FullText::kAuto, link, measure_text("<p>" + han(800) + "</p>")));
}

TEST(WantsPageTest, NeverAndAlwaysDecideAloneAndOnlyWebLinksAreFetched) {
  const TextMeasure teaser = measure_text("<p>Short.</p>");
  const TextMeasure article = measure_text("<p>" + words(500) + "</p>");
  EXPECT_FALSE(wants_page(FullText::kNever, "https://news.example/a", teaser));
  EXPECT_TRUE(wants_page(FullText::kAlways, "HTTPS://news.example/a", article));
  // A feed may not make newsvault read local files.
  EXPECT_FALSE(wants_page(FullText::kAlways, "file:///etc/passwd", teaser));
  EXPECT_FALSE(wants_page(FullText::kAuto, "/etc/passwd", teaser));
  EXPECT_FALSE(wants_page(FullText::kAuto, "", teaser));
}

TEST(ArticleFromPageTest, KeepsTheEntrysTitleLinkAndTimeAndTakesThePagesBody) {
  extract::Article entry;
  entry.title = "Harbour reopens";
  entry.url = "https://news.example/harbour";
  entry.published = parse_date("2023-06-19T08:00:00Z");
  entry.body_html = "<p>Teaser.</p>";
  extract::PageArticle page;
  page.article.title = "Harbour reopens | Example Gazette";
  page.article.url = "https://news.example/amp/harbour";
  page.article.published = parse_date("2023-06-19T09:00:00Z");
  page.article.body_html = "<p>Full.</p><figure><img src=\"https://img.example/h.jpg\"></figure>";
  page.article.lead_image = extract::Image{"https://img.example/h.jpg", ""};
  const extract::Article article = article_from_page(entry, page);
  EXPECT_EQ(article.title, "Harbour reopens");
  EXPECT_EQ(article.url, "https://news.example/harbour");
  EXPECT_EQ(article.published, parse_date("2023-06-19T08:00:00Z"));
  EXPECT_EQ(article.body_html, page.article.body_html);
  EXPECT_FALSE(article.lead_image.has_value());  // the body shows it already

  entry.title.clear();
  entry.published.reset();
  const extract::Article untitled = article_from_page(entry, page);
  EXPECT_EQ(untitled.title, "Harbour reopens | Example Gazette");
  EXPECT_EQ(untitled.published, parse_date("2023-06-19T09:00:00Z"));
}

// --- The fetch run ------------------------------------------------------------

// An article page as news sites make them: the story amid navigation,
// advertising, related links and comments.
std::string article_page(const std::string& story) {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>)" +
         story + R"( | Example Gazette</title></head><body>
<header class="site-header"><nav class="main-menu"><a href="/">Home</a> <a href="/world">World</a>
<a href="/sport">Sport</a> <a href="/weather">Weather</a> Menu-boilerplate</nav></header>
<div class="ad-banner sponsored">Advert-boilerplate: cheap flights to anywhere, book now</div>
<main><article class="story">
<h1>)" + story +
         R"(</h1>
<p>The harbour at )" +
         story + R"( reopened to shipping on Monday morning, three days after the storm
drove two cargo vessels onto the breakwater and closed the channel to all traffic.</p>
<p>Port officials said divers had inspected the channel overnight and found it clear of debris,
although a speed limit of five knots would remain in force until the damaged buoys are replaced.</p>
<p>Fishermen, who lost most of a week's work, welcomed the decision, but said the compensation
offered by the council would not cover the cost of the repairs to their boats and nets.</p>
<p>The council will meet on Thursday to decide whether the breakwater, built in 1911 and repaired
twice since, should be rebuilt, a project engineers have estimated at forty million euros.</p>
</article>
<aside class="related-stories"><h2>Related</h2><ul><li><a href="/a">Related-boilerplate one</a></li>
<li><a href="/b">Related-boilerplate two</a></li></ul></aside>
<section id="comments" class="comments"><h3>42 comments</h3>
<div class="comment">Comment-boilerplate: this is the third storm this year and nobody does anything.</div>
</section></main>
<footer class="site-footer">Footer-boilerplate: copyright Example Gazette, all rights reserved</footer>
</body></html>)";
}

class FullTextRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* story : {"Harbourtown", "Rivermouth"}) {
      pages_[story] = std::make_shared<std::string>(article_page(story));
      server_.set_handler(page_path(story),
                          conditional_handler(pages_[story], "text/html; charset=utf-8"));
    }
    feed_ = std::make_shared<std::string>(teaser_feed());
    server_.set_handler("/feed.xml", conditional_handler(feed_, "application/rss+xml"));
    ASSERT_TRUE(Archive::init(dir_.path()).has_value());
  }

  static std::string page_path(const std::string& story) { return "/news/" + story + ".html"; }

  // Two entries, each a sentence of its story and a link to the page.
  std::string teaser_feed() const {
    std::string feed = "<rss version=\"2.0\"><channel><title>Gazette</title><link>" +
                       server_.url("/") + "</link><description>d</description>";
    for (const char* story : {"Harbourtown", "Rivermouth"}) {
      feed +=
          std::string("<item><title>") + story + " harbour reopens</title><link>" +
          server_.url(page_path(story)) + "?utm_source=rss</link><guid>" + story +
          "</guid><pubDate>Mon, 19 Jun 2023 08:00:00 GMT</pubDate><description>The harbour at " +
          story + " reopened to shipping on Monday&#8230;</description></item>";
    }
    return feed + "</channel></rss>";
  }

  // Opens the archive with `feed_settings` under [feeds.gazette], the feed added.
  void open_with(const std::string& feed_settings) {
    testing::write_file(
        dir_.path() / kConfigFileName,
        "[fetch]\nretry_base_delay_ms = 1\nmax_attempts = 1\n[feeds.gazette]\n" + feed_settings);
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
    if (!archive_->store().feed_by_name("gazette").value_or(std::nullopt)) {
      ASSERT_TRUE(archive_->store().add_feed("gazette", server_.url("/feed.xml"), "").has_value());
    }
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  FetchSummary fetch_at(const char* now) {
    auto summary = run_fetch(*archive_, *client_, *parse_date(now), nullptr);
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    return summary ? *summary : FetchSummary{};
  }

  // The document of the article keyed `key`.
  std::string document(const std::string& key) {
    auto articles = archive_->store().articles(std::nullopt);
    EXPECT_TRUE(articles.has_value());
    for (const store::ArticleSummary& article : *articles) {
      if (article.key == key) return testing::read_file(dir_.path() / article.document_path);
    }
    ADD_FAILURE() << "no article " << key;
    return {};
  }

  int revisions(const std::string& key) {
    auto articles = archive_->store().articles(std::nullopt);
    EXPECT_TRUE(articles.has_value());
    for (const store::ArticleSummary& article : *articles) {
      if (article.key == key) return article.revisions;
    }
    return 0;
  }

  std::size_t page_requests() const {
    return server_.request_count(page_path("Harbourtown")) +
           server_.request_count(page_path("Rivermouth"));
  }

  HttpTestServer server_;
  testing::TempDir dir_;
  std::map<std::string, std::shared_ptr<std::string>> pages_;
  std::shared_ptr<std::string> feed_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

void expect_whole_article_without_boilerplate(const std::string& document) {
  EXPECT_NE(document.find("three days after the storm"), std::string::npos) << document;
  EXPECT_NE(document.find("divers had inspected the channel"), std::string::npos);
  EXPECT_NE(document.find("compensation"), std::string::npos);
  EXPECT_NE(document.find("forty million euros"), std::string::npos);
  for (const char* boilerplate : {"Menu-boilerplate", "Advert-boilerplate", "Related-boilerplate",
                                  "Comment-boilerplate", "Footer-boilerplate", "Example Gazette"}) {
    EXPECT_EQ(document.find(boilerplate), std::string::npos) << boilerplate << " in\n" << document;
  }
}

TEST_F(FullTextRunTest, TeaserEntriesAreArchivedWithTheWholeArticleFromTheirPages) {
  open_with("");  // auto, the default
  const FetchSummary summary = fetch_at("2023-06-19T09:00:00Z");
  EXPECT_TRUE(summary.errors.empty()) << summary.errors.front();
  EXPECT_EQ(summary.counts.articles_new, 2u);
  for (const char* story : {"Harbourtown", "Rivermouth"}) {
    const std::string text = document(story);
    expect_whole_article_without_boilerplate(text);
    // The feed's title and link, without the campaign.
    EXPECT_NE(text.find(std::string("[") + story + " harbour reopens](" +
                        server_.url(page_path(story)) + ")"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("utm_source"), std::string::npos);
  }
  // Asked without tracking parameters.
  for (const auto& request : server_.requests())
    EXPECT_TRUE(request.query.empty()) << request.target;
}

TEST_F(FullTextRunTest, NeverKeepsTheTeaserAndRequestsNoPage) {
  open_with("full_text = \"never\"\n");
  fetch_at("2023-06-19T09:00:00Z");
  EXPECT_EQ(page_requests(), 0u);
  const std::string text = document("Harbourtown");
  EXPECT_NE(text.find("reopened to shipping on Monday…"), std::string::npos) << text;
  EXPECT_EQ(text.find("divers had inspected"), std::string::npos);
}

TEST_F(FullTextRunTest, AutoLeavesAFeedWithWholeArticlesAloneAndRequestsNoPage) {
  std::string paragraphs;
  for (int i = 0; i < 4; ++i) paragraphs += "&lt;p&gt;" + words(60) + "&lt;/p&gt;";
  std::string feed = *feed_;
  for (std::size_t at = feed.find("The harbour at"); at != std::string::npos;
       at = feed.find("The harbour at", at)) {
    feed.replace(at, feed.find("</description>", at) - at, paragraphs);
  }
  *feed_ = feed;
  open_with("full_text = \"auto\"\n");
  const FetchSummary summary = fetch_at("2023-06-19T09:00:00Z");
  EXPECT_EQ(summary.counts.articles_new, 2u);
  EXPECT_EQ(page_requests(), 0u);
  EXPECT_NE(document("Rivermouth").find("word59"), std::string::npos);
}

TEST_F(FullTextRunTest, AlwaysFetchesThePageOfAnEntryWithWholeContent) {
  std::string feed = *feed_;
  const std::string long_text = words(400);
  for (std::size_t at = feed.find("The harbour at"); at != std::string::npos;
       at = feed.find("The harbour at", at)) {
    feed.replace(at, feed.find("</description>", at) - at, long_text);
  }
  *feed_ = feed;
  open_with("full_text = \"always\"\n");
  fetch_at("2023-06-19T09:00:00Z");
  EXPECT_EQ(page_requests(), 2u);
  expect_whole_article_without_boilerplate(document("Harbourtown"));
}

TEST_F(FullTextRunTest, AFailingPageLeavesTheTeaserReportsItAndTheNextRunArchivesTheArticle) {
  open_with("");
  server_.set(page_path("Harbourtown"), {500, {}, "down", {}});
  server_.set(page_path("Rivermouth"), {404, {}, "gone", {}});
  const FetchSummary failed = fetch_at("2023-06-19T09:00:00Z");
  EXPECT_EQ(failed.counts.articles_new, 2u);
  EXPECT_EQ(failed.feeds_failed, 1u);
  ASSERT_EQ(failed.errors.size(), 2u);
  EXPECT_NE(
      failed.errors[0].find("gazette: GET " + server_.url(page_path("Harbourtown")) + ": HTTP 500"),
      std::string::npos)
      << failed.errors[0];
  auto feed = archive_->store().feed_by_name("gazette");
  ASSERT_TRUE(feed.has_value() && feed->has_value());
  EXPECT_NE((*feed)->last_error.find("2 article(s) failed"), std::string::npos)
      << (*feed)->last_error;
  EXPECT_NE(document("Harbourtown").find("reopened to shipping on Monday…"), std::string::npos);

  // The pages work again; the feed is as it was.
  for (const char* story : {"Harbourtown", "Rivermouth"}) {
    server_.set_handler(page_path(story), conditional_handler(pages_[story], "text/html"));
  }
  feed_->append(" ");  // the feed changed, so its entries are read again
  const FetchSummary fixed = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_TRUE(fixed.errors.empty()) << fixed.errors.front();
  EXPECT_EQ(fixed.counts.articles_updated, 2u);
  EXPECT_EQ(revisions("Harbourtown"), 2);
  expect_whole_article_without_boilerplate(document("Harbourtown"));
  feed = archive_->store().feed_by_name("gazette");
  EXPECT_EQ((*feed)->last_error, "");
}

TEST_F(FullTextRunTest, APageFailingAfterItWasArchivedKeepsTheArchivedArticle) {
  open_with("");
  fetch_at("2023-06-19T09:00:00Z");
  server_.set(page_path("Harbourtown"), {503, {}, "busy", {}});
  feed_->append(" ");
  const FetchSummary failed = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.counts.articles_updated, 0u);
  EXPECT_EQ(revisions("Harbourtown"), 1);
  expect_whole_article_without_boilerplate(document("Harbourtown"));
}

TEST_F(FullTextRunTest, PagesAnsweringNotModifiedChangeNothing) {
  open_with("");
  fetch_at("2023-06-19T09:00:00Z");
  const std::string before = document("Harbourtown");
  const std::size_t requests_before = server_.requests().size();

  feed_->append(" ");  // the feed changed: its teasers' pages are asked again
  const FetchSummary again = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_TRUE(again.errors.empty()) << again.errors.front();
  EXPECT_EQ(again.counts.articles_new, 0u);
  EXPECT_EQ(again.counts.articles_updated, 0u);
  EXPECT_EQ(again.documents_written, 0u);
  EXPECT_EQ(document("Harbourtown"), before);
  EXPECT_EQ(revisions("Harbourtown"), 1);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), requests_before + 3);  // the feed and two pages
  for (std::size_t i = requests_before; i < requests.size(); ++i) {
    EXPECT_FALSE(requests[i].header("if-none-match").empty()) << requests[i].path;
  }
}

TEST_F(FullTextRunTest, WithAlwaysAnUnchangedFeedStillHasItsPagesCheckedForEdits) {
  open_with("full_text = \"always\"\n");
  fetch_at("2023-06-19T09:00:00Z");
  // The site corrects one story; the feed stays as it was (304).
  auto& page = *pages_["Rivermouth"];
  page.replace(page.find("forty million"), 13, "fifty million");
  const FetchSummary summary = fetch_at("2023-06-19T10:00:00Z");
  EXPECT_EQ(summary.counts.articles_updated, 1u);
  EXPECT_NE(document("Rivermouth").find("fifty million euros"), std::string::npos);
  EXPECT_EQ(revisions("Harbourtown"), 1);
}

TEST_F(FullTextRunTest, AFeedWithAnAdapterNeverFetchesPages) {
  open_with("full_text = \"always\"\n");
  ASSERT_TRUE(archive_->store().add_feed("adapted", server_.url("/feed.xml"), "dw").has_value());
  testing::write_file(dir_.path() / kConfigFileName,
                      "[feeds.adapted]\nfull_text = \"always\"\n"
                      "[feeds.gazette]\nfull_text = \"never\"\n");
  auto archive = Archive::open(dir_.path());
  ASSERT_TRUE(archive.has_value());
  archive_ = std::move(*archive);
  // The entries carry no DW id: the adapter's feed archives them as they are.
  const FetchSummary summary = fetch_at("2023-06-19T09:00:00Z");
  EXPECT_EQ(summary.counts.articles_new, 4u);
  EXPECT_EQ(page_requests(), 0u);
}

}  // namespace
}  // namespace newsvault::pipeline
