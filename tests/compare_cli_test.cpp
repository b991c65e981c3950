// `drux ask --compare` and skipped members, run as a user runs them: the real binary
// against FakeOpenAiServer members on loopback (no model is needed to compare panels).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "support/fake_openai_server.h"
#include "support/subprocess.h"

namespace drux {
namespace {

using nlohmann::json;
using test::FakeOpenAiServer;

class CompareCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("drux-compare-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  // A server answering text; kept alive for the test.
  std::string Server(const std::string& text) {
    FakeOpenAiServer::Options options;
    options.answer = text;
    servers_.push_back(std::make_unique<FakeOpenAiServer>(options));
    return servers_.back()->Start();
  }

  std::string WriteConfig(const std::string& text) {
    const std::string path = (directory_ / "drux.toml").string();
    std::ofstream(path) << text;
    return path;
  }

  static std::string Model(const std::string& name, const std::string& url,
                           const std::string& extra = "") {
    return "[models." + name + "]\nprovider = \"openai\"\nendpoint = \"" + url + "\"\n" + extra;
  }

  // "open": two members that agree; "frontier": two that agree with each other and share
  // one of open's two points.
  std::string TwoPanels() {
    const std::string open_answer = "Paris is the capital of France. It lies on the Seine river.";
    const std::string frontier_answer =
        "Paris is the capital city of France. The Eiffel Tower opened in 1889.";
    return WriteConfig(
        Model("qwen", Server(open_answer)) + Model("llama", Server(open_answer)) +
        Model("gpt", Server(frontier_answer)) + Model("claude", Server(frontier_answer)) +
        "[panels]\nopen = [\"qwen\", \"llama\"]\nfrontier = [\"gpt\", \"claude\"]\n");
  }

  static test::ProcessResult Drux(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), DRUX_BINARY);
    return test::RunProcess(arguments);
  }

  std::filesystem::path directory_;
  std::vector<std::unique_ptr<FakeOpenAiServer>> servers_;
};

TEST_F(CompareCliTest, ShowsBothPanelsAndHowFarTheyAgree) {
  const std::string config = TwoPanels();
  const auto run = Drux({"ask", "--config", config, "--panel", "open", "--compare", "frontier",
                         "--synthesizer", "extractive", "What is Paris?"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("open · 2 models · complete"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("frontier · 2 models · complete"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Comparison: the two syntheses agree"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Only open says"), std::string::npos);
  EXPECT_NE(run.out.find("The Eiffel Tower opened in 1889."), std::string::npos);
}

TEST_F(CompareCliTest, JsonHoldsBothResultsAndTheComparison) {
  const std::string config = TwoPanels();
  const auto run = Drux({"ask", "--config", config, "--panel", "open", "--compare", "frontier",
                         "--synthesizer", "extractive", "--json", "What is Paris?"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json output = json::parse(run.out);
  ASSERT_EQ(output["results"].size(), 2u);
  EXPECT_EQ(output["results"][0]["panel"]["name"], "open");
  EXPECT_EQ(output["results"][1]["panel"]["name"], "frontier");
  const double agreement = output["comparison"]["synthesis_agreement"];
  EXPECT_GT(agreement, 0);
  EXPECT_LT(agreement, 1);
  EXPECT_FALSE(output["comparison"]["shared_points"].empty());
}

TEST_F(CompareCliTest, MembersWithoutKeysAreSkippedAndNamed) {
  const std::string url = Server("Paris.");
  const std::string config =
      WriteConfig(Model("claude", url, "api_key_env = \"DRUX_COMPARE_TEST_ANTHROPIC_KEY\"\n") +
                  Model("gpt", url, "api_key_env = \"DRUX_COMPARE_TEST_OPENAI_KEY\"\n") +
                  "[panels]\nfrontier = [\"claude\", \"gpt\"]\n");
  ::unsetenv("DRUX_COMPARE_TEST_ANTHROPIC_KEY");
  ::unsetenv("DRUX_COMPARE_TEST_OPENAI_KEY");
  const auto run = Drux({"ask", "--config", config, "--panel", "frontier", "What is Paris?"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("0 of 2 answered · 2 skipped: no API key"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("DRUX_COMPARE_TEST_ANTHROPIC_KEY is not set, so claude was skipped."),
            std::string::npos);
  EXPECT_NE(run.out.find("DRUX_COMPARE_TEST_OPENAI_KEY is not set, so gpt was skipped."),
            std::string::npos);
  EXPECT_EQ(servers_.back()->request_count(), 0);
}

TEST_F(CompareCliTest, ExitStatusIsTheWorseOfTheTwo) {
  const std::string config = WriteConfig(
      Model("qwen", Server("Paris.")) + Model("llama", Server("Paris.")) +
      Model("claude", Server("Paris."), "api_key_env = \"DRUX_COMPARE_TEST_UNSET_KEY\"\n") +
      "[panels]\nopen = [\"qwen\", \"llama\"]\nfrontier = [\"claude\"]\n");
  ::unsetenv("DRUX_COMPARE_TEST_UNSET_KEY");
  const auto run = Drux({"ask", "--config", config, "--panel", "open", "--compare", "frontier",
                         "--synthesizer", "extractive", "What is Paris?"});
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("Nothing to compare: panel frontier has no answer."), std::string::npos)
      << run.out;
}

TEST_F(CompareCliTest, UnknownComparePanelIsAUsageError) {
  const std::string config = TwoPanels();
  const auto run =
      Drux({"ask", "--config", config, "--panel", "open", "--compare", "nope", "What is Paris?"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("nope"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace drux
