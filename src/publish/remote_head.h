// Private to the publish stage: a fresh bare remote's HEAD pointed at the
// branch newsvault pushes, so that a plain `git clone` of it checks it out.
#ifndef NEWSVAULT_PUBLISH_REMOTE_HEAD_H_
#define NEWSVAULT_PUBLISH_REMOTE_HEAD_H_

#include <filesystem>
#include <string>

namespace newsvault::publish {

// When `url` names a repository on this machine (a path, relative to
// `root`, or a file:// URL) whose HEAD names a branch that does not exist
// (`git init --bare` names "master" or init.defaultBranch), points its HEAD
// at refs/heads/`branch` once that branch exists there. A HEAD that names
// an existing branch is the remote owner's choice and is left alone, as is
// every remote over the network (clone those with `git clone -b BRANCH`).
// Best effort: a remote that cannot be opened is left as it is.
void point_unborn_remote_head(const std::filesystem::path& root, const std::string& url,
                              const std::string& branch);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_REMOTE_HEAD_H_
