// The OpenAI-compatible chat-completions protocol (POST .../v1/chat/completions), spoken by
// OpenAI and by llama-server, vLLM, TGI, SGLang, Ollama and most hosted model APIs.
#pragma once

#include <string>
#include <string_view>

#include "core/model_spec.h"
#include "providers/provider.h"

namespace drux {

// The URL chat completions are posted to, from a spec's endpoint:
//   ".../chat/completions"   used as is
//   "http://h:8080/v1"       an endpoint with a path gets "/chat/completions" appended
//   "http://h:8080"          a bare host gets "/v1/chat/completions"
// A trailing '/' is ignored.
std::string ChatCompletionsUrl(std::string_view endpoint);

class OpenAiCompatibleProvider : public Provider {
 public:
  // Keeps the spec; the API key is read from spec.api_key_env at each call, so it never
  // lives in the provider.
  explicit OpenAiCompatibleProvider(ModelSpec spec);

  // Streams when request.stream is set (and accepts a plain JSON reply from a server that
  // ignores streaming). Error messages start with what happened and carry the provider's
  // own message and HTTP status; the API key never appears in them.
  Answer Complete(const ChatRequest& request, const CallLimits& limits,
                  const TokenSink& on_text) override;

  const std::string& url() const { return url_; }

 private:
  const ModelSpec spec_;
  const std::string url_;
};

}  // namespace drux
