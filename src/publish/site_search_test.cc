// The static site's search: the index write_site keeps under search/, and
// search.html reading it in Debian's Chromium, headless, from file://.
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

#include <nlohmann/json.hpp>

#include "core/fold.h"
#include "publish/markdown.h"
#include "publish/publish.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;

// Articles of two feeds, one revision each, as the store would list them.
class SearchSite {
 public:
  void add(std::int64_t feed_id, const std::string& key, const char* published, const std::string& title,
           const std::string& body) {
    store::ArticleSummary summary;
    summary.id = static_cast<std::int64_t>(articles_.size()) + 1;
    summary.feed_id = feed_id;
    summary.feed_ids = {feed_id};
    summary.feed_name = feed_id == 1 ? "dw-chinese" : "world";
    summary.key = key;
    summary.title = title;
    summary.url = "https://example.com/" + key;
    summary.published = *parse_date(published);
    summary.first_seen = summary.last_changed = *summary.published;
    summary.revisions = 1;
    summary.document_path = document_path(summary.feed_name, key, *summary.published);
    extract::Article article;
    article.title = title;
    article.url = summary.url;
    article.body_html = body;
    article.published = summary.published;
    revisions_[summary.id] = {{1, summary.first_seen, article, store::Cause::kSource, ""}};
    articles_.push_back(summary);
  }

  Result<SiteSummary> write(const fs::path& root, const std::set<std::int64_t>* changed = nullptr) const {
    SiteSource source;
    source.feeds = {{1, "dw-chinese", "https://rss.dw.com/rdf/rss-chi-all", "dw", "", "", {}, ""},
                    {2, "world", "https://example.com/feed.xml", "", "", "", {}, ""}};
    source.articles = articles_;
    std::ranges::reverse(source.articles);  // newest first
    source.revisions = [this](const store::ArticleSummary& article) -> Result<std::vector<SiteRevision>> {
      return revisions_.at(article.id);
    };
    source.changed = changed;
    return write_site(root, source, SiteOptions());
  }

  std::string page(std::int64_t id) const {
    const std::string& path = articles_.at(static_cast<std::size_t>(id - 1)).document_path;
    return "feeds/" + path.substr(0, path.size() - 3) + ".html";
  }

 private:
  std::vector<store::ArticleSummary> articles_;
  std::map<std::int64_t, std::vector<SiteRevision>> revisions_;
};

SearchSite sample() {
  SearchSite site;
  site.add(1, "vote", "2023-06-17T08:00:00Z", "臺灣選舉結果公布", "<p>選民在臺灣各地投票。</p>");
  site.add(1, "economy", "2023-06-18T08:00:00Z", "台湾经济", "<p>台湾的经济增长放缓。</p>");
  site.add(2, "rivers", "2023-06-18T09:00:00Z", "Rivers rise in the north",
           "<p>Heavy rain made the rivers rise.</p><p>Water everywhere.</p>");
  site.add(2, "election", "2023-06-19T09:00:00Z", "Election day", "<p>The ＥＬＥＣＴＩＯＮ was calm. Rain fell.</p>");
  site.add(1, "minister", "2023-06-19T10:00:00Z", "外長談中美關係", "<p>外長說：不。</p>");
  return site;
}

// The index's files, by path under the site's folder.
std::map<std::string, std::string> index_files(const fs::path& site) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(site / "search")) {
    if (entry.is_regular_file()) {
      files[entry.path().lexically_relative(site).generic_string()] = testing::read_file(entry.path());
    }
  }
  files["search.html"] = testing::read_file(site / "search.html");
  return files;
}

TEST(SiteSearchIndexTest, AnUpdateGivesTheIndexAWholeBuildGives) {
  testing::TempDir updated, whole;
  SearchSite site = sample();
  ASSERT_TRUE(site.write(updated.path()).has_value());
  const auto before = index_files(updated.path() / "site");
  site.add(2, "taipei", "2023-06-20T09:00:00Z", "Typhoon nears Taipei", "<p>臺北的颱風 warning.</p>");
  const std::set<std::int64_t> changed = {6};
  auto summary = site.write(updated.path(), &changed);
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  ASSERT_TRUE(site.write(whole.path()).has_value());
  const auto after = index_files(updated.path() / "site");
  EXPECT_EQ(after, index_files(whole.path() / "site"));

  // Only the files the new article's tokens fall in were rewritten.
  std::set<std::string> tokens;
  for (const char* text : {"Typhoon nears Taipei", "臺北的颱風 warning."}) {
    for (const SearchToken& token : search_tokens(text, TokenizeFor::kDocument)) tokens.insert(token.text);
  }
  std::size_t buckets = 0, rewritten = 0;
  for (const auto& [path, content] : after) {
    if (!path.starts_with("search/b/")) continue;
    ++buckets;
    const auto old = before.find(path);
    if (old != before.end() && old->second == content) continue;
    ++rewritten;
    EXPECT_TRUE(std::ranges::any_of(tokens, [&](const std::string& token) {
      return content.find("\"" + token + "\"") != std::string::npos;
    })) << path << " was rewritten but holds none of the new article's tokens";
  }
  EXPECT_GT(rewritten, 0u);
  EXPECT_LT(rewritten, buckets);
  EXPECT_TRUE(after.contains("search/a/0/6.js"));
}

