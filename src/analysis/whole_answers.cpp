#include "analysis/whole_answers.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace drux {
namespace {

constexpr size_t kNoClaim = std::numeric_limits<size_t>::max();

size_t LeadClaim(const PanelClaims& panel, size_t slot) {
  const std::vector<size_t>& claims = panel.by_slot[slot];
  if (claims.empty()) return kNoClaim;
  const auto beyond = std::find_if(claims.begin(), claims.end(),
                                   [&](size_t claim) { return panel.beyond_question[claim]; });
  return beyond == claims.end() ? claims.front() : *beyond;
}

std::vector<Claim> MergeAnswers(const PanelClaims& panel) {
  std::vector<Claim> wholes;
  for (size_t slot = 0; slot < panel.models.size(); ++slot) {
    std::vector<Claim> claims;
    for (const size_t claim : panel.by_slot[slot]) claims.push_back(panel.claims[claim]);
    const int answer_index = claims.empty() ? -1 : claims.front().answer_index;
    wholes.push_back(MergeClaims(claims, answer_index));
  }
  return wholes;
}

}  // namespace

bool AnswersAreShort(const PanelClaims& panel, size_t max_claims) {
  size_t short_answers = 0;
  for (const std::vector<size_t>& claims : panel.by_slot) {
    if (claims.size() <= max_claims) ++short_answers;
  }
  const bool any_code =
      std::any_of(panel.claims.begin(), panel.claims.end(),
                  [](const Claim& claim) { return claim.kind == ClaimKind::kCode; });
  return !any_code && 2 * short_answers > panel.models.size();
}

WholeAnswerComparison::WholeAnswerComparison(const PanelClaims& panel, Similarity& similarity,
                                             const AnalysisOptions& options)
    : panel_(panel), options_(options) {
  const size_t n = panel.models.size();
  const std::vector<Claim> wholes = MergeAnswers(panel);
  std::vector<Claim> corpus = panel.claims;
  corpus.insert(corpus.end(), wholes.begin(), wholes.end());
  similarity.Prepare(corpus);
  for (size_t slot = 0; slot < n; ++slot) lead_.push_back(LeadClaim(panel, slot));
  agreement_.assign(n, std::vector<double>(n, 1.0));
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      double score = 0;
      if (lead_[a] != kNoClaim && lead_[b] != kNoClaim) {
        score = (similarity.ScoreAnswers(wholes[a], wholes[b]) +
                 similarity.ScoreAnswers(panel.claims[lead_[a]], panel.claims[lead_[b]])) /
                2;
      }
      agreement_[a][b] = score;
      agreement_[b][a] = score;
    }
  }
}

std::vector<Cluster> WholeAnswerComparison::ClusterAnswers(
    size_t representative, const std::vector<double>& weights) const {
  const std::vector<double> support = WeightedSupport(agreement_, weights);
  std::vector<size_t> order(panel_.models.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if ((a == representative) != (b == representative)) return a == representative;
    return support[a] > support[b];
  });
  std::vector<Cluster> clusters;
  for (const size_t slot : order) {
    if (lead_[slot] == kNoClaim) continue;  // asserts nothing to cluster
    const auto joined = std::find_if(clusters.begin(), clusters.end(), [&](const Cluster& c) {
      return agreement_[panel_.slot_of[c.medoid]][slot] >= options_.match_threshold;
    });
    Cluster& cluster = joined != clusters.end() ? *joined : clusters.emplace_back();
    if (cluster.members.empty()) cluster.medoid = lead_[slot];
    cluster.members.push_back(lead_[slot]);
    cluster.slots.insert(std::upper_bound(cluster.slots.begin(), cluster.slots.end(), slot), slot);
  }
  const auto weight = [&](const Cluster& cluster) {
    double sum = 0;
    for (const size_t slot : cluster.slots) sum += weights[slot];
    return sum;
  };
  std::stable_sort(clusters.begin(), clusters.end(),
                   [&](const Cluster& a, const Cluster& b) { return weight(a) > weight(b); });
  return clusters;
}

void WholeAnswerComparison::Describe(size_t representative, const std::vector<double>& weights,
                                     Analysis* analysis) const {
  const std::vector<Cluster> clusters = ClusterAnswers(representative, weights);
  analysis->agreements = FindAgreements(clusters, panel_);
  analysis->clusters = SummarizeClusters(clusters, panel_);
  analysis->disagreements.clear();
  for (size_t c = 1; c < clusters.size() && c <= options_.max_contradictions; ++c) {
    analysis->disagreements.push_back(
        {DisagreementPoint::Kind::kContradiction, panel_.claims[clusters[0].medoid].text,
         ModelsOf(clusters[0], panel_), panel_.claims[clusters[c].medoid].text,
         ModelsOf(clusters[c], panel_)});
  }
}

}  // namespace drux
