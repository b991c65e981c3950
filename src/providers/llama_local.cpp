#include "providers/llama_local.h"

#include <llama.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "core/utf8.h"
#include "providers/cpu_scheduler.h"

namespace drux {
namespace {

using Clock = std::chrono::steady_clock;

// As llama.cpp's own default; it also spares top-p from sorting a 150k-token vocabulary.
constexpr int kTopK = 40;

struct ContextDeleter {
  void operator()(llama_context* context) const { llama_free(context); }
};
using ContextPtr = std::unique_ptr<llama_context, ContextDeleter>;

struct SamplerDeleter {
  void operator()(llama_sampler* sampler) const { llama_sampler_free(sampler); }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

// Error lines llama.cpp logs on this thread while a LogErrorCapture is alive: its log
// callback is process-wide, but a model loads on the thread that asked for it.
thread_local std::vector<std::string>* t_captured_errors = nullptr;

void RouteLlamaLog(ggml_log_level level, const char* text, void* /*user_data*/) {
  static const bool to_stderr = [] {
    const char* value = std::getenv("DRUX_LLAMA_LOG");
    return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
  }();
  if (to_stderr) std::fputs(text, stderr);
  if (level == GGML_LOG_LEVEL_ERROR && t_captured_errors != nullptr) {
    t_captured_errors->emplace_back(text);
  }
}

void StartLlamaOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(RouteLlamaLog, nullptr);
    llama_backend_init();
  });
}

class LogErrorCapture {
 public:
  LogErrorCapture() { t_captured_errors = &errors_; }
  ~LogErrorCapture() { t_captured_errors = nullptr; }
  LogErrorCapture(const LogErrorCapture&) = delete;
  LogErrorCapture& operator=(const LogErrorCapture&) = delete;

  // llama.cpp's reason, e.g. "tensor 'output.weight' data is not within the file bounds,
  // model is corrupted or incomplete": its first error line (the cause; later ones report
  // the consequences) without the name of the function that logged it.
  std::string Reason() const {
    if (errors_.empty()) return "llama.cpp gave no reason (set DRUX_LLAMA_LOG=1 to see its log)";
    std::string reason = errors_.front();
    constexpr std::string_view kMarker = "error loading model: ";
    if (const std::size_t at = reason.find(kMarker); at != std::string::npos) {
      reason.erase(0, at + kMarker.size());
    } else if (const std::size_t colon = reason.find(": "); colon != std::string::npos) {
      reason.erase(0, colon + 2);
    }
    return Clean(std::move(reason));
  }

 private:
  static std::string Clean(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return SanitizeUtf8(text);
  }
  std::vector<std::string> errors_;
};

// Models by canonical path; an entry's mutex makes concurrent loads of one file load it once.
class ModelCache {
 public:
  static ModelCache& Instance() {
    static ModelCache cache;
    return cache;
  }

  template <typename LoadFunction>
  Expected<std::shared_ptr<const LocalModel>> Get(const std::string& key, LoadFunction load) {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard lock(mutex_);
      // Entries of unloaded models that nobody is loading go, so the map stays small.
      std::erase_if(entries_, [](const auto& item) {
        return item.second.use_count() == 1 && item.second->model.expired();
      });
      auto& slot = entries_[key];
      if (slot == nullptr) slot = std::make_shared<Entry>();
      entry = slot;
    }
    std::lock_guard load_lock(entry->load_mutex);
    if (auto model = entry->model.lock()) return model;
    auto loaded = load();
    if (loaded) entry->model = *loaded;
    return loaded;
  }

 private:
  struct Entry {
    std::mutex load_mutex;
    std::weak_ptr<const LocalModel> model;
  };
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

