// Per-client rate limits (anonymous questions per IP) as token buckets: a client may make
// `burst` requests at once, then one more each time a token refills, at `per_minute` a
// minute. Memory stays bounded however many clients come.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace drux {

struct RateLimiterOptions {
  // Tokens refilled per minute: the sustained rate. Values below 1e-6 count as 1e-6.
  double per_minute = 10;
  // The bucket's size: requests allowed at once after a quiet spell. At least 1.
  double burst = 5;
  // The most keys tracked at once. Beyond it the least recently seen key is forgotten,
  // which gives it a full bucket again; a full bucket is never lost (it equals no bucket).
  std::size_t max_keys = 100000;
};

struct RateDecision {
  bool allowed = false;
  // When not allowed: whole seconds until a token is back (for `Retry-After`), at least 1.
  int retry_after_seconds = 0;
};

// Safe to call from several threads at once.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimiterOptions options = {});

  // Takes a token from key's bucket when there is one. `now` must not go backwards for a
  // key (pass Clock::now(); tests pass their own times).
  RateDecision Allow(const std::string& key, Clock::time_point now);

  // How many keys are tracked now.
  std::size_t TrackedKeys() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
    std::list<std::string>::iterator recency;  // its place in recent_keys_
  };

  double TokensAt(const Bucket& bucket, Clock::time_point now) const;
  void ForgetFullBuckets(Clock::time_point now);
  Bucket& BucketFor(const std::string& key, Clock::time_point now);

  const double per_second_;
  const double burst_;
  const std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> recent_keys_;  // most recently seen first
};

}  // namespace drux
