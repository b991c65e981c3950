// Anthropic's Messages API (POST {endpoint}/messages), the protocol of the Claude models.
#pragma once

#include <string>
#include <string_view>

#include "core/model_spec.h"
#include "providers/provider.h"

namespace drux {

// Where the API lives when a spec names no endpoint.
inline constexpr const char* kAnthropicDefaultEndpoint = "https://api.anthropic.com/v1";
// The API version every request states (the anthropic-version header).
inline constexpr const char* kAnthropicVersion = "2023-06-01";

// The URL messages are posted to: endpoint (or the default) + "/messages", unless it already
// ends so. A trailing '/' is ignored.
std::string AnthropicMessagesUrl(std::string_view endpoint);

class AnthropicProvider : public Provider {
 public:
  // Keeps the spec; the API key is read from spec.api_key_env at each call (sent as
  // x-api-key), so it never lives in the provider.
  explicit AnthropicProvider(ModelSpec spec);

  // System messages become the top-level "system"; the answer streams from text deltas,
  // thinking deltas go to Answer::reasoning. Fails with kMissingApiKey, without calling,
  // when the key's variable is unset. Errors carry Anthropic's error type and message;
  // overloaded_error (529) and rate_limit_error (429) are kRateLimited with Retry-After.
  Answer Complete(const ChatRequest& request, const CallLimits& limits,
                  const TokenSink& on_text) override;

  const std::string& url() const { return url_; }

 private:
  const ModelSpec spec_;
  const std::string url_;
};

}  // namespace drux