TEST(SiteSearchIndexTest, ThePageCarriesTheT2sPairsOfTheIndexsCharactersOnly) {
  testing::TempDir dir;
  ASSERT_TRUE(sample().write(dir.path()).has_value());
  const std::string page = testing::read_file(dir.path() / "site/search.html");
  EXPECT_NE(page.find("臺台"), std::string::npos);  // 台 is in the index
  EXPECT_NE(page.find("灣湾"), std::string::npos);
  EXPECT_EQ(page.find("風风"), std::string::npos);  // no 风 in these articles: no query needs it
  EXPECT_NE(page.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page.find("<script>"), std::string::npos);  // no inline script
  EXPECT_NE(testing::read_file(dir.path() / "site/index.html").find("<a href=\"search.html\">Search</a>"),
            std::string::npos);
  // The buckets' number, as meta.js has it: the search asks for the
  // buckets without reading meta.js first.
  std::smatch buckets;
  ASSERT_TRUE(std::regex_search(page, buckets, std::regex("data-buckets=\"([0-9]+)\"")));
  EXPECT_NE(testing::read_file(dir.path() / "site/search/meta.js").find("\"buckets\":" + std::string(buckets[1])),
            std::string::npos);
}

// ---------------------------------------------------------------------------
// In Debian's Chromium, headless, from file://.

std::optional<fs::path> chromium_binary() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(candidate)) return fs::path(candidate);
  }
  return std::nullopt;
}

class SiteSearchBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = chromium_binary();
    if (!chromium_) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it)";
    if (!fs::exists("/usr/bin/strace")) GTEST_SKIP() << "strace is not installed (scripts/install-deps.sh installs it)";
    ASSERT_TRUE(site_.write(root_.path()).has_value());
    // A file beside the site, which no search may read.
    testing::write_file(root_.path() / "secret.js", "newsvaultSearch.load(\"meta\", {});\n");
  }

  struct Page {
    std::string dom;
    std::vector<std::string> page_requests;  // network requests the page made (Chromium's net log)
    std::vector<std::string> files_opened;   // files under the archive Chromium opened (strace)
    bool net_log_read = false;
  };

  // search.html?q=QUERY opened from disk; the DOM once the search is done.
  // `watch`: also what it read and asked for.
  std::future<Page> search(const std::string& query, bool watch = false) {
    const int run = ++runs_;
    return std::async(std::launch::async, [this, query, run, watch] {
      const fs::path profile = profile_.path() / std::to_string(run);
      const fs::path net_log = profile_.path() / ("net-" + std::to_string(run) + ".json");
      const fs::path trace = profile_.path() / ("trace-" + std::to_string(run));
      const std::string url = "file://" + (root_.path() / "site/search.html").string() + "?q=" +
                              encode_uri_component(query);
      const std::string traced = watch ? "strace -f -qq -e trace=open,openat -o '" + trace.string() + "' " : "";
      const testing::CommandResult result = testing::run_command(
          "timeout 90 " + traced + chromium_->string() +
          " --headless --no-sandbox --disable-gpu --no-first-run --virtual-time-budget=10000"
          " --user-data-dir='" + profile.string() + "' --log-net-log='" + net_log.string() +
          "' --dump-dom '" + url + "'");
      Page page{result.out, {}, {}, false};
      if (!watch) return page;
      // Chromium's own services (updates, clock) ask too; the page's
      // requests are those of Blink's resource loader and navigations
      // (their traffic annotations).
      const auto log = nlohmann::json::parse(testing::read_file(net_log), nullptr, false);
      page.net_log_read = log.is_object() && log.contains("events");
      std::map<std::int64_t, std::string> urls;
      std::set<std::int64_t> by_page;
      for (const auto& event : log.value("events", nlohmann::json::array())) {
        const auto& params = event.value("params", nlohmann::json::object());
        const std::int64_t source = event["source"].value("id", std::int64_t{0});
        if (params.contains("url")) urls[source] = params["url"].get<std::string>();
        const std::int64_t annotation = params.value("traffic_annotation", std::int64_t{0});
        if (annotation == 101845102 || annotation == 63171670) by_page.insert(source);
      }
      for (std::int64_t source : by_page) page.page_requests.push_back(urls[source]);
      static const std::regex kOpened("open(at)?\\([^\"]*\"([^\"]+)\"");
      const std::string opened = testing::read_file(trace);
      const std::string under = root_.path().string() + "/";
      for (std::sregex_iterator it(opened.begin(), opened.end(), kOpened), end; it != end; ++it) {
        if (std::string((*it)[2]).starts_with(under)) page.files_opened.push_back((*it)[2]);
      }
      return page;
    });
  }

  std::optional<fs::path> chromium_;
  SearchSite site_ = sample();
  testing::TempDir root_;
  testing::TempDir profile_;
  std::atomic<int> runs_ = 0;
};

