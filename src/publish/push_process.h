// Private to the publish stage: one push in a forked child process that
// the parent kills when a bound passes.
//
//   parent ──fork──► child: connect_probe ─► 'C' ─► libgit2 push ─► 'P'… ─► result
//     │                                │
//     └── poll(pipe) ◄─────────────────┘  no 'C' by connect bound, no byte by
//                                          stall bound, or the whole bound:
//                                          SIGKILL, the cause named
//
// libgit2 1.5 has no network timeouts (they came in 1.7) and no way to
// cancel a blocking read from another thread; a process can always be
// killed, and the kernel closes its sockets.
#ifndef NEWSVAULT_PUBLISH_PUSH_PROCESS_H_
#define NEWSVAULT_PUBLISH_PUSH_PROCESS_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace newsvault::publish {

// What the child tells its parent, a line at a time through a pipe. The
// child ends with _exit: nothing of the parent's (its atexit handlers, its
// buffered output) runs twice. A child of a process with threads could
// block on a lock another thread held at the fork; it is then killed at
// its bound like a push that hangs on the network.
class PushChannel {
 public:
  explicit PushChannel(int fd) : fd_(fd) {}
  void connected() const;  // the remote's host took the connection
  void progress() const;   // any sign of life from libgit2
  // Reports the result ("" for success, else the cause) and ends the child.
  [[noreturn]] void finish(const std::string& error) const;

 private:
  int fd_;
};

struct PushBounds {
  std::chrono::seconds connect;  // until the child says connected()
  std::chrono::seconds stall;    // between two signs of life once connected
  std::chrono::seconds total;    // the whole push
};

// Runs `push` in a forked child within `bounds`. Returns "" when the child
// finished with success, its error when it finished with one, or why it
// was stopped, named for what it was waiting on when the first bound
// passed: "timed out connecting after 30 s", "timed out: no answer for 60
// s" (connected, nothing back yet), "timed out: no progress for 60 s".
// With `cancel` (may be null) turning true, the child is killed within
// 100 ms and the result is kAbandoned.
std::string run_bounded(const PushBounds& bounds, const std::function<void(const PushChannel&)>& push,
                        const std::atomic<bool>* cancel = nullptr);

// run_bounded's result for a push that `cancel` stopped.
inline constexpr const char* kAbandoned = "abandoned: newsvault is stopping";

// In the child, before libgit2 connects: opens and closes a TCP connection
// to the host and port of `url` (http, https, ssh, git, or scp-like
// user@host:path), so that a host that refuses or cannot be reached is
// told apart from one that connects and never answers. "" when connected,
// or when `url` names no network host; else "connection refused",
// "cannot resolve HOST: …".
std::string connect_probe(const std::string& url);

}  // namespace newsvault::publish

#endif  // NEWSVAULT_PUBLISH_PUSH_PROCESS_H_
