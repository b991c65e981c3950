// Runs the questions asked over HTTP: each on its own worker thread (never an I/O thread)
// through the engine's Ask, its progress published to a per-question hub, its result,
// rendered HTML and whole event log stored in one CompleteQuestion call. Also stops them
// on shutdown. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/error.h"
#include "server/auth/budget.h"
#include "server/metrics.h"
#include "server/question_hub.h"
#include "store/store.h"

namespace drux {

struct QuestionServiceOptions {
  // Daily spend limits on priced models by tier, in US dollars (0 allows no priced call).
  double daily_budget_free_usd = 0;
  double daily_budget_premium_usd = 5;
};

class QuestionService {
 public:
  // store, metrics and config must outlive the service.
  QuestionService(Store& store, Metrics& metrics, const Config& config,
                  QuestionServiceOptions options);
  // Stops whatever still runs (as StopAll) and waits for the workers.
  ~QuestionService();

  // Stores a new running question and starts answering it; returns its id. The caller has
  // validated the question and checked that the user may ask the panel. kInvalidArgument
  // after StopAccepting.
  Expected<std::string> Start(const std::string& question, const Panel& panel,
                              const std::optional<User>& user);

  // The live hub of a question this process is answering (or just finished and is
  // storing), else null.
  std::shared_ptr<QuestionHub> LiveHub(const std::string& id) const;

  // Shutdown, in order: refuse new questions; wait up to `grace` for running ones; stop
  // the rest, which end with an `interrupted` event and are stored as interrupted.
  void StopAccepting();
  bool WaitIdle(std::chrono::milliseconds grace);
  void StopAll();

  int running() const;

 private:
  void Answer(std::string id, std::string question, std::int64_t created_at, Panel panel,
              std::optional<User> user, std::shared_ptr<QuestionHub> hub);
  void Finish();

  Store& store_;
  Metrics& metrics_;
  const Config& config_;
  DailyBudget free_budget_;
  DailyBudget premium_budget_;
  const QuestionServiceOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::map<std::string, std::shared_ptr<QuestionHub>> live_;
  int running_ = 0;
  bool accepting_ = true;
  std::atomic<bool> cancel_{false};
};

}  // namespace drux
