// Private to the store stage: one SQLite connection, its prepared statements
// and its transactions, with SQLite's C handles each held by one RAII owner.
//
// A Database is one connection: use it from one thread at a time.
#ifndef NEWSVAULT_STORE_DATABASE_H_
#define NEWSVAULT_STORE_DATABASE_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/core.h"

namespace newsvault::store {

struct ConnectionCloser {
  void operator()(sqlite3* connection) const { sqlite3_close_v2(connection); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using PreparedStatement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class Database;

// A cached statement borrowed for one use: bind, step through the rows, read
// the columns. The destructor resets the statement and clears its bindings,
// so a half-read SELECT never keeps a read transaction open (which would
// stop WAL checkpoints) and the statement is ready for its next use.
class Query {
 public:
  Query(const Database& database, sqlite3_stmt* statement, bool* in_use);
  ~Query();
  Query(Query&& other) noexcept;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  // Parameters are numbered from 1, as ?1, ?2 in the SQL. Text is copied.
  // A failed bind is reported by the next step().
  Query& bind(int index, std::int64_t value);
  Query& bind(int index, std::string_view value);
  Query& bind(int index, Timestamp value);
  Query& bind(int index, std::optional<Timestamp> value);  // nullopt is NULL
  Query& bind_blob(int index, std::string_view bytes);
  Query& bind_optional(int index, std::optional<std::int64_t> value);  // nullopt is NULL

  // True when a row is ready to read, false when the statement is done.
  Result<bool> step();
  // Steps a statement that returns no rows to its end.
  Result<void> run();

  // Every row, each as `read(*this)` makes it.
  template <typename Read>
  Result<std::vector<std::invoke_result_t<Read&, const Query&>>> rows(Read read) {
    std::vector<std::invoke_result_t<Read&, const Query&>> read_rows;
    for (;;) {
      Result<bool> row = step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return read_rows;
      read_rows.push_back(read(*this));
    }
  }
  // The first row as `read(*this)` makes it; nullopt when there is none.
  template <typename Read>
  Result<std::optional<std::invoke_result_t<Read&, const Query&>>> first_row(Read read) {
    Result<bool> row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::nullopt;
    return read(*this);
  }

  // Columns of the current row, numbered from 0. NULL reads as 0, "" or
  // nullopt.
  std::int64_t integer(int column) const;
  std::string text(int column) const;
  Timestamp time(int column) const;
  std::optional<Timestamp> optional_time(int column) const;
  // A BLOB's bytes; is_blob tells a BLOB from TEXT in a column holding both.
  bool is_blob(int column) const;
  bool is_null(int column) const;
  std::string blob(int column) const;

 private:
  const Database* database_;
  sqlite3_stmt* statement_;  // owned by the Database's cache
  bool* in_use_;
  int bind_result_ = SQLITE_OK;
};

// How a connection may use its file.
enum class OpenMode {
  // Created when missing, in WAL mode (below).
  kReadWrite,
  // Never written (SQLite's mode=ro): a reader of an archive it may not or
  // need not change. WAL readers share the -shm file, which SQLite makes
  // beside the database when the folder can be written; when it cannot
  // and no -shm is there, the file is opened kImmutable instead.
  kRead,
  // Read as a file nothing changes (mode=ro&immutable=1: no -shm, no
  // locks, the -wal never read): a copy. Only kRead's choice, and tests.
  kImmutable,
};

class Database {
 public:
  // Opens the database file at `path` (":memory:" for a private in-memory
  // one). kReadWrite creates it when missing and sets WAL mode; every mode
  // turns foreign keys on and sets a busy timeout. Fails with kIo naming
  // the path when the file cannot be opened or is not a database, and, to
  // read, when it is missing or its write-ahead log holds changes that
  // cannot be read without write access to its folder.
  static Result<std::unique_ptr<Database>> open(const std::string& path,
                                                OpenMode mode = OpenMode::kReadWrite);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* connection() const { return connection_.get(); }
  // Opened kRead or kImmutable: every write fails ("attempt to write a
  // readonly database").
  bool read_only() const;

  // Runs `sql` (one or more statements, no parameters, rows ignored).
  Result<void> execute(const std::string& sql);

  // The statement for `sql`, prepared on first use and cached for the
  // connection's life. Fails when `sql` does not compile, or when the same
  // statement is still borrowed by a live Query (a bug in the caller).
  Result<Query> query(std::string_view sql);

  // Runs `work` in a transaction: BEGIN IMMEDIATE (the write lock is taken
  // up front, so a read never has to be upgraded under a concurrent writer)
  // and COMMIT, or a SAVEPOINT and RELEASE when a transaction is already
  // open. When `work` returns an error, or throws, what it did is rolled
  // back and its error returned.
  Result<void> transaction(const std::function<Result<void>()>& work);

  std::int64_t last_insert_rowid() const;
  // The extended result code of the last failure (SQLITE_CONSTRAINT_UNIQUE...).
  int extended_error_code() const;

  // The connection's last failure as an Error: "<path>: <SQLite's message>",
  // with a code from SQLite's result code.
  Error last_error() const;

 private:
  struct CachedStatement {
    PreparedStatement statement;
    bool in_use = false;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>()(text);
    }
  };

  Database(std::string path, Connection connection)
      : path_(std::move(path)), connection_(std::move(connection)) {}

  std::string path_;
  // Declared before the statements so that it is closed after they are
  // finalized.
  Connection connection_;
  std::unordered_map<std::string, CachedStatement, StringHash, std::equal_to<>> statements_;
};

}  // namespace newsvault::store

#endif  // NEWSVAULT_STORE_DATABASE_H_
