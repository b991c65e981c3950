#include "providers/llama_local.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>

#include "core/utf8.h"
#include "providers/cpu_scheduler.h"
#include "runner/panel_run.h"
#include "support/tiny_models.h"

namespace drux {
namespace {

using std::chrono::milliseconds;

ModelSpec LocalSpec(const std::string& name, const std::string& path) {
  ModelSpec spec;
  spec.name = name;
  spec.provider = "local";
  spec.endpoint = path;
  return spec;
}

ChatRequest Ask(const std::string& question, int max_tokens, double temperature = 0) {
  ChatRequest request;
  request.messages = {{"user", question}};
  request.max_tokens = max_tokens;
  request.temperature = temperature;
  return request;
}

std::unique_ptr<LlamaLocalProvider> OpenOrDie(const ModelSpec& spec,
                                              LocalModelOptions options = {}) {
  auto provider = LlamaLocalProvider::Open(spec, std::move(options));
  if (!provider) ADD_FAILURE() << provider.error().message;
  return provider ? std::move(*provider) : nullptr;
}

std::string TinyEndTurnModel(int letters) {
  test::TinyModelOptions options;
  options.seed = 5;
  options.end_turn_after = letters;
  return test::TinyModelPath(options);
}

// A scratch file under the test's temporary directory, removed at destruction.
class ScratchFile {
 public:
  ScratchFile(const std::string& name, const std::string& contents)
      : path_(std::filesystem::temp_directory_path() /
              ("drux-local-test-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~ScratchFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

TEST(LlamaLocalTest, FormatsThePromptWithTheModelsChatTemplate) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(1)));
  const auto prompt = provider->FormatPrompt({{"system", "Be brief."}, {"user", "Why?"}});
  ASSERT_TRUE(prompt.has_value()) << prompt.error().message;
  EXPECT_EQ(*prompt,
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhy?<|im_end|>\n"
            "<|im_start|>assistant\n");
}

TEST(LlamaLocalTest, StreamsAnAnswerUpToMaxTokens) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(1)));
  std::string streamed;
  int pieces = 0;
  const Answer answer =
      provider->Complete(Ask("What is the capital of France?", 24), {}, [&](std::string_view text) {
        streamed += text;
        ++pieces;
      });
  ASSERT_TRUE(answer.ok()) << answer.error->message;
  EXPECT_EQ(answer.finish_reason, "length");
  EXPECT_EQ(answer.usage.completion_tokens, 24);
  EXPECT_GT(answer.usage.prompt_tokens, 10);
  EXPECT_TRUE(answer.usage.reported);
  EXPECT_FALSE(answer.text.empty());
  EXPECT_EQ(streamed, answer.text);
  EXPECT_GT(pieces, 1);
  EXPECT_FALSE(FindInvalidUtf8(answer.text).has_value());
  // Special tokens are never rendered into the answer.
  EXPECT_EQ(answer.text.find("<|"), std::string::npos);
  EXPECT_EQ(answer.provider_model, "tiny-1");
  EXPECT_GT(answer.first_token_ms, 0);
  EXPECT_GE(answer.latency_ms, answer.first_token_ms);
}

TEST(LlamaLocalTest, TemperatureZeroIsGreedyAndASeedRepeatsASample) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(2)));
  const Answer first = provider->Complete(Ask("Hello?", 16), {}, nullptr);
  const Answer second = provider->Complete(Ask("Hello?", 16), {}, nullptr);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first.text, second.text);

  ChatRequest sampled = Ask("Hello?", 16, 1.0);
  sampled.seed = 42;
  const Answer third = provider->Complete(sampled, {}, nullptr);
  const Answer fourth = provider->Complete(sampled, {}, nullptr);
  ASSERT_TRUE(third.ok() && fourth.ok());
  EXPECT_EQ(third.text, fourth.text);
}

TEST(LlamaLocalTest, StopsAtTheEndOfGenerationToken) {
  const auto provider = OpenOrDie(LocalSpec("ender", TinyEndTurnModel(5)));
  const Answer answer = provider->Complete(Ask("Say something.", 100, 0.7), {}, nullptr);
  ASSERT_TRUE(answer.ok()) << answer.error->message;
  EXPECT_EQ(answer.text, "abcde");
  EXPECT_EQ(answer.finish_reason, "stop");
  EXPECT_EQ(answer.usage.completion_tokens, 5);
}

TEST(LlamaLocalTest, CancelStopsBetweenTokensAndKeepsThePartialText) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(1)));
  std::atomic<bool> cancel{false};
  CallLimits limits;
  limits.cancel = &cancel;
  std::string streamed;
  const Answer answer = provider->Complete(Ask("Go on.", 400), limits, [&](std::string_view text) {
    streamed += text;
    cancel = true;
  });
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kCancelled);
  EXPECT_NE(answer.error->message.find("tiny"), std::string::npos);
  EXPECT_FALSE(answer.text.empty());
  EXPECT_EQ(answer.text, streamed);
  EXPECT_LT(answer.usage.completion_tokens, 10);
}

