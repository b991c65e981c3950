#include "providers/provider.h"

#include "providers/llama_local.h"
#include "providers/openai_compatible.h"
#include "providers/replay.h"

namespace drux {

Expected<std::unique_ptr<Provider>> MakeProvider(const ModelSpec& spec) {
  if (spec.provider == "openai") {
    if (!spec.endpoint.starts_with("http://") && !spec.endpoint.starts_with("https://")) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "model \"" + spec.name + "\" has the endpoint \"" + spec.endpoint +
                           "\", which is not an http:// or https:// URL; an OpenAI-compatible "
                           "endpoint looks like http://127.0.0.1:8080/v1");
    }
    return std::make_unique<OpenAiCompatibleProvider>(spec);
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
  return MakeError(ErrorCode::kNotFound, "model \"" + spec.name +
                                             "\" names the unknown provider \"" + spec.provider +
                                             "\"; the known providers are: openai, local, replay");
}

}  // namespace drux
