// The search index: search_text (made by the store's migration 6) and the
// FTS5 table search_index over it, kept current by a RevisionObserver.
//
//   save_revision ─► IndexObserver ─► search_text row ─► search_index
//   search(query) ─► MATCH of quoted terms ─► bm25(title 5, body 1) ─►
//                    join articles, feeds ─► Hit
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/html.h"
#include "search/search.h"
#include "search/tokenizer.h"

namespace newsvault::search {
namespace {

// The FTS5 table, over search_text. detail=full keeps token positions, so
// that a CJK term of three characters or more matches as a phrase of its
// bigrams.
constexpr char kCreateIndex[] = R"sql(
CREATE VIRTUAL TABLE search_index USING fts5 (
  title, body, content='search_text', content_rowid='article_id', tokenize='newsvault')
)sql";

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

Error sqlite_error(sqlite3* connection, std::string_view what) {
  return Error(ErrorCode::kIo, "search index: " + std::string(what) + ": " + sqlite3_errmsg(connection));
}

Result<Statement> prepare(sqlite3* connection, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(connection, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
    return std::unexpected(sqlite_error(connection, "prepare"));
  }
  return Statement(raw);
}

void bind_text(sqlite3_stmt* statement, int index, std::string_view text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return text == nullptr ? std::string() : std::string(text, sqlite3_column_bytes(statement, column));
}

Result<void> execute(sqlite3* connection, const char* sql) {
  if (sqlite3_exec(connection, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(sqlite_error(connection, sql));
  }
  return {};
}

// Steps a statement that returns no rows, then resets it for its next use.
Result<void> run(sqlite3* connection, sqlite3_stmt* statement, std::string_view what) {
  const int result = sqlite3_step(statement);
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  if (result != SQLITE_DONE) return std::unexpected(sqlite_error(connection, what));
  return {};
}

Result<bool> table_exists(sqlite3* connection, std::string_view name) {
  Result<Statement> select = prepare(connection, "SELECT 1 FROM sqlite_master WHERE name = ?1");
  if (!select) return std::unexpected(select.error());
  bind_text(select->get(), 1, name);
  const int result = sqlite3_step(select->get());
  if (result != SQLITE_ROW && result != SQLITE_DONE) return std::unexpected(sqlite_error(connection, "schema"));
  return result == SQLITE_ROW;
}

Result<bool> has_articles(sqlite3* connection) {
  Result<Statement> select = prepare(connection, "SELECT 1 FROM articles LIMIT 1");
  if (!select) return std::unexpected(select.error());
  const int result = sqlite3_step(select->get());
  if (result != SQLITE_ROW && result != SQLITE_DONE) return std::unexpected(sqlite_error(connection, "articles"));
  return result == SQLITE_ROW;
}

struct IndexedText {
  std::string title;
  std::string body;
};

IndexedText indexed_text(const store::ArticleRevision& revision) {
  IndexedText text{revision.title, {}};
  nlohmann::json content = nlohmann::json::parse(revision.content, nullptr, false);
  if (content.is_object()) {
    if (content.contains("body") && content["body"].is_string()) {
      text.body = body_text(content["body"].get<std::string>());
    }
    if (content.contains("lead_image") && content["lead_image"].is_object()) {
      const std::string caption = content["lead_image"].value("caption", "");
      if (!caption.empty()) text.body = caption + "\n" + text.body;
    }
  }
  return text;
}

// Writes one article's text and index entries, replacing what it had.
class Writer {
 public:
  static Result<Writer> open(sqlite3* connection) {
    Writer writer(connection);
    const char* sql[] = {
        "SELECT title, body FROM search_text WHERE article_id = ?1",
        "INSERT INTO search_index (search_index, rowid, title, body) VALUES ('delete', ?1, ?2, ?3)",
        "INSERT OR REPLACE INTO search_text (article_id, title, body) VALUES (?1, ?2, ?3)",
        "INSERT INTO search_index (rowid, title, body) VALUES (?1, ?2, ?3)",
    };
    Statement* targets[] = {&writer.select_, &writer.remove_, &writer.save_text_, &writer.insert_};
    for (std::size_t i = 0; i < std::size(sql); ++i) {
      Result<Statement> statement = prepare(connection, sql[i]);
      if (!statement) return std::unexpected(statement.error());
      *targets[i] = std::move(*statement);
    }
    return writer;
  }

  Result<void> write(std::int64_t article_id, const IndexedText& text) {
    sqlite3_stmt* select = select_.get();
    sqlite3_bind_int64(select, 1, article_id);
    const int found = sqlite3_step(select);
    if (found == SQLITE_ROW) {
      // External content: FTS5 removes entries given the text they were
      // made from (https://sqlite.org/fts5.html#external_content_tables).
      sqlite3_bind_int64(remove_.get(), 1, article_id);
      bind_text(remove_.get(), 2, column_text(select, 0));
      bind_text(remove_.get(), 3, column_text(select, 1));
      sqlite3_reset(select);
      if (auto done = run(connection_, remove_.get(), "remove old text"); !done) return done;
    } else {
      sqlite3_reset(select);
      if (found != SQLITE_DONE) return std::unexpected(sqlite_error(connection_, "read old text"));
    }
    for (sqlite3_stmt* statement : {save_text_.get(), insert_.get()}) {
      sqlite3_bind_int64(statement, 1, article_id);
      bind_text(statement, 2, text.title);
      bind_text(statement, 3, text.body);
      if (auto done = run(connection_, statement, "index article"); !done) return done;
    }
    return {};
  }

 private:
  explicit Writer(sqlite3* connection) : connection_(connection) {}
  sqlite3* connection_;
  Statement select_, remove_, save_text_, insert_;
};

class IndexObserver final : public store::RevisionObserver {
 public:
  explicit IndexObserver(Writer writer) : writer_(std::move(writer)) {}
  Result<void> revision_saved(std::int64_t article_id, const store::ArticleRevision& revision) override {
    return writer_.write(article_id, indexed_text(revision));
  }

 private:
  Writer writer_;
};

Result<void> observe(store::Store& store) {
  Result<Writer> writer = Writer::open(store.connection());
  if (!writer) return std::unexpected(writer.error());
  store.set_revision_observer(std::make_unique<IndexObserver>(std::move(*writer)));
  return {};
}

// A term as an FTS5 string ("..." with " doubled): the tokenizer, not
// FTS5's query syntax, decides what it matches.
std::string fts5_string(std::string_view term) {
  std::string out = "\"";
  for (char c : term) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> terms_of(std::string_view text) {
  std::vector<std::string> terms;
  std::string current;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    // Spaces, and U+3000 (the ideographic space), separate terms.
    const bool ideographic = text.substr(i, 3) == "\xE3\x80\x80";
    if (i == text.size() || text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || ideographic) {
      if (!current.empty() && !search_tokens(current, TokenizeFor::kQuery).empty()) terms.push_back(current);
      current.clear();
      if (ideographic) i += 2;
    } else {
      current += text[i];
    }
  }
  return terms;
}


// A match and its rank: bm25 (lower is better), then the newer, then the
// higher id.
struct Ranked {
  std::int64_t id = 0;
  double score = 0;
  std::optional<std::int64_t> published;  // milliseconds
};

bool ranks_before(const Ranked& a, const Ranked& b) {
  if (a.score != b.score) return a.score < b.score;
  if (a.published != b.published) {
    if (!a.published || !b.published) return a.published.has_value();  // undated last
    return *a.published > *b.published;
  }
  return a.id > b.id;
}

// ids [from, to) of `ranked` as a JSON array, for json_each().
std::string json_ids(const std::vector<Ranked>& ranked, std::size_t from, std::size_t to) {
  std::string out = "[";
  for (std::size_t i = from; i < to; ++i) out += (i == from ? "" : ",") + std::to_string(ranked[i].id);
  return out + "]";
}

// The best `query.limit` matches of `match` that pass the query's feed and
// date filters, in rank order. Two steps, so that the work per match is
// FTS5's alone: every match's bm25 comes from the index without touching
// the articles table (a join there read a row of it for each of tens of
// thousands of matches of a common word, and sorted them all); then the
// matches are walked best first, and only those that can still make the
// page (the best, down to the last score that ties with the page's last)
// are looked up in articles, a batch at a time, for the filters and the
// tie-break by date. The order is the one ORDER BY bm25(...), published
// DESC NULLS LAST, id DESC gives over all matches.
Result<std::vector<Ranked>> rank(sqlite3* connection, const std::string& match, const Query& query) {
  std::vector<Ranked> matches;
  if (query.limit == 0) return matches;
  {
    Result<Statement> select =
        prepare(connection, "SELECT rowid, bm25(search_index, 5.0, 1.0) FROM search_index WHERE search_index MATCH ?1");
    if (!select) return std::unexpected(select.error());
    bind_text(select->get(), 1, match);
    for (;;) {
      const int result = sqlite3_step(select->get());
      if (result == SQLITE_DONE) break;
      if (result != SQLITE_ROW) return std::unexpected(sqlite_error(connection, "search"));
      matches.push_back({sqlite3_column_int64(select->get(), 0), sqlite3_column_double(select->get(), 1), {}});
    }
  }
  std::sort(matches.begin(), matches.end(),
            [](const Ranked& a, const Ranked& b) { return a.score != b.score ? a.score < b.score : a.id > b.id; });

  std::string sql = "SELECT a.id, a.published FROM articles a WHERE a.id IN (SELECT value FROM json_each(?1))";
  if (query.feed) {
    sql += " AND a.id IN (SELECT fa.article_id FROM feed_articles fa JOIN feeds lf ON lf.id = fa.feed_id"
           " WHERE lf.name = ?2)";
  }
  if (query.since) sql += " AND coalesce(a.published, a.first_seen) >= ?3";
  Result<Statement> select = prepare(connection, sql);
  if (!select) return std::unexpected(select.error());
  sqlite3_stmt* statement = select->get();
  if (query.feed) bind_text(statement, 2, *query.feed);
  if (query.since) sqlite3_bind_int64(statement, 3, query.since->time_since_epoch().count());

  std::vector<Ranked> kept;
  std::size_t next = 0;
  std::size_t batch = std::max<std::size_t>(query.limit, 32);
  while (next < matches.size()) {
    // Matches come best first: once the page is full, only those that tie
    // with its last can still change it.
    if (kept.size() >= query.limit && matches[next].score > kept[query.limit - 1].score) break;
    const std::size_t end = std::min(matches.size(), next + batch);
    bind_text(statement, 1, json_ids(matches, next, end));
    std::map<std::int64_t, std::optional<std::int64_t>> passed;
    for (;;) {
      const int result = sqlite3_step(statement);
      if (result == SQLITE_DONE) break;
      if (result != SQLITE_ROW) return std::unexpected(sqlite_error(connection, "search"));
      std::optional<std::int64_t> published;
      if (sqlite3_column_type(statement, 1) != SQLITE_NULL) published = sqlite3_column_int64(statement, 1);
      passed.emplace(sqlite3_column_int64(statement, 0), published);
    }
    sqlite3_reset(statement);
    for (std::size_t i = next; i < end; ++i) {
      if (auto found = passed.find(matches[i].id); found != passed.end()) {
        matches[i].published = found->second;
        kept.push_back(matches[i]);
      }
    }
    next = end;
    batch *= 4;
  }
  std::sort(kept.begin(), kept.end(), ranks_before);
  if (kept.size() > query.limit) kept.resize(query.limit);
  return kept;
}
}  // namespace

std::string body_text(std::string_view body_html) { return html::text_lines(body_html); }

// The index lives in the store's SQLite database; the PostgreSQL engine
// has none, and says so rather than finding nothing.
Result<sqlite3*> index_connection(store::Store& store) {
  if (sqlite3* connection = store.connection()) return connection;
  return make_error(ErrorCode::kInvalidArgument,
                    "search: the search index is kept only in an SQLite store, and this archive's store is " +
                        std::string(store.engine()) +
                        " (docs/internals/store.md); 'newsvault migrate --to sqlite:PATH' makes an SQLite copy");
}

Result<void> attach(store::Store& store) {
  // Saving goes on without an index on an engine that cannot hold one;
  // searching says why there is none.
  if (store.connection() == nullptr) return {};
  sqlite3* connection = store.connection();
  if (auto done = register_tokenizer(connection); !done) return done;
  if (store.read_only()) return {};
  Result<bool> exists = table_exists(connection, "search_index");
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) {
    // A new archive gets its index now; one with articles waits for rebuild().
    Result<bool> any = has_articles(connection);
    if (!any) return std::unexpected(any.error());
    if (*any) return {};
    if (auto done = execute(connection, kCreateIndex); !done) return done;
  }
  return observe(store);
}