TEST(LlamaLocalTest, TheDeadlineStopsAGenerationAndKeepsThePartialText) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(1)));
  CallLimits limits;
  // Long enough for the first token even on a loaded machine under a sanitizer; the slow
  // sink makes 500 tokens take far longer.
  limits.total_timeout = milliseconds(1500);
  const Answer answer = provider->Complete(Ask("Go on.", 500), limits, [](std::string_view) {
    std::this_thread::sleep_for(milliseconds(50));
  });
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kTimeout);
  EXPECT_NE(answer.error->message.find("within 1.5 s"), std::string::npos) << answer.error->message;
  EXPECT_FALSE(answer.text.empty());
  EXPECT_GT(answer.usage.completion_tokens, 0);
  EXPECT_LT(answer.latency_ms, 3000);
}

TEST(LlamaLocalTest, TheDeadlineAlsoBoundsTheWaitForACpuSlot) {
  const auto scheduler = std::make_shared<CpuScheduler>(CpuSchedulerOptions{.cores = 1});
  const auto held =
      scheduler->Acquire(std::chrono::steady_clock::now() + std::chrono::seconds(10), nullptr);
  ASSERT_TRUE(held.has_value());
  const auto provider =
      OpenOrDie(LocalSpec("tiny", test::TinyModelPath(1)), {.scheduler = scheduler});
  CallLimits limits;
  limits.total_timeout = milliseconds(100);
  const Answer answer = provider->Complete(Ask("Hi", 8), limits, nullptr);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kTimeout);
  EXPECT_NE(answer.error->message.find("tiny did not start"), std::string::npos)
      << answer.error->message;
}

TEST(LlamaLocalTest, AQuestionLongerThanTheContextFailsNamingBothSizes) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(1)));
  std::string question;
  for (int i = 0; i < 300; ++i) question += "w" + std::to_string(i) + " ";
  const Answer answer = provider->Complete(Ask(question, 16), {}, nullptr);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kInvalidArgument);
  EXPECT_NE(answer.error->message.find("the question is "), std::string::npos);
  EXPECT_NE(answer.error->message.find("tiny's context holds 512"), std::string::npos)
      << answer.error->message;
  EXPECT_EQ(answer.usage.completion_tokens, 0);
}

TEST(LlamaLocalTest, AConfiguredContextCapsPromptAndAnswer) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(1)), {.context_size = 64});
  const Answer answer = provider->Complete(Ask("Tell me a long story.", 500), {}, nullptr);
  ASSERT_TRUE(answer.ok()) << answer.error->message;
  EXPECT_EQ(answer.finish_reason, "length");
  EXPECT_EQ(answer.usage.prompt_tokens + answer.usage.completion_tokens, 64);

  std::string question(400, 'x');
  const Answer too_long = provider->Complete(Ask(question, 16), {}, nullptr);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error->message.find("context holds 64"), std::string::npos);
  EXPECT_NE(too_long.error->message.find("raise the context size (the model was trained for 512)"),
            std::string::npos)
      << too_long.error->message;
}

TEST(LlamaLocalTest, AMissingFileIsNotFoundNamingThePath) {
  const auto provider = MakeProvider(LocalSpec("ghost", "/nonexistent/dir/ghost.gguf"));
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().code, ErrorCode::kNotFound);
  EXPECT_NE(provider.error().message.find("/nonexistent/dir/ghost.gguf"), std::string::npos);
  EXPECT_NE(provider.error().message.find("ghost"), std::string::npos);
}

TEST(LlamaLocalTest, AFileThatIsNotGgufIsRejectedBeforeLlamaCppSeesIt) {
  const ScratchFile text("notes.gguf", "These are notes, not a model.\n");
  for (const std::string& path : {text.path(), std::filesystem::temp_directory_path().string()}) {
    const auto provider = MakeProvider(LocalSpec("notes", path));
    ASSERT_FALSE(provider.has_value()) << path;
    EXPECT_EQ(provider.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(provider.error().message.find(path), std::string::npos) << provider.error().message;
  }
  const ScratchFile future("future.gguf", std::string("GGUF\x09\0\0\0", 8) + "rest");
  const auto provider = MakeProvider(LocalSpec("future", future.path()));
  ASSERT_FALSE(provider.has_value());
  EXPECT_NE(provider.error().message.find("unknown GGUF version 9"), std::string::npos);
}

TEST(LlamaLocalTest, ACorruptGgufFailsTheCallWithoutCrashing) {
  const std::string whole = ReadBytes(test::TinyModelPath(1));
  const ScratchFile truncated("truncated.gguf", whole.substr(0, whole.size() / 2));
  const ScratchFile header_only("header.gguf", whole.substr(0, 100));
  std::string garbage = whole.substr(0, 8);
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 251);
  const ScratchFile scrambled("scrambled.gguf", garbage);
  for (const ScratchFile* file : {&truncated, &header_only, &scrambled}) {
    const auto provider = MakeProvider(LocalSpec("broken", file->path()));
    ASSERT_TRUE(provider.has_value()) << "the header is fine, so the provider opens";
    const Answer answer = (*provider)->Complete(Ask("Hi", 8), {}, nullptr);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error->code, ErrorCode::kInvalidArgument);
    EXPECT_NE(answer.error->message.find("could not load the model file " + file->path()),
              std::string::npos)
        << answer.error->message;
  }
  const auto provider = MakeProvider(LocalSpec("broken", truncated.path()));
  const Answer answer = (*provider)->Complete(Ask("Hi", 8), {}, nullptr);
  EXPECT_NE(answer.error->message.find("not within the file bounds"), std::string::npos)
      << answer.error->message;
}

