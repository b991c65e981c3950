#include "runner/panel_run.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "runner/member_call.h"

namespace drux {
namespace {

using Clock = std::chrono::steady_clock;

// State shared by the member threads and the waiting caller.
class RunState {
 public:
  RunState(std::size_t members, const ProgressSink& sink) : pending_(members), sink_(sink) {}

  void Emit(const ProgressEvent& event) {
    if (!sink_) return;
    std::lock_guard lock(sink_mutex_);
    sink_(event);
  }

  void MemberFinished() {
    std::lock_guard lock(mutex_);
    --pending_;
    done_.notify_all();
  }

  // Waits until every member finished, the deadline passed or *cancel is set; returns
  // true when every member finished.
  bool WaitAll(Clock::time_point deadline, const std::atomic<bool>* cancel) {
    std::unique_lock lock(mutex_);
    // An external cancel flag cannot notify us, so poll it at a short interval.
    while (pending_ > 0 && Clock::now() < deadline) {
      if (cancel != nullptr && cancel->load()) return false;
      const auto wake = std::min(deadline, Clock::now() + std::chrono::milliseconds(50));
      done_.wait_until(lock, wake, [&] { return pending_ == 0; });
    }
    return pending_ == 0;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::size_t pending_;
  std::mutex sink_mutex_;
  const ProgressSink& sink_;
};

Answer CallMember(const Question& question, const PanelMember& member, int index,
                  const RunOptions& options, Clock::time_point panel_deadline,
                  const std::atomic<bool>* stop, RunState& state) {
  // The member's own deadline, or shortly after the panel's: the panel's deadline stops
  // the member first and says so, and the member's own clock cannot race it.
  const Clock::time_point deadline =
      std::min(Clock::now() + options.member_timeout, panel_deadline + std::chrono::seconds(1));
  state.Emit({ProgressEvent::Kind::kStarted, index, member.spec.name, {}, 0, 0, std::nullopt});
  ChatRequest request;
  if (!options.system_prompt.empty()) {
    request.messages.push_back({"system", options.system_prompt});
  }
  request.messages.push_back({"user", question.text});
  request.max_tokens = member.spec.max_tokens;
  request.temperature = member.spec.temperature;
  MemberCall call(member, index, request, options, deadline, stop,
                  [&state](const ProgressEvent& event) { state.Emit(event); });
  Answer answer = call.Run();
  const auto kind = answer.ok() ? ProgressEvent::Kind::kDone : ProgressEvent::Kind::kFailed;
  state.Emit({kind,
              index,
              member.spec.name,
              {},
              answer.usage.completion_tokens,
              answer.latency_ms,
              answer.error});
  return answer;
}

}  // namespace

std::vector<PanelMember> MakePanelMembers(const std::vector<ModelSpec>& specs) {
  std::vector<PanelMember> members;
  members.reserve(specs.size());
  for (const ModelSpec& spec : specs) {
    PanelMember member{spec, nullptr, std::nullopt};
    auto provider = MakeProvider(spec);
    if (provider) {
      member.provider = std::move(*provider);
    } else {
      member.creation_error = provider.error();
    }
    members.push_back(std::move(member));
  }
  return members;
}

std::vector<Answer> RunPanel(const Question& question, const std::vector<PanelMember>& members,
                             const RunOptions& options, const ProgressSink& on_progress,
                             const std::atomic<bool>* cancel) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + options.overall_timeout;

  RunState state(members.size(), on_progress);
  std::vector<Answer> answers(members.size());
  // One flag for all members: set when the overall deadline passes or the caller
  // cancels; providers return promptly once it is set.
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  threads.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    threads.emplace_back([&, i] {
      answers[i] =
          CallMember(question, members[i], static_cast<int>(i), options, deadline, &stop, state);
      state.MemberFinished();
    });
  }

  const bool all_finished = state.WaitAll(deadline, cancel);
  const bool cancelled = cancel != nullptr && cancel->load();
  if (!all_finished) stop = true;
  for (std::thread& thread : threads) thread.join();

  if (!all_finished) {
    // Members stopped by us report kCancelled; say what really stopped them.
    for (Answer& answer : answers) {
      if (answer.ok() || answer.error->code != ErrorCode::kCancelled) continue;
      if (cancelled) {
        answer.error->message =
            "Stopped: the question was cancelled before " + answer.model + " finished.";
      } else {
        answer.error->code = ErrorCode::kTimeout;
        answer.error->message =
            answer.model + " did not finish within the panel's overall deadline of " +
            std::to_string(options.overall_timeout.count() / 1000.0).substr(0, 5) + " s.";
      }
    }
  }
  return answers;
}

}  // namespace drux
