#include "pipeline/document_moves.h"

#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "publish/publish.h"

namespace newsvault::pipeline {
namespace {

namespace fs = std::filesystem;

// The store's side of the move, in one transaction: each renamed article's
// new path, and the files to move or remove.
Result<void> plan_moves(store::Store& store) {
  auto feeds = store.feeds();
  if (!feeds) return std::unexpected(feeds.error());
  auto articles = store.articles(std::nullopt);
  if (!articles) return std::unexpected(articles.error());
  std::map<std::string, int> sharing;
  for (const store::ArticleSummary& article : *articles) ++sharing[article.document_path];

  std::vector<store::ArticlePath> paths;
  std::vector<store::DocumentMove> moves;
  for (const store::ArticleSummary& article : *articles) {
    const auto renamed = publish::renamed_document_path(article.document_path, article.feed_name, article.key);
    const std::string& old_path = article.document_path;
    if (renamed && *renamed != old_path) {
      paths.push_back({article.id, *renamed});
      moves.push_back({old_path, *renamed});
      for (publish::ChineseConversion conversion : kAllConversions) {
        moves.push_back({publish::converted_document_path(old_path, conversion),
                         publish::converted_document_path(*renamed, conversion)});
      }
    } else if (sharing[old_path] > 1) {
      // Two articles had one name: the file holds one of them at most.
      paths.push_back({article.id, old_path});
    }
  }
  std::set<std::string> folders;
  for (const store::FeedRecord& feed : *feeds) folders.insert(publish::feed_folder(feed.name));
  for (const store::FeedRecord& feed : *feeds) {
    const std::string old_folder = publish::legacy_feed_folder(feed.name);
    if (folders.contains(old_folder)) continue;
    // What publish writes in a feed's folder beside its documents: written
    // again in the new folder by the next publish.
    for (const char* file : {"README.md", "atom.xml", "rss.xml", "feed.json"}) {
      moves.push_back({old_folder + "/" + file, ""});
    }
  }
  return store.relayout(kCurrentLayout, paths, moves);
}

// Removes the folders `relative` leaves empty, up to the archive's root.
void remove_empty_folders(const fs::path& root, const std::string& relative) {
  std::error_code ignored;
  for (fs::path folder = fs::path(relative).parent_path(); !folder.empty(); folder = folder.parent_path()) {
    if (!fs::remove(root / folder, ignored)) return;  // not empty, or gone
  }
}

}  // namespace

Result<std::size_t> move_documents_to_current_names(const fs::path& root, store::Store& store) {
  auto layout = store.layout();
  if (!layout) return std::unexpected(layout.error());
  if (*layout < kCurrentLayout) {
    if (auto planned = plan_moves(store); !planned) return std::unexpected(planned.error());
  }
  auto moves = store.document_moves();
  if (!moves) return std::unexpected(moves.error());
  if (moves->empty()) return 0;

  // A file an article's document is at now is never moved away or removed.
  auto articles = store.articles(std::nullopt);
  if (!articles) return std::unexpected(articles.error());
  std::set<std::string> current;
  for (const store::ArticleSummary& article : *articles) current.insert(article.document_path);

  std::size_t moved = 0;
  for (const store::DocumentMove& move : *moves) {
    std::error_code error;
    const fs::path from = root / move.from;
    if (current.contains(move.from) || !fs::exists(fs::symlink_status(from, error))) continue;
    if (!move.to.empty() && !fs::exists(fs::symlink_status(root / move.to, error))) {
      const fs::path to = root / move.to;
      fs::create_directories(to.parent_path(), error);
      // rename(2): the file is at one of its two names, whenever the run is killed.
      if (!error) fs::rename(from, to, error);
      if (error) {
        return make_error(ErrorCode::kIo, "cannot move " + move.from + " to " + move.to + ": " + error.message());
      }
      ++moved;
    } else {
      // Its article's document is written from the store at the new name.
      fs::remove(from, error);
      if (error) return make_error(ErrorCode::kIo, "cannot remove " + move.from + ": " + error.message());
    }
    remove_empty_folders(root, move.from);
  }
  // The moves are forgotten only once they are on disk.
  if (auto synced = publish::sync_archive(root); !synced) return std::unexpected(synced.error());
  auto finished = store.transaction([&]() -> Result<void> {
    for (const store::DocumentMove& move : *moves) {
      if (auto done = store.finish_move(move.from); !done) return done;
    }
    return {};
  });
  if (!finished) return std::unexpected(finished.error());
  return moved;
}

}  // namespace newsvault::pipeline
