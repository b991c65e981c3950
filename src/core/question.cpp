#include "core/question.h"

#include <string>

#include "core/utf8.h"

namespace drux {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

Expected<Question> ValidateQuestion(std::string_view text, std::size_t max_bytes) {
  if (const auto offset = FindInvalidUtf8(text)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The question is not valid UTF-8 (first bad byte at offset " +
                         std::to_string(*offset) + "); re-encode it as UTF-8 and ask again.");
  }
  const std::string_view trimmed = Trim(text);
  if (trimmed.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The question is empty; give the question to ask, e.g. drux ask \"What is "
                     "an AI engineer?\"");
  }
  if (trimmed.size() > max_bytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The question is " + std::to_string(trimmed.size()) +
                         " bytes long; the limit is " + std::to_string(max_bytes) +
                         " bytes. Shorten it, or ask about a smaller excerpt.");
  }
  return Question{std::string(trimmed)};
}

}  // namespace drux
