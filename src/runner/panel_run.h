// Runs every member of a panel on the same question in parallel, under deadlines.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/answer.h"
#include "core/model_spec.h"
#include "core/question.h"
#include "providers/provider.h"
#include "runner/circuit_breaker.h"
#include "runner/progress.h"
#include "runner/retry_policy.h"

namespace drux {

struct RunOptions {
  // Each member must finish within this.
  std::chrono::milliseconds member_timeout{120000};
  // The whole panel must finish within this; members still running are stopped and
  // reported as timed out.
  std::chrono::milliseconds overall_timeout{180000};
  std::chrono::milliseconds connect_timeout{5000};
  // Sent before the question when not empty.
  std::string system_prompt;
  // Called before each call to a priced model (price > 0), fallbacks included; an error
  // (e.g. kBudgetExceeded) stops that call and the member fails with it. Free and local
  // models are never checked. May be empty. Called from members' threads, concurrently.
  std::function<Expected<void>(const ModelSpec& spec)> before_priced_call;
  // Called after every call that was made, with its answer (cost filled in), e.g. to add
  // the cost to the user's spend. May be empty. Called from members' threads, concurrently.
  std::function<void(const ModelSpec& spec, const Answer& answer)> after_call;
  // Retries of a call that failed before any text streamed (docs/reliability.md).
  RetryOptions retry;
  // Null uses CircuitBreaker::ForProcess(); tests give their own.
  CircuitBreaker* circuit_breaker = nullptr;
};

struct PanelMember {
  ModelSpec spec;
  // Null when the provider could not be created; creation_error says why and the member
  // is reported as failed without a call.
  std::shared_ptr<Provider> provider;
  std::optional<Error> creation_error;
};

// Creates the provider of each spec. A spec whose provider cannot be created becomes a
// member that fails with that reason; the others still run.
std::vector<PanelMember> MakePanelMembers(const std::vector<ModelSpec>& specs);

// Asks every member the question at once and returns one Answer per member, in member
// order. Never fails as a whole: each member's failure (error, timeout, garbage reply)
// is recorded in its Answer. A member whose API key is not set is skipped; a call that
// fails before streaming text is retried, then the member's fallbacks are tried in order
// (see MemberCall, docs/reliability.md). Returns by options.overall_timeout plus a short grace
// period, or soon after *cancel becomes true. on_progress may be empty.
std::vector<Answer> RunPanel(const Question& question, const std::vector<PanelMember>& members,
                             const RunOptions& options, const ProgressSink& on_progress,
                             const std::atomic<bool>* cancel = nullptr);

}  // namespace drux
