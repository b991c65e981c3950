// Retries, fallbacks, the circuit breaker, missing keys and cost through RunPanel, against
// FakeOpenAiServer on loopback speaking the OpenAI wire protocol.
#include "runner/member_call.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <mutex>

#include "core/result.h"
#include "runner/panel_run.h"
#include "support/fake_openai_server.h"

namespace drux {
namespace {

using namespace std::chrono_literals;
using test::FakeOpenAiServer;
using Behavior = FakeOpenAiServer::Behavior;

ModelSpec OpenAiSpec(const std::string& name, const std::string& url) {
  ModelSpec spec;
  spec.name = name;
  spec.provider = "openai";
  spec.endpoint = url;
  return spec;
}

FakeOpenAiServer::Options Scripted(std::vector<FakeOpenAiServer::Step> script) {
  FakeOpenAiServer::Options options;
  options.script = std::move(script);
  return options;
}

// Runs one member with a private circuit breaker and waits that are recorded, not slept.
class MemberCallTest : public ::testing::Test {
 protected:
  MemberCallTest() : breaker_(CircuitBreakerOptions{}) {
    options_.circuit_breaker = &breaker_;
    options_.retry.random = [] { return 0.5; };
    options_.retry.wait = [this](std::chrono::milliseconds delay, const std::atomic<bool>&) {
      waits_.push_back(delay);
      return true;
    };
  }

  std::vector<Answer> Run(const std::vector<ModelSpec>& specs) {
    events_.clear();
    return RunPanel({"What is the capital of France?"}, MakePanelMembers(specs), options_,
                    [this](const ProgressEvent& event) { events_.push_back(event); });
  }

  std::vector<ProgressEvent> EventsOf(ProgressEvent::Kind kind) const {
    std::vector<ProgressEvent> found;
    for (const ProgressEvent& event : events_) {
      if (event.kind == kind) found.push_back(event);
    }
    return found;
  }

  CircuitBreaker breaker_;
  RunOptions options_;
  std::vector<std::chrono::milliseconds> waits_;
  std::vector<ProgressEvent> events_;
};

TEST_F(MemberCallTest, RetriesHonourRetryAfterOn429And503And529) {
  FakeOpenAiServer server(Scripted({{Behavior::kRateLimited, 429, 2},
                                    {Behavior::kUnavailable, 503, 3},
                                    {Behavior::kUnavailable, 529, 1},
                                    {Behavior::kAnswer, 0, 0}}));
  options_.retry.max_attempts = 4;
  const auto answers = Run({OpenAiSpec("gpt", server.Start())});
  ASSERT_TRUE(answers[0].ok()) << answers[0].error->message;
  EXPECT_EQ(answers[0].text, "Paris is the capital of France.");
  EXPECT_EQ(answers[0].attempts, 4);
  EXPECT_EQ(answers[0].answered_by, "gpt");
  EXPECT_EQ(server.request_count(), 4);
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>{2000ms, 3000ms, 1000ms}));
  const auto retries = EventsOf(ProgressEvent::Kind::kRetrying);
  ASSERT_EQ(retries.size(), 3u);
  EXPECT_EQ(retries[0].text, "retrying in 2.0 s: rate limited");
  EXPECT_EQ(retries[0].retry_delay_ms, 2000);
  EXPECT_EQ(retries[1].text, "retrying in 3.0 s: unavailable (HTTP 503)");
  EXPECT_EQ(retries[2].text, "retrying in 1.0 s: overloaded (HTTP 529)");
}

TEST_F(MemberCallTest, BackoffWithoutRetryAfterIsJittered) {
  FakeOpenAiServer server(Scripted({{Behavior::kUnavailable, 503, 0},
                                    {Behavior::kUnavailable, 503, 0},
                                    {Behavior::kAnswer, 0, 0}}));
  options_.retry.base_delay = 400ms;
  const auto answers = Run({OpenAiSpec("gpt", server.Start())});
  ASSERT_TRUE(answers[0].ok());
  // Half of 400 ms, then half of 800 ms: the draw is 0.5.
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>{200ms, 400ms}));
}

TEST_F(MemberCallTest, NoRetryPastTheMembersDeadline) {
  FakeOpenAiServer server(Scripted({{Behavior::kRateLimited, 429, 60}}));
  options_.member_timeout = 3s;
  const auto answers = Run({OpenAiSpec("gpt", server.Start())});
  ASSERT_FALSE(answers[0].ok());
  EXPECT_EQ(answers[0].error->code, ErrorCode::kRateLimited);
  EXPECT_NE(answers[0].error->message.find("Not retried: waiting 60.0 s would pass the member's "
                                           "deadline."),
            std::string::npos)
      << answers[0].error->message;
  EXPECT_TRUE(waits_.empty());
  EXPECT_EQ(server.request_count(), 1);
}

