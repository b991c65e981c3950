#include "providers/protocol_call.h"

#include <utility>

#include "core/utf8.h"

namespace drux {
namespace {

using Json = nlohmann::json;

// A completion is a few KiB; a body this large means the URL is not a chat API, and
// keeping it would only waste memory.
constexpr std::size_t kMaxBodyBytes = 16 << 20;

}  // namespace

std::string ContextLengthHint(std::string_view vendor_message) {
  const std::string lower = Lowercase(vendor_message);
  for (const char* phrase : {"context length", "context_length_exceeded", "prompt is too long",
                             "exceeds the maximum number of tokens", "context window"}) {
    if (lower.find(phrase) != std::string::npos) {
      return " — the question and its prompt are longer than this model accepts; shorten the "
             "question or use a model with a longer context";
    }
  }
  return "";
}

ProtocolCall::ProtocolCall(ProtocolCallOptions options, const TokenSink& on_text)
    : options_(std::move(options)), on_text_(on_text) {}

ErrorCode ProtocolCall::ErrorCodeFor(int status, const ProviderJson* /*body*/) const {
  // 503 and Anthropic's 529 say the service is overloaded: like a rate limit, it passes.
  return status == 429 || status == 503 || status == 529 ? ErrorCode::kRateLimited
                                                         : ErrorCode::kProviderError;
}

bool ProtocolCall::OnBody(const HttpResponseHead& head, std::string_view piece) {
  if (mode_ == Mode::kNoBody) {
    const bool event_stream =
        Lowercase(head.content_type).find("text/event-stream") != std::string::npos;
    mode_ = options_.stream && head.status / 100 == 2 && event_stream ? Mode::kStream
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
    if (Trim(event.data).empty()) continue;
    ++events_;
    OnEvent(event, head.status);
    if (error_ || ended_) return false;
  }
  return true;
}

Answer ProtocolCall::Finish(const Expected<HttpResponseHead>& response) {
  const int status = response ? response->status : 0;
  if (mode_ == Mode::kStream && !error_ && !ended_) FinishStream(status);
  if (!error_ && !response) error_ = response.error();
  if (!error_ && mode_ != Mode::kStream) InterpretBody(*response);
  if (!error_ && mode_ == Mode::kStream && !ended_ && finish_reason_.empty()) {
    Fail(ErrorCode::kMalformedResponse,
         "the stream ended before the answer was complete (after " + std::to_string(events_) +
             " chunks): " + options_.url + " closed it without " + options_.stream_end,
         status);
  }
  EmitPending(pending_.size());
  Answer answer;
  answer.text = SanitizeUtf8(raw_text_);
  answer.reasoning = SanitizeUtf8(reasoning_);
  answer.citations = citations_;
  for (std::string& citation : answer.citations) citation = SanitizeUtf8(citation);
  answer.provider_model = SanitizeUtf8(provider_model_);
  answer.finish_reason = SanitizeUtf8(finish_reason_);
  answer.usage = usage_;
  if (!usage_.reported) answer.usage.completion_tokens = text_pieces_;
  answer.latency_ms = MillisecondsSinceStart();
  answer.first_token_ms = first_token_ms_;
  answer.error = error_;
  return answer;
}

void ProtocolCall::AddText(const std::string& text) {
  if (text.empty()) return;
  ++text_pieces_;
  raw_text_ += text;
  pending_ += text;
  EmitPending(CompleteUtf8Prefix(pending_));
}

void ProtocolCall::Fail(ErrorCode code, std::string message, int status, int retry_after_seconds) {
  if (!error_) error_ = Error{code, std::move(message), status, retry_after_seconds};
}

void ProtocolCall::FailNotJson(std::string_view data, int status) {
  Fail(ErrorCode::kMalformedResponse,
       "chunk " + std::to_string(events_) + " of the stream from " + options_.url +
           " is not valid JSON: " + QuoteSnippet(data),
       status);
}

void ProtocolCall::FailInStream(const ProviderJson& chunk, int status) {
  const std::string message = ErrorMessage(chunk).value_or(QuoteSnippet(chunk.value.dump()));
  Fail(ErrorCodeFor(status, &chunk),
       "the provider reported an error in the stream from " + options_.url + " after " +
           std::to_string(events_ - 1) + " chunks: " + message + ContextLengthHint(message),
       status, RetryAfterInBody(chunk));
}

double ProtocolCall::MillisecondsSinceStart() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
      .count();
}

