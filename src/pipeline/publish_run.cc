// Publishing a run's results: the outputs made from the store, the commit,
// the pushes.
//
//   [rebuild: every document and index from the store]
//   outputs: feeds out ─► {feed}/atom.xml rss.xml feed.json, root ones
//   git:     documents differing from the last commit, or pending ─► == the store's rendering?
//              no: restored (written as fetch writes them)
//            commit_all_changes (no commit when nothing differs)
//   run lock released ─► push_archive (push_run.cc, under the push lock)
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "pipeline/article_record.h"
#include "pipeline/converted_copies.h"
#include "pipeline/document_check.h"
#include "pipeline/document_moves.h"
#include "pipeline/evidence.h"
#include "pipeline/file_bytes.h"
#include "pipeline/image_run.h"
#include "pipeline/publish_run.h"
#include "pipeline/run_guard.h"
#include "pipeline/state_files.h"

namespace newsvault::pipeline {
namespace {

// Every document and index as the store says it is: what fetch wrote, byte
// for byte, since a document depends only on its revision.
void tell(const PublishRequest& request, std::string_view step, std::size_t done = 0, std::size_t total = 0) {
  if (request.on_progress) request.on_progress(PublishProgress{step, done, total});
}

Result<std::size_t> rebuild_documents(Archive& archive, const std::vector<store::FeedRecord>& feeds,
                                      const std::vector<store::ArticleSummary>& articles,
                                      const PublishRequest& request) {
  std::size_t rendered = 0;
  std::size_t seen = 0;
  for (const store::ArticleSummary& summary : articles) {
    tell(request, "documents", seen++, articles.size());
    if (summary.document_path.empty()) continue;
    auto latest = latest_revision(archive.store(), summary.id);
    if (!latest) return std::unexpected(latest.error());
    const auto& [article, revision] = *latest;
    const std::string document = publish::render_document(article, revision.seen_at, archive.config().publish);
    if (auto written = publish::write_file_atomically(archive.root(), revision.revision.document_path,
                                                      document, publish::Durability::kBatched);
        !written) {
      return std::unexpected(written.error());
    }
    ++rendered;
  }
  if (auto indexed = publish::write_indexes(archive.root(), feeds, articles); !indexed) {
    return std::unexpected(indexed.error());
  }
  if (auto synced = publish::sync_archive(archive.root()); !synced) return std::unexpected(synced.error());
  return rendered;
}

// The documents the store holds that the folder lacks: articles saved by a
// store-only run (`newsvault worker`, on this machine or another) or by a
// run killed before writing them. Each is written from its latest revision,
// then marked written once flushed, and the indexes that list it are made
// again. Returns how many were written.
Result<std::size_t> write_stored_documents(Archive& archive, const PublishRequest& request,
                                           PublishSummary& summary) {
  auto pending = archive.store().articles_needing_documents();
  if (!pending) return std::unexpected(pending.error());
  if (pending->empty()) return 0;
  std::vector<std::pair<std::int64_t, int>> written;
  std::set<std::int64_t> changed;
  // The converted copies too, as fetch writes them: the commit's check
  // then finds them the store's rendering, with nothing to restore.
  ConvertedCopies copies(archive);
  std::map<std::string, std::size_t> copies_written;
  for (std::int64_t article_id : *pending) {
    tell(request, "documents", written.size(), pending->size());
    auto latest = latest_revision(archive.store(), article_id);
    if (!latest) return std::unexpected(latest.error());
    const auto& [article, revision] = *latest;
    const std::string document = publish::render_document(article, revision.seen_at, archive.config().publish);
    if (auto saved = publish::write_file_atomically(archive.root(), revision.revision.document_path, document,
                                                    publish::Durability::kBatched);
        !saved) {
      return std::unexpected(saved.error());
    }
    auto stored = archive.store().article(article_id);
    if (!stored) return std::unexpected(stored.error());
    if (*stored) {
      if (auto converted = copies.write((*stored)->feed_name, article, revision.seen_at,
                                        revision.revision.document_path, copies_written, summary.errors);
          !converted) {
        return std::unexpected(converted.error());
      }
    }
    written.emplace_back(article_id, revision.number);
    changed.insert(article_id);
  }
  auto feeds = archive.store().feeds();
  if (!feeds) return std::unexpected(feeds.error());
  auto articles = archive.store().articles(std::nullopt);
  if (!articles) return std::unexpected(articles.error());
  if (auto indexed = publish::write_indexes(archive.root(), *feeds, *articles, &changed); !indexed) {
    return std::unexpected(indexed.error());
  }
  if (auto synced = publish::sync_archive(archive.root()); !synced) return std::unexpected(synced.error());
  auto marked = archive.store().transaction([&]() -> Result<void> {
    for (const auto& [article_id, number] : written) {
      if (auto mark = archive.store().mark_document_written(article_id, number); !mark) return mark;
    }
    return {};
  });
  if (!marked) return std::unexpected(marked.error());
  return written.size();
}

// The images workers queued for the folder's owner (image_run.h), kept in
// media/ with the folder's limits. Only queued work is taken: the images a
// fetch of this folder failed to get wait for its next run, which knows
// their feeds. New files are appended to `written`.
Result<void> keep_queued_images(Archive& archive, const PublishRequest& request, PublishSummary& summary,
                                std::vector<std::string>& written) {
  ImageRunOptions options;
  options.root = archive.root();
  options.limits = archive.config().image_limits;
  options.budget = archive.config().images_budget;
  options.now = request.now;
  options.private_addresses = [](std::int64_t) { return fetch::PrivateAddresses::kRefused; };
  options.enabled = [](std::int64_t) { return false; };
  auto images = run_images(archive.store(), *request.images_client, {}, options);
  if (!images) return std::unexpected(images.error());
  summary.images_kept = images->kept;
  summary.images_refused = images->refused;
  summary.images_failed = images->failed;
  written.insert(written.end(), images->files_written.begin(), images->files_written.end());
  return {};
}

// Every output made from the store, beside the documents: the feeds out
// (feed_items above 0: the caller's to check). Their files are appended to `written` so the
// summary lists them.
Result<void> write_outputs(Archive& archive, const std::vector<store::FeedRecord>& feeds,
                           const std::vector<store::ArticleSummary>& articles,
                           const std::set<std::int64_t>* changed, std::vector<std::string>& written) {
  const publish::ArticleLoader load = [&](const store::ArticleSummary& summary) -> Result<extract::Article> {
    auto latest = latest_revision(archive.store(), summary.id);
    if (!latest) return std::unexpected(latest.error());
    return std::move(latest->first);
  };
  auto feeds_out = publish::write_feeds_out(archive.root(), feeds, articles, load, archive.config().publish,
                                            archive.config().feeds_out, changed, feed_out_images(archive));
  if (!feeds_out) return std::unexpected(feeds_out.error());
  written.insert(written.end(), feeds_out->begin(), feeds_out->end());
  return {};
}

// What a restored document was: "restored PATH: it differed from revision 2 of its article".
std::string restored_line(const DocumentComparison& document, int latest) {
  using State = DocumentComparison::State;
  const std::string revision = "revision " + std::to_string(latest) + " of its article";
  const std::string what = document.copy_of.empty() ? revision : "the converted copy of " + revision;
  std::string line = "restored " + document.path + ": ";
  switch (document.state) {
    case State::kMissing:
      return line + "it was missing (" + what + ")";
    case State::kOlderRevision:
      return line + "it showed revision " + std::to_string(document.older_revision) + ", not " + revision;
    case State::kCurrent:
    case State::kDiffers:
      break;
  }
  return line + "it differed from " + what;
}

// Before a commit, the documents it could take: those that differ from the
// last commit (git status: each file's size and time against the index,
// its bytes read only when they moved) and those the store has pending.
// Each is compared with the store's rendering of its latest revision
// (document_check.h); one edited by hand or damaged is restored and named
// in `summary.restored`, a pending one written and then marked written, as
// fetch does. The store is read a batch of articles at a time and the
// documents rendered on every core.
class DocumentRestorer {
 public:
  // `written`: the files this run wrote from the store, with the hash of
  // their bytes (PublishRequest::written_documents).
  DocumentRestorer(Archive& archive, PublishSummary& summary, const std::map<std::string, std::size_t>& written)
      : archive_(archive), summary_(summary), documents_(archive), written_(written) {}

