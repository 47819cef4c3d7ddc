#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/core.h"

namespace newsvault {
namespace {

TEST(ParallelForTest, CallsTheBodyOnceForEveryIndex) {
  std::vector<std::atomic<int>> calls(10'000);
  parallel_for(calls.size(), [&](std::size_t i) { ++calls[i]; });
  for (const auto& count : calls) EXPECT_EQ(count.load(), 1);
}

TEST(WorkQueueTest, WaitReturnsOnceEveryPostedPieceOfWorkHasRun) {
  WorkQueue queue;
  std::vector<std::atomic<int>> done(500);
  for (std::size_t i = 0; i < done.size(); ++i) {
    queue.post([&done, i] {
      // Work of uneven length, as feeds are.
      if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      ++done[i];
    });
  }
  queue.wait();
  for (const auto& count : done) EXPECT_EQ(count.load(), 1);
}

TEST(WorkQueueTest, WorkPostedAfterAWaitRunsAndTheDestructorWaitsForIt) {
  std::atomic<int> done{0};
  {
    WorkQueue queue;
    queue.post([&] { ++done; });
    queue.wait();
    EXPECT_EQ(done.load(), 1);
    for (int i = 0; i < 20; ++i) {
      queue.post([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ++done;
      });
    }
  }
  EXPECT_EQ(done.load(), 21);
}

}  // namespace
}  // namespace newsvault
