#include "analysis/claim_alignment.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <tuple>
#include <utility>

namespace drux {
namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();

double MeanSimilarity(const Cluster& cluster, size_t claim, const SimilarityMatrix& sim) {
  double sum = 0;
  for (const size_t member : cluster.members) sum += sim(claim, member);
  return sum / static_cast<double>(cluster.members.size());
}

void ChooseMedoids(std::vector<Cluster>* clusters, const SimilarityMatrix& sim) {
  for (Cluster& cluster : *clusters) {
    double best_sum = -1;
    for (const size_t member : cluster.members) {
      const double sum = MeanSimilarity(cluster, member, sim);
      if (sum > best_sum) {
        best_sum = sum;
        cluster.medoid = member;
      }
    }
  }
}

// Greedy alignment in reading order: each claim joins the cluster it matches best on
// average (at least threshold) that has no claim of its answer yet, else starts a new
// one. Ties go to the older cluster, which keeps the result deterministic.
std::vector<Cluster> AlignClaims(const PanelClaims& panel, const SimilarityMatrix& sim,
                                 double threshold) {
  std::vector<Cluster> clusters;
  for (size_t claim = 0; claim < panel.claims.size(); ++claim) {
    const size_t slot = panel.slot_of[claim];
    size_t best = kNone;
    double best_score = threshold;
    for (size_t c = 0; c < clusters.size(); ++c) {
      const std::vector<size_t>& slots = clusters[c].slots;
      if (std::binary_search(slots.begin(), slots.end(), slot)) continue;
      const double score = MeanSimilarity(clusters[c], claim, sim);
      if (score >= best_score && (best == kNone || score > best_score)) {
        best = c;
        best_score = score;
      }
    }
    if (best == kNone) {
      best = clusters.size();
      clusters.emplace_back();
    }
    clusters[best].members.push_back(claim);
    std::vector<size_t>& slots = clusters[best].slots;
    slots.insert(std::upper_bound(slots.begin(), slots.end(), slot), slot);
  }
  ChooseMedoids(&clusters, sim);
  return clusters;
}

double Coverage(const PanelClaims& panel, size_t from, size_t to, const SimilarityMatrix& sim,
                double threshold) {
  const std::vector<size_t>& claims = panel.by_slot[from];
  if (claims.empty()) return 0;
  const auto matched = std::count_if(claims.begin(), claims.end(), [&](size_t claim) {
    return std::any_of(panel.by_slot[to].begin(), panel.by_slot[to].end(),
                       [&](size_t other) { return sim(claim, other) >= threshold; });
  });
  return static_cast<double>(matched) / static_cast<double>(claims.size());
}

AgreementMatrix MeasureCoverage(const PanelClaims& panel, const SimilarityMatrix& sim,
                                double threshold) {
  const size_t n = panel.models.size();
  AgreementMatrix coverage(n, std::vector<double>(n, 1.0));
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      if (a != b) coverage[a][b] = Coverage(panel, b, a, sim, threshold);
    }
  }
  return coverage;
}

AgreementMatrix ScoreAgreement(const AgreementMatrix& coverage) {
  AgreementMatrix agreement = coverage;
  for (size_t a = 0; a < coverage.size(); ++a) {
    for (size_t b = 0; b < coverage.size(); ++b) {
      const double ab = coverage[a][b];
      const double ba = coverage[b][a];
      if (a != b) agreement[a][b] = ab + ba > 0 ? 2 * ab * ba / (ab + ba) : 0.0;
    }
  }
  return agreement;
}

// Best supported first; among equals, in the order the representative answer makes
// them (so text built from them reads naturally), then in order of first appearance.
void OrderClusters(std::vector<Cluster>* clusters, const PanelClaims& panel,
                   size_t representative) {
  const auto key = [&](const Cluster& cluster) {
    size_t position = kNone;
    for (const size_t member : cluster.members) {
      if (panel.slot_of[member] == representative) position = member;
    }
    const size_t first = *std::min_element(cluster.members.begin(), cluster.members.end());
    return std::make_tuple(panel.models.size() - cluster.slots.size(), position, first);
  };
  std::stable_sort(clusters->begin(), clusters->end(),
                   [&](const Cluster& a, const Cluster& b) { return key(a) < key(b); });
}

bool IsWholeShortAnswer(const PanelClaims& panel, size_t claim) {
  return panel.claims[claim].kind != ClaimKind::kCode &&
         panel.by_slot[panel.slot_of[claim]].size() == 1;
}

