// Helpers for tests that run `newsvault` against whole archives: a feed
// server with hundreds of articles, the archive's files as a map, and a
// fetch that can be killed.
#ifndef NEWSVAULT_TESTS_SUPPORT_ARCHIVE_TEST_SUPPORT_H_
#define NEWSVAULT_TESTS_SUPPORT_ARCHIVE_TEST_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/http_test_server.h"

namespace newsvault::testing {

// An RSS 2.0 feed named `name` with `items` articles, each with a short
// body of a few paragraphs and an image, published on different days (so
// the documents spread over many folders). Served with an ETag, answering
// 304 to a client that has it.
void serve_news_feed(HttpTestServer& server, const std::string& path, const std::string& name,
                     int items);

// Every file of the archive that people see (not .newsvault/, .git/ or
// newsvault.toml), by path relative to the archive, with its bytes.
std::map<std::string, std::string> archive_files(const std::filesystem::path& archive);

// The tree of the archive's last commit ("git rev-parse HEAD^{tree}"): two
// archives whose histories end with the same files give the same id,
// whatever their commits' ids.
std::string head_tree(const std::filesystem::path& archive);

// Starts the built newsvault with `arguments` (stdout and stderr thrown
// away); returns its process id.
pid_t start_newsvault(const std::vector<std::string>& arguments);

// How a started process ended.
struct Ending {
  bool killed = false;  // by the SIGKILL below, before it ended on its own
  int exit_status = -1; // when it ended on its own
  std::chrono::microseconds ran_for{0};  // when it ended on its own: how long it took
};
// Waits `delay`, then kills `process` with SIGKILL (unless it has ended)
// and reaps it.
Ending kill_after(pid_t process, std::chrono::microseconds delay);

}  // namespace newsvault::testing

#endif  // NEWSVAULT_TESTS_SUPPORT_ARCHIVE_TEST_SUPPORT_H_