std::string Seconds(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

Expected<std::string> ApplyChatTemplate(const LocalModel& model,
                                        const std::vector<ChatMessage>& messages) {
  if (!model.chat_template()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the model file " + model.path() +
                         " has no chat template (tokenizer.chat_template), so there is no "
                         "telling how it expects a conversation; use the GGUF of an instruct or "
                         "chat model");
  }
  std::vector<llama_chat_message> chat;
  std::size_t total_bytes = 0;
  for (const ChatMessage& message : messages) {
    chat.push_back({message.role.c_str(), message.content.c_str()});
    total_bytes += message.role.size() + message.content.size();
  }
  std::vector<char> buffer(2 * total_bytes + 256);
  const char* tmpl = model.chat_template()->c_str();
  int32_t length = llama_chat_apply_template(tmpl, chat.data(), chat.size(), true, buffer.data(),
                                             static_cast<int32_t>(buffer.size()));
  if (length > static_cast<int32_t>(buffer.size())) {
    buffer.resize(static_cast<std::size_t>(length));
    length = llama_chat_apply_template(tmpl, chat.data(), chat.size(), true, buffer.data(),
                                       static_cast<int32_t>(buffer.size()));
  }
  if (length < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "llama.cpp cannot apply the chat template of " + model.path() +
                         ": it knows a fixed list of common templates (chatml, llama3, gemma, "
                         "mistral, phi3 and others) and this is none of them");
  }
  return std::string(buffer.data(), static_cast<std::size_t>(length));
}

SamplerPtr MakeChain(const ChatRequest& request, double top_p) {
  SamplerPtr chain(llama_sampler_chain_init(llama_sampler_chain_default_params()));
  if (request.temperature <= 0) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
    return chain;
  }
  llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(kTopK));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(static_cast<float>(top_p), 1));
  llama_sampler_chain_add(chain.get(),
                          llama_sampler_init_temp(static_cast<float>(request.temperature)));
  llama_sampler_chain_add(chain.get(),
                          llama_sampler_init_dist(request.seed.value_or(LLAMA_DEFAULT_SEED)));
  return chain;
}

// Picks each next token: the sampling chain alone, or under a grammar for structured output.
class TokenSampler {
 public:
  static Expected<TokenSampler> Make(const ChatRequest& request, double top_p,
                                     const LocalModel& model) {
    TokenSampler sampler(MakeChain(request, top_p), llama_model_get_vocab(model.handle()));
    if (!request.structured_output) return sampler;
    const LogErrorCapture capture;
    sampler.grammar_.reset(llama_sampler_init_grammar(
        sampler.vocab_, request.structured_output->gbnf.c_str(), "root"));
    if (sampler.grammar_ == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "llama.cpp rejected the grammar of the structured output \"" +
                           request.structured_output->name + "\": " + capture.Reason());
    }
    return sampler;
  }

  // The next token, or nullopt when the grammar allows none. Under a grammar, the chain's
  // own choice is kept when the grammar allows it, and only otherwise is the chain run
  // again over the tokens the grammar allows, as llama.cpp's common sampler does: checking
  // one token is far cheaper than checking a whole vocabulary.
  std::optional<llama_token> Sample(llama_context* context) {
    const llama_token token = llama_sampler_sample(chain_.get(), context, -1);
    if (grammar_ == nullptr) return token;
    llama_token_data single{token, 1.0f, 0.0f};
    llama_token_data_array one{&single, 1, -1, false};
    llama_sampler_apply(grammar_.get(), &one);
    if (std::isfinite(single.logit)) {
      llama_sampler_accept(grammar_.get(), token);
      return token;
    }
    const float* logits = llama_get_logits_ith(context, -1);
    candidates_.resize(static_cast<std::size_t>(llama_vocab_n_tokens(vocab_)));
    for (std::size_t id = 0; id < candidates_.size(); ++id) {
      candidates_[id] = {static_cast<llama_token>(id), logits[id], 0.0f};
    }
    llama_token_data_array all{candidates_.data(), candidates_.size(), -1, false};
    llama_sampler_apply(grammar_.get(), &all);
    llama_sampler_apply(chain_.get(), &all);
    if (all.selected < 0 || !std::isfinite(all.data[all.selected].logit)) return std::nullopt;
    const llama_token chosen = all.data[all.selected].id;
    llama_sampler_accept(grammar_.get(), chosen);
    return chosen;
  }

 private:
  TokenSampler(SamplerPtr chain, const llama_vocab* vocab)
      : chain_(std::move(chain)), vocab_(vocab) {}

  SamplerPtr chain_;
  SamplerPtr grammar_;
  const llama_vocab* vocab_;
  std::vector<llama_token_data> candidates_;
};

// The state of one Complete() call: its clock and limits, the text streamed so far, and
// the Answer it builds.
class LocalCall {
 public:
  LocalCall(const std::string& model_name, const CallLimits& limits, const TokenSink& on_text)
      : model_name_(model_name), limits_(limits), on_text_(on_text) {}

