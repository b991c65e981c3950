#include "providers/openai_compatible.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/utf8.h"
#include "support/fake_openai_server.h"
#include "support/llama_server.h"
#include "support/tiny_models.h"

namespace drux {
namespace {

using test::FakeOpenAiServer;
using Behavior = FakeOpenAiServer::Behavior;
using std::chrono::milliseconds;

struct Call {
  Answer answer;
  std::vector<std::string> pieces;  // what the sink received, in order
  double wall_ms = 0;
};

ModelSpec SpecFor(const std::string& endpoint) {
  ModelSpec spec;
  spec.name = "fake";
  spec.provider = "openai";
  spec.endpoint = endpoint;
  spec.model = "test-model";
  return spec;
}

ChatRequest CapitalQuestion(bool stream) {
  ChatRequest request;
  request.messages = {{"system", "Answer briefly."}, {"user", "What is the capital of France?"}};
  request.max_tokens = 64;
  request.temperature = 0.2;
  request.seed = 42;
  request.stream = stream;
  return request;
}

Call Ask(const ModelSpec& spec, const ChatRequest& request, const CallLimits& limits = {}) {
  OpenAiCompatibleProvider provider(spec);
  Call call;
  const auto start = std::chrono::steady_clock::now();
  call.answer = provider.Complete(
      request, limits, [&call](std::string_view text) { call.pieces.emplace_back(text); });
  call.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return call;
}

Call AskServer(FakeOpenAiServer::Options options, bool stream = true) {
  FakeOpenAiServer server(std::move(options));
  return Ask(SpecFor(server.Start()), CapitalQuestion(stream));
}

std::string Joined(const std::vector<std::string>& pieces) {
  std::string joined;
  for (const std::string& piece : pieces) joined += piece;
  return joined;
}

TEST(ChatCompletionsUrl, CompletesTheEndpointPath) {
  EXPECT_EQ(ChatCompletionsUrl("http://h:8080/v1/chat/completions"),
            "http://h:8080/v1/chat/completions");
  EXPECT_EQ(ChatCompletionsUrl("http://h:8080/v1"), "http://h:8080/v1/chat/completions");
  EXPECT_EQ(ChatCompletionsUrl("http://h:8080/v1/"), "http://h:8080/v1/chat/completions");
  EXPECT_EQ(ChatCompletionsUrl("https://api.example.com/openai/v2"),
            "https://api.example.com/openai/v2/chat/completions");
  EXPECT_EQ(ChatCompletionsUrl("http://h:8080"), "http://h:8080/v1/chat/completions");
  EXPECT_EQ(ChatCompletionsUrl("http://h:8080/"), "http://h:8080/v1/chat/completions");
}

TEST(MakeProvider, KnowsOpenAiAndNamesTheKnownProvidersOtherwise) {
  EXPECT_TRUE(MakeProvider(SpecFor("http://127.0.0.1:8080/v1")).has_value());

  ModelSpec unknown = SpecFor("http://127.0.0.1:8080/v1");
  unknown.provider = "telepathy";
  const auto made = MakeProvider(unknown);
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().code, ErrorCode::kNotFound);
  EXPECT_NE(made.error().message.find("telepathy"), std::string::npos);
  EXPECT_NE(made.error().message.find("openai"), std::string::npos);

  const auto not_a_url = MakeProvider(SpecFor("127.0.0.1:8080"));
  ASSERT_FALSE(not_a_url.has_value());
  EXPECT_EQ(not_a_url.error().code, ErrorCode::kInvalidArgument);
}

TEST(OpenAiCompatibleProvider, StreamsAnAnswerToTheSinkInOrder) {
  FakeOpenAiServer server({.answer = "Paris is the capital of France.", .model = "served-model"});
  const Call call = Ask(SpecFor(server.Start()), CapitalQuestion(true));
  const Answer& answer = call.answer;

  ASSERT_TRUE(answer.ok()) << answer.error->message;
  EXPECT_EQ(answer.text, "Paris is the capital of France.");
  EXPECT_EQ(call.pieces,
            (std::vector<std::string>{"Paris", " is", " the", " capital", " of", " France."}));
  EXPECT_EQ(answer.finish_reason, "stop");
  EXPECT_EQ(answer.provider_model, "served-model");
  EXPECT_TRUE(answer.usage.reported);
  EXPECT_EQ(answer.usage.prompt_tokens, FakeOpenAiServer::kPromptTokens);
  EXPECT_EQ(answer.usage.completion_tokens, 6);
  EXPECT_GT(answer.first_token_ms, 0);
  EXPECT_LE(answer.first_token_ms, answer.latency_ms);

  const auto body = nlohmann::json::parse(server.last_request_body());
  EXPECT_EQ(body["model"], "test-model");
  EXPECT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["messages"][1]["content"], "What is the capital of France?");
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.2);
  EXPECT_EQ(body["seed"], 42);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(server.last_request_path(), "/v1/chat/completions");
  EXPECT_EQ(server.last_request_headers()["content-type"], "application/json");
  EXPECT_EQ(server.last_request_headers().count("authorization"), 0u);
}

