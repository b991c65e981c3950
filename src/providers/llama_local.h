// The in-process provider "local": GGUF models run by llama.cpp inside the Drux process, so
// a panel of open models needs no server. Only llama_local.cpp and embedder.cpp include
// llama.h; this header names llama.cpp's model type only as a forward-declared handle.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/model_spec.h"
#include "providers/provider.h"

struct llama_model;

namespace drux {

class CpuScheduler;

// Checks that path names a readable GGUF file (it starts with "GGUF" and a known version)
// without handing it to llama.cpp, which may abort on garbage. Errors name the path:
// kNotFound when nothing is there, kInvalidArgument for anything else.
Expected<void> CheckGgufFile(const std::string& path);

// A GGUF model loaded (memory-mapped) once per process and shared by every provider and
// embedder that uses the same file, at the same time; unloaded when the last user lets go.
// Immutable after loading, so concurrent users need no locking: each creates its own
// llama_context on it.
class LocalModel {
 public:
  // Returns the model at path, loading it unless another user holds it already. The first
  // call also starts llama.cpp for the process and routes its logging away from the terminal
  // (set DRUX_LLAMA_LOG=1 to see it on stderr). Errors name the path and carry llama.cpp's
  // own reason. Thread-safe; concurrent loads of one file load it once.
  static Expected<std::shared_ptr<const LocalModel>> Load(const std::string& path);

  LocalModel(const LocalModel&) = delete;
  LocalModel& operator=(const LocalModel&) = delete;
  ~LocalModel();

  // The llama.cpp handle, for creating contexts; owned by this object.
  llama_model* handle() const { return model_; }
  const std::string& path() const { return path_; }
  // The model's name from its metadata (general.name), else the file name.
  const std::string& name() const { return name_; }
  // The context length the model was trained with.
  int trained_context() const { return trained_context_; }
  // The chat template in the file (tokenizer.chat_template), nullopt when it has none.
  const std::optional<std::string>& chat_template() const { return chat_template_; }

  // The token ids of text, with the beginning/end tokens the vocabulary asks for (a
  // beginning token only when text does not start with it already, as templated prompts
  // may). With special_tokens, markers such as "<|im_start|>" become their control tokens;
  // without, they are plain text. Thread-safe.
  std::vector<std::int32_t> Tokenize(std::string_view text, bool special_tokens) const;

 private:
  LocalModel(llama_model* model, std::string path);

  llama_model* const model_;
  const std::string path_;
  std::string name_;
  int trained_context_ = 0;
  std::optional<std::string> chat_template_;
};

struct LocalModelOptions {
  // The most tokens of context one call uses for the prompt and the answer together; the
  // model's trained context caps it. Each call sizes its context to what it needs, up to this.
  int context_size = 4096;
  // Nucleus sampling: only tokens within the smallest set of this total probability are
  // drawn. Ignored at temperature 0, which always takes the likeliest token.
  double top_p = 0.95;
  // Shares the CPU with the other local computations; null means CpuScheduler::Shared().
  std::shared_ptr<CpuScheduler> scheduler = nullptr;
};

class LlamaLocalProvider : public Provider {
 public:
  // Checks that spec.endpoint is a GGUF file (see CheckGgufFile) and returns a provider that
  // loads it at its first call, through LocalModel::Load: creating a panel stays instant and
  // its members load in parallel, each in its own call.
  static Expected<std::unique_ptr<LlamaLocalProvider>> Open(const ModelSpec& spec,
                                                            LocalModelOptions options = {});

  // Generates on the CPU once the scheduler grants a slot, streaming whole UTF-8 characters
  // and stopping at the model's end-of-generation tokens ("stop") or at request.max_tokens or
  // the end of the context ("length"). Usage is counted exactly (reported = true). Cancel and
  // deadline are checked between tokens and inside long prompt evaluations, and keep the
  // partial text. A prompt that does not fit the context fails with kInvalidArgument before
  // any computation. With request.structured_output, its GBNF grammar constrains every
  // token, and the model can only end its turn once the grammar is complete (max_tokens
  // still cuts it). Thread-safe; concurrent calls share the loaded model.
  Answer Complete(const ChatRequest& request, const CallLimits& limits,
                  const TokenSink& on_text) override;

  // The text the model sees for these messages: its own chat template applied, ending with
  // the opening of the assistant's turn. Fails when the model has no chat template or one
  // that llama.cpp cannot apply. Loads the model if no call has yet.
  Expected<std::string> FormatPrompt(const std::vector<ChatMessage>& messages);

 private:
  LlamaLocalProvider(ModelSpec spec, LocalModelOptions options);

  // The loaded model, loading it at the first use; a failed load is retried next time.
  Expected<std::shared_ptr<const LocalModel>> Model();

  const ModelSpec spec_;
  const LocalModelOptions options_;
  std::mutex mutex_;
  std::shared_ptr<const LocalModel> model_;
};

}  // namespace drux
