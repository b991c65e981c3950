// Cost of a call from recorded usage reports, to the cent.
#include "runner/call_cost.h"

#include <gtest/gtest.h>

#include <cmath>

namespace drux {
namespace {

long Cents(double usd) {
  return std::lround(usd * 100);
}

ModelSpec Priced(double input, double cached, double output) {
  ModelSpec spec;
  spec.name = "priced";
  spec.price_input_per_mtok = input;
  spec.price_cached_input_per_mtok = cached;
  spec.price_output_per_mtok = output;
  return spec;
}

TEST(CallCostTest, CachedPromptTokensAtTheCachedPrice) {
  // A long-context call as OpenAI reports it: 120,000 prompt tokens of which 100,000
  // cached, 35,000 completion tokens (reasoning included), at $1.25 / $0.125 / $10.
  const TokenUsage usage{120000, 35000, 100000, 12000, true};
  const double cost = CallCostUsd(Priced(1.25, 0.125, 10), usage);
  // 20,000 x 1.25 + 100,000 x 0.125 + 35,000 x 10 = 25,000 + 12,500 + 350,000 per million.
  EXPECT_EQ(Cents(cost), 39);
  EXPECT_NEAR(cost, 0.3875, 1e-12);
}

TEST(CallCostTest, CachedTokensAtTheInputPriceWhenNoCachedPrice) {
  const TokenUsage usage{200000, 50000, 150000, 0, true};
  // 200,000 x 3 + 50,000 x 15 = 600,000 + 750,000 per million.
  EXPECT_NEAR(CallCostUsd(Priced(3, 0, 15), usage), 1.35, 1e-12);
}

TEST(CallCostTest, CachedCountAboveThePromptIsCapped) {
  const TokenUsage usage{1000, 0, 5000, 0, true};
  EXPECT_NEAR(CallCostUsd(Priced(2, 1, 8), usage), 1000 * 1 / 1e6, 1e-15);
}

TEST(CallCostTest, FreeModelsCostNothingAndAreNotPriced) {
  const ModelSpec free_model;
  EXPECT_FALSE(IsPriced(free_model));
  EXPECT_EQ(CallCostUsd(free_model, {5000, 5000, 0, 0, true}), 0);
  EXPECT_TRUE(IsPriced(Priced(0, 0, 0.5)));
}

}  // namespace
}  // namespace drux
