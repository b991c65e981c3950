// Two panels' results for one question side by side: how far their syntheses agree and
// which points each makes (`drux ask --panel open --compare frontier`).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace drux {

struct Comparison {
  std::string panel_a;
  std::string panel_b;
  // What stands for each panel: "synthesis", or "answer of MODEL" (the analysis's
  // representative) when the panel has no synthesized text; "" when it has neither.
  std::string compared_a;
  std::string compared_b;
  // The pairwise agreement (F1 of claim coverage under the lexical similarity, as between
  // two members of a panel) of the two texts, 0-1; 0 when either side has none.
  double synthesis_agreement = 0;
  std::vector<std::string> shared_points;  // points both texts make, in A's wording
  std::vector<std::string> only_a;         // points only panel A's text makes
  std::vector<std::string> only_b;
  // Set when there was nothing to compare, saying why.
  std::string note;
};

// Compares a's synthesized answer with b's. Deterministic.
Comparison CompareResults(const Result& a, const Result& b);

// The comparison as JSON, the "comparison" member of `drux ask --compare --json`;
// indent < 0 gives one line.
std::string ComparisonToJson(const Comparison& comparison, int indent = 2);

// {"results": [a, b], "comparison": {...}}: the output of `drux ask --compare --json`,
// each result as ResultToJson writes it.
std::string ComparedResultsToJson(const Result& a, const Result& b, const Comparison& comparison,
                                  int indent = 2);

}  // namespace drux
