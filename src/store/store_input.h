// Input rules both backends share, so they accept and reject exactly the same things.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace drux {

// The email as stored and compared: ASCII letters lower-cased, the rest kept.
std::string NormalizeEmail(std::string_view email);

// kInvalidArgument unless day is YYYY-MM-DD and usd is finite and not negative.
Expected<void> CheckSpend(std::string_view day, double usd);

// kInvalidArgument unless the events' seq numbers are positive and increasing.
Expected<void> CheckEvents(const std::string& question_id, const std::vector<StoredEvent>& events);

// kInvalidArgument unless limit is positive.
Expected<void> CheckListLimit(int limit);

}  // namespace drux
