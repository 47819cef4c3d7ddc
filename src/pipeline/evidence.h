// Private to the pipeline: what the archive's WARC files say of the
// newsvault that wrote them.
#ifndef NEWSVAULT_PIPELINE_EVIDENCE_H_
#define NEWSVAULT_PIPELINE_EVIDENCE_H_

#include <string>
#include <utility>
#include <vector>

#include "pipeline/pipeline.h"

namespace newsvault::pipeline {

// The warcinfo fields (WARC 1.1 §6.1): the software, the format, and the
// settings that decide what was fetched and how ([fetch], redacted: no
// credentials, which settings refuse anyway).
std::vector<std::pair<std::string, std::string>> warc_info(const Config& config);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_EVIDENCE_H_
