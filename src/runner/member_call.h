// One panel member's turn: its own model, with retries, then its fallbacks in order, each
// call guarded by the API-key check, the circuit breaker and the budget hook, and priced.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/answer.h"
#include "core/error.h"
#include "core/model_spec.h"
#include "providers/provider.h"
#include "runner/circuit_breaker.h"
#include "runner/progress.h"
#include "runner/retry_policy.h"

namespace drux {

struct RunOptions;
struct PanelMember;

// kMissingApiKey when spec names an API key variable that is unset or empty, with a
// message naming the variable (never a key): "ANTHROPIC_API_KEY is not set, so
// claude-sonnet was skipped. Set it to your Anthropic API key to include this model."
std::optional<Error> CheckApiKey(const ModelSpec& spec);

class MemberCall {
 public:
  using Emit = std::function<void(ProgressEvent)>;

  // request is sent to every model tried; deadline bounds the whole turn, retries and
  // fallbacks included; *stop (never null) ends it early. Everything must outlive this.
  MemberCall(const PanelMember& member, int index, const ChatRequest& request,
             const RunOptions& options, std::chrono::steady_clock::time_point deadline,
             const std::atomic<bool>* stop, Emit emit);

  // Runs the turn and returns the member's Answer: model is the member's name,
  // answered_by the model whose call produced it, attempts the calls made, cost_usd the
  // cost of every call made (each at its own model's prices), skipped true when no call
  // was made at all. Text streams to the progress sink as kText events of the member.
  Answer Run();

 private:
  // The calls to one model, retries included, until one answers, text has streamed, the
  // failure is not transient, attempts run out or the next wait would pass the deadline.
  // A refusal (budget hook, open circuit) before the first call returns its error alone.
  Answer CallModel(const ModelSpec& spec, Provider& provider);
  // One call: streamed, priced, recorded with the breaker and reported to after_call.
  Answer CallOnce(const ModelSpec& spec, Provider& provider);
  // The budget hook's refusal of a call to spec, if any.
  std::optional<Error> Refusal(const ModelSpec& spec) const;
  void EmitRetry(const std::string& text, const Error& error, std::chrono::milliseconds delay);
  std::chrono::milliseconds Remaining() const;

  const PanelMember& member_;
  const int index_;
  const ChatRequest& request_;
  const RunOptions& options_;
  const std::chrono::steady_clock::time_point start_;
  const std::chrono::steady_clock::time_point deadline_;
  const std::atomic<bool>* stop_;
  Emit emit_;
  RetryPolicy retry_;
  CircuitBreaker& breaker_;
  int attempts_ = 0;
  int pieces_ = 0;  // text pieces streamed to the user, over every call
  double cost_usd_ = 0;
  bool budget_refused_ = false;
};

}  // namespace drux
