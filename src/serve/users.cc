// Users of the server, their password hashes and API keys, in the store
// (store::Readers).
#include <sodium.h>

#include <chrono>

#include "serve/serve.h"

namespace newsvault::serve {
namespace {

constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMinPasswordBytes = 8;


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
  auto added = store.readers().add_user(name, hash, now);
  if (!added) return std::unexpected(added.error());
  return User{added->id, std::string(name), now};
}

Result<std::vector<User>> users(store::Store& store) {
  auto listed = store.readers().users();
  if (!listed) return std::unexpected(listed.error());
  std::vector<User> out;
  for (const store::UserRecord& user : *listed) out.push_back({user.id, user.name, user.created});
  return out;
}

Result<void> remove_user(store::Store& store, std::string_view name) { return store.readers().remove_user(name); }

Result<std::string> create_api_key(store::Store& store, std::string_view name, Timestamp now) {
  auto user = store.readers().user_login(name);
  if (!user) return std::unexpected(user.error());
  if (!*user) return make_error(ErrorCode::kNotFound, "no user named " + std::string(name));
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium cannot start");
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  char key[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(key, sizeof key, random, sizeof random, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  if (auto added = store.readers().add_token(store::sha256_hex(key), (*user)->id, "api_key", now); !added) {
    return std::unexpected(added.error());
  }
  return std::string(key);
}

}  // namespace newsvault::serve
