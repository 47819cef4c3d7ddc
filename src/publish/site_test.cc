#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "extract/testdata_path.h"
#include "publish/publish.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;

Timestamp at(const char* iso) { return *parse_date(iso); }

// A store's worth of values: feeds, articles (newest first, as the store
// lists them) and each article's revisions.
class SiteFixture {
 public:
  SiteFixture() {
    feeds_.push_back({1, "dw-chinese", "https://rss.dw.com/rdf/rss-chi-all", "dw", "", "", {}, ""});
    feeds_.push_back({2, "world", "https://example.com/feed.xml", "", "", "", {}, ""});
  }

  // Adds an article whose revisions are `versions`, seen an hour apart.
  store::ArticleSummary& add(std::int64_t feed_id, std::string key, const char* published,
                             std::vector<extract::Article> versions) {
    store::ArticleSummary summary;
    summary.id = static_cast<std::int64_t>(summaries_.size()) + 1;
    summary.feed_id = feed_id;
    summary.feed_name = feeds_[static_cast<std::size_t>(feed_id - 1)].name;
    summary.key = key;
    summary.published = at(published);
    summary.first_seen = *summary.published + std::chrono::minutes(5);
    summary.revisions = static_cast<int>(versions.size());
    summary.source_changes = summary.revisions - 1;  // changed at the source; tests may say otherwise
    summary.last_changed = summary.first_seen + std::chrono::hours(summary.revisions - 1);
    summary.title = versions.back().title;
    summary.url = versions.back().url;
    summary.document_path = document_path(summary.feed_name, key, *summary.published);
    std::vector<SiteRevision> revisions;
    for (std::size_t i = 0; i < versions.size(); ++i) {
      versions[i].published = summary.published;
      revisions.push_back({static_cast<int>(i + 1), summary.first_seen + std::chrono::hours(i), versions[i],
                           store::Cause::kSource, ""});
    }
    revisions_[summary.id] = std::move(revisions);
    summaries_.push_back(std::move(summary));
    return summaries_.back();
  }

  SiteSource source() const {
    SiteSource source;
    source.feeds = feeds_;
    source.articles = summaries_;
    std::ranges::sort(source.articles, [](const auto& a, const auto& b) { return a.published > b.published; });
    source.revisions = [this](const store::ArticleSummary& article) -> Result<std::vector<SiteRevision>> {
      return revisions_.at(article.id);
    };
    return source;
  }

  std::vector<store::FeedRecord> feeds_;
  std::vector<store::ArticleSummary> summaries_;
  std::map<std::int64_t, std::vector<SiteRevision>> revisions_;
};

extract::Article article(std::string title, std::string body, std::string url = "https://example.com/a") {
  extract::Article article;
  article.title = std::move(title);
  article.url = std::move(url);
  article.body_html = std::move(body);
  return article;
}

SiteFixture sample() {
  SiteFixture fixture;
  fixture.add(1, "65955570", "2023-06-19T01:41:50Z",
              {article("秦剛晤布林肯7.5小時", "<p>中美關係處最低谷</p><figure><img src=\"https://static.dw.com/image/1_303.jpg\"><figcaption>圖說</figcaption></figure>",
                       "https://www.dw.com/zh/a-65955570")});
  fixture.add(2, "rivers", "2023-06-18T09:00:00Z", {article("Rivers rise", "<p>Water.</p>")});
  return fixture;
}

Result<SiteSummary> write(const fs::path& root, const SiteFixture& fixture, std::string dir = "site",
                          std::map<std::string, std::vector<ChineseConversion>> conversions = {}) {
  SiteOptions options;
  options.dir = std::move(dir);
  options.conversions = std::move(conversions);
  return write_site(root, fixture.source(), options);
}

std::map<std::string, std::string> site_files(const fs::path& site) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(site)) {
    if (entry.is_regular_file()) {
      files[entry.path().lexically_relative(site).generic_string()] = testing::read_file(entry.path());
    }
  }
  return files;
}

