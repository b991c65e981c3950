#include "engine/compare.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace drux {
namespace {

Result WithSynthesis(const std::string& panel, const std::string& text) {
  Result result;
  result.question = "Tell me about Paris.";
  result.panel = panel;
  result.synthesis.method = "model";
  result.synthesis.text = text;
  return result;
}

TEST(CompareResultsTest, SharedPointsAndPointsOfEachSide) {
  const Result open = WithSynthesis(
      "open",
      "Paris is the capital of France. The Eiffel Tower was completed in 1889. Paris hosts "
      "the Louvre museum.");
  const Result frontier = WithSynthesis(
      "frontier",
      "Paris is the capital city of France. The Eiffel Tower was completed in 1889. The Seine "
      "river flows through Paris.");
  const Comparison comparison = CompareResults(open, frontier);
  EXPECT_EQ(comparison.panel_a, "open");
  EXPECT_EQ(comparison.panel_b, "frontier");
  EXPECT_EQ(comparison.compared_a, "synthesis");
  ASSERT_EQ(comparison.shared_points.size(), 2u);
  EXPECT_EQ(comparison.only_a, std::vector<std::string>{"Paris hosts the Louvre museum."});
  EXPECT_EQ(comparison.only_b, std::vector<std::string>{"The Seine river flows through Paris."});
  // Two of three claims covered each way.
  EXPECT_NEAR(comparison.synthesis_agreement, 2.0 / 3.0, 1e-9);
  EXPECT_TRUE(comparison.note.empty());
}

TEST(CompareResultsTest, IdenticalSynthesesAgreeFully) {
  const std::string text = "Water boils at 100 °C at sea level. It freezes at 0 °C.";
  const Comparison comparison = CompareResults(WithSynthesis("a", text), WithSynthesis("a", text));
  EXPECT_NEAR(comparison.synthesis_agreement, 1.0, 1e-9);
  EXPECT_TRUE(comparison.only_a.empty());
  EXPECT_TRUE(comparison.only_b.empty());
}

TEST(CompareResultsTest, RepresentativeAnswerStandsInWithoutSynthesis) {
  Result single = WithSynthesis("single", "");
  Answer answer;
  answer.model = "qwen";
  answer.text = "Paris is the capital of France.";
  single.answers = {answer};
  single.analysis.representative = "qwen";
  const Comparison comparison =
      CompareResults(single, WithSynthesis("frontier", "Paris is the capital of France."));
  EXPECT_EQ(comparison.compared_a, "answer of qwen");
  EXPECT_GT(comparison.synthesis_agreement, 0.9);
}

TEST(CompareResultsTest, NothingToCompareSaysWhy) {
  const Comparison comparison =
      CompareResults(WithSynthesis("open", "Paris."), WithSynthesis("frontier", ""));
  EXPECT_EQ(comparison.synthesis_agreement, 0);
  EXPECT_EQ(comparison.note, "Nothing to compare: panel frontier has no answer.");
  const auto json = nlohmann::json::parse(ComparisonToJson(comparison));
  EXPECT_EQ(json["panels"][1], "frontier");
  EXPECT_EQ(json["synthesis_agreement"], 0);
  EXPECT_EQ(json["note"], comparison.note);
}

TEST(CompareResultsTest, JsonHoldsBothResultsAndTheComparison) {
  const Result open = WithSynthesis("open", "Paris is the capital of France.");
  const Result frontier = WithSynthesis("frontier", "Paris is the capital of France.");
  const auto json =
      nlohmann::json::parse(ComparedResultsToJson(open, frontier, CompareResults(open, frontier)));
  ASSERT_EQ(json["results"].size(), 2u);
  EXPECT_EQ(json["results"][0]["panel"]["name"], "open");
  EXPECT_EQ(json["results"][1]["panel"]["name"], "frontier");
  EXPECT_NEAR(json["comparison"]["synthesis_agreement"].get<double>(), 1.0, 1e-9);
}

}  // namespace
}  // namespace drux
