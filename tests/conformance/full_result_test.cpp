// A whole `drux ask` against the three wire protocols at once, run as a user runs it: the
// real binary, a panel of an OpenAI, an Anthropic and a Gemini member, each served by a
// recorded vendor stream on loopback. The result must show each member's tokens and cost,
// and the question's total, to the cent.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/protocol_replay_server.h"
#include "support/subprocess.h"

namespace drux {
namespace {

using nlohmann::json;
using test::ProtocolReplayServer;

constexpr const char* kKeyEnv = "DRUX_FULL_RESULT_API_KEY";
constexpr const char* kKey = "sk-full-result-7c1d9e";

// Prices of every member, US dollars per million tokens: large enough that each member's
// cost is dollars and cents, not fractions of a cent.
constexpr double kInputPrice = 300;
constexpr double kCachedInputPrice = 30;
constexpr double kOutputPrice = 1500;

// Every recorded stream reports 1,250 prompt tokens of which 1,024 came from the cache, and
// 74 completion tokens (tests/data/protocols/*/stream.http).
constexpr int kPromptTokens = 1250;
constexpr int kCachedTokens = 1024;
constexpr int kCompletionTokens = 74;

std::string Member(const std::string& name, const std::string& provider,
                   const std::string& endpoint, const std::string& model) {
  return "[models." + name + "]\nprovider = \"" + provider + "\"\nendpoint = \"" + endpoint +
         "\"\nmodel = \"" + model + "\"\napi_key_env = \"" + kKeyEnv +
         "\"\nprice_input_per_mtok = " + std::to_string(kInputPrice) +
         "\nprice_cached_input_per_mtok = " + std::to_string(kCachedInputPrice) +
         "\nprice_output_per_mtok = " + std::to_string(kOutputPrice) + "\n";
}

TEST(FullResultTest, ShowsEachMembersTokensAndCostAndTheTotal) {
  ProtocolReplayServer openai, anthropic, gemini;
  ASSERT_TRUE(openai.Serve("openai/stream.http"));
  ASSERT_TRUE(anthropic.Serve("anthropic/stream.http"));
  ASSERT_TRUE(gemini.Serve("gemini/stream.http"));
  const std::string config =
      Member("gpt", "openai", openai.Start() + "/v1", "gpt-5") +
      Member("claude", "anthropic", anthropic.Start() + "/v1", "claude-sonnet-4-5") +
      Member("gemini", "gemini", gemini.Start() + "/v1beta", "gemini-2.5-pro") +
      "[panels]\nvendors = [\"gpt\", \"claude\", \"gemini\"]\n" +
      "[synthesis]\nmodel = \"extractive\"\n";
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("drux-full-result-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << config;
  ::setenv(kKeyEnv, kKey, 1);

  const test::ProcessResult run =
      test::RunProcess({DRUX_BINARY, "ask", "--config", path.string(), "--panel", "vendors",
                        "--json", "What is the capital of France?"});
  // The text shows people the same figures.
  const test::ProcessResult text =
      test::RunProcess({DRUX_BINARY, "ask", "--config", path.string(), "--panel", "vendors",
                        "What is the capital of France?"});
  std::filesystem::remove(path);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.out.find(kKey), std::string::npos);
  EXPECT_EQ(run.err.find(kKey), std::string::npos);

  const json result = json::parse(run.out);
  const double member_cost =
      ((kPromptTokens - kCachedTokens) * kInputPrice + kCachedTokens * kCachedInputPrice +
       kCompletionTokens * kOutputPrice) /
      1e6;
  ASSERT_EQ(result["answers"].size(), 3u);
  for (const json& answer : result["answers"]) {
    SCOPED_TRACE(answer["model"].get<std::string>());
    EXPECT_TRUE(answer["ok"].get<bool>());
    EXPECT_EQ(answer["text"], "Paris is the capital of France.");
    EXPECT_EQ(answer["usage"]["prompt_tokens"], kPromptTokens);
    EXPECT_EQ(answer["usage"]["cached_prompt_tokens"], kCachedTokens);
    EXPECT_EQ(answer["usage"]["completion_tokens"], kCompletionTokens);
    EXPECT_TRUE(answer["usage"]["reported"].get<bool>());
    EXPECT_NEAR(answer["cost_usd"].get<double>(), member_cost, 0.005);  // to the cent: $0.21
  }
  EXPECT_NEAR(result["total_cost_usd"].get<double>(), 3 * member_cost, 0.005);  // $0.63

  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* member : {"── gpt", "── claude", "── gemini"}) {
    const std::size_t header = text.out.find(member);
    ASSERT_NE(header, std::string::npos) << member << "\n" << text.out;
    const std::string line = text.out.substr(header, text.out.find('\n', header) - header);
    EXPECT_NE(line.find("1250 prompt (1024 cached) + 74 completion tokens"), std::string::npos) << line;
    EXPECT_NE(line.find("$0.2095"), std::string::npos) << line;
  }
  EXPECT_NE(text.out.find("Total cost: $0.6286"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find(kKey), std::string::npos);
}

}  // namespace
}  // namespace drux
