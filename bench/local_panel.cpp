// Local panel: the wall time of a 4-member panel of in-process llama.cpp models, started
// naively (all at once with llama.cpp's default of 4 threads each, as four independent
// programs would) versus under Drux's CPU scheduler (see src/providers/cpu_scheduler.h).
//
// The members are random-weight llama models generated like the test models but bigger
// (by default n_embd 768, 6 layers, n_ff 2048: 42M parameters, 170 MB in f32 each), so that
// each token streams more weights than a CPU cache holds, as with real models, and compute,
// not overhead, dominates. Answers run to max_tokens (the models never end a turn).
//
// The modes run in interleaved rounds. On a machine shared with other work, a round in which
// other processes used more than --max-other-load cores (from /proc/stat, minus this
// process's own CPU time) is discarded and repeated, up to 5 times --runs rounds.
//
//   build/release/bench/drux_bench_local_panel [--runs N] [--tokens T] [--n-embd E]
//       [--n-layer L] [--n-ff F] [--max-other-load CORES]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "providers/cpu_scheduler.h"
#include "providers/llama_local.h"
#include "runner/panel_run.h"
#include "support/tiny_models.h"

namespace {

constexpr int kMembers = 4;
// llama_context_default_params().n_threads in this llama.cpp (GGML_DEFAULT_N_THREADS).
constexpr int kLlamaDefaultThreads = 4;

struct BenchOptions {
  int runs = 5;
  int tokens = 128;
  int n_embd = 768;
  int n_layer = 6;
  int n_ff = 2048;
  double max_other_load = 0.2;
};

BenchOptions ParseOptions(int argc, char** argv) {
  BenchOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const int value = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) options.runs = value;
    if (std::strcmp(argv[i], "--tokens") == 0) options.tokens = value;
    if (std::strcmp(argv[i], "--n-embd") == 0) options.n_embd = value;
    if (std::strcmp(argv[i], "--n-layer") == 0) options.n_layer = value;
    if (std::strcmp(argv[i], "--n-ff") == 0) options.n_ff = value;
    if (std::strcmp(argv[i], "--max-other-load") == 0)
      options.max_other_load = std::atof(argv[i + 1]);
  }
  return options;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Mode {
  const char* name;
  drux::CpuSchedulerOptions scheduler;
};

// CPU seconds spent by the whole machine (from /proc/stat) and by this process.
struct CpuTimes {
  double machine = 0;
  double self = 0;
};

CpuTimes ReadCpuTimes() {
  CpuTimes times;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  times.machine =
      (user + nice + system + irq + softirq) / static_cast<double>(sysconf(_SC_CLK_TCK));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  times.self = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return times;
}

struct Figures {
  double wall_ms = 0;
  double last_first_token_ms = 0;  // when the last member showed its first token
  double other_load = 0;           // cores other processes kept busy meanwhile, on average
  int failures = 0;
};

Figures RunOnce(const std::vector<drux::PanelMember>& members) {
  const CpuTimes before = ReadCpuTimes();
  const auto start = std::chrono::steady_clock::now();
  const auto answers =
      drux::RunPanel({"What is the capital of France, and why?"}, members, {}, nullptr);
  Figures figures;
  figures.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const CpuTimes after = ReadCpuTimes();
  figures.other_load =
      std::max(0.0, (after.machine - before.machine) - (after.self - before.self)) /
      (figures.wall_ms / 1000.0);
  for (const drux::Answer& answer : answers) {
    figures.last_first_token_ms = std::max(figures.last_first_token_ms, answer.first_token_ms);
    if (!answer.ok()) {
      ++figures.failures;
      std::fprintf(stderr, "%s failed: %s\n", answer.model.c_str(), answer.error->message.c_str());
    }
  }
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  const BenchOptions options = ParseOptions(argc, argv);
  const int cores = drux::DetectCpuCores();
  std::vector<drux::ModelSpec> specs;
  for (int i = 0; i < kMembers; ++i) {
    drux::test::TinyModelOptions model;
    model.seed = 31 + i;
    model.n_embd = options.n_embd;
    model.n_layer = options.n_layer;
    model.n_ff = options.n_ff;
    drux::ModelSpec spec;
    spec.name = "member" + std::to_string(i);
    spec.provider = "local";
    spec.endpoint = drux::test::TinyModelPath(model);
    spec.max_tokens = options.tokens;
    spec.temperature = 0;
    specs.push_back(spec);
  }

  const std::vector<Mode> modes = {
      // As if the scheduler were not there: every member starts at once with llama.cpp's
      // default thread count, which no cap ever raises or lowers.
      {"naive: all at once, 4 threads each",
       {.cores = kMembers * kLlamaDefaultThreads,
        .min_threads_per_generation = kLlamaDefaultThreads,
        .max_threads_per_generation = kLlamaDefaultThreads}},
      {"scheduled (default: min 1 thread)", {.cores = cores}},
      {"scheduled, min threads = cores", {.cores = cores, .min_threads_per_generation = cores}},
  };
  std::printf(
      "local panel: %d members, %d tokens each, n_embd %d, %d layers, n_ff %d; "
      "%d cores; median of %d rounds after a warm-up\n",
      kMembers, options.tokens, options.n_embd, options.n_layer, options.n_ff, cores, options.runs);
  std::vector<std::vector<drux::PanelMember>> members(modes.size());
  for (std::size_t m = 0; m < modes.size(); ++m) {
    drux::LocalModelOptions local;
    local.scheduler = std::make_shared<drux::CpuScheduler>(modes[m].scheduler);
    for (const drux::ModelSpec& spec : specs) {
      auto provider = drux::LlamaLocalProvider::Open(spec, local);
      if (!provider) {
        std::fprintf(stderr, "%s\n", provider.error().message.c_str());
        return 1;
      }
      members[m].push_back({spec, std::move(*provider), std::nullopt});
    }
    RunOnce(members[m]);  // loads the models and faults their pages in
  }
  std::vector<std::vector<Figures>> kept(modes.size());
  int discarded = 0;
  for (int round = 0; static_cast<int>(kept[0].size()) < options.runs && round < 5 * options.runs;
       ++round) {
    std::vector<Figures> figures;
    bool quiet = true;
    for (const auto& mode_members : members) {
      figures.push_back(RunOnce(mode_members));
      quiet = quiet && figures.back().other_load <= options.max_other_load;
    }
    if (!quiet) {
      ++discarded;
      continue;
    }
    for (std::size_t m = 0; m < modes.size(); ++m) kept[m].push_back(figures[m]);
  }
  if (kept[0].empty()) {
    std::printf("  no round was quiet enough (other load above %.2f cores); try again later\n",
                options.max_other_load);
    return 1;
  }
  std::printf("  %zu rounds kept, %d discarded for other load above %.2f cores\n", kept[0].size(),
              discarded, options.max_other_load);
  for (std::size_t m = 0; m < modes.size(); ++m) {
    std::vector<double> walls, first_tokens, loads;
    int failures = 0;
    for (const Figures& figures : kept[m]) {
      walls.push_back(figures.wall_ms);
      first_tokens.push_back(figures.last_first_token_ms);
      loads.push_back(figures.other_load);
      failures += figures.failures;
    }
    const double wall = Median(walls);
    std::printf(
        "  %-36s wall %7.1f ms (%6.1f tokens/s)  last first token %7.1f ms  "
        "other load %.2f%s\n",
        modes[m].name, wall, kMembers * options.tokens * 1000.0 / wall, Median(first_tokens),
        Median(loads), failures > 0 ? "  FAILURES" : "");
  }
  return 0;
}
