#include "providers/embedder.h"

#include <llama.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string_view>

#include "providers/cpu_scheduler.h"
#include "providers/llama_local.h"

namespace drux {
namespace {

struct ContextDeleter {
  void operator()(llama_context* context) const { llama_free(context); }
};
using ContextPtr = std::unique_ptr<llama_context, ContextDeleter>;

class Batch {
 public:
  explicit Batch(int capacity) : batch_(llama_batch_init(capacity, 0, 1)) {}
  ~Batch() { llama_batch_free(batch_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void Add(llama_token token, llama_pos position, llama_seq_id sequence) {
    const int32_t i = batch_.n_tokens++;
    batch_.token[i] = token;
    batch_.pos[i] = position;
    batch_.n_seq_id[i] = 1;
    batch_.seq_id[i][0] = sequence;
    batch_.logits[i] = 1;  // pooling reads every token's output
  }
  void Clear() { batch_.n_tokens = 0; }
  int32_t size() const { return batch_.n_tokens; }
  const llama_batch& get() const { return batch_; }

 private:
  llama_batch batch_;
};

// The pooling the model's metadata asks for ("<architecture>.pooling_type"); mean pooling
// when it asks for none, as for a chat model used for embeddings.
enum llama_pooling_type ModelPooling(const LocalModel& model) {
  char architecture[64];
  char value[16];
  if (llama_model_meta_val_str(model.handle(), "general.architecture", architecture,
                               sizeof architecture) <= 0) {
    return LLAMA_POOLING_TYPE_MEAN;
  }
  const std::string key = std::string(architecture) + ".pooling_type";
  if (llama_model_meta_val_str(model.handle(), key.c_str(), value, sizeof value) <= 0) {
    return LLAMA_POOLING_TYPE_MEAN;
  }
  const auto pooling = static_cast<enum llama_pooling_type>(std::atoi(value));
  return pooling == LLAMA_POOLING_TYPE_NONE ? LLAMA_POOLING_TYPE_MEAN : pooling;
}

}  // namespace

struct Embedder::State {
  std::shared_ptr<const LocalModel> model;
  std::shared_ptr<CpuScheduler> scheduler;
  int dimensions = 0;
  int max_text_tokens = 0;
  int batch_tokens = 0;
  int max_sequences = 0;
  // Guards the context: a llama_context serves one evaluation at a time.
  std::mutex mutex;
  ContextPtr context;
};

Embedder::Embedder(std::unique_ptr<State> state) : state_(std::move(state)) {}

Embedder::~Embedder() = default;

int Embedder::dimensions() const {
  return state_->dimensions;
}

Expected<std::unique_ptr<Embedder>> Embedder::Open(const std::string& path,
                                                   EmbedderOptions options) {
  auto model = LocalModel::Load(path);
  if (!model) return tl::unexpected(model.error());
  const enum llama_pooling_type pooling = ModelPooling(**model);
  if (pooling == LLAMA_POOLING_TYPE_RANK) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the model file " + path +
                         " is a reranker, which scores pairs of texts; an embedding model "
                         "(or a chat model) gives the vectors Drux compares");
  }
  auto state = std::make_unique<State>();
  state->model = *model;
  state->scheduler = options.scheduler != nullptr ? options.scheduler : CpuScheduler::Shared();
  state->dimensions = llama_model_n_embd_out((*model)->handle());
  state->batch_tokens = std::max(1, options.batch_tokens);
  state->max_text_tokens = std::min(
      {std::max(1, options.max_tokens_per_text), (*model)->trained_context(), state->batch_tokens});
  // llama.cpp aborts on a context with more sequences than batch tokens.
  state->max_sequences = static_cast<int>(std::min<std::size_t>(
      {llama_max_parallel_sequences(), 64, static_cast<std::size_t>(state->batch_tokens)}));

