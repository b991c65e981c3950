#include "runner/call_cost.h"

#include <algorithm>

namespace drux {

bool IsPriced(const ModelSpec& spec) {
  return spec.price_input_per_mtok > 0 || spec.price_output_per_mtok > 0 ||
         spec.price_cached_input_per_mtok > 0;
}

double CallCostUsd(const ModelSpec& spec, const TokenUsage& usage) {
  const double prompt = std::max(usage.prompt_tokens, 0);
  const double cached = std::clamp<double>(usage.cached_prompt_tokens, 0, prompt);
  const double cached_price = spec.price_cached_input_per_mtok > 0
                                  ? spec.price_cached_input_per_mtok
                                  : spec.price_input_per_mtok;
  const double completion = std::max(usage.completion_tokens, 0);
  return ((prompt - cached) * spec.price_input_per_mtok + cached * cached_price +
          completion * spec.price_output_per_mtok) /
         1e6;
}

}  // namespace drux
