// Short factual answers compared whole, as in semantic-entropy work: one answer, one
// point. Internal to src/analysis.
#pragma once

#include <cstddef>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/answer_weights.h"
#include "analysis/claim_clusters.h"
#include "analysis/panel_claims.h"
#include "analysis/similarity.h"

namespace drux {

// Whether the panel's answers are short: more than half of them have at most max_claims
// claims, and none holds code.
bool AnswersAreShort(const PanelClaims& panel, size_t max_claims);

class WholeAnswerComparison {
 public:
  // Prepares similarity on the panel's claims and each answer as one merged claim, then
  // scores every pair of answers. panel and options must outlive this object.
  WholeAnswerComparison(const PanelClaims& panel, Similarity& similarity,
                        const AnalysisOptions& options);

  // agreement[a][b]: the mean of sim(whole a, whole b) and sim(lead a, lead b), where the
  // lead is an answer's first claim that says something beyond the question (the answer
  // proper, without its elaboration). 0 for an answer without any claim.
  const AgreementMatrix& agreement() const { return agreement_; }

  // Clusters the answers (each joins the first cluster whose first answer it matches,
  // taken in order of weighted support, the representative first), heaviest cluster
  // first, each worded by its first answer's lead claim; agreements as for claims; every
  // other cluster is a contradiction of the first.
  void Describe(size_t representative, const std::vector<double>& weights,
                Analysis* analysis) const;

 private:
  std::vector<Cluster> ClusterAnswers(size_t representative,
                                      const std::vector<double>& weights) const;

  const PanelClaims& panel_;
  const AnalysisOptions& options_;
  std::vector<size_t> lead_;  // per slot: the lead claim's index, or none
  AgreementMatrix agreement_;
};

}  // namespace drux