TEST(OpenAiCompatibleProvider, ReadsANonStreamedAnswer) {
  FakeOpenAiServer server({.answer = "Paris."});
  ModelSpec spec = SpecFor(server.Start());
  spec.model.clear();
  ChatRequest request = CapitalQuestion(false);
  request.seed.reset();
  const Call call = Ask(spec, request);

  ASSERT_TRUE(call.answer.ok()) << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "Paris.");
  EXPECT_EQ(call.pieces, std::vector<std::string>{"Paris."});
  EXPECT_EQ(call.answer.finish_reason, "stop");
  EXPECT_EQ(call.answer.provider_model, "fake-model");
  EXPECT_TRUE(call.answer.usage.reported);
  EXPECT_EQ(call.answer.usage.completion_tokens, 1);

  const auto body = nlohmann::json::parse(server.last_request_body());
  EXPECT_FALSE(body.contains("model")) << "an empty model lets the server choose";
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_FALSE(body.contains("stream_options"));
  EXPECT_EQ(body["stream"], false);
}

TEST(OpenAiCompatibleProvider, ReportsAProxysHtmlErrorPage) {
  FakeOpenAiServer server({.behavior = Behavior::kHtml502});
  const std::string url = server.Start();
  const Call call = Ask(SpecFor(url), CapitalQuestion(true));

  ASSERT_FALSE(call.answer.ok());
  const Error& error = *call.answer.error;
  EXPECT_EQ(error.code, ErrorCode::kProviderError);
  EXPECT_EQ(error.http_status, 502);
  EXPECT_EQ(error.message, "HTTP 502 Bad Gateway from " + url +
                               "/chat/completions: the server returned an HTML page instead of "
                               "JSON (\"502 Bad Gateway\")");
}

TEST(OpenAiCompatibleProvider, KeepsTheTextOfACutStreamAndSaysItIsIncomplete) {
  const Call call = AskServer({.behavior = Behavior::kCutStream, .answer = "Paris is the capital"});

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kMalformedResponse);
  EXPECT_TRUE(call.answer.error->message.starts_with(
      "the stream ended before the answer was complete (after 2 chunks)"))
      << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "Paris is");
  EXPECT_EQ(Joined(call.pieces), "Paris is");
  EXPECT_FALSE(call.answer.usage.reported);
  EXPECT_EQ(call.answer.usage.completion_tokens, 2) << "counted from the chunks that arrived";
}

TEST(OpenAiCompatibleProvider, SaysWhenTheConnectionBrokeInsideABody) {
  const Call call = AskServer({.behavior = Behavior::kCutStream}, /*stream=*/false);

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kConnection);
  EXPECT_TRUE(call.answer.error->message.starts_with("the connection to http://127.0.0.1:"))
      << call.answer.error->message;
  EXPECT_NE(call.answer.error->message.find("broke before the response was complete"),
            std::string::npos);
}

TEST(OpenAiCompatibleProvider, PassesOnARateLimitWithItsRetryAfter) {
  const Call call = AskServer({.behavior = Behavior::kRateLimited, .retry_after_seconds = 7});

  ASSERT_FALSE(call.answer.ok());
  const Error& error = *call.answer.error;
  EXPECT_EQ(error.code, ErrorCode::kRateLimited);
  EXPECT_EQ(error.http_status, 429);
  EXPECT_EQ(error.retry_after_seconds, 7);
  EXPECT_TRUE(error.message.starts_with("HTTP 429 Too Many Requests from ")) << error.message;
  EXPECT_NE(error.message.find("Rate limit reached for requests"), std::string::npos);
  EXPECT_NE(error.message.find("the server asked to retry after 7 s"), std::string::npos);
}

TEST(OpenAiCompatibleProvider, GivesUpOnAHungServerAtTheTotalTimeout) {
  FakeOpenAiServer server({.behavior = Behavior::kHang});
  const std::string url = server.Start();
  const Call call = Ask(SpecFor(url), CapitalQuestion(true), {.total_timeout = milliseconds(1000)});

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kTimeout);
  EXPECT_TRUE(call.answer.error->message.starts_with("timed out after"))
      << call.answer.error->message;
  EXPECT_NE(call.answer.error->message.find(url), std::string::npos);
  EXPECT_GE(call.wall_ms, 900);
  EXPECT_LT(call.wall_ms, 3000);
  EXPECT_EQ(server.request_count(), 1);
}