// Different models contradict when two of their claims state conflicting values, or
// when both answers are one claim each and do not match: different answers to the same
// question.
bool ClustersContradict(const Cluster& a, const Cluster& b, const PanelClaims& panel,
                        const SimilarityMatrix& sim, double overlap) {
  std::vector<size_t> common;
  std::set_intersection(a.slots.begin(), a.slots.end(), b.slots.begin(), b.slots.end(),
                        std::back_inserter(common));
  if (!common.empty()) return false;
  const auto short_answer = [&](size_t claim) { return IsWholeShortAnswer(panel, claim); };
  if (std::all_of(a.members.begin(), a.members.end(), short_answer) &&
      std::all_of(b.members.begin(), b.members.end(), short_answer)) {
    return true;
  }
  for (const size_t x : a.members) {
    for (const size_t y : b.members) {
      // Claims sharing no feature at all cannot be about the same thing; restating the
      // same words of the question is a shared feature ("… first awarded in 1901/1902").
      const bool related = sim(x, y) > 0 || (!panel.claims[x].question_terms.empty() &&
                                             !panel.claims[y].question_terms.empty());
      if (related && ClaimsContradict(panel.claims[x], panel.claims[y], overlap)) {
        return true;
      }
    }
  }
  return false;
}

std::vector<DisagreementPoint> FindContradictions(const std::vector<Cluster>& clusters,
                                                  const PanelClaims& panel,
                                                  const SimilarityMatrix& sim,
                                                  const AnalysisOptions& options,
                                                  std::vector<bool>* contradicted) {
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t a = 0; a < clusters.size(); ++a) {
    for (size_t b = a + 1; b < clusters.size(); ++b) {
      if (ClustersContradict(clusters[a], clusters[b], panel, sim, options.contradiction_overlap)) {
        pairs.emplace_back(a, b);
      }
    }
  }
  const auto support = [&](const std::pair<size_t, size_t>& pair) {
    return clusters[pair.first].slots.size() + clusters[pair.second].slots.size();
  };
  std::stable_sort(pairs.begin(), pairs.end(),
                   [&](const auto& x, const auto& y) { return support(x) > support(y); });
  std::vector<DisagreementPoint> points;
  for (const auto& [a, b] : pairs) {
    (*contradicted)[a] = true;
    (*contradicted)[b] = true;
    if (points.size() == options.max_contradictions) continue;
    // Clusters are ordered best supported first, so `a` is the side more models take.
    points.push_back({DisagreementPoint::Kind::kContradiction,
                      panel.claims[clusters[a].medoid].text, ModelsOf(clusters[a], panel),
                      panel.claims[clusters[b].medoid].text, ModelsOf(clusters[b], panel)});
  }
  return points;
}

std::vector<DisagreementPoint> FindUniquePoints(const std::vector<Cluster>& clusters,
                                                const PanelClaims& panel,
                                                const std::vector<bool>& contradicted,
                                                size_t limit) {
  std::vector<size_t> unique;
  for (size_t c = 0; c < clusters.size(); ++c) {
    if (clusters[c].slots.size() == 1 && !contradicted[c]) unique.push_back(c);
  }
  const auto substance = [&](size_t c) {
    const Claim& claim = panel.claims[clusters[c].medoid];
    return claim.terms.size() + claim.numbers.size();
  };
  std::stable_sort(unique.begin(), unique.end(),
                   [&](size_t a, size_t b) { return substance(a) > substance(b); });
  if (unique.size() > limit) unique.resize(limit);
  std::vector<DisagreementPoint> points;
  for (const size_t c : unique) {
    points.push_back({DisagreementPoint::Kind::kUnique,
                      panel.claims[clusters[c].medoid].text,
                      ModelsOf(clusters[c], panel),
                      "",
                      {}});
  }
  return points;
}

}  // namespace

SimilarityMatrix::SimilarityMatrix(const PanelClaims& panel, const Similarity& similarity)
    : size_(panel.claims.size()), values_(similarity.ScoreAcross(panel.claims, panel.slot_of)) {}

ClaimAlignment::ClaimAlignment(const PanelClaims& panel, const Similarity& similarity,
                               const AnalysisOptions& options)
    : panel_(panel),
      options_(options),
      similarity_(panel, similarity),
      clusters_(AlignClaims(panel, similarity_, options.match_threshold)),
      coverage_(MeasureCoverage(panel, similarity_, options.match_threshold)),
      agreement_(ScoreAgreement(coverage_)) {}

void ClaimAlignment::Describe(size_t representative, Analysis* analysis) {
  OrderClusters(&clusters_, panel_, representative);
  analysis->agreements = FindAgreements(clusters_, panel_);
  analysis->clusters = SummarizeClusters(clusters_, panel_);
  if (panel_.models.size() < 2) return;
  std::vector<bool> contradicted(clusters_.size(), false);
  analysis->disagreements =
      FindContradictions(clusters_, panel_, similarity_, options_, &contradicted);
  std::vector<DisagreementPoint> unique =
      FindUniquePoints(clusters_, panel_, contradicted, options_.max_unique_points);
  analysis->disagreements.insert(analysis->disagreements.end(),
                                 std::make_move_iterator(unique.begin()),
                                 std::make_move_iterator(unique.end()));
}

}  // namespace drux
