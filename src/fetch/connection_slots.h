// Private to fetch: which waiting transfer may start next, within a global
// and a per-host limit on transfers in flight.
//
// We queue transfers ourselves rather than hand them all to libcurl with
// CURLMOPT_MAX_HOST_CONNECTIONS: libcurl starts a transfer's timeout when the
// transfer is added, so one queued behind slow transfers to its host could
// time out before it ever started. Here a transfer's clock starts when it
// gets its slot. Plain bookkeeping: no I/O, not thread-safe.
#ifndef NEWSVAULT_FETCH_CONNECTION_SLOTS_H_
#define NEWSVAULT_FETCH_CONNECTION_SLOTS_H_

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace newsvault::fetch {

class ConnectionSlots {
 public:
  // A limit of 0 is read as 1.
  ConnectionSlots(std::size_t max_total, std::size_t max_per_host);

  // Queues `id` to start when `host` and the total have a free slot.
  void enqueue(std::size_t id, const std::string& host);

  // The next id that may start now, its slot taken; nullopt when none may.
  // Ids of one host come out in the order queued; hosts take turns.
  std::optional<std::size_t> next();

  // Gives back a slot that next() handed out for `host`.
  void release(const std::string& host);

  std::size_t active() const { return active_; }
  std::size_t waiting() const { return waiting_; }

 private:
  struct Host {
    std::deque<std::size_t> waiting;
    std::size_t active = 0;
    bool in_turn = false;  // in turns_ already
  };

  void offer_turn(const std::string& name, Host& host);

  std::size_t max_total_;
  std::size_t max_per_host_;
  std::size_t active_ = 0;
  std::size_t waiting_ = 0;
  std::map<std::string, Host> hosts_;
  std::deque<std::string> turns_;  // hosts with work waiting and a free slot
};

}  // namespace newsvault::fetch

#endif  // NEWSVAULT_FETCH_CONNECTION_SLOTS_H_