bool links_to(const std::string& dom, const std::string& page) {
  return dom.find("<a href=\"" + page + "\">") != std::string::npos;
}

TEST_F(SiteSearchBrowserTest, FindsWhatTheCommandLineFindsFromDiskWithNoRequestOutsideTheSite) {
  auto traditional = search("台湾", true);
  auto latin = search("RIVERS");
  auto part_of_word = search("river");
  auto one_character = search("说");
  auto both_terms = search("rain election");
  auto three_characters = search("湾选举");
  auto nothing = search("banana");

  // 台湾 finds the article written 臺灣 and the one written 台湾, the
  // match shown as written.
  const Page watched = traditional.get();
  Page page = watched;
  EXPECT_NE(page.dom.find("data-search-state=\"done\""), std::string::npos) << page.dom;
  EXPECT_TRUE(links_to(page.dom, site_.page(1))) << page.dom;
  EXPECT_TRUE(links_to(page.dom, site_.page(2)));
  EXPECT_FALSE(links_to(page.dom, site_.page(3)));
  EXPECT_NE(page.dom.find("<mark>臺灣</mark>"), std::string::npos) << page.dom;
  EXPECT_NE(page.dom.find("2 articles."), std::string::npos);

  // A Latin word: whole, any case.
  page = latin.get();
  EXPECT_TRUE(links_to(page.dom, site_.page(3))) << page.dom;
  EXPECT_FALSE(links_to(page.dom, site_.page(4)));
  EXPECT_NE(page.dom.find("<mark>rivers</mark>"), std::string::npos);
  page = part_of_word.get();
  EXPECT_FALSE(links_to(page.dom, site_.page(3))) << page.dom;
  EXPECT_NE(page.dom.find("No article holds river."), std::string::npos);

  // One character, Simplified, finds it written Traditional.
  page = one_character.get();
  EXPECT_TRUE(links_to(page.dom, site_.page(5))) << page.dom;
  EXPECT_NE(page.dom.find("<mark>說</mark>"), std::string::npos);
  EXPECT_NE(page.dom.find("1 article."), std::string::npos);

  // Every term must match: "rain" alone is in two articles; the full-width
  // ＥＬＥＣＴＩＯＮ is the word election.
  page = both_terms.get();
  EXPECT_TRUE(links_to(page.dom, site_.page(4))) << page.dom;
  EXPECT_FALSE(links_to(page.dom, site_.page(3)));
  EXPECT_NE(page.dom.find("<mark>ＥＬＥＣＴＩＯＮ</mark>"), std::string::npos);

  // Three characters match as a substring, across the scripts.
  page = three_characters.get();
  EXPECT_TRUE(links_to(page.dom, site_.page(1))) << page.dom;
  EXPECT_FALSE(links_to(page.dom, site_.page(2)));

  page = nothing.get();
  EXPECT_NE(page.dom.find("No article holds banana."), std::string::npos) << page.dom;
  EXPECT_EQ(page.dom.find("<li>"), std::string::npos);

  // Every file read was the site's (none beside it), and the page asked
  // the network for nothing.
  const std::string site = (root_.path() / "site").string() + "/";
  EXPECT_FALSE(watched.files_opened.empty()) << "strace saw no file opened";
  for (const std::string& file : watched.files_opened) EXPECT_TRUE(file.starts_with(site)) << file;
  EXPECT_TRUE(std::ranges::any_of(watched.files_opened, [&](const std::string& file) {
    return file.starts_with(site + "search/b/");
  }));
  EXPECT_TRUE(watched.net_log_read) << "Chromium wrote no net log";
  EXPECT_TRUE(watched.page_requests.empty()) << watched.page_requests.front();
}

}  // namespace
}  // namespace newsvault::publish
