// A daily spending limit per user for priced models, so one account cannot run up the
// operator's bill. The server wires it into the runner's hooks: Check before each priced
// call (RunOptions::before_priced_call), Record after each call with its cost
// (RunOptions::after_call). Days are UTC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/model_spec.h"
#include "store/store.h"

namespace drux {

struct DailyBudgetOptions {
  // The most a user may spend on priced models in one UTC day, in US dollars.
  double usd_per_day = 5.00;
  // The time as Unix seconds; empty reads the system clock. Tests pass their own.
  std::function<std::int64_t()> clock;
};

// The UTC day of a Unix time as the store keeps it: "YYYY-MM-DD".
std::string UtcDay(std::int64_t unix_seconds);

// The most one call to spec can cost, in US dollars: max_tokens output tokens plus the
// prompt's tokens, estimated generously from its length in bytes (a token is rarely under
// 3 bytes of text), plus a margin for the chat template. 0 for a free model.
double EstimateMaxCallCost(const ModelSpec& spec, std::size_t prompt_bytes);

// Safe to call from several threads at once (the Store is).
class DailyBudget {
 public:
  // store must outlive this object.
  DailyBudget(Store& store, DailyBudgetOptions options);

  // Ok when the call may go ahead: always for a free model (all prices 0); for a priced one
  // when today's spend plus estimated_cost_usd stays within the limit, else
  // kBudgetExceeded saying the spend, the limit and the UTC day. A priced call without a
  // user (empty user_id) is kPermissionDenied. Check reserves nothing: calls checked at
  // the same moment may together pass the limit by at most their estimates.
  Expected<void> Check(const std::string& user_id, const ModelSpec& spec,
                       double estimated_cost_usd) const;

  // Adds a call's actual cost to the user's spend of today (UTC). Costs of 0 write nothing;
  // a negative cost or an empty user_id is kInvalidArgument.
  Expected<void> Record(const std::string& user_id, double cost_usd);

 private:
  std::int64_t Now() const;

  Store& store_;
  const DailyBudgetOptions options_;
};

}  // namespace drux
