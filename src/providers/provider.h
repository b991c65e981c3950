// The one interface every wire protocol implements: stream a chat completion.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer.h"
#include "core/error.h"
#include "core/model_spec.h"

namespace drux {

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// Asks for a reply that is one JSON value of a given shape. Wire protocols enforce shapes
// in different languages, so the caller states the shape in each; a provider enforces it
// as far as its protocol allows, and the caller must still validate the reply.
struct StructuredOutput {
  std::string name;         // a short identifier of the shape, e.g. "synthesis_points"
  std::string json_schema;  // JSON Schema text: OpenAI-compatible `response_format`
  std::string gbnf;         // the same shape as a llama.cpp grammar whose start rule is "root"
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  int max_tokens = 512;
  double temperature = 0.7;
  std::optional<unsigned> seed;
  bool stream = true;
  std::optional<StructuredOutput> structured_output;  // none: free text
};

// Limits for one call. The call returns by total_timeout at the latest, and soon after
// *cancel becomes true.
struct CallLimits {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{120000};
  const std::atomic<bool>* cancel = nullptr;  // may be null
};

// Receives each piece of text as it streams in (whole UTF-8 characters only). Called on
// the thread that called Complete.
using TokenSink = std::function<void(std::string_view text)>;

class Provider {
 public:
  virtual ~Provider() = default;

  // Runs one chat completion. Always returns an Answer: on failure its error holds the
  // provider's own message and HTTP status, and its text whatever streamed before the
  // failure. Fills latency, usage and finish_reason; the caller fills model and cost.
  // Thread-safe: one Provider may serve concurrent calls.
  virtual Answer Complete(const ChatRequest& request, const CallLimits& limits,
                          const TokenSink& on_text) = 0;
};

// Creates the provider for spec.provider, or an error naming the unknown provider.
Expected<std::unique_ptr<Provider>> MakeProvider(const ModelSpec& spec);

}  // namespace drux
