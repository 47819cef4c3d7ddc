// The SQLite engine's readers' tables (migration 8): users, user_tokens,
// user_articles. Statements are cached by the Database: parsing and
// planning a stream's statement costs more than running it.
#include <string>

#include "store/readers.h"
#include "store/try.h"

namespace newsvault::store {
namespace {

// What a stream keeps: ?1 the reader, ?2 a feed, ?3 unread only, ?4 read
// only, ?5 starred only, ?6 and ?7 the oldest and newest time, ?8 and ?9
// ids above and below, ?10 a JSON array of the ids to keep.
constexpr char kStreamFrom[] =
    "FROM articles a "
    "LEFT JOIN user_articles u ON u.user_id = ?1 AND u.article_id = a.id "
    "WHERE (?2 IS NULL OR a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = ?2)) "
    "AND (?3 = 0 OR coalesce(u.read, 0) = 0) AND (?4 = 0 OR u.read = 1) AND (?5 = 0 OR u.starred = 1) "
    "AND (?6 IS NULL OR coalesce(a.published, a.first_seen) >= ?6) "
    "AND (?7 IS NULL OR coalesce(a.published, a.first_seen) <= ?7) "
    "AND (?8 IS NULL OR a.id > ?8) AND (?9 IS NULL OR a.id < ?9) "
    "AND (?10 IS NULL OR a.id IN (SELECT value FROM json_each(?10))) ";

// The stream's SQL, its order chosen from fixed texts. By time, it is the
// store's order (published, undated last, then first seen), which the
// index articles_by_date gives without a sort: a page of the newest
// articles reads only that page's rows.
std::string stream_sql(const ReaderStream& query) {
  const char* direction = query.ascending ? " ASC" : " DESC";
  std::string sql = std::string("SELECT a.id ") + kStreamFrom;
  if (query.order == ReaderStream::Order::kTime) {
    sql += std::string("ORDER BY a.published") + direction + ", a.first_seen" + direction + ", a.id" + direction;
  } else {
    sql += std::string("ORDER BY a.id") + direction;
  }
  return sql + " LIMIT ?11 OFFSET ?12";
}

std::string json_ids(const std::vector<std::int64_t>& ids) {
  std::string json = "[";
  for (std::int64_t id : ids) json += (json.size() > 1 ? "," : "") + std::to_string(id);
  return json + "]";
}

void bind_stream(Query& statement, std::int64_t user_id, const ReaderStream& query) {
  statement.bind(1, user_id).bind_optional(2, query.feed_id);
  statement.bind(3, std::int64_t{query.unread_only}).bind(4, std::int64_t{query.read_only});
  statement.bind(5, std::int64_t{query.starred_only});
  statement.bind(6, query.oldest).bind(7, query.newest);
  statement.bind_optional(8, query.after_id).bind_optional(9, query.before_id);
  if (query.only_ids) {
    statement.bind(10, json_ids(*query.only_ids));
  } else {
    statement.bind_optional(10, std::nullopt);
  }
}

UserRecord read_user(const Query& row) { return {row.integer(0), row.text(1), row.time(2), row.text(3)}; }

class SqliteReaders final : public Readers {
 public:
  explicit SqliteReaders(Database& database) : database_(database) {}

  Result<UserRecord> add_user(std::string_view name, std::string_view password_hash, Timestamp created) override {
    auto insert = database_.query(
        "INSERT INTO users (name, password_hash, created) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING");
    NEWSVAULT_TRY(insert);
    NEWSVAULT_TRY(insert->bind(1, name).bind(2, password_hash).bind(3, created).run());
    if (sqlite3_changes(database_.connection()) == 0) {
      return make_error(ErrorCode::kInvalidArgument, "a user named " + std::string(name) + " already exists");
    }
    return UserRecord{database_.last_insert_rowid(), std::string(name), created, {}};
  }

  Result<std::vector<UserRecord>> users() override {
    auto select = database_.query("SELECT id, name, created, '' FROM users ORDER BY name");
    NEWSVAULT_TRY(select);
    return select->rows(read_user);
  }

  Result<std::optional<UserRecord>> user_login(std::string_view name) override {
    auto select = database_.query("SELECT id, name, created, password_hash FROM users WHERE name = ?1");
    NEWSVAULT_TRY(select);
    return select->bind(1, name).first_row(read_user);
  }

  Result<void> remove_user(std::string_view name) override {
    auto user = user_login(name);
    NEWSVAULT_TRY(user);
    if (!*user) return make_error(ErrorCode::kNotFound, "no user named " + std::string(name));
    return database_.transaction([&]() -> Result<void> {
      for (const char* sql : {"DELETE FROM user_articles WHERE user_id = ?1",
                              "DELETE FROM user_tokens WHERE user_id = ?1", "DELETE FROM users WHERE id = ?1"}) {
        auto remove = database_.query(sql);
        NEWSVAULT_TRY(remove);
        NEWSVAULT_TRY(remove->bind(1, (*user)->id).run());
      }
      return {};
    });
  }

  Result<void> add_token(std::string_view token_hash, std::int64_t user_id, std::string_view kind,
                         Timestamp created) override {
    auto insert =
        database_.query("INSERT INTO user_tokens (token_hash, user_id, kind, created) VALUES (?1, ?2, ?3, ?4)");
    NEWSVAULT_TRY(insert);
    return insert->bind(1, token_hash).bind(2, user_id).bind(3, kind).bind(4, created).run();
  }

