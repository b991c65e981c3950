// The conformance suite every wire protocol passes: the same behaviours, checked against each
// vendor's recorded responses (tests/data/protocols/VENDOR/CASE.http) served on loopback.
// A vendor differs only in the data of its Vendor entry below.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/result_json.h"
#include "providers/provider.h"
#include "support/protocol_replay_server.h"

namespace drux {
namespace {

using nlohmann::json;
using test::ProtocolReplayServer;
using test::RecordedRequest;

constexpr const char* kKeyEnv = "DRUX_CONFORMANCE_API_KEY";
constexpr const char* kKey = "sk-conformance-5e3b1f0c9a7d";

// Every recorded stream says "Paris is the capital of France." in these pieces.
const std::vector<std::string> kPieces = {"Paris", " is the", " capital of", " France."};

struct Expected {
  int status = 0;
  ErrorCode code = ErrorCode::kProviderError;
  int retry_after_seconds = 0;
  std::string message;  // a part of Drux's message: the vendor's own words
};

struct Vendor {
  std::string name;       // the folder under tests/data/protocols
  std::string provider;   // ModelSpec::provider
  std::string base_path;  // the endpoint's path on the replay server
  std::string model;
  std::string provider_model;
  int reasoning_tokens = 0;
  std::string reasoning;     // the reasoning the recorded stream carries apart from the answer
  std::string request_path;  // the target a streamed request must go to
  // Asserts the vendor's headers and body fields of a recorded request.
  std::function<void(const RecordedRequest&, bool stream)> check_request;
  Expected invalid_key, rate_limit, overloaded, context_length;
  std::string safety;           // a part of the message of a safety block
  std::string error_in_stream;  // the vendor's words of an error sent inside a stream
  std::string stream_end;       // what a cut stream ended without
};

// Names the vendor in gtest's messages instead of dumping its bytes.
void PrintTo(const Vendor& vendor, std::ostream* out) {
  *out << vendor.name;
}

json BodyOf(const RecordedRequest& request) {
  return json::parse(request.body);
}

std::vector<Vendor> Vendors() {
  Vendor openai{
      .name = "openai",
      .provider = "openai",
      .base_path = "/v1",
      .model = "gpt-5",
      .provider_model = "gpt-5-2025-08-07",
      .reasoning_tokens = 64,
      .reasoning = "",
      .request_path = "/v1/chat/completions",
      .check_request =
          [](const RecordedRequest& request, bool stream) {
            EXPECT_EQ(request.headers.at("authorization"), std::string("Bearer ") + kKey);
            const json body = BodyOf(request);
            EXPECT_EQ(body["stream"], stream);
            if (stream) {
              EXPECT_EQ(body["stream_options"]["include_usage"], true);
            }
            EXPECT_EQ(body["max_tokens"], 64);
            EXPECT_EQ(body["messages"][0]["role"], "system");
            EXPECT_EQ(body["messages"][0]["content"], "Answer briefly.");
          },
      .invalid_key = {401, ErrorCode::kProviderError, 0,
                      "Incorrect API key provided: [redacted]. You can find your API key"},
      .rate_limit = {429, ErrorCode::kRateLimited, 20, "Rate limit reached for gpt-5"},
      .overloaded = {503, ErrorCode::kRateLimited, 5, "The engine is currently overloaded"},
      .context_length = {400, ErrorCode::kProviderError, 0,
                         "This model's maximum context length is 400000 tokens."},
      .safety = "content filter withheld the answer (finish_reason content_filter)",
      .error_in_stream = "The server had an error while processing your request.",
      .stream_end = "[DONE] or a finish_reason",
  };
  Vendor anthropic{
      .name = "anthropic",
      .provider = "anthropic",
      .base_path = "/v1",
      .model = "claude-sonnet-4-5",
      .provider_model = "claude-sonnet-4-5-20250929",
      .reasoning_tokens = 0,
      .reasoning = "The user asks for the capital of France. That is Paris.",
      .request_path = "/v1/messages",
      .check_request =
          [](const RecordedRequest& request, bool stream) {
            EXPECT_EQ(request.headers.at("x-api-key"), kKey);
            EXPECT_EQ(request.headers.at("anthropic-version"), "2023-06-01");
            EXPECT_EQ(request.headers.count("authorization"), 0u);
            const json body = BodyOf(request);
            EXPECT_EQ(body["stream"], stream);
            EXPECT_EQ(body["max_tokens"], 64);
            EXPECT_EQ(body["model"], "claude-sonnet-4-5");
            EXPECT_EQ(body["system"], "Answer briefly.");
            ASSERT_EQ(body["messages"].size(), 1u) << "the system prompt is not a message";
            EXPECT_EQ(body["messages"][0]["role"], "user");
          },
      .invalid_key = {401, ErrorCode::kProviderError, 0,
                      "invalid x-api-key (error type: authentication_error)"},
      .rate_limit = {429, ErrorCode::kRateLimited, 30,
                     "would exceed the rate limit for your organization of 30,000 input tokens"},
      .overloaded = {529, ErrorCode::kRateLimited, 15, "Overloaded (error type: overloaded_error)"},
      .context_length = {400, ErrorCode::kProviderError, 0,
                         "prompt is too long: 212345 tokens > 200000 maximum"},
      .safety = "Claude declined to answer for safety (stop_reason refusal)",
      .error_in_stream = "Internal server error (error type: api_error)",
      .stream_end = "message_stop",
  };
  Vendor gemini{
      .name = "gemini",
      .provider = "gemini",
      .base_path = "/v1beta",
      .model = "gemini-2.5-pro",
      .provider_model = "gemini-2.5-pro",
      .reasoning_tokens = 64,
      .reasoning = "",
      .request_path = "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
      .check_request =
          [](const RecordedRequest& request, bool stream) {
            EXPECT_EQ(request.headers.at("x-goog-api-key"), kKey);
            EXPECT_EQ(request.target,
                      stream ? "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
                             : "/v1beta/models/gemini-2.5-pro:generateContent");
            const json body = BodyOf(request);
            EXPECT_EQ(body["generationConfig"]["maxOutputTokens"], 64);
            EXPECT_DOUBLE_EQ(body["generationConfig"]["temperature"].get<double>(), 0.2);
            EXPECT_EQ(body["systemInstruction"]["parts"][0]["text"], "Answer briefly.");
            ASSERT_EQ(body["contents"].size(), 1u);
            EXPECT_EQ(body["contents"][0]["role"], "user");
            EXPECT_EQ(body["contents"][0]["parts"][0]["text"], "What is the capital of France?");
          },
      // Google answers an invalid key with 400 INVALID_ARGUMENT, not 401.
      .invalid_key = {400, ErrorCode::kProviderError, 0,
                      "API key not valid. Please pass a valid API key. (status: "
                      "INVALID_ARGUMENT)"},
      .rate_limit = {429, ErrorCode::kRateLimited, 39,
                     "You exceeded your current quota, please check your plan"},
      .overloaded = {503, ErrorCode::kRateLimited, 0,
                     "The model is overloaded. Please try again later. (status: UNAVAILABLE)"},
      .context_length = {400, ErrorCode::kProviderError, 0,
                         "The input token count (1200000) exceeds the maximum number of tokens "
                         "allowed (1048576)."},
      .safety =
          "Gemini blocked the answer for safety (SAFETY), rated HARM_CATEGORY_HARASSMENT: "
          "MEDIUM; it gave no answer",
      .error_in_stream = "An internal error has occurred. Please retry",
      .stream_end = "a finishReason",
  };
  return {openai, anthropic, gemini};
}

struct Call {
  Answer answer;
  std::vector<std::string> pieces;  // what the sink received, in order
};

class ProtocolConformance : public testing::TestWithParam<Vendor> {
 protected:
  void SetUp() override {
    ASSERT_EQ(setenv(kKeyEnv, kKey, 1), 0);
    base_url_ = server_.Start();
    ASSERT_FALSE(base_url_.empty());
  }
  void TearDown() override { unsetenv(kKeyEnv); }

