// AlpacaEval (../shared/data/alpaca_eval/): long-form answers of four open models to the
// same 805 instructions, each judged against GPT-4-turbo's answer. Is the answer Drux puts
// forward better than a member's on average?
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analysis/analysis_batch.h"
#include "core/error.h"

namespace drux::eval {

struct AlpacaQuestion {
  PanelQuestion panel;  // id "alpaca-<index>", one answer per model
  // Per model: preference_vs_gpt4_turbo, 1 (GPT-4-turbo's answer better) to 2 (this one).
  std::map<std::string, double> preference;
};

// The instructions every model's file answers, in the first file's order. The models are
// the *.jsonl files of directory, by file name. kNotFound when there are none.
Expected<std::vector<AlpacaQuestion>> LoadAlpacaPanel(const std::string& directory);

struct AlpacaFigures {
  size_t questions = 0;
  std::map<std::string, double> member_mean;  // per model: its mean preference
  double members_mean = 0;                    // the mean of member_mean
  double representative_mean = 0;             // the mean preference of the representative
  std::map<std::string, size_t> picked;       // per model: how often it was representative
  ModelReliability learned;
};

Expected<AlpacaFigures> EvaluateAlpaca(const std::vector<AlpacaQuestion>& questions,
                                       const SimilarityFactory& make_similarity,
                                       const BatchOptions& options);

}  // namespace drux::eval
