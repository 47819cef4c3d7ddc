#include "serve/accounts.h"

#include <sodium.h>

#include "serve/random.h"

namespace newsvault::serve {
namespace {

constexpr auto kRemember = std::chrono::minutes(5);
constexpr std::size_t kMaxTracked = 100000;  // failures and remembered logins kept, at most

}  // namespace

Accounts::Accounts() : secret_(random_hex(32)) {
  char hash[crypto_pwhash_STRBYTES];
  const std::string password = random_hex(16);
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0) {
    dummy_hash_ = hash;
  }
}

bool Accounts::refused_locked(const std::string& key, int limit, Clock::time_point now) {
  auto found = failures_.find(key);
  if (found == failures_.end()) return false;
  auto& times = found->second;
  while (!times.empty() && now - times.front() > kWindow) times.pop_front();
  if (times.empty()) {
    failures_.erase(found);
    return false;
  }
  return static_cast<int>(times.size()) >= limit;
}

void Accounts::count_failure_locked(const std::string& key, Clock::time_point now) {
  if (failures_.size() >= kMaxTracked) failures_.clear();
  failures_[key].push_back(now);
}

bool Accounts::address_refused(std::string_view address) {
  std::lock_guard lock(mutex_);
  return refused_locked("a:" + std::string(address), kFailuresPerAddress, Clock::now());
}

void Accounts::token_failed(std::string_view address) {
  std::lock_guard lock(mutex_);
  count_failure_locked("a:" + std::string(address), Clock::now());
}

std::optional<LoginResult> Accounts::remembered_login(std::string_view address, std::string_view name,
                                                      std::string_view password) {
  const std::string remembered_key = store::sha256_hex(secret_ + std::string(name) + '\n' + std::string(password));
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (refused_locked("a:" + std::string(address), kFailuresPerAddress, now) ||
      refused_locked("n:" + std::string(name), kFailuresPerName, now)) {
    return LoginResult{Login::kRateLimited, {}};
  }
  if (auto found = remembered_.find(remembered_key); found != remembered_.end() && found->second.until > now) {
    return LoginResult{Login::kAccepted, found->second.reader};
  }
  return std::nullopt;
}

std::optional<Reader> Accounts::remembered_token(std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (auto found = remembered_.find("t:" + store::sha256_hex(token));
      found != remembered_.end() && found->second.until > Clock::now()) {
    return found->second.reader;
  }
  return std::nullopt;
}

Result<LoginResult> Accounts::log_in(store::Store& store, std::string_view address, std::string_view name,
                                     std::string_view password) {
  const std::string address_key = "a:" + std::string(address);
  const std::string name_key = "n:" + std::string(name);
  const std::string remembered_key = store::sha256_hex(secret_ + std::string(name) + '\n' + std::string(password));
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (refused_locked(address_key, kFailuresPerAddress, now) || refused_locked(name_key, kFailuresPerName, now)) {
      return LoginResult{Login::kRateLimited, {}};
    }
    if (auto found = remembered_.find(remembered_key); found != remembered_.end()) {
      if (found->second.until > now) return LoginResult{Login::kAccepted, found->second.reader};
      remembered_.erase(found);
    }
  }
  auto user = store.readers().user_login(name);
  if (!user) return std::unexpected(user.error());
  const bool known = user->has_value();
  const std::string hash = known ? (*user)->password_hash : dummy_hash_;
  bool verified = false;
  {
    hashing_.acquire();
    verified = !hash.empty() && crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
    hashing_.release();
  }
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (!known || !verified) {
    count_failure_locked(address_key, now);
    count_failure_locked(name_key, now);
    return LoginResult{Login::kRefused, {}};
  }
  Reader reader{(*user)->id, std::string(name)};
  if (remembered_.size() >= kMaxTracked) remembered_.clear();
  remembered_[remembered_key] = {reader, now + kRemember};
  return LoginResult{Login::kAccepted, reader};
}

Result<std::optional<Reader>> Accounts::reader_of_token(store::Store& store, std::string_view token) {
  if (token.empty()) return std::nullopt;
  const std::string token_hash = store::sha256_hex(token);
  const std::string remembered_key = "t:" + token_hash;
  {
    std::lock_guard lock(mutex_);
    if (auto found = remembered_.find(remembered_key); found != remembered_.end()) {
      if (found->second.until > Clock::now()) return found->second.reader;
      remembered_.erase(found);
    }
  }
  auto user = store.readers().user_of_token(token_hash);
  if (!user) return std::unexpected(user.error());
  if (!*user) return std::nullopt;
  Reader reader{(*user)->id, (*user)->name};
  std::lock_guard lock(mutex_);
  if (remembered_.size() >= kMaxTracked) remembered_.clear();
  remembered_[remembered_key] = {reader, Clock::now() + kRemember};
  return reader;
}

Result<std::string> Accounts::new_session(store::Store& store, const Reader& reader, Timestamp now) {
  const std::string token = random_hex(32);
  if (auto added = store.readers().add_token(store::sha256_hex(token), reader.id, "session", now); !added) {
    return std::unexpected(added.error());
  }
  return token;
}

}  // namespace newsvault::serve
