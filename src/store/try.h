// Private to the store stage: NEWSVAULT_TRY, shared by both engines.
#ifndef NEWSVAULT_STORE_TRY_H_
#define NEWSVAULT_STORE_TRY_H_

#include <expected>
#include <utility>

// Propagates a failed Result<U> out of a function returning another Result.
#define NEWSVAULT_TRY(expression)                            \
  do {                                                       \
    if (auto&& try_result = (expression); !try_result) {     \
      return std::unexpected(std::move(try_result).error()); \
    }                                                        \
  } while (false)

#endif  // NEWSVAULT_STORE_TRY_H_
