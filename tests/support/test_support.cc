#include "support/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace newsvault::testing {

std::optional<std::filesystem::path> shared_dir() {
  if (const char* env = std::getenv("NEWSVAULT_SHARED_DIR")) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
  }
  // Tests run from the repository's root (see CMakeLists.txt).
  for (auto dir : {"../shared", "../../shared"}) {
    if (std::filesystem::is_directory(std::filesystem::path(dir) / "corpus")) {
      return std::filesystem::absolute(dir);
    }
  }
  return std::nullopt;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_file(const std::filesystem::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir() : TempDir(std::filesystem::temp_directory_path()) {}

TempDir::TempDir(const std::filesystem::path& parent) {
  std::random_device random;
  path_ = parent / ("newsvault-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string newsvault_binary() {
  const char* env = std::getenv("NEWSVAULT_BIN");
  return env ? env : "build/newsvault";
}

CommandResult run_newsvault(const std::string& arguments) {
  return run_command(newsvault_binary() + " " + arguments);
}

CommandResult run_command(const std::string& command_line) {
  TempDir scratch;
  const auto out_path = scratch.path() / "out";
  const auto err_path = scratch.path() / "err";
  const std::string command = "(" + command_line + ") </dev/null >" + out_path.string() +
                              " 2>" + err_path.string();
  // fork and wait4 rather than std::system: wait4 says how much memory the
  // command took.
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  while (::wait4(child, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error("wait4 failed");
  }
  CommandResult result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.peak_memory_kb = usage.ru_maxrss;
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

int refusing_port(const std::string& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("refusing_port: no socket");
  sockaddr_in bound{};
  bound.sin_family = AF_INET;
  if (::inet_pton(AF_INET, address.c_str(), &bound.sin_addr) != 1) {
    ::close(fd);
    throw std::runtime_error("refusing_port: not an IPv4 address: " + address);
  }
  socklen_t length = sizeof bound;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&bound), length) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("refusing_port: cannot bind " + address);
  }
  ::close(fd);  // bound, never listened on, closed
  return ntohs(bound.sin_port);
}

}  // namespace newsvault::testing
