#include "synthesis/synthesize.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/analyzer.h"
#include "analysis/lexical_similarity.h"
#include "providers/openai_compatible.h"
#include "support/fake_openai_server.h"
#include "synthesis/anonymized_answers.h"

namespace drux {
namespace {

using Models = std::vector<std::string>;
using test::FakeOpenAiServer;

Answer Ok(const std::string& model, const std::string& text) {
  Answer answer;
  answer.model = model;
  answer.text = text;
  return answer;
}

const std::vector<Answer> kAnswers = {
    Ok("qwen",
       "The first Nobel Prizes were awarded in 1901. They were funded by the will of Alfred "
       "Nobel."),
    Ok("llama", "Alfred Nobel's will created the prizes. The first ones were given in 1901."),
    Ok("gemma", "The first Nobel Prizes were awarded in 1901. Marie Curie won two of them.")};

// The synthesizer's answer: two supported sentences, one naming an answer by its label, and
// one no answer makes.
const std::string kWritten =
    "The first Nobel Prizes were awarded in 1901. As Model B says, Alfred Nobel's will created "
    "the prizes. The ceremony is broadcast live on the Moon.";

// The synthesizer's points: one every answer makes, one none makes, and one only gemma
// makes that the synthesizer also attributes to qwen.
std::string PointsJson(const std::string& gemma, const std::string& qwen) {
  return R"({"agreements":[{"text":"The first Nobel Prizes were awarded in 1901.","models":[)"
         R"("Model A","Model B","Model C"]},{"text":"The Moon hosts the ceremony.","models":[)"
         R"("Model A"]}],"disagreements":[{"text":"Marie Curie won two Nobel Prizes.","models":[")" +
         gemma + R"(",")" + qwen + R"("],"versus_text":"","versus":[]}]})";
}

// The label of model under seed, as the synthesis will give it.
std::string LabelUnderSeed(const std::string& model, std::uint32_t seed) {
  for (const AnonymizedModel& entry : AnonymizeAnswers(kAnswers, seed)) {
    if (entry.model == model) return entry.label;
  }
  return "";
}

std::string Points() {
  return PointsJson(LabelUnderSeed("gemma", 1), LabelUnderSeed("qwen", 1));
}

class SynthesizeTest : public ::testing::Test {
 protected:
  Synthesis Run(FakeOpenAiServer::Options server_options, std::vector<Answer> answers = kAnswers,
                SynthesisOptions options = {}, std::vector<SynthesisEvent>* events = nullptr) {
    server_ = std::make_unique<FakeOpenAiServer>(std::move(server_options));
    Synthesizer synthesizer;
    synthesizer.spec.name = "fake";
    synthesizer.spec.provider = "openai";
    synthesizer.spec.endpoint = server_->Start();
    synthesizer.spec.price_input_per_mtok = 1e6;  // $1 a token: costs are easy to check
    synthesizer.provider = std::make_shared<OpenAiCompatibleProvider>(synthesizer.spec);
    LexicalSimilarity similarity;
    const Analysis analysis = AnalyzeAnswers(answers, similarity);
    if (!options.seed) options.seed = 1;
    return Synthesize("When were the first Nobel Prizes awarded?", answers, analysis, &synthesizer,
                      options, [&](const SynthesisEvent& event) {
                        if (events != nullptr) events->push_back(event);
                      });
  }

  std::unique_ptr<FakeOpenAiServer> server_;
};

