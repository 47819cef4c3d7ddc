#include <system_error>

#include "pipeline/feed_management.h"
#include "pipeline/pipeline.h"
#include "pipeline/publish_run.h"
#include "pipeline/run_guard.h"
#include "pipeline/state_files.h"
#include "search/search.h"

namespace newsvault::pipeline {

Result<void> Archive::init(const std::filesystem::path& root, const std::string& store_url) {
  std::error_code error;
  std::filesystem::create_directories(root / kStateDirectory, error);
  if (error) return make_error(ErrorCode::kIo, "cannot create " + root.string() + ": " + error.message());
  if (std::filesystem::exists(root / kConfigFileName)) {
    return make_error(ErrorCode::kInvalidArgument,
                      root.string() + " already holds an archive (" + kConfigFileName + ")");
  }
  if (!store_url.empty() && !store::is_postgresql_location(store_url)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--store " + store::display_location(store_url) + ": expected a postgresql:// URI");
  }
  auto store = store::Store::open(store_url.empty() ? (root / kStoreFile).string() : store_url);
  if (!store) return std::unexpected(store.error());
  auto config = set_store_url(default_config_text(), kConfigFileName, store_url);
  if (!config) return std::unexpected(config.error());
  if (auto written = publish::write_file_atomically(root, kConfigFileName, *config); !written) {
    return written;
  }
  // The default settings keep a history: the folder is a repository from
  // the start, its first commit made by the first fetch that archives.
  return publish::init_git_repository(root, git_ignored_paths(publish::SiteOptions{}.dir));
}

Result<std::unique_ptr<Archive>> Archive::open(const std::filesystem::path& root, Access access) {
  const auto config_file = root / kConfigFileName;
  if (!std::filesystem::exists(config_file)) {
    return make_error(ErrorCode::kNotFound, "no archive in " + root.string() +
                                                ": run 'newsvault init " + root.string() + "'");
  }
  // Said before anything is tried, rather than as the first write's
  // failure ("attempt to write a readonly database") halfway through.
  auto config = load_config(config_file);
  if (!config) return std::unexpected(config.error());
  const bool server = !config->store_url.empty();
  for (const auto& path : {root, root / kStateDirectory, root / kStoreFile}) {
    if (server && path == root / kStoreFile) continue;
    auto why = access == Access::kReadWrite ? cannot_write(path) : std::nullopt;
    if (why) {
      return make_error(ErrorCode::kIo, "the archive in " + root.string() + " is read-only (" +
                                            path.string() + ": " + *why +
                                            "): list, show, check and export-opml read it as it is");
    }
  }
  auto store = store::Store::open(server ? config->store_url : (root / kStoreFile).string(), access);
  if (!store) return std::unexpected(store.error());
  // Every revision saved from here on is searchable when its transaction ends.
  if (auto attached = search::attach(**store); !attached) return std::unexpected(attached.error());
  auto archive = std::unique_ptr<Archive>(new Archive(root, std::move(*config), std::move(*store)));
  if (auto imported = import_state_files(*archive); !imported) return std::unexpected(imported.error());
  return archive;
}

Result<std::unique_ptr<store::Store>> Archive::open_store() const {
  return store::Store::open(store_location(), store_->read_only() ? Access::kRead : Access::kReadWrite);
}

std::string Archive::store_location() const {
  return config_.store_url.empty() ? (root_ / kStoreFile).string() : config_.store_url;
}

}  // namespace newsvault::pipeline
