#include "runner/circuit_breaker.h"

#include <gtest/gtest.h>

namespace drux {
namespace {

using namespace std::chrono_literals;
using Outcome = CircuitBreaker::Outcome;

struct ManualClock {
  std::chrono::steady_clock::time_point now{};
};

CircuitBreaker MakeBreaker(ManualClock& clock, int threshold = 5) {
  CircuitBreakerOptions options;
  options.failure_threshold = threshold;
  options.cool_down = 30s;
  options.now = [&clock] { return clock.now; };
  return CircuitBreaker(options);
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndFailsFast) {
  ManualClock clock;
  CircuitBreaker breaker = MakeBreaker(clock);
  for (int i = 0; i < 4; ++i) {
    ASSERT_FALSE(breaker.Admit("api.example.com"));
    breaker.Record("api.example.com", Outcome::kFailure);
  }
  ASSERT_FALSE(breaker.Admit("api.example.com"));
  breaker.Record("api.example.com", Outcome::kFailure);
  const auto refused = breaker.Admit("api.example.com");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, ErrorCode::kConnection);
  EXPECT_EQ(refused->message, "5 consecutive failures at api.example.com; retrying after 30 s");
  clock.now += 12s;
  EXPECT_EQ(breaker.Admit("api.example.com")->message,
            "5 consecutive failures at api.example.com; retrying after 18 s");
  // Other endpoints are not affected.
  EXPECT_FALSE(breaker.Admit("api.other.com"));
}

TEST(CircuitBreakerTest, ASuccessResetsTheCount) {
  ManualClock clock;
  CircuitBreaker breaker = MakeBreaker(clock, 3);
  breaker.Record("h", Outcome::kFailure);
  breaker.Record("h", Outcome::kFailure);
  breaker.Record("h", Outcome::kSuccess);
  breaker.Record("h", Outcome::kFailure);
  breaker.Record("h", Outcome::kFailure);
  EXPECT_FALSE(breaker.Admit("h"));
}

TEST(CircuitBreakerTest, HalfOpenLetsOneProbeThrough) {
  ManualClock clock;
  CircuitBreaker breaker = MakeBreaker(clock, 2);
  breaker.Record("h", Outcome::kFailure);
  breaker.Record("h", Outcome::kFailure);
  ASSERT_TRUE(breaker.Admit("h"));
  clock.now += 30s;
  EXPECT_FALSE(breaker.Admit("h"));  // the probe
  const auto second = breaker.Admit("h");
  ASSERT_TRUE(second);  // while the probe is out
  EXPECT_NE(second->message.find("a probe call is under way"), std::string::npos);
  // A failed probe opens the circuit for another cool-down.
  breaker.Record("h", Outcome::kFailure);
  ASSERT_TRUE(breaker.Admit("h"));
  clock.now += 30s;
  EXPECT_FALSE(breaker.Admit("h"));
  // A successful probe closes it.
  breaker.Record("h", Outcome::kSuccess);
  EXPECT_FALSE(breaker.Admit("h"));
  EXPECT_FALSE(breaker.Admit("h"));
}

TEST(CircuitBreakerTest, ACancelledProbeLetsTheNextCallProbe) {
  ManualClock clock;
  CircuitBreaker breaker = MakeBreaker(clock, 1);
  breaker.Record("h", Outcome::kFailure);
  clock.now += 31s;
  EXPECT_FALSE(breaker.Admit("h"));
  breaker.Record("h", Outcome::kNeutral);
  EXPECT_FALSE(breaker.Admit("h"));
}

TEST(CircuitBreakerTest, OnlyEndpointFailuresCount) {
  auto failed = [](ErrorCode code, int status) {
    Answer answer;
    answer.error = Error{code, "x", status, 0};
    return CircuitBreaker::OutcomeOf(answer);
  };
  EXPECT_EQ(failed(ErrorCode::kProviderError, 503), Outcome::kFailure);
  EXPECT_EQ(failed(ErrorCode::kRateLimited, 529), Outcome::kFailure);
  EXPECT_EQ(failed(ErrorCode::kConnection, 0), Outcome::kFailure);
  EXPECT_EQ(failed(ErrorCode::kTimeout, 0), Outcome::kFailure);
  EXPECT_EQ(failed(ErrorCode::kRateLimited, 429), Outcome::kSuccess);
  EXPECT_EQ(failed(ErrorCode::kProviderError, 400), Outcome::kSuccess);
  EXPECT_EQ(failed(ErrorCode::kCancelled, 0), Outcome::kNeutral);
  EXPECT_EQ(CircuitBreaker::OutcomeOf(Answer{}), Outcome::kSuccess);
}

TEST(CircuitBreakerTest, EndpointIsTheHostAndPort) {
  ModelSpec spec;
  spec.endpoint = "https://api.example.com/v1";
  EXPECT_EQ(CircuitBreaker::EndpointOf(spec), "api.example.com");
  spec.endpoint = "http://user:secret@127.0.0.1:8080/v1?x=1";
  EXPECT_EQ(CircuitBreaker::EndpointOf(spec), "127.0.0.1:8080");
  spec.endpoint = "/models/qwen.gguf";
  EXPECT_EQ(CircuitBreaker::EndpointOf(spec), "");
}

}  // namespace
}  // namespace drux
