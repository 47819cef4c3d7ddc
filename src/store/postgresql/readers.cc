// The PostgreSQL engine's readers' tables (migration 5): users,
// user_tokens, user_articles, with the SQLite engine's meaning
// (store/sqlite_readers.cc). Marks are set in one round trip per call.
#include "store/postgresql/readers.h"

#include <string>

#include "store/try.h"

namespace newsvault::store::postgresql {
namespace {

// What a stream keeps: $1 the reader, $2 a feed, $3 unread only, $4 read
// only, $5 starred only, $6 and $7 the oldest and newest time, $8 and $9
// ids above and below, $10 an array of the ids to keep.
constexpr char kStreamFrom[] =
    "FROM articles a "
    "LEFT JOIN user_articles u ON u.user_id = $1 AND u.article_id = a.id "
    "WHERE ($2::bigint IS NULL OR a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = $2::bigint)) "
    "AND (NOT $3::boolean OR coalesce(u.read, 0) = 0) AND (NOT $4::boolean OR u.read = 1) "
    "AND (NOT $5::boolean OR u.starred = 1) "
    "AND ($6::bigint IS NULL OR coalesce(a.published, a.first_seen) >= $6::bigint) "
    "AND ($7::bigint IS NULL OR coalesce(a.published, a.first_seen) <= $7::bigint) "
    "AND ($8::bigint IS NULL OR a.id > $8::bigint) AND ($9::bigint IS NULL OR a.id < $9::bigint) "
    "AND ($10::bigint[] IS NULL OR a.id = ANY ($10::bigint[])) ";

// In the store's order, as the SQLite engine's: undated articles last
// when newest first (articles_by_date), first when oldest first.
std::string stream_sql(const ReaderStream& query) {
  const std::string direction = query.ascending ? " ASC" : " DESC";
  std::string sql = std::string("SELECT a.id ") + kStreamFrom;
  if (query.order == ReaderStream::Order::kTime) {
    sql += "ORDER BY a.published" + direction + (query.ascending ? " NULLS FIRST" : " NULLS LAST") +
           ", a.first_seen" + direction + ", a.id" + direction;
  } else {
    sql += "ORDER BY a.id" + direction;
  }
  return sql + " LIMIT $11 OFFSET $12";
}

std::string id_array(std::span<const std::int64_t> ids) {
  std::string literal = "{";
  for (std::int64_t id : ids) literal += (literal.size() > 1 ? "," : "") + std::to_string(id);
  return literal + "}";
}

Params stream_params(std::int64_t user_id, const ReaderStream& query) {
  Params params;
  params.add(user_id).add_optional(query.feed_id);
  params.add(query.unread_only).add(query.read_only).add(query.starred_only);
  params.add(query.oldest).add(query.newest);
  params.add_optional(query.after_id).add_optional(query.before_id);
  if (query.only_ids) {
    params.add(std::string_view(id_array(*query.only_ids)));
  } else {
    params.add(std::optional<Timestamp>());
  }
  return params;
}

UserRecord read_user(const Rows& rows, int row) {
  return {rows.integer(row, 0), rows.text(row, 1), rows.time(row, 2), rows.text(row, 3)};
}

Result<std::optional<UserRecord>> first_user(const Result<Rows>& rows) {
  NEWSVAULT_TRY(rows);
  if (rows->size() == 0) return std::nullopt;
  return read_user(*rows, 0);
}

class PostgresqlReaders final : public Readers {
 public:
  explicit PostgresqlReaders(Connection& connection) : connection_(connection) {}

  Result<UserRecord> add_user(std::string_view name, std::string_view password_hash, Timestamp created) override {
    auto inserted = connection_.execute(
        "INSERT INTO users (name, password_hash, created) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING "
        "RETURNING id",
        Params().add(name).add(password_hash).add(created));
    NEWSVAULT_TRY(inserted);
    if (inserted->size() == 0) {
      return make_error(ErrorCode::kInvalidArgument, "a user named " + std::string(name) + " already exists");
    }
    return UserRecord{inserted->integer(0, 0), std::string(name), created, {}};
  }

  Result<std::vector<UserRecord>> users() override {
    auto rows = connection_.execute("SELECT id, name, created, '' FROM users ORDER BY name COLLATE \"C\"");
    NEWSVAULT_TRY(rows);
    std::vector<UserRecord> out;
    for (int row = 0; row < rows->size(); ++row) out.push_back(read_user(*rows, row));
    return out;
  }

  Result<std::optional<UserRecord>> user_login(std::string_view name) override {
    return first_user(
        connection_.execute("SELECT id, name, created, password_hash FROM users WHERE name = $1", Params().add(name)));
  }

  Result<void> remove_user(std::string_view name) override {
    // Tokens go with the user (ON DELETE CASCADE), marks too.
    auto removed = connection_.execute("DELETE FROM users WHERE name = $1", Params().add(name));
    NEWSVAULT_TRY(removed);
    if (removed->affected() == 0) return make_error(ErrorCode::kNotFound, "no user named " + std::string(name));
    return {};
  }

  Result<void> add_token(std::string_view token_hash, std::int64_t user_id, std::string_view kind,
                         Timestamp created) override {
    auto inserted = connection_.execute(
        "INSERT INTO user_tokens (token_hash, user_id, kind, created) VALUES ($1, $2, $3, $4)",
        Params().add(token_hash).add(user_id).add(kind).add(created));
    NEWSVAULT_TRY(inserted);
    return {};
  }

  Result<std::optional<UserRecord>> user_of_token(std::string_view token_hash) override {
    return first_user(connection_.execute(
        "SELECT users.id, users.name, users.created, '' FROM user_tokens JOIN users ON users.id = user_tokens.user_id "
        "WHERE token_hash = $1",
        Params().add(token_hash)));
  }

