// Google's Gemini API (generateContent and streamGenerateContent), the protocol of the
// Gemini models.
#pragma once

#include <string>
#include <string_view>

#include "core/model_spec.h"
#include "providers/provider.h"

namespace drux {

// Where the API lives when a spec names no endpoint.
inline constexpr const char* kGeminiDefaultEndpoint =
    "https://generativelanguage.googleapis.com/v1beta";

// The URL of a call: {endpoint}/models/{model}:streamGenerateContent?alt=sse when streaming,
// else :generateContent. A model may be given with or without its "models/" prefix. The API
// key never goes into the URL (it travels in the x-goog-api-key header).
std::string GeminiUrl(std::string_view endpoint, std::string_view model, bool stream);

class GeminiProvider : public Provider {
 public:
  // Keeps the spec; the API key is read from spec.api_key_env at each call.
  explicit GeminiProvider(ModelSpec spec);

  // System messages become systemInstruction, assistant turns the "model" role. Thought
  // summaries go to Answer::reasoning. Fails with kMissingApiKey, without calling, when the
  // key's variable is unset. A prompt or answer blocked for safety is an error that says
  // so; RESOURCE_EXHAUSTED is kRateLimited, with the RetryInfo delay when Google gives one.
  Answer Complete(const ChatRequest& request, const CallLimits& limits,
                  const TokenSink& on_text) override;

 private:
  const ModelSpec spec_;
};

}  // namespace drux
