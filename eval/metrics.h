// Figures of merit for scores against labels.
#pragma once

#include <cstddef>
#include <vector>

namespace drux::eval {

// The area under the ROC curve: the chance that a random positive scores above a random
// negative, ties counting half. 0.5 when either class is empty.
double Auroc(const std::vector<double>& scores, const std::vector<bool>& positive);

// The share of true values; 0 for none.
double Share(const std::vector<bool>& values);

struct ReliabilityBin {
  double lower = 0;  // score range [lower, upper); the last bin includes its upper end
  double upper = 0;
  size_t count = 0;
  double mean_score = 0;
  double accuracy = 0;  // share of positives among the bin's items; 0 when empty
};

// Splits [0, 100] into bin_count equal score ranges and reports the accuracy in each: a
// useful score has accuracy rising with the score.
std::vector<ReliabilityBin> ReliabilityTable(const std::vector<double>& scores,
                                             const std::vector<bool>& positive, size_t bin_count);

}  // namespace drux::eval
