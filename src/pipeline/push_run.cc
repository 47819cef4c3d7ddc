// Pushing the archive's history, apart from the run that made it.
//
//   push lock (held elsewhere? every remote deferred to that push)
//   .newsvault/remotes.json ─► each remote: waiting out its backoff? deferred
//   push_to_remotes (each push a child process, killed at its bound)
//   ─► .newsvault/remotes.json: last attempt, last success, error, failures,
//      next attempt, commits behind
//
// The run lock is not held: a remote that hangs delays only the pushes.
#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "pipeline/publish_run.h"
#include "pipeline/run_guard.h"
#include "pipeline/state_files.h"

namespace newsvault::pipeline {
namespace {

constexpr const char* kRemotesFile = ".newsvault/remotes.json";

// After the Nth failure in a row, fetches wait 5 min × 2^(N-1), at most
// 6 h, before they try that remote again (publish tries at once).
std::chrono::minutes backoff(int failures) {
  const int doublings = std::clamp(failures - 1, 0, 7);
  return std::min(std::chrono::minutes(5) * (1 << doublings), std::chrono::minutes(6 * 60));
}

nlohmann::json read_remotes_file(const std::filesystem::path& root) {
  std::error_code ignored;
  const auto path = root / kRemotesFile;
  if (!std::filesystem::exists(path, ignored)) return nlohmann::json::object();
  std::ifstream in(path);
  auto parsed = nlohmann::json::parse(in, nullptr, false);
  return parsed.is_object() ? parsed : nlohmann::json::object();
}

std::optional<std::string> text_field(const nlohmann::json& entry, const char* key) {
  if (auto found = entry.find(key); found != entry.end() && found->is_string()) return found->get<std::string>();
  return std::nullopt;
}

RemoteStatus status_of(const std::string& name, const nlohmann::json& remotes) {
  RemoteStatus status;
  status.name = name;
  const auto found = remotes.find(name);
  if (found == remotes.end() || !found->is_object()) return status;
  const nlohmann::json& entry = *found;
  status.last_attempt = text_field(entry, "last_attempt");
  status.last_success = text_field(entry, "last_success");
  status.last_error = text_field(entry, "error").value_or("");
  status.next_attempt = text_field(entry, "next_attempt");
  if (auto failures = entry.find("failures"); failures != entry.end() && failures->is_number_integer()) {
    status.failures = failures->get<int>();
  }
  if (auto behind = entry.find("behind"); behind != entry.end() && behind->is_number_unsigned()) {
    status.behind = behind->get<std::size_t>();
  }
  return status;
}

// The remote's entry after an attempt that ended as `push` says.
nlohmann::json updated_entry(const RemoteStatus& before, const publish::PushResult& push, Timestamp now) {
  const std::string when = format_iso8601_seconds(now);
  const bool ok = push.error.empty();
  const int failures = ok ? 0 : before.failures + 1;
  const auto optional_text = [](const std::optional<std::string>& text) {
    return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
  };
  return {{"last_attempt", when},
          {"ok", ok},
          {"error", redact_urls(push.error)},
          {"last_success", ok ? nlohmann::json(when) : optional_text(before.last_success)},
          {"failures", failures},
          {"next_attempt", ok ? nlohmann::json(nullptr) : nlohmann::json(format_iso8601_seconds(now + backoff(failures)))},
          {"behind", push.behind}};
}

}  // namespace

std::vector<RemoteStatus> remote_statuses(const Archive& archive) {
  const nlohmann::json remotes = read_remotes_file(archive.root());
  std::vector<RemoteStatus> statuses;
  for (const publish::GitRemote& remote : archive.config().git.remotes) {
    RemoteStatus status = status_of(remote.name, remotes);
    // The history knows best how far behind a remote is now.
    if (auto behind = publish::commits_behind(archive.root(), remote.name)) status.behind = *behind;
    statuses.push_back(std::move(status));
  }
  return statuses;
}

Result<void> push_archive(const Archive& archive, Timestamp now, bool respect_backoff, PublishSummary& summary,
                          std::shared_ptr<const std::atomic<bool>> cancel) {
  const publish::GitOptions& git = archive.config().git;
  if (!git.enabled || git.remotes.empty()) return {};
  auto lock = PushLock::try_acquire(archive.root());
  if (!lock) {
    summary.errors.push_back("push: " + lock.error().message());
    return {};
  }
  if (*lock == nullptr) {
    summary.pushes_deferred.push_back("another push is running in " + archive.root().string() +
                                      "; it pushes what is committed");
    return {};
  }
  nlohmann::json remotes = read_remotes_file(archive.root());
  publish::GitOptions due = git;
  due.remotes.clear();
  due.cancel = std::move(cancel);
  std::map<std::string, RemoteStatus> before;
  for (const publish::GitRemote& remote : git.remotes) {
    RemoteStatus status = status_of(remote.name, remotes);
    const auto next = status.next_attempt ? parse_date(*status.next_attempt) : std::nullopt;
    if (respect_backoff && next && *next > now) {
      summary.pushes_deferred.push_back(remote.name + ": failed " + std::to_string(status.failures) +
                                        " times; next attempt after " + *status.next_attempt);
      continue;
    }
    before.emplace(remote.name, std::move(status));
    due.remotes.push_back(remote);
  }
  summary.pushes = publish::push_to_remotes(archive.root(), due);
  bool attempted = false;
  for (const publish::PushResult& push : summary.pushes) {
    if (push.abandoned) {
      // Not the remote's failure: no backoff, and the next run sends it.
      summary.pushes_deferred.push_back(push.error + "; the next run pushes");
      continue;
    }
    if (!push.error.empty()) summary.errors.push_back(push.error);
    // Found up to date: worth recording only when the file says otherwise.
    const bool recorded_ok = remotes.contains(push.remote) && remotes[push.remote].value("ok", false);
    if (!push.pushed && push.error.empty() && recorded_ok) continue;
    remotes[push.remote] = updated_entry(before[push.remote], push, now);
    attempted = true;
  }
  if (!attempted) return {};
  return publish::write_file_atomically(archive.root(), kRemotesFile, remotes.dump(1) + "\n");
}

}  // namespace newsvault::pipeline
