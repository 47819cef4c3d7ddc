// Private to the store stage: each engine's store::Readers (store.h), the
// server's users, tokens and per-reader marks, over the engine's own
// connection.
#ifndef NEWSVAULT_STORE_READERS_H_
#define NEWSVAULT_STORE_READERS_H_

#include <memory>

#include "store/database.h"
#include "store/store.h"

namespace newsvault::store {

// On `database`, which must outlive it: the tables of SQLite migration 8.
std::unique_ptr<Readers> sqlite_readers(Database& database);

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_READERS_H_
