// Private to the store stage: the hash that tells one revision from another.
#ifndef NEWSVAULT_STORE_CONTENT_HASH_H_
#define NEWSVAULT_STORE_CONTENT_HASH_H_

#include <string>
#include <string_view>

#include "core/core.h"

namespace newsvault::store {

// SHA-256 (FIPS 180-4) of `content` as 64 lowercase hex digits. Fails with
// kInternal only when OpenSSL cannot compute a digest at all.
Result<std::string> content_hash(std::string_view content);

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_CONTENT_HASH_H_
