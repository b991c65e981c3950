#include "providers/embedder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/tiny_models.h"

namespace drux {
namespace {

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

class EmbedderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto opened = Embedder::Open(test::TinyModelPath(21));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    embedder_ = std::move(*opened).release();
  }
  static void TearDownTestSuite() {
    delete embedder_;
    embedder_ = nullptr;
  }
  static Embedder* embedder_;
};

Embedder* EmbedderTest::embedder_ = nullptr;

const std::vector<std::string> kTexts = {
    "Paris is the capital of France.",
    "The capital of France is Paris.",
    "Water boils at 100 degrees Celsius at sea level.",
    "Paris is the capital of France.",
    "ok",
};

TEST_F(EmbedderTest, ReturnsUnitVectorsOfTheModelsDimension) {
  EXPECT_EQ(embedder_->dimensions(), 64);
  const auto vectors = embedder_->Embed(kTexts);
  ASSERT_TRUE(vectors.has_value()) << vectors.error().message;
  ASSERT_EQ(vectors->size(), kTexts.size());
  for (const auto& vector : *vectors) {
    ASSERT_EQ(vector.size(), 64u);
    EXPECT_NEAR(Dot(vector, vector), 1.0, 1e-5);
  }
}

TEST_F(EmbedderTest, IdenticalTextsGetIdenticalVectors) {
  const auto vectors = embedder_->Embed(kTexts);
  ASSERT_TRUE(vectors.has_value());
  EXPECT_EQ((*vectors)[0], (*vectors)[3]);
  EXPECT_LT(Dot((*vectors)[0], (*vectors)[2]), 1.0 - 1e-4);
}

TEST_F(EmbedderTest, ABatchGivesTheSameVectorsAsOneTextAtATime) {
  const auto batched = embedder_->Embed(kTexts);
  ASSERT_TRUE(batched.has_value());
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    const auto alone = embedder_->Embed({kTexts[i]});
    ASSERT_TRUE(alone.has_value());
    ASSERT_EQ(alone->size(), 1u);
    EXPECT_GT(Dot((*batched)[i], alone->front()), 1.0 - 1e-5) << kTexts[i];
  }
}

TEST_F(EmbedderTest, TextsBeyondOneStepAreSplitAcrossSteps) {
  auto opened = Embedder::Open(test::TinyModelPath(21), {.batch_tokens = 64});
  ASSERT_TRUE(opened.has_value());
  const auto small_steps = (*opened)->Embed(kTexts);
  const auto one_step = embedder_->Embed(kTexts);
  ASSERT_TRUE(small_steps.has_value() && one_step.has_value());
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    EXPECT_GT(Dot((*small_steps)[i], (*one_step)[i]), 1.0 - 1e-5) << kTexts[i];
  }
}

TEST_F(EmbedderTest, NoTextsGiveNoVectorsAndAnEmptyTextIsAnError) {
  const auto none = embedder_->Embed({});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  const auto empty = embedder_->Embed({"fine", ""});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(empty.error().message.find("text 1"), std::string::npos);
}

TEST(EmbedderOpenTest, AMissingFileIsNotFound) {
  const auto opened = Embedder::Open("/nonexistent/embedder.gguf");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kNotFound);
  EXPECT_NE(opened.error().message.find("/nonexistent/embedder.gguf"), std::string::npos);
}

}  // namespace
}  // namespace drux
