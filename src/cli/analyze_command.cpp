#include "cli/analyze_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "analysis/analysis_jsonl.h"
#include "analysis/embedding_similarity.h"
#include "analysis/judge_similarity.h"
#include "analysis/lexical_similarity.h"
#include "cli/ask_command.h"
#include "cli/terminal.h"
#include "core/config.h"
#include "models/model_store.h"

namespace drux {
namespace {

void PrintError(const Error& error) {
  const TerminalStyle style{IsColorTerminal(STDERR_FILENO)};
  std::fprintf(stderr, "%s %s\n", style.Red("drux: error:").c_str(), error.message.c_str());
}

Expected<std::string> EmbeddingModelPath(const SimilarityChoice& choice) {
  if (!choice.embedding_model.empty()) return choice.embedding_model;
  auto store = ModelStore::Open();
  if (!store) return tl::unexpected(store.error());
  auto path = store->PathOf("bge-small-en");
  if (!path) return tl::unexpected(path.error());
  return path->string();
}

Expected<SimilarityFactory> EmbeddingFactory(const SimilarityChoice& choice) {
  auto path = EmbeddingModelPath(choice);
  if (!path) return tl::unexpected(path.error());
  auto embedder = Embedder::Open(*path);
  if (!embedder) return tl::unexpected(embedder.error());
  std::shared_ptr<Embedder> shared = std::move(*embedder);
  return SimilarityFactory([shared]() -> Expected<std::unique_ptr<Similarity>> {
    return std::make_unique<EmbeddingSimilarity>(shared);
  });
}

Expected<SimilarityFactory> JudgeFactory(const SimilarityChoice& choice) {
  if (choice.judge_model.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--similarity judge needs --judge-model SPEC (e.g. openai:URL#MODEL).");
  }
  auto config = LoadConfig(choice.config_path);
  if (!config) return tl::unexpected(config.error());
  auto spec = ResolveModelSpec(*config, choice.judge_model);
  if (!spec) return tl::unexpected(spec.error());
  auto provider = MakeProvider(*spec);
  if (!provider) return tl::unexpected(provider.error());
  std::shared_ptr<Provider> shared = std::move(*provider);
  return SimilarityFactory([shared]() -> Expected<std::unique_ptr<Similarity>> {
    return std::make_unique<JudgeSimilarity>(shared);
  });
}

// "NAME=VALUE" split at the last '=': values never hold one, model names might.
Expected<std::pair<std::string, std::string>> SplitAssignment(const std::string& text,
                                                              const std::string& flag) {
  const size_t equals = text.rfind('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) {
    return MakeError(ErrorCode::kInvalidArgument, flag + " takes NAME=VALUE; got '" + text + "'.");
  }
  return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

Expected<BatchOptions> MakeBatchOptions(const AnalyzeCommandOptions& options) {
  BatchOptions batch;
  batch.threads = options.threads;
  batch.learn_model_weights = options.learn_weights;
  AnalysisOptions& analysis = batch.analysis;
  analysis.match_threshold =
      options.match_threshold.value_or(DefaultMatchThreshold(options.similarity.kind));
  analysis.shape = options.shape == "short"  ? AnswerShape::kShort
                   : options.shape == "long" ? AnswerShape::kLong
                                             : AnswerShape::kAuto;
  for (const std::string& text : options.model_weights) {
    auto pair = SplitAssignment(text, "--model-weight");
    if (!pair) return tl::unexpected(pair.error());
    char* end = nullptr;
    const double weight = std::strtod(pair->second.c_str(), &end);
    if (*end != '\0' || !(weight > 0)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--model-weight " + text + ": the weight must be a positive number.");
    }
    analysis.model_weights[pair->first] = weight;
  }
  for (const std::string& text : options.families) {
    auto pair = SplitAssignment(text, "--family");
    if (!pair) return tl::unexpected(pair.error());
    analysis.model_families[pair->first] = pair->second;
  }
  return batch;
}

}  // namespace

double DefaultMatchThreshold(const std::string& kind) {
  if (kind == "embedding") return EmbeddingSimilarity::kMatchThreshold;
  // A judge scores 1 (agree) or 0; anything between the two means agreement.
  if (kind == "judge") return 0.5;
  return AnalysisOptions{}.match_threshold;
}

Expected<SimilarityFactory> MakeSimilarityFactory(const SimilarityChoice& choice) {
  if (choice.kind == "lexical") {
    return SimilarityFactory([]() -> Expected<std::unique_ptr<Similarity>> {
      return std::make_unique<LexicalSimilarity>();
    });
  }
  if (choice.kind == "embedding") return EmbeddingFactory(choice);
  if (choice.kind == "judge") return JudgeFactory(choice);
  return MakeError(ErrorCode::kInvalidArgument,
                   "Unknown similarity '" + choice.kind + "'; use lexical, embedding or judge.");
}

CLI::App* AddAnalyzeCommand(CLI::App& app, AnalyzeCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "analyze",
      "Analyse panels' answers in bulk: JSON Lines in, JSON Lines out (docs/analyze.md)");
  command->add_option("--input", options.input, "Input JSONL file (default: standard input)");
  command->add_option("--output", options.output, "Output JSONL file (default: standard output)");
  command->add_option("--similarity", options.similarity.kind, "lexical, embedding or judge")
      ->check(CLI::IsMember({"lexical", "embedding", "judge"}));
  command->add_option("--threads", options.threads, "Worker threads (0: one per CPU)");
  command->add_option("--embedding-model", options.similarity.embedding_model,
                      "GGUF embedding model for --similarity embedding "
                      "(default: the models directory's bge-small-en)");
  command->add_option("--judge-model", options.similarity.judge_model,
                      "The model that judges claims for --similarity judge (as drux ask --model)");
  command->add_option("--config", options.similarity.config_path,
                      "Configuration file where --judge-model names are looked up");
  command->add_option("--shape", options.shape, "auto, short (whole answers) or long (claims)")
      ->check(CLI::IsMember({"auto", "short", "long"}));
  command->add_flag("--learn-weights", options.learn_weights,
                    "Weigh each model by the reliability its agreement with the others shows "
                    "over the whole input (reads all input first)");
  command->add_option("--model-weight", options.model_weights,
                      "NAME=WEIGHT: how much a model's answer counts (repeatable; default 1)");
  command->add_option("--family", options.families,
                      "NAME=FAMILY: models of one family count less when they repeat each "
                      "other (repeatable)");
  command->add_option("--match-threshold", options.match_threshold,
                      "Similarity at which two claims are the same point "
                      "(default: 0.4 lexical, 0.8 embedding, 0.5 judge)");
  return command;
}

int RunAnalyzeCommand(const AnalyzeCommandOptions& options) {
  auto batch = MakeBatchOptions(options);
  if (!batch) {
    PrintError(batch.error());
    return kExitUsage;
  }
  std::ifstream input_file;
  if (options.input != "-") {
    input_file.open(options.input);
    if (!input_file) {
      PrintError({ErrorCode::kNotFound, "Cannot read --input " + options.input + ".", 0, 0});
      return kExitUsage;
    }
  }
  std::ofstream output_file;
  if (options.output != "-") {
    output_file.open(options.output, std::ios::trunc);
    if (!output_file) {
      PrintError(
          {ErrorCode::kInvalidArgument, "Cannot write --output " + options.output + ".", 0, 0});
      return kExitUsage;
    }
  }
  auto factory = MakeSimilarityFactory(options.similarity);
  if (!factory) {
    PrintError(factory.error());
    return factory.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  const auto start = std::chrono::steady_clock::now();
  std::istream& in = options.input == "-" ? std::cin : input_file;
  std::ostream& out = options.output == "-" ? std::cout : output_file;
  auto summary = AnalyzeJsonLines(in, out, *factory, *batch);
  out.flush();
  if (!summary) {
    PrintError(summary.error());
    return kExitFailed;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "drux analyze: %zu lines, %zu analysed, %zu error records, %.2f s\n",
               summary->lines, summary->analysed, summary->errors, seconds);
  return summary->errors == 0 ? kExitComplete : kExitPartial;
}

}  // namespace drux
