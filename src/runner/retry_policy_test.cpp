#include "runner/retry_policy.h"

#include <gtest/gtest.h>

namespace drux {
namespace {

using namespace std::chrono_literals;

Error HttpError(int status, int retry_after = 0) {
  return Error{status == 429 ? ErrorCode::kRateLimited : ErrorCode::kProviderError, "HTTP", status,
               retry_after};
}

TEST(RetryPolicyTest, TransientFailuresOnly) {
  for (const int status : {429, 502, 503, 504, 529}) {
    EXPECT_TRUE(RetryPolicy::IsTransient(HttpError(status))) << status;
  }
  for (const int status : {400, 401, 403, 404, 500}) {
    EXPECT_FALSE(RetryPolicy::IsTransient(HttpError(status))) << status;
  }
  EXPECT_TRUE(RetryPolicy::IsTransient({ErrorCode::kConnection, "refused", 0, 0}));
  EXPECT_FALSE(RetryPolicy::IsTransient({ErrorCode::kTimeout, "slow", 0, 0}));
  EXPECT_FALSE(RetryPolicy::IsTransient({ErrorCode::kCancelled, "stop", 0, 0}));
  EXPECT_FALSE(RetryPolicy::IsTransient({ErrorCode::kMalformedResponse, "cut", 200, 0}));
}

TEST(RetryPolicyTest, FullJitterUnderAnExponentialCeiling) {
  RetryOptions options;
  options.base_delay = 500ms;
  options.max_delay = 3000ms;
  double draw = 1.0;
  options.random = [&draw] { return draw; };
  const RetryPolicy policy(options);
  const Error error = HttpError(503);
  EXPECT_EQ(policy.DelayBefore(1, error), 500ms);
  EXPECT_EQ(policy.DelayBefore(2, error), 1000ms);
  EXPECT_EQ(policy.DelayBefore(3, error), 2000ms);
  EXPECT_EQ(policy.DelayBefore(4, error), 3000ms);  // capped
  EXPECT_EQ(policy.DelayBefore(40, error), 3000ms);
  draw = 0.25;
  EXPECT_EQ(policy.DelayBefore(3, error), 500ms);
  draw = 0;
  EXPECT_EQ(policy.DelayBefore(3, error), 0ms);
}

TEST(RetryPolicyTest, RetryAfterIsHonoured) {
  RetryOptions options;
  options.random = [] { return 0.5; };
  const RetryPolicy policy(options);
  EXPECT_EQ(policy.DelayBefore(1, HttpError(429, 7)), 7000ms);
  EXPECT_EQ(policy.DelayBefore(2, HttpError(529, 2)), 2000ms);
  EXPECT_EQ(policy.DelayBefore(1, {ErrorCode::kConnection, "reset", 0, 4}), 4000ms);
}

TEST(RetryPolicyTest, AttemptsAreBounded) {
  RetryOptions options;
  options.max_attempts = 3;
  const RetryPolicy policy(options);
  EXPECT_TRUE(policy.MayRetry(1, HttpError(503)));
  EXPECT_TRUE(policy.MayRetry(2, HttpError(503)));
  EXPECT_FALSE(policy.MayRetry(3, HttpError(503)));
  EXPECT_FALSE(policy.MayRetry(1, HttpError(400)));
}

TEST(RetryPolicyTest, WaitEndsWhenStopped) {
  const RetryOptions options;
  const RetryPolicy policy(options);
  std::atomic<bool> stop{true};
  EXPECT_FALSE(policy.Wait(60s, stop));
  stop = false;
  EXPECT_TRUE(policy.Wait(1ms, stop));
}

TEST(RetryPolicyTest, ReasonsForPeople) {
  EXPECT_EQ(RetryReason(HttpError(429)), "rate limited");
  EXPECT_EQ(RetryReason(HttpError(529)), "overloaded (HTTP 529)");
  EXPECT_EQ(RetryReason(HttpError(503)), "unavailable (HTTP 503)");
  EXPECT_EQ(RetryReason({ErrorCode::kConnection, "refused", 0, 0}), "connection failed");
}

}  // namespace
}  // namespace drux