  ModelSpec Spec() const {
    ModelSpec spec;
    spec.name = GetParam().name + "-member";
    spec.provider = GetParam().provider;
    spec.endpoint = base_url_ + GetParam().base_path;
    spec.model = GetParam().model;
    spec.api_key_env = kKeyEnv;
    return spec;
  }

  // Asks the question with the recorded response case.http.
  Call Ask(const std::string& case_name, bool stream = true) {
    Call call;
    if (!server_.Serve(GetParam().name + "/" + case_name + ".http")) return call;
    auto provider = MakeProvider(Spec());
    if (!provider) {
      ADD_FAILURE() << provider.error().message;
      return call;
    }
    ChatRequest request;
    request.messages = {{"system", "Answer briefly."}, {"user", "What is the capital of France?"}};
    request.max_tokens = 64;
    request.temperature = 0.2;
    request.stream = stream;
    call.answer = (*provider)->Complete(
        request, {}, [&call](std::string_view text) { call.pieces.emplace_back(text); });
    return call;
  }

  void ExpectError(const Call& call, const Expected& expected) {
    ASSERT_FALSE(call.answer.ok());
    const Error& error = *call.answer.error;
    EXPECT_EQ(error.http_status, expected.status);
    EXPECT_EQ(ErrorCodeName(error.code), std::string(ErrorCodeName(expected.code)));
    EXPECT_EQ(error.retry_after_seconds, expected.retry_after_seconds);
    EXPECT_TRUE(error.message.starts_with("HTTP " + std::to_string(expected.status)))
        << error.message;
    EXPECT_NE(error.message.find(expected.message), std::string::npos) << error.message;
  }

