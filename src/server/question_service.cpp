#include "server/question_service.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <thread>

#include "core/result_json.h"
#include "engine/ask.h"
#include "server/auth/secret_tokens.h"
#include "server/question_json.h"

namespace drux {
namespace {

std::int64_t NowSeconds() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

// The engine's options from the configuration, with its synthesizer when it names a
// usable one.
AskOptions ServerAskOptions(const Config& config) {
  AskOptions ask = AskOptionsFromConfig(config);
  const std::string& choice = config.synthesis.model;
  if (choice == "extractive") {
    ask.extractive_only = true;
  } else if (!choice.empty()) {
    auto spec = ResolveModelSpec(config, choice);
    if (spec) {
      ask.synthesizer = std::move(*spec);
    } else {
      spdlog::warn(
          "the configured synthesizer {} is unusable ({}); the strongest member writes "
          "the synthesis",
          choice, spec.error().message);
    }
  }
  return ask;
}

}  // namespace

QuestionService::QuestionService(Store& store, Metrics& metrics, const Config& config,
                                 QuestionServiceOptions options)
    : store_(store),
      metrics_(metrics),
      config_(config),
      free_budget_(store, {options.daily_budget_free_usd, {}}),
      premium_budget_(store, {options.daily_budget_premium_usd, {}}),
      options_(options) {}

QuestionService::~QuestionService() {
  StopAccepting();
  StopAll();
}

Expected<std::string> QuestionService::Start(const std::string& question, const Panel& panel,
                                             const std::optional<User>& user) {
  std::unique_lock lock(mutex_);
  if (!accepting_) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The server is shutting down and takes no new questions. Try again shortly.");
  }
  StoredQuestion stored;
  stored.id = RandomUrlSafe(12);
  stored.user_id = user ? user->id : "";
  stored.question = question;
  stored.panel = panel.name;
  stored.state = QuestionState::kRunning;
  stored.created_at = NowSeconds();
  if (auto created = store_.CreateQuestion(stored); !created) {
    return tl::unexpected(created.error());
  }
  auto hub = std::make_shared<QuestionHub>();
  hub->Publish("question", QuestionEventJson(stored.id, question, panel));
  live_.emplace(stored.id, hub);
  ++running_;
  metrics_.QuestionStarted();
  lock.unlock();
  std::thread(&QuestionService::Answer, this, stored.id, question, stored.created_at, panel, user,
              hub)
      .detach();
  return stored.id;
}

void QuestionService::Answer(std::string id, std::string question, std::int64_t created_at,
                             Panel panel, std::optional<User> user,
                             std::shared_ptr<QuestionHub> hub) {
  AskOptions ask = ServerAskOptions(config_);
  if (user) {
    DailyBudget& budget = user->tier == Tier::kPremium ? premium_budget_ : free_budget_;
    const std::size_t prompt_bytes = question.size();
    ask.run.before_priced_call = [&budget, user_id = user->id,
                                  prompt_bytes](const ModelSpec& spec) -> Expected<void> {
      return budget.Check(user_id, spec, EstimateMaxCallCost(spec, prompt_bytes));
    };
    ask.run.after_call = [&budget, user_id = user->id](const ModelSpec&,
                                                       const drux::Answer& answer) {
      if (auto recorded = budget.Record(user_id, answer.cost_usd); !recorded) {
        spdlog::error("recording spend failed: {}", recorded.error().message);
      }
    };
  }
  ask.on_analysis = [&hub](const Analysis& analysis) {
    hub->Publish("analysis", AnalysisEventJson(analysis));
  };
  const ProgressSink on_progress = [this, &hub](const ProgressEvent& event) {
    if (event.kind == ProgressEvent::Kind::kDone) {
      metrics_.RecordMemberAnswer(event.model, event.elapsed_ms / 1000, event.tokens);
    } else if (event.kind == ProgressEvent::Kind::kFailed) {
      metrics_.RecordMemberError(event.model, ErrorCodeName(event.error.value_or(Error{}).code));
    }
    auto [type, data] = ProgressEventJson(event);
    hub->Publish(type, data);
  };

  const auto result = Ask(question, panel, ask, on_progress, &cancel_);
  const std::int64_t now = NowSeconds();
  if (!result || cancel_) {
    const std::string message =
        result ? "The server stopped before the question finished." : result.error().message;
    hub->Publish("interrupted", InterruptedEventJson(message));
    if (auto marked = store_.MarkInterrupted(id, now); !marked) {
      spdlog::error("marking question {} interrupted failed: {}", id, marked.error().message);
    }
  } else {
    StoredQuestion stored;
    stored.id = id;
    stored.user_id = user ? user->id : "";
    stored.question = result->question;
    stored.panel = panel.name;
    stored.state = QuestionState::kComplete;
    stored.result_json = ResultToJson(*result, -1);
    stored.summary = result->summary;
    stored.score = result->status == ResultStatus::kFailed ? -1 : result->analysis.consensus.score;
    stored.finished_at = now;
    stored.created_at = created_at;
    hub->Publish("result", QuestionObjectJson(stored));
    if (auto completed = store_.CompleteQuestion(id, stored.result_json, stored.summary,
                                                 stored.score, hub->Events(), now);
        !completed) {
      spdlog::error("storing question {} failed: {}", id, completed.error().message);
    }
  }
  // Readers find the question in the store from now on, before its streams end: a client
  // that reads the result right after its stream closes gets the stored, cacheable one.
  {
    std::lock_guard lock(mutex_);
    live_.erase(id);
  }
  hub->End();
  Finish();
}

void QuestionService::Finish() {
  std::lock_guard lock(mutex_);
  --running_;
  metrics_.QuestionFinished();
  idle_.notify_all();
}

std::shared_ptr<QuestionHub> QuestionService::LiveHub(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second;
}

void QuestionService::StopAccepting() {
  std::lock_guard lock(mutex_);
  accepting_ = false;
}

bool QuestionService::WaitIdle(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, grace, [this] { return running_ == 0; });
}

void QuestionService::StopAll() {
  cancel_ = true;
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return running_ == 0; });
}

int QuestionService::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

}  // namespace drux
