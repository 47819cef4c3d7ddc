#include "store/database.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>

namespace newsvault::store {
namespace {

// How long a statement waits for another connection's lock before failing
// with "database is locked". A poll's writes are short, so this is generous.
constexpr int kBusyTimeoutMilliseconds = 5000;

// SQLite's primary result codes folded onto ours: what the disk or another
// process refused is kIo; a broken constraint is the caller's doing.
ErrorCode error_code_for(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
      return ErrorCode::kIo;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return ErrorCode::kInvalidArgument;
    case SQLITE_TOOBIG:
      return ErrorCode::kTooLarge;
    default:
      return ErrorCode::kInternal;
  }
}

// SQLite's message, and the system's reason when the disk refused:
// "database or disk is full (No space left on device)".
std::string describe_failure(sqlite3* connection, std::string message) {
  const int code = sqlite3_extended_errcode(connection) & 0xff;
  int system_error = sqlite3_system_errno(connection);
  // The unix VFS reports a short write as SQLITE_FULL with the errno
  // cleared: on Linux that is ENOSPC (newsvault sets no max_page_count).
  if (code == SQLITE_FULL && system_error == 0) system_error = ENOSPC;
  if (system_error != 0 && (code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN)) {
    message += std::string(" (") + std::strerror(system_error) + ")";
  }
  return message;
}

std::int64_t to_milliseconds(Timestamp time) { return time.time_since_epoch().count(); }

// Whether this process may make files in the folder holding `path`, as
// access(2) says with the effective ids: root may, except on a read-only
// mount.
bool folder_writable(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) folder = ".";
  return ::faccessat(AT_FDCWD, folder.c_str(), W_OK, AT_EACCESS) == 0;
}

// `path` as an SQLite URI filename with `parameters` (https://www.sqlite.org/uri.html):
// "file://" and the absolute path, every byte but unreserved ones and '/'
// percent-encoded, so that a '?', '#' or '%' in a folder's name stays in it.
std::string uri_for(const std::string& path, std::string_view parameters) {
  std::error_code ignored;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ignored);
  const std::string plain = absolute.empty() ? path : absolute.string();
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (const unsigned char byte : plain) {
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '/' || byte == '-' ||
                            byte == '.' || byte == '_' || byte == '~';
    if (unreserved) {
      uri += static_cast<char>(byte);
    } else {
      uri += '%';
      uri += kHex[byte >> 4];
      uri += kHex[byte & 0x0f];
    }
  }
  return uri + "?" + std::string(parameters);
}

// How kRead opens `path`. A WAL database is read through its -shm file
// (the index of the -wal): SQLite makes it when the folder can be written,
// and reads one that is there (https://www.sqlite.org/wal.html, "Read-Only
// Databases"). Without either, it cannot open the file at all; then, with
// no changes left in a -wal (a store whose last writer closed it cleanly
// has none), the file holds everything and is read immutable.
Result<OpenMode> read_mode_for(const std::string& path) {
  if (folder_writable(path)) return OpenMode::kRead;
  const std::string wal = path + "-wal";
  std::error_code missing;
  const std::uintmax_t wal_bytes = std::filesystem::file_size(wal, missing);
  if (missing) return OpenMode::kImmutable;
  if (std::filesystem::exists(path + "-shm", missing)) return OpenMode::kRead;
  if (wal_bytes == 0) return OpenMode::kImmutable;
  return make_error(ErrorCode::kIo,
                    wal + ": holds changes that can be read only with " + path +
                        "-shm beside it, which this user cannot make there; open the store once "
                        "with write access");
}

}  // namespace

// ---------------------------------------------------------------------------
// Query

Query::Query(const Database& database, sqlite3_stmt* statement, bool* in_use)
    : database_(&database), statement_(statement), in_use_(in_use) {
  *in_use_ = true;
}

