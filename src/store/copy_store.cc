// copy_store: a store moved to another engine, page by page, then checked.
//
//   from.table_rows (key order, a page) ─► to.insert_rows (one transaction,
//   rows already there kept) ─► … ─► to.finish_copy ─► digests of both
#include "store/copy_store.h"

#include <string>
#include <utility>

#include "store/content_hash.h"
#include "store/store.h"

namespace newsvault::store {
namespace {

constexpr std::size_t kPage = 500;

// A row as hashed: each value length-prefixed, NULL distinct from "".
void append_row(std::string& text, const TableSpec& table, const TableRow& row) {
  for (std::size_t column = 0; column < row.size(); ++column) {
    if (static_cast<int>(column) == table.bytes_column) continue;
    if (!row[column]) {
      text += "N;";
      continue;
    }
    text += std::to_string(row[column]->size()) + ":" + *row[column] + ";";
  }
  text += '\n';
}

Result<TableCopy> digest(Store& store, const TableSpec& table) {
  TableCopy copy;
  copy.table = table.name;
  std::string text;
  std::optional<TableRow> last;
  for (;;) {
    auto rows = store.table_rows(table, last ? &*last : nullptr, kPage);
    if (!rows) return std::unexpected(rows.error());
    for (const TableRow& row : *rows) append_row(text, table, row);
    copy.rows += static_cast<std::int64_t>(rows->size());
    if (rows->size() < kPage) break;
    last = rows->back();
  }
  auto hash = content_hash(text);
  if (!hash) return std::unexpected(hash.error());
  copy.digest = *hash;
  return copy;
}

}  // namespace

// copy_store's statements, in either engine's parameter style (`mark`: "?"
// for SQLite's ?N, "$" for PostgreSQL's $N): a page of rows in key order,
// after a key when `after`; an insert that keeps a row already there (the
// one layout row: updated).
std::string copy_select_sql(const TableSpec& table, bool after, std::size_t limit, std::string_view mark) {
  std::string columns;
  std::string key;
  std::string values;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    columns += (i ? ", " : "") + std::string(table.columns[i]);
    if (i >= table.key_columns) continue;
    key += (i ? ", " : "") + std::string(table.columns[i]);
    values += (i ? ", " : "") + std::string(mark) + std::to_string(i + 1);
  }
  std::string sql = "SELECT " + columns + " FROM " + std::string(table.name);
  if (after) sql += " WHERE (" + key + ") > (" + values + ")";
  return sql + " ORDER BY " + key + " LIMIT " + std::to_string(limit);
}

std::string copy_insert_sql(const TableSpec& table, std::string_view mark) {
  std::string values;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    values += (i ? ", " : "") + std::string(mark) + std::to_string(i + 1);
  }
  if (table.name == "archive_layout") return "UPDATE archive_layout SET version = " + std::string(mark) + "1";
  std::string columns;
  for (std::size_t i = 0; i < table.columns.size(); ++i) columns += (i ? ", " : "") + std::string(table.columns[i]);
  return "INSERT INTO " + std::string(table.name) + " (" + columns + ") VALUES (" + values + ") ON CONFLICT DO NOTHING";
}

const std::vector<TableSpec>& copied_tables() {
  static const std::vector<TableSpec> tables = {
      {"feeds",
       {"id", "name", "url", "adapter", "etag", "last_modified", "last_fetched", "last_error", "created", "state"}},
      {"url_validators", {"url", "etag", "last_modified"}},
      {"articles",
       {"id", "feed_id", "key", "title", "url", "published", "first_seen", "last_changed", "latest_revision",
        "document_path", "document_revision", "last_listed", "delisted_at", "removed_at", "removed_reason",
        "entry_fingerprint"}},
      {"revisions",
       {"article_id", "number", "seen_at", "content_hash", "title", "url", "published", "content",
        "document_path", "origin", "fetched_url", "http_status", "etag", "last_modified", "payload_hash",
        "entry_hash", "cause", "note", "warc_record", "language"},
       2,
       7},
      {"feed_articles", {"feed_id", "article_id", "key", "first_listed", "listed"}, 2},
      {"pending_work",
       {"id", "kind", "feed_id", "key", "url", "detail", "attempts", "next_attempt", "last_error",
        "first_queued"}},
      {"archive_layout", {"version"}},
      {"document_moves", {"from_path", "to_path"}},
      {"poll_schedule",
       {"feed_id", "last_poll", "next_poll", "interval_s", "reason", "failures", "entry_dates"}},
      {"feed_bodies", {"feed_id", "body"}, 1, 1},
      {"images", {"url", "sha256", "type", "bytes", "width", "height", "refusal", "attempts", "fetched"}},
      {"article_images", {"article_id", "url", "position"}, 2},
      // The server's readers: their accounts (the password hashes as made),
      // their apps' tokens (hashes) and what each has read or starred.
      {"users", {"id", "name", "password_hash", "created"}},
      {"user_tokens", {"token_hash", "user_id", "kind", "created"}},
      {"user_articles", {"user_id", "article_id", "read", "starred", "changed"}, 2},
  };
  return tables;
}

Result<std::vector<TableCopy>> copy_store(Store& from, Store& to,
                                          const std::function<void(const TableCopy&)>& progress) {
  for (const TableSpec& table : copied_tables()) {
    std::optional<TableRow> last;
    for (;;) {
      auto rows = from.table_rows(table, last ? &*last : nullptr, kPage);
      if (!rows) return std::unexpected(rows.error());
      if (auto put = to.insert_rows(table, *rows); !put) return std::unexpected(put.error());
      if (rows->size() < kPage) break;
      last = rows->back();
    }
  }
  if (auto finished = to.finish_copy(); !finished) return std::unexpected(finished.error());

  std::vector<TableCopy> copies;
  for (const TableSpec& table : copied_tables()) {
    auto source = digest(from, table);
    if (!source) return std::unexpected(source.error());
    auto copied = digest(to, table);
    if (!copied) return std::unexpected(copied.error());
    if (source->rows != copied->rows || source->digest != copied->digest) {
      return make_error(ErrorCode::kInternal,
                        std::string(table.name) + ": the copy differs (" + std::to_string(source->rows) +
                            " rows, " + std::to_string(copied->rows) +
                            " in the copy): its store held rows of its own, or changed during the copy");
    }
    if (progress) progress(*source);
    copies.push_back(std::move(*source));
  }
  return copies;
}

}  // namespace newsvault::store
