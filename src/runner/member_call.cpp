#include "runner/member_call.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "runner/call_cost.h"
#include "runner/panel_run.h"

namespace drux {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// "Anthropic" for ANTHROPIC_API_KEY; the vendor a key variable belongs to, for a message.
std::string VendorOf(const ModelSpec& spec) {
  static const std::map<std::string, std::string> kVendors = {{"ANTHROPIC", "Anthropic"},
                                                              {"OPENAI", "OpenAI"},
                                                              {"GEMINI", "Google Gemini"},
                                                              {"GOOGLE", "Google"},
                                                              {"XAI", "xAI"},
                                                              {"DEEPSEEK", "DeepSeek"},
                                                              {"PERPLEXITY", "Perplexity"},
                                                              {"MISTRAL", "Mistral"},
                                                              {"GROQ", "Groq"},
                                                              {"OPENROUTER", "OpenRouter"},
                                                              {"TOGETHER", "Together AI"}};
  const std::string& variable = spec.api_key_env;
  const std::size_t underscore = variable.find('_');
  const auto vendor = kVendors.find(variable.substr(0, underscore));
  return vendor == kVendors.end() ? "" : vendor->second + " ";
}

std::string Seconds(std::chrono::milliseconds delay) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(delay.count()) / 1000);
  return text;
}

// Joins a later failure onto a message as its own sentence.
void AppendSentence(std::string& message, const std::string& sentence) {
  if (!message.empty() && message.back() != '.') message += '.';
  message += " " + sentence;
}

// The models that may answer in spec's place, in order: each fallback followed by its own
// fallbacks (a fallback chain nests in the configuration), each model once.
void CollectFallbacks(const ModelSpec& spec, std::vector<std::string>& seen,
                      std::vector<const ModelSpec*>& chain) {
  for (const ModelSpec& fallback : spec.fallbacks) {
    if (std::find(seen.begin(), seen.end(), fallback.name) != seen.end()) continue;
    seen.push_back(fallback.name);
    chain.push_back(&fallback);
    CollectFallbacks(fallback, seen, chain);
  }
}

}  // namespace

std::optional<Error> CheckApiKey(const ModelSpec& spec) {
  if (spec.api_key_env.empty()) return std::nullopt;
  const char* value = std::getenv(spec.api_key_env.c_str());
  if (value != nullptr && *value != '\0') return std::nullopt;
  return Error{ErrorCode::kMissingApiKey,
               spec.api_key_env + " is not set, so " + spec.name + " was skipped. Set it to your " +
                   VendorOf(spec) + "API key to include this model.",
               0, 0};
}

MemberCall::MemberCall(const PanelMember& member, int index, const ChatRequest& request,
                       const RunOptions& options, Clock::time_point deadline,
                       const std::atomic<bool>* stop, Emit emit)
    : member_(member),
      index_(index),
      request_(request),
      options_(options),
      start_(Clock::now()),
      deadline_(deadline),
      stop_(stop),
      emit_(std::move(emit)),
      retry_(options.retry),
      breaker_(options.circuit_breaker != nullptr ? *options.circuit_breaker
                                                  : CircuitBreaker::ForProcess()) {}

std::chrono::milliseconds MemberCall::Remaining() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
}

void MemberCall::EmitRetry(const std::string& text, const Error& error,
                           std::chrono::milliseconds delay) {
  ProgressEvent event;
  event.kind = ProgressEvent::Kind::kRetrying;
  event.member = index_;
  event.model = member_.spec.name;
  event.text = text;
  event.tokens = pieces_;
  event.elapsed_ms = MillisecondsSince(start_);
  event.error = error;
  event.retry_delay_ms = static_cast<double>(delay.count());
  emit_(std::move(event));
}

std::optional<Error> MemberCall::Refusal(const ModelSpec& spec) const {
  if (IsPriced(spec) && options_.before_priced_call) {
    if (auto allowed = options_.before_priced_call(spec); !allowed) return allowed.error();
  }
  return std::nullopt;
}

Answer MemberCall::CallOnce(const ModelSpec& spec, Provider& provider) {
  ++attempts_;
  const CallLimits limits{options_.connect_timeout, Remaining(), stop_};
  Answer answer = provider.Complete(request_, limits, [&](std::string_view text) {
    ++pieces_;
    ProgressEvent event;
    event.kind = ProgressEvent::Kind::kText;
    event.member = index_;
    event.model = member_.spec.name;
    event.text = std::string(text);
    event.tokens = pieces_;
    event.elapsed_ms = MillisecondsSince(start_);
    emit_(std::move(event));
  });
  answer.model = member_.spec.name;
  answer.answered_by = spec.name;
  answer.attempts = 1;
  answer.cost_usd = CallCostUsd(spec, answer.usage);
  cost_usd_ += answer.cost_usd;
  breaker_.Record(CircuitBreaker::EndpointOf(spec), CircuitBreaker::OutcomeOf(answer));
  if (options_.after_call) options_.after_call(spec, answer);
  return answer;
}

