#include "pipeline/file_bytes.h"

#include <fstream>
#include <sstream>

namespace newsvault::pipeline {

std::optional<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace newsvault::pipeline
