// When a failed call is tried again, and after how long: exponential backoff with full
// jitter, or the wait the provider asked for (Retry-After).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "core/error.h"

namespace drux {

struct RetryOptions {
  // Calls per model at most, the first included; 1 never retries.
  int max_attempts = 3;
  // The backoff before retry n (1-based) is drawn uniformly from
  // [0, min(max_delay, base_delay * 2^(n-1))] ("full jitter"), which spreads the retries
  // of many clients hit by one outage instead of having them return together.
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{20000};
  // Uniform in [0, 1); empty uses a per-thread generator seeded from the system. Tests
  // set it to make the jitter known.
  std::function<double()> random;
  // Waits delay or until stop becomes true, whichever comes first; returns false when
  // stopped. Empty sleeps. Tests set it to record the delay without waiting it.
  std::function<bool(std::chrono::milliseconds delay, const std::atomic<bool>& stop)> wait;
};

class RetryPolicy {
 public:
  explicit RetryPolicy(const RetryOptions& options) : options_(options) {}

  // Whether a call that failed with error, before any text streamed, is worth repeating:
  // HTTP 429, 502, 503, 504, 529 and connection failures are transient; other errors
  // (4xx, bad replies, timeouts of the member's own deadline, cancellation) are not.
  static bool IsTransient(const Error& error);

  // Whether another call may follow failed_attempts failed ones.
  bool MayRetry(int failed_attempts, const Error& error) const {
    return failed_attempts < options_.max_attempts && IsTransient(error);
  }

  // The wait before the call after failed_attempts failed ones: the provider's
  // Retry-After when it gave one, else the jittered backoff.
  std::chrono::milliseconds DelayBefore(int failed_attempts, const Error& error) const;

  // Waits delay unless stop becomes true first; false when stopped.
  bool Wait(std::chrono::milliseconds delay, const std::atomic<bool>& stop) const;

 private:
  const RetryOptions& options_;
};

// The failure in a few words for a progress line: "rate limited", "HTTP 503",
// "connection failed".
std::string RetryReason(const Error& error);

}  // namespace drux
