// Users of the server in a store: added with a slow salted hash, listed,
// removed with what they had; API keys.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "serve/serve.h"

namespace newsvault::serve {
namespace {

Timestamp at(std::int64_t millis) { return Timestamp(std::chrono::milliseconds(millis)); }

std::string stored_hash(store::Store& store, std::string_view name) {
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(store.connection(), "SELECT password_hash FROM users WHERE name = ?1", -1, &statement, nullptr);
  sqlite3_bind_text(statement, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  std::string hash;
  if (sqlite3_step(statement) == SQLITE_ROW) hash = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  sqlite3_finalize(statement);
  return hash;
}

TEST(UsersTest, KeepsOnlyASaltedArgon2HashOfThePassword) {
  auto store = store::Store::open(":memory:");
  ASSERT_TRUE(store) << store.error().message();
  ASSERT_TRUE(add_user(**store, "ana", "correct horse", at(1)));
  ASSERT_TRUE(add_user(**store, "ben", "correct horse", at(2)));
  const std::string ana = stored_hash(**store, "ana");
  EXPECT_TRUE(ana.starts_with("$argon2id$")) << ana;
  EXPECT_EQ(ana.find("correct horse"), std::string::npos);
  // The same password gives another hash: each is salted.
  EXPECT_NE(ana, stored_hash(**store, "ben"));
}

TEST(UsersTest, RefusesATakenNameABadNameAndAShortPassword) {
  auto store = store::Store::open(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(add_user(**store, "ana", "long enough", at(1)));
  auto taken = add_user(**store, "ana", "another one", at(2));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().message(), "a user named ana already exists");
  EXPECT_FALSE(add_user(**store, "a:b", "long enough", at(2)));
  EXPECT_FALSE(add_user(**store, "a b", "long enough", at(2)));
  EXPECT_FALSE(add_user(**store, "", "long enough", at(2)));
  auto short_password = add_user(**store, "cy", "short", at(2));
  ASSERT_FALSE(short_password);
  EXPECT_EQ(short_password.error().message(), "password: shorter than 8 bytes");
  auto all = users(**store);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().name, "ana");
}

TEST(UsersTest, RemovingAUserRemovesTheirKeys) {
  auto store = store::Store::open(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(add_user(**store, "ana", "long enough", at(1)));
  auto key = create_api_key(**store, "ana", at(2));
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->size(), 43u);
  ASSERT_TRUE(remove_user(**store, "ana"));
  auto all = users(**store);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
  auto again = remove_user(**store, "ana");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "no user named ana");
  EXPECT_FALSE(create_api_key(**store, "ana", at(3)));
}

}  // namespace
}  // namespace newsvault::serve
