// The archive's history in git (libgit2): the repository, the commit after
// a run, and its status.
//
//   folder ─► diff against the index (.gitignore honoured) ─► new and changed
//          files stored, removed ones dropped ─► tree (objects: one new pack)
//          tree == HEAD's tree ? no commit : commit on the current branch
//          ─► pack_history
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "publish/git_handles.h"
#include "publish/git_pack.h"
#include "publish/publish.h"

namespace newsvault::publish {
namespace {

// libgit2 wants one git_libgit2_init() before any other call; it is
// reference-counted and never shut down here, as the process may use git
// until it exits.
void ensure_libgit2() {
  static const int initialised = git_libgit2_init();
  (void)initialised;
}

// Points the branch HEAD names at `commit_id`: only from `parent_id` (the
// commit it was made on), or, for a branch not born yet, only if nothing
// created it meanwhile. A branch is never moved off a commit it holds.
Result<void> move_branch(git_repository* repo, const std::filesystem::path& root,
                         const git_oid& commit_id, const git_oid* parent_id,
                         const std::string& message) {
  git_reference* raw_head = nullptr;
  if (git_reference_lookup(&raw_head, repo, "HEAD") != 0) return git_failure(root, "cannot read HEAD");
  GitReference head(raw_head);
  const char* branch = git_reference_symbolic_target(head.get());
  if (branch == nullptr) return make_error(ErrorCode::kIo, root.string() + ": HEAD is not on a branch");
  const std::string log_message = "commit: " + message.substr(0, message.find('\n'));
  git_reference* moved = nullptr;
  if (git_reference_create_matching(&moved, repo, branch, &commit_id, parent_id != nullptr ? 1 : 0,
                                    parent_id, log_message.c_str()) != 0) {
    return git_failure(root, std::string("cannot move ") + branch);
  }
  GitReference owned(moved);
  return {};
}

// Stages every difference between the folder and the index, as `git add
// -A` does, in one walk: a file whose size and times match its entry is not
// read (the stat cache). A new or changed regular file is read and stored
// as it is (git_index_add_all would also look up its attributes, a
// realpath of each file's folder and a .gitattributes in each parent,
// about half of a first commit's time: the archive writes its files as
// they must be committed, and sets no filters); anything else (a removed
// file, a symbolic link) goes through libgit2's own path.
Result<void> stage_all(git_repository* repo, git_index* index, const std::filesystem::path& root) {
  git_diff_options options;
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  options.flags = GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
  git_diff* raw_diff = nullptr;
  if (git_diff_index_to_workdir(&raw_diff, repo, index, &options) != 0) {
    return git_failure(root, "cannot compare the folder with the git index");
  }
  const std::unique_ptr<git_diff, GitFree<git_diff, git_diff_free>> diff(raw_diff);
  for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    const char* path = delta->new_file.path;
    if ((delta->new_file.flags & GIT_DIFF_FLAG_EXISTS) == 0) {
      if (git_index_remove_bypath(index, delta->old_file.path) != 0) return git_failure(root, "cannot stage");
      continue;
    }
    const std::filesystem::path file = root / path;
    struct stat status {};
    if (::lstat(file.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
      if (git_index_add_bypath(index, path) != 0) return git_failure(file, "cannot stage");
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) return make_error(ErrorCode::kIo, file.string() + ": cannot read");
    git_index_entry entry{};
    entry.ctime = {static_cast<std::int32_t>(status.st_ctim.tv_sec), static_cast<std::uint32_t>(status.st_ctim.tv_nsec)};
    entry.mtime = {static_cast<std::int32_t>(status.st_mtim.tv_sec), static_cast<std::uint32_t>(status.st_mtim.tv_nsec)};
    entry.dev = static_cast<std::uint32_t>(status.st_dev);
    entry.ino = static_cast<std::uint32_t>(status.st_ino);
    entry.mode = (status.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    entry.uid = status.st_uid;
    entry.gid = status.st_gid;
    entry.file_size = static_cast<std::uint32_t>(status.st_size);
    entry.path = path;
    if (git_blob_create_from_buffer(&entry.id, repo, content.data(), content.size()) != 0 ||
        git_index_add(index, &entry) != 0) {
      return git_failure(file, "cannot stage");
    }
  }
  return {};
}

}  // namespace

std::string git_last_error() {
  const ::git_error* error = git_error_last();
  return error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
}

std::unexpected<Error> git_failure(const std::filesystem::path& where, std::string_view what) {
  return make_error(ErrorCode::kIo, where.string() + ": " + std::string(what) + ": " + git_last_error());
}

Result<GitRepository> open_git_repository(const std::filesystem::path& root) {
  ensure_libgit2();
  git_repository* repository = nullptr;
  // NO_SEARCH: the archive is its own repository, never a folder inside
  // some enclosing one.
  const int status = git_repository_open_ext(&repository, root.c_str(),
                                             GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (status == GIT_ENOTFOUND) {
    return make_error(ErrorCode::kNotFound, root.string() + ": not a git repository");
  }
  if (status != 0) return git_failure(root, "cannot open the git repository");
  return GitRepository(repository);
}

Result<void> init_git_repository(const std::filesystem::path& root,
                                 const std::vector<std::string>& ignored, const std::string& branch) {
  auto existing = open_git_repository(root);
  if (!existing && existing.error().code() != ErrorCode::kNotFound) {
    return std::unexpected(existing.error());
  }
  if (!existing) {
    git_repository_init_options options;
    git_repository_init_options_init(&options, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    options.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    options.initial_head = branch.c_str();
    git_repository* repository = nullptr;
    if (git_repository_init_ext(&repository, root.c_str(), &options) != 0) {
      return git_failure(root, "cannot create a git repository");
    }
    GitRepository owned(repository);
  }
  if (std::filesystem::exists(root / ".gitignore")) return {};
  std::string text =
      "# newsvault's own state and settings: the history keeps the documents.\n";
  for (const std::string& path : ignored) text += "/" + path + "\n";
  return write_file_atomically(root, ".gitignore", text);
}

std::string commit_message(const std::vector<FeedChanges>& changes) {
  const auto counts = [](std::size_t added, std::size_t updated) {
    std::string text;
    if (added) text = std::to_string(added) + " new";
    if (updated) text += (text.empty() ? "" : ", ") + std::to_string(updated) + " updated";
    return text.empty() ? std::string("no changes") : text;
  };
  std::vector<const FeedChanges*> changed;
  std::size_t total_new = 0;
  std::size_t total_updated = 0;
  for (const FeedChanges& feed : changes) {
    if (feed.new_articles == 0 && feed.updated_articles == 0) continue;
    changed.push_back(&feed);
    total_new += feed.new_articles;
    total_updated += feed.updated_articles;
  }
  std::ranges::sort(changed, [](const auto* a, const auto* b) { return a->feed < b->feed; });
  if (changed.empty()) return "Republish the archive\n";
  if (changed.size() == 1) {
    return counts(total_new, total_updated) + " in " + changed.front()->feed + "\n";
  }
  std::string message = counts(total_new, total_updated) + " in " +
                        std::to_string(changed.size()) + " feeds\n\n";
  for (const FeedChanges* feed : changed) {
    message += feed->feed + ": " + counts(feed->new_articles, feed->updated_articles) + "\n";
  }
  return message;
}

// The commit itself: every object it needs written to one new pack.
// Puts HEAD on refs/heads/`branch` ([publish.git] branch), so that the
// commit and the pushes are on it: a branch not there yet starts at the
// commit HEAD is on (or is born with the next commit). One that exists at
// another commit is refused rather than moved: it holds history.
static Result<void> use_branch(git_repository* repo, const std::filesystem::path& root,
                               const std::string& branch) {
  const std::string target = "refs/heads/" + branch;
  git_reference* raw_head = nullptr;
  if (git_reference_lookup(&raw_head, repo, "HEAD") != 0) return git_failure(root, "cannot read HEAD");
  GitReference head(raw_head);
  const char* current = git_reference_symbolic_target(head.get());
  if (current != nullptr && target == current) return {};
  git_oid head_commit;
  const bool born = git_reference_name_to_id(&head_commit, repo, "HEAD") == 0;
  git_oid branch_commit;
  if (git_reference_name_to_id(&branch_commit, repo, target.c_str()) == 0) {
    if (!born || !git_oid_equal(&branch_commit, &head_commit)) {
      return make_error(ErrorCode::kIo, root.string() + ": branch " + branch +
                                            " ([publish.git] branch) exists at another commit than HEAD; "
                                            "check it out or choose another name");
    }
  } else if (born) {
    git_reference* created = nullptr;
    if (git_reference_create(&created, repo, target.c_str(), &head_commit, 0, "branch: [publish.git] branch") != 0) {
      return git_failure(root, "cannot create branch " + branch);
    }
    GitReference owned(created);
  }
  git_reference* moved = nullptr;
  if (git_reference_symbolic_create(&moved, repo, "HEAD", target.c_str(), 1, "[publish.git] branch") != 0) {
    return git_failure(root, "cannot put HEAD on branch " + branch);
  }
  GitReference owned(moved);
  return {};
}

static Result<std::optional<std::string>> commit_changes(const std::filesystem::path& root, const std::string& message,
                                                  const GitOptions& options, Timestamp when) {
  auto repository = open_git_repository(root);
  if (!repository) return std::unexpected(repository.error());
  git_repository* repo = repository->get();
  if (auto on_branch = use_branch(repo, root, options.branch); !on_branch) {
    return std::unexpected(on_branch.error());
  }
  if (auto removed = remove_unfinished_packs(git_repository_path(repo)); !removed) {
    return std::unexpected(removed.error());
  }
  auto pack = PackWriter::attach(repo, root);
  if (!pack) return std::unexpected(pack.error());

  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo) != 0) return git_failure(root, "cannot read the git index");
  GitIndex index(raw_index);
  if (auto staged = stage_all(repo, index.get(), root); !staged) return std::unexpected(staged.error());
  git_oid tree_id;
  if (git_index_write_tree(&tree_id, index.get()) != 0) return git_failure(root, "cannot write the tree");
  // The index (the stat cache that spares the next run hashing unchanged
  // files) is saved only once the objects it names are in an installed pack.
  const auto save_index = [&]() -> Result<void> {
    if (auto finished = pack->finish(); !finished) return finished;
    if (git_index_write(index.get()) != 0) return git_failure(root, "cannot write the git index");
    return {};
  };

  git_reference* raw_head = nullptr;
  GitObject parent;
  const int head_status = git_repository_head(&raw_head, repo);
  if (head_status == 0) {
    GitReference head(raw_head);
    git_object* raw_parent = nullptr;
    if (git_reference_peel(&raw_parent, head.get(), GIT_OBJECT_COMMIT) != 0) {
      return git_failure(root, "cannot read the last commit");
    }
    parent.reset(raw_parent);
    const git_commit* last = reinterpret_cast<const git_commit*>(parent.get());
    if (git_oid_equal(git_commit_tree_id(last), &tree_id)) {
      if (auto saved = save_index(); !saved) return std::unexpected(saved.error());
      return std::nullopt;
    }
  } else if (head_status != GIT_EUNBORNBRANCH && head_status != GIT_ENOTFOUND) {
    return git_failure(root, "cannot read HEAD");
  }

  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo, &tree_id) != 0) return git_failure(root, "cannot read the new tree");
  GitTree tree(raw_tree);
  git_signature* raw_signature = nullptr;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch());
  if (git_signature_new(&raw_signature, options.author_name.c_str(), options.author_email.c_str(),
                        static_cast<git_time_t>(seconds.count()), 0) != 0) {
    return git_failure(root, "author '" + options.author_name + " <" + options.author_email + ">'");
  }
  GitSignature signature(raw_signature);
  const git_commit* parents[1] = {reinterpret_cast<const git_commit*>(parent.get())};
  git_oid commit_id;
  // The commit's objects first, in a pack flushed to the disk; only then the
  // branch moves to it, so a power cut never leaves the branch naming
  // objects that are not on disk. A cut before the branch moves leaves the
  // changes uncommitted (and perhaps a pack no commit uses yet), and the next
  // run commits them.
  if (git_commit_create(&commit_id, repo, nullptr, signature.get(), signature.get(), nullptr,
                        message.c_str(), tree.get(), parent ? 1 : 0, parents) != 0) {
    return git_failure(root, "cannot commit");
  }
  if (auto saved = save_index(); !saved) return std::unexpected(saved.error());
  if (auto synced = sync_archive(root); !synced) return std::unexpected(synced.error());
  const git_oid* parent_id = parent ? git_object_id(parent.get()) : nullptr;
  if (auto moved = move_branch(repo, root, commit_id, parent_id, message); !moved) {
    return std::unexpected(moved.error());
  }
  if (auto synced = sync_archive(root); !synced) return std::unexpected(synced.error());
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit_id);
  return std::optional<std::string>(hex);
}

Result<std::optional<std::string>> commit_all_changes(const std::filesystem::path& root,
                                                      const std::string& message,
                                                      const GitOptions& options, Timestamp when) {
  auto committed = commit_changes(root, message, options, when);
  if (!committed) return committed;
  // Also when nothing was committed: loose objects an older version or an
  // interrupted run left are packed by the next run either way.
  if (auto packed = pack_history(root); !packed) return std::unexpected(packed.error());
  return committed;
}

Result<std::vector<std::string>> uncommitted_changes(const std::filesystem::path& root) {
  auto repository = open_git_repository(root);
  if (!repository) return std::unexpected(repository.error());
  git_status_options options;
  git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* raw_list = nullptr;
  if (git_status_list_new(&raw_list, repository->get(), &options) != 0) {
    return git_failure(root, "cannot read the status");
  }
  GitStatusList list(raw_list);
  std::set<std::string> paths;
  for (std::size_t i = 0; i < git_status_list_entrycount(list.get()); ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    for (const git_diff_delta* delta : {entry->head_to_index, entry->index_to_workdir}) {
      if (delta != nullptr) paths.insert(delta->new_file.path ? delta->new_file.path : delta->old_file.path);
    }
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

}  // namespace newsvault::publish
