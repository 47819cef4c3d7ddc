// check_archive: is the archive what its store says it is?
//
//   run lock (no run changes the folder meanwhile)
//   store ─► PRAGMA integrity_check, foreign_key_check
//   each article ─► render its latest revision ─► == its document's bytes?
//                   (and each converted copy: document_check.h)
//   store ─► indexes, feeds out into a scratch folder ─► == the archive's?
//   folder ─► temporary files, documents no article has
//   .git ─► uncommitted changes, lock files left by a cut-short commit
//   .newsvault/remotes.json ─► each remote's last push, error, commits behind
//
// Everything a fetch renders depends only on the store, so rendering again
// and comparing bytes is exact: no hashes to keep in step.
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <tuple>

#include "pipeline/document_check.h"
#include "pipeline/file_bytes.h"
#include "pipeline/pipeline.h"
#include "pipeline/publish_run.h"
#include "pipeline/run_guard.h"
#include "pipeline/state_files.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;
using Severity = CheckProblem::Severity;

// A scratch folder outside the archive, removed with its contents.
class ScratchFolder {
 public:
  static Result<ScratchFolder> make() {
    std::string pattern = (fs::temp_directory_path() / "newsvault-check-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      return make_error(ErrorCode::kIo, pattern + ": " + std::strerror(errno));
    }
    return ScratchFolder(pattern);
  }
  ScratchFolder(ScratchFolder&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchFolder(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchFolder(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

class ArchiveCheck {
 public:
  ArchiveCheck(Archive& archive, bool interrupted)
      : archive_(archive), root_(archive.root()), interrupted_(interrupted) {}

  Result<CheckReport> run() {
    if (interrupted_) {
      warn(std::string(kStateDirectory) + "/fetch.running",
           "the last fetch or publish was interrupted; the next fetch finishes its work");
    }
    auto integrity = archive_.store().integrity_problems();
    if (!integrity) return std::unexpected(integrity.error());
    for (const std::string& finding : *integrity) error(kStoreFile, finding);
    if (!integrity->empty()) return finish();  // nothing read from it can be trusted

    auto feeds = archive_.store().feeds();
    if (!feeds) return std::unexpected(feeds.error());
    for (std::string& what : feed_settings_warnings(archive_.config(), *feeds)) {
      warn(kConfigFileName, std::move(what));
    }
    auto articles = archive_.store().articles(std::nullopt);
    if (!articles) return std::unexpected(articles.error());
    report_.articles = articles->size();
    if (auto checked = check_documents(*articles); !checked) return std::unexpected(checked.error());
    if (auto checked = check_outputs(*feeds, *articles); !checked) return std::unexpected(checked.error());
    if (auto checked = check_images(); !checked) return std::unexpected(checked.error());
    if (auto checked = check_folder(); !checked) return std::unexpected(checked.error());
    if (archive_.config().git.enabled) check_history(!articles->empty());
    return finish();
  }

 private:
  void error(std::string path, std::string what) {
    report_.problems.push_back({Severity::kError, std::move(path), std::move(what)});
  }
  void warn(std::string path, std::string what) {
    report_.problems.push_back({Severity::kWarning, std::move(path), std::move(what)});
  }
  // A lock file git or libgit2 leaves while it writes NAME: left behind,
  // it makes the next commit fail.
  void stale_lock(std::string path) {
    if (interrupted_) return warn(std::move(path), "left by a commit the interrupted run cut short; remove it");
    error(std::move(path), "a lock file no commit is writing; remove it");
  }

  // Every kept image against the hash its name and record carry: bytes
  // that changed are damage (an error); a file that is gone is a warning,
  // since the pages then show the image through the proxy.
  Result<void> check_images() {
    auto images = archive_.store().images();
    if (!images) return std::unexpected(images.error());
    for (const store::ImageRecord& image : *images) report_.images += image.sha256.empty() ? 0 : 1;
    for (std::string& problem : media::verify_images(root_, *images)) {
      const std::size_t colon = problem.find(": ");
      std::string path = problem.substr(0, colon);
      std::string what = problem.substr(colon + 2);
      if (what.starts_with("missing")) {
        warn(std::move(path), what + "; pages show it through the proxy");
      } else {
        error(std::move(path), std::move(what));
      }
    }
    auto usage = media::media_usage(root_);
    if (!usage) return std::unexpected(usage.error());
    report_.media = *usage;
    return {};
  }

  CheckReport finish() {
    std::stable_sort(report_.problems.begin(), report_.problems.end(),
                     [](const CheckProblem& a, const CheckProblem& b) {
                       return std::tie(a.severity, a.path) < std::tie(b.severity, b.path);
                     });
    return std::move(report_);
  }

  // Each article's document (and converted copies) against its latest
  // revision. A document the store does not yet record as written is work
  // the next fetch does: absent or showing an older revision is expected.
  Result<void> check_documents(const std::vector<store::ArticleSummary>& articles) {
    using State = DocumentComparison::State;
    auto pending_ids = archive_.store().articles_needing_documents();
    if (!pending_ids) return std::unexpected(pending_ids.error());
    const std::set<std::int64_t> pending(pending_ids->begin(), pending_ids->end());
    for (const store::ArticleSummary& summary : articles) {
      auto latest = documents_.load(summary);
      if (!latest) return std::unexpected(latest.error());
      const std::string& path = latest->path();
      if (!latest->revisions.empty()) {
        known_.insert(path);
        for (std::string& copy : documents_.copy_paths(summary.feed_name, path)) known_.insert(std::move(copy));
      }
      if (!latest->article) {
        error(path, latest->article.error().message());
        continue;
      }
      ++report_.documents;
      const DocumentComparison document = documents_.compare(*latest);
      const bool is_pending = pending.contains(summary.id);
      const std::string latest_name = "revision " + std::to_string(latest->number());
      switch (document.state) {
        case State::kCurrent:
          if (!is_pending) check_converted_copies(*latest);
          break;
        case State::kMissing:
          if (is_pending) {
            warn(path, "not written yet: the next fetch writes " + latest_name);
          } else {
            error(path, "missing: the store records " + latest_name + " as written");
          }
          break;
        case State::kOlderRevision: {
          const std::string shown = "shows revision " + std::to_string(document.older_revision);
          if (is_pending) {
            warn(path, shown + ": the next fetch writes " + latest_name);
          } else {
            error(path, shown + ", not the latest, " + latest_name);
          }
          break;
        }
        case State::kDiffers:
          error(path, "differs from every revision of its article (latest: " + latest_name +
                          "): edited by hand, or damaged");
          break;
      }
    }
    return {};
  }

  void check_converted_copies(const LatestDocument& latest) {
    std::vector<std::pair<std::string, std::string>> not_compared;
    for (const DocumentComparison& copy : documents_.compare_copies(latest, not_compared)) {
      ++report_.documents;
      if (copy.state == DocumentComparison::State::kMissing) {
        error(copy.path, "missing: the converted copy of " + copy.copy_of);
      } else if (copy.state != DocumentComparison::State::kCurrent) {
        error(copy.path, "differs from the converted copy of " + copy.copy_of + " as the store makes it");
      }
    }
    for (auto& [path, why] : not_compared) warn(std::move(path), "cannot be compared: " + why);
  }

  // The indexes and feeds out, made again from the store in a scratch
  // folder, file by file against the archive's.
  Result<void> check_outputs(const std::vector<store::FeedRecord>& feeds,
                             const std::vector<store::ArticleSummary>& articles) {
    if (articles.empty()) return {};  // a new archive: no run has written them yet
    std::set<std::string> feeds_with_articles;
    for (const store::ArticleSummary& article : articles) feeds_with_articles.insert(article.feed_name);
    auto scratch = ScratchFolder::make();
    if (!scratch) return std::unexpected(scratch.error());
    if (auto indexed = publish::write_indexes(scratch->path(), feeds, articles); !indexed) {
      return indexed;
    }
    const publish::ArticleLoader load = [&](const store::ArticleSummary& summary) -> Result<extract::Article> {
      auto latest = latest_revision(archive_.store(), summary.id);
      if (!latest) return std::unexpected(latest.error());
      return std::move(latest->first);
    };
    auto feeds_out = publish::write_feeds_out(scratch->path(), feeds, articles, load, archive_.config().publish,
                                              archive_.config().feeds_out, nullptr, feed_out_images(archive_));
    if (!feeds_out) return std::unexpected(feeds_out.error());
    for (auto it = fs::recursive_directory_iterator(scratch->path()); it != fs::recursive_directory_iterator();
         ++it) {
      if (!it->is_regular_file()) continue;
      const std::string path = fs::relative(it->path(), scratch->path()).string();
      known_.insert(path);
      ++report_.outputs;
      const auto expected = read_whole_file(it->path());
      const auto on_disk = read_whole_file(root_ / path);
      const std::string folder = fs::path(path).begin()->string();
      if (on_disk == expected) continue;
      if (interrupted_) {
        warn(path, std::string(on_disk ? "out of date" : "missing") +
                       ": the interrupted run did not get to it; the next fetch writes it");
      } else if (!on_disk && in_index_before_months(path)) {
        warn(path, "missing: the feed's index lists its articles in one file, as before indexes were "
                   "split by month; the next fetch or publish writes the month indexes");
      } else if (!on_disk && (path.find('/') == std::string::npos || feeds_with_articles.contains(folder))) {
        error(path, "missing; 'newsvault publish --rebuild' rewrites it");
      } else if (!on_disk) {
        warn(path, "not written yet: no article of its feed is archived");
      } else {
        // A feed added or a setting changed since: not damage.
        warn(path, "out of date with the store; 'newsvault publish --rebuild' rewrites it");
      }
    }
    return {};
  }

  // Whether `path` is a month index (FEED/YYYY/MM/README.md) of a feed
  // whose README.md is still the single index of archives made before
  // indexes were split by month: it links documents, not months.
  bool in_index_before_months(const std::string& path) const {
    const fs::path relative(path);
    if (relative.filename() != "README.md" || std::distance(relative.begin(), relative.end()) != 4) return false;
    const auto feed_index = read_whole_file(root_ / *relative.begin() / "README.md");
    return feed_index && publish::is_index_before_months(*feed_index);
  }

  // What no run should leave: temporary files of cut-short writes, and
  // documents that no article of the store has.
  Result<void> check_folder() {
    auto temporary = publish::find_unfinished_writes(root_);
    if (!temporary) return std::unexpected(temporary.error());
    for (const fs::path& file : *temporary) {
      const std::string path = fs::relative(file, root_).string();
      if (interrupted_) {
        warn(path, "a write the interrupted run cut short; the next fetch removes it");
      } else {
        error(path, "a temporary file no run is writing; remove it");
      }
    }
    const fs::path site = archive_.config().site.dir;
    std::error_code failure;
    for (auto it = fs::recursive_directory_iterator(root_, failure); it != fs::recursive_directory_iterator();
         it.increment(failure)) {
      if (failure) return make_error(ErrorCode::kIo, root_.string() + ": " + failure.message());
      const fs::path relative = fs::relative(it->path(), root_);
      if (it->is_directory() &&
          (relative == ".git" || relative == kStateDirectory || relative == site)) {
        it.disable_recursion_pending();
        continue;
      }
      const std::string path = relative.string();
      if (it->is_regular_file() && path.ends_with(".md") && relative.filename().string()[0] != '.' &&
          !known_.contains(path)) {
        warn(path, "no article of the store has this document");
      }
    }
    return {};
  }

  void check_history(bool has_articles) {
    if (!fs::exists(root_ / ".git")) {
      if (has_articles) warn(".git", "no history yet: the next fetch or publish makes it");
      return;
    }
    for (const char* lock : {".git/index.lock", ".git/HEAD.lock"}) {
      if (fs::exists(root_ / lock)) stale_lock(lock);
    }
    std::error_code failure;
    for (auto it = fs::recursive_directory_iterator(root_ / ".git" / "refs", failure);
         !failure && it != fs::recursive_directory_iterator(); it.increment(failure)) {
      if (it->path().extension() == ".lock") {
        stale_lock(fs::relative(it->path(), root_).string());
      }
    }
    auto changes = publish::uncommitted_changes(root_);
    if (!changes) return error(".git", changes.error().message());
    for (const std::string& path : *changes) {
      warn(path, "not committed yet: the next fetch or publish commits it");
    }
  }

  Archive& archive_;
  const fs::path root_;
  const bool interrupted_;
  CheckReport report_;
  std::set<std::string> known_;  // paths of the documents, copies and outputs the store accounts for
  DocumentComparer documents_{archive_};
};

}  // namespace

bool CheckReport::sound() const {
  return std::none_of(problems.begin(), problems.end(),
                      [](const CheckProblem& problem) { return problem.severity == Severity::kError; });
}

Result<CheckReport> check_archive(const fs::path& root) {
  if (!fs::exists(root / kConfigFileName)) {
    return std::unexpected(Archive::open(root).error());  // which says how to make one
  }
  auto guard = RunGuard::acquire_to_read(root);
  if (!guard) {
    if (guard.error().code() != ErrorCode::kInvalidArgument) return std::unexpected(guard.error());
    return make_error(ErrorCode::kInvalidArgument,
                      "a fetch or publish is running in " + root.string() + ": check when it ends");
  }
  auto archive = Archive::open(root, Access::kRead);
  if (!archive) {
    // A store SQLite cannot open is damage to report, not a reason to stop.
    if (archive.error().code() != ErrorCode::kIo) return std::unexpected(archive.error());
    CheckReport report;
    report.problems.push_back({Severity::kError, kStoreFile, archive.error().message()});
    return report;
  }
  auto report = ArchiveCheck(**archive, (*guard)->previous_run_interrupted()).run();
  if (report) report->remotes = remote_statuses(**archive);
  return report;
}

}  // namespace newsvault::pipeline
