// The synthesis stage through the engine (Ask), as every face runs it: the default
// synthesizer, Mixture-of-Agents rounds, replay panels, fallbacks and progress; with
// FakeOpenAiServers where an answer must be exact, tiny local members and a real
// llama-server synthesizer where the grammar must hold on a random model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>

#include "engine/ask.h"
#include "support/fake_openai_server.h"
#include "support/llama_server.h"
#include "support/tiny_models.h"

namespace drux {
namespace {

using test::FakeOpenAiServer;

const std::string kQuestion = "When were the first Nobel Prizes awarded?";

ModelSpec OpenAiMember(const std::string& name, const std::string& url, double price = 0) {
  ModelSpec spec;
  spec.name = name;
  spec.provider = "openai";
  spec.endpoint = url;
  spec.price_input_per_mtok = price;
  spec.price_output_per_mtok = price;
  return spec;
}

FakeOpenAiServer::Options Answering(const std::string& answer) {
  FakeOpenAiServer::Options options;
  options.answer = answer;
  options.structured_answer = R"({"agreements":[],"disagreements":[]})";
  return options;
}

// Records progress events; Ask may call from several threads.
class Events {
 public:
  ProgressSink Sink() {
    return [this](const ProgressEvent& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    };
  }
  std::vector<ProgressEvent> Of(int member) {
    std::lock_guard lock(mutex_);
    std::vector<ProgressEvent> found;
    for (const ProgressEvent& event : events_) {
      if (event.member == member) found.push_back(event);
    }
    return found;
  }

 private:
  std::mutex mutex_;
  std::vector<ProgressEvent> events_;
};

class AskSynthesisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* answer :
         {"The first Nobel Prizes were awarded in 1901. Alfred Nobel's will funded them.",
          "The first Nobel Prizes were awarded in 1901, in Stockholm.",
          "They were first awarded in 1901. Marie Curie later won two."}) {
      servers_.push_back(std::make_unique<FakeOpenAiServer>(Answering(answer)));
    }
    for (const auto& server : servers_) urls_.push_back(server->Start());
  }

  Panel ThreeMembers(double alpha_price, double beta_price, double gamma_price) {
    return Panel{
        "trio",
        {OpenAiMember("alpha", urls_[0], alpha_price), OpenAiMember("beta", urls_[1], beta_price),
         OpenAiMember("gamma", urls_[2], gamma_price)}};
  }

  std::vector<std::unique_ptr<FakeOpenAiServer>> servers_;
  std::vector<std::string> urls_;
};

TEST_F(AskSynthesisTest, TheStrongestMemberWritesTheSynthesisByDefault) {
  Events events;
  const auto result = Ask(kQuestion, ThreeMembers(0, 5, 1), AskOptions{}, events.Sink());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->synthesis.method, "model");
  EXPECT_EQ(result->synthesis.synthesizer, "beta") << "the member whose tokens cost most";
  EXPECT_EQ(servers_[1]->request_count(), 3) << "its answer, the synthesis and the points";
  EXPECT_GT(result->synthesis.cost_usd, 0);
  EXPECT_DOUBLE_EQ(result->total_cost_usd,
                   CostOfRound(result->answers).cost_usd + result->synthesis.cost_usd);

  // The synthesizer's progress arrives as that of a fourth member.
  const std::vector<ProgressEvent> synthesis = events.Of(3);
  ASSERT_GE(synthesis.size(), 3u);
  EXPECT_EQ(synthesis.front().kind, ProgressEvent::Kind::kStarted);
  EXPECT_EQ(synthesis.front().model, "synthesis · beta");
  EXPECT_EQ(synthesis.back().kind, ProgressEvent::Kind::kDone);
}

TEST_F(AskSynthesisTest, AmongEqualsTheRepresentativeWritesIt) {
  const auto result = Ask(kQuestion, ThreeMembers(0, 0, 0), AskOptions{}, nullptr);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->synthesis.synthesizer, result->analysis.representative);
}

TEST_F(AskSynthesisTest, ExtractiveOnlyCallsNoSynthesizer) {
  AskOptions options;
  options.extractive_only = true;
  const auto result = Ask(kQuestion, ThreeMembers(0, 5, 1), options, nullptr);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->synthesis.method, "extractive");
  EXPECT_TRUE(result->synthesis.note.empty()) << result->synthesis.note;
  for (const auto& server : servers_) EXPECT_EQ(server->request_count(), 1);
}

TEST_F(AskSynthesisTest, MixtureOfAgentsRoundsShowEachProposerThePreviousAnswers) {
  AskOptions options;
  options.rounds = 2;
  options.extractive_only = true;
  Events events;
  const auto result = Ask(kQuestion, ThreeMembers(2, 2, 2), options, events.Sink());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(result->rounds.size(), 2u);
  double rounds_cost = 0;
  for (const PanelRound& round : result->rounds) {
    const RoundCost cost = CostOfRound(round.answers);
    EXPECT_EQ(cost.answered, 3);
    EXPECT_GT(cost.cost_usd, 0);
    rounds_cost += cost.cost_usd;
  }
  EXPECT_DOUBLE_EQ(result->total_cost_usd, rounds_cost);
  for (const auto& server : servers_) {
    EXPECT_EQ(server->request_count(), 2);
    const std::string second = server->last_request_body();
    EXPECT_NE(second.find("<answer label=\\\"Model A\\\">"), std::string::npos) << second;
    EXPECT_NE(second.find("in Stockholm"), std::string::npos) << "beta's first answer";
    EXPECT_NE(second.find("Marie Curie"), std::string::npos) << "gamma's first answer";
    for (const char* name : {"alpha", "beta", "gamma"}) {
      EXPECT_EQ(second.find(name), std::string::npos) << "a proposer sees no model names";
    }
  }
  bool renamed = false;
  for (const ProgressEvent& event : events.Of(0)) renamed |= event.model == "alpha · round 2";
  EXPECT_TRUE(renamed);

  options.rounds = 0;
  EXPECT_FALSE(Ask(kQuestion, ThreeMembers(0, 0, 0), options, nullptr).has_value());
}