Result<bool> index_built(store::Store& store) {
  Result<sqlite3*> connection = index_connection(store);
  if (!connection) return std::unexpected(connection.error());
  return table_exists(*connection, "search_index");
}

Result<std::size_t> rebuild(store::Store& store) {
  Result<sqlite3*> index = index_connection(store);
  if (!index) return std::unexpected(index.error());
  sqlite3* connection = *index;
  Result<std::vector<store::ArticleSummary>> articles = store.articles(std::nullopt);
  if (!articles) return std::unexpected(articles.error());
  Result<void> built = store.transaction([&]() -> Result<void> {
    if (auto done = execute(connection, "DROP TABLE IF EXISTS search_index; DELETE FROM search_text"); !done) {
      return done;
    }
    if (auto done = execute(connection, kCreateIndex); !done) return done;
    Result<Writer> writer = Writer::open(connection);
    if (!writer) return std::unexpected(writer.error());
    for (const store::ArticleSummary& article : *articles) {
      Result<std::vector<store::StoredRevision>> revisions = store.revisions(article.id);
      if (!revisions) return std::unexpected(revisions.error());
      if (revisions->empty()) continue;
      if (auto done = writer->write(article.id, indexed_text(revisions->back().revision)); !done) return done;
    }
    return {};
  });
  if (!built) return std::unexpected(built.error());
  if (auto done = observe(store); !done) return std::unexpected(done.error());
  return articles->size();
}

