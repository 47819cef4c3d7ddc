// Private to the store stage: the PostgreSQL engine's store::Readers
// (store.h), on the tables of its migration 5.
#ifndef NEWSVAULT_STORE_POSTGRESQL_READERS_H_
#define NEWSVAULT_STORE_POSTGRESQL_READERS_H_

#include <memory>

#include "store/postgresql/connection.h"
#include "store/store.h"

namespace newsvault::store::postgresql {

// On `connection`, which must outlive it.
std::unique_ptr<Readers> postgresql_readers(Connection& connection);

}  // namespace newsvault::store::postgresql

#endif  // NEWSVAULT_STORE_POSTGRESQL_READERS_H_
