// parallel_for and WorkQueue: the pure per-article work of a run (parsing
// feeds, turning entries into articles, rendering documents) spread over
// every core, so a run of 50,000 articles is not bound to one.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
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

struct WorkQueue::State {
  std::mutex mutex;
  std::condition_variable work_posted;
  std::condition_variable all_done;
  std::deque<std::function<void()>> queue;
  std::size_t running = 0;
  bool stopping = false;
  std::vector<std::jthread> threads;

  void serve() {
    std::unique_lock lock(mutex);
    for (;;) {
      work_posted.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;  // stopping, and nothing left
      std::function<void()> work = std::move(queue.front());
      queue.pop_front();
      ++running;
      lock.unlock();
      work();
      lock.lock();
      --running;
      if (queue.empty() && running == 0) all_done.notify_all();
    }
  }
};

WorkQueue::WorkQueue() : state_(std::make_unique<State>()) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t t = 0; t < cores; ++t) state_->threads.emplace_back([this] { state_->serve(); });
}

WorkQueue::~WorkQueue() {
  wait();
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->work_posted.notify_all();
  state_->threads.clear();  // joins
}

void WorkQueue::post(std::function<void()> work) {
  {
    std::lock_guard lock(state_->mutex);
    state_->queue.push_back(std::move(work));
  }
  state_->work_posted.notify_one();
}

void WorkQueue::wait() {
  std::unique_lock lock(state_->mutex);
  state_->all_done.wait(lock, [&] { return state_->queue.empty() && state_->running == 0; });
}

}  // namespace newsvault
