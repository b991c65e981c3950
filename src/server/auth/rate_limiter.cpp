#include "server/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace drux {
namespace {

// Keeps 0 and negative options from dividing by zero or blocking everything forever.
constexpr double kMinPerMinute = 1e-6;
// Refills are computed in floating point; a token that is due must not be missed by 1e-16.
constexpr double kTokenEpsilon = 1e-9;

}  // namespace

RateLimiter::RateLimiter(RateLimiterOptions options)
    : per_second_(std::max(options.per_minute, kMinPerMinute) / 60.0),
      burst_(std::max(options.burst, 1.0)),
      max_keys_(std::max<std::size_t>(options.max_keys, 1)) {}

double RateLimiter::TokensAt(const Bucket& bucket, Clock::time_point now) const {
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - bucket.updated).count());
  return std::min(burst_, bucket.tokens + elapsed * per_second_);
}

void RateLimiter::ForgetFullBuckets(Clock::time_point now) {
  // The least recently seen buckets are the likeliest to have refilled; stop at the first
  // one that has not, so each call does little work.
  while (!recent_keys_.empty()) {
    auto it = buckets_.find(recent_keys_.back());
    if (TokensAt(it->second, now) < burst_) break;
    buckets_.erase(it);
    recent_keys_.pop_back();
  }
}

RateLimiter::Bucket& RateLimiter::BucketFor(const std::string& key, Clock::time_point now) {
  if (auto it = buckets_.find(key); it != buckets_.end()) {
    recent_keys_.splice(recent_keys_.begin(), recent_keys_, it->second.recency);
    return it->second;
  }
  if (buckets_.size() >= max_keys_) {
    buckets_.erase(recent_keys_.back());
    recent_keys_.pop_back();
  }
  recent_keys_.push_front(key);
  return buckets_[key] = Bucket{burst_, now, recent_keys_.begin()};
}

RateDecision RateLimiter::Allow(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ForgetFullBuckets(now);
  Bucket& bucket = BucketFor(key, now);
  bucket.tokens = TokensAt(bucket, now);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1.0 - kTokenEpsilon) {
    bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
    return RateDecision{true, 0};
  }
  const double wait_seconds = (1.0 - bucket.tokens) / per_second_;
  // The epsilon keeps rounding noise (6.000000000000001 s) from adding a whole second.
  const double capped = std::min(wait_seconds, 24.0 * 3600.0) - kTokenEpsilon;
  return RateDecision{false, std::max(1, static_cast<int>(std::ceil(capped)))};
}

std::size_t RateLimiter::TrackedKeys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace drux