  // False, with the reason in `summary.errors`, when a document the commit
  // would take cannot be compared: the commit waits until it can.
  Result<bool> run(const std::vector<store::ArticleSummary>& articles) {
    auto changed = publish::uncommitted_changes(archive_.root());
    if (!changed) {
      summary_.errors.push_back(changed.error().message());
      return false;
    }
    changed_.insert(changed->begin(), changed->end());
    auto pending = archive_.store().articles_needing_documents();
    if (!pending) return std::unexpected(pending.error());
    pending_.insert(pending->begin(), pending->end());

    const std::vector<const store::ArticleSummary*> due = not_vouched(articles_due(articles));
    constexpr std::size_t kBatch = 256;
    for (std::size_t start = 0; start < due.size(); start += kBatch) {
      std::vector<LatestDocument> batch;
      for (std::size_t i = start; i < std::min(due.size(), start + kBatch); ++i) {
        auto latest = documents_.load(*due[i]);
        if (!latest) return std::unexpected(latest.error());
        batch.push_back(std::move(*latest));
      }
      std::vector<DocumentComparison> compared(batch.size());
      parallel_for(batch.size(), [&](std::size_t i) {
        if (batch[i].article) compared[i] = documents_.compare(batch[i]);
      });
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (auto restored = restore(batch[i], std::move(compared[i])); !restored) return std::unexpected(restored.error());
      }
    }
    if (wrote_) {
      if (auto synced = publish::sync_archive(archive_.root()); !synced) return std::unexpected(synced.error());
    }
    // On disk now: the store may say so.
    auto marked = archive_.store().transaction([&]() -> Result<void> {
      for (const auto& [article_id, revision] : written_pending_) {
        if (auto mark = archive_.store().mark_document_written(article_id, revision); !mark) return mark;
      }
      return {};
    });
    if (!marked) return std::unexpected(marked.error());
    return vouched_;
  }