  Clock::time_point deadline() const { return deadline_; }

  // True once the caller cancelled or the deadline passed; ggml also polls it inside a
  // long prompt evaluation, through AbortRequested.
  bool StopRequested() const {
    return (limits_.cancel != nullptr && limits_.cancel->load()) || Clock::now() >= deadline_;
  }
  static bool AbortRequested(void* call) { return static_cast<LocalCall*>(call)->StopRequested(); }

  Answer Fail(Error error) {
    answer_.error = std::move(error);
    return Finish();
  }

  // Evaluates the prompt, then samples up to max_new_tokens, stopping early at an
  // end-of-generation token or when StopRequested.
  void Generate(llama_context* context, TokenSampler& sampler, std::vector<llama_token> prompt,
                int max_new_tokens, const CpuScheduler::Slot& slot) {
    const llama_vocab* vocab = llama_model_get_vocab(llama_get_model(context));
    answer_.usage.prompt_tokens = static_cast<int>(prompt.size());
    answer_.usage.reported = true;
    if (!Decode(context, prompt.data(), static_cast<int32_t>(prompt.size()))) return;
    int threads = llama_n_threads(context);
    while (true) {
      const std::optional<llama_token> sampled = sampler.Sample(context);
      if (!sampled) {
        answer_.error = Error{ErrorCode::kInternal, "the grammar of the structured output left " +
                                                        model_name_ + " no token to continue with"};
        return;
      }
      llama_token token = *sampled;
      if (llama_vocab_is_eog(vocab, token)) {
        answer_.finish_reason = "stop";
        return;
      }
      if (++answer_.usage.completion_tokens == 1) first_token_ms_ = MillisecondsSinceStart();
      AppendPiece(vocab, token);
      if (answer_.usage.completion_tokens >= max_new_tokens) {
        answer_.finish_reason = "length";
        return;
      }
      if (StopRequested()) {
        ReportStop();
        return;
      }
      // Others finishing or starting change this generation's share of the cores.
      if (const int now = slot.threads(); now != threads) {
        threads = now;
        llama_set_n_threads(context, threads, threads);
      }
      if (!Decode(context, &token, 1)) return;
    }
  }

  Answer Finish() {
    EmitPending(pending_.size());
    answer_.text = SanitizeUtf8(raw_text_);
    answer_.latency_ms = MillisecondsSinceStart();
    answer_.first_token_ms = first_token_ms_;
    return std::move(answer_);
  }

 private:
  double MillisecondsSinceStart() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  }

  bool Decode(llama_context* context, llama_token* tokens, int32_t count) {
    const int32_t status = llama_decode(context, llama_batch_get_one(tokens, count));
    if (status == 0) return true;
    if (status == 2 && StopRequested()) {
      ReportStop();
    } else {
      answer_.error =
          Error{ErrorCode::kInternal,
                "llama.cpp failed to evaluate " + std::to_string(count) + " tokens for " +
                    model_name_ + " (llama_decode returned " + std::to_string(status) + ")"};
    }
    return false;
  }

  void ReportStop() {
    const std::string generated =
        std::to_string(answer_.usage.completion_tokens) + " tokens generated";
    if (limits_.cancel != nullptr && limits_.cancel->load()) {
      answer_.error = Error{ErrorCode::kCancelled,
                            "the call to " + model_name_ + " was cancelled (" + generated + ")"};
    } else {
      answer_.error = Error{ErrorCode::kTimeout, model_name_ + " did not finish within " +
                                                     Seconds(limits_.total_timeout) + " s (" +
                                                     generated + "; the partial answer is kept)"};
    }
  }

  // Special tokens render as nothing: the caller wants the answer, not its markup.
  void AppendPiece(const llama_vocab* vocab, llama_token token) {
    std::string piece(64, '\0');
    int32_t length = llama_token_to_piece(vocab, token, piece.data(),
                                          static_cast<int32_t>(piece.size()), 0, false);
    if (length < 0) {  // a long token: -length is the size it needs
      piece.resize(static_cast<std::size_t>(-length));
      length = llama_token_to_piece(vocab, token, piece.data(), -length, 0, false);
    }
    if (length <= 0) return;
    piece.resize(static_cast<std::size_t>(length));
    raw_text_ += piece;
    pending_ += piece;
    EmitPending(CompleteUtf8Prefix(pending_));
  }

  // Sends the first length pending bytes to the sink; a character split across tokens waits
  // in pending_ for its remaining bytes.
  void EmitPending(std::size_t length) {
    if (length == 0) return;
    if (on_text_) on_text_(SanitizeUtf8(std::string_view(pending_).substr(0, length)));
    pending_.erase(0, length);
  }

  const Clock::time_point start_ = Clock::now();
  const std::string& model_name_;
  const CallLimits& limits_;
  const TokenSink& on_text_;
  const Clock::time_point deadline_ = start_ + limits_.total_timeout;
  Answer answer_;
  std::string raw_text_;
  std::string pending_;
  double first_token_ms_ = 0;
};