  ProtocolReplayServer server_;
  std::string base_url_;
};

TEST_P(ProtocolConformance, StreamsTheTextInPiecesInOrder) {
  const Call call = Ask("stream");
  ASSERT_TRUE(call.answer.ok()) << call.answer.error->message;
  EXPECT_EQ(call.pieces, kPieces);
  EXPECT_EQ(call.answer.text, "Paris is the capital of France.");
  EXPECT_EQ(call.answer.finish_reason, "stop");
  EXPECT_EQ(call.answer.provider_model, GetParam().provider_model);
  EXPECT_EQ(call.answer.reasoning, GetParam().reasoning);
  EXPECT_GT(call.answer.first_token_ms, 0);
}

TEST_P(ProtocolConformance, ReportsUsageWithCachedAndReasoningTokens) {
  const Call call = Ask("stream");
  ASSERT_TRUE(call.answer.ok()) << call.answer.error->message;
  const TokenUsage& usage = call.answer.usage;
  EXPECT_TRUE(usage.reported);
  EXPECT_EQ(usage.prompt_tokens, 1250);
  EXPECT_EQ(usage.cached_prompt_tokens, 1024);
  EXPECT_EQ(usage.completion_tokens, 74);
  EXPECT_EQ(usage.reasoning_tokens, GetParam().reasoning_tokens);
}

TEST_P(ProtocolConformance, ReadsANonStreamedReply) {
  const Call call = Ask("whole", /*stream=*/false);
  ASSERT_TRUE(call.answer.ok()) << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "Paris is the capital of France.");
  EXPECT_EQ(call.pieces, std::vector<std::string>{"Paris is the capital of France."});
  EXPECT_EQ(call.answer.finish_reason, "stop");
  EXPECT_EQ(call.answer.provider_model, GetParam().provider_model);
  EXPECT_EQ(call.answer.reasoning, GetParam().reasoning);
  EXPECT_EQ(call.answer.usage.prompt_tokens, 1250);
  EXPECT_EQ(call.answer.usage.cached_prompt_tokens, 1024);
  EXPECT_EQ(call.answer.usage.completion_tokens, 74);
}

TEST_P(ProtocolConformance, SendsTheVendorsHeadersAndBodyAndNoKeyInTheUrl) {
  Ask("stream");
  Ask("whole", /*stream=*/false);
  const std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    SCOPED_TRACE(i == 0 ? "streamed" : "not streamed");
    const RecordedRequest& request = requests[i];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_EQ(request.target.find(kKey), std::string::npos) << request.target;
    EXPECT_EQ(request.target.find("key="), std::string::npos) << request.target;
    GetParam().check_request(request, i == 0);
  }
  EXPECT_EQ(requests[0].target, GetParam().request_path);
}

TEST_P(ProtocolConformance, PassesOnTheVendorsMessageForAnInvalidKey) {
  ExpectError(Ask("invalid_key"), GetParam().invalid_key);
}

TEST_P(ProtocolConformance, ReportsARateLimitWithItsRetryAfter) {
  const Call call = Ask("rate_limit");
  ExpectError(call, GetParam().rate_limit);
  EXPECT_NE(call.answer.error->message.find(
                "the server asked to retry after " +
                std::to_string(GetParam().rate_limit.retry_after_seconds) + " s"),
            std::string::npos);
}

TEST_P(ProtocolConformance, ReportsAnOverloadedServerAsBusy) {
  ExpectError(Ask("overloaded"), GetParam().overloaded);
}

TEST_P(ProtocolConformance, ExplainsAPromptLongerThanTheContext) {
  const Call call = Ask("context_length");
  ExpectError(call, GetParam().context_length);
  EXPECT_NE(call.answer.error->message.find("longer than this model accepts"), std::string::npos)
      << call.answer.error->message;
}

