#include "core/result.h"

#include <map>

namespace drux {

const char* ResultStatusName(ResultStatus status) {
  switch (status) {
    case ResultStatus::kComplete:
      return "complete";
    case ResultStatus::kPartial:
      return "partial";
    case ResultStatus::kFailed:
      return "failed";
  }
  return "failed";
}

RoundCost CostOfRound(const std::vector<Answer>& answers) {
  RoundCost cost;
  for (const Answer& answer : answers) {
    cost.answered += answer.ok() ? 1 : 0;
    cost.prompt_tokens += answer.usage.prompt_tokens;
    cost.completion_tokens += answer.usage.completion_tokens;
    cost.cost_usd += answer.cost_usd;
  }
  return cost;
}

ResultStatus StatusOf(const std::vector<Answer>& answers) {
  std::size_t answered = 0;
  for (const Answer& answer : answers) answered += answer.ok() ? 1 : 0;
  if (answered == 0) return ResultStatus::kFailed;
  return answered == answers.size() ? ResultStatus::kComplete : ResultStatus::kPartial;
}

namespace {

// How a member that was not called reads in a summary: "skipped: no API key".
std::string SkipReason(const Error& error) {
  switch (error.code) {
    case ErrorCode::kMissingApiKey:
      return "skipped: no API key";
    case ErrorCode::kBudgetExceeded:
      return "skipped: over budget";
    case ErrorCode::kConnection:
      return "skipped: endpoint failing";
    default:
      return "skipped";
  }
}

// How a failure reads in a summary: "timed out", "rate limited", "failed".
std::string FailureVerb(const Answer& answer) {
  const Error& error = *answer.error;
  if (answer.skipped) return SkipReason(error);
  switch (error.code) {
    case ErrorCode::kTimeout:
      return "timed out";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kRateLimited:
      return "rate limited";
    case ErrorCode::kConnection:
      return "unreachable";
    case ErrorCode::kBudgetExceeded:
      return "over budget";
    default:
      return "failed";
  }
}

}  // namespace

std::string SummaryOf(const std::vector<Answer>& answers) {
  const std::size_t total = answers.size();
  std::size_t answered = 0;
  std::map<std::string, int> failures;  // ordered, so the summary is deterministic
  for (const Answer& answer : answers) {
    if (answer.ok()) {
      ++answered;
    } else {
      ++failures[FailureVerb(answer)];
    }
  }
  const std::string models = total == 1 ? " model" : " models";
  if (answered == total) return std::to_string(total) + models + " · complete";
  std::string summary = std::to_string(answered) + " of " + std::to_string(total) + " answered";
  for (const auto& [verb, count] : failures) {
    summary += " · " + std::to_string(count) + " " + verb;
  }
  return summary;
}

}  // namespace drux
