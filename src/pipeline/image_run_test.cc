// The images of archived articles, fetched from a server on 127.0.0.1 whose
// pictures change between runs: kept once by their hash, refused when they
// are not images, never holding a run beyond its budget.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "media/media.h"
#include "pipeline/pipeline.h"
#include "support/http_test_server.h"
#include "support/test_images.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using testing::HttpTestServer;
using Severity = CheckProblem::Severity;

class ImageRunTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Archive::init(dir_.path()).has_value()); }

  // The feed lists one item per body given, each its own article.
  void serve_feed(const std::vector<std::string>& bodies) {
    std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pictures</title>"
                       "<link>" + server_.url("/") + "</link>";
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      const std::string n = std::to_string(i);
      feed += "<item><title>Story " + n + "</title><link>" + server_.url("/story/" + n) + "</link><guid>story-" + n +
              "</guid><pubDate>Mon, 19 Jun 2023 0" + n + ":00:00 GMT</pubDate><description><![CDATA[<p>Text " + n +
              ".</p>" + bodies[i] + "]]></description></item>";
    }
    feed += "</channel></rss>";
    server_.set("/feed.xml", {.headers = {{"Content-Type", "application/rss+xml"}}, .body = feed});
  }

  std::string img(const std::string& path) { return "<img src=\"" + server_.url(path) + "\" alt=\"a picture\">"; }

  void open(const std::string& settings = "", const std::string& feed_settings = "") {
    testing::write_file(dir_.path() / kConfigFileName, "[feeds.pics]\nfull_text = \"never\"\n" + feed_settings +
                                                           "[publish.git]\nenabled = false\n" + settings);
    archive_.reset();
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
    if (archive_->store().feeds()->empty()) {
      ASSERT_TRUE(archive_->store().add_feed("pics", server_.url("/feed.xml"), "").has_value());
    }
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  FetchSummary fetch_at(const char* now) {
    auto summary = run_fetch(*archive_, *client_, *parse_date(now), nullptr);
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    return summary ? *summary : FetchSummary{};
  }

  std::map<std::string, store::ImageRecord> images() {
    std::map<std::string, store::ImageRecord> by_path;
    auto stored = archive_->store().images();
    EXPECT_TRUE(stored.has_value());
    for (store::ImageRecord& image : *stored) {
      const std::string base = server_.url("/");
      const std::string path = image.url.starts_with(base) ? image.url.substr(base.size() - 1) : image.url;
      by_path.emplace(path, std::move(image));
    }
    return by_path;
  }

  // One article showing `picture` at `path`, archived: the picture kept.
  void archive_picture(const std::string& path, const std::string& picture) {
    server_.set(path, {.headers = {{"Content-Type", "image/png"}}, .body = picture});
    serve_feed({img(path)});
    open();
    fetch_at("2023-06-19T12:00:00Z");
  }

  std::size_t requests_for(std::string_view path) {
    std::size_t count = 0;
    for (const auto& request : server_.requests()) count += request.path == path ? 1 : 0;
    return count;
  }

  std::vector<store::PendingWork> pending_images() {
    std::vector<store::PendingWork> images;
    auto pending = archive_->store().pending_work(std::nullopt);
    EXPECT_TRUE(pending.has_value());
    for (store::PendingWork& work : *pending) {
      if (work.kind == "image") images.push_back(std::move(work));
    }
    return images;
  }

  HttpTestServer server_;
  testing::TempDir dir_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

TEST_F(ImageRunTest, AnImageTwoArticlesShowIsFetchedAndStoredOnce) {
  const std::string shared = testing::make_png(4, 3, 0x336699);
  server_.set("/shared.png", {.headers = {{"Content-Type", "image/png"}}, .body = shared});
  server_.set("/own.png", {.headers = {{"Content-Type", "image/png"}}, .body = testing::make_png(2, 2, 0xff0000)});
  serve_feed({img("/shared.png") + img("/own.png"), img("/shared.png")});
  open();
  const FetchSummary summary = fetch_at("2023-06-19T12:00:00Z");
  EXPECT_EQ(summary.counts.articles_new, 2u);
  EXPECT_EQ(summary.images_kept, 2u);
  EXPECT_EQ(requests_for("/shared.png"), 1u);

  const std::string sha = store::sha256_hex(shared);
  const auto kept = images();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept.at("/shared.png").sha256, sha);
  EXPECT_EQ(kept.at("/shared.png").type, "image/png");
  EXPECT_EQ(kept.at("/shared.png").width, 4);
  EXPECT_EQ(kept.at("/shared.png").height, 3);
  EXPECT_EQ(testing::read_file(dir_.path() / media::media_path(sha, "png")), shared);
  auto usage = media::media_usage(dir_.path());
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->files, 2u);
  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  for (const store::ArticleSummary& article : *articles) {
    auto shown = archive_->store().article_images(article.id);
    ASSERT_TRUE(shown.has_value());
    EXPECT_EQ(shown->front(), server_.url("/shared.png")) << article.title;
  }
}

