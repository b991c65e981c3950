#include "cli/eval_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/ask_command.h"
#include "cli/terminal.h"
#include "eval/evaluation.h"

namespace drux {
namespace {

void PrintError(const Error& error) {
  const TerminalStyle style{IsColorTerminal(STDERR_FILENO)};
  std::fprintf(stderr, "%s %s\n", style.Red("drux: error:").c_str(), error.message.c_str());
}

std::string PlotPath(const EvalCommandOptions& options) {
  if (!options.plot.empty()) return options.plot;
  if (options.output.empty()) return "drux-eval-reliability.png";
  std::filesystem::path path(options.output);
  const std::string stem = path.stem().string();
  return (path.parent_path() / (stem + "-reliability.png")).string();
}

}  // namespace

CLI::App* AddEvalCommand(CLI::App& app, EvalCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "eval", "Measure the analysis on ../shared/data: EVOUNA TQ, SICK, AlpacaEval");
  command->add_option("--data", options.data_dir,
                      "The evaluation data directory (default: ../shared/data)");
  command->add_option("--output", options.output, "Write the figures as JSON to this file");
  command->add_option("--plot", options.plot,
                      "The reliability plot PNG (default: beside --output, else "
                      "drux-eval-reliability.png)");
  command->add_option("--threads", options.threads, "Worker threads (0: one per CPU)");
  command->add_option("--similarity", options.similarity.kind, "lexical, embedding or judge")
      ->check(CLI::IsMember({"lexical", "embedding", "judge"}));
  command->add_option("--embedding-model", options.similarity.embedding_model,
                      "GGUF embedding model for --similarity embedding");
  command->add_option("--judge-model", options.similarity.judge_model,
                      "The judge for --similarity judge (as drux ask --model)");
  command->add_option("--config", options.similarity.config_path,
                      "Configuration file where --judge-model names are looked up");
  command->add_option("--match-threshold", options.match_threshold,
                      "Similarity at which two claims are the same point");
  return command;
}

int RunEvalCommand(const EvalCommandOptions& options) {
  if (!std::filesystem::is_directory(options.data_dir)) {
    std::fprintf(stderr,
                 "drux eval: no evaluation data at %s, so nothing was evaluated. The data is "
                 "described in ../shared/data/README.md; pass --data DIR if it lives "
                 "elsewhere.\n",
                 options.data_dir.c_str());
    return kExitComplete;
  }
  auto factory = MakeSimilarityFactory(options.similarity);
  if (!factory) {
    PrintError(factory.error());
    return factory.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  eval::EvalOptions eval_options;
  eval_options.data_dir = options.data_dir;
  eval_options.threads = options.threads;
  eval_options.similarity_name = options.similarity.kind;
  eval_options.make_similarity = *factory;
  eval_options.match_threshold =
      options.match_threshold.value_or(DefaultMatchThreshold(options.similarity.kind));
  eval_options.plot_path = PlotPath(options);
  auto report = eval::RunEvaluation(eval_options);
  if (!report) {
    PrintError(report.error());
    return kExitFailed;
  }
  std::cout << eval::EvalSummaryText(*report);
  if (!options.output.empty()) {
    std::ofstream file(options.output, std::ios::trunc);
    file << eval::EvalReportJson(*report) << '\n';
    if (!file) {
      PrintError({ErrorCode::kInternal, "Cannot write --output " + options.output + ".", 0, 0});
      return kExitFailed;
    }
    std::cout << "figures written to " << options.output << '\n';
  }
  return kExitComplete;
}

}  // namespace drux