 private:
  // The articles whose document or a converted copy the commit could take.
  std::vector<const store::ArticleSummary*> articles_due(const std::vector<store::ArticleSummary>& articles) const {
    std::vector<const store::ArticleSummary*> due;
    for (const store::ArticleSummary& article : articles) {
      const auto copies = documents_.copy_paths(article.feed_name, article.document_path);
      if (pending_.contains(article.id) || changed_.contains(article.document_path) ||
          std::any_of(copies.begin(), copies.end(), [&](const auto& copy) { return changed_.contains(copy); })) {
        due.push_back(&article);
      }
    }
    return due;
  }

  // Of `due`, those not vouched for by this run: an article not pending
  // whose every file the commit could take is one this run wrote and still
  // holds the bytes it wrote needs no rendering to be compared.
  std::vector<const store::ArticleSummary*> not_vouched(std::vector<const store::ArticleSummary*> due) const {
    if (written_.empty()) return due;
    const auto holds_written = [&](const std::string& path) {
      const auto wrote = written_.find(path);
      if (wrote == written_.end()) return false;
      const std::optional<std::string> bytes = read_whole_file(archive_.root() / path);
      return bytes && std::hash<std::string_view>{}(*bytes) == wrote->second;
    };
    std::vector<char> vouched(due.size(), 0);
    parallel_for(due.size(), [&](std::size_t i) {
      const store::ArticleSummary& article = *due[i];
      if (pending_.contains(article.id)) return;
      std::vector<std::string> paths = documents_.copy_paths(article.feed_name, article.document_path);
      paths.push_back(article.document_path);
      vouched[i] = std::ranges::all_of(
          paths, [&](const std::string& path) { return !changed_.contains(path) || holds_written(path); });
    });
    std::vector<const store::ArticleSummary*> left;
    for (std::size_t i = 0; i < due.size(); ++i) {
      if (!vouched[i]) left.push_back(due[i]);
    }
    return left;
  }

