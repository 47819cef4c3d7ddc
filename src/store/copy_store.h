// Private to the store stage: the SQL both engines run for copy_store
// (store.h), from the table's spec.
#ifndef NEWSVAULT_STORE_COPY_STORE_H_
#define NEWSVAULT_STORE_COPY_STORE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "store/store.h"

namespace newsvault::store {

// A page of `table`'s rows in key order, after the key given as parameters
// 1..key_columns when `after`. `mark` is "?" (SQLite's ?N) or "$"
// (PostgreSQL's $N).
std::string copy_select_sql(const TableSpec& table, bool after, std::size_t limit, std::string_view mark);
// An insert of one row, parameters in column order, that keeps a row whose
// key is there already; for the one layout row, an update.
std::string copy_insert_sql(const TableSpec& table, std::string_view mark);

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_COPY_STORE_H_
