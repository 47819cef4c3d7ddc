// Private to the pipeline: the converted copies of documents ([feeds.NAME]
// convert: Traditional or Simplified Chinese through OpenCC), written
// beside each document the same way by fetch and by publish.
#ifndef NEWSVAULT_PIPELINE_CONVERTED_COPIES_H_
#define NEWSVAULT_PIPELINE_CONVERTED_COPIES_H_

#include <map>
#include <string>
#include <vector>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// Not thread-safe: an OpenCC converter is not shared. Each converter is
// loaded once, when first needed (OpenCC reads its dictionaries then).
class ConvertedCopies {
 public:
  explicit ConvertedCopies(const Archive& archive) : archive_(archive) {}

  // The copies the settings ask for of the document of `article` (feed
  // `feed_name`, archived at `archived_at`) at `path`, relative to the
  // root, each written atomically (Durability::kBatched: the caller
  // flushes). Each copy written is added to `written` with the hash of its
  // bytes (PublishRequest::written_documents). A copy that cannot be made
  // (OpenCC or its dictionaries missing) is appended to `errors` naming the
  // feed and the file, and leaves the original alone; fails only when a
  // file cannot be written.
  Result<void> write(const std::string& feed_name, const extract::Article& article, Timestamp archived_at,
                     const std::string& path, std::map<std::string, std::size_t>& written,
                     std::vector<std::string>& errors);

 private:
  const Archive& archive_;
  std::map<publish::ChineseConversion, Result<publish::ChineseConverter>> converters_;
};

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_CONVERTED_COPIES_H_
