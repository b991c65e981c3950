#include "providers/openai_compatible.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "core/utf8.h"
#include "providers/http_client.h"
#include "providers/sse_parser.h"

namespace drux {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// A non-streamed completion is a few KiB; a body this large means the URL is not a chat
// completions endpoint, and keeping it would only waste memory.
constexpr std::size_t kMaxBodyBytes = 16 << 20;
// Bodies quoted in error messages are cut to this many bytes.
constexpr std::size_t kSnippetBytes = 200;
// Provider messages are kept whole up to this size.
constexpr std::size_t kMaxProviderMessageBytes = 1000;

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Valid UTF-8, at most max_bytes of text, "..." marking a cut.
std::string Shorten(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return SanitizeUtf8(text);
  return SanitizeUtf8(text.substr(0, CompleteUtf8Prefix(text.substr(0, max_bytes)))) + "...";
}

// The start of a body as a quoted, escaped string for an error message.
std::string QuoteSnippet(std::string_view body) {
  std::string quoted = "\"";
  for (const char c : Shorten(body, kSnippetBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

// Servers that stream raw token bytes may split one character across two chunks, which
// leaves invalid UTF-8 in each chunk's JSON, and nlohmann::json rejects such text. Each
// stray byte b therefore travels through the parse as the private-use character
// U+10FF00 + b (encoded F4 8F BE|BF xx) and is turned back into b afterwards, so the
// pieces of the split character join up again in the answer text.
std::string ProtectStrayBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  while (const auto invalid = FindInvalidUtf8(text)) {
    out.append(text.substr(0, *invalid));
    const unsigned code_point = 0x10FF00u + static_cast<unsigned char>(text[*invalid]);
    out += '\xF4';
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
    text.remove_prefix(*invalid + 1);
  }
  out.append(text);
  return out;
}

std::string RestoreStrayBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i + 3 < text.size() && text[i] == '\xF4' && text[i + 1] == '\x8F' &&
        (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      out += static_cast<char>(0x80 | ((text[i + 2] & 1) << 6) | (text[i + 3] & 0x3F));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

// JSON from a provider, parsed without exceptions.
struct ProviderJson {
  Json value;
  bool had_stray_bytes = false;

  // The raw bytes of a string member of object, or nullopt when it is absent or no string.
  std::optional<std::string> String(const Json& object, const char* key) const {
    if (!object.is_object()) return std::nullopt;
    const auto found = object.find(key);
    if (found == object.end() || !found->is_string()) return std::nullopt;
    const auto& text = found->get_ref<const std::string&>();
    return had_stray_bytes ? RestoreStrayBytes(text) : text;
  }
};

std::optional<ProviderJson> ParseProviderJson(std::string_view text) {
  ProviderJson parsed;
  parsed.had_stray_bytes = FindInvalidUtf8(text).has_value();
  const std::string protected_text = parsed.had_stray_bytes ? ProtectStrayBytes(text) : "";
  parsed.value = Json::parse(parsed.had_stray_bytes ? std::string_view(protected_text) : text,
                             nullptr, /*allow_exceptions=*/false);
  if (parsed.value.is_discarded()) return std::nullopt;
  return parsed;
}

const Json* Member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

int IntMember(const Json& object, const char* key) {
  const Json* member = Member(object, key);
  return member != nullptr && member->is_number() ? member->get<int>() : 0;
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

bool LooksLikeHtml(const HttpResponseHead& head, std::string_view body) {
  return Lowercase(head.content_type).find("text/html") != std::string::npos ||
         Trim(body).starts_with('<');
}

// The text of an HTML page's <title>, or "" when it has none.
std::string HtmlTitle(std::string_view html) {
  const std::string lower = Lowercase(html.substr(0, 64 * 1024));
  const std::size_t open = lower.find("<title");
  const std::size_t start = open == std::string::npos ? open : lower.find('>', open);
  const std::size_t end = start == std::string::npos ? start : lower.find("</title", start);
  if (end == std::string::npos) return "";
  std::string title;
  for (const char c : Trim(html.substr(start + 1, end - start - 1))) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space)
      title += c;
    else if (!title.empty() && title.back() != ' ')
      title += ' ';
  }
  return Shorten(title, 120);
}

// schema: the parsed request.structured_output->json_schema, if any.
std::string BuildRequestBody(const ModelSpec& spec, const ChatRequest& request,
                             const Json& schema) {
  Json body;
  if (!spec.model.empty()) body["model"] = spec.model;
  body["messages"] = Json::array();
  for (const ChatMessage& message : request.messages) {
    body["messages"].push_back({{"role", message.role}, {"content", message.content}});
  }
  body["max_tokens"] = request.max_tokens;
  body["temperature"] = request.temperature;
  if (request.seed) body["seed"] = *request.seed;
  body["stream"] = request.stream;
  if (request.stream) body["stream_options"] = {{"include_usage", true}};
  if (request.structured_output) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", request.structured_output->name}, {"strict", true}, {"schema", schema}}}};
  }
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void Redact(std::string& text, const std::string& secret) {
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[redacted]");
  }
}

// The state of one Complete() call: receives the body, streams text out, builds the Answer.
class CompletionCall {
 public:
  CompletionCall(const std::string& url, const ChatRequest& request, const TokenSink& on_text,
                 std::string missing_key_env)
      : url_(url),
        request_(request),
        on_text_(on_text),
        missing_key_env_(std::move(missing_key_env)) {}

  // Returns false to stop the transfer once nothing more is useful.
  bool OnBody(const HttpResponseHead& head, std::string_view piece) {
    if (mode_ == Mode::kNoBody) {
      const bool event_stream =
          Lowercase(head.content_type).find("text/event-stream") != std::string::npos;
      mode_ = request_.stream && head.status / 100 == 2 && event_stream ? Mode::kStream
                                                                        : Mode::kWholeBody;
    }
    if (mode_ == Mode::kWholeBody) {
      if (body_.size() + piece.size() > kMaxBodyBytes) {
        body_too_large_ = true;
        return false;
      }
      body_.append(piece);
      return true;
    }
    for (const SseEvent& event : sse_.Feed(piece)) {
      OnEvent(event, head.status);
      if (error_ || done_) return false;
    }
    return true;
  }

  Answer Finish(const Expected<HttpResponseHead>& response) {
    if (mode_ == Mode::kStream && !error_ && !done_) FinishStream(response ? response->status : 0);
    if (!error_ && !response) error_ = response.error();
    if (!error_ && mode_ != Mode::kStream) InterpretBody(*response);
    if (!error_ && mode_ == Mode::kStream && !done_ && finish_reason_.empty()) {
      error_ = Error{ErrorCode::kMalformedResponse,
                     "the stream ended before the answer was complete (after " +
                         std::to_string(chunks_) + " chunks): " + url_ +
                         " closed it without [DONE] or a finish_reason",
                     response ? response->status : 0};
    }
    EmitPending(pending_.size());
    Answer answer;
    answer.text = SanitizeUtf8(raw_text_);
    answer.provider_model = SanitizeUtf8(provider_model_);
    answer.finish_reason = SanitizeUtf8(finish_reason_);
    answer.usage = usage_;
    if (!usage_.reported) answer.usage.completion_tokens = content_chunks_;
    answer.latency_ms = MillisecondsSinceStart();
    answer.first_token_ms = first_token_ms_;
    answer.error = error_;
    return answer;
  }

 private:
  enum class Mode { kNoBody, kStream, kWholeBody };

  double MillisecondsSinceStart() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  }

  void OnEvent(const SseEvent& event, int status) {
    const std::string_view data = Trim(event.data);
    if (data.empty()) return;
    if (data == "[DONE]") {
      done_ = true;
      return;
    }
    ++chunks_;
    const auto chunk = ParseProviderJson(data);
    if (!chunk) {
      error_ = Error{ErrorCode::kMalformedResponse,
                     "chunk " + std::to_string(chunks_) + " of the stream from " + url_ +
                         " is not valid JSON: " + QuoteSnippet(data),
                     status};
      return;
    }
    if (Member(chunk->value, "error") != nullptr) {
      error_ = Error{ErrorCode::kProviderError,
                     "the provider reported an error in the stream from " + url_ + " after " +
                         std::to_string(chunks_ - 1) + " chunks: " + *ProviderErrorMessage(*chunk),
                     status};
      return;
    }
    TakeCommonFields(*chunk);
    if (const Json* choice = FirstChoice(chunk->value)) {
      if (const Json* delta = Member(*choice, "delta")) {
        if (const auto content = chunk->String(*delta, "content")) OnContent(*content);
      }
    }
  }

  // A conforming client drops a final event that no blank line ended. One that is
  // complete anyway ([DONE] or whole JSON) is kept, so a server that closes right after
  // its last line is not blamed for a truncated answer.
  void FinishStream(int status) {
    const auto last = sse_.Finish();
    if (!last) return;
    const std::string_view data = Trim(last->data);
    if (data == "[DONE]" || ParseProviderJson(data)) OnEvent(*last, status);
  }

  void InterpretBody(const HttpResponseHead& head) {
    if (body_too_large_) {
      error_ = Error{ErrorCode::kMalformedResponse,
                     "the response from " + url_ + " is larger than " +
                         std::to_string(kMaxBodyBytes >> 20) +
                         " MiB; is the endpoint an OpenAI-compatible chat completions API?",
                     head.status};
      return;
    }
    const bool html = LooksLikeHtml(head, body_);
    const auto body = html ? std::nullopt : ParseProviderJson(body_);
    if (head.status / 100 != 2 || html || (body && Member(body->value, "error") != nullptr)) {
      ReportHttpError(head, html, body);
      return;
    }
    if (!body) {
      error_ = Error{ErrorCode::kMalformedResponse,
                     body_.empty()
                         ? "the response from " + url_ + " had an empty body"
                         : "the response from " + url_ + " is not JSON (" +
                               std::to_string(body_.size()) + " bytes): " + QuoteSnippet(body_),
                     head.status};
      return;
    }
    const Json* choice = FirstChoice(body->value);
    const Json* message = choice != nullptr ? Member(*choice, "message") : nullptr;
    if (message == nullptr || !message->is_object()) {
      error_ =
          Error{ErrorCode::kMalformedResponse,
                "the response from " + url_ + " has no choices[0].message: " + QuoteSnippet(body_),
                head.status};
      return;
    }
    ++chunks_;
    TakeCommonFields(*body);
    if (const auto content = body->String(*message, "content")) OnContent(*content);
  }

  // An error status, an HTML page or an error object: the message leads with the status
  // and carries the provider's own words when there are any.
  void ReportHttpError(const HttpResponseHead& head, bool html,
                       const std::optional<ProviderJson>& body) {
    std::string message = "HTTP " + std::to_string(head.status) +
                          (head.reason.empty() ? "" : " " + head.reason) + " from " + url_ + ": ";
    const auto provider_message = body ? ProviderErrorMessage(*body) : std::nullopt;
    if (html) {
      const std::string title = HtmlTitle(body_);
      message += "the server returned an HTML page instead of JSON";
      if (!title.empty()) message += " (\"" + title + "\")";
    } else if (provider_message) {
      message += *provider_message;
    } else if (body_.empty()) {
      message += "the response had no body";
    } else {
      message += QuoteSnippet(body_);
    }
    if ((head.status == 401 || head.status == 403) && !missing_key_env_.empty()) {
      message += "; the environment variable " + missing_key_env_ +
                 " that should hold the API key is not set";
    }
    if (head.retry_after_seconds > 0) {
      message +=
          "; the server asked to retry after " + std::to_string(head.retry_after_seconds) + " s";
    }
    const bool rate_limited = head.status == 429 || head.status == 529;
    error_ = Error{rate_limited ? ErrorCode::kRateLimited : ErrorCode::kProviderError,
                   std::move(message), head.status, head.retry_after_seconds};
  }

  // Fields a stream chunk and a whole completion share.
  void TakeCommonFields(const ProviderJson& json) {
    if (const auto model = json.String(json.value, "model")) provider_model_ = *model;
    if (const Json* usage = Member(json.value, "usage"); usage != nullptr && usage->is_object()) {
      usage_.prompt_tokens = IntMember(*usage, "prompt_tokens");
      usage_.completion_tokens = IntMember(*usage, "completion_tokens");
      usage_.reported = true;
    }
    if (const Json* choice = FirstChoice(json.value)) {
      if (const auto reason = json.String(*choice, "finish_reason")) finish_reason_ = *reason;
    }
  }

  void OnContent(const std::string& content) {
    if (content.empty()) return;
    ++content_chunks_;
    raw_text_ += content;
    pending_ += content;
    EmitPending(CompleteUtf8Prefix(pending_));
  }

  // Sends the first length pending bytes to the sink; a character cut at a chunk
  // boundary waits in pending_ for its remaining bytes.
  void EmitPending(std::size_t length) {
    if (length == 0) return;
    if (first_token_ms_ == 0) first_token_ms_ = MillisecondsSinceStart();
    if (on_text_) on_text_(SanitizeUtf8(std::string_view(pending_).substr(0, length)));
    pending_.erase(0, length);
  }

  const Clock::time_point start_ = Clock::now();
  const std::string& url_;
  const ChatRequest& request_;
  const TokenSink& on_text_;
  const std::string missing_key_env_;
  Mode mode_ = Mode::kNoBody;
  SseParser sse_;
  std::string body_;
  bool body_too_large_ = false;
  int chunks_ = 0;
  int content_chunks_ = 0;
  bool done_ = false;
  std::string raw_text_;
  std::string pending_;
  std::string provider_model_;
  std::string finish_reason_;
  TokenUsage usage_;
  double first_token_ms_ = 0;
  std::optional<Error> error_;
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
  const char* key_value =
      spec_.api_key_env.empty() ? nullptr : std::getenv(spec_.api_key_env.c_str());
  const std::string api_key = key_value != nullptr ? key_value : "";

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

  CompletionCall call(url_, request, on_text, api_key.empty() ? spec_.api_key_env : std::string());
  const auto response =
      HttpPost(http, [&call](const HttpResponseHead& head, std::string_view piece) {
        return call.OnBody(head, piece);
      });
  Answer answer = call.Finish(response);
  // A server may echo the key back in an error; it must not reach results or logs.
  if (answer.error && !api_key.empty()) Redact(answer.error->message, api_key);
  return answer;
}

}  // namespace drux
