// What `newsvault add` checks of a URL: feed_url_from_argument,
// feed_with_url and discover_feeds (against a server on 127.0.0.1).
#include <gtest/gtest.h>

#include "pipeline/pipeline.h"
#include "support/http_test_server.h"
#include "support/test_support.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;

constexpr const char* kRss =
    "<rss version=\"2.0\"><channel><title>Gazette</title><item><title>One</title>"
    "<link>https://gazette.example/1</link></item></channel></rss>";

// The message of a refusal, or "" when there was none.
std::string refusal(const Result<std::string>& result) {
  if (result) return "";
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  return result.error().message();
}

class FeedUrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "feeds");
    testing::write_file(dir_.path() / "feeds/world.rss", kRss);
  }
  Result<std::string> from(std::string_view argument) {
    return feed_url_from_argument(argument, dir_.path());
  }
  std::string file_url(const std::string& relative) {
    return "file://" + (dir_.path() / relative).string();
  }

  testing::TempDir dir_;
};

TEST_F(FeedUrlTest, KeepsWebUrlsAsWrittenButInTheNormalFormArticleAddressesHaveToo) {
  EXPECT_EQ(from("https://rss.dw.com/rdf/rss-chi-all").value_or(""),
            "https://rss.dw.com/rdf/rss-chi-all");
  EXPECT_EQ(from("  HTTPS://RSS.DW.com:443/rdf/Rss?a=B#x \n").value_or(""),
            "https://rss.dw.com/rdf/Rss?a=B#x");
  EXPECT_EQ(from("http://blog.example:80").value_or(""), "http://blog.example/");
  EXPECT_EQ(from("http://blog.example:8080/feed").value_or(""), "http://blog.example:8080/feed");
  EXPECT_EQ(from("http://user:secret@[::1]:8080/feed").value_or(""),
            "http://user:secret@[::1]:8080/feed");
  EXPECT_EQ(from("https://中文.example/新闻").value_or(""), "https://中文.example/新闻");
  EXPECT_EQ(from("http://Blog.Example/news/../feed%7e%2f").value_or(""), "http://blog.example/feed~%2F");
}

TEST_F(FeedUrlTest, RefusesSchemesItCannotReadNamingTheUrlAndTheScheme) {
  EXPECT_EQ(refusal(from("ftp://x")),
            "ftp://x: newsvault reads http, https and file URLs and local paths, not ftp: URLs");
  EXPECT_EQ(
      refusal(from("htp:/bad url")),
      "htp:/bad url: newsvault reads http, https and file URLs and local paths, not htp: URLs");
  EXPECT_NE(refusal(from("javascript:alert(1)")).find("not javascript: URLs"), std::string::npos);
}

TEST_F(FeedUrlTest, RefusesWebUrlsThatDoNotParseSayingWhy) {
  EXPECT_EQ(refusal(from("http://exa mple.com/feed")),
            "http://exa mple.com/feed: not a valid URL: a URL holds no spaces (write %20)");
  EXPECT_EQ(refusal(from("http:/example.com/feed")),
            "http:/example.com/feed: not a valid URL: http: is followed by //HOST");
  EXPECT_EQ(refusal(from("https://")), "https://: not a valid URL: it names no host");
  EXPECT_EQ(refusal(from("https:///feed")), "https:///feed: not a valid URL: it names no host");
  EXPECT_EQ(refusal(from("https://example.com:99999/")),
            "https://example.com:99999/: not a valid URL: 99999 is no port");
  EXPECT_EQ(refusal(from("https://example.com:http/")),
            "https://example.com:http/: not a valid URL: http is no port");
  EXPECT_EQ(refusal(from("https://exa_mple<.com/")),
            "https://exa_mple<.com/: not a valid URL: a URL holds no '<' (percent-encode it)");
  EXPECT_EQ(
      refusal(from("https://example.com/%zz")),
      "https://example.com/%zz: not a valid URL: a '%' in a URL is followed by two hex digits");
  EXPECT_EQ(refusal(from("https://[::1/feed")),
            "https://[::1/feed: not a valid URL: an IPv6 address without its closing ']'");
  EXPECT_EQ(refusal(from("https://[::1]x/feed")),
            "https://[::1]x/feed: not a valid URL: the host [::1]x is no IPv6 address");
}

