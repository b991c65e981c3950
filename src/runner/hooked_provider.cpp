#include "runner/hooked_provider.h"

#include "runner/call_cost.h"

namespace drux {

HookedProvider::HookedProvider(std::shared_ptr<Provider> inner, ModelSpec spec,
                               BeforePricedCall before, AfterCall after)
    : inner_(std::move(inner)),
      spec_(std::move(spec)),
      before_(std::move(before)),
      after_(std::move(after)) {}

Answer HookedProvider::Complete(const ChatRequest& request, const CallLimits& limits,
                                const TokenSink& on_text) {
  if (before_ && IsPriced(spec_)) {
    if (auto allowed = before_(spec_); !allowed) {
      Answer refused;
      refused.model = spec_.name;
      refused.error = allowed.error();
      refused.skipped = true;
      return refused;
    }
  }
  Answer answer = inner_->Complete(request, limits, on_text);
  answer.answered_by = spec_.name;
  answer.attempts = 1;
  answer.cost_usd = CallCostUsd(spec_, answer.usage);
  if (after_) after_(spec_, answer);
  return answer;
}

}  // namespace drux
