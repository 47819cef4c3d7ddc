#include "pipeline/run_guard.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "pipeline/state_files.h"
#include "publish/publish.h"

namespace newsvault::pipeline {

namespace {

// The run lock's descriptor, locked; -1 when `read_only` and there is no
// lock file it may open.
Result<int> lock_runs(const std::filesystem::path& root, bool read_only = false) {
  const auto lock_path = root / kStateDirectory / "fetch.lock";
  const int fd = read_only ? ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC)
                           : ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  // A reader of a folder it cannot write (a read-only copy), without a
  // lock file it may open: there is no lock to take.
  if (fd < 0 && read_only && (errno == ENOENT || errno == EACCES)) return -1;
  if (fd < 0) return make_error(ErrorCode::kIo, lock_path.string() + ": " + std::strerror(errno));
  // flock is released by the kernel when the process dies, however it dies.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(ErrorCode::kInvalidArgument,
                      "another fetch is running in " + root.string());
  }
  return fd;
}

// A commit cut short leaves the lock files git writes NAME through
// (index.lock, HEAD.lock, refs/heads/main.lock), and each one left makes
// every later commit fail. No one else commits in the archive while its
// run lock is held, so they are stale. The remote-tracking refs are the
// pushes', which run under the push lock, not the run lock: left alone.
void remove_git_locks(const std::filesystem::path& git) {
  std::error_code ignored;
  std::filesystem::remove(git / "index.lock", ignored);
  std::filesystem::remove(git / "HEAD.lock", ignored);
  std::vector<std::filesystem::path> locks;
  for (auto it = std::filesystem::recursive_directory_iterator(git / "refs", ignored);
       !ignored && it != std::filesystem::recursive_directory_iterator(); it.increment(ignored)) {
    if (it->path() == git / "refs" / "remotes") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().extension() == ".lock") locks.push_back(it->path());
  }
  for (const auto& lock : locks) std::filesystem::remove(lock, ignored);
}

}  // namespace

std::optional<std::string> cannot_write(const std::filesystem::path& path) {
  if (::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0 || errno == ENOENT) return std::nullopt;
  return std::strerror(errno);
}

Result<std::unique_ptr<RunGuard>> RunGuard::acquire_to_read(const std::filesystem::path& root) {
  auto fd = lock_runs(root, cannot_write(root / kStateDirectory).has_value());
  if (!fd) return std::unexpected(fd.error());
  const bool interrupted = std::filesystem::exists(root / kStateDirectory / "fetch.running");
  return std::unique_ptr<RunGuard>(new RunGuard(*fd, {}, interrupted));
}

Result<std::unique_ptr<RunGuard>> RunGuard::acquire(const std::filesystem::path& root) {
  auto locked = lock_runs(root);
  if (!locked) return std::unexpected(locked.error());
  const int fd = *locked;
  // The marker exists only while a run is in progress: finding it means
  // the last run was killed, and its half-written temporary files remain.
  const auto marker = root / kStateDirectory / "fetch.running";
  const bool interrupted = std::filesystem::exists(marker);
  if (interrupted) {
    if (auto removed = publish::remove_unfinished_writes(root); !removed) {
      ::close(fd);
      return std::unexpected(removed.error());
    }
    remove_git_locks(root / ".git");
  }
  // Made in place, not through a temporary file: a kill while it is made
  // would leave a temporary file that no later run knows to remove.
  const int marker_fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (marker_fd < 0 || ::fsync(marker_fd) != 0) {
    const int error_number = errno;
    if (marker_fd >= 0) ::close(marker_fd);
    ::close(fd);
    return make_error(ErrorCode::kIo, marker.string() + ": " + std::strerror(error_number));
  }
  ::close(marker_fd);
  return std::unique_ptr<RunGuard>(new RunGuard(fd, marker, interrupted));
}

Result<std::unique_ptr<PushLock>> PushLock::try_acquire(const std::filesystem::path& root) {
  const auto lock_path = root / kStateDirectory / "push.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kIo, lock_path.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<PushLock>(new PushLock(fd));
}

PushLock::~PushLock() { ::close(lock_fd_); }

RunGuard::~RunGuard() {
  std::error_code ignored;
  if (succeeded_ && !running_marker_.empty()) std::filesystem::remove(running_marker_, ignored);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace newsvault::pipeline