TEST_F(FeedUrlTest, MakesARelativePathAnAbsoluteFileUrl) {
  EXPECT_EQ(from("feeds/world.rss").value_or(""), file_url("feeds/world.rss"));
  EXPECT_EQ(from("./feeds/../feeds/world.rss").value_or(""), file_url("feeds/world.rss"));
}

TEST_F(FeedUrlTest, MakesAnAbsolutePathAFileUrlAndKeepsFileUrls) {
  const std::string absolute = (dir_.path() / "feeds/world.rss").string();
  EXPECT_EQ(from(absolute).value_or(""), file_url("feeds/world.rss"));
  EXPECT_EQ(from("file://" + absolute).value_or(""), file_url("feeds/world.rss"));
  EXPECT_EQ(from("file://localhost" + absolute).value_or(""), file_url("feeds/world.rss"));
  EXPECT_EQ(from("file:" + absolute).value_or(""), file_url("feeds/world.rss"));
}

TEST_F(FeedUrlTest, PercentEncodesWhatAPathMayHoldButAUrlMayNot) {
  testing::write_file(dir_.path() / "feeds/world news #1 100%.rss", kRss);
  const std::string encoded = file_url("feeds/world%20news%20%231%20100%25.rss");
  EXPECT_EQ(from("feeds/world news #1 100%.rss").value_or(""), encoded);
  // And reads it back as the same file.
  EXPECT_EQ(from(encoded).value_or(""), encoded);
  // fetch, which reads file URLs, finds it.
  auto client = fetch::make_http_client({});
  fetch::Response response;
  client->fetch_all({fetch::Request{encoded, "", ""}},
                    [&](std::size_t, fetch::Response done) { response = std::move(done); });
  EXPECT_EQ(response.outcome, fetch::FetchOutcome::kOk) << response.error;
}

TEST_F(FeedUrlTest, RefusesAPathThatDoesNotExistNamingIt) {
  const std::string missing = (dir_.path() / "feeds/gone.rss").string();
  EXPECT_EQ(refusal(from("feeds/gone.rss")),
            "feeds/gone.rss (" + missing +
                "): no such file; a feed on the web is added by its http:// or https:// URL");
  EXPECT_EQ(refusal(from(missing)),
            missing + ": no such file; a feed on the web is added by its http:// or https:// URL");
  EXPECT_EQ(refusal(from("file://" + missing)),
            "file://" + missing + " (" + missing + "): no such file");
  EXPECT_EQ(refusal(from("feeds")),
            "feeds (" + (dir_.path() / "feeds").string() + "): a folder, not a feed");
}

TEST_F(FeedUrlTest, RefusesFileUrlsOfOtherHostsAndWithoutAnAbsolutePath) {
  EXPECT_EQ(refusal(from("file://server/feeds/world.rss")),
            "file://server/feeds/world.rss: a file on another host (server); file URLs name files "
            "of this machine");
  EXPECT_EQ(refusal(from("file:feeds/world.rss")),
            "file:feeds/world.rss: not a valid file URL: write file:///ABSOLUTE/PATH");
}

TEST_F(FeedUrlTest, AFileNameWithAColonIsAPathWhenItExists) {
  testing::write_file(dir_.path() / "notes:2024.rss", kRss);
  EXPECT_EQ(from("notes:2024.rss").value_or(""), file_url("notes:2024.rss"));
}

TEST_F(FeedUrlTest, AnEmptyArgumentIsRefused) {
  EXPECT_EQ(refusal(from("  ")), "the feed's URL is empty");
}

store::FeedRecord feed_named(std::string name, std::string url) {
  store::FeedRecord feed;
  feed.name = std::move(name);
  feed.url = std::move(url);
  return feed;
}

TEST_F(FeedUrlTest, FindsTheFeedWithTheSameUrlOnceBothAreInTheArchivesForm) {
  const std::vector<store::FeedRecord> feeds = {
      feed_named("dw-chinese", "https://rss.dw.com/rdf/rss-chi-all  "),
      feed_named("blog", "HTTPS://Blog.Example:443"),
      feed_named("world", "feeds/world.rss"),  // stored relative, before add made paths absolute
  };
  const auto named = [&](std::string_view url) {
    auto feed = feed_with_url(feeds, url, dir_.path());
    return feed ? feed->name : "";
  };
  EXPECT_EQ(named("https://rss.dw.com/rdf/rss-chi-all"), "dw-chinese");
  EXPECT_EQ(named(" https://rss.dw.com/rdf/rss-chi-all\t"), "dw-chinese");
  EXPECT_EQ(named("https://blog.example/"), "blog");
  EXPECT_EQ(named(file_url("feeds/world.rss")), "world");
  EXPECT_EQ(named("https://rss.dw.com/rdf/rss-chi-all?x"), "");
  EXPECT_EQ(named("https://rss.dw.com/rdf/RSS-chi-all"), "");  // paths keep their case
}

