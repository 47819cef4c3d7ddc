// Private to serve: prepared statements on the store's connection.
#ifndef NEWSVAULT_SERVE_SQL_H_
#define NEWSVAULT_SERVE_SQL_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/core.h"

namespace newsvault::serve {

// One prepared statement, finalized by its destructor. Bind with the
// 1-based parameter index; step() is true while there is a row.
class Statement {
 public:
  static Result<Statement> prepare(sqlite3* connection, std::string_view sql);

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  // The next row (true), the end (false), or the failure named with `what`.
  Result<bool> step(std::string_view what);
  // Ready to run again with new bindings.
  void reset();
  // Runs a statement that returns no rows.
  Result<void> run(std::string_view what);

  std::int64_t integer(int column) const;
  bool is_null(int column) const;
  std::string text(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  Statement(sqlite3* connection, sqlite3_stmt* statement) : connection_(connection), statement_(statement) {}
  sqlite3* connection_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

// Runs `sql` (statements without parameters).
Result<void> execute(sqlite3* connection, const std::string& sql);

// Random bytes as lowercase hex, from libsodium.
std::string random_hex(std::size_t bytes);

}  // namespace newsvault::serve

#endif  // NEWSVAULT_SERVE_SQL_H_
