// parallel_for: the pure per-article work of a run (turning entries into
// articles, rendering documents) spread over every core, so a run of 50,000
// articles is not bound to one.
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "core/core.h"

namespace newsvault {
namespace {

// Below this many calls, starting threads costs more than it saves.
constexpr std::size_t kMinimumParallelCount = 64;

}  // namespace

void parallel_for(std::size_t count, const std::function<void(std::size_t)>& body) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min(cores, count);
  if (workers <= 1 || count < kMinimumParallelCount) {
    for (std::size_t i = 0; i < count; ++i) body(i);
    return;
  }
  // Indexes are handed out one at a time: articles differ widely in size, so
  // fixed slices would leave one thread idle while another finishes.
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::jthread> threads;
  threads.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
}

}  // namespace newsvault