class DiscoverFeedsTest : public ::testing::Test {
 protected:
  Result<FeedDiscovery> discover(const std::string& url) {
    fetch::ClientOptions options;
    options.max_attempts = 1;
    auto client = fetch::make_http_client(options);
    return discover_feeds(*client, url, feed::ParseOptions{});
  }

  HttpTestServer server_;
};

TEST_F(DiscoverFeedsTest, AFeedIsAFeedWhateverItsContentTypeSays) {
  server_.set("/feed", {.headers = {{"Content-Type", "text/html; charset=utf-8"}}, .body = kRss});
  auto found = discover(server_.url("/feed"));
  ASSERT_TRUE(found.has_value()) << found.error().message();
  EXPECT_TRUE(found->is_feed);
  EXPECT_TRUE(found->links.empty());
}

TEST_F(DiscoverFeedsTest, AnHtmlPageGivesTheFeedsItLinksToResolvedAgainstWhereItWasFound) {
  server_.set("/blog", {.status = 301, .headers = {{"Location", "/blog/"}}});
  server_.set("/blog/",
              {.headers = {{"Content-Type", "text/html"}},
               .body = "<html><head><link rel=\"alternate\" type=\"application/atom+xml\" "
                       "title=\"Posts\" href=\"atom.xml\"></head><body></body></html>"});
  auto found = discover(server_.url("/blog"));
  ASSERT_TRUE(found.has_value()) << found.error().message();
  EXPECT_FALSE(found->is_feed);
  ASSERT_EQ(found->links.size(), 1u);
  EXPECT_EQ(found->links[0].url, server_.url("/blog/atom.xml"));
  EXPECT_EQ(found->links[0].title, "Posts");
  EXPECT_EQ(server_.requests().back().header("user-agent"), "newsvault/0.1");
}

TEST_F(DiscoverFeedsTest, APageWithoutAContentTypeIsKnownByItsFirstTag) {
  testing::TempDir dir;
  testing::write_file(dir.path() / "page.html",
                      "\xEF\xBB\xBF\n  <!DOCTYPE html><html><head><link rel=\"alternate\" "
                      "type=\"application/rss+xml\" href=\"world.rss\"></head></html>");
  auto found = discover("file://" + (dir.path() / "page.html").string());
  ASSERT_TRUE(found.has_value()) << found.error().message();
  EXPECT_FALSE(found->is_feed);
  ASSERT_EQ(found->links.size(), 1u);
  EXPECT_EQ(found->links[0].url, "file://" + (dir.path() / "world.rss").string());
}

TEST_F(DiscoverFeedsTest, AnHtmlPageWithoutFeedLinksGivesNone) {
  server_.set("/",
              {.headers = {{"Content-Type", "text/html"}}, .body = "<p>Nothing to follow.</p>"});
  auto found = discover(server_.url("/"));
  ASSERT_TRUE(found.has_value()) << found.error().message();
  EXPECT_FALSE(found->is_feed);
  EXPECT_TRUE(found->links.empty());
}

TEST_F(DiscoverFeedsTest, WhatIsNeitherFeedNorPageIsRefusedNamingTheUrl) {
  server_.set("/data",
              {.headers = {{"Content-Type", "application/octet-stream"}}, .body = "\x01\x02 data"});
  auto found = discover(server_.url("/data"));
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kParse);
  EXPECT_TRUE(found.error().message().starts_with(server_.url("/data") +
                                                  ": neither a feed nor a web page ("))
      << found.error().message();
}

TEST_F(DiscoverFeedsTest, AUrlThatCannotBeReadFailsWithTheFetchError) {
  auto found = discover(server_.url("/missing"));
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kIo);
  EXPECT_EQ(found.error().message(), "GET " + server_.url("/missing") + ": HTTP 404");
}

}  // namespace
}  // namespace newsvault::pipeline
