// Private to the pipeline: where an archive keeps its own state.
#ifndef NEWSVAULT_PIPELINE_STATE_FILES_H_
#define NEWSVAULT_PIPELINE_STATE_FILES_H_

namespace newsvault::pipeline {

// Hidden from the documents, so that copying or publishing the archive's
// documents does not copy the machinery.
inline constexpr const char* kStateDirectory = ".newsvault";
inline constexpr const char* kStoreFile = ".newsvault/store.db";
// Where archives kept each feed's last body (ID.body) before the store did:
// moved into the store when the archive is opened (import_state_files).
inline constexpr const char* kFeedBodyDirectory = ".newsvault/feeds";

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_STATE_FILES_H_