TEST_F(MemberCallTest, NoRetryOnceTextStreamed) {
  FakeOpenAiServer::Options cut;
  cut.behavior = Behavior::kCutStream;
  FakeOpenAiServer server(cut);
  FakeOpenAiServer fallback_server;
  ModelSpec spec = OpenAiSpec("gpt", server.Start());
  spec.fallbacks.push_back(OpenAiSpec("gpt-mini", fallback_server.Start()));
  const auto answers = Run({spec});
  ASSERT_FALSE(answers[0].ok());
  EXPECT_EQ(answers[0].text, "Paris is");  // the partial answer stands with its error
  EXPECT_EQ(answers[0].attempts, 1);
  EXPECT_EQ(answers[0].answered_by, "gpt");
  EXPECT_EQ(server.request_count(), 1);
  EXPECT_EQ(fallback_server.request_count(), 0);
  EXPECT_TRUE(EventsOf(ProgressEvent::Kind::kRetrying).empty());
}

TEST_F(MemberCallTest, FallbackAnswersWhenTheStreamFailsBeforeItsFirstToken) {
  FakeOpenAiServer::Options empty;
  empty.behavior = Behavior::kEmptyStream;
  FakeOpenAiServer server(empty);
  FakeOpenAiServer::Options other;
  other.answer = "Paris.";
  FakeOpenAiServer fallback_server(other);
  ModelSpec spec = OpenAiSpec("claude-opus", server.Start());
  spec.price_input_per_mtok = 15;
  spec.price_output_per_mtok = 75;
  ModelSpec fallback = OpenAiSpec("claude-haiku", fallback_server.Start());
  fallback.price_input_per_mtok = 1e6;  // a dollar a token, to see whose prices apply
  fallback.price_output_per_mtok = 2e6;
  spec.fallbacks.push_back(fallback);
  const auto answers = Run({spec});
  ASSERT_TRUE(answers[0].ok()) << answers[0].error->message;
  EXPECT_EQ(answers[0].model, "claude-opus");
  EXPECT_EQ(answers[0].answered_by, "claude-haiku");
  EXPECT_EQ(answers[0].attempts, 2);
  EXPECT_EQ(answers[0].text, "Paris.");
  // 11 prompt tokens at $1 and 1 completion token at $2, the fallback's prices.
  EXPECT_DOUBLE_EQ(answers[0].cost_usd, 13);
  // The fallback's text streams under the member.
  const auto texts = EventsOf(ProgressEvent::Kind::kText);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0].member, 0);
  EXPECT_EQ(texts[0].text, "Paris.");
  const auto retries = EventsOf(ProgressEvent::Kind::kRetrying);
  ASSERT_EQ(retries.size(), 1u);
  EXPECT_EQ(retries[0].text, "trying claude-haiku in its place: unusable reply");
}

TEST_F(MemberCallTest, AFallbacksOwnFallbacksFollowIt) {
  FakeOpenAiServer::Options down;
  down.behavior = Behavior::kHtml502;
  FakeOpenAiServer primary(down);
  FakeOpenAiServer first(down);
  FakeOpenAiServer::Options other;
  other.answer = "Paris.";
  FakeOpenAiServer second(other);
  options_.retry.max_attempts = 1;
  ModelSpec nested = OpenAiSpec("mini", first.Start());
  nested.fallbacks.push_back(OpenAiSpec("nano", second.Start()));
  ModelSpec spec = OpenAiSpec("big", primary.Start());
  spec.fallbacks.push_back(nested);
  const auto answers = Run({spec});
  ASSERT_TRUE(answers[0].ok());
  EXPECT_EQ(answers[0].answered_by, "nano");
  EXPECT_EQ(answers[0].attempts, 3);
}

TEST_F(MemberCallTest, MissingKeyIsSkippedWithTheVariableNamed) {
  ::unsetenv("DRUX_TEST_ANTHROPIC_KEY");
  ::setenv("DRUX_TEST_EMPTY_KEY", "", 1);
  FakeOpenAiServer server;
  const std::string url = server.Start();
  ModelSpec unset = OpenAiSpec("claude-sonnet", url);
  unset.api_key_env = "DRUX_TEST_ANTHROPIC_KEY";
  ModelSpec empty = OpenAiSpec("gpt-5", url);
  empty.api_key_env = "DRUX_TEST_EMPTY_KEY";
  const auto answers = Run({unset, empty});
  EXPECT_EQ(server.request_count(), 0);
  for (const Answer& answer : answers) {
    ASSERT_FALSE(answer.ok());
    EXPECT_TRUE(answer.skipped);
    EXPECT_EQ(answer.attempts, 0);
    EXPECT_EQ(answer.error->code, ErrorCode::kMissingApiKey);
  }
  EXPECT_EQ(answers[0].error->message,
            "DRUX_TEST_ANTHROPIC_KEY is not set, so claude-sonnet was skipped. Set it to your "
            "API key to include this model.");
  EXPECT_EQ(SummaryOf(answers), "0 of 2 answered · 2 skipped: no API key");
  EXPECT_EQ(StatusOf(answers), ResultStatus::kFailed);

  ModelSpec anthropic;
  anthropic.name = "claude-sonnet";
  anthropic.api_key_env = "ANTHROPIC_API_KEY_DRUX_TEST_UNSET";
  EXPECT_EQ(CheckApiKey(anthropic)->message,
            "ANTHROPIC_API_KEY_DRUX_TEST_UNSET is not set, so claude-sonnet was skipped. Set it "
            "to your Anthropic API key to include this model.");
}