Answer MemberCall::CallModel(const ModelSpec& spec, Provider& provider) {
  std::optional<Answer> last;
  int failed = 0;
  while (true) {
    // A call given no time would run unbounded (a zero timeout means none to libcurl).
    if (Remaining().count() <= 0) {
      if (last) return *last;
      Answer answer;
      answer.error =
          Error{ErrorCode::kTimeout,
                spec.name + " was not called: no time was left before the deadline.", 0, 0};
      return answer;
    }
    if (auto refused = Refusal(spec)) {
      budget_refused_ = true;
      Answer answer;
      answer.error = std::move(refused);
      return answer;
    }
    if (auto open = breaker_.Admit(CircuitBreaker::EndpointOf(spec))) {
      if (last) {
        AppendSentence(last->error->message, "Not retried: " + open->message + ".");
        return *last;
      }
      open->message = spec.name + " skipped: " + open->message;
      Answer answer;
      answer.error = std::move(open);
      return answer;
    }
    last = CallOnce(spec, provider);
    if (last->ok() || pieces_ > 0) return *last;
    ++failed;
    const Error& error = *last->error;
    if (!retry_.MayRetry(failed, error)) return *last;
    const std::chrono::milliseconds delay = retry_.DelayBefore(failed, error);
    if (delay >= Remaining()) {
      AppendSentence(last->error->message, "Not retried: waiting " + Seconds(delay) +
                                               " would pass the member's deadline.");
      return *last;
    }
    EmitRetry("retrying in " + Seconds(delay) + ": " + RetryReason(error), error, delay);
    if (!retry_.Wait(delay, *stop_)) return *last;
  }
}

Answer MemberCall::Run() {
  const ModelSpec& spec = member_.spec;
  Answer answer;
  bool called = false;  // answer comes from a call rather than a refusal
  if (auto missing = CheckApiKey(spec)) {
    answer.error = std::move(missing);
  } else if (member_.provider == nullptr) {
    answer.error = member_.creation_error;
  } else {
    answer = CallModel(spec, *member_.provider);
    called = attempts_ > 0;
  }
  const bool primary_refused = !called && member_.provider != nullptr;
  const bool key_refused = answer.error && answer.error->code == ErrorCode::kMissingApiKey;

  // Fallbacks answer only where nothing reached the user yet and time is left.
  std::vector<std::string> seen = {spec.name};
  std::vector<const ModelSpec*> chain;
  CollectFallbacks(spec, seen, chain);
  for (const ModelSpec* next : chain) {
    const ModelSpec& fallback = *next;
    if (answer.ok() || pieces_ > 0 || budget_refused_ || stop_->load() ||
        Remaining().count() <= 0) {
      break;
    }
    EmitRetry("trying " + fallback.name + " in its place: " + RetryReason(*answer.error),
              *answer.error, std::chrono::milliseconds(0));
    const int attempts_before = attempts_;
    Answer tried;
    if (auto missing = CheckApiKey(fallback)) {
      tried.error = std::move(missing);
    } else if (auto provider = MakeProvider(fallback); !provider) {
      tried.error = provider.error();
    } else {
      tried = CallModel(fallback, **provider);
    }
    const bool tried_called = attempts_ > attempts_before;
    if (tried.ok() || pieces_ > 0 || (tried_called && !called)) {
      // An answer, text already shown, or the first error from a real call: it stands,
      // with what happened before it.
      if (!tried.ok()) AppendSentence(tried.error->message, "Before it: " + answer.error->message);
      answer = std::move(tried);
      called = called || tried_called;
    } else {
      AppendSentence(answer.error->message,
                     "Fallback " + fallback.name +
                         (tried_called ? " failed too: " : " was not called either: ") +
                         tried.error->message);
    }
  }

  answer.model = spec.name;
  answer.attempts = attempts_;
  answer.cost_usd = cost_usd_;
  answer.skipped = attempts_ == 0 && (primary_refused || key_refused) && !answer.ok();
  if (attempts_ != 1 || answer.latency_ms == 0) answer.latency_ms = MillisecondsSince(start_);
  return answer;
}

}  // namespace drux
