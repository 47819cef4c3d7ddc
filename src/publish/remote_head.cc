#include "publish/remote_head.h"

#include <optional>

#include "publish/git_handles.h"

namespace newsvault::publish {
namespace {

// The folder a remote URL names on this machine, or nullopt for a network URL.
std::optional<std::filesystem::path> local_path(const std::filesystem::path& root,
                                                const std::string& url) {
  constexpr std::string_view kFileScheme = "file://";
  if (url.starts_with(kFileScheme)) return std::filesystem::path(url.substr(kFileScheme.size()));
  if (url.find("://") != std::string::npos) return std::nullopt;
  // scp-like "host:path" (a colon before any slash) is ssh.
  const auto colon = url.find(':');
  if (colon != std::string::npos && url.find('/') > colon) return std::nullopt;
  const std::filesystem::path path(url);
  return path.is_absolute() ? path : root / path;
}

}  // namespace

void point_unborn_remote_head(const std::filesystem::path& root, const std::string& url,
                              const std::string& branch) {
  const auto path = local_path(root, url);
  if (!path) return;
  auto remote = open_git_repository(*path);
  if (!remote || git_repository_head_unborn(remote->get()) != 1) return;
  const std::string target = "refs/heads/" + branch;
  git_reference* raw_branch = nullptr;
  if (git_reference_lookup(&raw_branch, remote->get(), target.c_str()) != 0) return;
  GitReference owned(raw_branch);
  git_repository_set_head(remote->get(), target.c_str());
}

}  // namespace newsvault::publish
