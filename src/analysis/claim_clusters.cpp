#include "analysis/claim_clusters.h"

namespace drux {

std::vector<std::string> ModelsOf(const Cluster& cluster, const PanelClaims& panel) {
  std::vector<std::string> models;
  for (const size_t slot : cluster.slots) models.push_back(panel.models[slot]);
  return models;
}

std::vector<AgreementPoint> FindAgreements(const std::vector<Cluster>& clusters,
                                           const PanelClaims& panel) {
  const size_t n = panel.models.size();
  if (n < 2) return {};
  const size_t required = n >= 4 ? n - 1 : n;
  std::vector<AgreementPoint> agreements;
  for (const Cluster& cluster : clusters) {
    if (cluster.slots.size() < required) continue;
    agreements.push_back({panel.claims[cluster.medoid].text, ModelsOf(cluster, panel)});
  }
  return agreements;
}

std::vector<ClaimCluster> SummarizeClusters(const std::vector<Cluster>& clusters,
                                            const PanelClaims& panel) {
  std::vector<ClaimCluster> summaries;
  const auto answered = static_cast<double>(panel.models.size());
  for (const Cluster& cluster : clusters) {
    summaries.push_back({panel.claims[cluster.medoid].text, ModelsOf(cluster, panel),
                         static_cast<double>(cluster.slots.size()) / answered});
  }
  return summaries;
}

}  // namespace drux