  Result<std::optional<UserRecord>> user_of_token(std::string_view token_hash) override {
    auto select = database_.query(
        "SELECT users.id, users.name, users.created, '' FROM user_tokens JOIN users ON users.id = user_tokens.user_id "
        "WHERE token_hash = ?1");
    NEWSVAULT_TRY(select);
    return select->bind(1, token_hash).first_row(read_user);
  }

  Result<ReaderStreamPage> stream(std::int64_t user_id, const ReaderStream& query, bool count) override {
    ReaderStreamPage page;
    {
      auto select = database_.query(stream_sql(query));
      NEWSVAULT_TRY(select);
      bind_stream(*select, user_id, query);
      // One more than asked: whether a continuation follows.
      select->bind(11, static_cast<std::int64_t>(query.limit) + 1).bind(12, static_cast<std::int64_t>(query.offset));
      auto ids = select->rows([](const Query& row) { return row.integer(0); });
      NEWSVAULT_TRY(ids);
      page.ids = std::move(*ids);
    }
    page.more = page.ids.size() > query.limit;
    if (page.more) page.ids.pop_back();
    page.total = query.offset + page.ids.size();
    if (!count) return page;
    auto counter = database_.query(std::string("SELECT count(*) ") + kStreamFrom);
    NEWSVAULT_TRY(counter);
    bind_stream(*counter, user_id, query);
    auto total = counter->first_row([](const Query& row) { return row.integer(0); });
    NEWSVAULT_TRY(total);
    page.total = static_cast<std::size_t>(total->value_or(0));
    return page;
  }

  Result<std::vector<ReaderArticle>> reader_articles(std::int64_t user_id, std::span<const std::int64_t> ids) override {
    std::vector<ReaderArticle> out;
    out.reserve(ids.size());
    for (std::int64_t id : ids) {
      auto select = database_.query(
          "SELECT a.id, a.feed_id, a.latest_revision, a.first_seen, a.last_changed, coalesce(u.read, 0), "
          "coalesce(u.starred, 0) FROM articles a "
          "LEFT JOIN user_articles u ON u.user_id = ?1 AND u.article_id = a.id WHERE a.id = ?2");
      NEWSVAULT_TRY(select);
      auto row = select->bind(1, user_id).bind(2, id).first_row([](const Query& row) {
        return ReaderArticle{row.integer(0), row.integer(1), row.integer(2), row.time(3),
                             row.time(4),    row.integer(5) != 0, row.integer(6) != 0};
      });
      NEWSVAULT_TRY(row);
      if (*row) out.push_back(**row);
    }
    return out;
  }

  Result<void> set_marks(std::int64_t user_id, std::span<const std::int64_t> ids, std::optional<bool> read,
                         std::optional<bool> starred, Timestamp now) override {
    return database_.transaction([&]() -> Result<void> {
      for (std::int64_t id : ids) {
        auto upsert = database_.query(
            "INSERT INTO user_articles (user_id, article_id, read, starred, changed) "
            "SELECT ?1, id, coalesce(?3, 0), coalesce(?4, 0), ?5 FROM articles WHERE id = ?2 "
            "ON CONFLICT (user_id, article_id) DO UPDATE SET read = coalesce(?3, read), "
            "starred = coalesce(?4, starred), changed = ?5");
        NEWSVAULT_TRY(upsert);
        upsert->bind(1, user_id).bind(2, id).bind(5, now);
        upsert->bind_optional(3, read ? std::optional<std::int64_t>(*read) : std::nullopt);
        upsert->bind_optional(4, starred ? std::optional<std::int64_t>(*starred) : std::nullopt);
        NEWSVAULT_TRY(upsert->run());
      }
      return {};
    });
  }

  Result<void> mark_all_read(std::int64_t user_id, std::optional<std::int64_t> feed_id, Timestamp until,
                             Timestamp now) override {
    auto upsert = database_.query(
        "INSERT INTO user_articles (user_id, article_id, read, starred, changed) "
        "SELECT ?1, a.id, 1, 0, ?4 FROM articles a "
        "WHERE (?2 IS NULL OR a.id IN (SELECT article_id FROM feed_articles WHERE feed_id = ?2)) "
        "AND a.first_seen <= ?3 "
        "ON CONFLICT (user_id, article_id) DO UPDATE SET read = 1, changed = ?4");
    NEWSVAULT_TRY(upsert);
    return upsert->bind(1, user_id).bind_optional(2, feed_id).bind(3, until).bind(4, now).run();
  }

  Result<std::vector<FeedUnread>> unread_counts(std::int64_t user_id) override {
    auto select = database_.query(
        "SELECT fa.feed_id, count(*), max(coalesce(a.published, a.first_seen)) FROM feed_articles fa "
        "JOIN articles a ON a.id = fa.article_id "
        "LEFT JOIN user_articles u ON u.user_id = ?1 AND u.article_id = a.id "
        "WHERE coalesce(u.read, 0) = 0 GROUP BY fa.feed_id ORDER BY fa.feed_id");
    NEWSVAULT_TRY(select);
    return select->bind(1, user_id).rows([](const Query& row) {
      return FeedUnread{row.integer(0), static_cast<std::size_t>(row.integer(1)), row.optional_time(2)};
    });
  }

  Result<std::string> change_marker() override {
    // PRAGMA data_version changes when another connection commits.
    auto version = database_.query("PRAGMA data_version");
    NEWSVAULT_TRY(version);
    auto value = version->first_row([](const Query& row) { return row.integer(0); });
    NEWSVAULT_TRY(value);
    return std::to_string(value->value_or(0));
  }

 private:
  Database& database_;
};

}  // namespace

std::unique_ptr<Readers> sqlite_readers(Database& database) { return std::make_unique<SqliteReaders>(database); }

}  // namespace newsvault::store
