// Private to the store stage: the PostgreSQL engine of store::Store.
//
// The same meaning as the SQLite engine (store.h), over one libpq
// connection: saves are idempotent (an article is unique by feed and key,
// a revision is added only when its hash differs from the latest's, under
// the article's row lock), and save_revisions sends a batch in one round
// trip. The server's users and marks are kept here (readers.h); the search
// index is not: connection() is nullptr (store.h).
#ifndef NEWSVAULT_STORE_POSTGRESQL_POSTGRESQL_STORE_H_
#define NEWSVAULT_STORE_POSTGRESQL_POSTGRESQL_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/core.h"
#include "store/store.h"

namespace newsvault::store::postgresql {

// True for a postgresql:// or postgres:// location.
bool is_postgresql(std::string_view location);

// Connects to `uri` and migrates (kReadWrite) or checks the schema (kRead:
// every transaction read-only). Fails with kIo naming the URI, its password
// hidden, when it cannot connect.
Result<std::unique_ptr<Store>> open_store(const std::string& uri, Store::Access access);

}  // namespace newsvault::store::postgresql

#endif  // NEWSVAULT_STORE_POSTGRESQL_POSTGRESQL_STORE_H_
