#include "runner/circuit_breaker.h"

#include <cmath>

namespace drux {

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options) : options_(std::move(options)) {}

CircuitBreaker& CircuitBreaker::ForProcess() {
  static CircuitBreaker breaker;
  return breaker;
}

std::string CircuitBreaker::EndpointOf(const ModelSpec& spec) {
  const std::string& url = spec.endpoint;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return {};
  const std::size_t host_start = scheme_end + 3;
  std::string authority = url.substr(host_start, url.find_first_of("/?#", host_start) - host_start);
  // Credentials in a URL are nobody's business in a message.
  if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
    authority.erase(0, at + 1);
  }
  return authority;
}

CircuitBreaker::Outcome CircuitBreaker::OutcomeOf(const Answer& answer) {
  if (answer.ok()) return Outcome::kSuccess;
  const Error& error = *answer.error;
  if (error.http_status >= 500) return Outcome::kFailure;
  if (error.http_status >= 400) return Outcome::kSuccess;
  switch (error.code) {
    case ErrorCode::kConnection:
    case ErrorCode::kTimeout:
      return Outcome::kFailure;
    case ErrorCode::kCancelled:
    case ErrorCode::kMissingApiKey:
    case ErrorCode::kBudgetExceeded:
    case ErrorCode::kInvalidArgument:
      return Outcome::kNeutral;
    default:
      return Outcome::kSuccess;
  }
}

std::chrono::steady_clock::time_point CircuitBreaker::Now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

std::optional<Error> CircuitBreaker::Admit(const std::string& endpoint) {
  if (endpoint.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  Circuit& circuit = circuits_[endpoint];
  if (!circuit.open) return std::nullopt;
  const auto now = Now();
  if (now >= circuit.reopens && !circuit.probing) {
    circuit.probing = true;
    return std::nullopt;
  }
  const double seconds_left =
      circuit.probing ? 0 : std::chrono::duration<double>(circuit.reopens - now).count();
  std::string when =
      circuit.probing
          ? "a probe call is under way"
          : "retrying after " +
                std::to_string(static_cast<long>(std::ceil(std::max(seconds_left, 1.0)))) + " s";
  return Error{ErrorCode::kConnection,
               std::to_string(circuit.consecutive_failures) + " consecutive failures at " +
                   endpoint + "; " + when,
               0, 0};
}

void CircuitBreaker::Record(const std::string& endpoint, Outcome outcome) {
  if (endpoint.empty()) return;
  std::lock_guard lock(mutex_);
  Circuit& circuit = circuits_[endpoint];
  const bool was_probe = circuit.probing;
  circuit.probing = false;
  switch (outcome) {
    case Outcome::kSuccess:
      circuit = Circuit{};
      break;
    case Outcome::kFailure:
      ++circuit.consecutive_failures;
      if (was_probe || circuit.consecutive_failures >= options_.failure_threshold) {
        circuit.open = true;
        circuit.reopens = Now() + options_.cool_down;
      }
      break;
    case Outcome::kNeutral:
      // A cancelled probe proved nothing: the next call probes instead.
      break;
  }
}

}  // namespace drux
