#include "server/auth/panel_access.h"

#include <algorithm>

namespace drux {
namespace {

Expected<void> DenyPremiumPanel(const Panel& panel, bool signed_in) {
  std::string message = "The panel '" + panel.name + "' is for premium accounts. ";
  message += signed_in ? "Your account is on the free tier: ask the server's operator for "
                         "premium access, or choose a free panel."
                       : "Sign in with a premium account to use it.";
  return MakeError(ErrorCode::kPermissionDenied, std::move(message));
}

}  // namespace

bool IsPremiumModel(const ModelSpec& spec) {
  if (spec.price_input_per_mtok > 0 || spec.price_output_per_mtok > 0 ||
      spec.price_cached_input_per_mtok > 0 || !spec.api_key_env.empty()) {
    return true;
  }
  return std::any_of(spec.fallbacks.begin(), spec.fallbacks.end(), IsPremiumModel);
}

bool IsPremiumPanel(const Panel& panel) {
  return std::any_of(panel.members.begin(), panel.members.end(), IsPremiumModel);
}

Expected<void> MayAsk(Tier tier, const Panel& panel) {
  if (tier == Tier::kPremium || !IsPremiumPanel(panel)) return {};
  return DenyPremiumPanel(panel, /*signed_in=*/true);
}

Expected<void> MayAsk(const std::optional<User>& user, const Panel& panel) {
  if (user) return MayAsk(user->tier, panel);
  if (!IsPremiumPanel(panel)) return {};
  return DenyPremiumPanel(panel, /*signed_in=*/false);
}

}  // namespace drux
