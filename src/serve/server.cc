// The HTTP server: cpp-httplib with a thread pool for a few hundred
// keep-alive connections, TCP_NODELAY, and an access log.
//
//   accept ─► pool thread (one per connection) ─► route ─► handler ─► Library
//                                                        └► access log line
#include <sodium.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "serve/routes.h"

namespace newsvault::serve {
namespace {

thread_local std::string logged_reader = "-";

std::string log_time() {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return format_iso8601_seconds(now);
}

}  // namespace

void note_reader(const Reader& reader) { logged_reader = reader.name; }

void answer_failure(httplib::Response& response, const Error& error) {
  response.status = 500;
  response.set_content("newsvault serve: " + error.message() + "\n", "text/plain; charset=utf-8");
}

std::string json_string(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t seconds(Timestamp time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

struct Server::State {
  Options options;
  std::unique_ptr<Library> library;
  httplib::Server http;
  int port = 0;
};

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::start(Options options) {
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium cannot start");
  auto state = std::make_unique<State>();
  auto library = Library::open(options);
  if (!library) return std::unexpected(library.error());
  state->library = std::move(*library);
  state->options = std::move(options);
  httplib::Server& http = state->http;
  const std::size_t threads = std::max<std::size_t>(state->options.threads, 2);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Without it, each small answer waits for the client's delayed ACK
  // (Nagle's algorithm): a few hundred requests a second instead of
  // thousands.
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(100000);
  http.set_keep_alive_timeout(30);
  http.set_read_timeout(30);
  http.set_payload_max_length(1 << 20);
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    logged_reader = "-";
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
    response.status = 500;
    response.set_content("newsvault serve: internal error\n", "text/plain; charset=utf-8");
  });
  if (state->options.log) {
    auto log = state->options.log;
    // The path alone: a query can carry a password (ClientLogin by GET).
    http.set_logger([log](const httplib::Request& request, const httplib::Response& response) {
      log(request.remote_addr + " " + logged_reader + " [" + log_time() + "] \"" + request.method + " " +
          request.path + " " + request.version + "\" " + std::to_string(response.status) + " " +
          std::to_string(response.body.size()));
    });
  }
  add_google_reader_api(http, *state->library);
  add_miniflux_api(http, *state->library);
  add_reader_pages(http, *state->library);

  const std::string& host = state->options.host;
  if (state->options.port == 0) {
    state->port = http.bind_to_any_port(host);
  } else {
    state->port = http.bind_to_port(host, state->options.port) ? state->options.port : -1;
  }
  if (state->port <= 0) {
    return make_error(ErrorCode::kIo, "cannot listen on " + host + ":" + std::to_string(state->options.port) +
                                          ": " + std::strerror(errno));
  }
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

int Server::port() const { return state_->port; }

Result<void> Server::run() {
  if (!state_->http.listen_after_bind()) {
    return make_error(ErrorCode::kIo, "listening on port " + std::to_string(state_->port) + " failed");
  }
  return {};
}

void Server::stop() { state_->http.stop(); }

}  // namespace newsvault::serve
