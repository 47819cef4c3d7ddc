// What a fetch keeps as evidence: every response in the archive's WARC
// files (not in its history), each revision pointing at its record, and a
// signed manifest of the day's files that newsvault verify, sha256sum and
// ssh-keygen all check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "record/record.h"
#include "store/store.h"
#include "support/http_test_server.h"
#include "support/test_images.h"
#include "support/test_support.h"

namespace newsvault::cli {
namespace {

namespace fs = std::filesystem;
using testing::HttpTestServer;
using testing::run_command;
using testing::run_newsvault;
using testing::shell_quote;

std::string feed(const std::string& stamp, int items) {
  std::string text = "<rss version=\"2.0\"><channel><title>Gazette</title>";
  for (int i = 1; i <= items; ++i) {
    const std::string id = std::to_string(i);
    text += "<item><title>Story " + id + "</title><link>http://example.com/" + id + "</link><guid>story-" + id +
            "</guid><pubDate>0" + id + " Dec 2026 08:00:00 GMT</pubDate><description>&lt;p&gt;Story " + id +
            " as served in " + stamp + ", long enough to read as it is.&lt;/p&gt;</description></item>";
  }
  return text + "</channel></rss>";
}

class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v git && command -v ssh-keygen && command -v sha256sum").exit_status != 0) {
      GTEST_SKIP() << "git, ssh-keygen or sha256sum is missing";
    }
    archive_ = dir_.path() / "archive";
    ASSERT_EQ(run_newsvault("init " + shell_quote(archive_.string())).exit_status, 0);
    const fs::path key = dir_.path() / "archive_key";
    ASSERT_EQ(run_command("ssh-keygen -q -t ed25519 -N '' -f " + shell_quote(key.string())).exit_status, 0);
    testing::write_file(archive_ / "newsvault.toml",
                        "[fetch]\nmax_attempts = 1\nfull_text = \"never\"\n"
                        "[publish.sign]\nssh_key = \"" + key.string() + "\"\n");
    stamp_ = std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr));
    server_.set_handler("/feed.xml", [this](const HttpTestServer::RecordedRequest& request) {
      if (request.header("if-none-match") == "\"" + stamp_ + "\"") return HttpTestServer::CannedResponse{.status = 304};
      return HttpTestServer::CannedResponse{
          .headers = {{"ETag", "\"" + stamp_ + "\""}, {"Content-Type", "application/rss+xml"}},
          .body = feed(stamp_, 2)};
    });
    ASSERT_EQ(newsvault("add " + server_.url("/feed.xml") + " --name gazette").exit_status, 0);
  }

  testing::CommandResult newsvault(const std::string& arguments) {
    return run_newsvault("--dir " + shell_quote(archive_.string()) + " " + arguments);
  }
  testing::CommandResult in_archive(const std::string& command) {
    return run_command("cd " + shell_quote(archive_.string()) + " && " + command);
  }

  testing::TempDir dir_;
  fs::path archive_;
  HttpTestServer server_;
  std::string stamp_;
};

TEST_F(EvidenceTest, AFetchKeepsTheFeedAsServedAndARevisionNamesItsRecord) {
  const auto fetched = newsvault("fetch --now 2026-12-04T10:00:00Z");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  const auto again = newsvault("fetch --now 2026-12-04T11:00:00Z");  // answered 304
  ASSERT_EQ(again.exit_status, 0) << again.err;

  const auto shown = newsvault("show 1 --json");
  ASSERT_EQ(shown.exit_status, 0) << shown.err;
  const auto article = nlohmann::json::parse(shown.out);
  const std::string pointer = article["revisions"][0]["warc_record"];
  const auto colon = pointer.rfind(':');
  ASSERT_NE(colon, std::string::npos) << pointer;
  const fs::path file = archive_ / record::kWarcDirectory / pointer.substr(0, colon);
  const std::uint64_t offset = std::stoull(pointer.substr(colon + 1));

  std::string type_at_offset;
  std::string target_at_offset;
  std::vector<std::string> types;
  auto read = record::read_warc(file, [&](const record::StoredRecord& stored) {
    types.push_back(stored.type);
    if (stored.offset == offset) {
      type_at_offset = stored.type;
      target_at_offset = stored.target_uri;
    }
    return true;
  });
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(type_at_offset, "response");
  EXPECT_EQ(target_at_offset, server_.url("/feed.xml"));
  // Two runs, each with its warcinfo; the second's feed answered 304.
  EXPECT_EQ(std::count(types.begin(), types.end(), "warcinfo"), 2);
  EXPECT_EQ(std::count(types.begin(), types.end(), "revisit"), 1);
  // The record holds this run's feed, byte for byte.
  const auto zcat = run_command("zcat " + shell_quote(file.string()));
  EXPECT_NE(zcat.out.find(feed(stamp_, 2)), std::string::npos);

  // Kept out of the history.
  const auto tracked = in_archive("git ls-files");
  EXPECT_EQ(tracked.out.find(".warc"), std::string::npos) << tracked.out;
  EXPECT_NE(tracked.out.find("manifests/2026-12-04.sha256"), std::string::npos) << tracked.out;
}

