// Private to the extract and publish tests: where the extract stage's
// testdata folder is, whatever the directory the tests run from.
#ifndef NEWSVAULT_EXTRACT_TESTDATA_PATH_H_
#define NEWSVAULT_EXTRACT_TESTDATA_PATH_H_

#include <filesystem>

namespace newsvault::extract::testing {

// src/extract/testdata/, found from this header's own path (CMake compiles
// with absolute source paths), else relative to the repository root.
inline std::filesystem::path testdata_dir() {
  const std::filesystem::path beside = std::filesystem::path(__FILE__).parent_path() / "testdata";
  if (std::filesystem::is_directory(beside)) return beside;
  return std::filesystem::path("src/extract/testdata");
}

// DW's API document of article 65955570, written from the seed
// (shared/seeds/000_1c3fe8eac2a2cc09.txt) and spec archive-format.md.
inline std::filesystem::path dw_article_65955570() {
  return testdata_dir() / "dw" / "article-65955570.json";
}

}  // namespace newsvault::extract::testing

#endif  // NEWSVAULT_EXTRACT_TESTDATA_PATH_H_
