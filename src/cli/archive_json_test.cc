// `list --json`, `list --feeds --json` and `show --json` as a program reads
// them (docs/archive-json.md), over an archive of a teaser feed whose page
// fails and then recovers, served from 127.0.0.1.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "support/conditional_handler.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

using testing::HttpTestServer;
using testing::run_newsvault;

std::string page(const std::string& title) {
  std::string html = "<!DOCTYPE html><html><head><title>" + title + "</title></head><body><article><h1>" +
                     title + "</h1>";
  for (int i = 0; i < 6; ++i) {
    html += "<p>Paragraph " + std::to_string(i) +
            " tells at length what happened at the harbour, who spoke, what the divers found in the "
            "channel and what the council means to do next about it.</p>";
  }
  return html + "</article></body></html>";
}

class ArchiveJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    feed_ = std::make_shared<std::string>(
        "<rss version=\"2.0\"><channel><title>Gazette</title><link>" + server_.url("/") +
        "</link><description>d</description><item><title>Harbour reopens</title><link>" +
        server_.url("/news/harbour") +
        "</link><guid>harbour</guid><pubDate>Mon, 19 Jun 2023 08:00:00 GMT</pubDate>"
        "<description>The harbour reopened on Monday&#8230;</description></item></channel></rss>");
    server_.set_handler("/feed.xml", testing::conditional_handler(feed_, "application/rss+xml"));
    server_.set("/news/harbour", {404, {}, "not found", {}});
    ASSERT_EQ(newsvault("init " + archive_.path().string()).exit_status, 0);
    testing::write_file(archive_.path() / "newsvault.toml",
                        "[fetch]\nretry_base_delay_ms = 1\nmax_attempts = 1\n[publish.git]\nenabled = false\n");
    const auto added = newsvault("add " + server_.url("/feed.xml") + " --name gazette");
    ASSERT_EQ(added.exit_status, 0) << added.err;
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + archive_.path().string() + " " + arguments);
  }

  nlohmann::json json_of(const std::string& arguments) {
    const auto result = newsvault(arguments);
    EXPECT_EQ(result.exit_status, 0) << arguments << ": " << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
  }

  HttpTestServer server_;
  testing::TempDir archive_;
  std::shared_ptr<std::string> feed_;
};

TEST_F(ArchiveJsonTest, ListAndShowSayWhatIsPendingAndWhatCausedEachRevision) {
  const auto failed = newsvault("fetch --now 2023-06-19T09:00:00Z");
  EXPECT_EQ(failed.exit_status, 3) << failed.err;
  EXPECT_NE(failed.out.find("1 pending"), std::string::npos) << failed.out;

  const nlohmann::json feeds = json_of("list --feeds --json");
  ASSERT_EQ(feeds["feeds"].size(), 1u);
  EXPECT_EQ(feeds["feeds"][0]["state"], "error");
  ASSERT_EQ(feeds["feeds"][0]["pending"].size(), 1u) << feeds.dump();
  EXPECT_EQ(feeds["feeds"][0]["pending"][0]["kind"], "page");
  EXPECT_EQ(feeds["feeds"][0]["pending"][0]["url"], server_.url("/news/harbour"));
  EXPECT_NE(feeds["feeds"][0]["pending"][0]["error"].get<std::string>().find("HTTP 404"), std::string::npos);
  EXPECT_NE(newsvault("list --feeds").out.find("1 pending"), std::string::npos);

  const nlohmann::json list = json_of("list --json");
  ASSERT_EQ(list["articles"].size(), 1u);
  const nlohmann::json& article = list["articles"][0];
  EXPECT_EQ(article["feeds"], nlohmann::json::array({"gazette"}));
  EXPECT_EQ(article["status"], "listed");
  EXPECT_EQ(article["url"], server_.url("/news/harbour"));
  const std::string id = std::to_string(article["id"].get<int>());

  nlohmann::json shown = json_of("show --json " + id);
  ASSERT_EQ(shown["revisions"].size(), 1u);
  EXPECT_EQ(shown["revisions"][0]["cause"], "source");
  EXPECT_EQ(shown["revisions"][0]["note"], "first archived");
  EXPECT_EQ(shown["revisions"][0]["origin"], "entry");
  EXPECT_EQ(shown["revisions"][0]["fetched"]["url"], server_.url("/feed.xml"));
  EXPECT_EQ(shown["revisions"][0]["fetched"]["http_status"], 200);
  EXPECT_EQ(shown["revisions"][0]["payload_hash"].get<std::string>().size(), 64u);

  // The page can be read; the feed answers 304.
  server_.set_handler("/news/harbour",
                      testing::conditional_handler(std::make_shared<std::string>(page("Harbour reopens")),
                                                   "text/html"));
  const auto recovered = newsvault("fetch --now 2023-06-19T10:00:00Z");
  EXPECT_EQ(recovered.exit_status, 0) << recovered.err;
  shown = json_of("show --json " + id);
  ASSERT_EQ(shown["revisions"].size(), 2u);
  EXPECT_EQ(shown["revisions"][1]["cause"], "processing");
  EXPECT_EQ(shown["revisions"][1]["note"], "full text from the page");
  EXPECT_EQ(shown["revisions"][1]["origin"], "page");
  EXPECT_EQ(shown["source_changes"], 0);
  EXPECT_EQ(json_of("list --feeds --json")["feeds"][0]["state"], "ok");
  EXPECT_NE(newsvault("show " + id).out.find("processing: full text from the page"), std::string::npos);
}

}  // namespace
}  // namespace newsvault::cli