TEST_F(ImageRunTest, ANewPictureAtALaterRunIsKeptBesideTheOldOne) {
  std::atomic<int> version{1};
  server_.set_handler("/changing.png", [&](const HttpTestServer::RecordedRequest&) {
    return HttpTestServer::CannedResponse{.body = testing::make_png(version.load() + 1, 1, 0x00ff00)};
  });
  serve_feed({img("/changing.png")});
  open();
  fetch_at("2023-06-19T12:00:00Z");
  // The picture changes, and so does the article, under a new address.
  version = 2;
  server_.set_handler("/changing-2.png", [&](const HttpTestServer::RecordedRequest&) {
    return HttpTestServer::CannedResponse{.body = testing::make_png(version.load() + 1, 1, 0x00ff00)};
  });
  serve_feed({img("/changing-2.png")});
  fetch_at("2023-06-19T13:00:00Z");
  const auto kept = images();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept.at("/changing.png").width, 2);
  EXPECT_EQ(kept.at("/changing-2.png").width, 3);
  EXPECT_NE(kept.at("/changing.png").sha256, kept.at("/changing-2.png").sha256);
  EXPECT_EQ(media::media_usage(dir_.path())->files, 2u);
  // A kept image is not fetched again.
  EXPECT_EQ(requests_for("/changing.png"), 1u);
}