  Result<ReaderStreamPage> stream(std::int64_t user_id, const ReaderStream& query, bool count) override {
    Params params = stream_params(user_id, query);
    // One more than asked: whether a continuation follows.
    params.add(static_cast<std::int64_t>(query.limit) + 1).add(static_cast<std::int64_t>(query.offset));
    auto rows = connection_.execute(stream_sql(query), params);
    NEWSVAULT_TRY(rows);
    ReaderStreamPage page;
    for (int row = 0; row < rows->size(); ++row) page.ids.push_back(rows->integer(row, 0));
    page.more = page.ids.size() > query.limit;
    if (page.more) page.ids.pop_back();
    page.total = query.offset + page.ids.size();
    if (!count) return page;
    auto counted =
        connection_.execute(std::string("SELECT count(*) ") + kStreamFrom, stream_params(user_id, query));
    NEWSVAULT_TRY(counted);
    page.total = static_cast<std::size_t>(counted->integer(0, 0));
    return page;
  }

  Result<std::vector<ReaderArticle>> reader_articles(std::int64_t user_id, std::span<const std::int64_t> ids) override {
    // One round trip for every id, in the order asked.
    auto rows = connection_.execute(
        "SELECT a.id, a.feed_id, a.latest_revision, a.first_seen, a.last_changed, coalesce(u.read, 0), "
        "coalesce(u.starred, 0) FROM unnest($2::bigint[]) WITH ORDINALITY AS wanted (id, position) "
        "JOIN articles a ON a.id = wanted.id "
        "LEFT JOIN user_articles u ON u.user_id = $1 AND u.article_id = a.id ORDER BY wanted.position",
        Params().add(user_id).add(std::string_view(id_array(ids))));
    NEWSVAULT_TRY(rows);
    std::vector<ReaderArticle> out;
    for (int row = 0; row < rows->size(); ++row) {
      out.push_back({rows->integer(row, 0), rows->integer(row, 1), rows->integer(row, 2), rows->time(row, 3),
                     rows->time(row, 4), rows->integer(row, 5) != 0, rows->integer(row, 6) != 0});
    }
    return out;
  }

  Result<void> set_marks(std::int64_t user_id, std::span<const std::int64_t> ids, std::optional<bool> read,
                         std::optional<bool> starred, Timestamp now) override {
    auto as_integer = [](std::optional<bool> value) {
      return value ? std::optional<std::int64_t>(*value) : std::nullopt;
    };
    // One statement: atomic by itself. DISTINCT: one row per article, as
    // ON CONFLICT DO UPDATE touches a row only once per statement.
    auto done = connection_.execute(
        "INSERT INTO user_articles (user_id, article_id, read, starred, changed) "
        "SELECT DISTINCT $1::bigint, a.id, coalesce($3::integer, 0), coalesce($4::integer, 0), $5::bigint "
        "FROM articles a WHERE a.id = ANY ($2::bigint[]) "
        "ON CONFLICT (user_id, article_id) DO UPDATE SET read = coalesce($3::integer, user_articles.read), "
        "starred = coalesce($4::integer, user_articles.starred), changed = $5::bigint",
        Params().add(user_id).add(std::string_view(id_array(ids))).add_optional(as_integer(read))
            .add_optional(as_integer(starred)).add(now));
    NEWSVAULT_TRY(done);
    return {};
  }

  Result<void> mark_all_read(std::int64_t user_id, std::optional<std::int64_t> feed_id, Timestamp until,
                             Timestamp now) override {
    auto done = connection_.execute(
        "INSERT INTO user_articles (user_id, article_id, read, starred, changed) "
        "SELECT $1::bigint, a.id, 1, 0, $4::bigint FROM articles a "
        "WHERE ($2::bigint IS NULL OR a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = $2::bigint)) "
        "AND a.first_seen <= $3::bigint "
        "ON CONFLICT (user_id, article_id) DO UPDATE SET read = 1, changed = $4::bigint",
        Params().add(user_id).add_optional(feed_id).add(until).add(now));
    NEWSVAULT_TRY(done);
    return {};
  }

  Result<std::vector<FeedUnread>> unread_counts(std::int64_t user_id) override {
    auto rows = connection_.execute(
        "SELECT fa.feed_id, count(*), max(coalesce(a.published, a.first_seen)) FROM feed_articles fa "
        "JOIN articles a ON a.id = fa.article_id "
        "LEFT JOIN user_articles u ON u.user_id = $1 AND u.article_id = a.id "
        "WHERE coalesce(u.read, 0) = 0 GROUP BY fa.feed_id ORDER BY fa.feed_id",
        Params().add(user_id));
    NEWSVAULT_TRY(rows);
    std::vector<FeedUnread> out;
    for (int row = 0; row < rows->size(); ++row) {
      out.push_back({rows->integer(row, 0), static_cast<std::size_t>(rows->integer(row, 1)),
                     rows->optional_time(row, 2)});
    }
    return out;
  }

  Result<std::string> change_marker() override {
    // The snapshot names the transactions running and the next to start:
    // it changes when a writing transaction starts or ends anywhere on the
    // server, and not for reads (which take no transaction id).
    auto rows = connection_.execute("SELECT pg_current_snapshot()::text");
    NEWSVAULT_TRY(rows);
    return rows->text(0, 0);
  }

 private:
  Connection& connection_;
};

}  // namespace

std::unique_ptr<Readers> postgresql_readers(Connection& connection) {
  return std::make_unique<PostgresqlReaders>(connection);
}

}  // namespace newsvault::store::postgresql
