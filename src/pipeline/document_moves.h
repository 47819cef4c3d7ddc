// Private to the pipeline: moving an archive's documents to the names
// publish gives them now.
#ifndef NEWSVAULT_PIPELINE_DOCUMENT_MOVES_H_
#define NEWSVAULT_PIPELINE_DOCUMENT_MOVES_H_

#include <cstddef>
#include <filesystem>

#include "core/core.h"
#include "publish/publish.h"
#include "store/store.h"

namespace newsvault::pipeline {

// The layout publish::document_path names documents by (store.h, layout).
inline constexpr int kCurrentLayout = 2;

// Every conversion a converted copy can be made by: the copies a move or
// removal of a document takes with it.
inline constexpr publish::ChineseConversion kAllConversions[] = {
    publish::ChineseConversion::kS2T, publish::ChineseConversion::kT2S,
    publish::ChineseConversion::kS2TW, publish::ChineseConversion::kS2HK,
    publish::ChineseConversion::kS2TWP, publish::ChineseConversion::kTW2SP};

// In an archive of an earlier layout, gives every article whose name
// changed its new document path in the store (one transaction, which also
// keeps the files to move and marks those documents as needing writing),
// then renames each file (and converted copy) on disk, and removes the
// indexes and feeds out of feed folders no feed has any more. Run under
// the RunGuard, before documents are read or written. Safe against kill -9
// at any point: the moves not yet made stay in the store and the next run
// makes them; a document that could not be moved (its old file shared by
// two articles, or gone) is written from the store by the pending writes.
// Returns how many files were moved; fails with kIo naming a file that
// could not be moved.
Result<std::size_t> move_documents_to_current_names(const std::filesystem::path& root,
                                                   store::Store& store);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_DOCUMENT_MOVES_H_