  // The article's document (compared already) and its copies, each written
  // from the store unless it is the store's rendering.
  Result<void> restore(const LatestDocument& latest, DocumentComparison document) {
    if (!latest.article) {
      summary_.errors.push_back(latest.path() + ": not committed: " + latest.article.error().message());
      vouched_ = false;
      return {};
    }
    std::vector<std::pair<std::string, std::string>> not_compared;
    std::vector<DocumentComparison> found = documents_.compare_copies(latest, not_compared);
    for (const auto& [path, why] : not_compared) {
      if (!changed_.contains(path)) continue;
      summary_.errors.push_back(path + ": not committed: cannot be compared with the store: " + why);
      vouched_ = false;
    }
    found.insert(found.begin(), std::move(document));
    const bool is_pending = pending_.contains(latest.summary.id);
    for (const DocumentComparison& each : found) {
      if (each.state == DocumentComparison::State::kCurrent) continue;
      if (auto written = publish::write_file_atomically(archive_.root(), each.path, each.expected,
                                                        publish::Durability::kBatched);
          !written) {
        return written;
      }
      wrote_ = true;
      if (is_pending) {
        ++summary_.documents_rendered;
      } else {
        summary_.restored.push_back(restored_line(each, latest.number()));
      }
    }
    if (is_pending) written_pending_.emplace_back(latest.summary.id, latest.number());
    return {};
  }

  Archive& archive_;
  PublishSummary& summary_;
  DocumentComparer documents_;
  const std::map<std::string, std::size_t>& written_;
  std::set<std::string> changed_;    // paths differing from the last commit
  std::set<std::int64_t> pending_;   // articles whose document the store says is not written
  bool vouched_ = true;
  bool wrote_ = false;
  std::vector<std::pair<std::int64_t, int>> written_pending_;  // to mark once flushed
};

// An archive whose .gitignore lacks a line of `ignored` (made before the
// feeds out and the site left the history) has the derived outputs taken
// out of the index first, then the lines added: the next commit records
// them as gone, and a kill in between leaves work the next run redoes.
Result<void> keep_derived_outputs_out(Archive& archive, const std::vector<std::string>& ignored) {
  // No .gitignore: init_git_repository has just written the whole list.
  std::optional<std::string> text = read_whole_file(archive.root() / ".gitignore");
  if (!text) return {};
  std::set<std::string> present;
  for (std::size_t start = 0; start < text->size();) {
    const std::size_t end = std::min(text->find('\n', start), text->size());
    present.insert(text->substr(start, end - start));
    start = end + 1;
  }
  std::string missing;
  for (const std::string& path : ignored) {
    if (!present.contains("/" + path)) missing += "/" + path + "\n";
  }
  if (missing.empty()) return {};
  const std::string site_dir = archive.config().site.dir;
  auto untracked = publish::untrack_paths(
      archive.root(), [&](std::string_view path) { return is_derived_output(path, site_dir); });
  if (!untracked) return std::unexpected(untracked.error());
  if (!text->empty() && !text->ends_with('\n')) *text += '\n';
  *text += "# Made from the store again at will (feeds out, site): served, not kept in history.\n" + missing;
  return publish::write_file_atomically(archive.root(), ".gitignore", *text);
}

// The day's manifest (record.h), before the commit that takes it: the
// files this run wrote, every document with a rebuild. A manifest that
// cannot be written or signed is an error of the run, never a reason to
// hold back the commit.
void write_manifest(const Archive& archive, const PublishRequest& request,
                    const std::vector<store::ArticleSummary>& articles, const std::vector<std::string>& images,
                    PublishSummary& summary) {
  std::set<std::string> files = request.written_files;
  files.insert(images.begin(), images.end());
  if (request.rebuild) {
    for (const store::ArticleSummary& article : articles) {
      if (!article.document_path.empty()) files.insert(article.document_path);
    }
  }
  auto manifest = add_to_days_manifest(archive.config(), archive.root(), request.now, files);
  if (manifest) {
    summary.manifest = std::move(*manifest);
  } else {
    summary.errors.push_back(manifest.error().message());
  }
}

Result<void> publish_history(Archive& archive, const PublishRequest& request,
                             const std::vector<store::ArticleSummary>& articles, PublishSummary& summary) {
  const publish::GitOptions& git = archive.config().git;
  const std::vector<std::string> ignored = git_ignored_paths(archive.config().site.dir);
  if (auto made = publish::init_git_repository(archive.root(), ignored, archive.config().git.branch); !made) {
    summary.errors.push_back(made.error().message());
    return {};
  }
  if (auto kept_out = keep_derived_outputs_out(archive, ignored); !kept_out) {
    summary.errors.push_back(kept_out.error().message());
    return {};
  }
  if (request.commit) {
    auto vouched = DocumentRestorer(archive, summary, request.written_documents).run(articles);
    if (!vouched) return std::unexpected(vouched.error());
    if (!*vouched) return {};
    auto committed = publish::commit_all_changes(archive.root(), request.message.empty() ? publish::commit_message(request.changes) : request.message,
                                                 git, request.now);
    if (!committed) {
      summary.errors.push_back(committed.error().message());
      return {};
    }
    summary.commit = *committed;
  }
  return {};
}

}  // namespace

