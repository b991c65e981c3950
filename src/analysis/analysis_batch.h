// Many questions analysed at once, on several threads, optionally learning how much each
// model's answer counts from the batch itself. The engine of `drux analyze` and
// `drux eval`.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/model_reliability.h"
#include "analysis/similarity.h"
#include "core/analysis.h"
#include "core/answer.h"
#include "core/error.h"

namespace drux {

// One question and its panel's answers.
struct PanelQuestion {
  std::string id;
  std::string question;
  std::vector<Answer> answers;
};

// Makes one Similarity per worker thread, since similarities keep per-thread state (a
// stemmer, caches). Called on the calling thread before any work starts.
using SimilarityFactory = std::function<Expected<std::unique_ptr<Similarity>>()>;

struct BatchOptions {
  AnalysisOptions analysis;
  // Worker threads; 0 means one per hardware thread. The results do not depend on it.
  size_t threads = 1;
  // Learn analysis.model_weights from the batch (EstimateModelReliability over a first
  // pass), then analyse again with them. Needs three or more models; replaces any weights
  // given for the models it estimates.
  bool learn_model_weights = false;
};

struct BatchAnalysis {
  std::vector<Analysis> analyses;  // one per question, in order
  // The learned reliability, when BatchOptions::learn_model_weights was set.
  ModelReliability reliability;
};

// Analyses every question. Fails only when make_similarity fails; the message says why.
Expected<BatchAnalysis> AnalyzeBatch(const std::vector<PanelQuestion>& questions,
                                     const SimilarityFactory& make_similarity,
                                     const BatchOptions& options);

}  // namespace drux