Result<std::vector<Hit>> search(store::Store& store, const Query& query) {
  Result<sqlite3*> index = index_connection(store);
  if (!index) return std::unexpected(index.error());
  sqlite3* connection = *index;
  const std::vector<std::string> terms = terms_of(query.text);
  if (terms.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "the query has no words to search for");
  }
  Result<bool> built = index_built(store);
  if (!built) return std::unexpected(built.error());
  if (!*built) {
    // A new archive opened only to read has no index yet, and nothing to find.
    Result<bool> any = has_articles(connection);
    if (!any) return std::unexpected(any.error());
    if (!*any) return std::vector<Hit>();
    return make_error(ErrorCode::kNotFound,
                      "this archive's search index has not been built yet: run "
                      "'newsvault search --rebuild' once with write access");
  }
  if (query.feed) {
    Result<std::optional<store::FeedRecord>> feed = store.feed_by_name(*query.feed);
    if (!feed) return std::unexpected(feed.error());
    if (!*feed) return make_error(ErrorCode::kInvalidArgument, "no feed named " + *query.feed);
  }
  std::string match;
  for (const std::string& term : terms) match += (match.empty() ? "" : " AND ") + fts5_string(term);
  Result<std::vector<Ranked>> ranked = rank(connection, match, query);
  if (!ranked) return std::unexpected(ranked.error());
  if (ranked->empty()) return std::vector<Hit>();

  // Snippets for the hits shown only: snippet() re-reads and re-tokenizes
  // an article's text, so cutting one from every match cost more than the
  // ranking itself.
  Result<Statement> select = prepare(connection, R"sql(
SELECT a.id, a.url, a.title, f.name, a.published,
       snippet(search_index, -1, ?2, ?3, '…', 24)
FROM search_index JOIN articles a ON a.id = search_index.rowid JOIN feeds f ON f.id = a.feed_id
WHERE search_index MATCH ?1 AND search_index.rowid IN (SELECT value FROM json_each(?4)))sql");
  if (!select) return std::unexpected(select.error());
  sqlite3_stmt* statement = select->get();
  bind_text(statement, 1, match);
  bind_text(statement, 2, kMarkOpen);
  bind_text(statement, 3, kMarkClose);
  bind_text(statement, 4, json_ids(*ranked, 0, ranked->size()));
  std::map<std::int64_t, Hit> found;
  for (;;) {
    const int result = sqlite3_step(statement);
    if (result == SQLITE_DONE) break;
    if (result != SQLITE_ROW) return std::unexpected(sqlite_error(connection, "search"));
    Hit hit;
    hit.id = sqlite3_column_int64(statement, 0);
    hit.url = column_text(statement, 1);
    hit.title = column_text(statement, 2);
    hit.feed = column_text(statement, 3);
    if (sqlite3_column_type(statement, 4) != SQLITE_NULL) {
      hit.published = Timestamp(std::chrono::milliseconds(sqlite3_column_int64(statement, 4)));
    }
    hit.snippet = column_text(statement, 5);
    found.emplace(hit.id, std::move(hit));
  }
  std::vector<Hit> hits;
  hits.reserve(ranked->size());
  for (const Ranked& entry : *ranked) {
    if (auto hit = found.find(entry.id); hit != found.end()) hits.push_back(std::move(hit->second));
  }
  return hits;
}

}  // namespace newsvault::search
