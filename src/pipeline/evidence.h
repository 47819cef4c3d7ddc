// Private to the pipeline: what the archive's WARC files say of the
// newsvault that wrote them.
#ifndef NEWSVAULT_PIPELINE_EVIDENCE_H_
#define NEWSVAULT_PIPELINE_EVIDENCE_H_

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// The warcinfo fields (WARC 1.1 §6.1): the software, the format, and the
// settings that decide what was fetched and how ([fetch], redacted: no
// credentials, which settings refuse anyway).
std::vector<std::pair<std::string, std::string>> warc_info(const Config& config);

// Every response a run receives through client() written to WARC files in
// root/warc ([warc] enabled; otherwise client() is the client given),
// named with `file_prefix` (record::WarcOptions). A writer mends what a
// killed writer of the same prefix left, so only the one process that
// holds that prefix may make one: a fetch under the run lock, a worker
// with its own worker id.
// Adds `files` (relative to `root`) to the day's manifest of `root`, signed
// with [publish.sign] ssh_key (a relative key path from `root`):
// record::update_manifest. Callers write one only when a key is set.
Result<record::ManifestSummary> add_to_days_manifest(const Config& config, const std::filesystem::path& root,
                                                     Timestamp now, const std::set<std::string>& files);

class RunRecording {
 public:
  RunRecording(fetch::HttpClient& client, const Config& config, const std::filesystem::path& root,
               std::string file_prefix = std::string(record::kDefaultWarcPrefix));
  fetch::HttpClient& client() { return recording_ ? *recording_ : client_; }
  // The files closed (synced); a record that could not be written, or a
  // file that could not be closed, appended to `errors`. Returns the files
  // appended to, relative to the root ("warc/NAME").
  std::vector<std::string> finish(std::vector<std::string>& errors);

 private:
  fetch::HttpClient& client_;
  std::unique_ptr<record::WarcWriter> warc_;
  std::unique_ptr<record::RecordingClient> recording_;
};

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_EVIDENCE_H_
