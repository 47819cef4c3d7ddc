#include "support/http_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace newsvault::testing {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("HttpTestServer: " + what + ": " + std::strerror(errno));
}

// Parses the head (request line and headers, without the blank line).
// False when it is not HTTP.
bool parse_head(std::string_view head, HttpTestServer::RecordedRequest& request,
                std::string& version) {
  auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || last_space == first_space) return false;
  request.method = request_line.substr(0, first_space);
  request.target = request_line.substr(first_space + 1, last_space - first_space - 1);
  version = request_line.substr(last_space + 1);
  if (!version.starts_with("HTTP/")) return false;

  // An absolute target (RFC 9112 §3.2.2, as sent to a proxy) loses its
  // scheme and authority; the path is what handlers match on.
  std::string_view target = request.target;
  if (const auto scheme_end = target.find("://");
      scheme_end != std::string_view::npos && !target.starts_with("/")) {
    const auto path_start = target.find('/', scheme_end + 3);
    target = path_start == std::string_view::npos ? "/" : target.substr(path_start);
  }
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string_view::npos) request.query = target.substr(question + 1);

  while (line_end != std::string_view::npos) {
    const auto start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string& value = request.headers[lower(trim(line.substr(0, colon)))];
    if (!value.empty()) value += ", ";
    value += trim(line.substr(colon + 1));
  }
  return true;
}

bool has_header(const HttpTestServer::CannedResponse& response, std::string_view name,
                std::string_view value_part = {}) {
  return std::any_of(response.headers.begin(), response.headers.end(), [&](const auto& header) {
    return lower(header.first) == name &&
           lower(header.second).find(value_part) != std::string::npos;
  });
}

std::string serialise(const HttpTestServer::CannedResponse& response, bool head_only,
                      bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                    std::string(reason_phrase(response.status)) + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  const bool chunked = has_header(response, "transfer-encoding", "chunked");
  if (!bodiless && !chunked && !has_header(response, "content-length")) {
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  if (!keep_alive && !has_header(response, "connection")) out += "Connection: close\r\n";
  out += "\r\n";
  if (bodiless || head_only) return out;
  if (!chunked) return out + response.body;
  constexpr std::size_t kChunk = 4096;
  char size[32];
  for (std::size_t at = 0; at < response.body.size(); at += kChunk) {
    const std::size_t length = std::min(kChunk, response.body.size() - at);
    std::snprintf(size, sizeof size, "%zx\r\n", length);
    out += size;
    out.append(response.body, at, length);
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

}  // namespace

std::string HttpTestServer::RecordedRequest::header(std::string_view name) const {
  const auto found = headers.find(lower(name));
  return found == headers.end() ? std::string() : found->second;
}

HttpTestServer::HttpTestServer(std::string address_text) : address_(std::move(address_text)) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail("pipe");
  wake_read_fd_ = pipe_fds[0];
  wake_write_fd_ = pipe_fds[1];

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) fail("socket");
  const int on = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (::inet_pton(AF_INET, address_.c_str(), &address.sin_addr) != 1) fail("address " + address_);
  address.sin_port = 0;  // the system picks a free port
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fail("bind");
  if (::listen(listen_fd_, SOMAXCONN) != 0) fail("listen");
  socklen_t length = sizeof address;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    fail("getsockname");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopping_changed_.notify_all();
  // Never read: the pipe stays readable, waking every poll() in the server.
  const char byte = 'x';
  while (::write(wake_write_fd_, &byte, 1) < 0 && errno == EINTR) {
  }
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& worker : workers_) worker.thread.join();
  ::close(listen_fd_);
  ::close(wake_read_fd_);
  ::close(wake_write_fd_);
}

std::string HttpTestServer::base_url() const {
  return "http://" + address_ + ":" + std::to_string(port_);
}

std::string HttpTestServer::url(std::string_view path) const {
  return base_url() + std::string(path);
}

void HttpTestServer::set(std::string path, CannedResponse response) {
  set_handler(std::move(path),
              [response = std::move(response)](const RecordedRequest&) { return response; });
}

void HttpTestServer::set_handler(std::string path, Handler handler) {
  std::lock_guard lock(mutex_);
  handlers_[std::move(path)] = std::move(handler);
}

std::vector<HttpTestServer::RecordedRequest> HttpTestServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t HttpTestServer::request_count(std::string_view path) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(requests_.begin(), requests_.end(),
                    [&](const auto& request) { return request.path == path; }));
}