TEST_F(SynthesizeTest, SynthesizerWritesTheAnswerAndPointsCheckedAgainstTheAnswers) {
  FakeOpenAiServer::Options options;
  options.answer = kWritten;
  options.structured_answer = Points();
  std::vector<SynthesisEvent> events;
  const Synthesis synthesis = Run(options, kAnswers, {}, &events);
  ASSERT_EQ(synthesis.method, "model") << (synthesis.error ? synthesis.error->message : "");
  EXPECT_EQ(synthesis.synthesizer, "fake");
  EXPECT_EQ(synthesis.prompt, "synthesis-v1");
  EXPECT_EQ(synthesis.basis, "all 3 answers");
  EXPECT_FALSE(synthesis.points_error) << synthesis.points_error->message;
  ASSERT_EQ(synthesis.anonymized.size(), 3u);

  // The label in the text names the real model.
  const std::string model_b = synthesis.anonymized[1].model;
  EXPECT_NE(synthesis.text.find("As " + model_b + " says"), std::string::npos) << synthesis.text;

  // The audit: the invented sentence is the synthesizer's own.
  ASSERT_EQ(synthesis.sentences.size(), 3u);
  EXPECT_EQ(synthesis.sentences[0].models, (Models{"qwen", "llama", "gemma"}));
  EXPECT_FALSE(synthesis.sentences[1].models.empty());
  EXPECT_EQ(synthesis.sentences[2].text, "The ceremony is broadcast live on the Moon.");
  EXPECT_TRUE(synthesis.sentences[2].models.empty());

  // The points: the invented one dropped, a wrong label unconfirmed.
  ASSERT_EQ(synthesis.agreements.size(), 1u);
  EXPECT_EQ(synthesis.agreements[0].models, (Models{"qwen", "llama", "gemma"}));
  EXPECT_TRUE(synthesis.agreements[0].confirmed());
  EXPECT_EQ(synthesis.dropped_points, 1);
  ASSERT_EQ(synthesis.disagreements.size(), 1u);
  EXPECT_EQ(synthesis.disagreements[0].models, Models{"gemma"});
  EXPECT_EQ(synthesis.disagreements[0].unconfirmed, Models{"qwen"});

  // Two calls: the answer, then the points with the schema, in one conversation.
  EXPECT_EQ(server_->request_count(), 2);
  const auto body = nlohmann::json::parse(server_->last_request_body());
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  ASSERT_EQ(body["messages"].size(), 3u);
  EXPECT_EQ(body["messages"][1]["role"], "assistant");
  EXPECT_EQ(body["messages"][1]["content"], kWritten);
  const std::string prompt = body["messages"][0]["content"];
  for (const char* name : {"qwen", "llama", "gemma"}) {
    EXPECT_EQ(prompt.find(name), std::string::npos) << "the prompt names " << name;
  }
  EXPECT_NE(prompt.find("<answer label=\"Model C\">"), std::string::npos);
  EXPECT_EQ(synthesis.usage.prompt_tokens, 2 * FakeOpenAiServer::kPromptTokens);
  EXPECT_DOUBLE_EQ(synthesis.cost_usd, 2 * FakeOpenAiServer::kPromptTokens);

  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.front().kind, SynthesisEvent::Kind::kStarted);
  EXPECT_EQ(events[1].kind, SynthesisEvent::Kind::kText);
  EXPECT_EQ(events.back().kind, SynthesisEvent::Kind::kFinished);
  EXPECT_FALSE(events.back().error);
}

TEST_F(SynthesizeTest, ShuffleIsDeterministicUnderASeed) {
  FakeOpenAiServer::Options options;
  options.answer = kWritten;
  options.structured_answer = Points();
  SynthesisOptions seeded;
  seeded.seed = 42;
  const Synthesis first = Run(options, kAnswers, seeded);
  const std::string first_body = server_->last_request_body();
  const Synthesis second = Run(options, kAnswers, seeded);
  EXPECT_EQ(server_->last_request_body(), first_body);
  ASSERT_EQ(first.anonymized.size(), second.anonymized.size());
  for (std::size_t i = 0; i < first.anonymized.size(); ++i) {
    EXPECT_EQ(first.anonymized[i].model, second.anonymized[i].model);
  }
  // The prompt shows the answers in the order the synthesis records.
  const std::string prompt = nlohmann::json::parse(first_body)["messages"][0]["content"];
  std::size_t previous = 0;
  for (const AnonymizedModel& entry : first.anonymized) {
    const std::string text = std::find_if(kAnswers.begin(), kAnswers.end(), [&](const Answer& a) {
                               return a.model == entry.model;
                             })->text;
    const std::size_t at = prompt.find("<answer label=\"" + entry.label + "\">\n" + text);
    ASSERT_NE(at, std::string::npos) << entry.label;
    EXPECT_GT(at, previous);
    previous = at;
  }
}