// A conforming client drops a final event that no blank line ended. One that is complete
// anyway (whole JSON, or OpenAI's [DONE]) is kept, so a server that closes right after its
// last line is not blamed for a truncated answer.
void ProtocolCall::FinishStream(int status) {
  const auto last = sse_.Finish();
  if (!last) return;
  const std::string_view data = Trim(last->data);
  if (data == "[DONE]" || ParseProviderJson(data)) {
    ++events_;
    OnEvent(*last, status);
  }
}

void ProtocolCall::InterpretBody(const HttpResponseHead& head) {
  if (body_too_large_) {
    Fail(ErrorCode::kMalformedResponse,
         "the response from " + options_.url + " is larger than " +
             std::to_string(kMaxBodyBytes >> 20) + " MiB; is the endpoint the right API?",
         head.status);
    return;
  }
  const bool html = LooksLikeHtml(head, body_);
  const auto body = html ? std::nullopt : ParseProviderJson(body_);
  // Every protocol here wraps its errors in an "error" member, sometimes with a 200 status.
  if (head.status / 100 != 2 || html || (body && Member(body->value, "error") != nullptr)) {
    ReportHttpError(head, html, body);
    return;
  }
  if (!body) {
    Fail(ErrorCode::kMalformedResponse,
         body_.empty() ? "the response from " + options_.url + " had an empty body"
                       : "the response from " + options_.url + " is not JSON (" +
                             std::to_string(body_.size()) + " bytes): " + QuoteSnippet(body_),
         head.status);
    return;
  }
  OnWholeBody(*body, head.status);
}

// An error status, an HTML page or an error object: the message leads with the status and
// carries the provider's own words when there are any.
void ProtocolCall::ReportHttpError(const HttpResponseHead& head, bool html,
                                   const std::optional<ProviderJson>& body) {
  std::string message = "HTTP " + std::to_string(head.status) +
                        (head.reason.empty() ? "" : " " + head.reason) + " from " + options_.url +
                        ": ";
  const auto provider_message = body ? ErrorMessage(*body) : std::nullopt;
  if (html) {
    const std::string title = HtmlTitle(body_);
    message += "the server returned an HTML page instead of JSON";
    if (!title.empty()) message += " (\"" + title + "\")";
  } else if (provider_message) {
    message += *provider_message + ContextLengthHint(*provider_message);
  } else if (body_.empty()) {
    message += "the response had no body";
  } else {
    message += QuoteSnippet(body_);
  }
  if ((head.status == 401 || head.status == 403) && !options_.missing_key_env.empty()) {
    message += "; the environment variable " + options_.missing_key_env +
               " that should hold the API key is not set";
  }
  int retry_after = head.retry_after_seconds;
  if (retry_after == 0 && body) retry_after = RetryAfterInBody(*body);
  if (retry_after > 0) {
    message += "; the server asked to retry after " + std::to_string(retry_after) + " s";
  }
  const ErrorCode code = ErrorCodeFor(head.status, body ? &*body : nullptr);
  error_ = Error{code, std::move(message), head.status, retry_after};
}

// Sends the first length pending bytes to the sink; a character cut at a chunk boundary
// waits in pending_ for its remaining bytes.
void ProtocolCall::EmitPending(std::size_t length) {
  if (length == 0) return;
  if (first_token_ms_ == 0) first_token_ms_ = MillisecondsSinceStart();
  if (on_text_) on_text_(SanitizeUtf8(std::string_view(pending_).substr(0, length)));
  pending_.erase(0, length);
}

}  // namespace drux
