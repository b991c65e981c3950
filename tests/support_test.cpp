// Checks the test support itself: child processes, generated tiny models, and a real
// llama-server answering OpenAI-style chat completions from one of them.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "support/llama_server.h"
#include "support/subprocess.h"
#include "support/tiny_models.h"

namespace drux::test {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

bool ProcessExists(pid_t pid) {
  return kill(pid, 0) == 0;
}

TEST(RunProcessTest, CapturesStdoutStderrAndExitCode) {
  const ProcessResult result = RunProcess({"sh", "-c", "echo to-out; echo to-err >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "to-out\n");
  EXPECT_EQ(result.err, "to-err\n");
  EXPECT_FALSE(result.timed_out);
}

TEST(RunProcessTest, PassesStdinAndEnvironment) {
  RunProcessOptions options;
  options.stdin_data = "from stdin";
  options.extra_env = {{"DRUX_SUPPORT_TEST_VALUE", "from env"}};
  const ProcessResult result =
      RunProcess({"sh", "-c", "cat; echo \" $DRUX_SUPPORT_TEST_VALUE\""}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "from stdin from env\n");
}

// Both pipes fill far beyond their 64 KiB buffers; reading only one at a time would hang.
TEST(RunProcessTest, ReadsLargeOutputOnBothStreamsWithoutDeadlock) {
  const ProcessResult result =
      RunProcess({"sh", "-c", "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.size(), 1000000u);
  EXPECT_EQ(result.err.size(), 1000000u);
}

TEST(RunProcessTest, KillsProcessAtTimeout) {
  RunProcessOptions options;
  options.timeout = std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult result = RunProcess({"sleep", "10"}, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(RunProcessTest, ThrowsWhenProgramIsMissing) {
  EXPECT_THROW(RunProcess({"drux-no-such-program"}), std::system_error);
  EXPECT_THROW(RunProcess({"/nonexistent/drux-program"}), std::system_error);
}

TEST(ChildProcessTest, StopsWithSigtermAndWritesLog) {
  const std::string log = testing::TempDir() + "child_process_test.log";
  ChildProcess child;
  child.Start({"sh", "-c", "echo started; exec sleep 30"}, log);
  EXPECT_TRUE(child.Running());
  const pid_t pid = child.pid();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  child.Stop();
  EXPECT_FALSE(child.Running());
  EXPECT_EQ(child.exit_code(), 128 + SIGTERM);
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_EQ(ReadFile(log), "started\n");
}

// The kernel's parent-death signal follows the thread that forked; a child started from a
// thread that then ends must live on.
TEST(ChildProcessTest, OutlivesTheThreadThatStartedIt) {
  ChildProcess child;
  std::thread([&child] {
    child.Start({"sleep", "30"}, testing::TempDir() + "child_process_thread_test.log");
  }).join();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(child.Running());
}

TEST(TinyModelsTest, DifferentSeedsGiveDifferentModels) {
  const std::string first = TinyModelPath(1);
  const std::string second = TinyModelPath(2);
  ASSERT_TRUE(std::filesystem::exists(first));
  ASSERT_TRUE(std::filesystem::exists(second));
  EXPECT_NE(first, second);
  EXPECT_LT(std::filesystem::file_size(first), 1'000'000u);
  EXPECT_NE(ReadFile(first), ReadFile(second));
  EXPECT_EQ(TinyModelPath(1), first);
}

struct HttpResponse {
  int curl_exit_code = 0;  // 7: could not connect
  int status = 0;
  std::string body;
};

// POSTs a JSON body with curl (test-only; the product's HTTP client is under test elsewhere).
HttpResponse PostJson(const std::string& url, const json& body) {
  RunProcessOptions options;
  options.stdin_data = body.dump();
  options.timeout = std::chrono::seconds(60);
  const ProcessResult result =
      RunProcess({"/usr/bin/curl", "--silent", "--show-error", "--no-buffer", "--header",
                  "Content-Type: application/json", "--data-binary", "@-", "--write-out",
                  "\n%{http_code}", url},
                 options);
  const std::size_t last_line = result.out.rfind('\n');
  if (last_line == std::string::npos) return {result.exit_code, 0, result.err};
  return {result.exit_code, std::stoi(result.out.substr(last_line + 1)),
          result.out.substr(0, last_line)};
}

json ChatRequest(int max_tokens) {
  return {{"model", "tiny"},
          {"messages", {{{"role", "user"}, {"content", "Which year did the century start?"}}}},
          {"max_tokens", max_tokens}};
}

class LlamaServerTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = LlamaServer::Start(TinyModelPath(1)); }
  static void TearDownTestSuite() { server_.reset(); }

  static std::unique_ptr<LlamaServer> server_;
};

std::unique_ptr<LlamaServer> LlamaServerTest::server_;

TEST_F(LlamaServerTest, AnswersChatCompletionWithUsage) {
  ASSERT_NE(server_, nullptr);
  EXPECT_EQ(server_->base_url(), "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1");
  const HttpResponse response =
      PostJson(server_->base_url() + "/chat/completions", ChatRequest(16));
  ASSERT_EQ(response.status, 200) << response.body;
  const json completion = json::parse(response.body);
  const std::string content = completion["choices"][0]["message"]["content"];
  EXPECT_FALSE(content.empty());
  EXPECT_TRUE(std::all_of(content.begin(), content.end(), [](char c) {
    return c >= ' ' && c <= '~';
  })) << content;
  EXPECT_EQ(completion["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(completion["usage"]["completion_tokens"], 16);
  EXPECT_GT(completion["usage"]["prompt_tokens"].get<int>(), 0);
}

TEST_F(LlamaServerTest, AppliesTheChatmlTemplate) {
  ASSERT_NE(server_, nullptr);
  const json request = {
      {"messages",
       {{{"role", "system"}, {"content", "Be brief."}}, {{"role", "user"}, {"content", "Hi"}}}}};
  const HttpResponse response =
      PostJson("http://127.0.0.1:" + std::to_string(server_->port()) + "/apply-template", request);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body)["prompt"],
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\n");
}

// The end-of-turn token must end the answer: forcing <|im_end|> first gives an empty answer
// that stopped, not one cut off by max_tokens.
TEST_F(LlamaServerTest, StopsAtImEnd) {
  ASSERT_NE(server_, nullptr);
  const HttpResponse tokens =
      PostJson("http://127.0.0.1:" + std::to_string(server_->port()) + "/tokenize",
               {{"content", "<|im_end|>"}, {"parse_special", true}});
  ASSERT_EQ(tokens.status, 200) << tokens.body;
  EXPECT_EQ(json::parse(tokens.body)["tokens"], json::array({kTinyModelImEndToken}));

  json request = ChatRequest(16);
  request["logit_bias"] = {{std::to_string(kTinyModelImEndToken), 100}};
  const HttpResponse response = PostJson(server_->base_url() + "/chat/completions", request);
  ASSERT_EQ(response.status, 200) << response.body;
  const json completion = json::parse(response.body);
  EXPECT_EQ(completion["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(completion["choices"][0]["message"]["content"], "");
}

TEST_F(LlamaServerTest, StreamsServerSentEventsEndingWithDone) {
  ASSERT_NE(server_, nullptr);
  json request = ChatRequest(16);
  request["stream"] = true;
  const HttpResponse response = PostJson(server_->base_url() + "/chat/completions", request);
  ASSERT_EQ(response.status, 200) << response.body;
  std::vector<std::string> data_lines;
  std::istringstream lines(response.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("data: ")) data_lines.push_back(line.substr(6));
  }
  ASSERT_GE(data_lines.size(), 2u) << response.body;
  EXPECT_EQ(data_lines.back(), "[DONE]");
  const json first_chunk = json::parse(data_lines.front());
  EXPECT_EQ(first_chunk["object"], "chat.completion.chunk");
}

TEST(LlamaServerLifetimeTest, DifferentSeedsAnswerDifferentlyAndStopCleanly) {
  const json request = [] {
    json greedy = ChatRequest(16);
    greedy["temperature"] = 0;
    return greedy;
  }();
  std::vector<std::string> answers;
  for (const int seed : {1, 2}) {
    std::unique_ptr<LlamaServer> server = LlamaServer::Start(TinyModelPath(seed));
    const HttpResponse response = PostJson(server->base_url() + "/chat/completions", request);
    ASSERT_EQ(response.status, 200) << response.body;
    answers.push_back(json::parse(response.body)["choices"][0]["message"]["content"]);
    const pid_t pid = server->pid();
    server->Stop();
    EXPECT_FALSE(ProcessExists(pid));
    EXPECT_EQ(PostJson(server->base_url() + "/chat/completions", request).curl_exit_code, 7);
  }
  EXPECT_NE(answers[0], answers[1]);
}

TEST(LlamaServerLifetimeTest, ReportsAServerThatCannotStart) {
  const std::string not_a_model = testing::TempDir() + "not_a_model.gguf";
  std::ofstream(not_a_model) << "not a model";
  try {
    LlamaServer::Start(not_a_model);
    FAIL() << "a server without a valid model must not start";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("exited during startup"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace drux::test