TEST_F(SynthesizeTest, MalformedOrTruncatedPointsLeaveTheAnswerStanding) {
  for (const std::string& points :
       {std::string(R"({"agreements":[{"text":"The first Nobel Prizes were)"),
        std::string("Sorry, I cannot produce JSON.")}) {
    FakeOpenAiServer::Options options;
    options.answer = kWritten;
    options.structured_answer = points;
    const Synthesis synthesis = Run(options);
    EXPECT_EQ(synthesis.method, "model");
    ASSERT_TRUE(synthesis.points_error);
    EXPECT_EQ(synthesis.points_error->code, ErrorCode::kMalformedResponse);
    EXPECT_TRUE(synthesis.agreements.empty());
    EXPECT_EQ(synthesis.sentences.size(), 3u);
  }
}

TEST_F(SynthesizeTest, FailingSynthesizerFallsBackToExtractiveWithItsOwnError) {
  const Synthesis synthesis = Run({FakeOpenAiServer::Behavior::kHtml502});
  EXPECT_EQ(synthesis.method, "extractive");
  ASSERT_TRUE(synthesis.error);
  EXPECT_EQ(synthesis.error->http_status, 502);
  EXPECT_NE(synthesis.error->message.find("The synthesizer fake failed"), std::string::npos);
  EXPECT_NE(synthesis.error->message.find("502 Bad Gateway"), std::string::npos)
      << synthesis.error->message;
  ASSERT_FALSE(synthesis.sentences.empty());
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    EXPECT_FALSE(sentence.models.empty()) << sentence.text;
  }
}

TEST_F(SynthesizeTest, SynthesizerThatTimesOutFallsBackToExtractive) {
  SynthesisOptions options;
  options.timeout = std::chrono::milliseconds(1500);
  const auto start = std::chrono::steady_clock::now();
  std::vector<SynthesisEvent> events;
  const Synthesis synthesis = Run({FakeOpenAiServer::Behavior::kHang}, kAnswers, options, &events);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(synthesis.method, "extractive");
  ASSERT_TRUE(synthesis.error);
  EXPECT_EQ(synthesis.error->code, ErrorCode::kTimeout);
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.back().error);
}

TEST_F(SynthesizeTest, PartialPanelIsNamedAndFewerThanTwoAnswersGetNoSynthesis) {
  std::vector<Answer> answers = kAnswers;
  answers[2].error = Error{ErrorCode::kTimeout, "gemma did not finish", 0, 0};
  FakeOpenAiServer::Options options;
  options.answer = kWritten;
  options.structured_answer = Points();
  const Synthesis partial = Run(options, answers);
  EXPECT_EQ(partial.basis, "partial panel: 2 of 3 answered · 1 timed out");
  const std::string prompt =
      nlohmann::json::parse(server_->last_request_body())["messages"][0]["content"];
  EXPECT_NE(prompt.find("The panel is partial"), std::string::npos);

  answers[1].error = Error{ErrorCode::kConnection, "refused", 0, 0};
  const Synthesis none = Run(options, answers);
  EXPECT_EQ(none.method, "none");
  EXPECT_TRUE(none.text.empty());
  EXPECT_EQ(server_->request_count(), 0) << "no synthesizer call for a single answer";
  EXPECT_NE(none.note.find("a synthesis needs at least two answers"), std::string::npos);
}

}  // namespace
}  // namespace drux
