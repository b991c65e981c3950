#include "providers/openai_compatible.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "providers/http_client.h"
#include "providers/protocol_call.h"
#include "providers/provider_json.h"

namespace drux {
namespace {

using Json = nlohmann::json;

// Provider messages are kept whole up to this size.
constexpr std::size_t kMaxProviderMessageBytes = 1000;

// The host of a URL in lower case, "" when it has none.
std::string HostOf(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  url.remove_prefix(scheme_end + 3);
  return Lowercase(url.substr(0, url.find_first_of(":/?#")));
}

// What the servers speaking this protocol disagree on, decided by endpoint and model.
struct OpenAiDialect {
  // stream_options {"include_usage": true}: llama-server, vLLM, OpenAI and most hosted
  // APIs accept it; Mistral's API rejects unknown request fields.
  bool stream_options = true;
  // OpenAI's own API names the limit max_completion_tokens and rejects max_tokens for its
  // reasoning models; other servers only know max_tokens.
  bool max_completion_tokens = false;
  // OpenAI's reasoning models (gpt-5, o-series) accept only their default temperature.
  bool temperature = true;
};

OpenAiDialect DialectFor(const ModelSpec& spec) {
  OpenAiDialect dialect;
  const std::string host = HostOf(spec.endpoint);
  if (host == "api.mistral.ai") dialect.stream_options = false;
  if (host == "api.openai.com") {
    dialect.max_completion_tokens = true;
    const std::string model = Lowercase(spec.model);
    for (const char* prefix : {"gpt-5", "o1", "o3", "o4"}) {
      if (model.starts_with(prefix)) dialect.temperature = false;
    }
  }
  return dialect;
}

const Json* FirstChoice(const Json& body) {
  const Json* choices = Member(body, "choices");
  if (choices == nullptr || !choices->is_array() || choices->empty()) return nullptr;
  return &choices->front();
}

// The provider's own error message from the error shapes servers use:
// {"error": {"message", "type"}}, {"error": "..."}, {"message": "..."}, {"detail": ...}.
std::optional<std::string> ProviderErrorMessage(const ProviderJson& body) {
  std::string message;
  if (const Json* error = Member(body.value, "error")) {
    if (error->is_string()) {
      message = *body.String(body.value, "error");
    } else if (const auto text = body.String(*error, "message")) {
      message = *text;
      if (const auto type = body.String(*error, "type"); type && !type->empty()) {
        message += " (error type: " + *type + ")";
      } else if (const auto code = body.String(*error, "code"); code && !code->empty()) {
        message += " (error code: " + *code + ")";
      }
    } else {
      message = error->dump(-1, ' ', false, Json::error_handler_t::replace);
    }
  } else if (const auto text = body.String(body.value, "message")) {
    message = *text;
  } else if (const Json* detail = Member(body.value, "detail")) {
    message = detail->is_string() ? *body.String(body.value, "detail")
                                  : detail->dump(-1, ' ', false, Json::error_handler_t::replace);
  } else {
    return std::nullopt;
  }
  return Shorten(message, kMaxProviderMessageBytes);
}

// schema: the parsed request.structured_output->json_schema, if any.
std::string BuildRequestBody(const ModelSpec& spec, const ChatRequest& request,
                             const Json& schema) {
  const OpenAiDialect dialect = DialectFor(spec);
  Json body;
  if (!spec.model.empty()) body["model"] = spec.model;
  body["messages"] = Json::array();
  for (const ChatMessage& message : request.messages) {
    body["messages"].push_back({{"role", message.role}, {"content", message.content}});
  }
  body[dialect.max_completion_tokens ? "max_completion_tokens" : "max_tokens"] = request.max_tokens;
  if (dialect.temperature) body["temperature"] = request.temperature;
  if (request.seed) body["seed"] = *request.seed;
  body["stream"] = request.stream;
  if (request.stream && dialect.stream_options) {
    body["stream_options"] = {{"include_usage", true}};
  }
  if (request.structured_output) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", request.structured_output->name}, {"strict", true}, {"schema", schema}}}};
  }
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A finish_reason saying the provider's content filter withheld (part of) the answer.
constexpr const char* kContentFilter = "content_filter";

class OpenAiCall : public ProtocolCall {
 public:
  using ProtocolCall::ProtocolCall;

 private:
  void OnEvent(const SseEvent& event, int status) override {
    const std::string_view data = Trim(event.data);
    if (data == "[DONE]") {
      EndStream();
      return;
    }
    const auto chunk = ParseProviderJson(data);
    if (!chunk) {
      FailNotJson(data, status);
      return;
    }
    if (Member(chunk->value, "error") != nullptr) {
      FailInStream(*chunk, status);
      return;
    }
    TakeCommonFields(*chunk, status);
    if (const Json* choice = FirstChoice(chunk->value)) {
      if (const Json* delta = Member(*choice, "delta")) TakeMessage(*chunk, *delta);
    }
  }

