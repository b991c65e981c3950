#include "analysis/lexical_similarity.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

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

bool Contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

bool IsName(const Claim& claim, const std::string& term) {
  return term == claim.opening_name || Contains(claim.names, term);
}

// The weight of a term in an answer: its idf, times kValueFactor for a name.
double AnswerTermWeight(const Claim& claim, const std::string& term,
                        const LexicalSimilarity& weights) {
  return weights.Weight(term) * (IsName(claim, term) ? LexicalSimilarity::kValueFactor : 1.0);
}

// Adds the overlap of two answers' terms; a term shared with a name on either side counts
// as a name.
void AccumulateAnswerTerms(const Claim& a, const Claim& b, const LexicalSimilarity& weights,
                           OverlapParts* parts) {
  for (const std::string& term : a.terms) {
    const double weight = AnswerTermWeight(a, term, weights);
    parts->total_a += weight;
    if (Contains(b.terms, term)) {
      parts->shared += std::max(weight, AnswerTermWeight(b, term, weights));
    }
  }
  for (const std::string& term : b.terms) parts->total_b += AnswerTermWeight(b, term, weights);
  for (const std::string& number : a.numbers) {
    const double weight = weights.Weight(number) * LexicalSimilarity::kValueFactor;
    parts->total_a += weight;
    if (Contains(b.numbers, number)) parts->shared += weight;
  }
  for (const std::string& number : b.numbers) {
    parts->total_b += weights.Weight(number) * LexicalSimilarity::kValueFactor;
  }
}

bool StateDifferentValues(const Claim& a, const Claim& b) {
  if (a.negated != b.negated) return true;
  // Cheap exits first, most pairs take one: different numbers need numbers on both
  // sides, and a swapped name needs a definite (not opening) name on one side.
  const bool numbers_on_both = !a.numbers.empty() && !b.numbers.empty();
  if (!numbers_on_both && a.names.empty() && b.names.empty()) return false;
  const ValueDifference difference = CompareValues(a, b);
  return difference.NumbersDiffer() || difference.names_swapped;
}

// The score from the weighted overlap of two claims' features.
double CombineOverlap(const OverlapParts& parts, const Claim& a, const Claim& b) {
  if (parts.total_a == 0 && parts.total_b == 0) return a.text == b.text ? 1.0 : 0.0;
  if (parts.total_a == 0 || parts.total_b == 0 || parts.shared == 0) return 0;
  const double cosine = parts.shared / std::sqrt(parts.total_a * parts.total_b);
  const double containment = parts.shared / std::min(parts.total_a, parts.total_b);
  const double score = std::clamp((cosine + containment) / 2, 0.0, 1.0);
  return StateDifferentValues(a, b) ? score * LexicalSimilarity::kConflictFactor : score;
}

// A claim's terms and numbers as ids sorted ascending, with their weights.
struct WeighedFeatures {
  std::vector<std::pair<uint32_t, double>> features;
  double total = 0;
};

class FeatureIds {
 public:
  explicit FeatureIds(const LexicalSimilarity& weights) : weights_(weights) {}

  WeighedFeatures Weigh(const Claim& claim) {
    WeighedFeatures out;
    // Terms and numbers never match each other, so they get ids of their own.
    for (const std::string& term : claim.terms) out.features.push_back(Id(term_ids_, term));
    for (const std::string& number : claim.numbers) {
      out.features.push_back(Id(number_ids_, number));
    }
    std::sort(out.features.begin(), out.features.end());
    for (const auto& feature : out.features) out.total += feature.second;
    return out;
  }

 private:
  std::pair<uint32_t, double> Id(std::unordered_map<std::string, uint32_t>& ids,
                                 const std::string& feature) {
    const auto [found, added] = ids.try_emplace(feature, static_cast<uint32_t>(weight_.size()));
    if (added) weight_.push_back(weights_.Weight(feature));
    return {found->second, weight_[found->second]};
  }

  const LexicalSimilarity& weights_;
  std::unordered_map<std::string, uint32_t> term_ids_;
  std::unordered_map<std::string, uint32_t> number_ids_;
  std::vector<double> weight_;
};

double SharedWeight(const WeighedFeatures& a, const WeighedFeatures& b) {
  double shared = 0;
  auto it_a = a.features.begin();
  auto it_b = b.features.begin();
  while (it_a != a.features.end() && it_b != b.features.end()) {
    if (it_a->first < it_b->first) {
      ++it_a;
    } else if (it_b->first < it_a->first) {
      ++it_b;
    } else {
      shared += it_a->second;
      ++it_a;
      ++it_b;
    }
  }
  return shared;
}

}  // namespace

void LexicalSimilarity::Prepare(const std::vector<Claim>& all_claims) {
  std::unordered_map<std::string, int> document_frequency;
  for (const Claim& claim : all_claims) {
    for (const std::string& term : claim.terms) ++document_frequency[term];
    for (const std::string& number : claim.numbers) ++document_frequency[number];
  }
  const double documents = static_cast<double>(all_claims.size());
  weights_.clear();
  for (const auto& [feature, frequency] : document_frequency) {
    weights_[feature] = std::log((1.0 + documents) / (1.0 + frequency)) + 1.0;
  }
  unseen_weight_ = std::log(1.0 + documents) + 1.0;
}

double LexicalSimilarity::Weight(const std::string& feature) const {
  const auto found = weights_.find(feature);
  return found == weights_.end() ? unseen_weight_ : found->second;
}

double LexicalSimilarity::Score(const Claim& a, const Claim& b) const {
  OverlapParts parts;
  AccumulateOverlap(a.terms, b.terms, *this, &parts);
  AccumulateOverlap(a.numbers, b.numbers, *this, &parts);
  return CombineOverlap(parts, a, b);
}

std::vector<double> LexicalSimilarity::ScoreAcross(const std::vector<Claim>& claims,
                                                   const std::vector<size_t>& group) const {
  const size_t n = claims.size();
  FeatureIds ids(*this);
  std::vector<WeighedFeatures> weighed;
  for (const Claim& claim : claims) weighed.push_back(ids.Weigh(claim));
  std::vector<double> values(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      if (group[i] == group[j]) continue;
      const OverlapParts parts{SharedWeight(weighed[i], weighed[j]), weighed[i].total,
                               weighed[j].total};
      values[i * n + j] = values[j * n + i] = CombineOverlap(parts, claims[i], claims[j]);
    }
  }
  return values;
}

double LexicalSimilarity::ScoreAnswers(const Claim& a, const Claim& b) const {
  OverlapParts parts;
  AccumulateAnswerTerms(a, b, *this, &parts);
  if (parts.total_a == 0 && parts.total_b == 0) return a.text == b.text ? 1.0 : 0.0;
  if (parts.total_a == 0 || parts.total_b == 0) return 0;
  return std::min(1.0, parts.shared / std::min(parts.total_a, parts.total_b));
}

}  // namespace drux