  llama_context_params params = llama_context_default_params();
  params.embeddings = true;
  params.pooling_type = pooling;
  // A text must fit one physical batch: encoder models see all of a sequence at once.
  params.n_ctx = params.n_batch = params.n_ubatch = static_cast<uint32_t>(state->batch_tokens);
  params.n_seq_max = static_cast<uint32_t>(state->max_sequences);
  // The texts of a step share one cache instead of each getting n_ctx / n_seq_max of it.
  params.kv_unified = true;
  params.no_perf = true;
  state->context.reset(llama_init_from_model((*model)->handle(), params));
  if (state->context == nullptr) {
    return MakeError(ErrorCode::kInternal, "llama.cpp could not create an embedding context for " +
                                               path + " (set DRUX_LLAMA_LOG=1 to see why)");
  }
  return std::unique_ptr<Embedder>(new Embedder(std::move(state)));
}

Expected<std::vector<std::vector<float>>> Embedder::Embed(const std::vector<std::string>& texts) {
  // Each distinct text is evaluated once; its copies get the very same vector, where a
  // second evaluation in another position of a batch could differ in the last bits.
  std::map<std::string_view, std::size_t> first_of;
  std::vector<std::size_t> distinct_index(texts.size());
  std::vector<std::vector<std::int32_t>> tokenized;
  tokenized.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto [found, inserted] = first_of.emplace(texts[i], tokenized.size());
    distinct_index[i] = found->second;
    if (!inserted) continue;
    auto tokens = state_->model->Tokenize(texts[i], false);
    if (tokens.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "text " + std::to_string(i) + " has no tokens to embed (it is empty)");
    }
    if (static_cast<int>(tokens.size()) > state_->max_text_tokens) {
      tokens.resize(static_cast<std::size_t>(state_->max_text_tokens));
    }
    tokenized.push_back(std::move(tokens));
  }

  std::lock_guard lock(state_->mutex);
  llama_context* context = state_->context.get();
  auto slot = state_->scheduler->Acquire(std::chrono::steady_clock::time_point::max(), nullptr);
  if (!slot) return tl::unexpected(slot.error());
  llama_set_n_threads(context, slot->threads(), slot->threads());

  const llama_model* model = state_->model->handle();
  const bool encoder_only = llama_model_has_encoder(model) && !llama_model_has_decoder(model);
  std::vector<std::vector<float>> vectors;
  vectors.reserve(texts.size());
  Batch batch(state_->batch_tokens);
  int sequences = 0;
  // Evaluates the texts packed so far and appends their vectors in order.
  const auto flush = [&]() -> Expected<void> {
    // Models without a cache (encoders) have no memory to clear.
    if (llama_memory_t memory = llama_get_memory(context)) llama_memory_clear(memory, true);
    const int32_t status =
        encoder_only ? llama_encode(context, batch.get()) : llama_decode(context, batch.get());
    if (status != 0) {
      return MakeError(ErrorCode::kInternal,
                       "llama.cpp failed to evaluate " + std::to_string(batch.size()) +
                           " tokens for embeddings (status " + std::to_string(status) + ")");
    }
    for (int sequence = 0; sequence < sequences; ++sequence) {
      const float* pooled = llama_get_embeddings_seq(context, sequence);
      if (pooled == nullptr) {
        return MakeError(ErrorCode::kInternal, "llama.cpp returned no pooled embedding");
      }
      std::vector<float> vector(pooled, pooled + state_->dimensions);
      double norm = 0;
      for (const float x : vector) norm += static_cast<double>(x) * x;
      norm = std::sqrt(norm);
      if (norm == 0 || !std::isfinite(norm)) {
        return MakeError(ErrorCode::kInternal,
                         "the embedding model gave a text a vector of zero or infinite length");
      }
      for (float& x : vector) x = static_cast<float>(x / norm);
      vectors.push_back(std::move(vector));
    }
    batch.Clear();
    sequences = 0;
    return {};
  };
  for (const auto& tokens : tokenized) {
    const int count = static_cast<int>(tokens.size());
    if (batch.size() + count > state_->batch_tokens || sequences == state_->max_sequences) {
      if (auto flushed = flush(); !flushed) return tl::unexpected(flushed.error());
    }
    for (int position = 0; position < count; ++position) {
      batch.Add(tokens[static_cast<std::size_t>(position)], position, sequences);
    }
    ++sequences;
  }
  if (sequences > 0) {
    if (auto flushed = flush(); !flushed) return tl::unexpected(flushed.error());
  }
  std::vector<std::vector<float>> in_order;
  in_order.reserve(texts.size());
  for (const std::size_t index : distinct_index) in_order.push_back(vectors[index]);
  return in_order;
}

}  // namespace drux
