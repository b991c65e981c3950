#include "providers/cpu_scheduler.h"

#include <gtest/gtest.h>

#include <future>
#include <optional>
#include <thread>
#include <vector>

namespace drux {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct PlanCase {
  int cores;
  int wanting;
  int min_threads;
  int running;
  int threads;
  int max_threads = 0;
};

TEST(PlanCpuTest, SharesTheCoresWithoutOversubscribing) {
  const std::vector<PlanCase> cases = {
      // A 4-member panel on 2 cores: two single-threaded generations at once.
      {2, 4, 1, 2, 1},
      // The last one left gets both cores.
      {2, 1, 1, 1, 2},
      // A minimum of 2 threads on 2 cores: one at a time with both cores.
      {2, 4, 2, 1, 2},
      // 16 cores: a 4-member panel runs at once with 4 threads each.
      {16, 4, 1, 4, 4},
      {16, 4, 4, 4, 4},
      // More members than slots: the minimum caps how many run.
      {16, 8, 1, 8, 2},
      {16, 8, 4, 4, 4},
      {16, 40, 1, 16, 1},
      // Cores that do not divide evenly leave the remainder idle rather than oversubscribe.
      {3, 2, 1, 2, 1},
      {6, 4, 1, 4, 1},
      // Nothing wants to run: whatever starts next may take every core.
      {8, 0, 1, 0, 8},
      // Fewer cores than the minimum: one at a time, with the cores there are.
      {2, 3, 4, 1, 2},
      // Nonsense input is clamped rather than divided by.
      {0, 3, 0, 1, 1},
      // A cap on threads leaves cores idle rather than give one computation all 64.
      {64, 1, 1, 1, 16, 16},
      {64, 8, 1, 8, 8, 16},
      // llama.cpp's default of 4 threads each for 4 at once, as the benchmark's naive run.
      {16, 4, 4, 4, 4, 4},
      {16, 1, 4, 1, 4, 4},
  };
  for (const PlanCase& c : cases) {
    const CpuPlan plan = PlanCpu(
        c.cores, c.wanting,
        {.min_threads_per_generation = c.min_threads, .max_threads_per_generation = c.max_threads});
    EXPECT_EQ(plan.running, c.running)
        << c.cores << " cores, " << c.wanting << " wanting, min " << c.min_threads;
    EXPECT_EQ(plan.threads, c.threads)
        << c.cores << " cores, " << c.wanting << " wanting, min " << c.min_threads;
    EXPECT_LE(plan.running * plan.threads, std::max(1, c.cores));
  }
}

TEST(DetectCpuCoresTest, CountsAtLeastOneAndNoMoreThanTheLogicalCpus) {
  const int cores = DetectCpuCores();
  EXPECT_GE(cores, 1);
  EXPECT_LE(cores, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

TEST(CpuSchedulerTest, DetectsCoresWhenNotTold) {
  EXPECT_EQ(CpuScheduler().cores(), DetectCpuCores());
  EXPECT_EQ(CpuScheduler({.cores = 6}).cores(), 6);
}

TEST(CpuSchedulerTest, GrantsSlotsUpToThePlanAndRebalancesThreads) {
  CpuScheduler scheduler({.cores = 4, .min_threads_per_generation = 2});
  const auto far = Clock::now() + std::chrono::seconds(10);
  auto first = scheduler.Acquire(far, nullptr);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->threads(), 4);
  {
    auto second = scheduler.Acquire(far, nullptr);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(scheduler.running(), 2);
    // A running generation's share shrinks when another starts...
    EXPECT_EQ(first->threads(), 2);
    const auto third = scheduler.Acquire(Clock::now() + milliseconds(50), nullptr);
    ASSERT_FALSE(third.has_value());
    EXPECT_EQ(third.error().code, ErrorCode::kTimeout);
  }
  // ...and grows back when the other ends.
  EXPECT_EQ(scheduler.running(), 1);
  EXPECT_EQ(first->threads(), 4);
}

TEST(CpuSchedulerTest, AWaiterTimesOutAtItsDeadlineAndLeavesTheQueue) {
  CpuScheduler scheduler({.cores = 1});
  auto held = scheduler.Acquire(Clock::now() + std::chrono::seconds(10), nullptr);
  ASSERT_TRUE(held.has_value());
  const auto start = Clock::now();
  const auto waited = scheduler.Acquire(start + milliseconds(100), nullptr);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(waited.has_value());
  EXPECT_EQ(waited.error().code, ErrorCode::kTimeout);
  EXPECT_NE(waited.error().message.find("waiting for a CPU slot"), std::string::npos);
  EXPECT_GE(elapsed, milliseconds(100));
  EXPECT_LT(elapsed, milliseconds(1000));
  EXPECT_EQ(scheduler.waiting(), 0);
}

TEST(CpuSchedulerTest, AWaiterReturnsSoonAfterCancel) {
  CpuScheduler scheduler({.cores = 1});
  auto held = scheduler.Acquire(Clock::now() + std::chrono::seconds(10), nullptr);
  ASSERT_TRUE(held.has_value());
  std::atomic<bool> cancel{false};
  auto waiter = std::async(std::launch::async, [&] {
    return scheduler.Acquire(Clock::now() + std::chrono::seconds(30), &cancel);
  });
  while (scheduler.waiting() == 0) std::this_thread::sleep_for(milliseconds(1));
  const auto start = Clock::now();
  cancel = true;
  const auto result = waiter.get();
  EXPECT_LT(Clock::now() - start, milliseconds(500));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(scheduler.waiting(), 0);
}

TEST(CpuSchedulerTest, WaitersGetSlotsFirstComeFirstServed) {
  CpuScheduler scheduler({.cores = 1});
  std::optional<Expected<CpuScheduler::Slot>> held =
      scheduler.Acquire(Clock::now() + std::chrono::seconds(10), nullptr);
  ASSERT_TRUE(held->has_value());
  std::mutex order_mutex;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&, i] {
      auto slot = scheduler.Acquire(Clock::now() + std::chrono::seconds(30), nullptr);
      ASSERT_TRUE(slot.has_value());
      std::lock_guard lock(order_mutex);
      order.push_back(i);
    });
    // Each waiter queues before the next starts.
    while (scheduler.waiting() != i + 1) std::this_thread::sleep_for(milliseconds(1));
  }
  held.reset();
  for (std::thread& waiter : waiters) waiter.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(scheduler.running(), 0);
}

TEST(CpuSchedulerTest, ASlotMovesWithoutReleasingTwice) {
  CpuScheduler scheduler({.cores = 2});
  auto first = scheduler.Acquire(Clock::now() + std::chrono::seconds(1), nullptr);
  ASSERT_TRUE(first.has_value());
  {
    CpuScheduler::Slot moved = std::move(*first);
    EXPECT_EQ(scheduler.running(), 1);
  }
  EXPECT_EQ(scheduler.running(), 0);
}

}  // namespace
}  // namespace drux
