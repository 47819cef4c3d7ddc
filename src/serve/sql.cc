#include "serve/sql.h"

#include <sodium.h>

#include <vector>

namespace newsvault::serve {

Result<Statement> Statement::prepare(sqlite3* connection, std::string_view sql) {
  if (connection == nullptr) {
    // store::Store::connection() of an engine without the readers' tables.
    return make_error(ErrorCode::kInvalidArgument,
                      "users and readers' marks are kept only in an SQLite store, and this archive's "
                      "store is PostgreSQL (docs/internals/store.md)");
  }
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(connection, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
    return make_error(ErrorCode::kIo, "store: " + std::string(sqlite3_errmsg(connection)) + ": " + std::string(sql));
  }
  return Statement(connection, raw);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(statement_.get(), index);
  return *this;
}

Result<bool> Statement::step(std::string_view what) {
  const int result = sqlite3_step(statement_.get());
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  return make_error(result == SQLITE_CONSTRAINT ? ErrorCode::kInvalidArgument : ErrorCode::kIo,
                    "store: " + std::string(what) + ": " + sqlite3_errmsg(connection_));
}

Result<void> Statement::run(std::string_view what) {
  auto stepped = step(what);
  if (!stepped) return std::unexpected(stepped.error());
  return {};
}

void Statement::reset() {
  sqlite3_reset(statement_.get());
  sqlite3_clear_bindings(statement_.get());
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_.get(), column); }

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL; }

std::string Statement::text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_.get(), column));
  return text == nullptr ? std::string() : std::string(text, sqlite3_column_bytes(statement_.get(), column));
}

Result<void> execute(sqlite3* connection, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(connection, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
  std::string text = message != nullptr ? message : "failed";
  sqlite3_free(message);
  return make_error(ErrorCode::kIo, "store: " + text);
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();
  return hex;
}

}  // namespace newsvault::serve
