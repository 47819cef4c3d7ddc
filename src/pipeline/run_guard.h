// Private to the pipeline: one fetch at a time per archive, and the clean-up
// after one that was killed.
#ifndef NEWSVAULT_PIPELINE_RUN_GUARD_H_
#define NEWSVAULT_PIPELINE_RUN_GUARD_H_

#include <filesystem>
#include <memory>

#include "core/core.h"

namespace newsvault::pipeline {

class RunGuard {
 public:
  // Takes the archive's run lock (kInvalidArgument "another fetch is running
  // in DIR" when held). When the previous run did not end cleanly, removes
  // the temporary files its cut-short writes left.
  static Result<std::unique_ptr<RunGuard>> acquire(const std::filesystem::path& root);
  // Says the run ended cleanly and releases the lock.
  ~RunGuard();
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

  // The previous run was killed: what it wrote may be missing its indexes,
  // feeds out or commit, so this run writes them whatever it finds.
  bool previous_run_interrupted() const { return previous_run_interrupted_; }

 private:
  RunGuard(int lock_fd, std::filesystem::path running_marker, bool previous_run_interrupted)
      : lock_fd_(lock_fd), running_marker_(std::move(running_marker)),
        previous_run_interrupted_(previous_run_interrupted) {}
  int lock_fd_;
  std::filesystem::path running_marker_;
  bool previous_run_interrupted_;
};

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_RUN_GUARD_H_
