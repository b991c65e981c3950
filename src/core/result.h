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

// One round of the panel. Round 1 answers the question; each later Mixture-of-Agents
// round answers it again after reading the previous round's answers (`--rounds`).
struct PanelRound {
  std::vector<Answer> answers;  // one per member, in panel order
  double wall_ms = 0;
};

// What a round cost, from its answers.
struct RoundCost {
  int answered = 0;
  int prompt_tokens = 0;
  int completion_tokens = 0;
  double cost_usd = 0;
};

RoundCost CostOfRound(const std::vector<Answer>& answers);

struct Result {
  std::string question;
  std::string panel;
  std::vector<Answer> answers;  // one per member, in panel order: the last round's
  // Every round, first to last; the last one's answers are `answers`. One round unless
  // Mixture-of-Agents rounds were asked for.
  std::vector<PanelRound> rounds;
  Analysis analysis;
  Synthesis synthesis;
  ResultStatus status = ResultStatus::kFailed;
  // For people: "3 models · complete" or "2 of 3 answered · 1 timed out".
  std::string summary;
  double wall_ms = 0;
  double total_cost_usd = 0;  // every round and the synthesizer
};

// Status and summary from the answers alone. A skipped member (Answer::skipped) counts as
// not answered and is summarized with its reason: "0 of 6 answered · 6 skipped: no API key".
ResultStatus StatusOf(const std::vector<Answer>& answers);
std::string SummaryOf(const std::vector<Answer>& answers);

}  // namespace drux
