// What only one vendor does, beyond the shared conformance suite (tests/conformance/):
// DeepSeek's reasoning, Perplexity's citations, Claude's errors mid-stream, Gemini's blocked
// prompts, and how each protocol builds its URL.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "providers/anthropic.h"
#include "providers/gemini.h"
#include "providers/openai_compatible.h"
#include "support/protocol_replay_server.h"

namespace drux {
namespace {

using test::ProtocolReplayServer;

constexpr const char* kKeyEnv = "DRUX_VENDOR_TEST_API_KEY";

struct Call {
  Answer answer;
  std::string streamed;  // what the sink received, joined
};

// Asks "What is the capital of France?" of provider/model at the replay server, which
// answers with tests/data/protocols/recording.
Call Ask(const std::string& provider, const std::string& base_path, const std::string& model,
         const std::string& recording, bool stream = true) {
  ProtocolReplayServer server;
  const std::string base_url = server.Start();
  Call call;
  if (base_url.empty() || !server.Serve(recording)) return call;
  ModelSpec spec;
  spec.name = "member";
  spec.provider = provider;
  spec.endpoint = base_url + base_path;
  spec.model = model;
  spec.api_key_env = kKeyEnv;
  setenv(kKeyEnv, "sk-vendor-test", 1);
  auto made = MakeProvider(spec);
  if (!made) {
    ADD_FAILURE() << made.error().message;
    return call;
  }
  ChatRequest request;
  request.messages = {{"user", "What is the capital of France?"}};
  request.stream = stream;
  call.answer =
      (*made)->Complete(request, {}, [&call](std::string_view text) { call.streamed += text; });
  unsetenv(kKeyEnv);
  return call;
}

TEST(OpenAiCompatibleVendors, KeepsDeepSeeksReasoningApartFromTheAnswer) {
  const Call call = Ask("openai", "/v1", "deepseek-reasoner", "deepseek/stream.http");
  ASSERT_TRUE(call.answer.ok()) << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "Paris.");
  EXPECT_EQ(call.streamed, "Paris.") << "reasoning is not streamed as answer text";
  EXPECT_EQ(call.answer.reasoning, "The capital of France is Paris.");
  EXPECT_EQ(call.answer.usage.reasoning_tokens, 32);
  EXPECT_EQ(call.answer.provider_model, "deepseek-reasoner");
}

TEST(OpenAiCompatibleVendors, KeepsPerplexitysCitations) {
  for (const bool stream : {true, false}) {
    SCOPED_TRACE(stream ? "streamed" : "not streamed");
    const Call call = Ask("openai", "", "sonar",
                          stream ? "perplexity/stream.http" : "perplexity/whole.http", stream);
    ASSERT_TRUE(call.answer.ok()) << call.answer.error->message;
    EXPECT_EQ(call.answer.text, "Paris [1] is the capital.");
    EXPECT_EQ(call.answer.citations,
              (std::vector<std::string>{"https://en.wikipedia.org/wiki/Paris",
                                        "https://www.britannica.com/place/Paris"}));
    EXPECT_EQ(call.answer.usage.completion_tokens, 8);
  }
}

TEST(AnthropicProvider, BuildsItsUrlFromTheEndpointOrTheDefault) {
  EXPECT_EQ(AnthropicMessagesUrl(""), "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(AnthropicMessagesUrl("http://h:1/v1/"), "http://h:1/v1/messages");
  EXPECT_EQ(AnthropicMessagesUrl("http://h:1/v1/messages"), "http://h:1/v1/messages");
}

TEST(AnthropicProvider, AnOverloadedErrorMidStreamIsARateLimitKeepingTheText) {
  const Call call =
      Ask("anthropic", "/v1", "claude-haiku-4-5", "anthropic/overloaded_in_stream.http");
  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kRateLimited);
  EXPECT_NE(call.answer.error->message.find("Overloaded (error type: overloaded_error)"),
            std::string::npos)
      << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "Paris");
  EXPECT_EQ(call.answer.usage.prompt_tokens, 12);
}

TEST(AnthropicProvider, SaysWhichVariableIsMissingWithoutCalling) {
  unsetenv(kKeyEnv);
  ModelSpec spec;
  spec.name = "claude";
  spec.provider = "anthropic";
  spec.endpoint = "http://127.0.0.1:1/v1";
  spec.api_key_env = kKeyEnv;
  AnthropicProvider provider(spec);
  ChatRequest request;
  request.messages = {{"user", "Hi"}};
  const Answer answer = provider.Complete(request, {}, nullptr);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kMissingApiKey);
  EXPECT_EQ(answer.error->message, std::string("the environment variable ") + kKeyEnv +
                                       " that should hold the API key of claude is not set; "
                                       "export it, or ask without this model");
}

TEST(GeminiProvider, BuildsItsUrlWithoutTheKey) {
  EXPECT_EQ(GeminiUrl("", "gemini-2.5-flash", true),
            "https://generativelanguage.googleapis.com/v1beta/models/"
            "gemini-2.5-flash:streamGenerateContent?alt=sse");
  EXPECT_EQ(GeminiUrl("http://h:1/v1beta/", "models/gemini-2.5-pro", false),
            "http://h:1/v1beta/models/gemini-2.5-pro:generateContent");
}

TEST(GeminiProvider, SaysWhenItBlockedTheQuestion) {
  const Call call = Ask("gemini", "/v1beta", "gemini-2.5-pro", "gemini/prompt_blocked.http");
  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kProviderError);
  EXPECT_EQ(call.answer.error->message,
            "Gemini blocked the question for safety (SAFETY), rated "
            "HARM_CATEGORY_DANGEROUS_CONTENT: HIGH; it gave no answer. Rephrasing the question "
            "may help");
  EXPECT_TRUE(call.answer.text.empty());
}

TEST(GeminiProvider, AsksForJsonWhenTheCallerWantsStructuredOutput) {
  ProtocolReplayServer server;
  const std::string base_url = server.Start();
  ASSERT_TRUE(server.Serve("gemini/whole.http"));
  setenv(kKeyEnv, "sk-vendor-test", 1);
  ModelSpec spec;
  spec.name = "g";
  spec.provider = "gemini";
  spec.endpoint = base_url + "/v1beta";
  spec.model = "gemini-2.5-flash";
  spec.api_key_env = kKeyEnv;
  GeminiProvider provider(spec);
  ChatRequest request;
  request.messages = {{"user", "Points?"}, {"assistant", "Which?"}, {"user", "All."}};
  request.stream = false;
  request.seed = 7;
  request.structured_output = StructuredOutput{"points", R"({"type": "object"})", ""};
  const Answer answer = provider.Complete(request, {}, nullptr);
  unsetenv(kKeyEnv);
  ASSERT_TRUE(answer.ok()) << answer.error->message;
  const auto body = nlohmann::json::parse(server.requests().at(0).body);
  EXPECT_EQ(body["generationConfig"]["responseMimeType"], "application/json");
  EXPECT_EQ(body["generationConfig"]["responseJsonSchema"]["type"], "object");
  EXPECT_EQ(body["generationConfig"]["seed"], 7);
  EXPECT_EQ(body["contents"][1]["role"], "model");
  EXPECT_FALSE(body.contains("systemInstruction"));
}

}  // namespace
}  // namespace drux
