// Private to the pipeline stage: a file's bytes, whole.
#ifndef NEWSVAULT_PIPELINE_FILE_BYTES_H_
#define NEWSVAULT_PIPELINE_FILE_BYTES_H_

#include <filesystem>
#include <optional>
#include <string>

namespace newsvault::pipeline {

// The file's bytes, or nullopt when it cannot be opened.
std::optional<std::string> read_whole_file(const std::filesystem::path& path);

}  // namespace newsvault::pipeline

#endif  // NEWSVAULT_PIPELINE_FILE_BYTES_H_
