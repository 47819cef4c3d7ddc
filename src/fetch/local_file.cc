#include "fetch/local_file.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "fetch/curl_handles.h"

namespace newsvault::fetch {
namespace {

// The one owner of an open file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool starts_with_file_scheme(std::string_view url) {
  return url.size() >= 5 && strncasecmp(url.data(), "file:", 5) == 0;
}

// The decoded path of a file: URL ("file:///a%20b" -> "/a b"); nullopt for a
// remote host or a malformed URL.
std::optional<std::string> file_url_path(std::string_view url) {
  ensure_curl_initialized();
  CurlUrl handle(curl_url());
  if (!handle) return std::nullopt;
  const std::string text(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return std::nullopt;
  char* raw = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_PATH, &raw, CURLU_URLDECODE) != CURLUE_OK) {
    return std::nullopt;
  }
  CurlString path(raw);
  return std::string(path.get());
}

Response failure(std::string_view what, std::string_view why) {
  Response response;
  response.outcome = FetchOutcome::kFailed;
  response.error = "read " + std::string(what) + ": " + std::string(why);
  response.attempts = 1;
  response.private_source = true;  // a file the operator named
  return response;
}

}  // namespace

bool is_local(std::string_view url) {
  if (starts_with_file_scheme(url)) return true;
  // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return true;
  if (!std::isalpha(static_cast<unsigned char>(url[0]))) return true;
  for (char c : url.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return true;
    }
  }
  return false;
}

Response read_local(const Request& request, std::size_t max_bytes) {
  std::string path = request.url;
  if (starts_with_file_scheme(request.url)) {
    auto decoded = file_url_path(request.url);
    if (!decoded) return failure(request.url, "not a local file URL");
    path = std::move(*decoded);
  }
  if (path.empty()) return failure("\"\"", "no path given");
  if (path.find('\0') != std::string::npos) return failure(request.url, "not a file path");

  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return failure(path, std::strerror(errno));
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) return failure(path, std::strerror(errno));
  if (S_ISDIR(status.st_mode)) return failure(path, std::strerror(EISDIR));

  const std::string too_large = "larger than " + std::to_string(max_bytes) + " bytes";
  if (S_ISREG(status.st_mode) && static_cast<std::size_t>(status.st_size) > max_bytes) {
    return failure(path, too_large);
  }
  std::string body;
  if (S_ISREG(status.st_mode)) body.reserve(static_cast<std::size_t>(status.st_size));
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t count = ::read(file.get(), buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) continue;
      return failure(path, std::strerror(errno));
    }
    if (count == 0) break;
    if (body.size() + static_cast<std::size_t>(count) > max_bytes) return failure(path, too_large);
    body.append(buffer, static_cast<std::size_t>(count));
  }

  Response response;
  response.outcome = FetchOutcome::kOk;
  response.body = std::move(body);
  response.final_url = request.url;
  response.attempts = 1;
  response.private_source = true;  // a file the operator named
  return response;
}

}  // namespace newsvault::fetch
