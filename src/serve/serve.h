// serve: the archive over HTTP, from the store, for people and their apps.
//
// One process answers three kinds of request, all read from the store
// while `fetch` writes it beside (SQLite WAL: readers never wait for the
// writer):
//
//   /, /feeds/…, /days/…, /changes.html   the reader pages: the static
//                                         site's pages (publish's rendering)
//   /search.html?q=…                      the search index (src/search)
//   /accounts/ClientLogin, /reader/…      the Google Reader API (and its
//                                         Atom view) that FreshRSS serves
//   /v1/…                                 Miniflux's API v1
//
// Owns the users of the server and what each has read or starred (tables
// of the store's database, from its migration 8), and the tokens their
// apps log in with. Passwords are kept only as libsodium's
// crypto_pwhash_str (Argon2id, salted, slow); tokens only as SHA-256.
// Nothing here writes the archive's files.
//
// The user functions use the store they are given from the calling thread.
// A Server answers on a pool of threads, each request reading through one
// of a few store connections of its own; stop() may be called from any
// thread (a signal handler's thread).
#ifndef NEWSVAULT_SERVE_SERVE_H_
#define NEWSVAULT_SERVE_SERVE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "extract/extract.h"
#include "publish/publish.h"
#include "store/store.h"

namespace newsvault::serve {

// ---------------------------------------------------------------------------
// Users

struct User {
  std::int64_t id = 0;
  std::string name;
  Timestamp created;
};

// Adds a user with `password` hashed. Fails with kInvalidArgument when the
// name is empty, longer than 64 bytes or holds spaces, ':' or control
// characters ("user name ...: ..."), when the password is shorter than 8
// bytes, or when the name is taken ("a user named X already exists").
Result<User> add_user(store::Store& store, std::string_view name, std::string_view password,
                      Timestamp now);
// Every user, by name.
Result<std::vector<User>> users(store::Store& store);
// Removes a user with their tokens and read and starred state; kNotFound
// ("no user named X") when there is none.
Result<void> remove_user(store::Store& store, std::string_view name);
// A new API key for the user (Miniflux's X-Auth-Token): 43 characters,
// shown this once; the store keeps its hash. kNotFound when there is no
// such user.
Result<std::string> create_api_key(store::Store& store, std::string_view name, Timestamp now);

// ---------------------------------------------------------------------------
// The server

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: one the system picks (Server::port says which)
  // Reader pages need a user too (HTTP basic auth): [serve] private. The
  // APIs always do.
  bool private_pages = false;
  // Request threads: each keep-alive connection holds one while it is open.
  std::size_t threads = 320;
  // Store connections the request threads share.
  std::size_t connections = 4;
  // The reader pages' rendering: the image proxy and converted copies.
  publish::SiteOptions site;
  // The archive folder whose media/sha256/ the server answers /media/sha256/
  // from (the local copies of images, read-only); empty: none.
  std::filesystem::path media_root;
  // The local copies of images (publish::PublishOptions::local_images),
  // read again with each new snapshot of the store (when another
  // connection committed), given the list read last (null at first): images
  // kept after the server started show at once. Null: site.publish's list.
  std::function<Result<std::shared_ptr<const std::map<std::string, std::string>>>(
      store::Store& store, const std::map<std::string, std::string>* known)>
      local_images;
  // Opens one more connection to the archive's store (read-write: users'
  // state is written).
  std::function<Result<std::unique_ptr<store::Store>>()> open_store;
  // An article as the store keeps a revision's content.
  std::function<Result<extract::Article>(std::string_view content)> decode_article;
  // One line per request (the access log), without its newline. Called
  // from request threads, one line at a time.
  std::function<void(std::string_view line)> log;
};

class Server {
 public:
  // Opens the store connections and binds host:port. Fails with kIo naming
  // the address when it cannot be bound, or with open_store's error.
  static Result<std::unique_ptr<Server>> start(Options options);
  ~Server();

  // The port bound (the system's pick when Options::port was 0).
  int port() const;
  // Answers requests until stop(); then returns once the requests in
  // flight are answered. Fails with kIo when listening fails.
  Result<void> run();
  // Stops accepting connections and ends run(). Thread-safe.
  void stop();

 private:
  struct State;
  explicit Server(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace newsvault::serve

#endif  // NEWSVAULT_SERVE_SERVE_H_
