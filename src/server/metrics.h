// The server's Prometheus metrics (names in docs/http-api.md), rendered as text for
// GET /metrics. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace drux {

// A cumulative histogram with fixed upper bounds, in seconds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // The _bucket, _sum and _count lines of name with extra labels ("" or `model="x"`).
  std::string Render(const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // one per bound, then +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Metrics {
 public:
  Metrics();

  void RecordRequest(const std::string& route, int status, double seconds);
  void QuestionStarted() { ++questions_in_flight_; }
  void QuestionFinished() { --questions_in_flight_; }
  void RecordMemberAnswer(const std::string& model, double seconds, int tokens);
  void RecordMemberError(const std::string& model, const std::string& code);
  void SseClientOpened() { ++sse_clients_; }
  void SseClientClosed() { --sse_clients_; }

  int sse_clients() const { return sse_clients_.load(); }

  std::string Render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  Histogram request_duration_;
  std::map<std::string, Histogram> member_latency_;
  std::map<std::string, std::uint64_t> member_tokens_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> member_errors_;
  std::atomic<int> questions_in_flight_{0};
  std::atomic<int> sse_clients_{0};
};

}  // namespace drux
