#include "engine/compare_json.h"

#include <gtest/gtest.h>

#include "core/result_json.h"

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

TEST(CompareResultJsonsTest, MatchesCompareResultsOnTheSameResults) {
  const Result open =
      WithSynthesis("open", "Paris is the capital of France. Paris hosts the Louvre museum.");
  Result frontier = WithSynthesis("frontier", "");
  Answer answer;
  answer.model = "gpt";
  answer.text = "Paris is the capital city of France. The Seine river flows through Paris.";
  frontier.answers.push_back(answer);
  frontier.analysis.representative = "gpt";

  const auto from_json = CompareResultJsons(ResultToJson(open), ResultToJson(frontier));
  ASSERT_TRUE(from_json) << from_json.error().message;
  const Comparison direct = CompareResults(open, frontier);
  EXPECT_EQ(ComparisonToJson(*from_json), ComparisonToJson(direct));
  EXPECT_EQ(from_json->compared_b, "answer of gpt");
  EXPECT_EQ(from_json->panel_a, "open");
  EXPECT_FALSE(from_json->shared_points.empty());
}

TEST(CompareResultJsonsTest, FailedAnswersAreNotCompared) {
  Result failed = WithSynthesis("frontier", "");
  Answer answer;
  answer.model = "gpt";
  answer.text = "A partial sentence";
  answer.error = Error{ErrorCode::kTimeout, "timed out", 0};
  failed.answers.push_back(answer);
  failed.analysis.representative = "gpt";
  const auto comparison = CompareResultJsons(
      ResultToJson(WithSynthesis("open", "Paris is in France.")), ResultToJson(failed));
  ASSERT_TRUE(comparison);
  EXPECT_FALSE(comparison->note.empty());
  EXPECT_EQ(comparison->synthesis_agreement, 0);
}

TEST(CompareResultJsonsTest, NotAResultIsAnError) {
  EXPECT_FALSE(CompareResultJsons("[1, 2]", "{}"));
  EXPECT_FALSE(CompareResultJsons("{}", "not json"));
}

}  // namespace
}  // namespace drux
