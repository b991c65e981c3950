// Clusters of claims that make the same point, and what the analysis reports from them.
// Internal to src/analysis.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/panel_claims.h"
#include "core/analysis.h"

namespace drux {

struct Cluster {
  std::vector<size_t> members;  // claim indices, in the order they joined
  std::vector<size_t> slots;    // the answers with a member, ascending
  size_t medoid = 0;            // the member whose wording stands for the cluster
};

// The models of the cluster's slots, in slot order.
std::vector<std::string> ModelsOf(const Cluster& cluster, const PanelClaims& panel);

// The clusters supported by every answer, or by all but one when four or more answered:
// one silent or dissenting model does not undo what the rest agree on.
std::vector<AgreementPoint> FindAgreements(const std::vector<Cluster>& clusters,
                                           const PanelClaims& panel);

// Each cluster's wording, models and share of the answering models, in order.
std::vector<ClaimCluster> SummarizeClusters(const std::vector<Cluster>& clusters,
                                            const PanelClaims& panel);

}  // namespace drux
