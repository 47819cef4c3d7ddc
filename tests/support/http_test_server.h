// A small HTTP/1.1 server for tests: listens on 127.0.0.1 on a port the
// system picks, answers from canned responses or handlers, and records every
// request so a test can check what the client sent (conditional headers,
// user agent, how many at once).
//
// It runs in background threads from construction until destruction: one
// thread accepts, one thread serves each connection, with keep-alive. Every
// member function is thread-safe. Handlers run on connection threads, several
// at once, so a handler that keeps state must guard it (std::atomic, a mutex).
//
//   HttpTestServer server;
//   server.set("/feed.xml", {.headers = {{"ETag", "\"v1\""}}, .body = "<rss/>"});
//   fetch server.url("/feed.xml") ...
//   EXPECT_EQ(server.requests()[0].header("user-agent"), "newsvault/0.1");
#ifndef NEWSVAULT_TESTS_SUPPORT_HTTP_TEST_SERVER_H_
#define NEWSVAULT_TESTS_SUPPORT_HTTP_TEST_SERVER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace newsvault::testing {

class HttpTestServer {
 public:
  struct RecordedRequest {
    std::string method;  // "GET"
    std::string target;  // as sent: "/feed.xml?page=2", or absolute through a proxy
    std::string path;    // "/feed.xml" (an absolute target's scheme and host removed)
    std::string query;   // "page=2": after '?', empty when none
    std::map<std::string, std::string> headers;  // lower-case names; repeats joined by ", "
    std::string body;                            // as sent with Content-Length

    // The value of the header `name` (any case), or "" when it was not sent.
    std::string header(std::string_view name) const;
  };

  // The connection as a raw answer sees it (CannedResponse::raw). Both
  // calls return false once the client has gone or the server is stopping;
  // the answer should then return.
  struct RawConnection {
    std::function<bool(std::string_view bytes)> write;
    std::function<bool(std::chrono::milliseconds)> pause;
  };

  struct CannedResponse {
    int status = 200;
    // Sent as given, in order. The server adds Content-Length unless given
    // (or Transfer-Encoding: chunked is, and then it chunks the body itself),
    // and never sends a body with 1xx, 204 or 304, or to HEAD.
    std::vector<std::pair<std::string, std::string>> headers{};
    std::string body{};
    std::chrono::milliseconds delay{0};  // waited before answering (ends early at shutdown)
    // When set, the answer is only what this writes, byte for byte (status
    // line, headers, body: as wrong, slow or endless as a test needs), and
    // the connection closes after it. The fields above are ignored.
    std::function<void(RawConnection&)> raw{};
  };

  using Handler = std::function<CannedResponse(const RecordedRequest&)>;

  // Listening on `address` (any of 127.0.0.0/8 works on Linux without
  // setup) once constructed; throws std::runtime_error when it cannot.
  explicit HttpTestServer(std::string address = "127.0.0.1");
  // Closes every connection (cutting short any delay) and joins its threads.
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;                  // "http://ADDRESS:PORT"
  std::string url(std::string_view path) const;  // base_url() + path; path starts with '/'

  // Answers requests for `path` (the path only: any query matches) with a
  // fixed response, or with what `handler` returns for each request.
  // Replaces what was set for `path` before. Unknown paths answer 404.
  void set(std::string path, CannedResponse response);
  void set_handler(std::string path, Handler handler);

  // Every request received so far, in the order received (recorded before
  // any delay, so a request the client gave up on is here too).
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count(std::string_view path) const;

  // Connections accepted so far (fewer than requests when kept alive).
  std::size_t connection_count() const;
  // The most connections open at once, and the most requests in hand at once
  // (received, answer not yet sent), since the server started.
  std::size_t max_concurrent_connections() const;
  std::size_t max_concurrent_requests() const;

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<bool> done;  // guarded by mutex_
  };

  void accept_loop();
  void serve_connection(int fd);
  bool read_more(int fd, std::string& buffer) const;
  bool send_all(int fd, std::string_view data) const;
  bool wait_delay(std::chrono::milliseconds delay);
  CannedResponse answer(const RecordedRequest& request);

  int listen_fd_ = -1;
  int wake_read_fd_ = -1;  // readable once the server is stopping
  int wake_write_fd_ = -1;
  int port_ = 0;
  std::string address_;

  mutable std::mutex mutex_;
  std::condition_variable stopping_changed_;
  bool stopping_ = false;
  std::map<std::string, Handler, std::less<>> handlers_;
  std::vector<RecordedRequest> requests_;
  std::size_t connections_accepted_ = 0;
  std::size_t connections_open_ = 0;
  std::size_t max_connections_open_ = 0;
  std::size_t requests_open_ = 0;
  std::size_t max_requests_open_ = 0;

  std::list<Worker> workers_;  // touched by the accept thread, then the destructor
  std::thread acceptor_;
};

}  // namespace newsvault::testing

#endif  // NEWSVAULT_TESTS_SUPPORT_HTTP_TEST_SERVER_H_
