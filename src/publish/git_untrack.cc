// Leaving files out of the history from now on: entries taken out of the
// index, so that the next commit records them as gone while the files stay
// in the folder (`git rm --cached`).
#include <string>
#include <vector>

#include "publish/git_handles.h"
#include "publish/publish.h"

namespace newsvault::publish {

Result<std::size_t> untrack_paths(const std::filesystem::path& root,
                                  const std::function<bool(std::string_view)>& leave_out) {
  auto repository = open_git_repository(root);
  if (!repository) return std::unexpected(repository.error());
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repository->get()) != 0) return git_failure(root, "cannot read the index");
  GitIndex index(raw_index);
  std::vector<std::string> taken;
  const std::size_t count = git_index_entrycount(index.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index.get(), i);
    if (entry != nullptr && leave_out(entry->path)) taken.emplace_back(entry->path);
  }
  if (taken.empty()) return 0;
  for (const std::string& path : taken) {
    if (git_index_remove_bypath(index.get(), path.c_str()) != 0) {
      return git_failure(root, "cannot take " + path + " out of the index");
    }
  }
  // The index is written atomically (index.lock renamed over it): a kill
  // leaves the old one, and the next run takes the entries out again.
  if (git_index_write(index.get()) != 0) return git_failure(root, "cannot write the index");
  return taken.size();
}

}  // namespace newsvault::publish
