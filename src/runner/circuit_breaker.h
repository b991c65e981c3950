// Stops calling an endpoint that keeps failing: after failure_threshold consecutive
// failures its circuit opens and calls fail at once for cool_down; then one probe call is
// let through (half-open), whose success closes the circuit and whose failure opens it
// for another cool_down. Shared by every panel run in the process, so a dead endpoint
// costs each later question nothing but a message.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/answer.h"
#include "core/error.h"
#include "core/model_spec.h"

namespace drux {

struct CircuitBreakerOptions {
  int failure_threshold = 5;
  std::chrono::milliseconds cool_down{30000};
  // The clock; empty uses std::chrono::steady_clock. Tests set it to pass the cool-down
  // without waiting.
  std::function<std::chrono::steady_clock::time_point()> now;
};

class CircuitBreaker {
 public:
  enum class Outcome {
    kSuccess,  // the endpoint answered (4xx user errors included: it is up)
    kFailure,  // connection failure, timeout or 5xx
    kNeutral,  // says nothing of the endpoint (the caller cancelled)
  };

  explicit CircuitBreaker(CircuitBreakerOptions options = {});

  // The breaker the runner uses unless RunOptions names another.
  static CircuitBreaker& ForProcess();

  // The endpoint a spec's calls go to ("api.example.com", "127.0.0.1:8080"): the host
  // and port of an http(s) endpoint; empty for in-process models (local, replay), which
  // the breaker leaves alone.
  static std::string EndpointOf(const ModelSpec& spec);

  // How a call's answer counts for its endpoint.
  static Outcome OutcomeOf(const Answer& answer);

  // nullopt when a call to endpoint may go ahead; the caller must then Record its
  // outcome. Else why not: "5 consecutive failures at api.example.com; retrying after
  // 30 s" (kConnection). Thread-safe, as is everything here.
  std::optional<Error> Admit(const std::string& endpoint);

  // Records the outcome of a call Admit let through.
  void Record(const std::string& endpoint, Outcome outcome);

 private:
  struct Circuit {
    int consecutive_failures = 0;
    bool open = false;
    std::chrono::steady_clock::time_point reopens;  // while open: when a probe may go
    bool probing = false;                           // half-open: the probe is out
  };

  std::chrono::steady_clock::time_point Now() const;

  const CircuitBreakerOptions options_;
  std::mutex mutex_;
  std::map<std::string, Circuit> circuits_;
};

}  // namespace drux
