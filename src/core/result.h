// Everything Drux knows about one asked question. Immutable once complete; every face
// (CLI, web, API) renders this same value.
#pragma once

#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/answer.h"
#include "core/synthesis.h"

namespace drux {

enum class ResultStatus {
  kComplete,  // every member answered
  kPartial,   // some members answered, some did not
  kFailed,    // no member answered
};

const char* ResultStatusName(ResultStatus status);

struct Result {
  std::string question;
  std::string panel;
  std::vector<Answer> answers;  // one per member, in panel order
  Analysis analysis;
  Synthesis synthesis;
  ResultStatus status = ResultStatus::kFailed;
  // For people: "3 models · complete" or "2 of 3 answered · 1 timed out".
  std::string summary;
  double wall_ms = 0;
  double total_cost_usd = 0;
};

// Status and summary from the answers alone.
ResultStatus StatusOf(const std::vector<Answer>& answers);
std::string SummaryOf(const std::vector<Answer>& answers);

}  // namespace drux
