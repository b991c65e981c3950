// Sentence embeddings from a local GGUF model, in process with llama.cpp, for the
// embedding similarity of the analysis stage.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace drux {

class CpuScheduler;
class LocalModel;

struct EmbedderOptions {
  // The most tokens of one text that count; a longer text is embedded by its beginning.
  // The model's trained context caps it.
  int max_tokens_per_text = 512;
  // The most tokens evaluated in one step; texts are packed into steps up to this.
  int batch_tokens = 2048;
  // Shares the CPU with the other local computations; null means CpuScheduler::Shared().
  std::shared_ptr<CpuScheduler> scheduler = nullptr;
};

class Embedder {
 public:
  // Loads the model at path (through LocalModel::Load, so it is shared with any provider
  // using the same file). Errors name the path: kNotFound, kInvalidArgument for a file that
  // is not a usable GGUF model or a reranker.
  static Expected<std::unique_ptr<Embedder>> Open(const std::string& path,
                                                  EmbedderOptions options = {});

  Embedder(const Embedder&) = delete;
  Embedder& operator=(const Embedder&) = delete;
  ~Embedder();

  // One vector per text, in order, of dimensions() floats with unit length (L2), so a dot
  // product is the cosine similarity. Pools the token vectors the way the model says (mean
  // when it does not say), and evaluates several texts per step. A text is embedded the same
  // alone or with others. Fails with kInvalidArgument, naming its index, for a text with no
  // tokens. Thread-safe: calls are serialized on one llama.cpp context.
  Expected<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts);

  int dimensions() const;

 private:
  struct State;
  explicit Embedder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace drux
