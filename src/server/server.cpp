#include "server/server.h"

#include <pthread.h>
#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <thread>

#include "core/config.h"
#include "server/account_routes.h"
#include "server/api_router.h"
#include "server/auth/accounts.h"
#include "server/auth/rate_limiter.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/question_routes.h"
#include "server/question_service.h"
#include "server/result_cache.h"
#include "server/static_files.h"
#include "store/store.h"

#ifndef DRUX_SOURCE_WEB_ROOT
#define DRUX_SOURCE_WEB_ROOT ""
#endif

namespace drux {
namespace {

namespace fs = std::filesystem;

void PrintError(const std::string& message) {
  std::fprintf(stderr, "drux serve: error: %s\n", message.c_str());
}

// The store URL, creating the default SQLite file's folder.
Expected<std::string> StoreUrl(const ServerOptions& options) {
  if (!options.store_url.empty()) return options.store_url;
  const std::string path = DefaultStorePath();
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  if (error) {
    return MakeError(ErrorCode::kInvalidArgument, "Cannot create " +
                                                      fs::path(path).parent_path().string() + ": " +
                                                      error.message() + ". Pass --store.");
  }
  return path;
}

// Waits for SIGINT or SIGTERM, which every thread of the process has blocked.
int WaitForStopSignal(const sigset_t& signals) {
  int signal = 0;
  while (sigwait(&signals, &signal) != 0) {
  }
  return signal;
}

void ShutDown(HttpServer& server, QuestionService& questions, const Metrics& metrics,
              const ServerOptions& options) {
  server.StopAccepting();
  questions.StopAccepting();
  if (questions.running() > 0) {
    spdlog::info("waiting up to {} s for {} running question(s)",
                 options.shutdown_grace.count() / 1000, questions.running());
  }
  if (!questions.WaitIdle(options.shutdown_grace)) {
    spdlog::info("stopping the questions still running; they are stored as interrupted");
  }
  questions.StopAll();
  // Let event streams send their last event before the loop stops.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (metrics.sse_clients() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server.Stop();
}

// Logs go to stderr through a background thread, so that an access-log line costs an I/O
// thread no system call; under overload the oldest lines are dropped rather than the
// server slowed.
void LogToStderrInBackground() {
  spdlog::init_thread_pool(8192, 1);
  auto logger = std::make_shared<spdlog::async_logger>(
      "drux", std::make_shared<spdlog::sinks::stderr_sink_mt>(), spdlog::thread_pool(),
      spdlog::async_overflow_policy::overrun_oldest);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

std::string DefaultStorePath() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  fs::path base;
  if (data_home != nullptr && *data_home != '\0') {
    base = data_home;
  } else {
    const char* home = std::getenv("HOME");
    base = fs::path(home != nullptr ? home : ".") / ".local" / "share";
  }
  return (base / "drux" / "drux.db").string();
}

std::string DefaultWebRoot() {
  const fs::path source = DRUX_SOURCE_WEB_ROOT;
  std::error_code error;
  if (!source.empty() && fs::is_directory(source, error)) return source.string();
  const fs::path binary = fs::read_symlink("/proc/self/exe", error);
  if (!error) return (binary.parent_path() / "web").string();
  return source.string();
}

int RunServer(const ServerOptions& options) {
  // Blocked before any thread starts, so every thread inherits the mask and only
  // WaitForStopSignal receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  LogToStderrInBackground();

  const auto config = LoadConfig(options.config_path);
  if (!config) {
    PrintError(config.error().message);
    return 2;
  }
  const auto store_url = StoreUrl(options);
  if (!store_url) {
    PrintError(store_url.error().message);
    return 2;
  }
  auto store = OpenStore(*store_url);
  if (!store) {
    PrintError("Cannot open the store: " + store.error().message);
    return 2;
  }
  const auto interrupted =
      (*store)->MarkAllRunningInterrupted(static_cast<std::int64_t>(std::time(nullptr)));
  if (!interrupted) {
    PrintError("Cannot update the store: " + interrupted.error().message);
    return 2;
  }
  if (*interrupted > 0) {
    spdlog::info("{} question(s) left running by a stopped server are now interrupted",
                 *interrupted);
  }

  AccountsOptions account_options;
  account_options.premium_emails.insert(options.premium_emails.begin(),
                                        options.premium_emails.end());
  Accounts accounts(**store, std::move(account_options));
  RateLimiter anonymous_limit(
      {options.anonymous_questions_per_minute, options.anonymous_question_burst, 100000});
  Metrics metrics;
  ResultCache cache;
  QuestionService questions(**store, metrics, *config,
                            {options.daily_budget_free_usd, options.daily_budget_premium_usd});
  const StaticFiles files(options.web_root.empty() ? DefaultWebRoot() : options.web_root);
  AccountRoutes account_routes(accounts, options.secure_cookies);
  QuestionRoutes question_routes(*config, **store, questions, cache, anonymous_limit);
  ApiRouter router(account_routes, question_routes, files, metrics);

  auto server = HttpServer::Listen(options, router, metrics);
  if (!server) {
    PrintError(server.error().message);
    return 2;
  }
  const int threads = options.io_threads > 0
                          ? options.io_threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  (*server)->Start(threads);
  spdlog::info("store {}, web root {}, config {}, {} I/O threads",
               store_url->starts_with("postgres") ? "postgresql" : *store_url,
               files.root().string(), config->source, threads);
  std::printf("drux serve: listening on http://%s:%u\n", options.host.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);

  const int signal = WaitForStopSignal(stop_signals);
  spdlog::info("{} received; shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
  ShutDown(**server, questions, metrics, options);
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace drux
