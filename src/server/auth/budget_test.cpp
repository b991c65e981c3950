#include "server/auth/budget.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "server/auth/temp_store_for_test.h"

namespace drux {
namespace {

// 2026-11-29 23:59:00 UTC.
constexpr std::int64_t kLateEvening = 1795996740;

ModelSpec Priced(double input, double output, int max_tokens) {
  ModelSpec spec;
  spec.name = "gpt-5";
  spec.provider = "openai";
  spec.price_input_per_mtok = input;
  spec.price_output_per_mtok = output;
  spec.max_tokens = max_tokens;
  return spec;
}

ModelSpec Free() {
  ModelSpec spec;
  spec.name = "qwen";
  spec.provider = "local";
  return spec;
}

TEST(BudgetTest, UtcDayFormatsTheCalendarDay) {
  EXPECT_EQ(UtcDay(0), "1970-01-01");
  EXPECT_EQ(UtcDay(kLateEvening), "2026-11-29");
  EXPECT_EQ(UtcDay(kLateEvening + 60), "2026-11-30");
  EXPECT_EQ(UtcDay(951782400), "2000-02-29");
}

TEST(BudgetTest, EstimateCoversMaxTokensAndThePrompt) {
  EXPECT_EQ(EstimateMaxCallCost(Free(), 100000), 0);
  // 1000 output tokens at $10/Mtok = $0.01; 300 bytes ≈ 100 + 32 prompt tokens at $1/Mtok.
  EXPECT_NEAR(EstimateMaxCallCost(Priced(1, 10, 1000), 300), 0.01 + 132e-6, 1e-12);
  EXPECT_GT(EstimateMaxCallCost(Priced(1, 10, 1000), 3000),
            EstimateMaxCallCost(Priced(1, 10, 1000), 300));
}

class DailyBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    User user;
    user.id = "user-1";
    user.email = "ada@example.com";
    user.password_hash = "unused";
    ASSERT_TRUE(temp_.store().CreateUser(user));
  }

  DailyBudget MakeBudget(double usd_per_day) {
    return DailyBudget(temp_.store(), DailyBudgetOptions{usd_per_day, [this] { return now_; }});
  }

  TempStore temp_;
  std::int64_t now_ = kLateEvening;
};

TEST_F(DailyBudgetTest, BlocksPricedCallsPastTheLimit) {
  DailyBudget budget = MakeBudget(1.00);
  const ModelSpec gpt = Priced(1, 10, 1000);
  EXPECT_TRUE(budget.Check("user-1", gpt, 0.5));
  ASSERT_TRUE(budget.Record("user-1", 0.75));
  EXPECT_TRUE(budget.Check("user-1", gpt, 0.25));

  auto blocked = budget.Check("user-1", gpt, 0.30);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::kBudgetExceeded);
  const std::string& message = blocked.error().message;
  EXPECT_NE(message.find("$0.75 spent of $1.00"), std::string::npos) << message;
  EXPECT_NE(message.find("2026-11-29 (UTC)"), std::string::npos) << message;
  EXPECT_NE(message.find("gpt-5"), std::string::npos) << message;

  auto spent = temp_.store().SpendOn("user-1", "2026-11-29");
  ASSERT_TRUE(spent);
  EXPECT_DOUBLE_EQ(*spent, 0.75);
}

TEST_F(DailyBudgetTest, NeverBlocksAFreeModel) {
  DailyBudget budget = MakeBudget(1.00);
  ASSERT_TRUE(budget.Record("user-1", 5.00));
  EXPECT_FALSE(budget.Check("user-1", Priced(0, 0.01, 10), 0.0001));
  EXPECT_TRUE(budget.Check("user-1", Free(), 0));
  EXPECT_TRUE(budget.Check("user-1", Free(), 100));
  EXPECT_TRUE(budget.Check("", Free(), 0));
}

TEST_F(DailyBudgetTest, ANewUtcDayStartsAFreshBudget) {
  DailyBudget budget = MakeBudget(1.00);
  ASSERT_TRUE(budget.Record("user-1", 1.00));
  EXPECT_FALSE(budget.Check("user-1", Priced(1, 10, 1000), 0.01));
  now_ += 120;  // past midnight UTC
  EXPECT_TRUE(budget.Check("user-1", Priced(1, 10, 1000), 0.01));
  ASSERT_TRUE(budget.Record("user-1", 0.02));
  auto today = temp_.store().SpendOn("user-1", "2026-11-30");
  ASSERT_TRUE(today);
  EXPECT_DOUBLE_EQ(*today, 0.02);
}

TEST_F(DailyBudgetTest, RejectsPricedCallsWithoutAUserAndBadCosts) {
  DailyBudget budget = MakeBudget(5.00);
  auto anonymous = budget.Check("", Priced(1, 10, 100), 0.001);
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(budget.Record("user-1", -1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(budget.Record("", 1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(budget.Record("user-1", 0));
}

}  // namespace
}  // namespace drux