TEST_F(MemberCallTest, BreakerOpensAfterConsecutiveFailuresThenFallsBack) {
  CircuitBreakerOptions breaker_options;
  breaker_options.failure_threshold = 2;
  CircuitBreaker breaker(breaker_options);
  options_.circuit_breaker = &breaker;
  options_.retry.max_attempts = 1;
  FakeOpenAiServer::Options down;
  down.behavior = Behavior::kUnavailable;
  down.retry_after_seconds = 0;
  FakeOpenAiServer server(down);
  const std::string url = server.Start();
  Run({OpenAiSpec("gpt", url)});
  Run({OpenAiSpec("gpt", url)});
  EXPECT_EQ(server.request_count(), 2);

  const auto refused = Run({OpenAiSpec("gpt", url)});
  EXPECT_EQ(server.request_count(), 2);  // failed fast, no call
  ASSERT_FALSE(refused[0].ok());
  EXPECT_TRUE(refused[0].skipped);
  const std::string endpoint = url.substr(7, url.size() - 10);  // "127.0.0.1:PORT"
  EXPECT_EQ(refused[0].error->message,
            "gpt skipped: 2 consecutive failures at " + endpoint + "; retrying after 30 s");
  EXPECT_EQ(SummaryOf(refused), "0 of 1 answered · 1 skipped: endpoint failing");

  FakeOpenAiServer fallback_server;
  ModelSpec spec = OpenAiSpec("gpt", url);
  spec.fallbacks.push_back(OpenAiSpec("local-qwen", fallback_server.Start()));
  const auto rescued = Run({spec});
  ASSERT_TRUE(rescued[0].ok());
  EXPECT_EQ(rescued[0].answered_by, "local-qwen");
  EXPECT_EQ(rescued[0].attempts, 1);
}

TEST_F(MemberCallTest, BudgetHookBlocksPricedCallsAndIgnoresFreeOnes) {
  FakeOpenAiServer priced_server;
  FakeOpenAiServer free_server;
  ModelSpec priced = OpenAiSpec("gpt-5", priced_server.Start());
  priced.price_input_per_mtok = 1.25;
  priced.price_output_per_mtok = 10;
  const ModelSpec free_model = OpenAiSpec("qwen", free_server.Start());
  std::mutex mutex;
  std::vector<std::string> asked;
  options_.before_priced_call = [&](const ModelSpec& spec) -> Expected<void> {
    std::lock_guard lock(mutex);
    asked.push_back(spec.name);
    return MakeError(ErrorCode::kBudgetExceeded,
                     "This question would pass your monthly budget of $5.00.");
  };
  const auto answers = Run({priced, free_model});
  EXPECT_EQ(asked, std::vector<std::string>{"gpt-5"});
  EXPECT_EQ(priced_server.request_count(), 0);
  ASSERT_FALSE(answers[0].ok());
  EXPECT_EQ(answers[0].error->code, ErrorCode::kBudgetExceeded);
  EXPECT_TRUE(answers[0].skipped);
  EXPECT_TRUE(answers[1].ok());
  EXPECT_EQ(free_server.request_count(), 1);
  EXPECT_EQ(SummaryOf(answers), "1 of 2 answered · 1 skipped: over budget");
}

TEST_F(MemberCallTest, AfterCallReceivesTheCostOfAStreamedCall) {
  FakeOpenAiServer::Options recorded;
  recorded.usage.prompt_tokens = 120000;
  recorded.usage.completion_tokens = 35000;
  recorded.usage.cached_tokens = 100000;
  recorded.usage.reasoning_tokens = 12000;
  FakeOpenAiServer server(recorded);
  ModelSpec spec = OpenAiSpec("gpt-5", server.Start());
  spec.price_input_per_mtok = 1.25;
  spec.price_cached_input_per_mtok = 0.125;
  spec.price_output_per_mtok = 10;
  std::mutex mutex;
  std::vector<std::pair<std::string, double>> calls;
  options_.after_call = [&](const ModelSpec& called, const Answer& answer) {
    std::lock_guard lock(mutex);
    calls.emplace_back(called.name, answer.cost_usd);
  };
  const auto answers = Run({spec});
  ASSERT_TRUE(answers[0].ok());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].first, "gpt-5");
  // The usage of the last streamed chunk: (20,000 x $1.25 + 100,000 x $0.125 + 35,000 x
  // $10) per million = $0.3875.
  EXPECT_EQ(answers[0].usage.prompt_tokens, 120000);
  EXPECT_EQ(answers[0].usage.cached_prompt_tokens, 100000);
  EXPECT_EQ(answers[0].usage.reasoning_tokens, 12000);
  EXPECT_EQ(std::lround(calls[0].second * 100), 39);
  EXPECT_NEAR(calls[0].second, 0.3875, 1e-12);
  EXPECT_DOUBLE_EQ(answers[0].cost_usd, calls[0].second);
}

}  // namespace
}  // namespace drux