Expected<ContextPtr> MakeContext(const LocalModel& model, int context_size, int threads,
                                 LocalCall& call) {
  llama_context_params params = llama_context_default_params();
  params.n_ctx = static_cast<uint32_t>(context_size);
  params.n_batch = params.n_ctx;  // the whole prompt in one llama_decode
  params.n_seq_max = 1;
  params.n_threads = params.n_threads_batch = threads;
  params.no_perf = true;
  params.abort_callback = &LocalCall::AbortRequested;
  params.abort_callback_data = &call;
  const LogErrorCapture capture;
  ContextPtr context(llama_init_from_model(model.handle(), params));
  if (context == nullptr) {
    return MakeError(ErrorCode::kInternal, "llama.cpp could not create a context of " +
                                               std::to_string(context_size) + " tokens for " +
                                               model.path() + ": " + capture.Reason());
  }
  return context;
}

}  // namespace

Expected<void> CheckGgufFile(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    return MakeError(ErrorCode::kNotFound, "the model file " + path + " does not exist");
  }
  if (std::filesystem::is_directory(status)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path + " is a directory; a local model is one .gguf file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot read the model file " + path + ": " + std::strerror(errno));
  }
  unsigned char header[8] = {};
  file.read(reinterpret_cast<char*>(header), sizeof header);
  if (file.gcount() < 4 || std::memcmp(header, "GGUF", 4) != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path +
                         " is not a GGUF model file (it does not start with \"GGUF\"); "
                         "local models must be GGUF files, such as the ...-Q4_K_M.gguf "
                         "files on Hugging Face");
  }
  const unsigned version = header[4] | header[5] << 8 | header[6] << 16 | header[7] << 24;
  if (file.gcount() < 8 || version < 2 || version > 3) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the model file " + path + " has the unknown GGUF version " +
                         std::to_string(version) + "; this llama.cpp reads versions 2 and 3");
  }
  return {};
}

LocalModel::LocalModel(llama_model* model, std::string path)
    : model_(model), path_(std::move(path)) {
  char name[256];
  name_ = llama_model_meta_val_str(model_, "general.name", name, sizeof name) > 0
              ? SanitizeUtf8(name)
              : std::filesystem::path(path_).filename().string();
  trained_context_ = llama_model_n_ctx_train(model_);
  if (const char* tmpl = llama_model_chat_template(model_, nullptr)) chat_template_ = tmpl;
}

LocalModel::~LocalModel() {
  llama_model_free(model_);
}

Expected<std::shared_ptr<const LocalModel>> LocalModel::Load(const std::string& path) {
  if (auto checked = CheckGgufFile(path); !checked) return tl::unexpected(checked.error());
  StartLlamaOnce();
  std::error_code error;
  const std::string key = std::filesystem::weakly_canonical(path, error).string();
  return ModelCache::Instance().Get(
      error ? path : key, [&path]() -> Expected<std::shared_ptr<const LocalModel>> {
        const LogErrorCapture capture;
        llama_model_params params = llama_model_default_params();
        // Mapped, not read: pages load as they are used and stay shared with the page cache.
        if (llama_supports_mmap()) params.load_mode = LLAMA_LOAD_MODE_MMAP;
        llama_model* model = llama_model_load_from_file(path.c_str(), params);
        if (model == nullptr) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "llama.cpp could not load the model file " + path + ": " +
                               capture.Reason() +
                               "; the file may be incomplete (an interrupted download) or "
                               "newer than this llama.cpp");
        }
        return std::shared_ptr<const LocalModel>(new LocalModel(model, path));
      });
}

