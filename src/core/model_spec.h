// How to reach one model: which wire protocol, where, under which name.
#pragma once

#include <string>
#include <vector>

namespace drux {

struct ModelSpec {
  // The name users see and refer to ("qwen-7b", "gpt-5"); unique within a panel.
  std::string name;
  // The wire protocol: "openai" (OpenAI-compatible), "anthropic", "gemini", "local"
  // (llama.cpp in process) or "replay" (recorded answers).
  std::string provider;
  // Base URL of the endpoint, e.g. "http://127.0.0.1:8080/v1". For "local" the GGUF
  // file's path, empty until a catalog model (see model) is resolved to its file. For
  // "replay" the path of the JSONL file of recorded answers.
  std::string endpoint;
  // The model name sent to the endpoint; empty lets the server choose. For "local" with
  // no endpoint, the name of a catalog model (`drux models list`).
  std::string model;
  // The environment variable that holds the API key; empty for none. The key itself is
  // read at call time and never stored in a spec, a result or a log.
  std::string api_key_env;
  // Prices in US dollars per million tokens; 0 for free (local) models.
  double price_input_per_mtok = 0;
  double price_output_per_mtok = 0;
  // Price of prompt tokens served from the vendor's cache; 0 bills them as input.
  double price_cached_input_per_mtok = 0;
  // Generation limits for this member.
  int max_tokens = 512;
  double temperature = 0.7;
  // "local" only: the most tokens of context a call may use; 0 keeps the default (4096,
  // capped by what the model was trained for).
  int context_size = 0;
  // Models that answer in this member's place, in order, when it fails before streaming
  // any text, e.g. a vendor's smaller model (config: `fallbacks = ["name", ...]`).
  std::vector<ModelSpec> fallbacks;
};

struct Panel {
  std::string name;
  std::vector<ModelSpec> members;
};

}  // namespace drux
