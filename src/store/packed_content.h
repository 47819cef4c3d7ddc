// Private to the store stage: revisions' content as the store keeps it.
// Content is JSON of an article's fields, about 2 KB of HTML a revision;
// compressed it takes a third of the space, so the store (and the WAL that
// every save goes through) writes a third of the bytes.
#ifndef NEWSVAULT_STORE_PACKED_CONTENT_H_
#define NEWSVAULT_STORE_PACKED_CONTENT_H_

#include <string>
#include <string_view>

#include "core/core.h"

namespace newsvault::store {

// `content` as one Zstandard frame (RFC 8878) with its size and checksum.
// Thread-safe. Fails with kInternal only when zstd cannot work at all.
Result<std::string> pack_content(std::string_view content);

// What pack_content packed. `where` names the row for the error: kIo when
// the bytes are damaged or truncated.
Result<std::string> unpack_content(std::string_view packed, std::string_view where);

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_PACKED_CONTENT_H_
