#include <unistd.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "record/record.h"
#include "support/test_support.h"

namespace newsvault::record {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

bool have_tools() {
  return run_command("command -v ssh-keygen && command -v sha256sum").exit_status == 0;
}

// A fresh ed25519 key without a passphrase, as `ssh-keygen -t ed25519` makes one.
fs::path make_key(const fs::path& dir) {
  const fs::path key = dir / "signing_key";
  const auto made = run_command("ssh-keygen -q -t ed25519 -N '' -C archive@example -f " + shell_quote(key.string()));
  EXPECT_EQ(made.exit_status, 0) << made.err;
  return key;
}

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tools()) GTEST_SKIP() << "ssh-keygen or sha256sum is missing (Debian: openssh-client, coreutils)";
    root_ = archive_.path();
    key_ = make_key(keys_.path());
    fs::create_directories(root_ / "world/2026/12");
    fs::create_directories(root_ / ".newsvault/warc");
    testing::write_file(root_ / "world/2026/12/04-a.md", "# A\n\nfirst text " + std::to_string(::getpid()) + "\n");
    testing::write_file(root_ / "world/2026/12/04-b.md", "# B\n\nsecond text\n");
    testing::write_file(root_ / ".newsvault/warc/newsvault-20261204-00001.warc.gz", "not really gzip");
  }

  // Runs `command` in the archive's folder.
  testing::CommandResult in_archive(const std::string& command) {
    return run_command("cd " + shell_quote(root_.string()) + " && " + command);
  }

  TempDir archive_;
  TempDir keys_;
  fs::path root_;
  fs::path key_;
};

TEST_F(ManifestTest, EveryoneCanCheckTheSignedManifestWithoutNewsvault) {
  auto summary = update_manifest(root_, "2026-12-04",
                                 {"world/2026/12/04-a.md", "world/2026/12/04-b.md",
                                  ".newsvault/warc/newsvault-20261204-00001.warc.gz"},
                                 {.ssh_key = key_});
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->manifest, "manifests/2026-12-04.sha256");
  EXPECT_EQ(summary->signature, "manifests/2026-12-04.sha256.sig");
  EXPECT_EQ(summary->files, 3u);

  const auto sums = in_archive("sha256sum -c manifests/2026-12-04.sha256");
  EXPECT_EQ(sums.exit_status, 0) << sums.out << sums.err;
  EXPECT_NE(sums.out.find("world/2026/12/04-a.md: OK"), std::string::npos);
  const auto signature = in_archive(
      "ssh-keygen -Y verify -f manifests/allowed_signers -I newsvault -n newsvault "
      "-s manifests/2026-12-04.sha256.sig < manifests/2026-12-04.sha256");
  EXPECT_EQ(signature.exit_status, 0) << signature.out << signature.err;
  EXPECT_NE(signature.out.find("Good \"newsvault\" signature"), std::string::npos) << signature.out;

  auto report = verify_manifests(root_, {}, true);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->files, 3u);
  EXPECT_EQ(report->signatures, 1u);
  EXPECT_TRUE(report->problems.empty());
}

TEST_F(ManifestTest, AChangedDocumentIsNamedAndPlainSha256sumFailsOnItToo) {
  ASSERT_TRUE(update_manifest(root_, "2026-12-04", {"world/2026/12/04-a.md", "world/2026/12/04-b.md"},
                              {.ssh_key = key_}));
  testing::write_file(root_ / "world/2026/12/04-b.md", "# B\n\nsecond text, edited\n");

  auto report = verify_manifests(root_, {}, true);
  ASSERT_TRUE(report);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].path, "world/2026/12/04-b.md");
  EXPECT_EQ(report->problems[0].what, "changed since manifests/2026-12-04.sha256 listed it");
  EXPECT_EQ(report->signatures, 1u);  // the manifest itself is as signed
  const auto sums = in_archive("sha256sum -c manifests/2026-12-04.sha256");
  EXPECT_NE(sums.exit_status, 0);
  EXPECT_NE(sums.out.find("world/2026/12/04-b.md: FAILED"), std::string::npos) << sums.out;
}

TEST_F(ManifestTest, AManifestEditedAfterSigningFailsItsSignature) {
  ASSERT_TRUE(update_manifest(root_, "2026-12-04", {"world/2026/12/04-a.md"}, {.ssh_key = key_}));
  // Someone edits a document and the manifest's line to match.
  testing::write_file(root_ / "world/2026/12/04-a.md", "# A\n\nforged\n");
  const auto forged = in_archive("sha256sum world/2026/12/04-a.md > manifests/2026-12-04.sha256");
  ASSERT_EQ(forged.exit_status, 0);

  auto report = verify_manifests(root_, {}, true);
  ASSERT_TRUE(report);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].path, "manifests/2026-12-04.sha256");
  EXPECT_TRUE(report->problems[0].what.starts_with("bad signature")) << report->problems[0].what;
  const auto signature = in_archive(
      "ssh-keygen -Y verify -f manifests/allowed_signers -I newsvault -n newsvault "
      "-s manifests/2026-12-04.sha256.sig < manifests/2026-12-04.sha256");
  EXPECT_NE(signature.exit_status, 0);
}

TEST_F(ManifestTest, ALaterRunOfTheDayAddsItsFilesAndKeepsTheEarlierOnes) {
  ASSERT_TRUE(update_manifest(root_, "2026-12-04", {"world/2026/12/04-a.md"}, {.ssh_key = key_}));
  testing::write_file(root_ / "world/2026/12/04-a.md", "# A\n\nrevised the same day\n");
  auto later = update_manifest(root_, "2026-12-04", {"world/2026/12/04-a.md", "world/2026/12/04-b.md"},
                               {.ssh_key = key_});
  ASSERT_TRUE(later);
  EXPECT_EQ(later->files, 2u);
  auto report = verify_manifests(root_, {}, true);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->problems.empty()) << report->problems[0].path << ": " << report->problems[0].what;
  EXPECT_FALSE(fs::exists(root_ / "manifests/.2026-12-04.sha256.new"));
}

TEST_F(ManifestTest, AKeyThatCannotSignIsReportedWithSshKeygensWords) {
  const fs::path missing = keys_.path() / "no_such_key";
  auto summary = update_manifest(root_, "2026-12-04", {"world/2026/12/04-a.md"}, {.ssh_key = missing});
  ASSERT_FALSE(summary);
  EXPECT_NE(summary.error().message().find("signing manifests/2026-12-04.sha256 with " + missing.string()),
            std::string::npos)
      << summary.error().message();
  EXPECT_FALSE(fs::exists(root_ / "manifests/2026-12-04.sha256.sig"));
}

TEST(ManifestDayTest, TheDayIsTheUtcDateOfTheRun) {
  EXPECT_EQ(day_of(Timestamp(std::chrono::milliseconds(1'780'000'000'000))), "2026-05-28");
}

}  // namespace
}  // namespace newsvault::record
