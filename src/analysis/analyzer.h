// The analysis stage: from a panel's answers to the Consensus Score, the points the models
// agree on and the points they disagree on. See docs/consensus.md.
#pragma once

#include <cstddef>
#include <vector>

#include "analysis/similarity.h"
#include "core/analysis.h"
#include "core/answer.h"

namespace drux {

struct AnalysisOptions {
  // Two claims whose similarity reaches this are the same point. The default suits
  // LexicalSimilarity: restatements of one fact mostly score 0.4-1, different facts on
  // the same topic 0.1-0.35. Another similarity may need its own threshold.
  double match_threshold = 0.4;
  // Two claims of different models contradict when they state different numbers, or
  // one different name each, and at least this share of the shorter claim's other
  // terms is shared.
  double contradiction_overlap = 0.5;
  // At most this many contradictions are listed, the best supported first.
  size_t max_contradictions = 10;
  // At most this many points made by one model only are listed, the most substantial
  // (most terms) first.
  size_t max_unique_points = 10;
};

// Analyzes the answers that count: ok() and not blank. A failed member is left out,
// never counted as disagreeing. With no such answer the label is "No answers"; with one,
// the score is 0 and the label "Single answer", since no consensus can be claimed.
// Otherwise the score is 100 x the mean pairwise agreement (F1 of claim coverage).
// Deterministic: the same answers and similarity give the same Analysis.
Analysis AnalyzeAnswers(const std::vector<Answer>& answers, Similarity& similarity,
                        const AnalysisOptions& options = {});

// The label and meaning of a Consensus Score over answered_models models: "No answers",
// "Single answer", then by score >= 85 "Strong consensus", >= 65 "Consensus", >= 40
// "Mixed", else "Disagreement".
ConsensusScore LabelConsensus(double score, size_t answered_models);

}  // namespace drux
