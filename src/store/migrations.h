// Private to the store stage: the schema, as an ordered list of numbered
// migrations, and the code that applies them.
#ifndef NEWSVAULT_STORE_MIGRATIONS_H_
#define NEWSVAULT_STORE_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "core/core.h"
#include "store/database.h"

namespace newsvault::store {

struct Migration {
  int version;            // 1, 2, 3...: the schema level after it ran
  std::string_view name;  // says what it does, for error messages
  std::string_view sql;   // one or more statements
};

// The store's schema, oldest first.
std::span<const Migration> migrations();

// Brings the database to the last of `list` (whose versions must ascend;
// numbers may be skipped), recording the level in PRAGMA user_version. Each
// migration runs in its own transaction, so a failure leaves the database
// at the level before it. An up-to-date database is only read.
// Fails with kInternal naming the path and the migration that failed, or
// when the database is at a level newer than `list` knows; with
// kInvalidArgument when a read-only database is behind `list`.
Result<void> migrate(Database& database, std::span<const Migration> list = migrations());

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_MIGRATIONS_H_