std::size_t HttpTestServer::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_accepted_;
}

std::size_t HttpTestServer::max_concurrent_connections() const {
  std::lock_guard lock(mutex_);
  return max_connections_open_;
}

std::size_t HttpTestServer::max_concurrent_requests() const {
  std::lock_guard lock(mutex_);
  return max_requests_open_;
}

void HttpTestServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);

    auto done = std::make_shared<bool>(false);
    {
      std::lock_guard lock(mutex_);
      ++connections_accepted_;
      max_connections_open_ = std::max(max_connections_open_, ++connections_open_);
      // Joins the threads of connections that have ended.
      for (auto it = workers_.begin(); it != workers_.end();) {
        if (*it->done) {
          it->thread.join();
          it = workers_.erase(it);
        } else {
          ++it;
        }
      }
    }
    workers_.push_back(Worker{std::thread([this, fd, done] {
                                serve_connection(fd);
                                ::close(fd);
                                std::lock_guard lock(mutex_);
                                --connections_open_;
                                *done = true;
                              }),
                              done});
  }
}

bool HttpTestServer::read_more(int fd, std::string& buffer) const {
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents != 0) return false;
    char chunk[16 * 1024];
    const ssize_t count = ::recv(fd, chunk, sizeof chunk, 0);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(count));
    return true;
  }
}

bool HttpTestServer::send_all(int fd, std::string_view data) const {
  while (!data.empty()) {
    pollfd fds[2] = {{fd, POLLOUT, 0}, {wake_read_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents != 0) return false;
    // MSG_NOSIGNAL: a client that hung up (a timeout test) is no SIGPIPE.
    const ssize_t count = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (count < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (count <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(count));
  }
  return true;
}

bool HttpTestServer::wait_delay(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stopping_changed_.wait_for(lock, delay, [this] { return stopping_; });
}

HttpTestServer::CannedResponse HttpTestServer::answer(const RecordedRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    const auto found = handlers_.find(request.path);
    if (found != handlers_.end()) handler = found->second;
  }
  if (!handler) {
    return {.status = 404, .headers = {{"Content-Type", "text/plain"}}, .body = "not found\n"};
  }
  try {
    return handler(request);
  } catch (const std::exception& error) {
    return {.status = 500, .headers = {{"Content-Type", "text/plain"}}, .body = error.what()};
  }
}

void HttpTestServer::serve_connection(int fd) {
  std::string buffer;
  for (;;) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (buffer.size() > kMaxHeaderBytes || !read_more(fd, buffer)) return;
    }
    RecordedRequest request;
    std::string version;
    if (!parse_head(std::string_view(buffer).substr(0, head_end), request, version)) {
      send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    buffer.erase(0, head_end + 4);
    std::size_t body_length = 0;
    if (const std::string length = request.header("content-length"); !length.empty()) {
      const auto parsed =
          std::from_chars(length.data(), length.data() + length.size(), body_length);
      if (parsed.ec != std::errc()) return;
    }
    while (buffer.size() < body_length) {
      if (!read_more(fd, buffer)) return;
    }
    request.body = buffer.substr(0, body_length);
    buffer.erase(0, body_length);

    const std::string connection = lower(request.header("connection"));
    bool keep_alive = version == "HTTP/1.1" ? connection.find("close") == std::string::npos
                                            : connection.find("keep-alive") != std::string::npos;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      max_requests_open_ = std::max(max_requests_open_, ++requests_open_);
    }
    const CannedResponse response = answer(request);
    if (response.raw) {
      {
        std::lock_guard lock(mutex_);
        --requests_open_;
      }
      RawConnection connection{
          .write = [this, fd](std::string_view bytes) { return send_all(fd, bytes); },
          .pause = [this](std::chrono::milliseconds pause) { return wait_delay(pause); }};
      response.raw(connection);
      return;
    }
    const bool waited = response.delay.count() <= 0 || wait_delay(response.delay);
    {
      // Counted out before the answer goes: once the client has it, the
      // client may send its next request before this thread runs again.
      std::lock_guard lock(mutex_);
      --requests_open_;
    }
    const bool answered =
        waited && send_all(fd, serialise(response, request.method == "HEAD", keep_alive));
    if (!answered || !keep_alive || has_header(response, "connection", "close")) return;
  }
}

}  // namespace newsvault::testing
