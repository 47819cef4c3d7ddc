// Pausing, resuming and removing feeds, which feeds a fetch polls, and the
// archive's status.
//
//   store (feeds.state) ─► fetch_scope ─► run_fetch
//                store + folder ─► archive_status ─► `newsvault status`
#include "pipeline/feed_management.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "pipeline/file_bytes.h"
#include "pipeline/poll_schedule.h"
#include "pipeline/run_guard.h"
#include "pipeline/state_files.h"

namespace newsvault::pipeline {
namespace {

constexpr const char* kFeedStatesFile = ".newsvault/feed_states.json";

std::optional<FeedState> feed_state_named(std::string_view name) {
  for (FeedState state : {FeedState::kActive, FeedState::kPaused, FeedState::kRemoved}) {
    if (feed_state_name(state) == name) return state;
  }
  return std::nullopt;
}

// .newsvault/feed_states.json, where archives kept feed states before the
// store did: {"feeds": {"12": "paused"}}, only feeds that are not active.
Result<std::map<std::int64_t, FeedState>> read_states(const std::filesystem::path& root) {
  std::map<std::int64_t, FeedState> states;
  const auto path = root / kFeedStatesFile;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return states;
  auto bytes = read_whole_file(path);
  if (!bytes) return make_error(ErrorCode::kIo, path.string() + ": cannot be read");
  const auto json = nlohmann::json::parse(*bytes, nullptr, false);
  const auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kParse, path.string() + ": " + why);
  };
  if (!json.is_object() || !json.contains("feeds") || !json["feeds"].is_object()) {
    return bad("expected {\"feeds\": {ID: STATE}}");
  }
  for (const auto& [id, state] : json["feeds"].items()) {
    const auto named = state.is_string() ? feed_state_named(state.get<std::string>()) : std::nullopt;
    std::int64_t feed_id = 0;
    const auto [end, parsed] = std::from_chars(id.data(), id.data() + id.size(), feed_id);
    if (!named || parsed != std::errc() || end != id.data() + id.size()) {
      return bad("feed " + id + ": expected a feed id and \"paused\" or \"removed\"");
    }
    states[feed_id] = *named;
  }
  return states;
}

std::uintmax_t size_of(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) {
    const auto size = std::filesystem::file_size(path, error);
    return error ? 0 : size;
  }
  std::uintmax_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(path, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    std::error_code ignored;
    if (it->is_regular_file(ignored)) total += it->file_size(ignored);
  }
  return total;
}

}  // namespace

std::string_view feed_state_name(FeedState state) {
  switch (state) {
    case FeedState::kActive: return "active";
    case FeedState::kPaused: return "paused";
    case FeedState::kRemoved: return "removed";
  }
  return "active";
}

// The store's states, as feed_states_named reads them.
Result<std::map<std::int64_t, FeedState>> stored_states(store::Store& store) {
  auto stored = store.feed_states();
  if (!stored) return std::unexpected(stored.error());
  std::map<std::int64_t, FeedState> states;
  for (const auto& [id, name] : *stored) states[id] = feed_state_named(name).value_or(FeedState::kActive);
  return states;
}

Result<std::map<std::int64_t, FeedState>> feed_states(Archive& archive) {
  auto feeds = archive.store().feeds();
  if (!feeds) return std::unexpected(feeds.error());
  // A read-only copy of an archive made before the store kept states
  // still has them in its file.
  auto saved = archive.store().read_only() && std::filesystem::exists(archive.root() / kFeedStatesFile)
                   ? read_states(archive.root())
                   : stored_states(archive.store());
  if (!saved) return std::unexpected(saved.error());
  std::map<std::int64_t, FeedState> states;
  for (const store::FeedRecord& feed : *feeds) {
    const auto found = saved->find(feed.id);
    states[feed.id] = found == saved->end() ? FeedState::kActive : found->second;
  }
  return states;
}

Result<store::FeedRecord> feed_named(Archive& archive, std::string_view name) {
  auto feed = archive.store().feed_by_name(name);
  if (!feed) return std::unexpected(feed.error());
  if (*feed) return **feed;
  auto feeds = archive.store().feeds();
  if (!feeds) return std::unexpected(feeds.error());
  std::string names;
  for (const store::FeedRecord& each : *feeds) names += (names.empty() ? "" : ", ") + each.name;
  return make_error(ErrorCode::kNotFound,
                    "no feed named " + std::string(name) + " in " + archive.root().string() +
                        (names.empty() ? " (it has no feeds)" : "; its feeds: " + names));
}

Result<void> save_feed_state(store::Store& store, std::int64_t feed_id, FeedState state) {
  return store.set_feed_state(feed_id, feed_state_name(state));
}

