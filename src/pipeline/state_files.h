// Private to the pipeline: where an archive keeps its own state.
#ifndef NEWSVAULT_PIPELINE_STATE_FILES_H_
#define NEWSVAULT_PIPELINE_STATE_FILES_H_

namespace newsvault::pipeline {

// Hidden from the documents, so that copying or publishing the archive's
// documents does not copy the machinery.
inline constexpr const char* kStateDirectory = ".newsvault";
inline constexpr const char* kStoreFile = ".newsvault/store.db";
// The last body of each feed, by feed id: what a 304 answer stands for.
inline constexpr const char* kFeedBodyDirectory = ".newsvault/feeds";

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_STATE_FILES_H_
