// `newsvault run`: the fetch cycle on each feed's own schedule.
//
//   clock ─► due feeds (poll_schedule), due pending pages and API
//            documents (without their feeds), due re-checks
//         ─► run_fetch_cycle (the same as `fetch`: one commit, the push)
//         ─► each polled feed's next poll, kept in the store ─► wait
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "pipeline/feed_management.h"
#include "pipeline/pending_work.h"
#include "pipeline/pipeline.h"
#include "pipeline/poll_schedule.h"
#include "pipeline/publish_run.h"
#include "pipeline/state_files.h"

namespace newsvault::pipeline {
namespace {

constexpr const char* kDaemonLock = "daemon.lock";

// .newsvault/daemon.lock, held with flock for as long as the daemon runs
// (the kernel releases it however the process ends).
class DaemonLock {
 public:
  static Result<DaemonLock> acquire(const std::filesystem::path& root) {
    const auto path = root / kStateDirectory / kDaemonLock;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return make_error(ErrorCode::kIo, path.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return make_error(ErrorCode::kInvalidArgument,
                        "another 'newsvault run' holds " + root.string() +
                            " (stop it first: one daemon per archive)");
    }
    return DaemonLock(fd);
  }
  DaemonLock(DaemonLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~DaemonLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit DaemonLock(int fd) : fd_(fd) {}
  int fd_;
};

void log_event(const DaemonOptions& options, std::string name,
               std::vector<std::pair<std::string, std::string>> fields) {
  if (!options.log) return;
  for (auto& [key, value] : fields) value = redact_urls(value);
  options.log({std::move(name), std::move(fields)});
}

// What a push step did: an event per remote pushed, and per push deferred
// (its failures are the summary's errors, logged as publish_error).
void log_pushes(const DaemonOptions& options, const PublishSummary& summary) {
  for (const publish::PushResult& push : summary.pushes) {
    if (push.pushed) log_event(options, "pushed", {{"remote", push.remote}});
  }
  for (const std::string& deferred : summary.pushes_deferred) log_event(options, "push_deferred", {{"why", deferred}});
}

// What is due at `now`, and when the next thing will be.
struct Plan {
  FetchScope scope;
  bool rechecks_due = false;
  Timestamp next;
};

Result<Plan> plan(Archive& archive, Timestamp now) {
  Plan result;
  result.next = now + std::chrono::hours(24);
  auto states = feed_states(archive);
  if (!states) return std::unexpected(states.error());
  auto schedules = read_schedules(archive.store());
  if (!schedules) return std::unexpected(schedules.error());
  auto pending = archive.store().pending_work(std::nullopt);
  if (!pending) return std::unexpected(pending.error());
  const auto active = [&](std::int64_t id) {
    const auto state = states->find(id);
    return state != states->end() && state->second == FeedState::kActive;
  };
  for (const auto& [id, state] : *states) {
    if (state != FeedState::kActive) continue;
    const auto found = schedules->find(id);
    const Timestamp due = found == schedules->end() ? now : found->second.next_poll;
    if (due <= now) result.scope.feed_ids.insert(id);
    result.next = std::min(result.next, due);
  }
  for (const store::PendingWork& work : *pending) {
    if (work.kind == kRecheckWork) {
      if (work.next_attempt <= now) result.rechecks_due = true;
      // Its feed in the cycle, unasked, so that the re-check is held to
      // the feed's address rule (a feed on this network may be re-checked here).
      if (work.next_attempt <= now && active(work.feed_id)) result.scope.work_feed_ids.insert(work.feed_id);
    } else if (!active(work.feed_id)) {
      continue;
    } else if (work.next_attempt <= now) {
      // Pending pages and API documents are work of their own: retried
      // when due, without asking their feed (a feed due too does them).
      result.scope.work_feed_ids.insert(work.feed_id);
    }
    result.next = std::min(result.next, work.next_attempt);
  }
  for (const std::int64_t id : result.scope.feed_ids) result.scope.work_feed_ids.erase(id);
  return result;
}

}  // namespace

bool daemon_running(const std::filesystem::path& root) {
  const auto path = root / kStateDirectory / kDaemonLock;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

Result<void> run_daemon(const std::filesystem::path& root, schedule::Clock& clock,
                        DaemonControl& control, const DaemonOptions& options) {
  auto opened = Archive::open(root);
  if (!opened) return std::unexpected(opened.error());
  std::unique_ptr<Archive> archive = std::move(*opened);
  auto lock = DaemonLock::acquire(root);
  if (!lock) return std::unexpected(lock.error());
  log_event(options, "started", {{"archive", root.string()}});
  // What an earlier run committed and did not push (a stop cut its push,
  // the network was down) is sent now, not after the next change.
  {
    PublishSummary pushed;
    if (auto sent = push_archive(*archive, clock.now(), true, pushed, control.cancel); !sent) {
      log_event(options, "publish_error", {{"error", sent.error().message()}});
    }
    for (const std::string& error : pushed.errors) log_event(options, "publish_error", {{"error", error}});
    log_pushes(options, pushed);
  }
  int outages = 0;
  while (!control.stop) {
    if (control.reload.exchange(false)) {
      auto fresh = Archive::open(root);
      if (!fresh) {
        log_event(options, "reload_failed", {{"error", fresh.error().message()}, {"kept", "the settings in use"}});
      } else {
        archive = std::move(*fresh);
        log_event(options, "reloaded", {{"settings", (root / kConfigFileName).string()}});
      }
    }
    const Timestamp now = clock.now();
    if (options.until && now >= *options.until) break;
    auto due = plan(*archive, now);
    if (!due) return std::unexpected(due.error());
    Timestamp next = due->next;
    if (!due->scope.feed_ids.empty() || !due->scope.work_feed_ids.empty() || due->rechecks_due) {
      fetch::ClientOptions client_options = archive->config().fetch;
      client_options.cancel = control.cancel;
      auto client = options.make_client ? options.make_client(client_options)
                                        : fetch::make_http_client(client_options);
      FetchScope scope = due->scope;
      scope.hold_when_offline = true;
      scope.cancel = control.cancel;
      const std::size_t polled = scope.feed_ids.size();
      const std::size_t retried = scope.work_feed_ids.size();
      auto summary = run_fetch_cycle(*archive, *client, now, std::move(scope), {});
      if (!summary) {
        // The archive could not be used (a `fetch` holds it, a full disk):
        // tried again after the shortest interval.
        log_event(options, "cycle_failed", {{"error", summary.error().message()}});
        next = now + archive->config().schedule.min_interval;
      } else if (summary->offline) {
        // One event per outage, not per retry: a night without network
        // is one line in the log. The feeds' schedules are left as they were.
        ++outages;
        const auto wait = schedule::offline_retry_delay(outages, archive->config().schedule);
        if (outages == 1) {
          log_event(options, "offline",
                    {{"why", "network unreachable: " + summary->offline_reason},
                     {"retry_in", schedule::describe_duration(wait)}});
        }
        next = now + wait;
      } else {
        if (outages > 0) log_event(options, "online", {{"after_outages", std::to_string(outages)}});
        outages = 0;
        for (const std::string& error : summary->errors) log_event(options, "feed_error", {{"error", error}});
        log_event(options, "cycle",
                  {{"feeds", std::to_string(polled)},
                   {"retrying_for", std::to_string(retried)},
                   {"new", std::to_string(summary->counts.articles_new)},
                   {"updated", std::to_string(summary->counts.articles_updated)},
                   {"errors", std::to_string(summary->errors.size())},
                   {"commit", summary->publish.commit.value_or("")}});
        for (const auto& [name, schedule] : summary->schedules) {
          log_event(options, "scheduled",
                    {{"feed", name},
                     {"next_poll", format_iso8601_seconds(schedule.next_poll)},
                     {"interval", schedule::describe_duration(schedule.interval)},
                     {"why", schedule.reason}});
        }
        for (const std::string& error : summary->publish.errors) log_event(options, "publish_error", {{"error", error}});
        log_pushes(options, summary->publish);
        auto replanned = plan(*archive, now);
        if (!replanned) return std::unexpected(replanned.error());
        next = replanned->next;
      }
      // Never twice at one time: work a cycle left due waits a second.
      next = std::max(next, now + std::chrono::seconds(1));
    }
    if (control.stop) break;
    clock.wait_until(next);
  }
  log_event(options, "stopped", {});
  return {};
}

}  // namespace newsvault::pipeline
