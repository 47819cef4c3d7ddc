// Users of the server in a store: added with a slow salted hash, listed,
// removed with what they had; API keys.
#include <gtest/gtest.h>

#include <optional>

#include "serve/serve.h"
#include "support/postgresql_test_support.h"

namespace newsvault::serve {
namespace {

Timestamp at(std::int64_t millis) { return Timestamp(std::chrono::milliseconds(millis)); }

std::string stored_hash(store::Store& store, std::string_view name) {
  auto user = store.readers().user_login(name);
  return user && *user ? (*user)->password_hash : std::string();
}

// Each UsersTest runs against both engines: an in-memory SQLite database,
// and a fresh database in the test cluster (skipped, saying so, without one).
class UsersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const bool postgresql = GetParam() == "postgresql";
    if (postgresql && testing::postgresql_uri().empty()) GTEST_SKIP() << testing::kNoPostgresql;
    auto opened = store::Store::open(postgresql ? database_.emplace().uri() : ":memory:");
    ASSERT_TRUE(opened) << opened.error().message();
    store_ = std::move(*opened);
  }

  // Declared first: the database outlives the store's connection to it.
  std::optional<testing::ScratchDatabase> database_;
  std::unique_ptr<store::Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Engines, UsersTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST_P(UsersTest, KeepsOnlyASaltedArgon2HashOfThePassword) {
  ASSERT_TRUE(add_user(*store_, "ana", "correct horse", at(1)));
  ASSERT_TRUE(add_user(*store_, "ben", "correct horse", at(2)));
  const std::string ana = stored_hash(*store_, "ana");
  EXPECT_TRUE(ana.starts_with("$argon2id$")) << ana;
  EXPECT_EQ(ana.find("correct horse"), std::string::npos);
  // The same password gives another hash: each is salted.
  EXPECT_NE(ana, stored_hash(*store_, "ben"));
}

TEST_P(UsersTest, RefusesATakenNameABadNameAndAShortPassword) {
  ASSERT_TRUE(add_user(*store_, "ana", "long enough", at(1)));
  auto taken = add_user(*store_, "ana", "another one", at(2));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().message(), "a user named ana already exists");
  EXPECT_FALSE(add_user(*store_, "a:b", "long enough", at(2)));
  EXPECT_FALSE(add_user(*store_, "a b", "long enough", at(2)));
  EXPECT_FALSE(add_user(*store_, "", "long enough", at(2)));
  auto short_password = add_user(*store_, "cy", "short", at(2));
  ASSERT_FALSE(short_password);
  EXPECT_EQ(short_password.error().message(), "password: shorter than 8 bytes");
  auto all = users(*store_);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().name, "ana");
}

TEST_P(UsersTest, RemovingAUserRemovesTheirKeys) {
  ASSERT_TRUE(add_user(*store_, "ana", "long enough", at(1)));
  auto key = create_api_key(*store_, "ana", at(2));
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->size(), 43u);
  ASSERT_TRUE(remove_user(*store_, "ana"));
  auto all = users(*store_);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
  auto again = remove_user(*store_, "ana");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "no user named ana");
  EXPECT_FALSE(create_api_key(*store_, "ana", at(3)));
}

}  // namespace
}  // namespace newsvault::serve
