#include "pipeline/run_guard.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/state_files.h"
#include "publish/publish.h"

namespace newsvault::pipeline {

Result<std::unique_ptr<RunGuard>> RunGuard::acquire(const std::filesystem::path& root) {
  const auto lock_path = root / kStateDirectory / "fetch.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kIo, lock_path.string() + ": " + std::strerror(errno));
  // flock is released by the kernel when the process dies, however it dies.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(ErrorCode::kInvalidArgument,
                      "another fetch is running in " + root.string());
  }
  // The marker exists only while a run is in progress: finding it means
  // the last run was killed, and its half-written temporary files remain.
  const auto marker = root / kStateDirectory / "fetch.running";
  const bool interrupted = std::filesystem::exists(marker);
  if (interrupted) {
    if (auto removed = publish::remove_unfinished_writes(root); !removed) {
      ::close(fd);
      return std::unexpected(removed.error());
    }
    // A commit cut short leaves git's index lock; no one else commits in
    // the archive while its run lock is held, so the lock is stale.
    std::error_code ignored;
    std::filesystem::remove(root / ".git" / "index.lock", ignored);
  }
  if (auto written = publish::write_file_atomically(root, std::string(kStateDirectory) + "/fetch.running", "");
      !written) {
    ::close(fd);
    return std::unexpected(written.error());
  }
  return std::unique_ptr<RunGuard>(new RunGuard(fd, marker, interrupted));
}

RunGuard::~RunGuard() {
  std::error_code ignored;
  std::filesystem::remove(running_marker_, ignored);
  ::close(lock_fd_);
}

}  // namespace newsvault::pipeline
