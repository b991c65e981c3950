// `drux analyze`: the batch contract (docs/analyze.md). JSON Lines of questions and their
// panel's answers in, one analysis or error record per line out, in the same order.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis_batch.h"
#include "core/error.h"

namespace CLI {
class App;
}

namespace drux {

// Which similarity compares claims, and what it needs.
struct SimilarityChoice {
  std::string kind = "lexical";  // lexical, embedding or judge
  // embedding: a GGUF embedding model file; empty uses the models directory's
  // "bge-small-en" (drux models pull bge-small-en).
  std::string embedding_model;
  // judge: the model asked for verdicts, as for `drux ask --model` (openai:URL#MODEL, a
  // configured name, ...).
  std::string judge_model;
  std::optional<std::string> config_path;  // where judge_model names are looked up
};

// A factory making one similarity per worker thread, sharing one loaded model.
// kInvalidArgument for an unknown kind or a judge without a model; errors of loading the
// embedding model or resolving the judge otherwise.
Expected<SimilarityFactory> MakeSimilarityFactory(const SimilarityChoice& choice);

// The match threshold that suits a similarity kind (AnalysisOptions::match_threshold).
double DefaultMatchThreshold(const std::string& kind);

struct AnalyzeCommandOptions {
  std::string input = "-";   // "-" is standard input
  std::string output = "-";  // "-" is standard output
  SimilarityChoice similarity;
  size_t threads = 1;
  std::string shape = "auto";  // auto, short or long
  bool learn_weights = false;
  std::vector<std::string> model_weights;  // NAME=WEIGHT
  std::vector<std::string> families;       // NAME=FAMILY
  std::optional<double> match_threshold;
};

// Adds the `analyze` subcommand to app; parsing fills options. Returns the subcommand.
CLI::App* AddAnalyzeCommand(CLI::App& app, AnalyzeCommandOptions& options);

// Runs it. Exit status: 0 every line analysed, 3 some lines gave error records, 1 the
// batch could not run (similarity unavailable, output unwritable), 2 usage (bad option,
// unreadable input).
int RunAnalyzeCommand(const AnalyzeCommandOptions& options);

}  // namespace drux
