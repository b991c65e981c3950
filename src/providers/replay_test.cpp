#include "providers/replay.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace drux {
namespace {

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("drux-replay-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (directory_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  static ModelSpec Spec(const std::string& path) {
    ModelSpec spec;
    spec.name = "recorded";
    spec.provider = "replay";
    spec.endpoint = path;
    return spec;
  }

  static Answer Ask(Provider& provider, const std::string& question, std::string* streamed) {
    ChatRequest request;
    request.messages = {{"system", "Be brief."}, {"user", question}};
    return provider.Complete(request, CallLimits{}, [&](std::string_view piece) {
      if (streamed != nullptr) *streamed += piece;
    });
  }

  std::filesystem::path directory_;
};

constexpr const char* kRecords =
    R"({"instruction": "Name a colour.", "output": "Blue is a colour.", "generator": "painter-7b"})"
    "\n\n"
    R"({"instruction": "  What is 2+2?\n", "output": "4", "generator": "painter-7b", "extra": 1})"
    "\n";

TEST_F(ReplayTest, AnswersRecordedQuestionsWithTheRecordedModel) {
  ReplayProvider provider(Spec(Write("answers.jsonl", kRecords)));
  std::string streamed;
  const Answer answer = Ask(provider, "Name a colour.", &streamed);
  ASSERT_TRUE(answer.ok()) << answer.error->message;
  EXPECT_EQ(answer.text, "Blue is a colour.");
  EXPECT_EQ(streamed, answer.text);
  EXPECT_EQ(answer.provider_model, "painter-7b");
  EXPECT_EQ(answer.finish_reason, "stop");
  EXPECT_EQ(answer.usage.completion_tokens, 4);
  EXPECT_FALSE(answer.usage.reported);

  // A recorded instruction with stray whitespace still matches the trimmed question.
  const Answer trimmed = Ask(provider, "What is 2+2?", nullptr);
  ASSERT_TRUE(trimmed.ok()) << trimmed.error->message;
  EXPECT_EQ(trimmed.text, "4");
}

TEST_F(ReplayTest, UnrecordedQuestionIsAClearErrorNamingTheFile) {
  const std::string path = Write("answers.jsonl", kRecords);
  ReplayProvider provider(Spec(path));
  const Answer answer = Ask(provider, "Name a color.", nullptr);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kNotFound);
  EXPECT_NE(answer.error->message.find(path), std::string::npos) << answer.error->message;
  EXPECT_NE(answer.error->message.find("\"Name a color.\""), std::string::npos)
      << answer.error->message;
}

TEST_F(ReplayTest, BadFilesAreErrorsNamingFileAndLine) {
  const std::string missing = (directory_ / "missing.jsonl").string();
  const auto absent = ReplayFile::Load(missing);
  ASSERT_FALSE(absent.has_value());
  EXPECT_NE(absent.error().message.find(missing), std::string::npos);

  const std::string broken =
      Write("broken.jsonl", std::string(kRecords) + "{\"instruction\": 3}\n");
  const auto bad = ReplayFile::Load(broken);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("line 4 of the replay file " + broken), std::string::npos)
      << bad.error().message;

  ReplayProvider provider(Spec(broken));
  const Answer answer = Ask(provider, "Name a colour.", nullptr);
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error->message.find("line 4"), std::string::npos);
}

TEST_F(ReplayTest, FileIsReadOnceWhileInUse) {
  const std::string path = Write("answers.jsonl", kRecords);
  const auto first = ReplayFile::Load(path);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ((*first)->size(), 2u);
  EXPECT_EQ((*first)->generator(), "painter-7b");
  // Changing the file does not matter while a user holds it: it is not read again.
  Write("answers.jsonl", "");
  const auto second = ReplayFile::Load((directory_ / "." / "answers.jsonl").string());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->get(), second->get());
}

}  // namespace
}  // namespace drux
