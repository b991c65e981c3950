// Structured output from real models: the synthesizer's points shape enforced on random
// tiny models, by a real llama-server through `response_format` (JSON Schema) and by the
// in-process provider through a llama.cpp grammar. A random model writes garbage, so JSON
// that parses into the shape every time proves the constraint, not the model.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "providers/llama_local.h"
#include "providers/openai_compatible.h"
#include "support/llama_server.h"
#include "support/tiny_models.h"
#include "synthesis/structured_points.h"

namespace drux {
namespace {

const std::vector<std::string> kLabels = {"Model A", "Model B", "Model C"};

// Small bounds so that the longest reply the shape allows fits max_tokens.
PointsLimits SmallLimits() {
  PointsLimits limits;
  limits.max_points = 2;
  limits.max_chars = 24;
  return limits;
}

std::string TinyModel(int seed) {
  test::TinyModelOptions options;
  options.seed = seed;
  options.context_length = 4096;
  return test::TinyModelPath(options);
}

ChatRequest PointsRequest(unsigned seed, int max_tokens) {
  ChatRequest request;
  request.messages = {{"user", "List the points the answers agree and disagree on, as JSON."}};
  request.max_tokens = max_tokens;
  // Sampling, not greedy: each seed takes another path through the grammar.
  request.temperature = 1.0;
  request.seed = seed;
  request.structured_output = PointsOutputFormat(kLabels, SmallLimits());
  return request;
}

void ExpectPointsShape(const Answer& answer) {
  ASSERT_TRUE(answer.ok()) << answer.error->message;
  EXPECT_EQ(answer.finish_reason, "stop") << "the reply ended inside the JSON: " << answer.text;
  const auto points = ParsePoints(answer.text);
  ASSERT_TRUE(points.has_value()) << points.error().message << "\nreply: " << answer.text;
  for (const auto* list : {&points->agreements, &points->disagreements}) {
    EXPECT_LE(list->size(), SmallLimits().max_points);
    for (const LabelledPoint& point : *list) {
      EXPECT_FALSE(point.labels.empty());
      for (const std::string& label : point.labels) {
        EXPECT_NE(std::find(kLabels.begin(), kLabels.end(), label), kLabels.end()) << label;
      }
    }
  }
}

TEST(StructuredOutputTest, LlamaServerKeepsARandomModelToTheSchema) {
  test::LlamaServerOptions server_options;
  server_options.context_size = 4096;
  const auto server = test::LlamaServer::Start(TinyModel(31), server_options);
  ModelSpec spec;
  spec.name = "tiny";
  spec.provider = "openai";
  spec.endpoint = server->base_url();
  OpenAiCompatibleProvider provider(spec);
  for (unsigned seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    ExpectPointsShape(provider.Complete(PointsRequest(seed, 3000), CallLimits{}, nullptr));
  }
}

TEST(StructuredOutputTest, LocalGrammarKeepsARandomModelToTheShape) {
  ModelSpec spec;
  spec.name = "tiny";
  spec.provider = "local";
  spec.endpoint = TinyModel(32);
  auto provider = LlamaLocalProvider::Open(spec);
  ASSERT_TRUE(provider.has_value()) << provider.error().message;
  for (unsigned seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::string streamed;
    const Answer answer = (*provider)->Complete(PointsRequest(seed, 3000), CallLimits{},
                                                [&](std::string_view piece) { streamed += piece; });
    ExpectPointsShape(answer);
    EXPECT_EQ(streamed, answer.text);
    // The grammar allows no whitespace between tokens.
    EXPECT_TRUE(answer.text.starts_with("{\"agreements\":[")) << answer.text;
  }
}

TEST(StructuredOutputTest, GrammarOutputCutByMaxTokensIsReportedAsCutOff) {
  ModelSpec spec;
  spec.name = "tiny";
  spec.provider = "local";
  spec.endpoint = TinyModel(32);
  auto provider = LlamaLocalProvider::Open(spec);
  ASSERT_TRUE(provider.has_value()) << provider.error().message;
  const Answer answer = (*provider)->Complete(PointsRequest(1, 20), CallLimits{}, nullptr);
  ASSERT_TRUE(answer.ok()) << answer.error->message;
  EXPECT_EQ(answer.finish_reason, "length");
  const auto points = ParsePoints(answer.text);
  ASSERT_FALSE(points.has_value()) << answer.text;
  EXPECT_NE(points.error().message.find("cut off"), std::string::npos) << points.error().message;
}

}  // namespace
}  // namespace drux