TEST_F(ImageRunTest, WhatIsNoImageIsRefusedWithItsReasonAndNothingElseSuffers) {
  server_.set("/photo.jpg", {.headers = {{"Content-Type", "image/jpeg"}},
                             .body = "<!DOCTYPE html><html><body>Not found</body></html>"});
  server_.set("/logo.svg", {.headers = {{"Content-Type", "image/svg+xml"}},
                            .body = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"});
  const std::string whole = testing::make_png(8, 8, 0x123456);
  server_.set("/cut.png", {.headers = {{"Content-Type", "image/png"}}, .body = whole.substr(0, whole.size() - 20)});
  // Content-Length says less than the image: what arrives is cut short.
  server_.set("/lying.png", {.headers = {{"Content-Type", "image/png"}, {"Content-Length", "40"}}, .body = whole});
  server_.set("/huge.png", {.headers = {{"Content-Type", "image/png"}}, .body = whole + std::string(4096, 'x')});
  server_.set("/wide.png", {.headers = {{"Content-Type", "image/png"}}, .body = testing::make_png(100, 1, 0)});
  server_.set("/gone.png", {.status = 404, .body = "no"});
  server_.set("/fine.png", {.body = whole});
  serve_feed({img("/photo.jpg") + img("/logo.svg") + img("/cut.png") + img("/lying.png"),
              img("/huge.png") + img("/wide.png") + img("/gone.png") + img("/fine.png")});
  open("[images]\nmax_bytes = 2048\nmax_pixels = 99\n");
  const FetchSummary summary = fetch_at("2023-06-19T12:00:00Z");
  EXPECT_EQ(summary.counts.articles_new, 2u);
  EXPECT_TRUE(summary.errors.empty()) << summary.errors.front();
  EXPECT_EQ(summary.images_refused, 7u);
  EXPECT_EQ(summary.images_kept, 1u);
  const auto found = images();
  EXPECT_EQ(found.at("/photo.jpg").refusal, "HTML served as an image");
  EXPECT_EQ(found.at("/logo.svg").refusal, "SVG, which is not kept (it can carry script)");
  EXPECT_EQ(found.at("/cut.png").refusal, "truncated PNG (no IEND chunk)");
  EXPECT_EQ(found.at("/lying.png").refusal, "truncated PNG (no IEND chunk)");
  EXPECT_EQ(found.at("/huge.png").refusal, "larger than 2048 bytes");
  EXPECT_EQ(found.at("/wide.png").refusal, "100 x 1 pixels, over the limit of 99");
  EXPECT_EQ(found.at("/gone.png").refusal, "HTTP 404");
  EXPECT_TRUE(found.at("/fine.png").refusal.empty());
  for (const auto& [path, image] : found) {
    if (path != "/fine.png") EXPECT_TRUE(image.sha256.empty()) << path;
  }
  EXPECT_EQ(media::media_usage(dir_.path())->files, 1u);
  EXPECT_TRUE(pending_images().empty());
}

TEST_F(ImageRunTest, AHostThatNeverAnswersIsCutAtTheBudgetAndALaterRunKeepsTheImage) {
  std::atomic<bool> answering{false};
  const std::string picture = testing::make_png(5, 5, 0xabcdef);
  server_.set_handler("/slow.png", [&](const HttpTestServer::RecordedRequest&) {
    if (answering) return HttpTestServer::CannedResponse{.body = picture};
    // Headers never come: only the budget ends the wait.
    return HttpTestServer::CannedResponse{.raw = [](HttpTestServer::RawConnection& connection) {
      while (connection.pause(std::chrono::milliseconds(50))) {
      }
    }};
  });
  server_.set("/quick.png", {.body = testing::make_png(1, 1, 0)});
  serve_feed({img("/slow.png") + img("/quick.png")});
  open("[images]\nbudget_seconds = 1\n");
  const FetchSummary first = fetch_at("2023-06-19T12:00:00Z");
  EXPECT_EQ(first.counts.articles_new, 1u);
  EXPECT_TRUE(first.errors.empty()) << first.errors.front();
  EXPECT_EQ(first.images_kept, 1u);
  EXPECT_EQ(first.images_failed, 1u);
  auto pending = pending_images();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].url, server_.url("/slow.png"));
  EXPECT_NE(pending[0].last_error.find("abandoned: its time limit passed"), std::string::npos) << pending[0].last_error;
  // The feed itself is fine: an image waiting is not its failure.
  EXPECT_EQ(archive_->store().feeds()->front().last_error, "");

  answering = true;
  const FetchSummary second = fetch_at("2023-06-19T12:30:00Z");
  EXPECT_EQ(second.images_kept, 1u);
  EXPECT_TRUE(pending_images().empty());
  EXPECT_EQ(images().at("/slow.png").sha256, store::sha256_hex(picture));
}