TEST(LlamaLocalTest, AModelWithoutAChatTemplateFailsClearly) {
  test::TinyModelOptions options;
  options.chat_template = false;
  const std::string path = test::TinyModelPath(options);
  const auto provider = OpenOrDie(LocalSpec("bare", path));
  const Answer answer = provider->Complete(Ask("Hi", 8), {}, nullptr);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error->code, ErrorCode::kInvalidArgument);
  EXPECT_NE(answer.error->message.find(path + " has no chat template"), std::string::npos)
      << answer.error->message;
  EXPECT_FALSE(provider->FormatPrompt({{"user", "Hi"}}).has_value());
}

TEST(LlamaLocalTest, OneFileIsLoadedOnceAndSharedWhileInUse) {
  const std::string path = test::TinyModelPath(3);
  const auto first = LocalModel::Load(path);
  ASSERT_TRUE(first.has_value());
  const std::filesystem::path spelled =
      std::filesystem::path(path).parent_path() / "." / std::filesystem::path(path).filename();
  const auto second = LocalModel::Load(spelled.string());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ((*first)->trained_context(), 512);
  EXPECT_EQ((*first)->name(), "tiny-3");
}

TEST(LlamaLocalTest, ConcurrentCallsShareTheModelAndAgreeWithASequentialOne) {
  const auto provider = OpenOrDie(LocalSpec("tiny", test::TinyModelPath(4)));
  const Answer expected = provider->Complete(Ask("Same question", 20), {}, nullptr);
  ASSERT_TRUE(expected.ok());
  std::vector<std::future<Answer>> calls;
  for (int i = 0; i < 4; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return provider->Complete(Ask("Same question", 20), {}, nullptr);
    }));
  }
  for (auto& call : calls) {
    const Answer answer = call.get();
    ASSERT_TRUE(answer.ok()) << answer.error->message;
    EXPECT_EQ(answer.text, expected.text);
  }
}

TEST(LlamaLocalTest, ALocalPanelRunsEndToEndWithStreamingProgress) {
  std::vector<ModelSpec> specs;
  for (int seed = 11; seed <= 14; ++seed) {
    specs.push_back(LocalSpec("tiny" + std::to_string(seed), test::TinyModelPath(seed)));
    specs.back().max_tokens = 32;
    specs.back().temperature = 0;
  }
  specs.push_back(LocalSpec("ender", TinyEndTurnModel(3)));
  const auto members = MakePanelMembers(specs);
  std::vector<std::string> streamed(specs.size());
  std::vector<int> started(specs.size()), done(specs.size());
  const auto answers =
      RunPanel({"What is the capital of France?"}, members, {}, [&](const ProgressEvent& event) {
        const auto i = static_cast<std::size_t>(event.member);
        if (event.kind == ProgressEvent::Kind::kStarted) ++started[i];
        if (event.kind == ProgressEvent::Kind::kText) {
          streamed[i] += event.text;
        }
        if (event.kind == ProgressEvent::Kind::kDone) ++done[i];
      });
  ASSERT_EQ(answers.size(), specs.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].model << ": " << answers[i].error->message;
    EXPECT_EQ(answers[i].model, specs[i].name);
    EXPECT_EQ(started[i], 1);
    EXPECT_EQ(done[i], 1);
    EXPECT_EQ(streamed[i], answers[i].text);
    EXPECT_EQ(answers[i].cost_usd, 0);
  }
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(answers[i].finish_reason, "length");
    EXPECT_EQ(answers[i].usage.completion_tokens, 32);
  }
  EXPECT_NE(answers[0].text, answers[1].text) << "different seeds, different models";
  EXPECT_EQ(answers[4].text, "abc");
  EXPECT_EQ(answers[4].finish_reason, "stop");
}

}  // namespace
}  // namespace drux
