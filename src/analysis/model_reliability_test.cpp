#include "analysis/model_reliability.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace drux {
namespace {

// Questions each model gets right independently with its chance (in hundredths, from a
// fixed pseudo-random sequence); two models agree exactly when both are right (wrong
// answers never coincide), as the estimator assumes.
std::vector<Analysis> Panel(const std::vector<std::string>& models,
                            const std::vector<unsigned>& right_per_hundred) {
  std::mt19937 draws(42);
  std::vector<Analysis> analyses;
  for (int question = 0; question < 2000; ++question) {
    std::vector<bool> right;
    for (const unsigned chance : right_per_hundred) right.push_back(draws() % 100 < chance);
    Analysis analysis;
    for (size_t a = 0; a < models.size(); ++a) {
      for (size_t b = a + 1; b < models.size(); ++b) {
        analysis.pairwise.push_back({models[a], models[b], right[a] && right[b] ? 1.0 : 0.0});
      }
    }
    analyses.push_back(std::move(analysis));
  }
  return analyses;
}

TEST(EstimateModelReliabilityTest, RanksModelsByHowOftenTheyAreRight) {
  const std::vector<std::string> models = {"weak", "fair", "good", "best"};
  const ModelReliability reliability =
      EstimateModelReliability(Panel(models, {70, 80, 90, 95}), 0.5);
  ASSERT_EQ(reliability.accuracy.size(), 4u);
  EXPECT_LT(reliability.accuracy.at("weak"), reliability.accuracy.at("fair"));
  EXPECT_LT(reliability.accuracy.at("fair"), reliability.accuracy.at("good"));
  EXPECT_LT(reliability.accuracy.at("good"), reliability.accuracy.at("best"));
  EXPECT_NEAR(reliability.accuracy.at("good"), 0.9, 0.03);
  EXPECT_LT(reliability.weight.at("weak"), reliability.weight.at("best"));
}

TEST(EstimateModelReliabilityTest, KeepsEstimatesOffChanceAndCertainty) {
  const ModelReliability reliability =
      EstimateModelReliability(Panel({"never", "b", "c", "d"}, {0, 100, 100, 100}), 0.5);
  EXPECT_DOUBLE_EQ(reliability.accuracy.at("never"), ModelReliability::kMinAccuracy);
  EXPECT_DOUBLE_EQ(reliability.accuracy.at("b"), ModelReliability::kMaxAccuracy);
  EXPECT_GT(reliability.weight.at("never"), 0) << "weights stay positive";
}

TEST(EstimateModelReliabilityTest, NeedsThreeModels) {
  EXPECT_TRUE(EstimateModelReliability(Panel({"a", "b"}, {90, 90}), 0.5).accuracy.empty());
  EXPECT_TRUE(EstimateModelReliability({}, 0.5).weight.empty());
}

}  // namespace
}  // namespace drux
