// The runner's own logic (parallelism, deadlines, failure isolation) with providers
// scripted in process; real providers are covered by their own tests and by
// tests/cli_test.cpp against llama-server.
#include "runner/panel_run.h"

#include <gtest/gtest.h>

#include <thread>

namespace drux {
namespace {

using namespace std::chrono_literals;

// Answers with text after a delay, or fails, or waits for the stop flag.
class ScriptedProvider : public Provider {
 public:
  enum class Script { kAnswer, kFail, kHang };
  ScriptedProvider(Script script, std::chrono::milliseconds delay, std::string text = "fine")
      : script_(script), delay_(delay), text_(std::move(text)) {}

  Answer Complete(const ChatRequest& request, const CallLimits& limits,
                  const TokenSink& on_text) override {
    Answer answer;
    const auto start = std::chrono::steady_clock::now();
    if (script_ == Script::kHang) {
      while (!(limits.cancel != nullptr && limits.cancel->load()) &&
             std::chrono::steady_clock::now() - start < limits.total_timeout) {
        std::this_thread::sleep_for(5ms);
      }
      const bool cancelled = limits.cancel != nullptr && limits.cancel->load();
      answer.error = Error{cancelled ? ErrorCode::kCancelled : ErrorCode::kTimeout,
                           cancelled ? "cancelled" : "timed out", 0, 0};
      return answer;
    }
    std::this_thread::sleep_for(delay_);
    if (script_ == Script::kFail) {
      answer.error = Error{ErrorCode::kProviderError, "HTTP 500: boom", 500, 0};
      return answer;
    }
    on_text(text_);
    answer.text = text_ + " to " + request.messages.back().content;
    answer.usage = {10, 20, true};
    answer.finish_reason = "stop";
    answer.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return answer;
  }

 private:
  Script script_;
  std::chrono::milliseconds delay_;
  std::string text_;
};

PanelMember Member(std::string name, ScriptedProvider::Script script,
                   std::chrono::milliseconds delay = 0ms) {
  ModelSpec spec;
  spec.name = std::move(name);
  spec.price_input_per_mtok = 1;
  spec.price_output_per_mtok = 2;
  return {spec, std::make_shared<ScriptedProvider>(script, delay), std::nullopt};
}

TEST(PanelRunTest, MembersRunInParallelAndKeepOrder) {
  std::vector<PanelMember> members;
  for (const char* name : {"a", "b", "c", "d"}) {
    members.push_back(Member(name, ScriptedProvider::Script::kAnswer, 200ms));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto answers = RunPanel({"q?"}, members, {}, nullptr);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_LT(elapsed, 700ms);  // sequential would take 800 ms
  EXPECT_EQ(answers[2].model, "c");
  EXPECT_EQ(answers[2].text, "fine to q?");
  EXPECT_DOUBLE_EQ(answers[0].cost_usd, (10 * 1 + 20 * 2) / 1e6);
}

TEST(PanelRunTest, OneFailureDoesNotFailTheOthers) {
  const std::vector<PanelMember> members = {Member("ok", ScriptedProvider::Script::kAnswer),
                                            Member("bad", ScriptedProvider::Script::kFail)};
  const auto answers = RunPanel({"q?"}, members, {}, nullptr);
  EXPECT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].error->message, "HTTP 500: boom");
}

TEST(PanelRunTest, OverallDeadlineStopsAHangingMember) {
  const std::vector<PanelMember> members = {Member("ok", ScriptedProvider::Script::kAnswer),
                                            Member("stuck", ScriptedProvider::Script::kHang)};
  RunOptions options;
  options.overall_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto answers = RunPanel({"q?"}, members, options, nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].error->code, ErrorCode::kTimeout);
  EXPECT_NE(answers[1].error->message.find("stuck did not finish"), std::string::npos);
}

TEST(PanelRunTest, CancelStopsEveryone) {
  const std::vector<PanelMember> members = {Member("stuck", ScriptedProvider::Script::kHang)};
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    cancel = true;
  });
  const auto answers = RunPanel({"q?"}, members, {}, nullptr, &cancel);
  canceller.join();
  ASSERT_FALSE(answers[0].ok());
  EXPECT_EQ(answers[0].error->code, ErrorCode::kCancelled);
}

TEST(PanelRunTest, MemberWithoutProviderFailsWithItsReason) {
  PanelMember broken{ModelSpec{}, nullptr, Error{ErrorCode::kNotFound, "no such provider", 0, 0}};
  broken.spec.name = "broken";
  const auto answers =
      RunPanel({"q?"}, {broken, Member("ok", ScriptedProvider::Script::kAnswer)}, {}, nullptr);
  ASSERT_FALSE(answers[0].ok());
  EXPECT_EQ(answers[0].error->message, "no such provider");
  EXPECT_TRUE(answers[1].ok());
}

TEST(PanelRunTest, ProgressEventsArriveInOrderPerMember) {
  std::vector<ProgressEvent::Kind> kinds;
  const auto answers = RunPanel({"q?"}, {Member("a", ScriptedProvider::Script::kAnswer)}, {},
                                [&](const ProgressEvent& event) { kinds.push_back(event.kind); });
  ASSERT_EQ(kinds.size(), 3u);
  EXPECT_EQ(kinds[0], ProgressEvent::Kind::kStarted);
  EXPECT_EQ(kinds[1], ProgressEvent::Kind::kText);
  EXPECT_EQ(kinds[2], ProgressEvent::Kind::kDone);
}

}  // namespace
}  // namespace drux