Query::Query(Query&& other) noexcept
    : database_(other.database_),
      statement_(std::exchange(other.statement_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_result_(other.bind_result_) {}

Query::~Query() {
  if (statement_ == nullptr) return;  // moved from
  // sqlite3_reset repeats the last step's error, which step() has already
  // reported.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
  *in_use_ = false;
}

Query& Query::bind(int index, std::int64_t value) {
  const int result = sqlite3_bind_int64(statement_, index, value);
  if (bind_result_ == SQLITE_OK) bind_result_ = result;
  return *this;
}

Query& Query::bind(int index, std::string_view value) {
  // An empty view may have a null data(), which SQLite would bind as NULL.
  const char* data = value.data() != nullptr ? value.data() : "";
  const int result =
      sqlite3_bind_text64(statement_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_result_ == SQLITE_OK) bind_result_ = result;
  return *this;
}

Query& Query::bind(int index, Timestamp value) { return bind(index, to_milliseconds(value)); }

Query& Query::bind(int index, std::optional<Timestamp> value) {
  if (value) return bind(index, *value);
  const int result = sqlite3_bind_null(statement_, index);
  if (bind_result_ == SQLITE_OK) bind_result_ = result;
  return *this;
}

Result<bool> Query::step() {
  if (bind_result_ != SQLITE_OK) {
    return make_error(error_code_for(bind_result_),
                      database_->path() + ": cannot bind a parameter: " +
                          sqlite3_errstr(bind_result_) + " (in " + sqlite3_sql(statement_) + ")");
  }
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  return std::unexpected(database_->last_error());
}

Result<void> Query::run() {
  for (;;) {
    Result<bool> row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

std::int64_t Query::integer(int column) const { return sqlite3_column_int64(statement_, column); }

Query& Query::bind_optional(int index, std::optional<std::int64_t> value) {
  if (value) return bind(index, *value);
  const int result = sqlite3_bind_null(statement_, index);
  if (bind_result_ == SQLITE_OK) bind_result_ = result;
  return *this;
}

Query& Query::bind_blob(int index, std::string_view bytes) {
  // An empty view may have a null data(), which SQLite would bind as NULL.
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  const int result = sqlite3_bind_blob64(statement_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (bind_result_ == SQLITE_OK) bind_result_ = result;
  return *this;
}

bool Query::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

bool Query::is_blob(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_BLOB;
}

std::string Query::blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  if (data == nullptr) return {};
  const int size = sqlite3_column_bytes(statement_, column);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string Query::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (data == nullptr) return {};
  // Asked after the text, so that it counts the bytes of the UTF-8 form.
  const int size = sqlite3_column_bytes(statement_, column);
  return std::string(data, static_cast<std::size_t>(size));
}

Timestamp Query::time(int column) const {
  return Timestamp(std::chrono::milliseconds(integer(column)));
}

std::optional<Timestamp> Query::optional_time(int column) const {
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return time(column);
}

// ---------------------------------------------------------------------------
// Database

Result<std::unique_ptr<Database>> Database::open(const std::string& path, OpenMode mode) {
  std::string name = path;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (mode == OpenMode::kReadWrite) {
    flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  } else {
    if (mode == OpenMode::kRead) {
      Result<OpenMode> chosen = read_mode_for(path);
      if (!chosen) return std::unexpected(chosen.error());
      mode = *chosen;
    }
    name = uri_for(path, mode == OpenMode::kImmutable ? "mode=ro&immutable=1" : "mode=ro");
    flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
  }
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  // SQLite returns a handle even when opening fails; it carries the message.
  Connection connection(raw);
  if (opened != SQLITE_OK) {
    const std::string message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(opened);
    return make_error(ErrorCode::kIo, path + ": cannot open database: " + message);
  }
  sqlite3_busy_timeout(connection.get(), kBusyTimeoutMilliseconds);

  std::unique_ptr<Database> database(new Database(path, std::move(connection)));
  // WAL lets readers (the server) go on while the pipeline writes, and with
  // it synchronous=NORMAL stays consistent after a crash: only the last
  // commits before a power loss may be lost, never the database. The first
  // statement is also the first to read the file, so it is where a file
  // that is not a database fails.
  // temp_store = MEMORY keeps the savepoint journal (the pages a nested
  // transaction changed, kept to roll it back) in memory: on disk, every
  // save_revision inside a transaction() wrote it out to /var/tmp, and a
  // 50,000-article transaction ran seven times slower.
  // cache_size = -65536 (64 MiB, the most it grows to) holds a large run's
  // pages in memory: with the default 2 MiB, a 50,000-article transaction
  // spilled pages to the WAL and read them back hundreds of thousands of times.
  // A reader leaves the journal mode as the file has it (it cannot change
  // it), and reads the schema, so that it too fails here on a file that is
  // not a database.
  const char* const kReadWriteSettings =
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = NORMAL;";
  const char* const kReaderCheck = "SELECT count(*) FROM sqlite_schema;";
  Result<void> configured = database->execute(
      std::string(mode == OpenMode::kReadWrite ? kReadWriteSettings : kReaderCheck) +
      "PRAGMA foreign_keys = ON;"
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA cache_size = -65536;");
  if (!configured) {
    return make_error(ErrorCode::kIo, configured.error().message());
  }
  return database;
}

Result<void> Database::execute(const std::string& sql) {
  char* message = nullptr;
  const int result = sqlite3_exec(connection_.get(), sql.c_str(), nullptr, nullptr, &message);
  if (result == SQLITE_OK) return {};
  const std::string text = message != nullptr ? message : sqlite3_errstr(result);
  sqlite3_free(message);
  return make_error(error_code_for(result), path_ + ": " + describe_failure(connection_.get(), text));
}

Result<Query> Database::query(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int result =
        sqlite3_prepare_v3(connection_.get(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    PreparedStatement statement(raw);
    if (result != SQLITE_OK) return std::unexpected(last_error());
    if (statement == nullptr || tail != sql.data() + sql.size()) {
      return make_error(ErrorCode::kInternal,
                        path_ + ": not exactly one SQL statement: " + std::string(sql));
    }
    found = statements_.emplace(std::string(sql), CachedStatement{std::move(statement)}).first;
  }
  CachedStatement& cached = found->second;
  if (cached.in_use) {
    return make_error(ErrorCode::kInternal,
                      path_ + ": statement already in use: " + std::string(sql));
  }
  return Query(*this, cached.statement.get(), &cached.in_use);
}

Result<void> Database::transaction(const std::function<Result<void>()>& work) {
  // Autocommit is off exactly when a transaction is open, however it was
  // begun, so nesting needs no counter of its own. SAVEPOINTs of the same
  // name stack: RELEASE and ROLLBACK TO act on the innermost.
  const bool outermost = sqlite3_get_autocommit(connection_.get()) != 0;
  const std::string_view begin = outermost ? "BEGIN IMMEDIATE" : "SAVEPOINT newsvault";
  const std::string_view commit = outermost ? "COMMIT" : "RELEASE newsvault";
  const std::string rollback = outermost ? "ROLLBACK" : "ROLLBACK TO newsvault; RELEASE newsvault";
  // Begun and ended by cached statements: a run saves tens of thousands of
  // revisions, each in a savepoint of its own, and parsing the SQL each
  // time cost more than the savepoint.
  auto run_cached = [this](std::string_view sql) -> Result<void> {
    Result<Query> statement = query(sql);
    if (!statement) return std::unexpected(statement.error());
    return statement->run();
  };

  if (Result<void> begun = run_cached(begin); !begun) return begun;
  Result<void> result;
  try {
    result = work();
  } catch (...) {
    (void)execute(rollback);
    throw;
  }
  if (result) {
    result = run_cached(commit);
    if (result) return result;
  }
  // The rollback's own failure is not reported: the work's error is the
  // news, and when SQLite has already rolled back by itself (after an I/O
  // error), there is nothing left to roll back.
  (void)execute(rollback);
  return result;
}

bool Database::read_only() const { return sqlite3_db_readonly(connection_.get(), "main") == 1; }

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(connection_.get());
}

int Database::extended_error_code() const { return sqlite3_extended_errcode(connection_.get()); }

Error Database::last_error() const {
  return Error(error_code_for(sqlite3_extended_errcode(connection_.get())),
               path_ + ": " + describe_failure(connection_.get(), sqlite3_errmsg(connection_.get())));
}

}  // namespace newsvault::store