TEST_F(ImageRunTest, AnOriginNoConnectionReachesCostsOneWaveAndItsOtherImagesWaitForALaterRun) {
  // Nothing listens on 127.0.0.2 (the server is on 127.0.0.1): every
  // connection there is refused, as to a host that is down or blocked.
  const std::string down = "http://127.0.0.2:" + std::to_string(server_.port());
  server_.set("/up.png", {.body = testing::make_png(2, 1, 0x00ff00)});
  std::vector<std::string> bodies(3);
  for (int i = 0; i < 30; ++i) bodies[i % 3] += "<img src=\"" + down + "/" + std::to_string(i) + ".png\">";
  bodies[0] += img("/up.png");
  serve_feed(bodies);
  open();
  const FetchSummary first = fetch_at("2023-06-19T12:00:00Z");
  EXPECT_EQ(first.counts.articles_new, 3u);
  EXPECT_TRUE(first.errors.empty()) << first.errors.front();
  EXPECT_EQ(first.images_kept, 1u);  // the reachable origin's image
  EXPECT_EQ(first.images_failed, 30u);
  const auto pending = pending_images();
  ASSERT_EQ(pending.size(), 30u);
  int tried = 0;
  for (const store::PendingWork& work : pending) {
    EXPECT_TRUE(work.url.starts_with(down)) << work.url;
    if (work.attempts == 1) {
      ++tried;
    } else {
      EXPECT_EQ(work.attempts, 0) << work.url;
      EXPECT_NE(work.last_error.find("not tried, " + down + " was unreachable in this run"), std::string::npos)
          << work.last_error;
    }
  }
  EXPECT_GE(tried, 1);
  EXPECT_LE(tried, 10) << "the origin's first images tried, the others left for later";
  EXPECT_EQ(archive_->store().feeds()->front().last_error, "");
}

TEST_F(ImageRunTest, AFeedWithImagesOffFetchesNone) {
  server_.set("/a.png", {.body = testing::make_png(1, 1, 0)});
  serve_feed({img("/a.png")});
  open("", "images = false\n");
  fetch_at("2023-06-19T12:00:00Z");
  EXPECT_EQ(requests_for("/a.png"), 0u);
  EXPECT_TRUE(images().empty());
}

// The site's page of the article titled `title`, relative to the root.
std::filesystem::path site_page_of(const std::filesystem::path& root, const std::string& title) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "site")) {
    if (entry.path().extension() != ".html" || entry.path().filename() == "index.html") continue;
    if (testing::read_file(entry.path()).find("<h1>" + title + "</h1>") != std::string::npos) {
      return entry.path().lexically_relative(root);
    }
  }
  return {};
}

// The src of every <img> of a page, in order.
std::vector<std::string> image_sources(const std::string& page) {
  std::vector<std::string> sources;
  for (std::size_t at = 0; (at = page.find("<img src=\"", at)) != std::string::npos;) {
    at += 10;
    sources.push_back(page.substr(at, page.find('"', at) - at));
  }
  return sources;
}

