#include "providers/provider.h"

#include "providers/anthropic.h"
#include "providers/gemini.h"
#include "providers/llama_local.h"
#include "providers/openai_compatible.h"
#include "providers/replay.h"

namespace drux {
namespace {

bool IsHttpUrl(const std::string& text) {
  return text.starts_with("http://") || text.starts_with("https://");
}

tl::unexpected<Error> NotAUrl(const ModelSpec& spec, const std::string& example) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "model \"" + spec.name + "\" has the endpoint \"" + spec.endpoint +
                       "\", which is not an http:// or https:// URL; " + example);
}

}  // namespace

Expected<std::unique_ptr<Provider>> MakeProvider(const ModelSpec& spec) {
  if (spec.provider == "openai") {
    if (!IsHttpUrl(spec.endpoint)) {
      return NotAUrl(spec, "an OpenAI-compatible endpoint looks like http://127.0.0.1:8080/v1");
    }
    return std::make_unique<OpenAiCompatibleProvider>(spec);
  }
  // Anthropic and Gemini have a default endpoint; one given must be a URL.
  if (spec.provider == "anthropic") {
    if (!spec.endpoint.empty() && !IsHttpUrl(spec.endpoint)) {
      return NotAUrl(spec, std::string("Anthropic's is ") + kAnthropicDefaultEndpoint);
    }
    return std::make_unique<AnthropicProvider>(spec);
  }
  if (spec.provider == "gemini") {
    if (!spec.endpoint.empty() && !IsHttpUrl(spec.endpoint)) {
      return NotAUrl(spec, std::string("Gemini's is ") + kGeminiDefaultEndpoint);
    }
    return std::make_unique<GeminiProvider>(spec);
  }
  if (spec.provider == "local") {
    LocalModelOptions options;
    if (spec.context_size > 0) options.context_size = spec.context_size;
    auto provider = LlamaLocalProvider::Open(spec, options);
    if (!provider) return tl::unexpected(provider.error());
    return std::unique_ptr<Provider>(std::move(*provider));
  }
  if (spec.provider == "replay") {
    if (spec.endpoint.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "model \"" + spec.name +
                           "\" names no replay file; for the replay provider, endpoint is the "
                           "path of a .jsonl file of recorded answers");
    }
    return std::make_unique<ReplayProvider>(spec);
  }
  return MakeError(ErrorCode::kNotFound,
                   "model \"" + spec.name + "\" names the unknown provider \"" + spec.provider +
                       "\"; the known providers are: openai, anthropic, gemini, local, replay");
}

}  // namespace drux
