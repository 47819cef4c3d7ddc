#include "store/postgresql/connection.h"

#include <charconv>
#include <chrono>
#include <string>
#include <utility>

namespace newsvault::store::postgresql {
namespace {

std::string first_line(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (const std::size_t newline = message.find('\n'); newline != std::string::npos) {
    message = message.substr(0, newline);
  }
  return message;
}

}  // namespace

Params& Params::add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::add(std::string_view value) {
  values_.emplace_back(std::string(value));
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::add(Timestamp value) { return add(std::int64_t{value.time_since_epoch().count()}); }

Params& Params::add_optional(std::optional<std::int64_t> value) {
  if (value) return add(*value);
  return add(std::optional<Timestamp>());
}

Params& Params::add(std::optional<Timestamp> value) {
  if (value) return add(*value);
  values_.emplace_back(std::nullopt);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::add(bool value) { return add(std::string_view(value ? "true" : "false")); }

Params& Params::add_bytes(std::string_view bytes) {
  values_.emplace_back(std::string(bytes));
  lengths_.push_back(static_cast<int>(bytes.size()));
  formats_.push_back(1);
  return *this;
}

Params& Params::add_array(const std::vector<std::string>& values) {
  // PostgreSQL's array literal: {"a","b"}, with " and \ escaped.
  std::string literal = "{";
  for (const std::string& value : values) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return add(std::string_view(literal));
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t Rows::integer(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  const int length = PQgetlength(result_.get(), row, column);
  std::int64_t number = 0;
  if (length == 1 && (value[0] == 't' || value[0] == 'f')) return value[0] == 't' ? 1 : 0;  // boolean
  std::from_chars(value, value + length, number);
  return number;
}

Timestamp Rows::time(int row, int column) const {
  return Timestamp(std::chrono::milliseconds(integer(row, column)));
}

std::optional<Timestamp> Rows::optional_time(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return time(row, column);
}

std::string Rows::bytes(int row, int column) const {
  std::size_t length = 0;
  unsigned char* unescaped = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column)), &length);
  if (unescaped == nullptr) return {};
  std::string bytes(reinterpret_cast<const char*>(unescaped), length);
  PQfreemem(unescaped);
  return bytes;
}

std::int64_t Rows::affected() const {
  const char* count = PQcmdTuples(result_.get());
  std::int64_t number = 0;
  std::from_chars(count, count + std::char_traits<char>::length(count), number);
  return number;
}

std::string hide_password(std::string_view location) {
  std::string hidden(location);
  // scheme://user:password@host…
  if (const std::size_t scheme = hidden.find("://"); scheme != std::string::npos) {
    const std::size_t authority = scheme + 3;
    const std::size_t end = hidden.find_first_of("/?", authority);
    const std::size_t at = hidden.rfind('@', end == std::string::npos ? hidden.size() : end);
    if (at != std::string::npos && at >= authority) {
      const std::size_t colon = hidden.find(':', authority);
      if (colon != std::string::npos && colon < at) hidden.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // …?password=secret&…
  for (std::size_t from = 0;;) {
    const std::size_t key = hidden.find("password=", from);
    if (key == std::string::npos) break;
    const std::size_t value = key + 9;
    const std::size_t end = hidden.find('&', value);
    hidden.replace(value, (end == std::string::npos ? hidden.size() : end) - value, "***");
    from = value + 3;
  }
  return hidden;
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& uri) {
  std::unique_ptr<PGconn, ConnectionCloser> connection(PQconnectdb(uri.c_str()));
  const std::string location = hide_password(uri);
  if (!connection) return make_error(ErrorCode::kInternal, location + ": out of memory");
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return make_error(ErrorCode::kIo, location + ": " + first_line(PQerrorMessage(connection.get())));
  }
  return std::unique_ptr<Connection>(new Connection(std::move(connection), location));
}

Result<Rows> Connection::checked(ResultHandle result, std::string_view sql) {
  sqlstate_.clear();
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(std::move(result));
  std::string message;
  if (result) {
    if (const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE)) sqlstate_ = state;
    if (const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY)) message = primary;
  }
  if (message.empty()) message = first_line(PQerrorMessage(connection_.get()));
  // A lost connection is the network's or the server's doing, not a
  // statement's: an I/O error the caller may retry.
  const bool lost = PQstatus(connection_.get()) != CONNECTION_OK;
  if (lost) return make_error(ErrorCode::kIo, location_ + ": connection lost: " + message);
  const std::string_view head = sql.substr(0, sql.find_first_of("( \n"));
  return make_error(ErrorCode::kInternal, location_ + ": " + std::string(head) + ": " + message);
}

