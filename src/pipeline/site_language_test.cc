// The site's page of each article says the article's own language in
// <html lang>: its page's <html lang>, else its feed's <language>, else the
// archive's [publish] language. Feeds in both Chinese scripts, served from
// 127.0.0.1.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "pipeline/pipeline.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

using testing::HttpTestServer;

// An RSS feed of one story, with `language` as its <language> ("": none).
std::string one_story_feed(const HttpTestServer& server, const std::string& name, const std::string& language,
                           const std::string& title, const std::string& text) {
  return "<rss version=\"2.0\"><channel><title>" + name + "</title><link>" + server.url("/") + "</link>" +
         (language.empty() ? "" : "<language>" + language + "</language>") + "<item><title>" + title +
         "</title><link>" + server.url("/news/" + name) + "</link><guid>" + name + "-1</guid><description>&lt;p&gt;" +
         text + "&lt;/p&gt;</description></item></channel></rss>";
}

// The <html lang> of the site's page whose <title> starts with `title`.
std::map<std::string, std::string> page_languages(const std::filesystem::path& site) {
  std::map<std::string, std::string> languages;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(site / "feeds")) {
    if (entry.path().extension() != ".html" || entry.path().filename() == "index.html") continue;
    const std::string page = testing::read_file(entry.path());
    const auto lang = page.find("<html lang=\"");
    const auto title = page.find("<title>");
    if (lang == std::string::npos || title == std::string::npos) continue;
    const std::string value = page.substr(lang + 12, page.find('"', lang + 12) - lang - 12);
    languages[page.substr(title + 7, page.find(" · ", title) - title - 7)] = value;
  }
  return languages;
}

class SiteLanguageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Archive::init(dir_.path()).has_value());
    testing::write_file(dir_.path() / kConfigFileName,
                        "[fetch]\nfull_text = \"never\"\nretry_base_delay_ms = 1\nmax_attempts = 1\n"
                        "[feeds.paged]\nfull_text = \"always\"\n"
                        "[publish]\nlanguage = \"zh-Hant\"\n[publish.git]\nenabled = false\n"
                        "[warc]\nenabled = false\n");
    auto archive = Archive::open(dir_.path());
    ASSERT_TRUE(archive.has_value()) << archive.error().message();
    archive_ = std::move(*archive);
    client_ = fetch::make_http_client(archive_->config().fetch);
  }

  void serve_feed(const std::string& name, const std::string& language, const std::string& title,
                  const std::string& text) {
    server_.set("/" + name + ".xml", {.headers = {{"Content-Type", "application/rss+xml; charset=utf-8"}},
                                      .body = one_story_feed(server_, name, language, title, text)});
    ASSERT_TRUE(archive_->store().add_feed(name, server_.url("/" + name + ".xml"), "").has_value());
  }

  void fetch() {
    auto summary = run_fetch(*archive_, *client_, *parse_date("2026-03-02T08:00:00Z"), nullptr);
    ASSERT_TRUE(summary.has_value()) << summary.error().message();
    EXPECT_TRUE(summary->errors.empty()) << summary->errors.front();
  }

  testing::TempDir dir_;
  HttpTestServer server_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<fetch::HttpClient> client_;
};

TEST_F(SiteLanguageTest, EachArticlePageSaysItsFeedsLanguageInEitherChineseScript) {
  serve_feed("simplified", "zh-CN", "港口重新开放", "潜水员清理了航道，渡轮恢复了原来的时刻表。");
  serve_feed("traditional", "zh_TW", "港口重新開放", "潛水員清理了航道，渡輪恢復了原來的時刻表。");
  serve_feed("unsaid", "", "No language said", "A feed that says no language.");
  fetch();

  const auto languages = page_languages(dir_.path() / "site");
  EXPECT_EQ(languages.at("港口重新开放"), "zh-CN");
  // As a tag: "zh_TW" is how some feeds write zh-TW.
  EXPECT_EQ(languages.at("港口重新開放"), "zh-TW");
  // Unknown: the archive's own language.
  EXPECT_EQ(languages.at("No language said"), "zh-Hant");
}

TEST_F(SiteLanguageTest, ThePagesOwnLanguageOverridesItsFeeds) {
  // A feed that says English, whose page says Traditional Chinese (Hong Kong).
  serve_feed("paged", "en", "Harbour", "A teaser.");
  std::string page = "<!DOCTYPE html><html lang=\"zh-Hant-HK\"><head><title>港口重新開放</title></head><body>"
                     "<article><h1>港口重新開放</h1>";
  for (int i = 0; i < 6; ++i) {
    page += "<p>潛水員今早清理了航道之後，港口重新開放，渡輪在中午之前已經恢復了原來的時刻表，第" +
            std::to_string(i) + "段。</p>";
  }
  server_.set("/news/paged", {.headers = {{"Content-Type", "text/html; charset=utf-8"}},
                              .body = page + "</article></body></html>"});
  fetch();

  const auto languages = page_languages(dir_.path() / "site");
  ASSERT_EQ(languages.size(), 1u);
  EXPECT_EQ(languages.begin()->second, "zh-Hant-HK") << languages.begin()->first;
}

}  // namespace
}  // namespace newsvault::pipeline
