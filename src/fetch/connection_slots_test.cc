#include "fetch/connection_slots.h"

#include <gtest/gtest.h>

#include <vector>

namespace newsvault::fetch {
namespace {

std::vector<std::size_t> drain(ConnectionSlots& slots) {
  std::vector<std::size_t> started;
  while (auto id = slots.next()) started.push_back(*id);
  return started;
}

TEST(ConnectionSlotsTest, StartsNoMoreThanThePerHostLimit) {
  ConnectionSlots slots(10, 2);
  for (std::size_t id = 0; id < 5; ++id) slots.enqueue(id, "a.example");

  EXPECT_EQ(drain(slots), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(slots.active(), 2u);
  EXPECT_EQ(slots.waiting(), 3u);
}

TEST(ConnectionSlotsTest, ReleasedSlotStartsTheNextOfThatHostInOrder) {
  ConnectionSlots slots(10, 1);
  for (std::size_t id = 0; id < 3; ++id) slots.enqueue(id, "a.example");
  EXPECT_EQ(drain(slots), std::vector<std::size_t>{0});

  slots.release("a.example");
  EXPECT_EQ(drain(slots), std::vector<std::size_t>{1});
  slots.release("a.example");
  EXPECT_EQ(drain(slots), std::vector<std::size_t>{2});
  slots.release("a.example");
  EXPECT_EQ(slots.active(), 0u);
  EXPECT_EQ(slots.waiting(), 0u);
}

TEST(ConnectionSlotsTest, StartsNoMoreThanTheTotalLimit) {
  ConnectionSlots slots(3, 10);
  for (std::size_t id = 0; id < 6; ++id) slots.enqueue(id, id % 2 ? "a.example" : "b.example");

  EXPECT_EQ(drain(slots).size(), 3u);
  slots.release("a.example");
  EXPECT_EQ(drain(slots).size(), 1u);
}

TEST(ConnectionSlotsTest, HostsTakeTurns) {
  ConnectionSlots slots(2, 10);
  // All of a.example's work was queued first; b.example still gets a turn.
  for (std::size_t id = 0; id < 4; ++id) slots.enqueue(id, "a.example");
  slots.enqueue(4, "b.example");

  EXPECT_EQ(drain(slots), (std::vector<std::size_t>{0, 4}));
}

TEST(ConnectionSlotsTest, ZeroLimitsMeanOne) {
  ConnectionSlots slots(0, 0);
  slots.enqueue(0, "a.example");
  slots.enqueue(1, "a.example");
  EXPECT_EQ(drain(slots), std::vector<std::size_t>{0});
}

}  // namespace
}  // namespace newsvault::fetch
