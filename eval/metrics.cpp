#include "eval/metrics.h"

#include <algorithm>
#include <numeric>

namespace drux::eval {

double Auroc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Mann-Whitney U from mid-ranks, so ties count half.
  double positive_rank_sum = 0;
  size_t positives = 0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
    const double mid_rank = (static_cast<double>(start + end) + 1) / 2;
    for (size_t i = start; i < end; ++i) {
      if (!positive[order[i]]) continue;
      positive_rank_sum += mid_rank;
      ++positives;
    }
    start = end;
  }
  const size_t negatives = scores.size() - positives;
  if (positives == 0 || negatives == 0) return 0.5;
  const auto p = static_cast<double>(positives);
  return (positive_rank_sum - p * (p + 1) / 2) / (p * static_cast<double>(negatives));
}

double Share(const std::vector<bool>& values) {
  if (values.empty()) return 0;
  return static_cast<double>(std::count(values.begin(), values.end(), true)) /
         static_cast<double>(values.size());
}

std::vector<ReliabilityBin> ReliabilityTable(const std::vector<double>& scores,
                                             const std::vector<bool>& positive, size_t bin_count) {
  std::vector<ReliabilityBin> bins(bin_count);
  const double width = 100.0 / static_cast<double>(bin_count);
  std::vector<size_t> positives(bin_count, 0);
  for (size_t b = 0; b < bin_count; ++b) {
    bins[b].lower = width * static_cast<double>(b);
    bins[b].upper = width * static_cast<double>(b + 1);
  }
  for (size_t i = 0; i < scores.size(); ++i) {
    const auto b = std::min(bin_count - 1, static_cast<size_t>(std::max(0.0, scores[i]) / width));
    ++bins[b].count;
    bins[b].mean_score += scores[i];
    if (positive[i]) ++positives[b];
  }
  for (size_t b = 0; b < bin_count; ++b) {
    if (bins[b].count == 0) continue;
    bins[b].mean_score /= static_cast<double>(bins[b].count);
    bins[b].accuracy = static_cast<double>(positives[b]) / static_cast<double>(bins[b].count);
  }
  return bins;
}

}  // namespace drux::eval
