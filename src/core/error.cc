#include "core/core.h"

namespace newsvault {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kParse: return "parse error";
    case ErrorCode::kEncoding: return "encoding error";
    case ErrorCode::kTooLarge: return "too large";
    case ErrorCode::kIo: return "I/O error";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kInternal: return "internal error";
  }
  return "error";
}

}  // namespace newsvault
