// The state of one provider call, whatever the wire protocol: receives the HTTP body
// (an event stream or one JSON document), streams text to the sink, turns error statuses,
// proxies' HTML pages and cut streams into clear errors, and builds the Answer. Each wire
// protocol derives from it and reads its own events and bodies.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer.h"
#include "core/error.h"
#include "providers/http_client.h"
#include "providers/provider.h"
#include "providers/provider_json.h"
#include "providers/sse_parser.h"

namespace drux {

struct ProtocolCallOptions {
  std::string url;  // named in messages; never carries an API key
  bool stream = true;
  // The API key's variable when it is named but not set, for the hint on a 401 or 403.
  std::string missing_key_env;
  // How a stream says it is over, for the message about a cut stream ("message_stop").
  std::string stream_end;
};

class ProtocolCall {
 public:
  ProtocolCall(ProtocolCallOptions options, const TokenSink& on_text);
  virtual ~ProtocolCall() = default;
  ProtocolCall(const ProtocolCall&) = delete;
  ProtocolCall& operator=(const ProtocolCall&) = delete;

  // The HttpBodySink: returns false to stop the transfer once nothing more is useful.
  bool OnBody(const HttpResponseHead& head, std::string_view piece);

  // Builds the Answer once HttpPost returned.
  Answer Finish(const Expected<HttpResponseHead>& response);

 protected:
  // One event of a 2xx event stream, in order. Called until failed() or ended().
  virtual void OnEvent(const SseEvent& event, int status) = 0;
  // A 2xx JSON body without an "error" member.
  virtual void OnWholeBody(const ProviderJson& body, int status) = 0;
  // The vendor's own error message in an error body, with its error type; nullopt when the
  // body has none.
  virtual std::optional<std::string> ErrorMessage(const ProviderJson& body) const = 0;
  // The code of an error the provider reported (HTTP status, or 200 for one inside a
  // stream). By default 429 (too many requests), 503 and 529 (overloaded) are kRateLimited:
  // the call may succeed later.
  virtual ErrorCode ErrorCodeFor(int status, const ProviderJson* body) const;
  // Seconds to wait that a vendor states in its error body; 0 when it says none.
  virtual int RetryAfterInBody(const ProviderJson& /*body*/) const { return 0; }

  // For the derived protocols, while reading.
  void AddText(const std::string& text);
  void AddReasoning(const std::string& text) { reasoning_ += text; }
  // A stream event or body error object: the text so far is kept.
  void FailInStream(const ProviderJson& chunk, int status);
  // Keeps the first error: what failed first explains the rest.
  void Fail(ErrorCode code, std::string message, int status, int retry_after_seconds = 0);
  // The event stream reached its proper end; the rest of the body is not read.
  void EndStream() { ended_ = true; }
  // Stops reading with a malformed-response error naming the event that is not JSON.
  void FailNotJson(std::string_view data, int status);
  bool failed() const { return error_.has_value(); }
  int events() const { return events_; }
  const std::string& url() const { return options_.url; }
  const std::string& text() const { return raw_text_; }
  const std::string& body() const { return body_; }  // a whole (not streamed) body

  std::string provider_model_;
  std::string finish_reason_;
  TokenUsage usage_;
  std::vector<std::string> citations_;

 private:
  enum class Mode { kNoBody, kStream, kWholeBody };

  double MillisecondsSinceStart() const;
  void FinishStream(int status);
  void InterpretBody(const HttpResponseHead& head);
  void ReportHttpError(const HttpResponseHead& head, bool html,
                       const std::optional<ProviderJson>& body);
  void EmitPending(std::size_t length);

  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  const ProtocolCallOptions options_;
  const TokenSink& on_text_;
  Mode mode_ = Mode::kNoBody;
  SseParser sse_;
  std::string body_;
  bool body_too_large_ = false;
  int events_ = 0;
  int text_pieces_ = 0;
  bool ended_ = false;
  std::string raw_text_;
  std::string pending_;
  std::string reasoning_;
  double first_token_ms_ = 0;
  std::optional<Error> error_;
};

// The hint appended to a vendor's message that says the prompt is longer than the model's
// context window; "" for other messages.
std::string ContextLengthHint(std::string_view vendor_message);

}  // namespace drux
