#include "core/question.h"

#include <gtest/gtest.h>

namespace drux {
namespace {

TEST(QuestionTest, TrimsAndAccepts) {
  const auto question = ValidateQuestion("  What is an AI engineer?\n");
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(question->text, "What is an AI engineer?");
}

TEST(QuestionTest, RejectsEmptyAndBlank) {
  for (const char* text : {"", "   \n\t"}) {
    const auto question = ValidateQuestion(text);
    ASSERT_FALSE(question.has_value());
    EXPECT_EQ(question.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(question.error().message.find("empty"), std::string::npos);
  }
}

TEST(QuestionTest, RejectsTooLongWithBothSizes) {
  const auto question = ValidateQuestion(std::string(1 << 20, 'a'));
  ASSERT_FALSE(question.has_value());
  EXPECT_NE(question.error().message.find("1048576 bytes"), std::string::npos);
  EXPECT_NE(question.error().message.find(std::to_string(kMaxQuestionBytes)), std::string::npos);
}

TEST(QuestionTest, RejectsInvalidUtf8WithOffset) {
  const auto question = ValidateQuestion("why\xFF?");
  ASSERT_FALSE(question.has_value());
  EXPECT_NE(question.error().message.find("UTF-8"), std::string::npos);
  EXPECT_NE(question.error().message.find("offset 3"), std::string::npos);
}

}  // namespace
}  // namespace drux