TEST_F(EvidenceTest, TheDaysManifestListsTheImagesKeptAndStatusAndCheckCountThem) {
  // A picture of this run's own: its file is new to every archive.
  const std::string picture = testing::make_png(9, 4, static_cast<std::uint32_t>(::getpid()) & 0xFFFFFF);
  server_.set("/picture.png", {.headers = {{"Content-Type", "image/png"}}, .body = picture});
  server_.set_handler("/feed.xml", [this](const HttpTestServer::RecordedRequest&) {
    std::string body = feed(stamp_, 1);
    body.insert(body.find("</description>"), "&lt;img src=\"" + server_.url("/picture.png") + "\"&gt;");
    return HttpTestServer::CannedResponse{.headers = {{"Content-Type", "application/rss+xml"}}, .body = body};
  });
  const auto fetched = newsvault("fetch --now 2026-12-04T10:00:00Z");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  const std::string file = "media/sha256/" + store::sha256_hex(picture).substr(0, 2) + "/" +
                           store::sha256_hex(picture) + ".png";
  EXPECT_EQ(testing::read_file(archive_ / file), picture);
  const std::string manifest = testing::read_file(archive_ / "manifests/2026-12-04.sha256");
  EXPECT_NE(manifest.find(store::sha256_hex(picture) + "  " + file + "\n"), std::string::npos) << manifest;

  const auto status = newsvault("status --json");
  ASSERT_EQ(status.exit_status, 0) << status.err;
  const auto counted = nlohmann::json::parse(status.out);
  EXPECT_EQ(counted["media_files"], 1);
  EXPECT_EQ(counted["media_bytes"], picture.size());
  const auto checked = newsvault("check --json");
  ASSERT_EQ(checked.exit_status, 0) << checked.out << checked.err;
  const auto report = nlohmann::json::parse(checked.out);
  EXPECT_EQ(report["images"], 1);
  EXPECT_EQ(report["media_files"], 1);
  EXPECT_EQ(report["media_bytes"], picture.size());
}

TEST_F(EvidenceTest, TheDaysManifestListsDocumentsAndWarcAndVerifiesUntilADocumentIsEdited) {
  const auto fetched = newsvault("fetch --now 2026-12-04T10:00:00Z");
  ASSERT_EQ(fetched.exit_status, 0) << fetched.err;
  const std::string manifest = testing::read_file(archive_ / "manifests/2026-12-04.sha256");
  EXPECT_NE(manifest.find("  gazette/2026/12/"), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("  .newsvault/warc/newsvault-"), std::string::npos) << manifest;

  const auto verified = newsvault("verify");
  EXPECT_EQ(verified.exit_status, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("1 signatures good"), std::string::npos) << verified.out;
  // Without newsvault.
  const auto sums = in_archive("sha256sum -c manifests/2026-12-04.sha256");
  EXPECT_EQ(sums.exit_status, 0) << sums.out << sums.err;
  const auto signature = in_archive(
      "ssh-keygen -Y verify -f manifests/allowed_signers -I newsvault -n newsvault "
      "-s manifests/2026-12-04.sha256.sig < manifests/2026-12-04.sha256");
  EXPECT_EQ(signature.exit_status, 0) << signature.err;

  // A document edited by hand is named.
  const auto at = manifest.find("  gazette/2026/12/") + 2;
  const std::string document = manifest.substr(at, manifest.find('\n', at) - at);
  testing::write_file(archive_ / document, testing::read_file(archive_ / document) + "an edit\n");
  const auto tampered = newsvault("verify --json");
  EXPECT_EQ(tampered.exit_status, 5);
  const auto report = nlohmann::json::parse(tampered.out);
  ASSERT_EQ(report["problems"].size(), 1u) << tampered.out;
  EXPECT_EQ(report["problems"][0]["path"], document);
}

}  // namespace
}  // namespace newsvault::cli
