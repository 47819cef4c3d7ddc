// Private to the publish stage: one RAII owner per libgit2 handle, libgit2
// set up once per process, and its errors as ours.
#ifndef NEWSVAULT_PUBLISH_GIT_HANDLES_H_
#define NEWSVAULT_PUBLISH_GIT_HANDLES_H_

#include <git2.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/core.h"

namespace newsvault::publish {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* handle) const { Free(handle); }
};

using GitRepository = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using GitIndex = std::unique_ptr<git_index, GitFree<git_index, git_index_free>>;
using GitReference = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using GitObject = std::unique_ptr<git_object, GitFree<git_object, git_object_free>>;
using GitTree = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using GitSignature = std::unique_ptr<git_signature, GitFree<git_signature, git_signature_free>>;
using GitStatusList = std::unique_ptr<git_status_list, GitFree<git_status_list, git_status_list_free>>;
using GitRemoteHandle = std::unique_ptr<git_remote, GitFree<git_remote, git_remote_free>>;

// libgit2's own message for its last failure: "failed to resolve path ...".
std::string git_last_error();

// kIo: "{where}: {what}: {libgit2's reason}".
std::unexpected<Error> git_failure(const std::filesystem::path& where, std::string_view what);

// Opens the repository whose working folder is `root` (libgit2 set up on
// first use); kNotFound when `root` is not one.
Result<GitRepository> open_git_repository(const std::filesystem::path& root);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_GIT_HANDLES_H_