TEST_F(AskSynthesisTest, SynthesizerThatCannotBeCreatedFallsBackWithItsError) {
  AskOptions options;
  ModelSpec missing;
  missing.name = "ghost";
  missing.provider = "local";
  missing.endpoint = "/nonexistent/ghost.gguf";
  options.synthesizer = missing;
  const auto result = Ask(kQuestion, ThreeMembers(0, 0, 0), options, nullptr);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->synthesis.method, "extractive");
  ASSERT_TRUE(result->synthesis.error);
  EXPECT_NE(result->synthesis.error->message.find("/nonexistent/ghost.gguf"), std::string::npos)
      << result->synthesis.error->message;
}

TEST(AskReplayTest, ReplayPanelGivesAnAuditedExtractiveSynthesis) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("drux-ask-replay-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  Panel panel{"recorded", {}};
  const std::vector<std::pair<std::string, std::string>> recorded = {
      {"scribe-7b", "The first Nobel Prizes were awarded in 1901. Alfred Nobel funded them."},
      {"scholar-8b", "They were first awarded in 1901. Alfred Nobel funded them with his will."},
      {"sage-2b", "The first Nobel Prizes were awarded in 1901."}};
  for (const auto& [generator, output] : recorded) {
    const auto path = directory / (generator + ".jsonl");
    std::ofstream(path) << R"({"instruction": ")" << kQuestion << R"(", "output": ")" << output
                        << R"(", "generator": ")" << generator << "\"}\n";
    ModelSpec spec;
    spec.name = generator;
    spec.provider = "replay";
    spec.endpoint = path.string();
    panel.members.push_back(spec);
  }
  const auto result = Ask(kQuestion, panel, AskOptions{}, nullptr);
  std::filesystem::remove_all(directory);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->status, ResultStatus::kComplete);
  EXPECT_EQ(result->answers[0].provider_model, "scribe-7b");
  EXPECT_EQ(result->synthesis.method, "extractive");
  EXPECT_FALSE(result->synthesis.error);
  EXPECT_NE(result->synthesis.note.find("replay member"), std::string::npos)
      << result->synthesis.note;
  ASSERT_FALSE(result->synthesis.sentences.empty());
  for (const SynthesisSentence& sentence : result->synthesis.sentences) {
    EXPECT_FALSE(sentence.models.empty()) << sentence.text;
  }
}

// Tiny local members, and a random tiny model behind a real llama-server as the
// synthesizer: its prose is gibberish, so the audit must flag it, and its points must
// still arrive as JSON of the right shape, kept to it by the server's response_format.
TEST(AskLocalPanelTest, LlamaServerSynthesizerOverTinyLocalMembers) {
  test::TinyModelOptions synthesizer_model;
  synthesizer_model.seed = 41;
  synthesizer_model.context_length = 8192;
  test::LlamaServerOptions server_options;
  server_options.context_size = 8192;
  const auto server =
      test::LlamaServer::Start(test::TinyModelPath(synthesizer_model), server_options);

  Panel panel{"local", {}};
  for (const int letters : {5, 8, 12}) {
    test::TinyModelOptions member;
    member.seed = 5;
    member.end_turn_after = letters;
    ModelSpec spec;
    spec.name = "tiny" + std::to_string(letters);
    spec.provider = "local";
    spec.endpoint = test::TinyModelPath(member);
    panel.members.push_back(spec);
  }
  AskOptions options;
  options.synthesizer = OpenAiMember("server", server->base_url());
  options.synthesis.max_tokens = 120;
  options.synthesis.points_max_tokens = 3000;
  options.synthesis.points.max_points = 2;
  options.synthesis.points.max_chars = 24;
  options.synthesis.seed = 7;
  const auto result = Ask("Name the first letters.", panel, options, nullptr);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->status, ResultStatus::kComplete);
  const Synthesis& synthesis = result->synthesis;
  ASSERT_EQ(synthesis.method, "model") << (synthesis.error ? synthesis.error->message : "");
  EXPECT_EQ(synthesis.synthesizer, "server");
  EXPECT_FALSE(synthesis.points_error) << synthesis.points_error->message;
  ASSERT_FALSE(synthesis.sentences.empty());
  std::size_t flagged = 0;
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    flagged += sentence.models.empty() ? 1 : 0;
  }
  EXPECT_GT(flagged, 0u) << "a random model's prose is not what the members said";
  for (const auto* points : {&synthesis.agreements, &synthesis.disagreements}) {
    for (const SynthesisPoint& point : *points) EXPECT_FALSE(point.models.empty());
  }
  EXPECT_GT(synthesis.usage.completion_tokens, 0);
}

}  // namespace
}  // namespace drux
