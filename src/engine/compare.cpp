#include "engine/compare.h"

#include <nlohmann/json.hpp>

#include "analysis/analyzer.h"
#include "analysis/lexical_similarity.h"
#include "core/result_json.h"

namespace drux {
namespace {

// The text that stands for a result: its synthesis, else its representative answer.
struct Stand {
  std::string text;
  std::string what;
};

Stand StandOf(const Result& result) {
  if (!result.synthesis.text.empty()) return {result.synthesis.text, "synthesis"};
  for (const Answer& answer : result.answers) {
    if (answer.ok() && answer.model == result.analysis.representative && !answer.text.empty()) {
      return {answer.text, "answer of " + answer.model};
    }
  }
  return {};
}

// The label each panel's text gets in the two-answer analysis; distinct even when both
// panels share a name.
constexpr const char* kSideA = "A";
constexpr const char* kSideB = "B";

}  // namespace

Comparison CompareResults(const Result& a, const Result& b) {
  Comparison comparison;
  comparison.panel_a = a.panel;
  comparison.panel_b = b.panel;
  const Stand stand_a = StandOf(a);
  const Stand stand_b = StandOf(b);
  comparison.compared_a = stand_a.what;
  comparison.compared_b = stand_b.what;
  if (stand_a.text.empty() || stand_b.text.empty()) {
    const std::string& missing = stand_a.text.empty() ? a.panel : b.panel;
    comparison.note = "Nothing to compare: panel " + missing + " has no answer.";
    return comparison;
  }

  Answer answer_a;
  answer_a.model = kSideA;
  answer_a.text = stand_a.text;
  Answer answer_b;
  answer_b.model = kSideB;
  answer_b.text = stand_b.text;
  LexicalSimilarity similarity;
  const Analysis analysis = AnalyzeAnswers(a.question, {answer_a, answer_b}, similarity);
  if (!analysis.pairwise.empty()) comparison.synthesis_agreement = analysis.pairwise[0].agreement;
  for (const ClaimCluster& cluster : analysis.clusters) {
    if (cluster.models.size() >= 2) {
      comparison.shared_points.push_back(cluster.text);
    } else if (!cluster.models.empty() && cluster.models[0] == kSideA) {
      comparison.only_a.push_back(cluster.text);
    } else if (!cluster.models.empty()) {
      comparison.only_b.push_back(cluster.text);
    }
  }
  return comparison;
}

namespace {

nlohmann::json ComparisonJson(const Comparison& comparison) {
  return {
      {"panels", {comparison.panel_a, comparison.panel_b}},
      {"compared", {comparison.compared_a, comparison.compared_b}},
      {"synthesis_agreement", comparison.synthesis_agreement},
      {"shared_points", comparison.shared_points},
      {"only_a", comparison.only_a},
      {"only_b", comparison.only_b},
      {"note", comparison.note},
  };
}

}  // namespace

std::string ComparisonToJson(const Comparison& comparison, int indent) {
  return ComparisonJson(comparison)
      .dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ComparedResultsToJson(const Result& a, const Result& b, const Comparison& comparison,
                                  int indent) {
  const nlohmann::json json = {
      {"results", nlohmann::json::array({nlohmann::json::parse(ResultToJson(a, -1)),
                                         nlohmann::json::parse(ResultToJson(b, -1))})},
      {"comparison", ComparisonJson(comparison)},
  };
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace drux
