// Private to the store stage: one PostgreSQL connection (libpq), its
// parameters, results and transactions, each C handle held by one RAII
// owner.
//
// Values travel as text, bytea as binary; times are BIGINT milliseconds
// since the Unix epoch, as in the SQLite engine. A Connection is one
// session: use it from one thread at a time.
#ifndef NEWSVAULT_STORE_POSTGRESQL_CONNECTION_H_
#define NEWSVAULT_STORE_POSTGRESQL_CONNECTION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace newsvault::store::postgresql {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

// A statement's parameters, $1, $2… in the order added.
class Params {
 public:
  Params& add(std::int64_t value);
  Params& add(std::string_view value);
  Params& add(const char* value) { return add(std::string_view(value)); }
  Params& add(Timestamp value);
  Params& add(std::optional<Timestamp> value);  // nullopt is NULL
  Params& add_optional(std::optional<std::int64_t> value);  // nullopt is NULL
  Params& add(bool value);
  Params& add_bytes(std::string_view bytes);  // a bytea, sent as binary
  // A text[] of `values` (PostgreSQL's array literal, each element quoted).
  Params& add_array(const std::vector<std::string>& values);

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;
  const std::vector<int>& lengths() const { return lengths_; }
  const std::vector<int>& formats() const { return formats_; }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// The rows a statement returned, read by row and column from 0.
class Rows {
 public:
  explicit Rows(ResultHandle result) : result_(std::move(result)) {}
  int size() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  Timestamp time(int row, int column) const;
  std::optional<Timestamp> optional_time(int row, int column) const;
  std::string bytes(int row, int column) const;  // a bytea column, unescaped
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

 private:
  ResultHandle result_;
};

// An error of a statement: ours to map (a unique or foreign key
// violation) by its SQLSTATE.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";

// `location` with its password (in the authority or a password= parameter)
// replaced by "***", for messages.
std::string hide_password(std::string_view location);

class Connection {
 public:
  // Connects to `uri` (a libpq connection URI; the password may come from
  // PGPASSWORD or the passfile). Fails with kIo naming the URI, its
  // password hidden, and what the server or libpq said.
  static Result<std::unique_ptr<Connection>> open(const std::string& uri);

  // Runs one statement: one round trip. Fails naming what the server said;
  // sqlstate() then gives its SQLSTATE.
  Result<Rows> execute(std::string_view sql, const Params& params = Params());
  // Runs `statements` in order in one round trip (libpq's pipeline mode).
  // Stops at the first that fails, whose error is returned; those after it
  // are not run.
  struct Statement {
    std::string_view sql;
    Params params;
  };
  Result<std::vector<Rows>> execute_all(const std::vector<Statement>& statements);

  // One transaction, or a savepoint inside one: committed when `work`
  // returns a value, rolled back when it fails or throws.
  Result<void> transaction(const std::function<Result<void>()>& work);

  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& location() const { return location_; }
  // Round trips made so far (statements, pipelines, transaction ends).
  std::int64_t round_trips() const { return round_trips_; }

 private:
  Connection(std::unique_ptr<PGconn, ConnectionCloser> connection, std::string location)
      : connection_(std::move(connection)), location_(std::move(location)) {}
  Result<Rows> checked(ResultHandle result, std::string_view sql);
  // The name of `sql`'s prepared statement on this connection, prepared
  // here the first time (one round trip, once per statement and
  // connection), so that the server parses and plans it once; nullopt once
  // kMaxPrepared are (the statement then runs unprepared). A statement the
  // server cannot prepare fails here, with the error its execution gives.
  Result<std::optional<std::string>> prepared(std::string_view sql, int params);

  std::unique_ptr<PGconn, ConnectionCloser> connection_;
  std::string location_;  // the URI, its password hidden
  std::string sqlstate_;
  int depth_ = 0;
  std::int64_t round_trips_ = 0;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL ─► statement name
  static constexpr std::size_t kMaxPrepared = 512;
};

}  // namespace newsvault::store::postgresql

#endif  // NEWSVAULT_STORE_POSTGRESQL_CONNECTION_H_
