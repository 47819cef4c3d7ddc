#include "support/archive_test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

#include "support/test_support.h"

extern char** environ;

namespace newsvault::testing {

namespace fs = std::filesystem;

namespace {

std::string news_feed(const std::string& name, int items) {
  std::string feed = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>" +
                     name + "</title><link>https://" + name + ".example.org/</link>";
  for (int i = 0; i < items; ++i) {
    const std::string n = std::to_string(i);
    const int day = 1 + i % 28;
    const int hour = i % 24;
    char date[64];
    std::snprintf(date, sizeof date, "%02d Jun 2023 %02d:%02d:00 GMT", day, hour, i % 60);
    feed += "<item><title>" + name + " story " + n + "</title><link>https://" + name +
            ".example.org/news/" + n + "?utm_source=rss</link><guid isPermaLink=\"false\">" + name +
            "-" + n + "</guid><pubDate>Mon, " + date +
            "</pubDate><description>&lt;p&gt;First paragraph of story " + n +
            " from " + name + ", long enough to read as text.&lt;/p&gt;&lt;p&gt;&lt;img src=\"/img/" +
            n + ".jpg\" alt=\"picture " + n + "\"&gt;&lt;/p&gt;&lt;p&gt;A second paragraph, with a "
            "&lt;a href=\"/more/" + n + "\"&gt;link&lt;/a&gt; and more words.&lt;/p&gt;"
            "</description></item>\n";
  }
  return feed + "</channel></rss>\n";
}

}  // namespace

void serve_news_feed(HttpTestServer& server, const std::string& path, const std::string& name,
                     int items) {
  auto body = std::make_shared<const std::string>(news_feed(name, items));
  const std::string etag = "\"" + std::to_string(std::hash<std::string>{}(*body)) + "\"";
  server.set_handler(path, [body, etag](const HttpTestServer::RecordedRequest& request) {
    HttpTestServer::CannedResponse response;
    response.headers = {{"ETag", etag}};
    if (request.header("if-none-match") == etag) {
      response.status = 304;
      return response;
    }
    response.headers.emplace_back("Content-Type", "application/rss+xml; charset=utf-8");
    response.body = *body;
    return response;
  });
}

std::map<std::string, std::string> archive_files(const fs::path& archive) {
  std::map<std::string, std::string> found;
  for (auto it = fs::recursive_directory_iterator(archive); it != fs::recursive_directory_iterator(); ++it) {
    const std::string relative = fs::relative(it->path(), archive).string();
    if (it->is_directory() && (relative == ".git" || relative == ".newsvault")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || relative == "newsvault.toml") continue;
    found[relative] = read_file(it->path());
  }
  return found;
}

std::string head_tree(const fs::path& archive) {
  const auto tree = run_command("git -C " + shell_quote(archive.string()) + " rev-parse HEAD^{tree}");
  return tree.exit_status == 0 ? tree.out : "(no commit: " + tree.err + ")";
}

pid_t start_newsvault(const std::vector<std::string>& arguments) {
  const std::string binary = newsvault_binary();
  std::vector<char*> argv{const_cast<char*>(binary.c_str())};
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  // posix_spawn, not fork: the test process runs an HTTP server's threads.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t process = -1;
  const int spawned = posix_spawn(&process, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + binary);
  return process;
}

Ending kill_after(pid_t process, std::chrono::microseconds delay) {
  // Watched every millisecond, so a run that ends early says how long it took.
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + delay;
  int status = 0;
  Ending ending;
  for (;;) {
    if (::waitpid(process, &status, WNOHANG) == process) {
      ending.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      ending.ran_for = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - start);
      return ending;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        deadline - now, std::chrono::milliseconds(1)));
  }
  ::kill(process, SIGKILL);
  ::waitpid(process, &status, 0);
  ending.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (!ending.killed && WIFEXITED(status)) ending.exit_status = WEXITSTATUS(status);
  return ending;
}

}  // namespace newsvault::testing
