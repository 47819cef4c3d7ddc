#include "publish/push_process.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace newsvault::publish {
namespace {

using Clock = std::chrono::steady_clock;

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone: nothing to tell
    done += static_cast<std::size_t>(n);
  }
}

std::string seconds_text(std::chrono::seconds bound) { return std::to_string(bound.count()) + " s"; }

// How a child that ended without a result ended.
std::string ended_without_result(int status) {
  if (WIFSIGNALED(status)) {
    return "the push process was ended by signal " + std::to_string(WTERMSIG(status)) + " without a result";
  }
  return "the push process ended without a result";
}

// Host and port of a network URL; host empty for a local path or file://.
std::pair<std::string, std::string> host_and_port(const std::string& url) {
  const auto scheme_end = url.find("://");
  std::string scheme, rest;
  if (scheme_end == std::string::npos) {
    // scp-like user@host:path (a local path has a '/' before any ':').
    const auto colon = url.find(':');
    if (colon == std::string::npos || url.find('/') < colon) return {};
    scheme = "ssh";
    rest = url.substr(0, colon);
  } else {
    scheme = url.substr(0, scheme_end);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    rest = url.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
  }
  std::string port = scheme == "https" ? "443" : scheme == "http" ? "80" : scheme == "ssh" ? "22"
                   : scheme == "git"   ? "9418" : "";
  if (port.empty()) return {};  // file:// and anything libgit2 reaches without a socket
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  std::string host = rest;
  if (!rest.empty() && rest.front() == '[') {  // RFC 3986 §3.2.2: an IPv6 literal
    const auto close = rest.find(']');
    if (close == std::string::npos) return {};
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    if (colon + 1 < rest.size()) port = rest.substr(colon + 1);
  }
  return {host, port};
}

}  // namespace

void PushChannel::connected() const { write_all(fd_, "C\n"); }

void PushChannel::progress() const { write_all(fd_, "P\n"); }

void PushChannel::finish(const std::string& error) const {
  std::string line = error.empty() ? "K" : "E" + error;
  std::replace(line.begin(), line.end(), '\n', ' ');
  write_all(fd_, line + "\n");
  ::_exit(0);
}

std::string connect_probe(const std::string& url) {
  const auto [host, port] = host_and_port(url);
  if (host.empty()) return "";
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); status != 0) {
    return "cannot resolve " + host + ": " + ::gai_strerror(status);
  }
  std::string error = "cannot connect to " + host + ":" + port;
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) continue;
    // Blocking: the parent bounds the wait and kills this process.
    const int status = ::connect(fd, address->ai_addr, address->ai_addrlen);
    const int error_number = errno;
    ::close(fd);
    if (status == 0) {
      ::freeaddrinfo(found);
      return "";
    }
    error = error_number == ECONNREFUSED ? "connection refused by " + host + ":" + port
                                         : "cannot connect to " + host + ":" + port + ": " + std::strerror(error_number);
  }
  ::freeaddrinfo(found);
  return error;
}

std::string run_bounded(const PushBounds& bounds, const std::function<void(const PushChannel&)>& push,
                        const std::atomic<bool>* cancel) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("cannot start the push: ") + std::strerror(errno);
  const pid_t child = ::fork();
  if (child < 0) {
    const int error_number = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return std::string("cannot start the push: ") + std::strerror(error_number);
  }
  if (child == 0) {
    ::close(fds[0]);
    // A parent killed (kill -9) cannot bound its child: the child goes too.
    const pid_t parent = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::signal(SIGPIPE, SIG_IGN);  // a remote that hangs up is an error to report, not a death
    const PushChannel channel(fds[1]);
    push(channel);
    channel.finish("the push ended without a result");
  }
  ::close(fds[1]);
  const int fd = fds[0];
  const auto total = bounds.total;
  const auto connect = std::min(bounds.connect, total);
  const auto stall = std::min(bounds.stall, total);
  const Clock::time_point start = Clock::now();
  Clock::time_point last_sign = start;
  bool connected = false;
  bool answered = false;  // any progress after connecting
  std::string buffer, result;
  bool have_result = false;
  std::string stopped;
  while (true) {
    // The first bound to pass, and what passing it means: named for what
    // the push was waiting on then.
    Clock::time_point limit = start + total;
    std::chrono::seconds bound = total;
    const Clock::time_point phase = connected ? last_sign + stall : start + connect;
    if (phase < limit) {
      limit = phase;
      bound = connected ? stall : connect;
    }
    const std::string cause = !connected ? "timed out connecting after " + seconds_text(bound)
                              : answered ? "timed out: no progress for " + seconds_text(bound)
                                         : "timed out: no answer for " + seconds_text(bound);
    if (cancel != nullptr && cancel->load()) {
      stopped = kAbandoned;
      break;
    }
    const auto now = Clock::now();
    if (now >= limit) {
      stopped = cause;
      break;
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(limit - now);
    pollfd readable{fd, POLLIN, 0};
    // Woken every 100 ms to look at `cancel`: a stop never waits on the remote.
    const long long most = cancel != nullptr ? 100 : 60'000;
    const int ready = ::poll(&readable, 1, static_cast<int>(std::min<long long>(wait.count(), most)));
    if (ready < 0 && errno != EINTR) {
      stopped = std::string("cannot wait for the push: ") + std::strerror(errno);
      break;
    }
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child ended
    buffer.append(chunk, static_cast<std::size_t>(n));
    for (auto end = buffer.find('\n'); end != std::string::npos; end = buffer.find('\n')) {
      const std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 1);
      last_sign = Clock::now();
      if (line == "C") {
        connected = true;
      } else if (line == "P") {
        answered = connected;
      } else if (!line.empty() && (line[0] == 'K' || line[0] == 'E')) {
        have_result = true;
        result = line.substr(1);
      }
    }
  }
  ::close(fd);
  if (!stopped.empty()) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!stopped.empty()) return stopped;
  return have_result ? result : ended_without_result(status);
}

}  // namespace newsvault::publish
