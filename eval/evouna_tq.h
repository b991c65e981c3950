// EVOUNA TriviaQA (../shared/data/evouna/TQ.json): short factual answers of a panel with
// human correctness labels. Does the representative answer beat the best single model,
// and does the Consensus Score rank right picks above wrong ones?
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "analysis/analysis_batch.h"
#include "core/error.h"
#include "eval/metrics.h"

namespace drux::eval {

// The panel the evaluation uses: four LLMs (the file's fifth system, fid, is a
// retriever-reader, not an LLM).
const std::vector<std::string>& TqPanel();

struct TqQuestion {
  PanelQuestion panel;                // id "tq-<index in the file>"
  std::map<std::string, bool> right;  // per model: judged correct
};

// The file's questions, leaving out those marked improper or missing a judgement of a
// panel model. kNotFound when the file is absent, kInvalidArgument when it is not the
// expected JSON.
Expected<std::vector<TqQuestion>> LoadTq(const std::string& path);

struct TqFigures {
  std::string configuration;  // what was measured, in words
  size_t questions = 0;
  double representative_accuracy = 0;
  double score_auroc = 0;
  std::vector<ReliabilityBin> reliability;  // score bins of 10
  ModelReliability learned;                 // empty unless weights were learned
};

// Analyses every question with options and compares the representative's judgement.
Expected<TqFigures> EvaluateTq(const std::vector<TqQuestion>& questions,
                               const SimilarityFactory& make_similarity,
                               const BatchOptions& options, std::string configuration);

// Per model: the share of questions it answered right.
std::map<std::string, double> ModelAccuracy(const std::vector<TqQuestion>& questions);

// The batch options of the headline figures: whole-answer comparison, model weights
// learned from the panel's agreement, and the two GPT-3.5 models (gpt35, chatgpt) one
// family.
BatchOptions TqBatchOptions(size_t threads);

}  // namespace drux::eval
