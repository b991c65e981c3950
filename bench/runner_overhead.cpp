// Runner overhead: the wall time of a panel run minus its slowest member's latency,
// i.e. what Drux itself adds on top of the models. 8 OpenAI-compatible members on
// loopback, each answering a streamed completion after a fixed delay.
//
//   build/release/bench/drux_bench_runner_overhead [--runs N] [--members M] [--delay-ms D]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "runner/panel_run.h"
#include "support/fake_openai_server.h"

namespace {

struct BenchOptions {
  int runs = 200;
  int members = 8;
  int delay_ms = 20;
};

BenchOptions ParseOptions(int argc, char** argv) {
  BenchOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const int value = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) options.runs = value;
    if (std::strcmp(argv[i], "--members") == 0) options.members = value;
    if (std::strcmp(argv[i], "--delay-ms") == 0) options.delay_ms = value;
  }
  return options;
}

double Percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  return values[index];
}

}  // namespace

int main(int argc, char** argv) {
  const BenchOptions options = ParseOptions(argc, argv);
  std::vector<std::unique_ptr<drux::test::FakeOpenAiServer>> servers;
  std::vector<drux::ModelSpec> specs;
  for (int i = 0; i < options.members; ++i) {
    drux::test::FakeOpenAiServer::Options server_options{
        drux::test::FakeOpenAiServer::Behavior::kAnswer};
    server_options.delay_ms = options.delay_ms;
    server_options.answer = "Paris is the capital of France, on the Seine.";
    servers.push_back(std::make_unique<drux::test::FakeOpenAiServer>(server_options));
    drux::ModelSpec spec;
    spec.name = "member" + std::to_string(i);
    spec.provider = "openai";
    spec.endpoint = servers.back()->Start();
    specs.push_back(spec);
  }
  const auto members = drux::MakePanelMembers(specs);
  const drux::Question question{"What is the capital of France?"};

  std::vector<double> overheads;
  int failures = 0;
  for (int run = 0; run < options.runs + 5; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const auto answers = drux::RunPanel(question, members, {}, nullptr);
    const double wall =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    double slowest = 0;
    for (const auto& answer : answers) {
      slowest = std::max(slowest, answer.latency_ms);
      failures += answer.ok() ? 0 : 1;
    }
    if (run >= 5) overheads.push_back(wall - slowest);  // the first runs warm up
  }
  std::printf("runner overhead, %d members on loopback, %d runs, member delay %d ms\n",
              options.members, options.runs, options.delay_ms);
  std::printf("  median %.3f ms\n  p95    %.3f ms\n  max    %.3f ms\n", Percentile(overheads, 0.5),
              Percentile(overheads, 0.95), Percentile(overheads, 1.0));
  if (failures > 0) {
    std::printf("  %d member calls failed: the figures are not valid\n", failures);
    return 1;
  }
  return 0;
}
