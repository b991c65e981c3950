#include "analysis/lexical_similarity.h"

#include <algorithm>
#include <cmath>

namespace drux {
namespace {

struct OverlapParts {
  double shared = 0;
  double total_a = 0;
  double total_b = 0;
};

// Adds the weighted overlap of two sorted, unique feature lists. Weights are summed, not
// squared: squaring would let one rare word outweigh several shared ones.
void AccumulateOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b,
                       const LexicalSimilarity& weights, OverlapParts* parts) {
  auto it_a = a.begin();
  auto it_b = b.begin();
  while (it_a != a.end() || it_b != b.end()) {
    if (it_b == b.end() || (it_a != a.end() && *it_a < *it_b)) {
      parts->total_a += weights.Weight(*it_a++);
    } else if (it_a == a.end() || *it_b < *it_a) {
      parts->total_b += weights.Weight(*it_b++);
    } else {
      const double weight = weights.Weight(*it_a);
      parts->shared += weight;
      parts->total_a += weight;
      parts->total_b += weight;
      ++it_a;
      ++it_b;
    }
  }
}

bool StateDifferentValues(const Claim& a, const Claim& b) {
  if (a.negated != b.negated) return true;
  const ValueDifference difference = CompareValues(a, b);
  return difference.NumbersDiffer() || difference.names_swapped;
}

}  // namespace

void LexicalSimilarity::Prepare(const std::vector<Claim>& all_claims) {
  document_frequency_.clear();
  documents_ = static_cast<int>(all_claims.size());
  for (const Claim& claim : all_claims) {
    for (const std::string& term : claim.terms) ++document_frequency_[term];
    for (const std::string& number : claim.numbers) ++document_frequency_[number];
  }
}

double LexicalSimilarity::Weight(const std::string& feature) const {
  const auto found = document_frequency_.find(feature);
  const int frequency = found == document_frequency_.end() ? 0 : found->second;
  return std::log((1.0 + documents_) / (1.0 + frequency)) + 1.0;
}

double LexicalSimilarity::Score(const Claim& a, const Claim& b) const {
  OverlapParts parts;
  AccumulateOverlap(a.terms, b.terms, *this, &parts);
  AccumulateOverlap(a.numbers, b.numbers, *this, &parts);
  if (parts.total_a == 0 && parts.total_b == 0) return a.text == b.text ? 1.0 : 0.0;
  if (parts.total_a == 0 || parts.total_b == 0) return 0;
  const double cosine = parts.shared / std::sqrt(parts.total_a * parts.total_b);
  const double containment = parts.shared / std::min(parts.total_a, parts.total_b);
  const double score = std::clamp((cosine + containment) / 2, 0.0, 1.0);
  return StateDifferentValues(a, b) ? score * kConflictFactor : score;
}

}  // namespace drux
