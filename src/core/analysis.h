// What the analysis found in a set of answers: the Consensus Score, the points models
// agree on and the points they disagree on. Plain values, produced by src/analysis.
#pragma once

#include <string>
#include <vector>

namespace drux {

struct ConsensusScore {
  double score = 0;     // 0-100
  std::string label;    // "Strong consensus", ... (see docs/consensus.md)
  std::string meaning;  // one sentence on what the label promises
};

// A point (near) all models make, with the models that make it.
struct AgreementPoint {
  std::string text;
  std::vector<std::string> models;
};

struct DisagreementPoint {
  enum class Kind { kContradiction, kUnique };
  Kind kind = Kind::kUnique;
  std::string text;
  std::vector<std::string> models;  // the models that say text
  // For a contradiction: what the other side says, and who says it.
  std::string versus_text;
  std::vector<std::string> versus;
};

// Agreement between two answers: F1 of their claim coverage.
struct PairwiseAgreement {
  std::string model_a;
  std::string model_b;
  double agreement = 0;  // 0-1
};

// A claim and the models whose answers support it; the unit synthesis builds on.
struct ClaimCluster {
  std::string text;                 // the representative wording
  std::vector<std::string> models;  // distinct supporting models
  double support = 0;               // models.size() / answered models
};

struct Analysis {
  ConsensusScore consensus;
  std::string representative;  // the model whose answer Drux would put forward
  std::vector<AgreementPoint> agreements;
  std::vector<DisagreementPoint> disagreements;
  std::vector<PairwiseAgreement> pairwise;
  std::vector<ClaimCluster> clusters;  // all clusters, best supported first
  std::string similarity;              // which similarity produced it ("lexical")
};

}  // namespace drux