// Whether check reported a problem of `severity` on file `path` saying `words`.
bool reports(const CheckReport& report, Severity severity, const std::string& path, std::string_view words) {
  for (const CheckProblem& problem : report.problems) {
    if (problem.path == path && problem.severity == severity && problem.what.find(words) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST_F(ImageRunTest, TheSitePageShowsTheLocalCopyWhileTheDocumentKeepsTheProxy) {
  const std::string picture = testing::make_png(3, 2, 0x4488cc);
  archive_picture("/kept.png", picture);
  const std::filesystem::path page = site_page_of(dir_.path(), "Story 0");
  ASSERT_FALSE(page.empty());
  const auto sources = image_sources(testing::read_file(dir_.path() / page));
  ASSERT_EQ(sources.size(), 1u);
  // Relative, so the site opened from disk finds it: from the page's folder
  // to the very bytes the server sent.
  EXPECT_FALSE(sources[0].starts_with("/")) << sources[0];
  EXPECT_EQ(sources[0].find("://"), std::string::npos) << sources[0];
  EXPECT_EQ(testing::read_file((dir_.path() / page).parent_path() / sources[0]), picture);
  // The document keeps the archive format's proxy address.
  auto articles = archive_->store().articles(std::nullopt);
  ASSERT_TRUE(articles.has_value());
  ASSERT_EQ(articles->size(), 1u);
  std::string document;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path() / "pics")) {
    if (entry.path().extension() == ".md" && entry.path().filename() != "README.md") document = testing::read_file(entry.path());
  }
  EXPECT_NE(document.find("https://images.weserv.nl/?url=127.0.0.1"), std::string::npos) << document;
  EXPECT_EQ(document.find("media/sha256"), std::string::npos) << document;
}

TEST_F(ImageRunTest, ACaptionShowsUnderTheLocalCopyOnTheSitePageAndUnderTheProxyInTheDocument) {
  const std::string picture = testing::make_png(2, 2, 0x445566);
  server_.set("/figure.png", {.headers = {{"Content-Type", "image/png"}}, .body = picture});
  serve_feed({"<figure><img src=\"" + server_.url("/figure.png") +
              "\" alt=\"A heron on one leg\"><figcaption>Heron, at dawn</figcaption></figure>"});
  open();
  fetch_at("2023-06-19T12:00:00Z");
  const std::filesystem::path page_file = dir_.path() / site_page_of(dir_.path(), "Story 0");
  const std::string page = testing::read_file(page_file);
  const auto sources = image_sources(page);
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(testing::read_file(page_file.parent_path() / sources[0]), picture);
  const std::size_t caption = page.find("Heron, at dawn");
  ASSERT_NE(caption, std::string::npos) << page;
  EXPECT_GT(caption, page.find(sources[0]));
  std::string document;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path() / "pics")) {
    if (entry.path().extension() == ".md" && entry.path().filename() != "README.md") document = testing::read_file(entry.path());
  }
  EXPECT_GT(document.find("Heron, at dawn"), document.find("https://images.weserv.nl/?url=127.0.0.1")) << document;
  // The extract stage keeps an image's address and caption, not its alt
  // text: no page, document or revision shows it.
  EXPECT_EQ(page.find("A heron on one leg"), std::string::npos);
  EXPECT_EQ(document.find("A heron on one leg"), std::string::npos);
}

TEST_F(ImageRunTest, ADeletedCopyFallsBackToTheProxyAndCheckNamesTheFile) {
  const std::string picture = testing::make_png(2, 5, 0x00aa00);
  archive_picture("/lost.png", picture);
  const std::string path = media::media_path(store::sha256_hex(picture), "png");
  ASSERT_TRUE(std::filesystem::remove(dir_.path() / path));
  auto site = write_site(*archive_);
  ASSERT_TRUE(site.has_value()) << site.error().message();
  const std::filesystem::path page = site_page_of(dir_.path(), "Story 0");
  ASSERT_FALSE(page.empty());
  const auto sources = image_sources(testing::read_file(dir_.path() / page));
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_TRUE(sources[0].starts_with("https://images.weserv.nl/?url=127.0.0.1")) << sources[0];

  archive_.reset();
  auto report = check_archive(dir_.path());
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(report->sound());
  EXPECT_TRUE(reports(*report, Severity::kWarning, path, "missing")) << path;
}

TEST_F(ImageRunTest, PagesWrittenByALaterRunShowLocalCopiesAndTheProxyWhereACopyIsGone) {
  const std::string shared = testing::make_png(3, 3, 0x123456);
  const std::string own = testing::make_png(4, 1, 0x654321);
  server_.set("/shared.png", {.headers = {{"Content-Type", "image/png"}}, .body = shared});
  server_.set("/own.png", {.headers = {{"Content-Type", "image/png"}}, .body = own});
  serve_feed({img("/shared.png")});
  open();
  fetch_at("2023-06-19T12:00:00Z");
  // The shared copy is lost; the next run writes only the new article's
  // page, which shows the image already kept (not fetched again) and a new one.
  ASSERT_TRUE(std::filesystem::remove(dir_.path() / media::media_path(store::sha256_hex(shared), "png")));
  serve_feed({img("/shared.png"), img("/own.png") + img("/shared.png")});
  const FetchSummary second = fetch_at("2023-06-19T13:00:00Z");
  EXPECT_EQ(second.counts.articles_new, 1u);
  EXPECT_EQ(requests_for("/shared.png"), 1u);
  const std::filesystem::path page = dir_.path() / site_page_of(dir_.path(), "Story 1");
  const auto sources = image_sources(testing::read_file(page));
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(testing::read_file(page.parent_path() / sources[0]), own);
  EXPECT_TRUE(sources[1].starts_with("https://images.weserv.nl/?url=127.0.0.1")) << sources[1];
}

