#include "runner/retry_policy.h"

#include <algorithm>
#include <random>
#include <thread>

namespace drux {
namespace {

double DrawUniform() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

bool RetryPolicy::IsTransient(const Error& error) {
  switch (error.http_status) {
    case 429:
    case 502:
    case 503:
    case 504:
    case 529:
      return true;
    default:
      break;
  }
  return error.code == ErrorCode::kRateLimited || error.code == ErrorCode::kConnection;
}

std::chrono::milliseconds RetryPolicy::DelayBefore(int failed_attempts, const Error& error) const {
  if (error.retry_after_seconds > 0) return std::chrono::seconds(error.retry_after_seconds);
  const int doublings = std::clamp(failed_attempts - 1, 0, 30);
  const double ceiling = std::min(
      static_cast<double>(options_.max_delay.count()),
      static_cast<double>(options_.base_delay.count()) * static_cast<double>(1LL << doublings));
  const double draw = options_.random ? options_.random() : DrawUniform();
  return std::chrono::milliseconds(static_cast<long long>(std::clamp(draw, 0.0, 1.0) * ceiling));
}

bool RetryPolicy::Wait(std::chrono::milliseconds delay, const std::atomic<bool>& stop) const {
  if (options_.wait) return options_.wait(delay, stop);
  // Sleeps in short slices: the stop flag cannot wake a sleeping thread.
  const auto until = std::chrono::steady_clock::now() + delay;
  while (!stop.load()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(50)));
  }
  return false;
}

std::string RetryReason(const Error& error) {
  // The status first: providers call 503 and 529 "rate limited" too.
  if (error.http_status == 429) return "rate limited";
  if (error.http_status == 529) return "overloaded (HTTP 529)";
  if (error.http_status == 503) return "unavailable (HTTP 503)";
  if (error.code == ErrorCode::kRateLimited) return "rate limited";
  if (error.http_status >= 400) return "HTTP " + std::to_string(error.http_status);
  switch (error.code) {
    case ErrorCode::kConnection:
      return "connection failed";
    case ErrorCode::kTimeout:
      return "timed out";
    case ErrorCode::kMalformedResponse:
      return "unusable reply";
    case ErrorCode::kMissingApiKey:
      return "no API key";
    default:
      return "failed";
  }
}

}  // namespace drux
