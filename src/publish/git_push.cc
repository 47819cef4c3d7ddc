// Pushing the archive's history to its remotes (libgit2), never forced.
//
//   for each configured remote:
//     remote in .git/config (created, or its URL updated from the settings)
//     refs/remotes/NAME/BRANCH == local BRANCH ? up to date
//                                              : push BRANCH:BRANCH ─► tracking ref moved
// The tracking ref moves only after the remote took the push, so a remote
// that failed stays behind and is pushed again by the next run.
//
// Each push runs in a forked child (push_process.h), which the parent
// kills at the first bound that passes: libgit2 1.5 has no timeouts.
#include <git2/graph.h>

#include <cstdlib>

#include "publish/git_handles.h"
#include "publish/publish.h"
#include "publish/push_process.h"
#include "publish/remote_head.h"

namespace newsvault::publish {
namespace {

struct PushState {
  const GitRemote* remote = nullptr;
  const PushChannel* channel = nullptr;
  int credential_attempts = 0;
  std::string error;  // what the callbacks learnt: a refused ref, missing credentials
};

const char* environment(const std::string& name) {
  return name.empty() ? nullptr : std::getenv(name.c_str());
}

// libgit2 asks again after a server refuses what it was given: a few tries
// (the agent's keys, then a password), then give up rather than loop.
int acquire_credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                        unsigned int allowed_types, void* payload) {
  auto& state = *static_cast<PushState*>(payload);
  state.channel->progress();
  if (++state.credential_attempts > 3) {
    state.error = "authentication failed: the remote refused the credentials";
    return GIT_EUSER;
  }
  const GitRemote& remote = *state.remote;
  const char* env_username = environment(remote.username_env);
  const char* username = env_username != nullptr                                  ? env_username
                         : (username_from_url != nullptr && *username_from_url)   ? username_from_url
                                                                                  : nullptr;
  if (allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
    const char* password = environment(remote.password_env);
    if (password == nullptr) {
      state.error = remote.password_env.empty()
                        ? "authentication failed: the remote asks for a password: name the variable "
                          "holding it in password_env"
                        : "authentication failed: the remote asks for a password and $" +
                              remote.password_env + " is not set";
      return GIT_EUSER;
    }
    // Code hosts take any user name with a token; this is GitHub's.
    return git_credential_userpass_plaintext_new(out, username ? username : "x-access-token", password);
  }
  if (allowed_types & GIT_CREDENTIAL_SSH_KEY) {
    return git_credential_ssh_key_from_agent(out, username ? username : "git");
  }
  if (allowed_types & GIT_CREDENTIAL_USERNAME) {
    return git_credential_username_new(out, username ? username : "git");
  }
  return GIT_PASSTHROUGH;
}

// A ref the remote refused (non-fast-forward, a hook): status is its reason.
int push_update_reference(const char* refname, const char* status, void* payload) {
  auto& state = *static_cast<PushState*>(payload);
  state.channel->progress();
  if (status != nullptr) state.error = std::string("rejected: refused ") + refname + ": " + status;
  return 0;
}

// Signs of life, which keep the parent's stall bound from passing.
int on_transfer(unsigned int, unsigned int, size_t, void* payload) {
  static_cast<PushState*>(payload)->channel->progress();
  return 0;
}

int on_sideband(const char*, int, void* payload) {
  static_cast<PushState*>(payload)->channel->progress();
  return 0;
}

int on_pack(int, uint32_t, uint32_t, void* payload) {
  static_cast<PushState*>(payload)->channel->progress();
  return 0;
}

// libgit2's failure in the words of its cause.
std::string push_failure(int status) {
  const std::string reason = git_last_error();
  if (status == GIT_EAUTH || reason.find("authentication") != std::string::npos ||
      reason.find("401") != std::string::npos || reason.find("403") != std::string::npos) {
    return "authentication failed: " + reason;
  }
  if (status == GIT_ENONFASTFORWARD) return "rejected: " + reason;
  return reason;
}

// The remote as the settings say: created, or its URL brought up to date.
Result<GitRemoteHandle> configured_remote(git_repository* repository, const GitRemote& remote,
                                          const std::filesystem::path& root) {
  git_remote* raw = nullptr;
  int status = git_remote_lookup(&raw, repository, remote.name.c_str());
  if (status == GIT_ENOTFOUND) {
    if (git_remote_create(&raw, repository, remote.name.c_str(), remote.url.c_str()) != 0) {
      return git_failure(root, "remote " + remote.name + " (" + redact_url(remote.url) + ")");
    }
    return GitRemoteHandle(raw);
  }
  if (status != 0) return git_failure(root, "remote " + remote.name);
  GitRemoteHandle found(raw);
  const char* url = git_remote_url(found.get());
  if (url != nullptr && remote.url == url) return found;
  found.reset();
  if (git_remote_set_url(repository, remote.name.c_str(), remote.url.c_str()) != 0 ||
      git_remote_lookup(&raw, repository, remote.name.c_str()) != 0) {
    return git_failure(root, "remote " + remote.name + " (" + redact_url(remote.url) + ")");
  }
  return GitRemoteHandle(raw);
}

// A local path as libgit2 must see it: a relative one is relative to the
// archive, not to wherever newsvault happens to be started from.
bool is_local_path(const std::string& url) {
  if (url.find("://") != std::string::npos) return false;
  const auto colon = url.find(':');
  return colon == std::string::npos || url.find('/') < colon;  // not scp-like "host:path"
}

// Commits reachable from `local` that `tracking` lacks (all of them when
// the remote has never been pushed to).
std::size_t behind(git_repository* repository, const git_oid& local, const std::string& tracking) {
  git_oid remote_head;
  std::size_t ahead = 0, lacking = 0;
  if (git_reference_name_to_id(&remote_head, repository, tracking.c_str()) == 0 &&
      git_graph_ahead_behind(&ahead, &lacking, repository, &local, &remote_head) == 0) {
    return ahead;
  }
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repository) != 0) return 0;
  std::unique_ptr<git_revwalk, GitFree<git_revwalk, git_revwalk_free>> walk(raw);
  if (git_revwalk_push(walk.get(), &local) != 0) return 0;
  git_oid each;
  while (git_revwalk_next(&each, walk.get()) == 0) ++ahead;
  return ahead;
}

