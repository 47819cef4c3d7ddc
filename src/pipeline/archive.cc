#include <system_error>

#include "pipeline/pipeline.h"
#include "pipeline/publish_run.h"
#include "pipeline/run_guard.h"
#include "pipeline/state_files.h"
#include "search/search.h"

namespace newsvault::pipeline {

Result<void> Archive::init(const std::filesystem::path& root) {
  std::error_code error;
  std::filesystem::create_directories(root / kStateDirectory, error);
  if (error) return make_error(ErrorCode::kIo, "cannot create " + root.string() + ": " + error.message());
  if (std::filesystem::exists(root / kConfigFileName)) {
    return make_error(ErrorCode::kInvalidArgument,
                      root.string() + " already holds an archive (" + kConfigFileName + ")");
  }
  auto store = store::Store::open((root / kStoreFile).string());
  if (!store) return std::unexpected(store.error());
  if (auto written = publish::write_file_atomically(root, kConfigFileName, default_config_text()); !written) {
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
  for (const auto& path : {root, root / kStateDirectory, root / kStoreFile}) {
    auto why = access == Access::kReadWrite ? cannot_write(path) : std::nullopt;
    if (why) {
      return make_error(ErrorCode::kIo, "the archive in " + root.string() + " is read-only (" +
                                            path.string() + ": " + *why +
                                            "): list, show, check and export-opml read it as it is");
    }
  }
  auto config = load_config(config_file);
  if (!config) return std::unexpected(config.error());
  auto store = store::Store::open((root / kStoreFile).string(), access);
  if (!store) return std::unexpected(store.error());
  // Every revision saved from here on is searchable when its transaction ends.
  if (auto attached = search::attach(**store); !attached) return std::unexpected(attached.error());
  return std::unique_ptr<Archive>(new Archive(root, std::move(*config), std::move(*store)));
}

Result<std::unique_ptr<store::Store>> Archive::open_store() const {
  return store::Store::open((root_ / kStoreFile).string(), store_->read_only() ? Access::kRead : Access::kReadWrite);
}

}  // namespace newsvault::pipeline
