// SICK 2014 test set (../shared/data/sick/SICK_test_annotated.txt): sentence pairs
// labelled entailment, contradiction or neutral. How well do the claim-level checks
// work: contradiction detection, and similarity telling entailment from neutral?
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/analysis_batch.h"
#include "core/error.h"

namespace drux::eval {

enum class SickLabel { kEntailment, kContradiction, kNeutral };

struct SickPair {
  std::string a;
  std::string b;
  SickLabel label = SickLabel::kNeutral;
};

// The pairs of the tab-separated file (header line first). kNotFound when absent,
// kInvalidArgument for a line without five fields or with an unknown label.
Expected<std::vector<SickPair>> LoadSick(const std::string& path);

struct SickFigures {
  size_t pairs = 0;
  size_t contradictions = 0;   // labelled contradiction
  size_t flagged = 0;          // ClaimsContradict said yes
  size_t flagged_correct = 0;  // ... on a labelled contradiction
  double contradiction_precision = 0;
  double contradiction_recall = 0;
  // AUROC of the similarity for entailment (positive) against neutral pairs.
  double similarity_auroc_entailment_vs_neutral = 0;
};

// Checks every pair with ClaimsContradict (AnalysisOptions' contradiction overlap) and
// scores it with one similarity, prepared on every sentence of the file (the corpus its
// term weights come from).
Expected<SickFigures> EvaluateSick(const std::vector<SickPair>& pairs,
                                   const SimilarityFactory& make_similarity);

}  // namespace drux::eval
