// Private to the pipeline: an article's documents on disk against what the
// store makes of its latest revision. check_archive reports what differs;
// run_publish restores it before it commits, so that the history never
// records a document edited by hand.
//
//   store ─► load: the article's revisions, the latest decoded
//            ─► compare: render_document (as fetch writes it) == the file's bytes?
//                        no: an older revision's rendering? else edited or damaged
//            ─► compare_copies: each [feeds.NAME] convert copy likewise
//
// A document depends only on its revision and the settings, so comparing
// rendered bytes is exact: no hashes to keep in step.
#ifndef NEWSVAULT_PIPELINE_DOCUMENT_CHECK_H_
#define NEWSVAULT_PIPELINE_DOCUMENT_CHECK_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// An article's latest revision, read from the store, ready to render.
struct LatestDocument {
  store::ArticleSummary summary;
  std::vector<store::StoredRevision> revisions;  // oldest first; none for a broken article
  // The latest revision's article, or why it cannot be read (a record
  // that does not decode, or no revision at all).
  Result<extract::Article> article;

  int number() const { return revisions.empty() ? 0 : revisions.back().number; }
  // Where its document lives, as the latest revision names it.
  const std::string& path() const {
    return revisions.empty() ? summary.document_path : revisions.back().revision.document_path;
  }
};

// A document or converted copy against the store's rendering.
struct DocumentComparison {
  enum class State {
    kCurrent,        // byte for byte the store's rendering of the latest revision
                     // (or of its body cleaned again, as fetch writes a pending one)
    kMissing,        // no file, or none that can be read
    kOlderRevision,  // an older revision's rendering (`older_revision`); originals only
    kDiffers,        // no revision's rendering: edited by hand, or damaged
  };
  State state = State::kCurrent;
  std::string path;       // relative to the archive root
  std::string copy_of;    // a converted copy: its original's path; "" for an original
  int older_revision = 0;
  std::string expected;   // the store's rendering: what the file should hold
};

class DocumentComparer {
 public:
  explicit DocumentComparer(Archive& archive) : archive_(archive) {}

  // The article's revisions, the latest decoded. Fails only when the store
  // cannot be read.
  Result<LatestDocument> load(const store::ArticleSummary& summary) const;

  // The article's document against the rendering of its latest revision,
  // which must have been read (`latest.article` holds it). Reads the file
  // and renders only: safe on several threads at once.
  DocumentComparison compare(const LatestDocument& latest) const;

  // Its converted copies ([feeds.NAME] convert), each against the
  // conversion of the latest revision (which must have been read). A copy
  // the conversion cannot make is left out (fetch writes none); one whose
  // conversion cannot be loaded (OpenCC or its dictionaries missing) is
  // added to `not_compared` with the reason. One thread at a time: the
  // converters are shared.
  std::vector<DocumentComparison> compare_copies(
      const LatestDocument& latest, std::vector<std::pair<std::string, std::string>>& not_compared);

  // The paths of the converted copies a document of `feed_name` gets.
  std::vector<std::string> copy_paths(const std::string& feed_name, const std::string& path) const;

 private:
  std::string render(const extract::Article& article, Timestamp archived_at) const;
  std::string render_cleaned(const LatestDocument& latest) const;
  const std::vector<publish::ChineseConversion>& conversions(const std::string& feed_name) const;

  Archive& archive_;
  // Loaded at first use (OpenCC reads its dictionaries then).
  std::map<publish::ChineseConversion, Result<publish::ChineseConverter>> converters_;
};

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_DOCUMENT_CHECK_H_
