// Publishing a run's results: the outputs made from the store, the commit,
// the pushes.
//
//   [rebuild: every document and index from the store]
//   outputs: feeds out ─► {feed}/atom.xml rss.xml feed.json, root ones
//   git:     commit_all_changes (no commit when nothing differs) ─► push_to_remotes
//            ─► .newsvault/remotes.json (each remote's last push and error)
#include <nlohmann/json.hpp>

#include "pipeline/article_record.h"
#include "pipeline/publish_run.h"
#include "pipeline/run_guard.h"
#include "pipeline/state_files.h"

namespace newsvault::pipeline {
namespace {

constexpr const char* kRemotesFile = ".newsvault/remotes.json";

// Every document and index as the store says it is: what fetch wrote, byte
// for byte, since a document depends only on its revision.
Result<std::size_t> rebuild_documents(Archive& archive, const std::vector<store::FeedRecord>& feeds,
                                      const std::vector<store::ArticleSummary>& articles) {
  std::size_t rendered = 0;
  for (const store::ArticleSummary& summary : articles) {
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

// Every output made from the store, beside the documents: the feeds out
// (feed_items above 0: the caller's to check). Their files are appended to `written` so the
// summary lists them.
Result<void> write_outputs(Archive& archive, const std::vector<store::FeedRecord>& feeds,
                           const std::vector<store::ArticleSummary>& articles,
                           std::vector<std::string>& written) {
  const publish::ArticleLoader load = [&](const store::ArticleSummary& summary) -> Result<extract::Article> {
    auto latest = latest_revision(archive.store(), summary.id);
    if (!latest) return std::unexpected(latest.error());
    return std::move(latest->first);
  };
  auto feeds_out = publish::write_feeds_out(archive.root(), feeds, articles, load,
                                            archive.config().publish, archive.config().feeds_out);
  if (!feeds_out) return std::unexpected(feeds_out.error());
  written.insert(written.end(), feeds_out->begin(), feeds_out->end());
  return {};
}

// Each remote's last attempt, kept where `newsvault` and people can read it.
Result<void> record_pushes(Archive& archive, const std::vector<publish::PushResult>& pushes,
                           Timestamp now) {
  nlohmann::json remotes = nlohmann::json::object();
  for (const publish::PushResult& push : pushes) {
    remotes[push.remote] = {{"last_attempt", format_iso8601_seconds(now)},
                            {"ok", push.error.empty()},
                            {"error", push.error}};
  }
  return publish::write_file_atomically(archive.root(), kRemotesFile, remotes.dump(1) + "\n");
}

Result<void> publish_history(Archive& archive, const PublishRequest& request, PublishSummary& summary) {
  const publish::GitOptions& git = archive.config().git;
  if (auto made = publish::init_git_repository(archive.root(), git_ignored_paths()); !made) {
    summary.errors.push_back(made.error().message());
    return {};
  }
  if (request.commit) {
    auto committed = publish::commit_all_changes(archive.root(), publish::commit_message(request.changes),
                                                 git, request.now);
    if (!committed) {
      summary.errors.push_back(committed.error().message());
      return {};
    }
    summary.commit = *committed;
  }
  summary.pushes = publish::push_to_remotes(archive.root(), git);
  bool attempted = false;
  for (const publish::PushResult& push : summary.pushes) {
    if (!push.error.empty()) summary.errors.push_back(push.error);
    attempted = attempted || push.pushed || !push.error.empty();
  }
  if (attempted) return record_pushes(archive, summary.pushes, request.now);
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

std::vector<std::string> git_ignored_paths() {
  // The store and the settings are the operator's: the history is the
  // documents, the indexes and the feeds out.
  return {std::string(kStateDirectory) + "/", kConfigFileName};
}

Result<PublishSummary> publish_locked(Archive& archive, const PublishRequest& request) {
  PublishSummary summary;
  // The store's articles are read only for what is made from them: with no
  // feeds out to write, a run's outputs need nothing (a whole archive read
  // for nothing is a noticeable part of a large run).
  const bool outputs_wanted = request.write_outputs && archive.config().feeds_out.max_items > 0;
  const bool needs_store = request.rebuild || outputs_wanted;
  if (needs_store) {
    auto feeds = archive.store().feeds();
    if (!feeds) return std::unexpected(feeds.error());
    auto articles = archive.store().articles(std::nullopt);
    if (!articles) return std::unexpected(articles.error());
    if (request.rebuild) {
      auto rendered = rebuild_documents(archive, *feeds, *articles);
      if (!rendered) return std::unexpected(rendered.error());
      summary.documents_rendered = *rendered;
    }
    if (outputs_wanted) {
      if (auto written = write_outputs(archive, *feeds, *articles, summary.files_written); !written) {
        return std::unexpected(written.error());
      }
    }
  }
  if (request.write_site) {
    auto site = write_site(archive);
    if (!site) return make_error(site.error().code(), "site: " + site.error().message());
    summary.site = *site;
  }
  if (archive.config().git.enabled) {
    if (auto published = publish_history(archive, request, summary); !published) {
      return std::unexpected(published.error());
    }
  }
  return summary;
}

Result<PublishSummary> run_publish(Archive& archive, const PublishRequest& request) {
  auto guard = RunGuard::acquire(archive.root());
  if (!guard) return std::unexpected(guard.error());
  auto published = publish_locked(archive, request);
  // After a killed or failed run, its pending documents and indexes are
  // still the next fetch's to redo (a rebuild redoes them here).
  if (published && (request.rebuild || !(*guard)->previous_run_interrupted())) (*guard)->succeeded();
  return published;
}

}  // namespace newsvault::pipeline
