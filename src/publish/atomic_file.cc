// write_file_atomically: a reader (or a crash) sees the old file or the new
// one, never half of one.
//
//   content ─► {dir}/.{name}.XXXXXX (new, same folder, so same file system)
//           ─► write ─► fsync ─► rename over {name} ─► fsync {dir}
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <system_error>

#include "publish/publish.h"

namespace newsvault::publish {
namespace {

namespace fs = std::filesystem;

// The one owner of a file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  // Closes now, reporting the error close() may bring (NFS reports late).
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

std::unexpected<Error> io_error(const fs::path& path, std::string_view what, int error_number) {
  return make_error(ErrorCode::kIo,
                    path.string() + ": " + std::string(what) + ": " + std::strerror(error_number));
}

bool is_safe_relative(const fs::path& relative) {
  if (relative.empty() || relative.is_absolute() || relative.has_root_name()) return false;
  for (const fs::path& part : relative) {
    if (part == ".." || part == ".") return false;
  }
  return relative.has_filename();
}

bool holds_exactly(const fs::path& path, std::string_view content) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return false;
  const auto size = fs::file_size(path, error);
  if (error || size != content.size()) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string existing(content.size(), '\0');
  in.read(existing.data(), static_cast<std::streamsize>(existing.size()));
  return in.gcount() == static_cast<std::streamsize>(content.size()) && existing == content;
}

Result<void> write_all(int fd, std::string_view content, const fs::path& path) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return io_error(path, "write", errno);
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

// Creates {dir}/.{name}.XXXXXX with six random letters and digits (the
// form remove_unfinished_writes looks for), readable by all as an archive
// is: mkstemp would make it 0600 and cost a chmod per document. Returns the
// open descriptor and sets `temporary` to its path.
int create_temporary(const fs::path& target, std::string& temporary) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 random(std::random_device{}());
  const std::string prefix = (target.parent_path() / ("." + target.filename().string() + ".")).string();
  for (int attempt = 0; attempt < 100; ++attempt) {
    temporary = prefix;
    for (int i = 0; i < 6; ++i) temporary += kAlphabet[random() % (sizeof(kAlphabet) - 1)];
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

// POSIX leaves a rename durable only once its folder is synced.
Result<void> sync_directory(const fs::path& directory) {
  FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error(directory, "open", errno);
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return io_error(directory, "fsync", errno);
  return {};
}

}  // namespace

Result<void> write_file_atomically(const fs::path& root, const std::string& relative_path,
                                   std::string_view content, Durability durability) {
  const fs::path relative(relative_path);
  if (!is_safe_relative(relative)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "not a path inside the archive: \"" + relative_path + "\"");
  }
  const fs::path target = root / relative;
  if (holds_exactly(target, content)) return {};  // same bytes: keep the file and its mtime

  const fs::path directory = target.parent_path();
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return make_error(ErrorCode::kIo, directory.string() + ": create folders: " + error.message());
  }

  std::string temporary;
  FileDescriptor fd(create_temporary(target, temporary));
  if (fd.get() < 0) return io_error(temporary, "create", errno);
  const fs::path temporary_path(temporary);

  // Removes the temporary file on every failure below.
  auto fail = [&](std::unexpected<Error> failure) -> Result<void> {
    ::unlink(temporary_path.c_str());
    return failure;
  };
  if (auto written = write_all(fd.get(), content, temporary_path); !written) {
    return fail(std::unexpected(written.error()));
  }
  const bool each_file = durability == Durability::kEachFile;
  if (each_file && ::fsync(fd.get()) != 0) return fail(io_error(temporary_path, "fsync", errno));
  if (fd.close() != 0) return fail(io_error(temporary_path, "close", errno));
  if (::rename(temporary_path.c_str(), target.c_str()) != 0) {
    return fail(io_error(target, "rename", errno));
  }
  return each_file ? sync_directory(directory) : Result<void>{};
}

Result<void> sync_archive(const fs::path& root) {
  FileDescriptor fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error(root, "open", errno);
  if (::syncfs(fd.get()) != 0) return io_error(root, "syncfs", errno);
  return {};
}

}  // namespace newsvault::publish

namespace newsvault::publish {
namespace {

// ".NAME.XXXXXX": what create_temporary made.
bool is_unfinished_write(const std::string& file_name) {
  if (file_name.size() < 9 || file_name[0] != '.') return false;
  const std::size_t dot = file_name.rfind('.');
  if (dot == 0 || file_name.size() - dot != 7) return false;
  for (std::size_t i = dot + 1; i < file_name.size(); ++i) {
    if (!std::isalnum(static_cast<unsigned char>(file_name[i]))) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<std::filesystem::path>> find_unfinished_writes(const std::filesystem::path& root) {
  std::vector<fs::path> found;
  std::error_code error;
  fs::recursive_directory_iterator walk(root, error);
  if (error) return make_error(ErrorCode::kIo, root.string() + ": " + error.message());
  for (auto it = walk; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) return make_error(ErrorCode::kIo, root.string() + ": " + error.message());
    const std::string name = it->path().filename().string();
    if (it->is_directory() && name == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && is_unfinished_write(name)) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

Result<std::size_t> remove_unfinished_writes(const std::filesystem::path& root) {
  auto found = find_unfinished_writes(root);
  if (!found) return std::unexpected(found.error());
  for (const fs::path& path : *found) {
    std::error_code error;
    if (!fs::remove(path, error) && error) {
      return make_error(ErrorCode::kIo, path.string() + ": " + error.message());
    }
  }
  return found->size();
}

}  // namespace newsvault::publish
