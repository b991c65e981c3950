// What one call to a model costs, from the usage it reported and the model's prices.
#pragma once

#include "core/answer.h"
#include "core/model_spec.h"

namespace drux {

// True when any of the spec's prices is above 0: calls to it cost money and go through
// RunOptions::before_priced_call.
bool IsPriced(const ModelSpec& spec);

// US dollars: uncached prompt tokens at the input price, cached ones at the cached price
// (the input price when that is 0), completion tokens (reasoning included) at the output
// price, all per million tokens. Cached tokens above the prompt count are taken as the
// whole prompt, so a confused usage report cannot make a cost negative.
double CallCostUsd(const ModelSpec& spec, const TokenUsage& usage);

}  // namespace drux
