#include "providers/anthropic.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "providers/http_client.h"
#include "providers/protocol_call.h"
#include "providers/provider_json.h"

namespace drux {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxProviderMessageBytes = 1000;

// Anthropic's stop reasons in the words the rest of Drux uses (OpenAI's); others as sent.
std::string FinishReasonOf(const std::string& stop_reason) {
  if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
  if (stop_reason == "max_tokens") return "length";
  return stop_reason;
}

std::string BuildRequestBody(const ModelSpec& spec, const ChatRequest& request) {
  Json body;
  body["model"] = spec.model;
  body["max_tokens"] = request.max_tokens;
  // The Messages API takes temperatures from 0 to 1 only.
  body["temperature"] = std::clamp(request.temperature, 0.0, 1.0);
  std::string system;
  body["messages"] = Json::array();
  for (const ChatMessage& message : request.messages) {
    if (message.role == "system") {
      system += (system.empty() ? "" : "\n\n") + message.content;
    } else {
      body["messages"].push_back({{"role", message.role}, {"content", message.content}});
    }
  }
  if (!system.empty()) body["system"] = system;
  body["stream"] = request.stream;
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

class AnthropicCall : public ProtocolCall {
 public:
  using ProtocolCall::ProtocolCall;

 private:
  void OnEvent(const SseEvent& event, int status) override {
    const auto json = ParseProviderJson(Trim(event.data));
    if (!json) {
      FailNotJson(Trim(event.data), status);
      return;
    }
    const std::string type = json->String(json->value, "type").value_or(event.event);
    if (type == "error") {
      FailInStream(*json, status);
    } else if (type == "message_start") {
      if (const Json* message = Member(json->value, "message")) TakeMessage(*json, *message);
    } else if (type == "content_block_start") {
      if (const Json* block = Member(json->value, "content_block")) TakeBlock(*json, *block);
    } else if (type == "content_block_delta") {
      if (const Json* delta = Member(json->value, "delta")) TakeDelta(*json, *delta);
    } else if (type == "message_delta") {
      if (const Json* delta = Member(json->value, "delta")) TakeStopReason(*json, *delta, status);
      if (const Json* usage = Member(json->value, "usage")) TakeUsage(*usage);
    } else if (type == "message_stop") {
      EndStream();
    }
  }

  void OnWholeBody(const ProviderJson& body, int status) override {
    const Json* content = Member(body.value, "content");
    if (content == nullptr || !content->is_array()) {
      Fail(ErrorCode::kMalformedResponse,
           "the response from " + url() + " has no content: " + QuoteSnippet(this->body()), status);
      return;
    }
    TakeMessage(body, body.value);
    for (const Json& block : *content) TakeBlock(body, block);
    TakeStopReason(body, body.value, status);
  }

  // {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
  std::optional<std::string> ErrorMessage(const ProviderJson& body) const override {
    const Json* error = Member(body.value, "error");
    if (error == nullptr) return std::nullopt;
    const auto message = body.String(*error, "message");
    if (!message)
      return Shorten(error->dump(-1, ' ', false, Json::error_handler_t::replace),
                     kMaxProviderMessageBytes);
    const auto type = body.String(*error, "type");
    return Shorten(*message + (type ? " (error type: " + *type + ")" : ""),
                   kMaxProviderMessageBytes);
  }

  ErrorCode ErrorCodeFor(int status, const ProviderJson* body) const override {
    std::string type;
    if (body != nullptr) {
      if (const Json* error = Member(body->value, "error")) {
        type = body->String(*error, "type").value_or("");
      }
    }
    if (type == "overloaded_error" || type == "rate_limit_error") return ErrorCode::kRateLimited;
    return ProtocolCall::ErrorCodeFor(status, body);
  }

  // message_start's message, or a whole reply: the model and the prompt's usage.
  void TakeMessage(const ProviderJson& json, const Json& message) {
    if (const auto model = json.String(message, "model")) provider_model_ = *model;
    if (const Json* usage = Member(message, "usage")) TakeUsage(*usage);
  }

  // Input tokens come without those read from or written to the prompt cache; Drux counts
  // all of them as the prompt, the ones read from the cache as cached.
  void TakeUsage(const Json& usage) {
    if (!usage.is_object()) return;
    if (Member(usage, "input_tokens") != nullptr) {
      usage_.cached_prompt_tokens = IntMember(usage, "cache_read_input_tokens");
      usage_.prompt_tokens = IntMember(usage, "input_tokens") + usage_.cached_prompt_tokens +
                             IntMember(usage, "cache_creation_input_tokens");
    }
    if (Member(usage, "output_tokens") != nullptr) {
      usage_.completion_tokens = IntMember(usage, "output_tokens");
    }
    usage_.reported = true;
  }

  // A content block of a whole reply, or the start of a streamed one (usually empty).
  void TakeBlock(const ProviderJson& json, const Json& block) {
    const std::string type = json.String(block, "type").value_or("");
    if (type == "text") {
      if (const auto text = json.String(block, "text")) AddText(*text);
    } else if (type == "thinking") {
      if (const auto thinking = json.String(block, "thinking")) AddReasoning(*thinking);
    }
  }

  void TakeDelta(const ProviderJson& json, const Json& delta) {
    const std::string type = json.String(delta, "type").value_or("");
    if (type == "text_delta") {
      if (const auto text = json.String(delta, "text")) AddText(*text);
    } else if (type == "thinking_delta") {
      if (const auto thinking = json.String(delta, "thinking")) AddReasoning(*thinking);
    }
  }

  // A refusal is Claude's safety classifier stopping the answer: an error, with whatever
  // text came before it kept.
  void TakeStopReason(const ProviderJson& json, const Json& holder, int status) {
    const auto stop_reason = json.String(holder, "stop_reason");
    if (!stop_reason) return;
    finish_reason_ = FinishReasonOf(*stop_reason);
    if (*stop_reason == "refusal") {
      Fail(ErrorCode::kProviderError,
           "Claude declined to answer for safety (stop_reason refusal) at " + url() +
               (text().empty() ? "" : "; the text before it is kept"),
           status);
    }
  }
};

}  // namespace

std::string AnthropicMessagesUrl(std::string_view endpoint) {
  if (endpoint.empty()) endpoint = kAnthropicDefaultEndpoint;
  while (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  if (endpoint.ends_with("/messages")) return std::string(endpoint);
  return std::string(endpoint) + "/messages";
}

AnthropicProvider::AnthropicProvider(ModelSpec spec)
    : spec_(std::move(spec)), url_(AnthropicMessagesUrl(spec_.endpoint)) {}

Answer AnthropicProvider::Complete(const ChatRequest& request, const CallLimits& limits,
                                   const TokenSink& on_text) {
  const std::string api_key = ReadApiKey(spec_.api_key_env);
  if (api_key.empty()) {
    Answer answer;
    answer.error =
        Error{ErrorCode::kMissingApiKey,
              spec_.api_key_env.empty() ? spec_.name +
                                              " (anthropic) names no API key variable; set "
                                              "api_key_env = \"ANTHROPIC_API_KEY\" in its "
                                              "[models." +
                                              spec_.name + "] table"
                                        : "the environment variable " + spec_.api_key_env +
                                              " that should hold the API key of " + spec_.name +
                                              " is not set; export it, or ask without this model"};
    return answer;
  }
  HttpRequest http;
  http.url = url_;
  http.body = BuildRequestBody(spec_, request);
  http.headers = {"Content-Type: application/json",
                  request.stream ? "Accept: text/event-stream" : "Accept: application/json",
                  "x-api-key: " + api_key, std::string("anthropic-version: ") + kAnthropicVersion};
  http.connect_timeout = limits.connect_timeout;
  http.total_timeout = limits.total_timeout;
  http.cancel = limits.cancel;

  AnthropicCall call(
      {.url = url_, .stream = request.stream, .missing_key_env = "", .stream_end = "message_stop"},
      on_text);
  const auto response =
      HttpPost(http, [&call](const HttpResponseHead& head, std::string_view piece) {
        return call.OnBody(head, piece);
      });
  Answer answer = call.Finish(response);
  if (answer.error) Redact(answer.error->message, api_key);
  return answer;
}

}  // namespace drux
