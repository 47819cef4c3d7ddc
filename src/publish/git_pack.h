// Private to the publish stage: the history's objects kept in packs.
//
//   commit ─► PackWriter (an object database backend in front of the loose
//             one) ─► every new object appended to one pack file
//          ─► finish: .pack + .idx v2 fsynced, renamed into objects/pack
//   after ─► pack_history: packs that break a geometric progression, and
//            any loose objects, rolled into one new pack; then the old removed
//
// libgit2 1.5 writes every object as a loose file and never packs; git
// would need `git gc`. Nothing here runs the git command.
#ifndef NEWSVAULT_PUBLISH_GIT_PACK_H_
#define NEWSVAULT_PUBLISH_GIT_PACK_H_

#include <git2.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"

namespace newsvault::publish {

class PendingPack;

// While attached to a repository, every object libgit2 writes to it (blobs,
// trees, commits) is appended to one pack in a folder of its own under
// .git, instead of becoming a loose file; objects already in the
// repository are not written again. Not thread-safe beyond what libgit2's
// object database serialises.
class PackWriter {
 public:
  // Puts the writer in front of the repository's other object stores.
  // kIo naming the folder.
  static Result<PackWriter> attach(git_repository* repository, const std::filesystem::path& root);

  PackWriter(PackWriter&&) noexcept;
  PackWriter& operator=(PackWriter&&) noexcept;
  ~PackWriter();

  // Completes the pack (header, checksum, index), flushes both files to the
  // disk and renames them into objects/pack, pack first, so a reader never
  // sees an index without its pack. Nothing written: no pack. Afterwards the
  // repository reads those objects from the installed pack. kIo naming the
  // file on failure; the pack is then not installed.
  Result<void> finish();

  std::size_t objects_written() const;

 private:
  explicit PackWriter(std::shared_ptr<PendingPack> pending);
  std::shared_ptr<PendingPack> pending_;
};

// A pack in objects/pack, by its index file.
struct PackFile {
  std::filesystem::path index;  // .../objects/pack/pack-HASH.idx
  std::uint32_t objects = 0;
  bool kept = false;  // a .keep beside it: never rolled up
};

// The packs of a repository's objects folder, smallest first. kIo naming
// the folder or a damaged index.
Result<std::vector<PackFile>> list_packs(const std::filesystem::path& objects_dir);

// How many of `objects` (pack sizes in objects, smallest first) must be
// rolled into one so that the rest, with the new pack, forms a geometric
// progression of `factor`: each pack at least `factor` times the size of
// the next smaller one (git repack --geometric's rule). 0 or 1: nothing to do.
std::size_t geometric_split(const std::vector<std::uint64_t>& objects, std::uint64_t factor);

// Keeps the history packed and bounded: rolls every loose object and the
// packs geometric_split(…, 2) picks into one new pack (written by libgit2's
// packbuilder, with deltas), flushed and installed before the old packs and
// loose files are removed, so a kill at any moment leaves every object
// readable. Leaves at most O(log n) packs for n objects. A loose object that
// cannot be read is left in place. kIo naming the file on failure.
Result<void> pack_history(const std::filesystem::path& root);

// Removes folders PackWriter or pack_history left under .git when a run was
// cut short. kIo naming the folder.
Result<void> remove_unfinished_packs(const std::filesystem::path& git_dir);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_GIT_PACK_H_
