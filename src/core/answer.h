// One panel member's answer to the question, or why there is none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace drux {

struct TokenUsage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
  // Of prompt_tokens, those the provider served from its prompt cache (cheaper where the
  // vendor prices them apart); 0 when not reported.
  int cached_prompt_tokens = 0;
  // Of completion_tokens, those spent on hidden reasoning; 0 when not reported.
  int reasoning_tokens = 0;
  // True when the numbers come from the provider's usage report, false when Drux
  // counted streamed chunks itself.
  bool reported = false;
};

struct Answer {
  std::string model;           // the member's display name (ModelSpec::name)
  std::string provider_model;  // the model name the provider says answered, if any
  std::string text;            // valid UTF-8; may be partial when error is set
  std::string finish_reason;   // "stop", "length", ... as the provider said it
  TokenUsage usage;
  double latency_ms = 0;       // from the call's start to its last byte
  double first_token_ms = 0;   // from the call's start to the first token, 0 if none
  double cost_usd = 0;         // from usage and the spec's prices
  // The model that actually answered: the member itself, or the fallback (ModelSpec::
  // fallbacks) that answered in its place. Empty when no call was made.
  std::string answered_by;
  int attempts = 0;            // calls made, retries and fallbacks included
  std::string reasoning;       // reasoning text a model returned apart from its answer
  std::vector<std::string> citations;  // source URLs a model cited (e.g. Perplexity Sonar)
  // True when the member was not called at all (e.g. its API key is not set); error says why.
  bool skipped = false;
  std::optional<Error> error;  // set when the member failed; text may hold a prefix

  bool ok() const { return !error.has_value(); }
};

}  // namespace drux