TEST(OpenAiCompatibleProvider, StopsSoonAfterTheCancelFlagIsRaised) {
  FakeOpenAiServer server({.behavior = Behavior::kHang});
  const ModelSpec spec = SpecFor(server.Start());
  std::atomic<bool> cancel = false;
  std::chrono::steady_clock::time_point raised;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(300));
    raised = std::chrono::steady_clock::now();
    cancel = true;
  });
  const Call call =
      Ask(spec, CapitalQuestion(true), {.total_timeout = milliseconds(60000), .cancel = &cancel});
  const auto returned = std::chrono::steady_clock::now();
  canceller.join();

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kCancelled);
  const double cancel_delay_ms =
      std::chrono::duration<double, std::milli>(returned - raised).count();
  EXPECT_LT(cancel_delay_ms, 1000);
}

TEST(OpenAiCompatibleProvider, NamesTheUrlItCouldNotConnectTo) {
  const Call call = Ask(SpecFor("http://127.0.0.1:1/v1"), CapitalQuestion(true));

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kConnection);
  EXPECT_TRUE(call.answer.error->message.starts_with(
      "could not connect to http://127.0.0.1:1/v1/chat/completions"))
      << call.answer.error->message;
}

TEST(OpenAiCompatibleProvider, NamesTheStreamChunkThatIsNotJson) {
  const Call call = AskServer({.behavior = Behavior::kBadJson});

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kMalformedResponse);
  EXPECT_TRUE(call.answer.error->message.starts_with("chunk 2 of the stream from "))
      << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "fine");
}

TEST(OpenAiCompatibleProvider, QuotesTheStartOfABodyThatIsNotJson) {
  const Call call = AskServer({.behavior = Behavior::kBadJson}, /*stream=*/false);

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kMalformedResponse);
  EXPECT_NE(call.answer.error->message.find("is not JSON"), std::string::npos);
  EXPECT_NE(call.answer.error->message.find(R"("{\"choices\": [{\"message\": {\"content\": )"
                                            R"(\"unterminated")"),
            std::string::npos)
      << call.answer.error->message;
}

TEST(OpenAiCompatibleProvider, TurnsInvalidUtf8IntoValidText) {
  for (const bool stream : {true, false}) {
    SCOPED_TRACE(stream ? "streamed" : "not streamed");
    const Call call = AskServer({.behavior = Behavior::kInvalidUtf8}, stream);

    ASSERT_TRUE(call.answer.ok()) << call.answer.error->message;
    EXPECT_EQ(call.answer.text, "caf\u00e9 \uFFFD ok")
        << "the split character joins up and the stray byte becomes U+FFFD";
    EXPECT_EQ(Joined(call.pieces), call.answer.text);
    for (const std::string& piece : call.pieces) EXPECT_FALSE(FindInvalidUtf8(piece)) << piece;
  }
}

TEST(OpenAiCompatibleProvider, SendsTheApiKeyButNeverShowsIt) {
  const std::string key = "sk-drux-test-7f3a9c";
  ASSERT_EQ(setenv("DRUX_TEST_FAKE_API_KEY", key.c_str(), 1), 0);
  for (const Behavior behavior :
       {Behavior::kRateLimited, Behavior::kHtml502, Behavior::kBadJson, Behavior::kCutStream}) {
    FakeOpenAiServer server({.behavior = behavior});
    ModelSpec spec = SpecFor(server.Start());
    spec.api_key_env = "DRUX_TEST_FAKE_API_KEY";
    const Call call = Ask(spec, CapitalQuestion(true));
    EXPECT_EQ(server.last_request_headers()["authorization"], "Bearer " + key);
    ASSERT_FALSE(call.answer.ok());
    EXPECT_EQ(call.answer.error->message.find(key), std::string::npos)
        << call.answer.error->message;
  }
  ModelSpec unreachable = SpecFor("http://127.0.0.1:1/v1");
  unreachable.api_key_env = "DRUX_TEST_FAKE_API_KEY";
  const Call refused = Ask(unreachable, CapitalQuestion(true));
  ASSERT_FALSE(refused.answer.ok());
  EXPECT_EQ(refused.answer.error->message.find(key), std::string::npos);
  unsetenv("DRUX_TEST_FAKE_API_KEY");

  FakeOpenAiServer server;
  ModelSpec unset = SpecFor(server.Start());
  unset.api_key_env = "DRUX_TEST_FAKE_API_KEY";
  EXPECT_TRUE(Ask(unset, CapitalQuestion(true)).answer.ok());
  EXPECT_EQ(server.last_request_headers().count("authorization"), 0u)
      << "no header when the variable is not set";
}