std::vector<std::int32_t> LocalModel::Tokenize(std::string_view text, bool special_tokens) const {
  const llama_vocab* vocab = llama_model_get_vocab(model_);
  const llama_token bos = llama_vocab_bos(vocab);
  const char* bos_text = bos == LLAMA_TOKEN_NULL ? nullptr : llama_vocab_get_text(vocab, bos);
  const bool add_special = bos_text == nullptr || *bos_text == '\0' || !text.starts_with(bos_text);
  std::vector<llama_token> tokens(text.size() + 8);
  const auto tokenize = [&] {
    return llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                          static_cast<int32_t>(tokens.size()), add_special, special_tokens);
  };
  int32_t count = tokenize();
  if (count < 0) {
    tokens.resize(static_cast<std::size_t>(-count));
    count = tokenize();
  }
  tokens.resize(static_cast<std::size_t>(std::max(count, 0)));
  return tokens;
}

LlamaLocalProvider::LlamaLocalProvider(ModelSpec spec, LocalModelOptions options)
    : spec_(std::move(spec)), options_(std::move(options)) {}

Expected<std::unique_ptr<LlamaLocalProvider>> LlamaLocalProvider::Open(const ModelSpec& spec,
                                                                       LocalModelOptions options) {
  if (spec.endpoint.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "model \"" + spec.name +
                         "\" names no model file; for the local provider, endpoint is the path "
                         "of a .gguf file");
  }
  if (auto checked = CheckGgufFile(spec.endpoint); !checked) {
    return MakeError(checked.error().code,
                     "model \"" + spec.name + "\": " + checked.error().message);
  }
  if (options.scheduler == nullptr) options.scheduler = CpuScheduler::Shared();
  return std::unique_ptr<LlamaLocalProvider>(new LlamaLocalProvider(spec, std::move(options)));
}

Expected<std::shared_ptr<const LocalModel>> LlamaLocalProvider::Model() {
  std::lock_guard lock(mutex_);
  if (model_ == nullptr) {
    auto loaded = LocalModel::Load(spec_.endpoint);
    if (!loaded) return loaded;
    model_ = *loaded;
  }
  return model_;
}

Expected<std::string> LlamaLocalProvider::FormatPrompt(const std::vector<ChatMessage>& messages) {
  const auto model = Model();
  if (!model) return tl::unexpected(model.error());
  return ApplyChatTemplate(**model, messages);
}

Answer LlamaLocalProvider::Complete(const ChatRequest& request, const CallLimits& limits,
                                    const TokenSink& on_text) {
  LocalCall call(spec_.name, limits, on_text);
  const auto model = Model();
  if (!model) return call.Fail(model.error());
  const auto prompt = ApplyChatTemplate(**model, request.messages);
  if (!prompt) return call.Fail(prompt.error());
  std::vector<llama_token> tokens = (*model)->Tokenize(*prompt, true);
  const int limit = std::min(options_.context_size, (*model)->trained_context());
  const int prompt_tokens = static_cast<int>(tokens.size());
  if (prompt_tokens >= limit) {
    std::string message = "the question is " + std::to_string(prompt_tokens) + " tokens with " +
                          spec_.name + "'s chat template; " + spec_.name + "'s context holds " +
                          std::to_string(limit) + " tokens; shorten the question";
    if (limit < (*model)->trained_context()) {
      message += " or raise the context size (the model was trained for " +
                 std::to_string((*model)->trained_context()) + ")";
    }
    return call.Fail({ErrorCode::kInvalidArgument, message});
  }

  auto sampler = TokenSampler::Make(request, options_.top_p, **model);
  if (!sampler) return call.Fail(sampler.error());
  auto slot = options_.scheduler->Acquire(call.deadline(), limits.cancel);
  if (!slot) {
    return call.Fail({slot.error().code, spec_.name + " did not start: " + slot.error().message});
  }
  // Sized to the need, not the limit: the memory of a context grows with its length.
  const int context_size = std::min(limit, prompt_tokens + std::max(1, request.max_tokens));
  auto context = MakeContext(**model, context_size, slot->threads(), call);
  if (!context) return call.Fail(context.error());
  call.Generate(context->get(), *sampler, std::move(tokens), context_size - prompt_tokens, *slot);
  Answer answer = call.Finish();
  answer.provider_model = (*model)->name();
  return answer;
}

}  // namespace drux
