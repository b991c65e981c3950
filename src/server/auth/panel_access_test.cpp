#include "server/auth/panel_access.h"

#include <gtest/gtest.h>

#include <string>

namespace drux {
namespace {

ModelSpec Local(const std::string& name) {
  ModelSpec spec;
  spec.name = name;
  spec.provider = "local";
  return spec;
}

Panel OpenPanel() {
  return Panel{"open", {Local("qwen"), Local("llama")}};
}

TEST(PanelAccessTest, FreeModelsMakeAFreePanel) {
  EXPECT_FALSE(IsPremiumPanel(OpenPanel()));
  EXPECT_FALSE(IsPremiumPanel(Panel{"empty", {}}));
}

TEST(PanelAccessTest, AnyPriceOrApiKeyMakesItPremium) {
  ModelSpec input_priced = Local("a");
  input_priced.price_input_per_mtok = 1.25;
  ModelSpec output_priced = Local("b");
  output_priced.price_output_per_mtok = 10;
  ModelSpec cached_priced = Local("c");
  cached_priced.price_cached_input_per_mtok = 0.1;
  ModelSpec keyed = Local("d");
  keyed.provider = "openai";
  keyed.api_key_env = "OPENAI_API_KEY";
  for (const ModelSpec& premium : {input_priced, output_priced, cached_priced, keyed}) {
    Panel panel = OpenPanel();
    panel.members.push_back(premium);
    EXPECT_TRUE(IsPremiumPanel(panel)) << premium.name;
    EXPECT_TRUE(IsPremiumModel(premium)) << premium.name;
  }
}

TEST(PanelAccessTest, PricedFallbackMakesItPremium) {
  ModelSpec fallback = Local("mini");
  fallback.api_key_env = "VENDOR_KEY";
  ModelSpec nested = Local("outer-fallback");
  nested.fallbacks.push_back(fallback);
  Panel panel = OpenPanel();
  panel.members[1].fallbacks.push_back(nested);
  EXPECT_TRUE(IsPremiumPanel(panel));
}

Panel FrontierPanel() {
  ModelSpec gpt = Local("gpt-5");
  gpt.provider = "openai";
  gpt.price_output_per_mtok = 10;
  return Panel{"frontier", {gpt}};
}

TEST(PanelAccessTest, PremiumPanelNeedsPremiumTier) {
  EXPECT_TRUE(MayAsk(Tier::kPremium, FrontierPanel()));
  EXPECT_TRUE(MayAsk(Tier::kFree, OpenPanel()));
  auto denied = MayAsk(Tier::kFree, FrontierPanel());
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(denied.error().message.find("The panel 'frontier' is for premium accounts."),
            std::string::npos)
      << denied.error().message;
}

TEST(PanelAccessTest, AnonymousCallersAreToldToSignIn) {
  auto denied = MayAsk(std::optional<User>(), FrontierPanel());
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.error().message,
            "The panel 'frontier' is for premium accounts. Sign in with a premium account to use "
            "it.");
  EXPECT_TRUE(MayAsk(std::optional<User>(), OpenPanel()));

  User premium;
  premium.tier = Tier::kPremium;
  EXPECT_TRUE(MayAsk(std::optional<User>(premium), FrontierPanel()));
  User free;
  EXPECT_FALSE(MayAsk(std::optional<User>(free), FrontierPanel()));
}

}  // namespace
}  // namespace drux
