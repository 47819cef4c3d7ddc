// Private to the pipeline: one fetch at a time per archive, and the clean-up
// after one that was killed.
#ifndef NEWSVAULT_PIPELINE_RUN_GUARD_H_
#define NEWSVAULT_PIPELINE_RUN_GUARD_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/core.h"

namespace newsvault::pipeline {

class RunGuard {
 public:
  // Takes the archive's run lock (kInvalidArgument "another fetch is running
  // in DIR" when held). When the previous run did not end cleanly, removes
  // the temporary files its cut-short writes left.
  static Result<std::unique_ptr<RunGuard>> acquire(const std::filesystem::path& root);
  // Takes the run lock only, to read the archive while no run changes it:
  // writes no marker and removes nothing (the lock's file is made when
  // missing). Its destructor only releases the lock. Where this user cannot
  // write .newsvault/ (a read-only copy), nothing is made: an existing lock
  // file is locked through a read-only descriptor (flock needs no more), and
  // without one there is no lock to take, since no run can have begun in a
  // folder that has never had one.
  static Result<std::unique_ptr<RunGuard>> acquire_to_read(const std::filesystem::path& root);
  // Releases the lock; says the run ended cleanly when it did (below).
  ~RunGuard();

  // The run did all its work. A run that fails (a full disk, a store that
  // cannot be written) leaves its marker as a killed one does, so that the
  // next run redoes the indexes, outputs and commit it may have missed.
  void succeeded() { succeeded_ = true; }
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

  // The previous run was killed or failed: what it wrote may be missing its indexes,
  // feeds out or commit, so this run writes them whatever it finds.
  bool previous_run_interrupted() const { return previous_run_interrupted_; }

 private:
  RunGuard(int lock_fd, std::filesystem::path running_marker, bool previous_run_interrupted)
      : lock_fd_(lock_fd), running_marker_(std::move(running_marker)),
        previous_run_interrupted_(previous_run_interrupted) {}
  int lock_fd_;  // -1: a reader of a read-only archive without a lock file
  std::filesystem::path running_marker_;
  bool previous_run_interrupted_;
  bool succeeded_ = false;
};

// One push at a time per archive, under a lock of its own
// (.newsvault/push.lock): a push that waits on a remote never holds the
// run lock, so fetches archive and commit meanwhile.
class PushLock {
 public:
  // The lock, or nullptr when another process holds it. kIo naming the
  // lock file when it cannot be opened.
  static Result<std::unique_ptr<PushLock>> try_acquire(const std::filesystem::path& root);
  ~PushLock();
  PushLock(const PushLock&) = delete;
  PushLock& operator=(const PushLock&) = delete;

 private:
  explicit PushLock(int lock_fd) : lock_fd_(lock_fd) {}
  int lock_fd_;
};

// Why this process may not write `path` (for a folder: make files in it),
// as access(2) says with the effective ids: "Permission denied", "Read-only
// file system". nullopt when it may, or when `path` does not exist. Root
// may write anything but a read-only mount.
std::optional<std::string> cannot_write(const std::filesystem::path& path);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_RUN_GUARD_H_
