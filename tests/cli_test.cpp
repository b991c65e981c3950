// `drux ask` end to end, run as a user runs it: the real binary, real llama-server
// members on loopback serving tiny generated models, and, where a bad peer is needed
// that llama-server cannot imitate (an HTML 502 page, a cut stream, a 429), the
// misbehaving FakeOpenAiServer beside two real members.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "support/fake_openai_server.h"
#include "support/llama_server.h"
#include "support/subprocess.h"
#include "support/tiny_models.h"

namespace drux {
namespace {

using nlohmann::json;
using test::FakeOpenAiServer;

constexpr int kExitComplete = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPartial = 3;

class CliTest : public ::testing::Test {
 protected:
  // Three llama-servers for the whole suite: starting them is the slow part. Their tiny
  // models answer "abcde" and end their turn, so the panel agrees and the analysis has
  // something real to find; the in-process tests below cover random gibberish.
  static void SetUpTestSuite() {
    for (int seed : {11, 22, 33}) {
      test::TinyModelOptions model;
      model.seed = seed;
      model.end_turn_after = 5;
      servers_.push_back(test::LlamaServer::Start(test::TinyModelPath(model)));
    }
  }
  static void TearDownTestSuite() { servers_.clear(); }

  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("drux-cli-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  // A member spec for llama-server number i.
  static std::string Member(int i) {
    return "tiny" + std::to_string(i) + "=openai:" + servers_[i]->base_url();
  }

  // Writes a config whose "tiny" panel is the three llama-servers, short answers.
  std::string WriteConfig() {
    std::string text = "[defaults]\npanel = \"tiny\"\nmember_timeout_seconds = 60\n";
    for (std::size_t i = 0; i < servers_.size(); ++i) {
      text += "[models.tiny" + std::to_string(i) + "]\nprovider = \"openai\"\nendpoint = \"" +
              servers_[i]->base_url() + "\"\nmax_tokens = 24\ntemperature = 0.0\n";
    }
    text += "[panels]\ntiny = [\"tiny0\", \"tiny1\", \"tiny2\"]\n";
    return WriteFile("drux.toml", text);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = (directory_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // A replay file of recorded answers by generator, one record per (question, answer).
  std::string WriteReplay(const std::string& generator,
                          const std::vector<std::pair<std::string, std::string>>& records) {
    std::string lines;
    for (const auto& [question, answer] : records) {
      lines +=
          json({{"instruction", question}, {"output", answer}, {"generator", generator}}).dump() +
          "\n";
    }
    return WriteFile(generator + ".jsonl", lines);
  }

  // Three recorded members answering kReplayQuestion, the last one not recording it when
  // partial; as --model arguments.
  std::vector<std::string> ReplayMembers(bool partial = false) {
    const std::vector<std::string> args = {
        "--model",
        "replay:" + WriteReplay("scribe-7b",
                                {{kReplayQuestion,
                                  "The first Nobel Prizes were awarded in 1901. Alfred Nobel's "
                                  "will funded them."}}),
        "--model",
        "replay:" + WriteReplay("scholar-8b",
                                {{kReplayQuestion,
                                  "They were first awarded in 1901. Alfred Nobel's will funded "
                                  "the prizes."}}),
        "--model",
        "replay:" + WriteReplay("sage-2b", {{partial ? "Another question?" : kReplayQuestion,
                                             "The first Nobel Prizes were awarded in 1901."}})};
    return args;
  }

  // A configuration whose synthesizer is the server at url.
  std::string WriteSynthesizerConfig(const std::string& url, const std::string& extra = "") {
    return WriteFile("synthesis.toml", "[models.writer]\nprovider = \"openai\"\nendpoint = \"" +
                                           url + "\"\n[synthesis]\nmodel = \"writer\"\n" + extra);
  }

  static inline const std::string kReplayQuestion = "When were the first Nobel Prizes awarded?";

  static test::ProcessResult Drux(std::vector<std::string> args, std::string stdin_data = {},
                                  const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), DRUX_BINARY);
    test::RunProcessOptions options;
    options.stdin_data = std::move(stdin_data);
    options.timeout = std::chrono::seconds(120);
    // No stray configuration from the machine running the tests.
    options.extra_env = {{"DRUX_CONFIG", ""}, {"XDG_CONFIG_HOME", "/nonexistent"}};
    options.extra_env.insert(env.begin(), env.end());
    return test::RunProcess(args, options);
  }

  // Runs a panel of two real members plus the given bad one, and checks the common
  // promise: a partial result whose real members answered.
  json AskWithBadMember(const std::string& bad_url, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"ask",     "Name a colour.", "--json",
                                     "--model", Member(0),        "--model",
                                     Member(1), "--model",        "bad=openai:" + bad_url};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = Drux(args);
    EXPECT_EQ(run.exit_code, kExitPartial) << run.err;
    const json result = json::parse(run.out);
    EXPECT_EQ(result["panel"]["status"], "partial");
    EXPECT_EQ(result["panel"]["answered"], 2);
    EXPECT_TRUE(result["answers"][0]["ok"].get<bool>());
    EXPECT_TRUE(result["answers"][1]["ok"].get<bool>());
    EXPECT_FALSE(result["answers"][2]["ok"].get<bool>());
    return result["answers"][2]["error"];
  }

