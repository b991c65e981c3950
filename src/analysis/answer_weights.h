// How much each answer counts when the panel's agreement is summed up: per-model weights,
// discounted for near-repeats within a model family. Internal to src/analysis.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/analyzer.h"

namespace drux {

// agreement[a][b] in [0, 1] for the answers in slots a and b; symmetric, 1 on the diagonal.
using AgreementMatrix = std::vector<std::vector<double>>;

// Per slot: the model's weight (AnalysisOptions::model_weights, 1 when unlisted), times
// family_duplicate_discount when its answer agrees at least family_duplicate_agreement with
// an earlier slot's answer from a model of the same family.
std::vector<double> AnswerWeights(const std::vector<std::string>& models,
                                  const AgreementMatrix& agreement, const AnalysisOptions& options);

// Per slot a: the sum over slots b (a included) of weights[b] x agreement[a][b]. For a
// symmetric agreement, the soft weight of the cluster a belongs to.
std::vector<double> WeightedSupport(const AgreementMatrix& agreement,
                                    const std::vector<double>& weights);

// The slot with the largest weighted support; the first on a tie. For a symmetric
// agreement in the hard case (0 or 1), the medoid of the heaviest cluster of answers.
size_t ChooseRepresentative(const AgreementMatrix& agreement, const std::vector<double>& weights);

// The mean agreement over pairs of different slots, each pair weighing the product of its
// two weights; 0 with fewer than two slots.
double WeightedMeanAgreement(const AgreementMatrix& agreement, const std::vector<double>& weights);

}  // namespace drux
