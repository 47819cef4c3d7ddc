// Private to the record stage: files written whole or not at all, and
// programs run with a bound on their time.
#ifndef NEWSVAULT_RECORD_FILES_H_
#define NEWSVAULT_RECORD_FILES_H_

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/core.h"

// Returns the error of a failed Result from the function it is in.
#define RECORD_TRY(expression)                               \
  do {                                                       \
    if (auto&& result_ = (expression); !result_) {           \
      return std::unexpected(std::move(result_).error());    \
    }                                                        \
  } while (false)

namespace newsvault::record {

// Writes `bytes` to a temporary file beside `path`, flushes it and renames
// it over `path`: a reader (or a killed writer's successor) sees the old
// file or the new one. Fails with kIo naming the file.
Result<void> write_atomically(const std::filesystem::path& path, std::string_view bytes);

// What a program said and how it ended.
struct ProgramResult {
  int exit_status = -1;  // -1 when it did not exit by itself (killed at the bound)
  std::string output;    // its stdout and stderr together
};

// Runs `arguments` (arguments[0] found on PATH), its standard input read
// from `input` ("": /dev/null), killed when `timeout` passes. Fails with
// kIo when it cannot be started or was killed at the bound.
Result<ProgramResult> run_program(const std::vector<std::string>& arguments,
                                  const std::filesystem::path& input, std::chrono::seconds timeout);

// `size` bytes as lowercase hex digits.
std::string to_hex(const unsigned char* bytes, std::size_t size);

// SHA-256 of the file at `path`, as 64 lowercase hex digits, read a piece
// at a time. Fails with kIo naming the file.
Result<std::string> file_sha256(const std::filesystem::path& path);

}  // namespace newsvault::record

#endif  // NEWSVAULT_RECORD_FILES_H_
