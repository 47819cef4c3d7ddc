// Users of the server, their password hashes and API keys, in the store's
// database (migration 8).
#include <sodium.h>

#include <chrono>

#include "serve/serve.h"
#include "serve/sql.h"

namespace newsvault::serve {
namespace {

constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMinPasswordBytes = 8;

std::int64_t millis(Timestamp time) { return time.time_since_epoch().count(); }

Result<void> check_name(std::string_view name) {
  auto refuse = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument, "user name \"" + std::string(name) + "\": " + std::string(why));
  };
  if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "user name: empty");
  if (name.size() > kMaxNameBytes) return refuse("longer than 64 bytes");
  for (unsigned char c : name) {
    // ':' ends the name in HTTP basic auth; spaces and controls in a log line.
    if (c <= 0x20 || c == 0x7f || c == ':') return refuse("no spaces, ':' or control characters");
  }
  return {};
}

Result<std::int64_t> user_id(store::Store& store, std::string_view name) {
  auto select = Statement::prepare(store.connection(), "SELECT id FROM users WHERE name = ?1");
  if (!select) return std::unexpected(select.error());
  select->bind(1, name);
  auto row = select->step("find user");
  if (!row) return std::unexpected(row.error());
  if (!*row) return make_error(ErrorCode::kNotFound, "no user named " + std::string(name));
  return select->integer(0);
}

}  // namespace

Result<User> add_user(store::Store& store, std::string_view name, std::string_view password, Timestamp now) {
  if (auto checked = check_name(name); !checked) return std::unexpected(checked.error());
  if (password.size() < kMinPasswordBytes) {
    return make_error(ErrorCode::kInvalidArgument, "password: shorter than 8 bytes");
  }
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium cannot start");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return make_error(ErrorCode::kInternal, "password hash: out of memory");
  }
  auto insert = Statement::prepare(store.connection(),
                                   "INSERT INTO users (name, password_hash, created) VALUES (?1, ?2, ?3) "
                                   "ON CONFLICT (name) DO NOTHING");
  if (!insert) return std::unexpected(insert.error());
  insert->bind(1, name).bind(2, std::string_view(hash)).bind(3, millis(now));
  if (auto added = insert->run("add user"); !added) return std::unexpected(added.error());
  if (sqlite3_changes(store.connection()) == 0) {
    return make_error(ErrorCode::kInvalidArgument, "a user named " + std::string(name) + " already exists");
  }
  return User{sqlite3_last_insert_rowid(store.connection()), std::string(name), now};
}

Result<std::vector<User>> users(store::Store& store) {
  auto select = Statement::prepare(store.connection(), "SELECT id, name, created FROM users ORDER BY name");
  if (!select) return std::unexpected(select.error());
  std::vector<User> out;
  while (true) {
    auto row = select->step("list users");
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back({select->integer(0), select->text(1), Timestamp(std::chrono::milliseconds(select->integer(2)))});
  }
  return out;
}

Result<void> remove_user(store::Store& store, std::string_view name) {
  auto id = user_id(store, name);
  if (!id) return std::unexpected(id.error());
  return store.transaction([&]() -> Result<void> {
    for (const char* sql : {"DELETE FROM user_articles WHERE user_id = ?1", "DELETE FROM user_tokens WHERE user_id = ?1",
                            "DELETE FROM users WHERE id = ?1"}) {
      auto remove = Statement::prepare(store.connection(), sql);
      if (!remove) return std::unexpected(remove.error());
      if (auto done = remove->bind(1, *id).run("remove user"); !done) return done;
    }
    return {};
  });
}

Result<std::string> create_api_key(store::Store& store, std::string_view name, Timestamp now) {
  auto id = user_id(store, name);
  if (!id) return std::unexpected(id.error());
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium cannot start");
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  char key[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(key, sizeof key, random, sizeof random, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  auto insert = Statement::prepare(store.connection(),
                                   "INSERT INTO user_tokens (token_hash, user_id, kind, created) VALUES (?1, ?2, 'api_key', ?3)");
  if (!insert) return std::unexpected(insert.error());
  insert->bind(1, store::sha256_hex(key)).bind(2, *id).bind(3, millis(now));
  if (auto added = insert->run("add API key"); !added) return std::unexpected(added.error());
  return std::string(key);
}

}  // namespace newsvault::serve