TEST(SiteTest, WritesArticleFeedDayHomeAndChangesPagesAndOneStylesheet) {
  testing::TempDir dir;
  auto summary = write(dir.path(), sample());
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  const auto files = site_files(dir.path() / "site");
  std::set<std::string> names;
  for (const auto& [name, content] : files) {
    if (!name.starts_with("search/")) names.insert(name);  // the search index: site_search_test.cc
  }
  EXPECT_EQ(names, (std::set<std::string>{
                       "index.html", "style.css", "changes.html", "search.html", "days/index.html",
                       "days/2023-06-18.html", "days/2023-06-19.html", "feeds/dw-chinese/index.html",
                       "feeds/world/index.html", "feeds/dw-chinese/2023/06/19-65955570.html",
                       "feeds/world/2023/06/18-rivers.html"}));
  EXPECT_EQ(summary->pages, 10u);

  const std::string& page = files.at("feeds/dw-chinese/2023/06/19-65955570.html");
  EXPECT_NE(page.find("<title>秦剛晤布林肯7.5小時 · dw-chinese</title>"), std::string::npos);
  EXPECT_NE(page.find("<link rel=\"stylesheet\" href=\"../../../../style.css\">"), std::string::npos);
  EXPECT_NE(page.find("<h1>秦剛晤布林肯7.5小時</h1>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"https://www.dw.com/zh/a-65955570\" rel=\"noreferrer nofollow\">source</a>"),
            std::string::npos);
  EXPECT_NE(page.find("published <time datetime=\"2023-06-19T01:41:50Z\">2023-06-19 01:41 UTC</time>"),
            std::string::npos);
  // The body as the archive documents show it: the image through the proxy.
  EXPECT_NE(page.find("<p>中美關係處最低谷</p><img src=\"https://images.weserv.nl/?url=static.dw.com/image/1_303.jpg\" "
                      "width=\"100%\"><div><small style=\"color: #999;\">圖說</small></div>"),
            std::string::npos)
      << page;
  EXPECT_EQ(page.find("<script"), std::string::npos);
  const std::string& css = files.at("style.css");
  EXPECT_NE(css.find("prefers-color-scheme: dark"), std::string::npos);
  EXPECT_NE(css.find("Noto Sans CJK TC"), std::string::npos);
}

TEST(SiteTest, ATraditionalChineseSiteHasTraditionalLabelsLocalTimesAndSaysItsLanguage) {
  testing::TempDir dir;
  SiteOptions options;
  options.language = "zh-Hant";
  options.time_zone = "Asia/Taipei";
  auto summary = write_site(dir.path(), sample().source(), options);
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  const auto files = site_files(dir.path() / "site");
  for (const auto& [name, content] : files) {
    if (name.ends_with(".html")) {
      EXPECT_TRUE(content.starts_with("<!DOCTYPE html>\n<html lang=\"zh-Hant\">")) << name;
      EXPECT_EQ(content.find("<html lang=\"en\""), std::string::npos) << name;
    }
  }
  const std::string& home = files.at("index.html");
  EXPECT_NE(home.find("<nav><a href=\"index.html\">存檔</a><a href=\"days/index.html\">日期</a>"
                      "<a href=\"changes.html\">變更</a><a href=\"search.html\">搜尋</a></nav>"),
            std::string::npos)
      << home;
  EXPECT_NE(home.find("<h2>訂閱源</h2>"), std::string::npos) << home;
  EXPECT_NE(home.find("<time datetime=\"2023-06-19\">2023年6月19日</time>"), std::string::npos) << home;
  EXPECT_EQ(home.find("Archive"), std::string::npos) << home;
  // 01:41 UTC is 09:41 in Taipei (UTC+8, no summer time).
  const std::string& page = files.at("feeds/dw-chinese/2023/06/19-65955570.html");
  EXPECT_NE(page.find("發布於 <time datetime=\"2023-06-19T01:41:50Z\">2023年6月19日 09:41 CST</time>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find(">來源</a>"), std::string::npos) << page;
}

TEST(SiteTest, AnEnglishSiteSaysItsLanguageAndShowsTimesInItsTimeZone) {
  testing::TempDir dir;
  SiteOptions options;
  options.time_zone = "America/New_York";
  auto summary = write_site(dir.path(), sample().source(), options);
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  const auto files = site_files(dir.path() / "site");
  EXPECT_TRUE(files.at("index.html").starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_TRUE(files.at("search.html").starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  // 01:41 UTC on 19 June is 21:41 the day before in New York (summer time).
  const std::string& page = files.at("feeds/dw-chinese/2023/06/19-65955570.html");
  EXPECT_NE(page.find("published <time datetime=\"2023-06-19T01:41:50Z\">2023-06-18 21:41 EDT</time>"),
            std::string::npos)
      << page;
}

TEST(SiteTest, OnlyTimeZonesOfTheTzDatabaseAreTaken) {
  EXPECT_TRUE(check_site_time_zone("Asia/Taipei").has_value());
  EXPECT_TRUE(check_site_time_zone("UTC").has_value());
  for (const char* wrong : {"", "Mars/Olympus", "../etc/passwd", "/usr/share/zoneinfo/UTC", "Asia"}) {
    const auto checked = check_site_time_zone(wrong);
    ASSERT_FALSE(checked.has_value()) << wrong;
    EXPECT_NE(checked.error().message().find("not a time zone"), std::string::npos) << checked.error().message();
  }
}

// Every href and src that is not an http(s) address must name a file of
// the site, from the folder of the page that holds it: then the site works
// from file:// and under any path of any host.
TEST(SiteTest, EveryLinkIsRelativeAndLeadsToAFileOfTheSite) {
  testing::TempDir dir;
  SiteFixture fixture = sample();
  fixture.add(2, "edited", "2023-06-17T08:00:00Z",
              {article("Before", "<p>One two three.</p>"), article("After", "<p>One two four.</p>")});
  ASSERT_TRUE(write(dir.path(), fixture, "site", {{"dw-chinese", {ChineseConversion::kT2S}}}).has_value());
  const fs::path site = dir.path() / "site";
  const std::regex reference(R"re((?:href|src)="([^"]*)")re");
  std::size_t checked = 0;
  for (const auto& [name, content] : site_files(site)) {
    if (!name.ends_with(".html")) continue;
    for (auto it = std::sregex_iterator(content.begin(), content.end(), reference); it != std::sregex_iterator(); ++it) {
      std::string target = (*it)[1].str();
      if (target.starts_with("https://")) continue;
      ASSERT_FALSE(target.starts_with("/")) << name << ": " << target;
      ASSERT_EQ(target.find(':'), std::string::npos) << name << ": " << target;
      target = target.substr(0, target.find('#'));
      EXPECT_TRUE(fs::is_regular_file(site / fs::path(name).parent_path() / target)) << name << ": " << target;
      ++checked;
    }
  }
  EXPECT_GT(checked, 40u);
}

TEST(SiteTest, AFeedsConvertedCopiesGetPagesLinkedWithTheOriginal) {
  testing::TempDir dir;
  ASSERT_TRUE(write(dir.path(), sample(), "site", {{"dw-chinese", {ChineseConversion::kT2S}}}).has_value());
  const fs::path feed = dir.path() / "site/feeds/dw-chinese";
  const std::string copy = testing::read_file(feed / "zh-Hans/2023/06/19-65955570.html");
  EXPECT_TRUE(copy.starts_with("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n"));
  EXPECT_NE(copy.find("<h1>秦刚晤布林肯7.5小时</h1>"), std::string::npos);
  EXPECT_NE(copy.find("<p>中美关系处最低谷</p>"), std::string::npos);
  EXPECT_NE(copy.find("<a href=\"../../../../../feeds/dw-chinese/2023/06/19-65955570.html\">Original</a> · "
                      "<strong>简体中文</strong> <span class=\"tag\">OpenCC t2s</span>"),
            std::string::npos)
      << copy;
  const std::string original = testing::read_file(feed / "2023/06/19-65955570.html");
  EXPECT_TRUE(original.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"));  // the archive's language
  EXPECT_NE(original.find("<strong>Original</strong> · "
                          "<a href=\"../../../../feeds/dw-chinese/zh-Hans/2023/06/19-65955570.html\">简体中文</a>"),
            std::string::npos);
  EXPECT_NE(original.find("<h1>秦剛晤布林肯7.5小時</h1>"), std::string::npos);
  // Other feeds get no copies.
  EXPECT_FALSE(fs::exists(dir.path() / "site/feeds/world/zh-Hans"));
}

TEST(SiteTest, TitlesAreEscapedAndOnlyHttpSourcesAreLinked) {
  testing::TempDir dir;
  SiteFixture fixture;
  fixture.add(2, "hostile", "2023-06-18T09:00:00Z",
              {article("<script>alert(1)</script> & \"quotes\"", "<p onclick=\"x()\">Body</p><script>y()</script>",
                       "javascript:alert(1)")});
  ASSERT_TRUE(write(dir.path(), fixture).has_value());
  for (const auto& [name, content] : site_files(dir.path() / "site")) {
    if (name.starts_with("search/")) {
      // The search index: data for search.js, which shows it as text.
      EXPECT_TRUE(content.starts_with("newsvaultSearch.load(") || name == "search/search.js") << name;
      continue;
    }
    // The one script: the search page's own, from the site's folder.
    const std::string allowed = name == "search.html" ? "<script src=\"search/search.js\" defer></script>" : "";
    const std::size_t script = content.find("<script");
    EXPECT_TRUE(script == std::string::npos || (!allowed.empty() && content.find(allowed) == script &&
                                                content.find("<script", script + 1) == std::string::npos))
        << name;
    EXPECT_EQ(content.find("javascript:alert(1)\""), std::string::npos) << name;
    EXPECT_EQ(content.find("onclick"), std::string::npos) << name;
  }
  const std::string page = testing::read_file(dir.path() / "site/feeds/world/2023/06/18-hostile.html");
  EXPECT_NE(page.find("<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"quotes\"</h1>"), std::string::npos);
  EXPECT_NE(page.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"quotes\" · world</title>"),
            std::string::npos);
}

TEST(SiteTest, TheChangesPageShowsEachRevisionWithWhatChangedAndDelistedArticles) {
  testing::TempDir dir;
  SiteFixture fixture = sample();
  store::ArticleSummary& edited = fixture.add(
      1, "edited", "2023-06-17T08:00:00Z",
      {article("中美關係處最低谷", "<p>第一段。</p><p>外長說：不。</p>"),
       article("中美關係處歷史低谷", "<p>第一段。</p><p>外長說：是。</p>")});
  const std::int64_t edited_id = edited.id;
  fixture.summaries_[1].delisted_at = at("2023-06-20T00:00:00Z");  // "Rivers rise"
  ASSERT_TRUE(write(dir.path(), fixture).has_value());
  const std::string changes = testing::read_file(dir.path() / "site/changes.html");
  EXPECT_NE(changes.find("<section id=\"article-" + std::to_string(edited_id) + "\">"), std::string::npos);
  EXPECT_NE(changes.find("Revision 1, first archived <time datetime=\"2023-06-17T08:05:00Z\">"), std::string::npos);
  EXPECT_NE(changes.find("Revision 2, seen <time datetime=\"2023-06-17T09:05:00Z\">"), std::string::npos);
  EXPECT_NE(changes.find("<strong>Title:</strong> 中美關係處<del>最</del><ins>歷史</ins>低谷"), std::string::npos);
  EXPECT_NE(changes.find("<p class=\"change\">外長說：<del>不</del><ins>是</ins>。</p>"), std::string::npos)
      << changes;
  EXPECT_NE(changes.find("No longer listed by its feed since <time datetime=\"2023-06-20T00:00:00Z\">"),
            std::string::npos);
  // Newest event first: the delisting (06-20) before the edit (06-17).
  EXPECT_LT(changes.find("Rivers rise"), changes.find("中美關係處歷史低谷"));
  // The unchanged, listed article is not there.
  EXPECT_EQ(changes.find("秦剛晤布林肯"), std::string::npos);

  const std::string page = testing::read_file(dir.path() / "site/feeds/dw-chinese/2023/06/17-edited.html");
  EXPECT_NE(page.find("Changed at the source: 2 revisions."), std::string::npos);
  EXPECT_NE(page.find("href=\"../../../../changes.html#article-" + std::to_string(edited_id) + "\""),
            std::string::npos);
  EXPECT_NE(page.find("<h1>中美關係處歷史低谷</h1>"), std::string::npos);  // the latest revision
}

// Regression: a teaser that became full text once its page could be read
// was shown as "Changed at the source".
TEST(SiteTest, AProcessingChangeIsNotShownAsChangedAtTheSource) {
  testing::TempDir dir;
  SiteFixture fixture = sample();
  store::ArticleSummary& grown = fixture.add(
      1, "grown", "2023-06-17T08:00:00Z",
      {article("Teaser", "<p>First lines…</p>"), article("Teaser", "<p>First lines and the rest.</p>")});
  grown.source_changes = 0;
  fixture.revisions_[grown.id][1].cause = store::Cause::kProcessing;
  fixture.revisions_[grown.id][1].note = "full text from the page";
  ASSERT_TRUE(write(dir.path(), fixture).has_value());
  const std::string page = testing::read_file(dir.path() / "site/feeds/dw-chinese/2023/06/17-grown.html");
  EXPECT_EQ(page.find("Changed at the source"), std::string::npos);
  EXPECT_EQ(page.find("<span class=\"tag\">changed</span>"), std::string::npos);
  // Not among the source's changes either.
  const std::string changes = testing::read_file(dir.path() / "site/changes.html");
  EXPECT_EQ(changes.find("<section id=\"article-" + std::to_string(grown.id) + "\">"), std::string::npos);
}

TEST(SiteTest, ARemovedArticleSaysWhenAndWhyOnItsPageAndTheChangesPage) {
  testing::TempDir dir;
  SiteFixture fixture = sample();
  fixture.summaries_[1].delisted_at = at("2023-06-20T00:00:00Z");
  fixture.summaries_[1].removed_at = at("2023-06-20T01:00:00Z");
  fixture.summaries_[1].removed_reason = "HTTP 410";
  ASSERT_TRUE(write(dir.path(), fixture).has_value());
  const std::string changes = testing::read_file(dir.path() / "site/changes.html");
  EXPECT_NE(changes.find("Removed at the source: found gone <time datetime=\"2023-06-20T01:00:00Z\">"),
            std::string::npos)
      << changes;
  EXPECT_NE(changes.find("(HTTP 410)"), std::string::npos);
  const std::string index = testing::read_file(dir.path() / "site/index.html");
  EXPECT_NE(index.find("<span class=\"tag\">removed</span>"), std::string::npos);
}

TEST(SiteTest, TheSameSourceGivesTheSameBytesAndRewritesNothing) {
  testing::TempDir first;
  testing::TempDir second;
  ASSERT_TRUE(write(first.path(), sample()).has_value());
  ASSERT_TRUE(write(second.path(), sample()).has_value());
  EXPECT_EQ(site_files(first.path() / "site"), site_files(second.path() / "site"));

  const fs::path index = first.path() / "site/index.html";
  const auto written_at = fs::last_write_time(index);
  ASSERT_TRUE(write(first.path(), sample()).has_value());
  EXPECT_EQ(fs::last_write_time(index), written_at);
}

TEST(SiteTest, PagesOfArticlesNoLongerInTheSourceAreRemovedAndNothingElse) {
  testing::TempDir dir;
  SiteFixture fixture = sample();
  ASSERT_TRUE(write(dir.path(), fixture).has_value());
  testing::write_file(dir.path() / "site/CNAME", "mirror.example.org\n");
  fixture.summaries_[1].document_path = "world/2023/06/20-rivers.md";  // its path moved

  auto summary = write(dir.path(), fixture);
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  EXPECT_EQ(summary->pages_removed, 1u);
  EXPECT_FALSE(fs::exists(dir.path() / "site/feeds/world/2023/06/18-rivers.html"));
  EXPECT_TRUE(fs::exists(dir.path() / "site/feeds/world/2023/06/20-rivers.html"));
  EXPECT_TRUE(fs::exists(dir.path() / "site/CNAME"));
}

TEST(SiteTest, RefusesASiteFolderThatIsNotItsOwn) {
  testing::TempDir dir;
  for (const char* bad : {"", "/tmp/site", "../site", "site/../..", ".git", "dw-chinese", "world/site"}) {
    auto summary = write(dir.path(), sample(), bad);
    ASSERT_FALSE(summary.has_value()) << bad;
    EXPECT_EQ(summary.error().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(summary.error().message().find("publish.site.dir"), std::string::npos);
  }
  EXPECT_TRUE(write(dir.path(), sample(), "public/archive/").has_value());
  EXPECT_TRUE(fs::exists(dir.path() / "public/archive/index.html"));
}

// ---------------------------------------------------------------------------
// In a real browser: Debian's Chromium, headless, reading the site from a
// server on 127.0.0.1.

std::optional<fs::path> chromium_binary() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(candidate)) return fs::path(candidate);
  }
  return std::nullopt;
}

std::string content_type_of(const std::string& name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

// A picture for the image proxy to answer with, 3:2 like DW's.
constexpr const char* kPicture =
    R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200"><rect width="300" height="200" fill="#7a9cc6"/>)"
    R"(<circle cx="220" cy="60" r="30" fill="#f3d36b"/><path d="M0 200 L110 90 L200 200 Z" fill="#4b6b48"/></svg>)";

class SiteBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = chromium_binary();
    if (!chromium_) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it)";
    // DW's article as the adapter reads it: a real body, images, captions.
    auto adapter = extract::builtin_adapter("dw");
    ASSERT_TRUE(adapter.has_value());
    auto dw = extract::read_adapter_article(
        *adapter, testing::read_file(extract::testing::dw_article_65955570()), "article-65955570.json");
    ASSERT_TRUE(dw.has_value()) << dw.error().message();
    SiteFixture fixture;
    fixture.add(1, "65955570", "2023-06-19T01:41:50Z", {*dw});
    fixture.add(2, "rivers", "2023-06-18T09:00:00Z", {article("Rivers rise", "<p>Water.</p>")});
    fixture.add(1, "edited", "2023-06-17T08:00:00Z",
                {article("中美關係處最低谷", "<p>第一段。</p><p>外長說：不。</p>"),
                 article("中美關係處歷史低谷", "<p>第一段。</p><p>外長說：是。</p>")});
    SiteOptions options;
    options.publish.image_proxy = server_.url("/image?url={url}");
    auto written = write_site(site_root_.path(), fixture.source(), options);
    ASSERT_TRUE(written.has_value()) << written.error().message();
    for (const auto& [name, content] : site_files(site_root_.path() / "site")) {
      server_.set("/" + name, {200, {{"Content-Type", content_type_of(name)}}, content});
    }
    server_.set("/image", {200, {{"Content-Type", "image/svg+xml"}}, kPicture});
    artifacts_ = fs::path(NEWSVAULT_TEST_ARTIFACTS_DIR) / "site";
    fs::create_directories(artifacts_);
  }

  // Chromium with a profile of its own, so that runs at once never share
  // one and none is kept.
  testing::CommandResult chromium(const std::string& arguments) {
    const fs::path profile = profile_.path() / std::to_string(++profiles_);
    return testing::run_command("timeout 60 " + chromium_->string() +
                                " --headless --no-sandbox --disable-gpu --hide-scrollbars"
                                " --no-first-run --user-data-dir='" + profile.string() + "' " + arguments);
  }

  // Starts Chromium printing the page's DOM once it has loaded.
  std::future<testing::CommandResult> dump_dom(const std::string& path) {
    return std::async(std::launch::async, [this, path] { return chromium("--dump-dom '" + server_.url(path) + "'"); });
  }

  // Starts Chromium saving a screenshot of the page as artifacts/file.
  // Chromium spends most of its start waiting, not computing, so the
  // runs of a test go at once.
  std::future<testing::CommandResult> screenshot(const std::string& path, const std::string& file,
                                                 const std::string& size, const std::string& extra = "") {
    const fs::path target = artifacts_ / file;
    fs::remove(target);
    return std::async(std::launch::async, [this, path, target, size, extra] {
      return chromium("--window-size=" + size + " " + extra + " --screenshot='" + target.string() + "' '" +
                      server_.url(path) + "'");
    });
  }

  void expect_screenshot(std::future<testing::CommandResult> run, const std::string& file) {
    const testing::CommandResult result = run.get();
    EXPECT_EQ(result.exit_status, 0) << result.err;
    const fs::path target = artifacts_ / file;
    EXPECT_TRUE(fs::exists(target) && fs::file_size(target) > 1000) << target;
  }

  std::optional<fs::path> chromium_;
  std::atomic<int> profiles_ = 0;
  testing::HttpTestServer server_;
  testing::TempDir site_root_;
  testing::TempDir profile_;
  fs::path artifacts_;
};

TEST_F(SiteBrowserTest, TheHomePageListsFeedsAndLinksToArticles) {
  auto shot = screenshot("/index.html", "home.png", "1000,800");
  const testing::CommandResult run = dump_dom("/index.html").get();
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const std::string& dom = run.out;
  EXPECT_NE(dom.find("<title>Archive</title>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<a href=\"feeds/dw-chinese/index.html\">dw-chinese</a>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<a href=\"feeds/dw-chinese/2023/06/19-65955570.html\">秦剛晤布林肯7.5小時 指中美關係處最低谷</a>"),
            std::string::npos);
  EXPECT_NE(dom.find("<a href=\"feeds/world/2023/06/18-rivers.html\">Rivers rise</a>"), std::string::npos);
  expect_screenshot(std::move(shot), "home.png");
  EXPECT_GT(server_.request_count("/style.css"), 0u);
}

TEST_F(SiteBrowserTest, AnArticlePageShowsItsBodyAndImagesThroughTheProxy) {
  const std::string article_path = "/feeds/dw-chinese/2023/06/19-65955570.html";
  auto wide = screenshot(article_path, "article.png", "1000,1400");
  auto phone = screenshot(article_path, "article-phone-dark.png", "390,844",
                          "--force-dark-mode --blink-settings=preferredColorScheme=0");
  auto changes = screenshot("/changes.html", "changes.png", "1000,900");
  const testing::CommandResult run = dump_dom(article_path).get();
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const std::string& dom = run.out;
  EXPECT_NE(dom.find("<h1>秦剛晤布林肯7.5小時 指中美關係處最低谷</h1>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<p>（德國之聲中文網）<a href="), std::string::npos);
  EXPECT_NE(dom.find("<img src=\"" + server_.url("/image?url=https%3A%2F%2Fstatic.dw.com%2Fimage%2F65952775_303.jpg") + "\""),
            std::string::npos);
  EXPECT_NE(dom.find("<small style=\"color: #999;\">美國國務卿布林肯與中國外長秦剛週日在北京舉行雙邊會談</small>"),
            std::string::npos);
  EXPECT_NE(dom.find("rel=\"noreferrer nofollow\">source</a>"), std::string::npos);
  expect_screenshot(std::move(wide), "article.png");
  expect_screenshot(std::move(phone), "article-phone-dark.png");
  expect_screenshot(std::move(changes), "changes.png");
  // The browser fetched the image the way a reader's would: from the proxy.
  EXPECT_GT(server_.request_count("/image"), 0u);
  for (const auto& request : server_.requests()) {
    EXPECT_EQ(request.path.find("static.dw.com"), std::string::npos) << request.target;
  }
}

}  // namespace
}  // namespace newsvault::publish
