// Long answers compared claim by claim: claims aligned across answers into clusters,
// pairwise agreement as the F1 of claim coverage. Internal to src/analysis.
#pragma once

#include <cstddef>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/answer_weights.h"
#include "analysis/claim_clusters.h"
#include "analysis/panel_claims.h"
#include "analysis/similarity.h"

namespace drux {

// Similarities of every pair of claims from different answers, computed once.
class SimilarityMatrix {
 public:
  SimilarityMatrix(const PanelClaims& panel, const Similarity& similarity);
  double operator()(size_t i, size_t j) const { return values_[i * size_ + j]; }

 private:
  size_t size_;
  std::vector<double> values_;
};

class ClaimAlignment {
 public:
  // Scores every pair of claims with similarity (already prepared on panel's claims) and
  // aligns them. panel and options must outlive this object.
  ClaimAlignment(const PanelClaims& panel, const Similarity& similarity,
                 const AnalysisOptions& options);

  // coverage[a][b]: the share of b's claims that some claim of a matches (how much of
  // answer b answer a also says); 1 on the diagonal.
  const AgreementMatrix& coverage() const { return coverage_; }

  // agreement[a][b]: the F1 (harmonic mean) of coverage[a][b] and coverage[b][a].
  const AgreementMatrix& agreement() const { return agreement_; }

  // Fills the clusters (best supported first, then in the representative answer's
  // order), agreements and disagreements (contradictions, then unique points).
  void Describe(size_t representative, Analysis* analysis);

 private:
  const PanelClaims& panel_;
  const AnalysisOptions& options_;
  SimilarityMatrix similarity_;
  std::vector<Cluster> clusters_;
  AgreementMatrix coverage_;
  AgreementMatrix agreement_;
};

}  // namespace drux
