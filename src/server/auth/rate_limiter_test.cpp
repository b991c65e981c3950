#include "server/auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace drux {
namespace {

using std::chrono::seconds;
using Clock = RateLimiter::Clock;

TEST(RateLimiterTest, AllowsABurstThenRefillsAtTheRate) {
  RateLimiter limiter(RateLimiterOptions{.per_minute = 10, .burst = 5, .max_keys = 100});
  const Clock::time_point start{};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Allow("1.2.3.4", start).allowed) << i;
  const RateDecision denied = limiter.Allow("1.2.3.4", start);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after_seconds, 6);  // 10 a minute: one token every 6 s

  EXPECT_FALSE(limiter.Allow("1.2.3.4", start + seconds(5)).allowed);
  EXPECT_EQ(limiter.Allow("1.2.3.4", start + seconds(5)).retry_after_seconds, 1);
  EXPECT_TRUE(limiter.Allow("1.2.3.4", start + seconds(6)).allowed);
  EXPECT_FALSE(limiter.Allow("1.2.3.4", start + seconds(6)).allowed);

  // A quiet minute refills the bucket to its burst, not beyond.
  const auto later = start + seconds(120);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Allow("1.2.3.4", later).allowed) << i;
  EXPECT_FALSE(limiter.Allow("1.2.3.4", later).allowed);
}

TEST(RateLimiterTest, KeysHaveSeparateBuckets) {
  RateLimiter limiter(RateLimiterOptions{.per_minute = 10, .burst = 1, .max_keys = 100});
  const Clock::time_point now{};
  EXPECT_TRUE(limiter.Allow("a", now).allowed);
  EXPECT_FALSE(limiter.Allow("a", now).allowed);
  EXPECT_TRUE(limiter.Allow("b", now).allowed);
}

TEST(RateLimiterTest, SustainedRateMatchesPerMinute) {
  RateLimiter limiter(RateLimiterOptions{.per_minute = 10, .burst = 5, .max_keys = 100});
  const Clock::time_point start{};
  int allowed = 0;
  for (int second = 0; second < 600; ++second) {
    while (limiter.Allow("k", start + seconds(second)).allowed) ++allowed;
  }
  EXPECT_EQ(allowed, 5 + 99);  // the burst, then one every 6 s until 594 s
}

TEST(RateLimiterTest, MemoryStaysBounded) {
  RateLimiter limiter(RateLimiterOptions{.per_minute = 10, .burst = 2, .max_keys = 50});
  const Clock::time_point start{};
  for (int i = 0; i < 1000; ++i) limiter.Allow("ip" + std::to_string(i), start);
  EXPECT_LE(limiter.TrackedKeys(), 50u);

  // Full buckets are forgotten once they have refilled.
  limiter.Allow("fresh", start + seconds(3600));
  EXPECT_EQ(limiter.TrackedKeys(), 1u);
}

TEST(RateLimiterTest, RecentlySeenKeysKeepTheirBucketUnderPressure) {
  RateLimiter limiter(RateLimiterOptions{.per_minute = 1, .burst = 1, .max_keys = 3});
  const Clock::time_point start{};
  EXPECT_TRUE(limiter.Allow("busy", start).allowed);
  for (int i = 0; i < 5; ++i) {
    limiter.Allow("other" + std::to_string(i), start);
    EXPECT_FALSE(limiter.Allow("busy", start).allowed);
  }
}

TEST(RateLimiterTest, ConcurrentCallersShareOneBucket) {
  RateLimiter limiter(RateLimiterOptions{.per_minute = 1, .burst = 20, .max_keys = 100});
  const Clock::time_point now{};
  std::atomic<int> allowed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (limiter.Allow("shared", now).allowed) ++allowed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 20);
}

}  // namespace
}  // namespace drux