  static inline std::vector<std::unique_ptr<test::LlamaServer>> servers_;
  std::filesystem::path directory_;
};

TEST_F(CliTest, ThreeLlamaServersAnswerEndToEnd) {
  const auto run = Drux({"ask", "What is an AI engineer?", "--json", "--config", WriteConfig()});
  ASSERT_EQ(run.exit_code, kExitComplete) << run.err;
  const json result = json::parse(run.out);
  EXPECT_EQ(result["question"], "What is an AI engineer?");
  EXPECT_EQ(result["panel"]["name"], "tiny");
  EXPECT_EQ(result["panel"]["status"], "complete");
  EXPECT_EQ(result["panel"]["summary"], "3 models · complete");
  ASSERT_EQ(result["answers"].size(), 3u);
  for (const json& answer : result["answers"]) {
    EXPECT_TRUE(answer["ok"].get<bool>()) << answer.dump();
    EXPECT_GT(answer["usage"]["completion_tokens"].get<int>(), 0);
    EXPECT_GT(answer["latency_ms"].get<double>(), 0);
  }
  EXPECT_GE(result["analysis"]["consensus"]["score"].get<double>(), 85);
  EXPECT_EQ(result["analysis"]["consensus"]["label"], "Strong consensus");
  ASSERT_EQ(result["analysis"]["agreements"].size(), 1u);
  EXPECT_EQ(result["analysis"]["agreements"][0]["text"], "abcde");
  EXPECT_EQ(result["analysis"]["agreements"][0]["models"],
            json::array({"tiny0", "tiny1", "tiny2"}));
  EXPECT_TRUE(result["analysis"]["disagreements"].empty());
  EXPECT_EQ(result["analysis"]["pairwise"].size(), 3u);
  EXPECT_EQ(result["synthesis"]["method"], "extractive");
  for (const json& sentence : result["synthesis"]["sentences"]) {
    EXPECT_FALSE(sentence["models"].empty()) << "an extractive sentence no model said";
  }
}

TEST_F(CliTest, PlainTextLaysOutTheResultLikeTheProduct) {
  const auto run = Drux({"ask", "What is an AI engineer?", "--config", WriteConfig()});
  ASSERT_EQ(run.exit_code, kExitComplete) << run.err;
  std::size_t at = 0;
  for (const char* heading : {"Question:", "Panel: tiny · 3 models · complete", "Consensus:",
                              "Models agree on", "Points of disagreement", "Synthesized answer",
                              "Answers", "── tiny0", "── tiny1", "── tiny2"}) {
    const std::size_t found = run.out.find(heading, at);
    ASSERT_NE(found, std::string::npos) << heading << " missing or out of order in:\n" << run.out;
    at = found;
  }
  EXPECT_EQ(run.out.find("\033["), std::string::npos) << "no ANSI codes when not a terminal";
}

TEST_F(CliTest, EmptyQuestionIsRefusedClearly) {
  const auto run = Drux({"ask", "  ", "--config", WriteConfig()});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_NE(run.err.find("The question is empty"), std::string::npos) << run.err;
}

TEST_F(CliTest, MegabyteQuestionIsRefusedWithItsSize) {
  const auto run = Drux({"ask", "-", "--config", WriteConfig()}, std::string(1 << 20, 'x'));
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_NE(run.err.find("1048576 bytes long; the limit is 65536 bytes"), std::string::npos)
      << run.err;
}

TEST_F(CliTest, InvalidUtf8QuestionIsRefusedWithTheOffset) {
  const auto run = Drux({"ask", "caf\xE9?", "--config", WriteConfig()});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_NE(run.err.find("not valid UTF-8 (first bad byte at offset 3)"), std::string::npos)
      << run.err;
}

TEST_F(CliTest, HtmlErrorPageFromOneMemberIsReportedAsSuch) {
  FakeOpenAiServer bad({FakeOpenAiServer::Behavior::kHtml502});
  const json error = AskWithBadMember(bad.Start());
  EXPECT_EQ(error["http_status"], 502);
  const std::string message = error["message"];
  EXPECT_NE(message.find("HTML"), std::string::npos) << message;
  EXPECT_NE(message.find("502"), std::string::npos) << message;
}

TEST_F(CliTest, StreamCutInTheMiddleKeepsThePartialText) {
  FakeOpenAiServer bad({FakeOpenAiServer::Behavior::kCutStream});
  const json error = AskWithBadMember(bad.Start());
  EXPECT_EQ(error["code"], "malformed_response");
  EXPECT_NE(error["message"].get<std::string>().find("ended before"), std::string::npos);
}

TEST_F(CliTest, RateLimitReportsRetryAfter) {
  FakeOpenAiServer::Options options{FakeOpenAiServer::Behavior::kRateLimited};
  options.retry_after_seconds = 30;
  FakeOpenAiServer bad(options);
  // A wait past the deadline is not taken: the member fails at once, saying so.
  const json error = AskWithBadMember(bad.Start(), {"--timeout", "20"});
  EXPECT_EQ(error["code"], "rate_limited");
  EXPECT_EQ(error["http_status"], 429);
  EXPECT_EQ(error["retry_after_seconds"], 30);
}

TEST_F(CliTest, MemberThatNeverAnswersIsCutOffByTheDeadline) {
  FakeOpenAiServer bad({FakeOpenAiServer::Behavior::kHang});
  const auto start = std::chrono::steady_clock::now();
  const json error = AskWithBadMember(bad.Start(), {"--timeout", "4"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(error["code"], "timeout");
}

TEST_F(CliTest, LocalPanelAnswersInProcessAndStopsAtEndOfTurn) {
  test::TinyModelOptions polite;
  polite.seed = 5;
  polite.end_turn_after = 5;
  const auto run =
      Drux({"ask", "Name a colour.", "--json", "--model", "one=local:" + test::TinyModelPath(11),
            "--model", "two=local:" + test::TinyModelPath(22), "--model",
            "brief=local:" + test::TinyModelPath(polite)});
  ASSERT_EQ(run.exit_code, kExitComplete) << run.err;
  const json result = json::parse(run.out);
  EXPECT_EQ(result["panel"]["summary"], "3 models · complete");
  for (const json& answer : result["answers"]) {
    EXPECT_TRUE(answer["ok"].get<bool>()) << answer.dump();
    EXPECT_TRUE(answer["usage"]["reported"].get<bool>());
  }
  EXPECT_EQ(result["answers"][2]["text"], "abcde");
  EXPECT_EQ(result["answers"][2]["finish_reason"], "stop");
  EXPECT_EQ(result["answers"][2]["usage"]["completion_tokens"], 5);
}

TEST_F(CliTest, BadLocalFilesFailAloneWithTheirPaths) {
  const std::string not_gguf = WriteFile("notes.gguf", "these are notes, not a model");
  const std::string missing = (directory_ / "missing.gguf").string();
  const auto run =
      Drux({"ask", "Name a colour.", "--json", "--model", "one=local:" + test::TinyModelPath(11),
            "--model", "notes=local:" + not_gguf, "--model", "missing=local:" + missing});
  ASSERT_EQ(run.exit_code, kExitPartial) << run.err;
  const json result = json::parse(run.out);
  EXPECT_TRUE(result["answers"][0]["ok"].get<bool>());
  const std::string not_gguf_message = result["answers"][1]["error"]["message"];
  EXPECT_NE(not_gguf_message.find(not_gguf + " is not a GGUF model file"), std::string::npos)
      << not_gguf_message;
  const std::string missing_message = result["answers"][2]["error"]["message"];
  EXPECT_NE(missing_message.find(missing + " does not exist"), std::string::npos)
      << missing_message;
}

TEST_F(CliTest, CatalogModelThatCannotBeDownloadedFailsAloneWithWhatToDo) {
  // Port 1 on loopback refuses connections: the "offline" case, without leaving the machine.
  const auto run = Drux({"ask", "Name a colour.", "--json", "--model", "local:gemma3-1b", "--model",
                         Member(0), "--model", Member(1)},
                        {},
                        {{"HF_ENDPOINT", "http://127.0.0.1:1"},
                         {"DRUX_MODELS_DIR", (directory_ / "models").string()}});
  ASSERT_EQ(run.exit_code, kExitPartial) << run.err;
  const json result = json::parse(run.out);
  EXPECT_EQ(result["panel"]["answered"], 2);
  const std::string message = result["answers"][0]["error"]["message"];
  EXPECT_NE(message.find("Could not download gemma3-1b from http://127.0.0.1:1/"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("HF_ENDPOINT"), std::string::npos) << message;
}

TEST_F(CliTest, BrokenConfigNamesFileAndLine) {
  const std::string path =
      WriteFile("broken.toml", "[models.a]\nprovider = \"openai\"\nendpoint = \n");
  const auto run = Drux({"ask", "Hello?", "--config", path});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_NE(run.err.find(path + ":3"), std::string::npos) << run.err;
}

TEST_F(CliTest, UnknownPanelAndModelAreNamed) {
  const std::string config = WriteConfig();
  const auto panel = Drux({"ask", "Hello?", "--config", config, "--panel", "nope"});
  EXPECT_EQ(panel.exit_code, kExitUsage);
  EXPECT_NE(panel.err.find("Unknown panel 'nope'"), std::string::npos) << panel.err;
  EXPECT_NE(panel.err.find("tiny"), std::string::npos) << panel.err;
  const auto model = Drux({"ask", "Hello?", "--config", config, "--model", "ghost"});
  EXPECT_EQ(model.exit_code, kExitUsage);
  EXPECT_NE(model.err.find("Unknown model 'ghost'"), std::string::npos) << model.err;
}

TEST_F(CliTest, AllMembersFailingIsAFailure) {
  FakeOpenAiServer bad({FakeOpenAiServer::Behavior::kHtml502});
  const auto run = Drux({"ask", "Hello?", "--json", "--model", "bad=openai:" + bad.Start()});
  EXPECT_EQ(run.exit_code, kExitFailed) << run.err;
  const json result = json::parse(run.out);
  EXPECT_EQ(result["panel"]["status"], "failed");
  EXPECT_EQ(result["synthesis"]["method"], "none");
}

TEST_F(CliTest, VersionAndHelp) {
  const auto version = Drux({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("drux ", 0), 0u) << version.out;
  const auto help = Drux({"ask", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--model"), std::string::npos);
}

TEST_F(CliTest, ReplayPanelPrintsACompleteResultWithAnAuditedSynthesis) {
  std::vector<std::string> args = {"ask", kReplayQuestion, "--json"};
  const std::vector<std::string> members = ReplayMembers();
  args.insert(args.end(), members.begin(), members.end());
  const auto run = Drux(args);
  ASSERT_EQ(run.exit_code, kExitComplete) << run.err;
  const json result = json::parse(run.out);
  EXPECT_EQ(result["panel"]["summary"], "3 models · complete");
  EXPECT_EQ(result["answers"][1]["model"], "scholar-8b") << "named after the recorded generator";
  EXPECT_EQ(result["answers"][1]["provider_model"], "scholar-8b");
  const json& synthesis = result["synthesis"];
  EXPECT_EQ(synthesis["method"], "extractive");
  EXPECT_EQ(synthesis["basis"], "all 3 answers");
  EXPECT_EQ(synthesis["unsupported_sentences"], 0);
  ASSERT_FALSE(synthesis["sentences"].empty());
  for (const json& sentence : synthesis["sentences"]) {
    EXPECT_FALSE(sentence["models"].empty()) << sentence.dump();
  }
  EXPECT_NE(synthesis["note"].get<std::string>().find("replay member"), std::string::npos);
  EXPECT_EQ(result["rounds"].size(), 1u);

  args.erase(args.begin() + 2);  // the same as text
  const auto text = Drux(args);
  ASSERT_EQ(text.exit_code, kExitComplete) << text.err;
  EXPECT_NE(text.out.find("Synthesized answer · extractive"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("from all 3 answers"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("no model says this"), std::string::npos) << text.out;
}

TEST_F(CliTest, ReplayOfAnUnrecordedQuestionNamesTheFile) {
  const std::string file = WriteReplay("scribe-7b", {{"Something else?", "Yes."}});
  const auto run = Drux({"ask", "Is this recorded?", "--json", "--model", "replay:" + file});
  EXPECT_EQ(run.exit_code, kExitFailed) << run.err;
  const json result = json::parse(run.out);
  EXPECT_EQ(result["answers"][0]["error"]["code"], "not_found");
  const std::string message = result["answers"][0]["error"]["message"];
  EXPECT_NE(message.find(file), std::string::npos) << message;
  const auto missing = Drux({"ask", "Hi?", "--model", "replay:" + file + ".gone"});
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_NE(missing.err.find(file + ".gone"), std::string::npos) << missing.err;
}

TEST_F(CliTest, ConfiguredSynthesizerWritesTheAnswerAndTheAuditFlagsWhatNoModelSaid) {
  FakeOpenAiServer::Options options;
  options.answer =
      "The first Nobel Prizes were awarded in 1901. They are handed out on the Moon by robots.";
  options.structured_answer =
      R"({"agreements":[{"text":"The first Nobel Prizes were awarded in 1901.","models":[)"
      R"("Model A","Model B","Model C"]}],"disagreements":[]})";
  FakeOpenAiServer writer(options);
  std::vector<std::string> args = {"ask", kReplayQuestion, "--json", "--config",
                                   WriteSynthesizerConfig(writer.Start())};
  const std::vector<std::string> members = ReplayMembers();
  args.insert(args.end(), members.begin(), members.end());
  const auto run = Drux(args);
  ASSERT_EQ(run.exit_code, kExitComplete) << run.err;
  const json synthesis = json::parse(run.out)["synthesis"];
  EXPECT_EQ(synthesis["method"], "model");
  EXPECT_EQ(synthesis["synthesizer"], "writer");
  EXPECT_EQ(synthesis["prompt"], "synthesis-v1");
  EXPECT_EQ(synthesis["anonymized"].size(), 3u);
  EXPECT_EQ(synthesis["unsupported_sentences"], 1);
  EXPECT_TRUE(synthesis["sentences"][1]["unsupported"].get<bool>());
  ASSERT_EQ(synthesis["agreements"].size(), 1u);
  EXPECT_EQ(synthesis["agreements"][0]["models"], json({"scribe-7b", "scholar-8b", "sage-2b"}));
  EXPECT_TRUE(synthesis["agreements"][0]["confirmed"].get<bool>());

  args.erase(args.begin() + 2);
  const auto text = Drux(args);
  ASSERT_EQ(text.exit_code, kExitComplete) << text.err;
  for (const char* expected :
       {"written by writer", "each model checked against its answer", "[no model says this]",
        "1 of 2 sentences are the synthesizer's own"}) {
    EXPECT_NE(text.out.find(expected), std::string::npos) << expected << " in:\n" << text.out;
  }
}

TEST_F(CliTest, FailingSynthesizerFallsBackAndAPartialPanelIsNamed) {
  FakeOpenAiServer writer({FakeOpenAiServer::Behavior::kHtml502});
  std::vector<std::string> args = {"ask", kReplayQuestion, "--config",
                                   WriteSynthesizerConfig(writer.Start())};
  const std::vector<std::string> members = ReplayMembers(/*partial=*/true);
  args.insert(args.end(), members.begin(), members.end());
  const auto text = Drux(args);
  ASSERT_EQ(text.exit_code, kExitPartial) << text.err;
  for (const char* expected :
       {"Synthesized answer · extractive", "from partial panel: 2 of 3 answered · 1 failed",
        "The synthesizer writer failed, so the extractive synthesis is shown: HTTP 502"}) {
    EXPECT_NE(text.out.find(expected), std::string::npos) << expected << " in:\n" << text.out;
  }
  args.push_back("--json");
  const json synthesis = json::parse(Drux(args).out)["synthesis"];
  EXPECT_EQ(synthesis["method"], "extractive");
  EXPECT_EQ(synthesis["error"]["http_status"], 502);
}

TEST_F(CliTest, UnusableSynthesisSettingsAreUsageErrors) {
  const std::vector<std::string> members = ReplayMembers();
  const auto ask = [&](const std::string& config) {
    std::vector<std::string> args = {"ask", kReplayQuestion, "--config", config};
    args.insert(args.end(), members.begin(), members.end());
    return Drux(args);
  };
  const std::string missing_prompt = (directory_ / "missing-prompt.md").string();
  const auto prompt =
      ask(WriteSynthesizerConfig("http://127.0.0.1:1/v1", "prompt = \"" + missing_prompt + "\"\n"));
  EXPECT_EQ(prompt.exit_code, kExitUsage);
  EXPECT_NE(prompt.err.find(missing_prompt), std::string::npos) << prompt.err;
  const auto model = ask(WriteFile("ghost.toml", "[synthesis]\nmodel = \"ghost\"\n"));
  EXPECT_EQ(model.exit_code, kExitUsage);
  EXPECT_NE(model.err.find("The synthesizer ghost is unusable"), std::string::npos) << model.err;
}

}  // namespace
}  // namespace drux