TEST_F(ImageRunTest, AnImageKeptAtItsRetryShowsInThePageOfTheUnchangedArticle) {
  std::atomic<bool> serving{false};
  const std::string picture = testing::make_png(7, 2, 0x0f0f0f);
  server_.set_handler("/late.png", [&](const HttpTestServer::RecordedRequest&) {
    if (serving) return HttpTestServer::CannedResponse{.headers = {{"Content-Type", "image/png"}}, .body = picture};
    return HttpTestServer::CannedResponse{.status = 503, .body = "busy"};
  });
  serve_feed({img("/late.png")});
  open();
  const FetchSummary first = fetch_at("2023-06-19T12:00:00Z");
  EXPECT_EQ(first.images_failed, 1u);
  const std::filesystem::path page = dir_.path() / site_page_of(dir_.path(), "Story 0");
  auto sources = image_sources(testing::read_file(page));
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_TRUE(sources[0].starts_with("https://images.weserv.nl/?url=127.0.0.1")) << sources[0];

  // The feed and the article are as they were; the retry, a day later, keeps the image.
  serving = true;
  const FetchSummary second = fetch_at("2023-06-20T12:00:00Z");
  EXPECT_EQ(second.counts.articles_new + second.counts.articles_updated, 0u);
  EXPECT_EQ(second.images_kept, 1u);
  sources = image_sources(testing::read_file(page));
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_FALSE(sources[0].starts_with("http")) << sources[0];
  EXPECT_EQ(testing::read_file(page.parent_path() / sources[0]), picture);
}

// The src of every <img> of a JSON feed out, its content_html unescaped
// enough for addresses (no '"' inside them).
std::vector<std::string> feed_image_sources(const std::string& json) {
  std::vector<std::string> sources;
  for (std::size_t at = 0; (at = json.find("<img src=\\\"", at)) != std::string::npos;) {
    at += 11;
    std::string source = json.substr(at, json.find("\\\"", at) - at);
    for (std::size_t slash; (slash = source.find("\\/")) != std::string::npos;) source.erase(slash, 1);
    sources.push_back(std::move(source));
  }
  return sources;
}

TEST_F(ImageRunTest, FeedsOutShowTheLocalCopyRelativeToTheFeedFileAndCheckAgrees) {
  const std::string picture = testing::make_png(2, 7, 0xa0b0c0);
  archive_picture("/in-feed.png", picture);
  for (const std::string feed : {"pics/feed.json", "feed.json"}) {
    const std::filesystem::path file = dir_.path() / feed;
    const auto sources = feed_image_sources(testing::read_file(file));
    ASSERT_EQ(sources.size(), 1u) << feed;
    EXPECT_EQ(sources[0].find("://"), std::string::npos) << sources[0];
    EXPECT_EQ(testing::read_file(file.parent_path() / sources[0]), picture) << feed;
  }
  // The Atom feed of the same folder says the same.
  const std::string atom = testing::read_file(dir_.path() / "pics/atom.xml");
  EXPECT_NE(atom.find("../media/sha256/"), std::string::npos) << atom;
  EXPECT_EQ(atom.find("images.weserv.nl"), std::string::npos) << atom;
  archive_.reset();
  auto report = check_archive(dir_.path());
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(report->sound());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front().path << ": " << report->problems.front().what;
}

