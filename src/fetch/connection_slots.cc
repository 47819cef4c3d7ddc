#include "fetch/connection_slots.h"

#include <algorithm>

namespace newsvault::fetch {

ConnectionSlots::ConnectionSlots(std::size_t max_total, std::size_t max_per_host)
    : max_total_(std::max<std::size_t>(1, max_total)),
      max_per_host_(std::max<std::size_t>(1, max_per_host)) {}

void ConnectionSlots::offer_turn(const std::string& name, Host& host) {
  if (!host.in_turn && !host.waiting.empty() && host.active < max_per_host_) {
    host.in_turn = true;
    turns_.push_back(name);
  }
}

void ConnectionSlots::enqueue(std::size_t id, const std::string& host) {
  auto& state = hosts_[host];
  state.waiting.push_back(id);
  ++waiting_;
  offer_turn(host, state);
}

std::optional<std::size_t> ConnectionSlots::next() {
  if (active_ >= max_total_) return std::nullopt;
  while (!turns_.empty()) {
    const std::string name = std::move(turns_.front());
    turns_.pop_front();
    Host& host = hosts_[name];
    host.in_turn = false;
    if (host.waiting.empty() || host.active >= max_per_host_) continue;
    const std::size_t id = host.waiting.front();
    host.waiting.pop_front();
    --waiting_;
    ++host.active;
    ++active_;
    offer_turn(name, host);  // to the back of the line: hosts take turns
    return id;
  }
  return std::nullopt;
}

void ConnectionSlots::release(const std::string& host) {
  auto found = hosts_.find(host);
  if (found == hosts_.end() || found->second.active == 0) return;
  --found->second.active;
  --active_;
  if (found->second.active == 0 && found->second.waiting.empty()) {
    if (!found->second.in_turn) hosts_.erase(found);
    return;
  }
  offer_turn(host, found->second);
}

}  // namespace newsvault::fetch