PushResult push_one(git_repository* repository, const std::filesystem::path& root, const GitOptions& options,
                    GitRemote remote, const std::string& branch, const git_oid& local) {
  const bool local_path = is_local_path(remote.url);
  if (local_path && std::filesystem::path(remote.url).is_relative()) {
    remote.url = (std::filesystem::absolute(root) / remote.url).lexically_normal().string();
  }
  PushResult result{remote.name, false, ""};
  const std::string where = "push to " + remote.name + " (" + redact_url(remote.url) + ")";
  const std::string tracking = "refs/remotes/" + remote.name + "/" + branch;
  git_oid remote_head;
  if (git_reference_name_to_id(&remote_head, repository, tracking.c_str()) == 0 &&
      git_oid_equal(&remote_head, &local)) {
    return result;  // the remote has it already
  }
  result.behind = behind(repository, local, tracking);
  // libgit2 reads a local path that does not exist as an unknown protocol;
  // say what is really wrong.
  if (local_path && !std::filesystem::exists(remote.url)) {
    result.error = where + ": no repository at " + remote.url;
    return result;
  }
  auto handle = configured_remote(repository, remote, root);
  if (!handle) {
    result.error = where + ": " + handle.error().message();
    return result;
  }
  const std::string refspec = "refs/heads/" + branch + ":refs/heads/" + branch;
  const PushBounds bounds{options.connect_timeout, options.stall_timeout,
                          remote.push_timeout.value_or(options.push_timeout)};
  handle.value().reset();
  // In the child: its own handles on the repository, nothing of the
  // parent's but what was copied.
  const std::string failure = run_bounded(bounds, [&](const PushChannel& channel) {
    if (!local_path) {
      if (std::string refused = connect_probe(remote.url); !refused.empty()) channel.finish(refused);
    }
    channel.connected();
    auto child_repository = open_git_repository(root);
    if (!child_repository) channel.finish(child_repository.error().message());
    git_remote* raw = nullptr;
    if (git_remote_lookup(&raw, child_repository->get(), remote.name.c_str()) != 0) channel.finish(git_last_error());
    GitRemoteHandle child_remote(raw);
    PushState state{&remote, &channel, 0, ""};
    git_push_options push_options;
    git_push_options_init(&push_options, GIT_PUSH_OPTIONS_VERSION);
    push_options.callbacks.credentials = acquire_credentials;
    push_options.callbacks.push_update_reference = push_update_reference;
    push_options.callbacks.push_transfer_progress = on_transfer;
    push_options.callbacks.sideband_progress = on_sideband;
    push_options.callbacks.pack_progress = on_pack;
    push_options.callbacks.payload = &state;
    // No leading '+': a remote whose branch moved elsewhere refuses the
    // push instead of losing its commits.
    char* refspec_text = const_cast<char*>(refspec.c_str());
    const git_strarray refspecs{&refspec_text, 1};
    if (const int status = git_remote_push(child_remote.get(), &refspecs, &push_options); status != 0) {
      channel.finish(state.error.empty() ? push_failure(status) : state.error);
    }
    channel.finish(state.error);
  }, options.cancel.get());
  if (failure == kAbandoned) {
    result.error = where + ": " + failure;
    result.abandoned = true;
    return result;
  }
  if (!failure.empty()) {
    // libgit2's words may quote the URL it was given or redirected to.
    result.error = where + ": " + redact_urls(failure);
    return result;
  }
  git_reference* moved = nullptr;
  if (git_reference_create(&moved, repository, tracking.c_str(), &local, 1, "push") != 0) {
    result.error = where + ": pushed, but " + tracking + " not updated: " + git_last_error();
    return result;
  }
  GitReference owned(moved);
  result.pushed = true;
  result.behind = 0;
  return result;
}

}  // namespace