Result<std::optional<std::string>> Connection::prepared(std::string_view sql, int params) {
  if (const auto known = prepared_.find(sql); known != prepared_.end()) return known->second;
  if (prepared_.size() >= kMaxPrepared) return std::nullopt;
  std::string name = "newsvault_" + std::to_string(prepared_.size() + 1);
  ++round_trips_;
  const std::string text(sql);
  ResultHandle result(PQprepare(connection_.get(), name.c_str(), text.c_str(), params, nullptr));
  if (auto made = checked(std::move(result), sql); !made) return std::unexpected(made.error());
  prepared_.emplace(text, name);
  return name;
}

Result<Rows> Connection::execute(std::string_view sql, const Params& params) {
  const std::vector<const char*> values = params.pointers();
  // Without parameters, the simple protocol: a migration's several
  // statements, a transaction's begin and end.
  if (params.size() == 0) {
    ++round_trips_;
    return checked(ResultHandle(PQexec(connection_.get(), std::string(sql).c_str())), sql);
  }
  auto name = prepared(sql, params.size());
  if (!name) return std::unexpected(name.error());
  ++round_trips_;
  ResultHandle result(*name ? PQexecPrepared(connection_.get(), (*name)->c_str(), params.size(), values.data(),
                                             params.lengths().data(), params.formats().data(), 0)
                            : PQexecParams(connection_.get(), std::string(sql).c_str(), params.size(), nullptr,
                                           values.data(), params.lengths().data(), params.formats().data(), 0));
  return checked(std::move(result), sql);
}

Result<std::vector<Rows>> Connection::execute_all(const std::vector<Statement>& statements) {
  std::vector<Rows> rows;
  if (statements.empty()) return rows;
  // Prepared before the pipeline starts (the first time only).
  std::vector<std::optional<std::string>> names;
  names.reserve(statements.size());
  for (const Statement& statement : statements) {
    if (statement.params.size() == 0) {
      names.emplace_back();
      continue;
    }
    auto name = prepared(statement.sql, statement.params.size());
    if (!name) return std::unexpected(name.error());
    names.push_back(std::move(*name));
  }
  ++round_trips_;
  PGconn* connection = connection_.get();
  if (PQenterPipelineMode(connection) != 1) {
    return make_error(ErrorCode::kInternal, location_ + ": cannot enter pipeline mode");
  }
  Result<void> sent;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Statement& statement = statements[i];
    const std::string text(statement.sql);
    const std::vector<const char*> values = statement.params.pointers();
    const int queued =
        names[i] ? PQsendQueryPrepared(connection, names[i]->c_str(), statement.params.size(), values.data(),
                                       statement.params.lengths().data(), statement.params.formats().data(), 0)
                 : PQsendQueryParams(connection, text.c_str(), statement.params.size(), nullptr, values.data(),
                                     statement.params.lengths().data(), statement.params.formats().data(), 0);
    if (queued != 1) {
      sent = make_error(ErrorCode::kIo, location_ + ": " + first_line(PQerrorMessage(connection)));
      break;
    }
  }
  PQpipelineSync(connection);
  // Each statement's result is followed by a null; the sync ends the batch.
  // After a failure the rest come back PGRES_PIPELINE_ABORTED.
  Result<void> failed;
  std::size_t index = 0;
  for (;;) {
    ResultHandle result(PQgetResult(connection));
    if (!result) {
      if (PQstatus(connection) != CONNECTION_OK) break;
      continue;
    }
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status == PGRES_PIPELINE_ABORTED) continue;
    const std::string_view sql = index < statements.size() ? statements[index].sql : "";
    ++index;
    Result<Rows> checked_rows = checked(std::move(result), sql);
    if (!checked_rows) {
      if (failed) failed = std::unexpected(checked_rows.error());
      continue;
    }
    rows.push_back(std::move(*checked_rows));
  }
  PQexitPipelineMode(connection);
  if (!sent) return std::unexpected(sent.error());
  if (!failed) return std::unexpected(failed.error());
  if (PQstatus(connection) != CONNECTION_OK) {
    return make_error(ErrorCode::kIo, location_ + ": connection lost: " + first_line(PQerrorMessage(connection)));
  }
  return rows;
}

Result<void> Connection::transaction(const std::function<Result<void>()>& work) {
  const std::string savepoint = "newsvault_" + std::to_string(depth_);
  const bool outer = depth_ == 0;
  if (auto begun = execute(outer ? "BEGIN" : "SAVEPOINT " + savepoint); !begun) {
    return std::unexpected(begun.error());
  }
  ++depth_;
  auto undo = [&] {
    --depth_;
    // Best effort: a failed rollback leaves an outer transaction that its
    // own end rolls back, or a connection that is gone.
    (void)execute(outer ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT " + savepoint);
    if (!outer) (void)execute("RELEASE SAVEPOINT " + savepoint);
  };
  Result<void> done;
  try {
    done = work();
  } catch (...) {
    undo();
    throw;
  }
  if (!done) {
    undo();
    return done;
  }
  --depth_;
  auto ended = execute(outer ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint);
  if (!ended) {
    if (outer) (void)execute("ROLLBACK");
    return std::unexpected(ended.error());
  }
  return {};
}

}  // namespace newsvault::store::postgresql