Result<std::pair<extract::Article, store::StoredRevision>> latest_revision(store::Store& store,
                                                                          std::int64_t article_id) {
  auto revisions = store.revisions(article_id);
  if (!revisions) return std::unexpected(revisions.error());
  if (revisions->empty()) {
    return make_error(ErrorCode::kInternal, "article " + std::to_string(article_id) + " has no revision");
  }
  auto article = article_from_json(revisions->back().revision.content);
  if (!article) return std::unexpected(article.error());
  return std::pair{std::move(*article), std::move(revisions->back())};
}

std::vector<std::string> git_ignored_paths(std::string_view site_dir) {
  // The store and the settings are the operator's. The history keeps the
  // documents and their indexes; the feeds out (whole bodies of the newest
  // articles, rewritten whenever a feed has a new one) and the site are
  // made again from the store at will, and committing them would grow the
  // history by many times the new documents' size each run.
  std::string site(site_dir);
  while (site.ends_with('/')) site.pop_back();
  return {std::string(kStateDirectory) + "/", kConfigFileName, "atom.xml", "rss.xml", "feed.json",
          std::string(publish::kChangesFeedFileName), "*/atom.xml", "*/rss.xml", "*/feed.json", site + "/"};
}

bool is_derived_output(std::string_view path, std::string_view site_dir) {
  std::string site(site_dir);
  while (site.ends_with('/')) site.pop_back();
  if (path.starts_with(site + "/")) return true;
  const std::size_t slash = path.find('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.find('/') != std::string_view::npos) return false;
  for (std::string_view file : {"atom.xml", "rss.xml", "feed.json"}) {
    if (name == file) return true;
  }
  return slash == std::string_view::npos && name == publish::kChangesFeedFileName;
}

Result<PublishSummary> publish_locked(Archive& archive, const PublishRequest& request) {
  PublishSummary summary;
  if (!request.rebuild) {
    auto stored = write_stored_documents(archive, request, summary);
    if (!stored) return std::unexpected(stored.error());
    summary.documents_rendered += *stored;
  }
  std::vector<std::string> images_written;
  if (request.images_client) {
    tell(request, "images");
    if (auto kept = keep_queued_images(archive, request, summary, images_written); !kept) {
      return std::unexpected(kept.error());
    }
  }
  // The store's articles are read only for what is made from them or
  // checked against them: with no feeds out to write and no commit, a
  // run's outputs need nothing (a whole archive read for nothing is a
  // noticeable part of a large run).
  const bool outputs_wanted = request.write_outputs && archive.config().feeds_out.max_items > 0;
  const bool committing = archive.config().git.enabled && request.commit;
  std::vector<store::ArticleSummary> read_here;
  const std::set<std::int64_t>* changed =
      request.rebuild || !request.changed_articles ? nullptr : &*request.changed_articles;
  // Read once for every output and the commit's check (the caller's read
  // when it has one): each read of a large store costs a noticeable part
  // of a run that changed little.
  if (!request.articles && (request.rebuild || outputs_wanted || committing || request.write_site)) {
    auto read = archive.store().articles(std::nullopt);
    if (!read) return std::unexpected(read.error());
    read_here = std::move(*read);
  }
  const std::vector<store::ArticleSummary>& articles = request.articles ? *request.articles : read_here;
  if (request.rebuild || outputs_wanted) {
    auto feeds = archive.store().feeds();
    if (!feeds) return std::unexpected(feeds.error());
    if (request.rebuild) {
      auto rendered = rebuild_documents(archive, *feeds, articles, request);
      if (!rendered) return std::unexpected(rendered.error());
      summary.documents_rendered = *rendered;
    }
    if (outputs_wanted) {
      tell(request, "feeds out");
      if (auto written = write_outputs(archive, *feeds, articles, changed, summary.files_written); !written) {
        return std::unexpected(written.error());
      }
    }
  }
  if (request.write_site) {
    tell(request, "site");
    // The site is made from the store, so a page that cannot be made
    // (a conversion that does not load) must not hold back the documents'
    // commit: it is an error of the run, whose marker stays, so the next
    // run makes the whole site again.
    if (auto site = write_site(archive, changed, &articles); site) {
      summary.site = *site;
    } else {
      summary.errors.push_back("site: " + site.error().message());
    }
  }
  if (!archive.config().sign.ssh_key.empty()) write_manifest(archive, request, articles, images_written, summary);
  if (archive.config().git.enabled) {
    tell(request, "commit");
    if (auto published = publish_history(archive, request, articles, summary); !published) {
      return std::unexpected(published.error());
    }
  }
  return summary;
}

Result<PublishSummary> run_publish(Archive& archive, const PublishRequest& request) {
  // One publisher per store, wherever its folder is: the others' folders
  // would otherwise be written from one store at once.
  auto publisher = archive.store().lock_publisher(request.wait_for_publisher);
  if (!publisher) return std::unexpected(publisher.error());
  if (!*publisher) {
    PublishSummary refused;
    refused.another_publisher = true;
    return refused;
  }
  Result<PublishSummary> published;
  {
    auto guard = RunGuard::acquire(archive.root());
    if (!guard) return std::unexpected(guard.error());
    auto moved = move_documents_to_current_names(archive.root(), archive.store());
    if (!moved) return std::unexpected(moved.error());
    published = publish_locked(archive, request);
    // After a killed or failed run, its pending documents and indexes are
    // still the next fetch's to redo (a rebuild redoes them here).
    if (published && (request.rebuild || !(*guard)->previous_run_interrupted())) (*guard)->succeeded();
  }
  if (!published) return published;
  // Asked for by hand: every remote that lacks the commit, backoff or not.
  if (!archive.config().git.remotes.empty()) tell(request, "push");
  if (auto pushed = push_archive(archive, request.now, false, *published); !pushed) {
    return std::unexpected(pushed.error());
  }
  return published;
}

}  // namespace newsvault::pipeline
