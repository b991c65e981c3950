#include "runner/hooked_provider.h"

#include <gtest/gtest.h>

namespace drux {
namespace {

// Answers "ok" with a fixed usage and counts its calls.
class CountingProvider : public Provider {
 public:
  Answer Complete(const ChatRequest&, const CallLimits&, const TokenSink& on_text) override {
    ++calls;
    on_text("ok");
    Answer answer;
    answer.text = "ok";
    answer.usage = {200000, 10000, 0, 0, true};
    return answer;
  }
  int calls = 0;
};

ModelSpec Spec(double input, double output) {
  ModelSpec spec;
  spec.name = "synth";
  spec.price_input_per_mtok = input;
  spec.price_output_per_mtok = output;
  return spec;
}

TEST(HookedProviderTest, RefusesAPricedCallWithoutMakingIt) {
  auto inner = std::make_shared<CountingProvider>();
  int told = 0;
  HookedProvider provider(
      inner, Spec(3, 15),
      [](const ModelSpec&) -> Expected<void> {
        return MakeError(ErrorCode::kBudgetExceeded, "over budget");
      },
      [&](const ModelSpec&, const Answer&) { ++told; });
  const Answer answer = provider.Complete({}, {}, [](std::string_view) {});
  EXPECT_EQ(inner->calls, 0);
  EXPECT_EQ(told, 0);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kBudgetExceeded);
}

TEST(HookedProviderTest, PricesTheCallAndReportsIt) {
  auto inner = std::make_shared<CountingProvider>();
  double reported = -1;
  HookedProvider provider(
      inner, Spec(3, 15), [](const ModelSpec&) -> Expected<void> { return {}; },
      [&](const ModelSpec&, const Answer& answer) { reported = answer.cost_usd; });
  const Answer answer = provider.Complete({}, {}, [](std::string_view) {});
  EXPECT_TRUE(answer.ok());
  // 200,000 x $3 + 10,000 x $15 per million = $0.75.
  EXPECT_NEAR(reported, 0.75, 1e-12);
  EXPECT_NEAR(answer.cost_usd, 0.75, 1e-12);
}

TEST(HookedProviderTest, NeverAsksAboutAFreeModel) {
  auto inner = std::make_shared<CountingProvider>();
  bool asked = false;
  HookedProvider provider(inner, Spec(0, 0),
                          [&](const ModelSpec&) -> Expected<void> {
                            asked = true;
                            return MakeError(ErrorCode::kBudgetExceeded, "no");
                          },
                          {});
  EXPECT_TRUE(provider.Complete({}, {}, [](std::string_view) {}).ok());
  EXPECT_FALSE(asked);
  EXPECT_EQ(inner->calls, 1);
}

}  // namespace
}  // namespace drux
