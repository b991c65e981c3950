// How reliable each model of a panel has proven over a batch of questions, learned from
// the panel's mutual agreement alone: no correct answers needed.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/analysis.h"

namespace drux {

struct ModelReliability {
  // The estimated chance that the model's answer is right, in [kMinAccuracy, kMaxAccuracy].
  std::map<std::string, double> accuracy;
  // The weight of the model's vote, ln(accuracy / (1 - accuracy)): the weighted-majority
  // weight of a voter with that accuracy. For AnalysisOptions::model_weights.
  std::map<std::string, double> weight;

  // Estimates are kept off chance and certainty: a model at or below chance still counts
  // a little, and no model outvotes all others alone.
  static constexpr double kMinAccuracy = 0.55;
  static constexpr double kMaxAccuracy = 0.99;
};

// Estimates each model's accuracy from the pairwise agreements of many analyses of the
// same panel, as in the one-coin Dawid-Skene model with answers that are right or wrong
// independently and wrong answers that rarely coincide: two models then agree with
// probability p_i p_j, so p_i = sqrt(a_ij a_ik / a_jk) for any two other models j, k,
// a_xy being the share of the questions both answered on which x and y agree: their
// pairwise agreement reaches agreement_threshold (the match threshold, so "agree" means
// "give the same answer" as the analysis itself judges it). The estimate is the mean over
// all such pairs (j, k) with a_jk > 0. A model needs two others seen with it; models
// without an estimate are left out (they weigh 1).
ModelReliability EstimateModelReliability(const std::vector<Analysis>& analyses,
                                          double agreement_threshold);

}  // namespace drux
