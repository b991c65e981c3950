// Similarity from shared wording: the IDF-weighted cosine of two claims' stemmed terms
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
  // score is multiplied by this.
  static constexpr double kConflictFactor = 0.5;

  std::string name() const override { return "lexical"; }

  // Counts in how many claims each term occurs. Without Prepare every term weighs the
  // same.
  void Prepare(const std::vector<Claim>& all_claims) override;

  // Cosine of the claims' term-and-number sets, each feature weighted by its smoothed
  // inverse document frequency, idf(t) = ln((1 + N) / (1 + df(t))) + 1 over the N
  // prepared claims: words every answer uses (the question's topic) count least.
  // Two claims without any feature score 1 when their texts are equal, else 0.
  double Score(const Claim& a, const Claim& b) const override;

  // The idf weight of one term or number.
  double Weight(const std::string& feature) const;

 private:
  std::unordered_map<std::string, int> document_frequency_;
  int documents_ = 0;
};

}  // namespace drux
