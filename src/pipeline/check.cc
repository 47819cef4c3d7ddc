// check_archive: is the archive what its store says it is?
//
//   run lock (no run changes the folder meanwhile)
//   store ─► PRAGMA integrity_check, foreign_key_check
//   each article ─► render its latest revision ─► == its document's bytes?
//                   (and each converted copy)
//   store ─► indexes, feeds out into a scratch folder ─► == the archive's?
//   folder ─► temporary files, documents no article has
//   .git ─► uncommitted changes, lock files left by a cut-short commit
//
// Everything a fetch renders depends only on the store, so rendering again
// and comparing bytes is exact: no hashes to keep in step.
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "pipeline/article_record.h"
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
    auto articles = archive_.store().articles(std::nullopt);
    if (!articles) return std::unexpected(articles.error());
    report_.articles = articles->size();
    if (auto checked = check_documents(*articles); !checked) return std::unexpected(checked.error());
    if (auto checked = check_outputs(*feeds, *articles); !checked) return std::unexpected(checked.error());
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
    auto pending_ids = archive_.store().articles_needing_documents();
    if (!pending_ids) return std::unexpected(pending_ids.error());
    const std::set<std::int64_t> pending(pending_ids->begin(), pending_ids->end());
    for (const store::ArticleSummary& summary : articles) {
      auto revisions = archive_.store().revisions(summary.id);
      if (!revisions) return std::unexpected(revisions.error());
      if (revisions->empty()) {
        error(summary.document_path, "article " + std::to_string(summary.id) + " has no revision");
        continue;
      }
      const store::StoredRevision& latest = revisions->back();
      const std::string& path = latest.revision.document_path;
      known_.insert(path);
      for (publish::ChineseConversion conversion : conversions(summary.feed_name)) {
        known_.insert(publish::converted_document_path(path, conversion));
      }
      auto article = article_from_json(latest.revision.content);
      if (!article) {
        error(path, "revision " + std::to_string(latest.number) + " cannot be read: " +
                        article.error().message());
        continue;
      }
      const auto on_disk = read_whole_file(root_ / path);
      const bool is_pending = pending.contains(summary.id);
      ++report_.documents;
      if (on_disk && *on_disk == render(*article, latest.seen_at)) {
        if (!is_pending) check_converted_copies(summary.feed_name, path, *article, latest.seen_at);
        continue;
      }
      const std::string latest_name = "revision " + std::to_string(latest.number);
      if (!on_disk) {
        if (is_pending) {
          warn(path, "not written yet: the next fetch writes " + latest_name);
        } else {
          error(path, "missing: the store records " + latest_name + " as written");
        }
        continue;
      }
      const int shown = older_revision_shown(*revisions, *on_disk);
      if (shown > 0 && is_pending) {
        warn(path, "shows revision " + std::to_string(shown) + ": the next fetch writes " + latest_name);
      } else if (shown > 0) {
        error(path, "shows revision " + std::to_string(shown) + ", not the latest, " + latest_name);
      } else {
        error(path, "differs from every revision of its article (latest: " + latest_name +
                        "): edited by hand, or damaged");
      }
    }
    return {};
  }

  std::string render(const extract::Article& article, Timestamp archived_at) const {
    return publish::render_document(article, archived_at, archive_.config().publish);
  }

  // The number of the older revision whose document `bytes` are, or 0.
  int older_revision_shown(const std::vector<store::StoredRevision>& revisions,
                           const std::string& bytes) const {
    for (std::size_t i = 0; i + 1 < revisions.size(); ++i) {
      auto article = article_from_json(revisions[i].revision.content);
      if (article && render(*article, revisions[i].seen_at) == bytes) return revisions[i].number;
    }
    return 0;
  }

  // The converted copies a feed's documents get ([feeds.NAME] convert).
  const std::vector<publish::ChineseConversion>& conversions(const std::string& feed_name) const {
    static const std::vector<publish::ChineseConversion> kNone;
    const auto settings = archive_.config().feeds.find(feed_name);
    return settings == archive_.config().feeds.end() ? kNone : settings->second.convert;
  }

  void check_converted_copies(const std::string& feed_name, const std::string& path,
                              const extract::Article& article, Timestamp archived_at) {
    for (publish::ChineseConversion conversion : conversions(feed_name)) {
      const std::string copy_path = publish::converted_document_path(path, conversion);
      auto converter = converters_.find(conversion);
      if (converter == converters_.end()) {
        converter = converters_.emplace(conversion, publish::ChineseConverter::open(conversion)).first;
      }
      if (!converter->second) {
        warn(copy_path, "cannot be compared: " + converter->second.error().message());
        continue;
      }
      auto converted = publish::convert_article(article, *converter->second);
      if (!converted) continue;  // fetch reports this one and writes no copy
      ++report_.documents;
      const auto on_disk = read_whole_file(root_ / copy_path);
      if (!on_disk) {
        error(copy_path, "missing: the converted copy of " + path);
      } else if (*on_disk != render(*converted, archived_at)) {
        error(copy_path, "differs from the converted copy of " + path + " as the store makes it");
      }
    }
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
    auto feeds_out = publish::write_feeds_out(scratch->path(), feeds, articles, load,
                                              archive_.config().publish, archive_.config().feeds_out);
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
  std::map<publish::ChineseConversion, Result<publish::ChineseConverter>> converters_;
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
  return ArchiveCheck(**archive, (*guard)->previous_run_interrupted()).run();
}

}  // namespace newsvault::pipeline