std::vector<PushResult> push_to_remotes(const std::filesystem::path& root,
                                        const GitOptions& options) {
  std::vector<PushResult> results;
  if (options.remotes.empty()) return results;
  const auto fail_all = [&](const std::string& error) {
    for (const GitRemote& remote : options.remotes) results.push_back({remote.name, false, error});
    return results;
  };
  auto repository = open_git_repository(root);
  if (!repository) return fail_all(repository.error().message());
  git_reference* raw_head = nullptr;
  const int head_status = git_repository_head(&raw_head, repository->get());
  if (head_status == GIT_EUNBORNBRANCH) return results;  // nothing committed: nothing to push
  if (head_status != 0) return fail_all(git_failure(root, "cannot read HEAD").error().message());
  GitReference head(raw_head);
  const git_oid* local = git_reference_target(head.get());
  if (!git_reference_is_branch(head.get()) || local == nullptr) {
    return fail_all(root.string() + ": HEAD is not on a branch; nothing is pushed");
  }
  const std::string branch = git_reference_shorthand(head.get());
  for (const GitRemote& remote : options.remotes) {
    if (options.cancel && *options.cancel) {
      results.push_back({remote.name, false, "push to " + remote.name + ": " + kAbandoned,
                         behind(repository->get(), *local, "refs/remotes/" + remote.name + "/" + branch), true});
      continue;
    }
    results.push_back(push_one(repository->get(), root, options, remote, branch, *local));
    if (results.back().pushed) point_unborn_remote_head(root, remote.url, branch);
  }
  return results;
}

Result<std::size_t> commits_behind(const std::filesystem::path& root, const std::string& remote_name) {
  auto repository = open_git_repository(root);
  if (!repository) return std::unexpected(repository.error());
  git_reference* raw_head = nullptr;
  const int head_status = git_repository_head(&raw_head, repository->get());
  if (head_status == GIT_EUNBORNBRANCH) return 0;
  if (head_status != 0) return git_failure(root, "cannot read HEAD");
  GitReference head(raw_head);
  const git_oid* local = git_reference_target(head.get());
  if (!git_reference_is_branch(head.get()) || local == nullptr) return 0;
  return behind(repository->get(), *local,
                "refs/remotes/" + remote_name + "/" + git_reference_shorthand(head.get()));
}

}  // namespace newsvault::publish
