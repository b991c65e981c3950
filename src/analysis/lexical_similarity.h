// Similarity from shared wording: the IDF-weighted overlap of two claims' stemmed terms
// and numbers. Cheap, deterministic and offline; blind to paraphrase with other words.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/similarity.h"

namespace drux {

class LexicalSimilarity final : public Similarity {
 public:
  // Claims that state different values ("1901" / "1902", "Canberra" / "Sydney") or
  // differ in negation are not the same point however many words they share: their
  // score is multiplied by this, which keeps them below the default match threshold.
  static constexpr double kConflictFactor = 0.35;

  std::string name() const override { return "lexical"; }

  // Counts in how many claims each term occurs. Without Prepare every term weighs the
  // same.
  void Prepare(const std::vector<Claim>& all_claims) override;

  // The mean of two overlaps of the claims' term-and-number sets, each feature weighted
  // by its smoothed inverse document frequency, idf(t) = ln((1 + N) / (1 + df(t))) + 1
  // over the N prepared claims, so words every answer uses (the topic) count least:
  // the cosine (shared weight / geometric mean of the two sets' weights) and the
  // containment (shared weight / the smaller set's weight). Containment lets a short
  // claim restated inside a longer one ("Paris." and "Paris is the capital of France.")
  // still match; the cosine keeps one shared word from matching a long claim.
  // Two claims without any feature score 1 when their texts are equal, else 0.
  double Score(const Claim& a, const Claim& b) const override;

  // Score's values, each claim's features weighed once rather than once per pair.
  std::vector<double> ScoreAcross(const std::vector<Claim>& claims,
                                  const std::vector<size_t>& group) const override;

  // The weighted containment of the smaller answer's terms and numbers in the other's:
  // shared weight / the smaller side's weight, where names and numbers (the values a
  // factual answer gives) weigh kValueFactor times their idf. "Paris." and "The capital
  // is Paris, on the Seine." give the same answer; "Paris." and "Lyon." do not.
  double ScoreAnswers(const Claim& a, const Claim& b) const override;

  // Names and numbers weigh this many times their idf in ScoreAnswers.
  static constexpr double kValueFactor = 3.0;

  // The idf weight of one term or number.
  double Weight(const std::string& feature) const;

 private:
  // idf per feature seen by Prepare; an unseen feature weighs unseen_weight_.
  std::unordered_map<std::string, double> weights_;
  double unseen_weight_ = 1.0;
};

}  // namespace drux
