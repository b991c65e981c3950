// Which panels need a premium account. A panel is premium when any model it may call costs
// money (a price above 0) or needs an API key, fallbacks included: those calls are paid by
// the server's operator. The server checks this on every question, not just in the UI.
#pragma once

#include <optional>

#include "core/error.h"
#include "core/model_spec.h"
#include "store/store.h"

namespace drux {

// Whether a call to this model, or to any of its fallbacks, may cost money.
bool IsPremiumModel(const ModelSpec& spec);

// Whether any member of the panel is a premium model.
bool IsPremiumPanel(const Panel& panel);

// Whether an account of this tier may ask the panel: kPermissionDenied, naming the panel
// and what to do, when the panel is premium and the tier is not.
Expected<void> MayAsk(Tier tier, const Panel& panel);

// The same for a caller: a signed-in user (its tier decides) or, when empty, an anonymous
// visitor (free tier, told to sign in).
Expected<void> MayAsk(const std::optional<User>& user, const Panel& panel);

}  // namespace drux
