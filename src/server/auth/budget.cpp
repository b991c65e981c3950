#include "server/auth/budget.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace drux {
namespace {

constexpr double kBytesPerPromptToken = 3.0;
constexpr double kChatTemplateTokens = 32.0;

bool IsFree(const ModelSpec& spec) {
  return spec.price_input_per_mtok <= 0 && spec.price_output_per_mtok <= 0 &&
         spec.price_cached_input_per_mtok <= 0;
}

std::string Dollars(double usd) {
  char text[64];
  std::snprintf(text, sizeof text, usd < 0.01 && usd > 0 ? "$%.4f" : "$%.2f", usd);
  return text;
}

}  // namespace

std::string UtcDay(std::int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_seconds(seconds(unix_seconds)));
  const year_month_day date(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

double EstimateMaxCallCost(const ModelSpec& spec, std::size_t prompt_bytes) {
  if (IsFree(spec)) return 0;
  const double prompt_tokens =
      std::ceil(static_cast<double>(prompt_bytes) / kBytesPerPromptToken) + kChatTemplateTokens;
  const double output_tokens = std::max(spec.max_tokens, 0);
  return (prompt_tokens * std::max(spec.price_input_per_mtok, 0.0) +
          output_tokens * std::max(spec.price_output_per_mtok, 0.0)) /
         1e6;
}

DailyBudget::DailyBudget(Store& store, DailyBudgetOptions options)
    : store_(store), options_(std::move(options)) {}

std::int64_t DailyBudget::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Expected<void> DailyBudget::Check(const std::string& user_id, const ModelSpec& spec,
                                  double estimated_cost_usd) const {
  if (IsFree(spec)) return {};
  if (user_id.empty()) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "The model '" + spec.name +
                         "' is priced and needs a signed-in premium account. Sign in to use it.");
  }
  const std::string day = UtcDay(Now());
  auto spent = store_.SpendOn(user_id, day);
  if (!spent) return tl::unexpected(spent.error());
  const double estimate = std::max(estimated_cost_usd, 0.0);
  if (*spent + estimate <= options_.usd_per_day) return {};
  return MakeError(ErrorCode::kBudgetExceeded,
                   "The daily budget is used up: " + Dollars(*spent) + " spent of " +
                       Dollars(options_.usd_per_day) + " on " + day + " (UTC), and a call to '" +
                       spec.name + "' may cost up to " + Dollars(estimate) +
                       ". Use a free panel, or try again after 00:00 UTC.");
}

Expected<void> DailyBudget::Record(const std::string& user_id, double cost_usd) {
  if (user_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "Cannot record spend without a user.");
  }
  if (!(cost_usd >= 0)) {
    return MakeError(ErrorCode::kInvalidArgument, "Cannot record a negative or unknown cost (" +
                                                      std::to_string(cost_usd) + ") for a call.");
  }
  if (cost_usd == 0) return {};
  return store_.AddSpend(user_id, UtcDay(Now()), cost_usd);
}

}  // namespace drux
