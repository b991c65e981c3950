// The user's question, and the checks it must pass before any model sees it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace drux {

struct Question {
  std::string text;
};

// The longest question accepted, in bytes. Larger questions do not fit the context of
// the models Drux targets and would only fail slowly at every member.
inline constexpr std::size_t kMaxQuestionBytes = 64 * 1024;

// Returns the question with surrounding whitespace trimmed, or an error naming what is
// wrong: empty, longer than max_bytes, or not valid UTF-8 (with the byte offset).
Expected<Question> ValidateQuestion(std::string_view text,
                                    std::size_t max_bytes = kMaxQuestionBytes);

}  // namespace drux
