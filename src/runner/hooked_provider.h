// A Provider whose calls go through the budget hooks of RunOptions, for calls made outside
// a panel run that cost money too (the synthesizer, a judge similarity).
#pragma once

#include <functional>
#include <memory>

#include "core/model_spec.h"
#include "providers/provider.h"

namespace drux {

using BeforePricedCall = std::function<Expected<void>(const ModelSpec& spec)>;
using AfterCall = std::function<void(const ModelSpec& spec, const Answer& answer)>;

class HookedProvider final : public Provider {
 public:
  // Calls inner for spec. before is asked before each call when spec is priced (IsPriced)
  // and its error is returned as the answer's, without a call; after is told of each call
  // made, its cost filled in (CallCostUsd). Either may be empty.
  HookedProvider(std::shared_ptr<Provider> inner, ModelSpec spec, BeforePricedCall before,
                 AfterCall after);

  Answer Complete(const ChatRequest& request, const CallLimits& limits,
                  const TokenSink& on_text) override;

 private:
  const std::shared_ptr<Provider> inner_;
  const ModelSpec spec_;
  const BeforePricedCall before_;
  const AfterCall after_;
};

}  // namespace drux
