#include "analysis/analyzer.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <numeric>
#include <string>
#include <tuple>
#include <utility>

#include "analysis/claims.h"

namespace drux {
namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();

// The claims of the counted answers; a "slot" is an answer's position among them.
struct ClaimSet {
  std::vector<std::string> models;           // per slot
  std::vector<Claim> claims;                 // all claims, slot by slot, in reading order
  std::vector<size_t> slot_of;               // per claim
  std::vector<std::vector<size_t>> by_slot;  // claim indices per slot
};

ClaimSet CollectClaims(const std::vector<Answer>& answers) {
  ClaimSet set;
  for (size_t i = 0; i < answers.size(); ++i) {
    const Answer& answer = answers[i];
    if (!answer.ok() || answer.text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    const size_t slot = set.models.size();
    set.models.push_back(answer.model);
    set.by_slot.emplace_back();
    for (Claim& claim : SegmentClaims(answer.text, static_cast<int>(i))) {
      // Headings label sections of an answer; they assert nothing to agree on.
      if (claim.kind == ClaimKind::kHeading) continue;
      set.by_slot[slot].push_back(set.claims.size());
      set.slot_of.push_back(slot);
      set.claims.push_back(std::move(claim));
    }
  }
  return set;
}

// Similarities of every pair of claims from different answers, computed once.
class SimilarityMatrix {
 public:
  SimilarityMatrix(const ClaimSet& set, const Similarity& similarity)
      : size_(set.claims.size()), values_(size_ * size_, 0.0) {
    for (size_t i = 0; i < size_; ++i) {
      for (size_t j = i + 1; j < size_; ++j) {
        if (set.slot_of[i] == set.slot_of[j]) continue;
        const double score = similarity.Score(set.claims[i], set.claims[j]);
        values_[i * size_ + j] = score;
        values_[j * size_ + i] = score;
      }
    }
  }

  double operator()(size_t i, size_t j) const { return values_[i * size_ + j]; }

 private:
  size_t size_;
  std::vector<double> values_;
};

struct Cluster {
  std::vector<size_t> members;  // claim indices, in the order they joined
  std::vector<size_t> slots;    // the answers with a member, ascending
  size_t medoid = 0;            // the member most similar to the others
};

double MeanSimilarity(const Cluster& cluster, size_t claim, const SimilarityMatrix& sim) {
  double sum = 0;
  for (const size_t member : cluster.members) sum += sim(claim, member);
  return sum / static_cast<double>(cluster.members.size());
}

// Greedy alignment in reading order: each claim joins the cluster it matches best on
// average (at least threshold) that has no claim of its answer yet, else starts a new
// one. Ties go to the older cluster, which keeps the result deterministic.
std::vector<Cluster> AlignClaims(const ClaimSet& set, const SimilarityMatrix& sim,
                                 double threshold) {
  std::vector<Cluster> clusters;
  for (size_t claim = 0; claim < set.claims.size(); ++claim) {
    const size_t slot = set.slot_of[claim];
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
  for (Cluster& cluster : clusters) {
    double best_sum = -1;
    for (const size_t member : cluster.members) {
      const double sum = MeanSimilarity(cluster, member, sim);
      if (sum > best_sum) {
        best_sum = sum;
        cluster.medoid = member;
      }
    }
  }
  return clusters;
}

// The share of the claims of `from` that some claim of `to` matches.
double Coverage(const ClaimSet& set, size_t from, size_t to, const SimilarityMatrix& sim,
                double threshold) {
  const std::vector<size_t>& claims = set.by_slot[from];
  if (claims.empty()) return 0;
  const auto matched = std::count_if(claims.begin(), claims.end(), [&](size_t claim) {
    return std::any_of(set.by_slot[to].begin(), set.by_slot[to].end(),
                       [&](size_t other) { return sim(claim, other) >= threshold; });
  });
  return static_cast<double>(matched) / static_cast<double>(claims.size());
}

// agreement[a][b]: the F1 (harmonic mean) of the two answers' coverage of each other.
std::vector<std::vector<double>> ScoreAgreement(const ClaimSet& set, const SimilarityMatrix& sim,
                                                double threshold) {
  const size_t n = set.models.size();
  std::vector<std::vector<double>> agreement(n, std::vector<double>(n, 1.0));
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      const double ab = Coverage(set, a, b, sim, threshold);
      const double ba = Coverage(set, b, a, sim, threshold);
      const double f1 = ab + ba > 0 ? 2 * ab * ba / (ab + ba) : 0.0;
      agreement[a][b] = f1;
      agreement[b][a] = f1;
    }
  }
  return agreement;
}

// The medoid answer: the highest mean agreement with the others; the first on a tie.
size_t ChooseRepresentative(const std::vector<std::vector<double>>& agreement) {
  size_t best = 0;
  double best_sum = -1;
  for (size_t a = 0; a < agreement.size(); ++a) {
    const double sum = std::accumulate(agreement[a].begin(), agreement[a].end(), 0.0);
    if (sum > best_sum) {
      best = a;
      best_sum = sum;
    }
  }
  return best;
}

// Best supported first; among equals, in the order the representative answer makes
// them (so text built from them reads naturally), then in order of first appearance.
void OrderClusters(std::vector<Cluster>* clusters, const ClaimSet& set, size_t representative) {
  const auto key = [&](const Cluster& cluster) {
    size_t position = kNone;
    for (const size_t member : cluster.members) {
      if (set.slot_of[member] == representative) position = member;
    }
    const size_t first = *std::min_element(cluster.members.begin(), cluster.members.end());
    return std::make_tuple(set.models.size() - cluster.slots.size(), position, first);
  };
  std::stable_sort(clusters->begin(), clusters->end(),
                   [&](const Cluster& a, const Cluster& b) { return key(a) < key(b); });
}

std::vector<std::string> ModelsOf(const Cluster& cluster, const ClaimSet& set) {
  std::vector<std::string> models;
  for (const size_t slot : cluster.slots) models.push_back(set.models[slot]);
  return models;
}

std::vector<AgreementPoint> FindAgreements(const std::vector<Cluster>& clusters,
                                           const ClaimSet& set) {
  const size_t n = set.models.size();
  if (n < 2) return {};
  // With four or more models one dissenter or omission does not undo an agreement.
  const size_t required = n >= 4 ? n - 1 : n;
  std::vector<AgreementPoint> agreements;
  for (const Cluster& cluster : clusters) {
    if (cluster.slots.size() < required) continue;
    agreements.push_back({set.claims[cluster.medoid].text, ModelsOf(cluster, set)});
  }
  return agreements;
}

bool IsWholeShortAnswer(const ClaimSet& set, size_t claim) {
  return set.claims[claim].kind != ClaimKind::kCode && set.by_slot[set.slot_of[claim]].size() == 1;
}

// Different models contradict when two of their claims state conflicting values, or
// when both answers are one claim each (short factual answers) and do not match: those
// are different answers to the same question.
bool ClustersContradict(const Cluster& a, const Cluster& b, const ClaimSet& set,
                        const SimilarityMatrix& sim, double overlap) {
  std::vector<size_t> common;
  std::set_intersection(a.slots.begin(), a.slots.end(), b.slots.begin(), b.slots.end(),
                        std::back_inserter(common));
  if (!common.empty()) return false;
  const auto short_answer = [&](size_t claim) { return IsWholeShortAnswer(set, claim); };
  if (std::all_of(a.members.begin(), a.members.end(), short_answer) &&
      std::all_of(b.members.begin(), b.members.end(), short_answer)) {
    return true;
  }
  for (const size_t x : a.members) {
    for (const size_t y : b.members) {
      // Claims sharing no feature at all cannot be about the same thing.
      if (sim(x, y) > 0 && ClaimsContradict(set.claims[x], set.claims[y], overlap)) return true;
    }
  }
  return false;
}

std::vector<DisagreementPoint> FindContradictions(const std::vector<Cluster>& clusters,
                                                  const ClaimSet& set, const SimilarityMatrix& sim,
                                                  const AnalysisOptions& options,
                                                  std::vector<bool>* contradicted) {
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t a = 0; a < clusters.size(); ++a) {
    for (size_t b = a + 1; b < clusters.size(); ++b) {
      if (ClustersContradict(clusters[a], clusters[b], set, sim, options.contradiction_overlap)) {
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
    points.push_back({DisagreementPoint::Kind::kContradiction, set.claims[clusters[a].medoid].text,
                      ModelsOf(clusters[a], set), set.claims[clusters[b].medoid].text,
                      ModelsOf(clusters[b], set)});
  }
  return points;
}

std::vector<DisagreementPoint> FindUniquePoints(const std::vector<Cluster>& clusters,
                                                const ClaimSet& set,
                                                const std::vector<bool>& contradicted,
                                                size_t limit) {
  std::vector<size_t> unique;
  for (size_t c = 0; c < clusters.size(); ++c) {
    if (clusters[c].slots.size() == 1 && !contradicted[c]) unique.push_back(c);
  }
  const auto substance = [&](size_t c) {
    const Claim& claim = set.claims[clusters[c].medoid];
    return claim.terms.size() + claim.numbers.size();
  };
  std::stable_sort(unique.begin(), unique.end(),
                   [&](size_t a, size_t b) { return substance(a) > substance(b); });
  if (unique.size() > limit) unique.resize(limit);
  std::vector<DisagreementPoint> points;
  for (const size_t c : unique) {
    points.push_back({DisagreementPoint::Kind::kUnique,
                      set.claims[clusters[c].medoid].text,
                      ModelsOf(clusters[c], set),
                      "",
                      {}});
  }
  return points;
}

std::vector<PairwiseAgreement> ListPairwise(const ClaimSet& set,
                                            const std::vector<std::vector<double>>& agreement) {
  std::vector<PairwiseAgreement> pairwise;
  for (size_t a = 0; a < set.models.size(); ++a) {
    for (size_t b = a + 1; b < set.models.size(); ++b) {
      pairwise.push_back({set.models[a], set.models[b], agreement[a][b]});
    }
  }
  return pairwise;
}

double MeanAgreement(const std::vector<PairwiseAgreement>& pairwise) {
  if (pairwise.empty()) return 0;
  double sum = 0;
  for (const PairwiseAgreement& pair : pairwise) sum += pair.agreement;
  return sum / static_cast<double>(pairwise.size());
}

}  // namespace

ConsensusScore LabelConsensus(double score, size_t answered_models) {
  if (answered_models == 0) {
    return {0, "No answers", "No model answered, so there is nothing to compare."};
  }
  if (answered_models == 1) {
    return {0, "Single answer",
            "Only one model answered, so there is no second answer to agree or disagree with."};
  }
  if (score >= 85) {
    return {score, "Strong consensus",
            "The models make nearly all the same points; agreement makes an answer more "
            "likely right but does not prove it."};
  }
  if (score >= 65) {
    return {score, "Consensus", "The models agree on most points and differ on some details."};
  }
  if (score >= 40) {
    return {score, "Mixed",
            "The models share some points but each also makes others; check the points of "
            "disagreement."};
  }
  return {score, "Disagreement",
          "The models mostly make different points or contradict each other; check any "
          "answer before relying on it."};
}

Analysis AnalyzeAnswers(const std::vector<Answer>& answers, Similarity& similarity,
                        const AnalysisOptions& options) {
  Analysis analysis;
  analysis.similarity = similarity.name();
  const ClaimSet set = CollectClaims(answers);
  const size_t answered = set.models.size();
  if (answered == 0) {
    analysis.consensus = LabelConsensus(0, 0);
    return analysis;
  }
  similarity.Prepare(set.claims);
  const SimilarityMatrix sim(set, similarity);
  std::vector<Cluster> clusters = AlignClaims(set, sim, options.match_threshold);
  const std::vector<std::vector<double>> agreement =
      ScoreAgreement(set, sim, options.match_threshold);
  const size_t representative = ChooseRepresentative(agreement);
  OrderClusters(&clusters, set, representative);

  analysis.pairwise = ListPairwise(set, agreement);
  analysis.consensus = LabelConsensus(100.0 * MeanAgreement(analysis.pairwise), answered);
  analysis.representative = set.models[representative];
  analysis.agreements = FindAgreements(clusters, set);
  if (answered >= 2) {
    std::vector<bool> contradicted(clusters.size(), false);
    analysis.disagreements = FindContradictions(clusters, set, sim, options, &contradicted);
    std::vector<DisagreementPoint> unique =
        FindUniquePoints(clusters, set, contradicted, options.max_unique_points);
    analysis.disagreements.insert(analysis.disagreements.end(),
                                  std::make_move_iterator(unique.begin()),
                                  std::make_move_iterator(unique.end()));
  }
  for (const Cluster& cluster : clusters) {
    analysis.clusters.push_back(
        {set.claims[cluster.medoid].text, ModelsOf(cluster, set),
         static_cast<double>(cluster.slots.size()) / static_cast<double>(answered)});
  }
  return analysis;
}

}  // namespace drux