  void OnWholeBody(const ProviderJson& body, int status) override {
    const Json* choice = FirstChoice(body.value);
    const Json* message = choice != nullptr ? Member(*choice, "message") : nullptr;
    if (message == nullptr || !message->is_object()) {
      Fail(ErrorCode::kMalformedResponse,
           "the response from " + url() +
               " has no choices[0].message: " + QuoteSnippet(this->body()),
           status);
      return;
    }
    TakeMessage(body, *message);
    TakeCommonFields(body, status);
  }

  std::optional<std::string> ErrorMessage(const ProviderJson& body) const override {
    return ProviderErrorMessage(body);
  }

  // A message or a stream delta: the answer, and the reasoning some servers send apart
  // (DeepSeek's reasoning_content, OpenRouter's and vLLM's reasoning).
  void TakeMessage(const ProviderJson& json, const Json& message) {
    for (const char* key : {"reasoning_content", "reasoning"}) {
      if (const auto reasoning = json.String(message, key)) AddReasoning(*reasoning);
    }
    if (const auto content = json.String(message, "content")) AddText(*content);
  }

  // Fields a stream chunk and a whole completion share.
  void TakeCommonFields(const ProviderJson& json, int status) {
    if (const auto model = json.String(json.value, "model")) provider_model_ = *model;
    if (const Json* usage = Member(json.value, "usage"); usage != nullptr && usage->is_object()) {
      usage_.prompt_tokens = IntMember(*usage, "prompt_tokens");
      usage_.completion_tokens = IntMember(*usage, "completion_tokens");
      if (const Json* details = Member(*usage, "prompt_tokens_details")) {
        usage_.cached_prompt_tokens = IntMember(*details, "cached_tokens");
      }
      if (const Json* details = Member(*usage, "completion_tokens_details")) {
        usage_.reasoning_tokens = IntMember(*details, "reasoning_tokens");
      }
      usage_.reported = true;
    }
    // Perplexity's sources: each chunk repeats the whole list.
    if (const Json* citations = Member(json.value, "citations");
        citations != nullptr && citations->is_array()) {
      citations_.clear();
      for (const Json& citation : *citations) {
        if (citation.is_string()) citations_.push_back(citation.get<std::string>());
      }
    }
    if (const Json* choice = FirstChoice(json.value)) {
      if (const auto reason = json.String(*choice, "finish_reason")) {
        finish_reason_ = *reason;
        if (finish_reason_ == kContentFilter) {
          Fail(ErrorCode::kProviderError,
               "the provider's content filter withheld the answer (finish_reason "
               "content_filter) from " +
                   url() + (text().empty() ? "" : "; the text before it is kept"),
               status);
        }
      }
    }
  }
};

}  // namespace

std::string ChatCompletionsUrl(std::string_view endpoint) {
  while (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  if (endpoint.ends_with("/chat/completions")) return std::string(endpoint);
  const std::size_t scheme_end = endpoint.find("://");
  const std::size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const bool has_path = endpoint.find('/', host_start) != std::string_view::npos;
  return std::string(endpoint) + (has_path ? "/chat/completions" : "/v1/chat/completions");
}

OpenAiCompatibleProvider::OpenAiCompatibleProvider(ModelSpec spec)
    : spec_(std::move(spec)), url_(ChatCompletionsUrl(spec_.endpoint)) {}

Answer OpenAiCompatibleProvider::Complete(const ChatRequest& request, const CallLimits& limits,
                                          const TokenSink& on_text) {
  const std::string api_key = ReadApiKey(spec_.api_key_env);
  Json schema;
  if (request.structured_output) {
    schema = Json::parse(request.structured_output->json_schema, nullptr, false);
    if (!schema.is_object()) {
      Answer answer;
      answer.error = Error{ErrorCode::kInvalidArgument, "the JSON schema asked of " + spec_.name +
                                                            " (" + request.structured_output->name +
                                                            ") is not a JSON object"};
      return answer;
    }
  }
  HttpRequest http;
  http.url = url_;
  http.body = BuildRequestBody(spec_, request, schema);
  http.headers = {"Content-Type: application/json",
                  request.stream ? "Accept: text/event-stream" : "Accept: application/json"};
  if (!api_key.empty()) http.headers.push_back("Authorization: Bearer " + api_key);
  http.connect_timeout = limits.connect_timeout;
  http.total_timeout = limits.total_timeout;
  http.cancel = limits.cancel;

  OpenAiCall call({.url = url_,
                   .stream = request.stream,
                   .missing_key_env = api_key.empty() ? spec_.api_key_env : std::string(),
                   .stream_end = "[DONE] or a finish_reason"},
                  on_text);
  const auto response =
      HttpPost(http, [&call](const HttpResponseHead& head, std::string_view piece) {
        return call.OnBody(head, piece);
      });
  Answer answer = call.Finish(response);
  // A server may echo the key back in an error; it must not reach results or logs.
  if (answer.error) Redact(answer.error->message, api_key);
  return answer;
}

}  // namespace drux
