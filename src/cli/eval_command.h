// `drux eval`: the evaluations on ../shared/data (EVOUNA TQ, SICK, AlpacaEval; see
// eval/evaluation.h): a summary table on standard output, the figures as JSON and the
// reliability plot as PNG.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "cli/analyze_command.h"

namespace CLI {
class App;
}

namespace drux {

struct EvalCommandOptions {
  std::string data_dir = "../shared/data";
  std::string output;  // the figures as JSON; empty writes none
  // The reliability plot; empty derives it from output ("x.json" -> "x-reliability.png"),
  // else "drux-eval-reliability.png".
  std::string plot;
  size_t threads = 0;
  SimilarityChoice similarity;
  std::optional<double> match_threshold;
};

CLI::App* AddEvalCommand(CLI::App& app, EvalCommandOptions& options);

// Exit status: 0 done, or skipped because the data directory is absent (with a message);
// 1 an evaluation failed; 2 usage.
int RunEvalCommand(const EvalCommandOptions& options);

}  // namespace drux