Result<void> import_state_files(Archive& archive) {
  if (archive.store().read_only()) return {};
  const auto states_file = archive.root() / kFeedStatesFile;
  std::error_code error;
  if (std::filesystem::exists(states_file, error)) {
    auto states = read_states(archive.root());
    if (!states) return std::unexpected(states.error());
    auto imported = archive.store().transaction([&]() -> Result<void> {
      for (const auto& [id, state] : *states) {
        auto set = archive.store().set_feed_state(id, feed_state_name(state));
        // A feed deleted since has no state to keep.
        if (!set && set.error().code() != ErrorCode::kNotFound) return set;
      }
      return {};
    });
    if (!imported) return imported;
    // In the store now: the file goes only once the store has committed.
    std::filesystem::remove(states_file, error);
  }
  const auto bodies = archive.root() / kFeedBodyDirectory;
  if (!std::filesystem::is_directory(bodies, error)) return {};
  for (const auto& entry : std::filesystem::directory_iterator(bodies, error)) {
    const std::string name = entry.path().filename().string();
    std::int64_t feed_id = 0;
    const auto [end, parsed] = std::from_chars(name.data(), name.data() + name.size(), feed_id);
    if (parsed != std::errc() || std::string_view(end) != ".body") continue;
    auto body = read_whole_file(entry.path());
    if (!body) return make_error(ErrorCode::kIo, entry.path().string() + ": cannot be read");
    auto kept = archive.store().set_feed_body(feed_id, std::string_view(*body));
    if (!kept && kept.error().code() != ErrorCode::kNotFound) return kept;
    std::error_code ignored;
    std::filesystem::remove(entry.path(), ignored);
  }
  std::error_code ignored;
  std::filesystem::remove(bodies, ignored);  // only when empty
  return {};
}

Result<FeedState> set_feed_state(Archive& archive, std::string_view name, FeedState state) {
  auto guard = RunGuard::acquire(archive.root());
  if (!guard) return std::unexpected(guard.error());
  auto feed = feed_named(archive, name);
  if (!feed) return std::unexpected(feed.error());
  auto states = stored_states(archive.store());
  if (!states) return std::unexpected(states.error());
  const auto found = states->find(feed->id);
  const FeedState before = found == states->end() ? FeedState::kActive : found->second;
  if (before != state) {
    if (auto written = save_feed_state(archive.store(), feed->id, state); !written) {
      return std::unexpected(written.error());
    }
  }
  (*guard)->succeeded();
  return before;
}

Result<FetchScope> fetch_scope(Archive& archive, const FetchOptions& options) {
  FetchScope scope;
  scope.force = options.force;
  scope.hold_when_offline = options.hold_when_offline;
  auto states = feed_states(archive);
  if (!states) return std::unexpected(states.error());
  if (options.feeds.empty()) {
    for (const auto& [id, state] : *states) {
      if (state == FeedState::kActive) scope.feed_ids.insert(id);
    }
    return scope;
  }
  for (const std::string& name : options.feeds) {
    auto feed = feed_named(archive, name);
    if (!feed) return std::unexpected(feed.error());
    if (states->at(feed->id) == FeedState::kRemoved) {
      return make_error(ErrorCode::kInvalidArgument,
                        name + " was removed: its articles stay archived, but it is not polled "
                               "(run 'newsvault resume " + name + "' to poll it again)");
    }
    scope.feed_ids.insert(feed->id);
  }
  return scope;
}

Result<ArchiveStatus> archive_status(Archive& archive) {
  ArchiveStatus status;
  auto feeds = archive.store().feeds();
  if (!feeds) return std::unexpected(feeds.error());
  auto states = feed_states(archive);
  if (!states) return std::unexpected(states.error());
  auto articles = archive.store().articles(std::nullopt);
  if (!articles) return std::unexpected(articles.error());
  auto pending = archive.store().pending_work(std::nullopt);
  if (!pending) return std::unexpected(pending.error());

  std::map<std::int64_t, std::size_t> index;
  for (store::FeedRecord& feed : *feeds) {
    index[feed.id] = status.feeds.size();
    FeedStatus& each = status.feeds.emplace_back();
    each.state = states->at(feed.id);
    each.feed = std::move(feed);
  }
  for (const store::ArticleSummary& article : *articles) {
    ++status.articles;
    status.revisions += article.revisions;
    const store::ArticleStatus article_status = store::status_of(article);
    if (article_status == store::ArticleStatus::kRemoved) ++status.removed;
    std::vector<std::int64_t> owners = article.feed_ids;
    if (owners.empty()) owners.push_back(article.feed_id);
    for (const std::int64_t feed_id : owners) {
      const auto found = index.find(feed_id);
      if (found == index.end()) continue;
      FeedStatus& feed = status.feeds[found->second];
      ++feed.articles;
      feed.revisions += article.revisions;
      if (article_status == store::ArticleStatus::kRemoved) ++feed.removed;
      if (article_status == store::ArticleStatus::kDelisted) ++feed.delisted;
    }
  }
  for (const store::PendingWork& work : *pending) {
    ++status.pending;
    const auto found = index.find(work.feed_id);
    if (found == index.end()) continue;
    FeedStatus& feed = status.feeds[found->second];
    ++feed.pending;
    if (!feed.next_retry || work.next_attempt < *feed.next_retry) feed.next_retry = work.next_attempt;
  }

  const auto store_path = archive.root() / kStoreFile;
  status.store_bytes = size_of(store_path) + size_of(store_path.string() + "-wal");
  status.git_bytes = size_of(archive.root() / ".git");
  auto media = media::media_usage(archive.root());
  if (!media) return std::unexpected(media.error());
  status.media = *media;
  auto guard = RunGuard::acquire_to_read(archive.root());
  status.run_in_progress = !guard && guard.error().code() == ErrorCode::kInvalidArgument;
  status.daemon_running = daemon_running(archive.root());
  if (auto schedules = read_schedules(archive.store())) {
    for (FeedStatus& feed : status.feeds) {
      const auto found = schedules->find(feed.feed.id);
      if (found != schedules->end()) feed.schedule = found->second;
    }
  }
  return status;
}

}  // namespace newsvault::pipeline
