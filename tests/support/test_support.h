// Helpers shared by every stage's tests: where the shared corpus lives,
// reading test files, and running the built newsvault binary.
#ifndef NEWSVAULT_TESTS_SUPPORT_TEST_SUPPORT_H_
#define NEWSVAULT_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <filesystem>
#include <optional>
#include <string>

namespace newsvault::testing {

// ../shared/ beside the repository, or nullopt where it is absent (a user's
// fresh clone). Tests that need it call GTEST_SKIP() with a message then.
std::optional<std::filesystem::path> shared_dir();

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view content);

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  // Under `parent` instead (a tmpfs such as /dev/shm, for tests that write
  // much and need no disk).
  explicit TempDir(const std::filesystem::path& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
  // The largest resident set of the command or any process it waited for
  // (getrusage's ru_maxrss), in KB.
  long peak_memory_kb = 0;
};

// Runs `command_line` with /bin/sh (already shell-quoted where needed),
// stdin from /dev/null, capturing both streams.
CommandResult run_command(const std::string& command_line);

// The built `newsvault`: $NEWSVAULT_BIN, else build/newsvault.
std::string newsvault_binary();

// Runs the built `newsvault` with `arguments` (already shell-quoted where
// needed), capturing both streams.
CommandResult run_newsvault(const std::string& arguments);

// Single quotes for the shell around any text.
std::string shell_quote(std::string_view text);

// A port on `address` (an IPv4 address of 127.0.0.0/8) nothing listens
// on: connections to it are refused, as to a host that is down.
int refusing_port(const std::string& address = "127.0.0.1");

}  // namespace newsvault::testing

#endif  // NEWSVAULT_TESTS_SUPPORT_TEST_SUPPORT_H_