TEST_F(ImageRunTest, FeedsOutUnderABaseUrlShowTheLocalCopyUnderIt) {
  const std::string picture = testing::make_png(3, 7, 0xc0b0a0);
  server_.set("/based.png", {.headers = {{"Content-Type", "image/png"}}, .body = picture});
  serve_feed({img("/based.png")});
  open("[publish]\nbase_url = \"https://mirror.example/news/\"\n");
  fetch_at("2023-06-19T12:00:00Z");
  const auto sources = feed_image_sources(testing::read_file(dir_.path() / "pics/feed.json"));
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0], "https://mirror.example/news/" + media::media_path(store::sha256_hex(picture), "png"));
}

TEST_F(ImageRunTest, ATamperedCopyIsDamageThatCheckReports) {
  const std::string picture = testing::make_png(6, 1, 0x102030);
  archive_picture("/changed.png", picture);
  archive_.reset();
  auto sound = check_archive(dir_.path());
  ASSERT_TRUE(sound.has_value()) << sound.error().message();
  EXPECT_TRUE(sound->sound());
  EXPECT_EQ(sound->images, 1u);
  EXPECT_EQ(sound->media.files, 1u);
  EXPECT_EQ(sound->media.bytes, picture.size());

  const std::string path = media::media_path(store::sha256_hex(picture), "png");
  testing::write_file(dir_.path() / path, testing::make_png(6, 1, 0x302010));
  auto report = check_archive(dir_.path());
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_FALSE(report->sound());
  EXPECT_TRUE(reports(*report, Severity::kError, path, "not to its name")) << path;
}

// Headless Chromium's screenshot of the page at file `page`, with every
// host name unresolvable: nothing but the disk can answer.
std::string offline_screenshot(const std::filesystem::path& page, const std::filesystem::path& scratch,
                               const std::string& name) {
  const std::filesystem::path shot = scratch / (name + ".png");
  const testing::CommandResult run = testing::run_command(
      "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run"
      " --host-resolver-rules='MAP * ~NOTFOUND' --window-size=800,1400 --user-data-dir='" +
      (scratch / ("profile-" + name)).string() + "' --screenshot='" + shot.string() + "' 'file://" +
      page.string() + "'");
  EXPECT_EQ(run.exit_status, 0) << run.err;
  return std::filesystem::exists(shot) ? testing::read_file(shot) : std::string();
}

TEST_F(ImageRunTest, TheSiteOpenedFromDiskWithoutNetworkShowsEveryKeptImage) {
  if (!std::filesystem::exists("/usr/bin/chromium")) GTEST_SKIP() << "chromium is not installed";
  // Two pictures in colours nothing else on the page has.
  server_.set("/red.png", {.headers = {{"Content-Type", "image/png"}}, .body = testing::make_png(40, 10, 0xff0000)});
  server_.set("/blue.png", {.headers = {{"Content-Type", "image/png"}}, .body = testing::make_png(40, 10, 0x0000ff)});
  serve_feed({img("/red.png") + img("/blue.png")});
  open();
  fetch_at("2023-06-19T12:00:00Z");
  const std::filesystem::path page = dir_.path() / site_page_of(dir_.path(), "Story 0");
  testing::TempDir scratch;
  const std::string shown = offline_screenshot(page, scratch.path(), "kept");
  ASSERT_FALSE(shown.empty());
  // Each shown at the page's width: thousands of its pixels.
  EXPECT_GT(testing::count_png_pixels(shown, 0xff0000), 5000u);
  EXPECT_GT(testing::count_png_pixels(shown, 0x0000ff), 5000u);

  // The same page with one copy gone shows that one no more: the check
  // above sees what the browser drew.
  ASSERT_TRUE(std::filesystem::remove(dir_.path() / media::media_path(store::sha256_hex(testing::make_png(40, 10, 0x0000ff)), "png")));
  const std::string without = offline_screenshot(page, scratch.path(), "missing");
  ASSERT_FALSE(without.empty());
  EXPECT_GT(testing::count_png_pixels(without, 0xff0000), 5000u);
  EXPECT_EQ(testing::count_png_pixels(without, 0x0000ff), 0u);
}

}  // namespace
}  // namespace newsvault::pipeline
