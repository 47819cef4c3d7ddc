#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "publish/publish.h"
#include "support/test_support.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;
using newsvault::testing::read_file;
using newsvault::testing::TempDir;

std::size_t entries_in(const fs::path& directory) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory)) ++count;
  return count;
}

TEST(WriteFileAtomicallyTest, CreatesFoldersAndWritesTheContent) {
  TempDir root;
  auto written = write_file_atomically(root.path(), "dw/2023/06/19-1.md", "hello\n");
  ASSERT_TRUE(written.has_value()) << written.error().message();
  EXPECT_EQ(read_file(root.path() / "dw/2023/06/19-1.md"), "hello\n");
}

TEST(WriteFileAtomicallyTest, ReplacesAnOlderVersionAndLeavesNoTemporaryFile) {
  TempDir root;
  ASSERT_TRUE(write_file_atomically(root.path(), "a/b.md", "one").has_value());
  ASSERT_TRUE(write_file_atomically(root.path(), "a/b.md", "two, longer").has_value());
  EXPECT_EQ(read_file(root.path() / "a/b.md"), "two, longer");
  EXPECT_EQ(entries_in(root.path() / "a"), 1u);
}

TEST(WriteFileAtomicallyTest, LeavesAFileWithTheSameBytesUntouched) {
  TempDir root;
  const fs::path file = root.path() / "doc.md";
  ASSERT_TRUE(write_file_atomically(root.path(), "doc.md", "same").has_value());
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24);
  fs::last_write_time(file, old_time);
  struct stat before {};
  ASSERT_EQ(::stat(file.c_str(), &before), 0);

  ASSERT_TRUE(write_file_atomically(root.path(), "doc.md", "same").has_value());
  struct stat after {};
  ASSERT_EQ(::stat(file.c_str(), &after), 0);
  EXPECT_EQ(fs::last_write_time(file), old_time);
  EXPECT_EQ(before.st_ino, after.st_ino);

  ASSERT_TRUE(write_file_atomically(root.path(), "doc.md", "different").has_value());
  EXPECT_NE(fs::last_write_time(file), old_time);
}

TEST(WriteFileAtomicallyTest, WritesFilesOthersCanRead) {
  TempDir root;
  ASSERT_TRUE(write_file_atomically(root.path(), "doc.md", "x").has_value());
  const auto permissions = fs::status(root.path() / "doc.md").permissions();
  EXPECT_NE(permissions & fs::perms::others_read, fs::perms::none);
}

TEST(WriteFileAtomicallyTest, RefusesPathsOutsideTheRoot) {
  TempDir root;
  for (std::string path : {"../escape.md", "a/../../escape.md", "/etc/escape.md", "", "a/"}) {
    auto written = write_file_atomically(root.path() / "inner", path, "x");
    ASSERT_FALSE(written.has_value()) << path;
    EXPECT_EQ(written.error().code(), ErrorCode::kInvalidArgument) << path;
  }
  EXPECT_FALSE(fs::exists(root.path() / "escape.md"));
}

TEST(WriteFileAtomicallyTest, FailureIsAnIoErrorNamingThePath) {
  TempDir root;
  newsvault::testing::write_file(root.path() / "blocker", "a file where a folder should be");
  auto written = write_file_atomically(root.path(), "blocker/doc.md", "x");
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code(), ErrorCode::kIo);
  EXPECT_NE(written.error().message().find((root.path() / "blocker").string()), std::string::npos)
      << written.error().message();
}

}  // namespace
}  // namespace newsvault::publish
