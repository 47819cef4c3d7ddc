// Private to serve: who a request comes from. Passwords are checked with
// crypto_pwhash_str_verify, a few at a time (each takes 64 MiB for a
// moment); a name and password that passed are remembered for a few
// minutes under a keyed hash, so that apps sending basic auth with every
// request cost one check, not one per request. Failed logins are counted
// per client address and per name: past the limit, both are refused for a
// while, whether or not the user exists.
#ifndef NEWSVAULT_SERVE_ACCOUNTS_H_
#define NEWSVAULT_SERVE_ACCOUNTS_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

#include "core/core.h"
#include "store/store.h"

namespace newsvault::serve {

struct Reader {
  std::int64_t id = 0;
  std::string name;
};

enum class Login {
  kAccepted,
  kRefused,      // a wrong name or password: the same answer for both
  kRateLimited,  // too many failures from this address or for this name
};

struct LoginResult {
  Login outcome = Login::kRefused;
  Reader reader;  // when accepted
};

class Accounts {
 public:
  static constexpr int kFailuresPerAddress = 5;  // in kWindow
  static constexpr int kFailuresPerName = 10;
  static constexpr std::chrono::seconds kWindow{60};

  Accounts();

  // A name and password from `address`. Store errors are failures.
  Result<LoginResult> log_in(store::Store& store, std::string_view address, std::string_view name,
                             std::string_view password);
  // What log_in or reader_of_token would answer from memory alone, with no
  // store: a login remembered (or refused for the rate limit), a token
  // seen lately. nullopt: ask the store.
  std::optional<LoginResult> remembered_login(std::string_view address, std::string_view name,
                                              std::string_view password);
  std::optional<Reader> remembered_token(std::string_view token);
  // The reader a token (a session's or an API key) names; nullopt for none.
  Result<std::optional<Reader>> reader_of_token(store::Store& store, std::string_view token);
  // A new session token for the reader (ClientLogin's Auth).
  Result<std::string> new_session(store::Store& store, const Reader& reader, Timestamp now);
  // Whether `address` may try a token now; a token that names no one
  // counts as a failure (token_failed).
  bool address_refused(std::string_view address);
  void token_failed(std::string_view address);

 private:
  using Clock = std::chrono::steady_clock;
  struct Remembered {
    Reader reader;
    Clock::time_point until;
  };
  bool refused_locked(const std::string& key, int limit, Clock::time_point now);
  void count_failure_locked(const std::string& key, Clock::time_point now);

  std::string secret_;  // keys the remembered logins; new each start
  std::string dummy_hash_;  // checked for unknown names, so that they take as long
  std::counting_semaphore<2> hashing_{2};
  std::mutex mutex_;
  std::map<std::string, std::deque<Clock::time_point>> failures_;  // "a:" address, "n:" name
  std::map<std::string, Remembered> remembered_;  // keyed hash of name and password, or of a token
};

}  // namespace newsvault::serve

#endif  // NEWSVAULT_SERVE_ACCOUNTS_H_
