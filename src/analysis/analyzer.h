// The analysis stage: from a panel's answers to the Consensus Score, the representative
// answer, the points the models agree on and the points they disagree on. See
// docs/consensus.md.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/claims.h"
#include "analysis/similarity.h"
#include "core/analysis.h"
#include "core/answer.h"

namespace drux {

// How answers are compared.
enum class AnswerShape {
  kAuto,   // short when more than half the answers have at most short_answer_max_claims
           // claims and none holds code; long otherwise
  kShort,  // whole answers, as for factual questions ("Canberra." / "It is Sydney.")
  kLong,   // claim by claim, as for explanations, lists and how-tos
};

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
  AnswerShape shape = AnswerShape::kAuto;
  // For kAuto: an answer of at most this many claims is short.
  size_t short_answer_max_claims = 1;
  // How much each model's answer counts, by model name; a model not listed weighs 1.
  // Weights must be positive. EstimateModelReliability (model_reliability.h) learns them
  // from a batch of questions without labels.
  std::map<std::string, double> model_weights;
  // The family of each model ("gpt-3.5", "llama-3"); a model not listed is a family of its
  // own. An answer that agrees at least family_duplicate_agreement with an earlier answer
  // of the same family counts family_duplicate_discount times its weight: models of one
  // family share training data and mistakes, so their agreement is weaker evidence.
  std::map<std::string, std::string> model_families;
  double family_duplicate_agreement = 0.8;
  double family_duplicate_discount = 0.5;
};

// Analyzes the answers that count: ok() and not blank. A failed member is left out,
// never counted as disagreeing. With no such answer the label is "No answers"; with one,
// the score is 0 and the label "Single answer", since no consensus can be claimed.
// Otherwise the pairwise agreement of every two answers is measured (whole answers or
// claim coverage, per options.shape), the representative is the answer with the largest
// weighted agreement with all answers, and the score is 100 x the weighted mean pairwise
// agreement. The question's own words are ignored when comparing answers; an empty
// question ignores nothing. Deterministic: the same inputs give the same Analysis.
Analysis AnalyzeAnswers(std::string_view question, const std::vector<Answer>& answers,
                        Similarity& similarity, const AnalysisOptions& options = {});

// As above, without a question.
Analysis AnalyzeAnswers(const std::vector<Answer>& answers, Similarity& similarity,
                        const AnalysisOptions& options = {});

// AnalyzeAnswers for many questions in turn: keeps what is costly to create (ICU break
// iterators, a stemmer) from one analysis to the next. Not thread-safe: one per thread.
class AnswerAnalyzer {
 public:
  Analysis Analyze(std::string_view question, const std::vector<Answer>& answers,
                   Similarity& similarity, const AnalysisOptions& options);

 private:
  ClaimSegmenter segmenter_;
};

// The label and meaning of a Consensus Score over answered_models models: "No answers",
// "Single answer", then by score >= 85 "Strong consensus", >= 65 "Consensus", >= 40
// "Mixed", else "Disagreement".
ConsensusScore LabelConsensus(double score, size_t answered_models);

}  // namespace drux