TEST_P(ProtocolConformance, SaysWhenASafetyFilterBlockedTheAnswer) {
  const Call call = Ask("safety");
  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kProviderError);
  EXPECT_NE(call.answer.error->message.find(GetParam().safety), std::string::npos)
      << call.answer.error->message;
  EXPECT_EQ(call.answer.finish_reason,
            GetParam().name == "anthropic" ? "refusal" : "content_filter");
}

TEST_P(ProtocolConformance, ReportsAProxysHtmlPageWithoutTheHtml) {
  const Call call = Ask("html_502");
  ASSERT_FALSE(call.answer.ok());
  const Error& error = *call.answer.error;
  EXPECT_EQ(error.http_status, 502);
  EXPECT_EQ(error.code, ErrorCode::kProviderError);
  EXPECT_TRUE(error.message.starts_with("HTTP 502 Bad Gateway from " + base_url_)) << error.message;
  EXPECT_TRUE(error.message.ends_with(
      ": the server returned an HTML page instead of JSON (\"502 Bad Gateway\")"))
      << error.message;
  EXPECT_EQ(error.message.find('<'), std::string::npos);
}

TEST_P(ProtocolConformance, KeepsTheTextOfACutStreamAndSaysItIsIncomplete) {
  const Call call = Ask("cut_stream");
  ASSERT_FALSE(call.answer.ok());
  EXPECT_EQ(call.answer.error->code, ErrorCode::kMalformedResponse);
  EXPECT_TRUE(
      call.answer.error->message.starts_with("the stream ended before the answer was complete"))
      << call.answer.error->message;
  EXPECT_TRUE(call.answer.error->message.ends_with("closed it without " + GetParam().stream_end))
      << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "Paris is the");
  EXPECT_EQ(call.pieces, (std::vector<std::string>{"Paris", " is the"}));
}

TEST_P(ProtocolConformance, PassesOnAnErrorSentInsideTheStream) {
  const Call call = Ask("error_in_stream");
  ASSERT_FALSE(call.answer.ok());
  EXPECT_TRUE(
      call.answer.error->message.starts_with("the provider reported an error in the stream from"))
      << call.answer.error->message;
  EXPECT_NE(call.answer.error->message.find(GetParam().error_in_stream), std::string::npos)
      << call.answer.error->message;
  EXPECT_EQ(call.answer.text, "Paris") << "the text before the error is kept";
}

TEST_P(ProtocolConformance, NeverShowsTheApiKey) {
  const std::filesystem::path folder =
      std::filesystem::path(DRUX_TEST_DATA_DIR) / "protocols" / GetParam().name;
  Result result;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string case_name = entry.path().stem().string();
    SCOPED_TRACE(case_name);
    for (const bool stream : {true, false}) {
      Answer answer = Ask(case_name, stream).answer;
      answer.model = Spec().name;
      EXPECT_EQ(answer.text.find(kKey), std::string::npos);
      EXPECT_EQ(answer.reasoning.find(kKey), std::string::npos);
      if (answer.error) {
        EXPECT_EQ(answer.error->message.find(kKey), std::string::npos);
      }
      result.answers.push_back(std::move(answer));
    }
  }
  const std::string result_json = ResultToJson(result, 2);
  EXPECT_EQ(result_json.find(kKey), std::string::npos);
  EXPECT_GT(server_.requests().size(), 10u) << "every case made a call with the key";
}

TEST_P(ProtocolConformance, FailsClearlyWithoutItsKey) {
  // Anthropic and Gemini refuse to call; an OpenAI-compatible server may need no key, so
  // the call is made and its 401 names the variable.
  unsetenv(kKeyEnv);
  server_.Serve(GetParam().name + "/invalid_key.http");
  auto provider = MakeProvider(Spec());
  ASSERT_TRUE(provider.has_value());
  ChatRequest request;
  request.messages = {{"user", "What is the capital of France?"}};
  const Answer answer = (*provider)->Complete(request, {}, nullptr);
  ASSERT_FALSE(answer.ok()) << "answered without a key: " << answer.text;
  EXPECT_NE(answer.error->message.find(kKeyEnv), std::string::npos) << answer.error->message;
}

INSTANTIATE_TEST_SUITE_P(Vendors, ProtocolConformance, testing::ValuesIn(Vendors()),
                         [](const testing::TestParamInfo<Vendor>& vendor) {
                           return vendor.param.name;
                         });

}  // namespace
}  // namespace drux
