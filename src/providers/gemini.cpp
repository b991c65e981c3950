#include "providers/gemini.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "providers/http_client.h"
#include "providers/protocol_call.h"
#include "providers/provider_json.h"

namespace drux {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxProviderMessageBytes = 1000;

// finishReasons that mean Google withheld the answer rather than finished it.
bool IsBlockingFinish(const std::string& reason) {
  return reason == "SAFETY" || reason == "RECITATION" || reason == "BLOCKLIST" ||
         reason == "PROHIBITED_CONTENT" || reason == "SPII" || reason == "IMAGE_SAFETY";
}

// Gemini's finish reasons in the words the rest of Drux uses (OpenAI's); others lower-cased.
std::string FinishReasonOf(const std::string& reason) {
  if (reason == "STOP") return "stop";
  if (reason == "MAX_TOKENS") return "length";
  if (IsBlockingFinish(reason)) return "content_filter";
  return Lowercase(reason);
}

// Safety categories rated as likely ("HARM_CATEGORY_HARASSMENT: MEDIUM"), or blocked.
std::string RatedCategories(const ProviderJson& json, const Json& holder) {
  const Json* ratings = Member(holder, "safetyRatings");
  if (ratings == nullptr || !ratings->is_array()) return "";
  std::string listed;
  for (const Json& rating : *ratings) {
    const std::string probability = json.String(rating, "probability").value_or("");
    const Json* blocked = Member(rating, "blocked");
    if (probability != "MEDIUM" && probability != "HIGH" &&
        !(blocked != nullptr && blocked->is_boolean() && blocked->get<bool>())) {
      continue;
    }
    listed += (listed.empty() ? "" : ", ") + json.String(rating, "category").value_or("?") + ": " +
              probability;
  }
  return listed;
}

std::string BuildRequestBody(const ChatRequest& request, const Json& schema) {
  Json body;
  std::string system;
  body["contents"] = Json::array();
  for (const ChatMessage& message : request.messages) {
    if (message.role == "system") {
      system += (system.empty() ? "" : "\n\n") + message.content;
      continue;
    }
    const std::string role = message.role == "assistant" ? "model" : "user";
    body["contents"].push_back({{"role", role}, {"parts", {{{"text", message.content}}}}});
  }
  if (!system.empty()) body["systemInstruction"] = {{"parts", {{{"text", system}}}}};
  Json& generation = body["generationConfig"];
  generation["maxOutputTokens"] = request.max_tokens;
  generation["temperature"] = request.temperature;
  if (request.seed) generation["seed"] = *request.seed;
  if (request.structured_output) {
    generation["responseMimeType"] = "application/json";
    generation["responseJsonSchema"] = schema;
  }
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

class GeminiCall : public ProtocolCall {
 public:
  using ProtocolCall::ProtocolCall;

 private:
  void OnEvent(const SseEvent& event, int status) override {
    const auto chunk = ParseProviderJson(Trim(event.data));
    if (!chunk) {
      FailNotJson(Trim(event.data), status);
      return;
    }
    if (Member(chunk->value, "error") != nullptr) {
      FailInStream(*chunk, status);
      return;
    }
    TakeResponse(*chunk, status);
  }

  void OnWholeBody(const ProviderJson& body, int status) override {
    // A whole reply to streamGenerateContent without alt=sse would be an array of them.
    if (body.value.is_array()) {
      for (const Json& item : body.value) {
        TakeResponse(ProviderJson{item, body.had_stray_bytes}, status);
      }
      return;
    }
    TakeResponse(body, status);
    if (!failed() && finish_reason_.empty()) {
      Fail(ErrorCode::kMalformedResponse,
           "the response from " + url() +
               " has no candidates[0].finishReason: " + QuoteSnippet(this->body()),
           status);
    }
  }

  // {"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}
  std::optional<std::string> ErrorMessage(const ProviderJson& body) const override {
    const Json* error = Member(body.value, "error");
    if (error == nullptr) return std::nullopt;
    const auto message = body.String(*error, "message");
    if (!message) {
      return Shorten(error->dump(-1, ' ', false, Json::error_handler_t::replace),
                     kMaxProviderMessageBytes);
    }
    const auto google_status = body.String(*error, "status");
    return Shorten(*message + (google_status ? " (status: " + *google_status + ")" : ""),
                   kMaxProviderMessageBytes);
  }

  ErrorCode ErrorCodeFor(int status, const ProviderJson* body) const override {
    if (body != nullptr) {
      if (const Json* error = Member(body->value, "error")) {
        if (body->String(*error, "status") == "RESOURCE_EXHAUSTED") return ErrorCode::kRateLimited;
      }
    }
    return ProtocolCall::ErrorCodeFor(status, body);
  }

  // google.rpc.RetryInfo in error.details: {"retryDelay": "39s"}.
  int RetryAfterInBody(const ProviderJson& body) const override {
    const Json* error = Member(body.value, "error");
    const Json* details = error != nullptr ? Member(*error, "details") : nullptr;
    if (details == nullptr || !details->is_array()) return 0;
    for (const Json& detail : *details) {
      const std::string delay = body.String(detail, "retryDelay").value_or("");
      if (!delay.ends_with('s')) continue;
      const double seconds = std::strtod(delay.c_str(), nullptr);
      if (seconds > 0) return static_cast<int>(seconds + 0.999);
    }
    return 0;
  }

  // One GenerateContentResponse: a whole reply, or one piece of a stream.
  void TakeResponse(const ProviderJson& json, int status) {
    if (const auto version = json.String(json.value, "modelVersion")) provider_model_ = *version;
    if (const Json* usage = Member(json.value, "usageMetadata")) TakeUsage(*usage);
    if (const Json* feedback = Member(json.value, "promptFeedback")) {
      if (const auto reason = json.String(*feedback, "blockReason")) {
        const std::string categories = RatedCategories(json, *feedback);
        Fail(ErrorCode::kProviderError,
             "Gemini blocked the question for safety (" + *reason + ")" +
                 (categories.empty() ? "" : ", rated " + categories) +
                 "; it gave no answer. Rephrasing the question may help",
             status);
        return;
      }
    }
    const Json* candidates = Member(json.value, "candidates");
    if (candidates == nullptr || !candidates->is_array() || candidates->empty()) return;
    const Json& candidate = candidates->front();
    if (const Json* content = Member(candidate, "content")) {
      if (const Json* parts = Member(*content, "parts"); parts != nullptr && parts->is_array()) {
        for (const Json& part : *parts) {
          const Json* thought = Member(part, "thought");
          const auto text = json.String(part, "text");
          if (!text) continue;
          if (thought != nullptr && thought->is_boolean() && thought->get<bool>()) {
            AddReasoning(*text);
          } else {
            AddText(*text);
          }
        }
      }
    }
    const auto reason = json.String(candidate, "finishReason");
    if (!reason) return;
    finish_reason_ = FinishReasonOf(*reason);
    if (IsBlockingFinish(*reason)) {
      const std::string categories = RatedCategories(json, candidate);
      Fail(ErrorCode::kProviderError,
           "Gemini blocked the answer for safety (" + *reason + ")" +
               (categories.empty() ? "" : ", rated " + categories) +
               (text().empty() ? "; it gave no answer" : "; the text before the block is kept"),
           status);
    }
  }

  // promptTokenCount includes the cached tokens; thoughts are billed as output, so Drux
  // counts them in completion_tokens and apart as reasoning_tokens.
  void TakeUsage(const Json& usage) {
    if (!usage.is_object()) return;
    usage_.prompt_tokens = IntMember(usage, "promptTokenCount");
    usage_.cached_prompt_tokens = IntMember(usage, "cachedContentTokenCount");
    usage_.reasoning_tokens = IntMember(usage, "thoughtsTokenCount");
    usage_.completion_tokens = IntMember(usage, "candidatesTokenCount") + usage_.reasoning_tokens;
    usage_.reported = true;
  }
};

}  // namespace

std::string GeminiUrl(std::string_view endpoint, std::string_view model, bool stream) {
  if (endpoint.empty()) endpoint = kGeminiDefaultEndpoint;
  while (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  if (model.starts_with("models/")) model.remove_prefix(7);
  return std::string(endpoint) + "/models/" + std::string(model) +
         (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
}

GeminiProvider::GeminiProvider(ModelSpec spec) : spec_(std::move(spec)) {}

Answer GeminiProvider::Complete(const ChatRequest& request, const CallLimits& limits,
                                const TokenSink& on_text) {
  Answer answer;
  const std::string api_key = ReadApiKey(spec_.api_key_env);
  if (api_key.empty()) {
    answer.error =
        Error{ErrorCode::kMissingApiKey,
              spec_.api_key_env.empty() ? spec_.name +
                                              " (gemini) names no API key variable; set "
                                              "api_key_env = \"GEMINI_API_KEY\" in its [models." +
                                              spec_.name + "] table"
                                        : "the environment variable " + spec_.api_key_env +
                                              " that should hold the API key of " + spec_.name +
                                              " is not set; export it, or ask without this model"};
    return answer;
  }
  if (spec_.model.empty()) {
    answer.error = Error{ErrorCode::kInvalidArgument,
                         spec_.name +
                             " (gemini) names no model; set model = \"gemini-2.5-flash\""
                             " or another Gemini model in its [models." +
                             spec_.name + "] table"};
    return answer;
  }
  Json schema;
  if (request.structured_output) {
    schema = Json::parse(request.structured_output->json_schema, nullptr, false);
    if (!schema.is_object()) {
      answer.error = Error{ErrorCode::kInvalidArgument, "the JSON schema asked of " + spec_.name +
                                                            " (" + request.structured_output->name +
                                                            ") is not a JSON object"};
      return answer;
    }
  }
  const std::string url = GeminiUrl(spec_.endpoint, spec_.model, request.stream);
  HttpRequest http;
  http.url = url;
  http.body = BuildRequestBody(request, schema);
  http.headers = {"Content-Type: application/json",
                  request.stream ? "Accept: text/event-stream" : "Accept: application/json",
                  "x-goog-api-key: " + api_key};
  http.connect_timeout = limits.connect_timeout;
  http.total_timeout = limits.total_timeout;
  http.cancel = limits.cancel;

  GeminiCall call(
      {.url = url, .stream = request.stream, .missing_key_env = "", .stream_end = "a finishReason"},
      on_text);
  const auto response =
      HttpPost(http, [&call](const HttpResponseHead& head, std::string_view piece) {
        return call.OnBody(head, piece);
      });
  answer = call.Finish(response);
  if (answer.error) Redact(answer.error->message, api_key);
  return answer;
}

}  // namespace drux
