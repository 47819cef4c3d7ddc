// Private to the store stage: the PostgreSQL engine's schema, its own
// ordered list of numbered migrations (store/migrations.h's Migration),
// recorded in the table newsvault_schema.
#ifndef NEWSVAULT_STORE_POSTGRESQL_MIGRATIONS_H_
#define NEWSVAULT_STORE_POSTGRESQL_MIGRATIONS_H_

#include <span>

#include "core/core.h"
#include "store/migrations.h"
#include "store/postgresql/connection.h"

namespace newsvault::store::postgresql {

std::span<const Migration> migrations();

// Brings the database to the last migration, each in its own transaction
// under an advisory lock (processes opening one database at once apply
// each migration once). Fails as store::migrate does, naming the URI;
// with `read_only`, a database behind the list is kInvalidArgument.
Result<void> migrate(Connection& connection, bool read_only);

}  // namespace newsvault::store::postgresql

#endif  // NEWSVAULT_STORE_POSTGRESQL_MIGRATIONS_H_
