#include "store/store_input.h"

#include <cmath>

namespace drux {

std::string NormalizeEmail(std::string_view email) {
  std::string normalized(email);
  for (char& c : normalized) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return normalized;
}

Expected<void> CheckSpend(std::string_view day, double usd) {
  bool day_ok = day.size() == 10 && day[4] == '-' && day[7] == '-';
  for (std::size_t i = 0; day_ok && i < day.size(); ++i) {
    if (i != 4 && i != 7) day_ok = day[i] >= '0' && day[i] <= '9';
  }
  if (!day_ok) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "spend day '" + std::string(day) + "' is not a UTC date like 2026-11-29");
  }
  if (!std::isfinite(usd) || usd < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "spend of " + std::to_string(usd) + " USD on " +
                                                      std::string(day) +
                                                      " is not a finite, non-negative amount");
  }
  return {};
}

Expected<void> CheckEvents(const std::string& question_id, const std::vector<StoredEvent>& events) {
  std::int64_t previous = 0;
  for (const StoredEvent& event : events) {
    if (event.seq <= previous) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the events of question " + question_id +
                           " must have increasing positive seq numbers; seq " +
                           std::to_string(event.seq) + " follows " + std::to_string(previous));
    }
    previous = event.seq;
  }
  return {};
}

Expected<void> CheckListLimit(int limit) {
  if (limit <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "question list limit " + std::to_string(limit) + " must be positive");
  }
  return {};
}

}  // namespace drux