TEST(OpenAiCompatibleProvider, RedactsAKeyTheServerEchoes) {
  ASSERT_EQ(setenv("DRUX_TEST_FAKE_API_KEY", "sk-echoed-secret", 1), 0);
  FakeOpenAiServer server({.behavior = Behavior::kUnauthorized});
  ModelSpec spec = SpecFor(server.Start());
  spec.api_key_env = "DRUX_TEST_FAKE_API_KEY";
  const Call call = Ask(spec, CapitalQuestion(true));
  unsetenv("DRUX_TEST_FAKE_API_KEY");

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kProviderError);
  EXPECT_EQ(call.answer.error->http_status, 401);
  EXPECT_NE(call.answer.error->message.find("Incorrect API key provided: [redacted]"),
            std::string::npos)
      << call.answer.error->message;
}

TEST(OpenAiCompatibleProvider, SaysWhichVariableShouldHoldAMissingKey) {
  unsetenv("DRUX_TEST_UNSET_API_KEY");
  FakeOpenAiServer server({.behavior = Behavior::kUnauthorized});
  ModelSpec spec = SpecFor(server.Start());
  spec.api_key_env = "DRUX_TEST_UNSET_API_KEY";
  const Call call = Ask(spec, CapitalQuestion(true));

  ASSERT_FALSE(call.answer.ok());
  EXPECT_NE(call.answer.error->message.find(
                "the environment variable DRUX_TEST_UNSET_API_KEY that should hold the API key "
                "is not set"),
            std::string::npos)
      << call.answer.error->message;
}

TEST(OpenAiCompatibleProvider, PassesOnAnErrorSentInsideTheStream) {
  const Call call = AskServer({.behavior = Behavior::kErrorInStream});

  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kProviderError);
  EXPECT_TRUE(
      call.answer.error->message.starts_with("the provider reported an error in the stream"))
      << call.answer.error->message;
  EXPECT_NE(
      call.answer.error->message.find("The server had an error while processing your request."),
      std::string::npos);
  EXPECT_EQ(call.answer.text, "Paris") << "the text before the error is kept";
}

TEST(OpenAiCompatibleProvider, ServesConcurrentCallsFromOneInstance) {
  FakeOpenAiServer server({.delay_ms = 50});
  OpenAiCompatibleProvider provider(SpecFor(server.Start()));
  constexpr int kCalls = 8;
  std::vector<Answer> answers(kCalls);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&, i] {
      answers[i] = provider.Complete(CapitalQuestion(i % 2 == 0), {}, [](std::string_view) {});
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (const Answer& answer : answers) {
    ASSERT_TRUE(answer.ok()) << answer.error->message;
    EXPECT_EQ(answer.text, "Paris is the capital of France.");
    EXPECT_GE(answer.latency_ms, 50) << "the server's delay comes before the answer";
  }
  EXPECT_EQ(server.request_count(), kCalls);
}

// The real peer: llama-server serving a tiny generated model, asked the same question
// streamed and not streamed.
TEST(OpenAiCompatibleProviderWithLlamaServer, StreamedAndWholeAnswersAgree) {
  const auto server = test::LlamaServer::Start(test::TinyModelPath(7));
  ModelSpec spec = SpecFor(server->base_url());
  spec.model.clear();
  ChatRequest request = CapitalQuestion(true);
  request.max_tokens = 12;
  request.temperature = 0;
  const Call streamed = Ask(spec, request);
  request.stream = false;
  const Call whole = Ask(spec, request);

  for (const Call* call : {&streamed, &whole}) {
    const Answer& answer = call->answer;
    ASSERT_TRUE(answer.ok()) << answer.error->message << "\n" << server->LogTail();
    EXPECT_FALSE(answer.text.empty());
    EXPECT_EQ(Joined(call->pieces), answer.text);
    EXPECT_EQ(answer.finish_reason, "length") << "a tiny model runs to max_tokens";
    EXPECT_TRUE(answer.usage.reported);
    EXPECT_EQ(answer.usage.completion_tokens, 12);
    EXPECT_GT(answer.usage.prompt_tokens, 0);
    EXPECT_FALSE(answer.provider_model.empty());
    EXPECT_GT(answer.first_token_ms, 0);
  }
  EXPECT_GT(streamed.pieces.size(), 1u) << "streamed text arrives in pieces";
  EXPECT_EQ(streamed.answer.text, whole.answer.text) << "temperature 0 is deterministic";
}

}  // namespace
}  // namespace drux
