#include "synthesis/structured_points.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace drux {
namespace {

using Models = std::vector<std::string>;

Answer Ok(const std::string& model, const std::string& text) {
  Answer answer;
  answer.model = model;
  answer.text = text;
  return answer;
}

const std::vector<AnonymizedModel> kOrder = {
    {"Model A", "qwen"}, {"Model B", "llama"}, {"Model C", "gemma"}};

TEST(StructuredPointsTest, FormatStatesTheShapeForBothProtocols) {
  PointsLimits limits;
  limits.max_points = 3;
  limits.max_chars = 50;
  const StructuredOutput format = PointsOutputFormat({"Model A", "Model B"}, limits);
  EXPECT_EQ(format.name, "synthesis_points");
  const auto schema = nlohmann::json::parse(format.json_schema);
  const auto& agreement = schema["properties"]["agreements"];
  EXPECT_EQ(agreement["maxItems"], 3);
  EXPECT_EQ(agreement["items"]["properties"]["models"]["items"]["enum"],
            nlohmann::json({"Model A", "Model B"}));
  EXPECT_EQ(agreement["items"]["properties"]["text"]["maxLength"], 50);
  EXPECT_EQ(schema["required"], nlohmann::json({"agreements", "disagreements"}));
  EXPECT_TRUE(format.gbnf.starts_with("root ::= "));
  EXPECT_NE(format.gbnf.find("label ::= \"\\\"Model A\\\"\" | \"\\\"Model B\\\"\""),
            std::string::npos)
      << format.gbnf;
  EXPECT_NE(format.gbnf.find("char{1,50}"), std::string::npos) << format.gbnf;
}

TEST(StructuredPointsTest, ParsesTheShapeAndToleratesWrapping) {
  const std::string json =
      R"({"agreements":[{"text":"Paris is the capital.","models":["Model A","Model B"]}],)"
      R"("disagreements":[{"text":"It has 2 million people.","models":["Model A"],)"
      R"("versus_text":"It has 3 million people.","versus":["Model C"]},)"
      R"({"text":" ","models":["Model B"]}]})";
  for (const std::string& reply :
       {json, "```json\n" + json + "\n```", "Here: " + json + " Done."}) {
    const auto points = ParsePoints(reply);
    ASSERT_TRUE(points.has_value()) << points.error().message;
    ASSERT_EQ(points->agreements.size(), 1u);
    EXPECT_EQ(points->agreements[0].labels, (Models{"Model A", "Model B"}));
    ASSERT_EQ(points->disagreements.size(), 1u) << "a blank point is skipped";
    EXPECT_EQ(points->disagreements[0].versus_text, "It has 3 million people.");
    EXPECT_EQ(points->disagreements[0].versus_labels, Models{"Model C"});
  }
}

TEST(StructuredPointsTest, MalformedRepliesSayWhatIsWrong) {
  struct Case {
    std::string reply;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"I think they all agree.", "holds no JSON"},
      {R"({"agreements":[{"text":"Paris is the capi)", "cut off"},
      {R"({"agreements":[{"text":"Paris", "models":["Model A"]}],)", "cut off"},
      {R"({"agreements": [}, "disagreements": []})", "broken at byte"},
      {R"({"agreements": []})", "no \"disagreements\" list"},
      {R"({"agreements": [{"text": "Paris", "models": "Model A"}], "disagreements": []})",
       "an item of \"agreements\""},
      {R"({"agreements": [{"models": ["Model A"]}], "disagreements": []})",
       "an item of \"agreements\""},
  };
  for (const Case& c : cases) {
    const auto points = ParsePoints(c.reply);
    ASSERT_FALSE(points.has_value()) << c.reply;
    EXPECT_EQ(points.error().code, ErrorCode::kMalformedResponse);
    EXPECT_NE(points.error().message.find(c.says), std::string::npos)
        << c.reply << " -> " << points.error().message;
  }
}

TEST(StructuredPointsTest, PointsKeepOnlyTheModelsTheirAnswersConfirm) {
  const std::vector<Answer> answers = {
      Ok("qwen", "Paris is the capital of France. It has about 2 million inhabitants."),
      Ok("llama", "The capital of France is Paris. The Seine flows through it."),
      Ok("gemma", "Paris is France's capital, with 3 million inhabitants.")};
  SupportIndex index(answers);
  LabelledPoints points;
  points.agreements = {
      {"Paris is the capital of France.", {"Model A", "Model B", "Model C"}, "", {}},
      {"The Seine flows through Paris.", {"Model A", "Model B"}, "", {}},
      {"Lyon is the capital of France.", {"Model A", "Model Q"}, "", {}}};
  points.disagreements = {{"Paris has about 2 million inhabitants.",
                           {"Model A"},
                           "Paris has 3 million inhabitants.",
                           {"Model C", "Model B"}}};
  const CheckedPoints checked = CheckPoints(points, kOrder, index);
  ASSERT_EQ(checked.agreements.size(), 2u);
  EXPECT_EQ(checked.agreements[0].models, (Models{"qwen", "llama", "gemma"}));
  EXPECT_TRUE(checked.agreements[0].confirmed());
  EXPECT_EQ(checked.agreements[1].models, Models{"llama"});
  EXPECT_EQ(checked.agreements[1].unconfirmed, Models{"qwen"});
  EXPECT_FALSE(checked.agreements[1].confirmed());
  EXPECT_EQ(checked.dropped, 1) << "no named model says Lyon is the capital";
  ASSERT_EQ(checked.disagreements.size(), 1u);
  EXPECT_EQ(checked.disagreements[0].models, Models{"qwen"});
  EXPECT_EQ(checked.disagreements[0].versus, Models{"gemma"});
  EXPECT_EQ(checked.disagreements[0].versus_unconfirmed, Models{"llama"});
}

}  // namespace
}  // namespace drux
