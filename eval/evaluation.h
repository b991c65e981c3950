// `drux eval`: every evaluation on ../shared/data (see its README) that the data present
// allows, with one similarity.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis_batch.h"
#include "core/error.h"
#include "eval/alpaca_panel.h"
#include "eval/evouna_tq.h"
#include "eval/sick.h"

namespace drux::eval {

struct EvalOptions {
  std::string data_dir = "../shared/data";
  size_t threads = 0;  // 0: one per hardware thread
  std::string similarity_name = "lexical";
  SimilarityFactory make_similarity;
  double match_threshold = 0.4;  // the threshold that suits make_similarity
  std::string plot_path;         // the reliability plot; empty draws none
};

struct EvalReport {
  std::string data_dir;
  std::string similarity;
  // EVOUNA TQ
  std::map<std::string, double> tq_model_accuracy;
  std::optional<TqFigures> tq_plain;     // whole answers, every model weighing 1
  std::optional<TqFigures> tq_headline;  // TqBatchOptions: learned weights, families
  std::optional<SickFigures> sick;
  std::optional<AlpacaFigures> alpaca;
  std::string plot_path;           // the PNG written, empty when none
  std::vector<std::string> notes;  // what was skipped and why
};

// Runs the evaluations whose files exist under options.data_dir; a missing file skips its
// evaluation with a note. kNotFound when data_dir itself does not exist; errors of the
// similarity or of a malformed data file otherwise.
Expected<EvalReport> RunEvaluation(const EvalOptions& options);

// The figures as one JSON document (pretty-printed).
std::string EvalReportJson(const EvalReport& report);

// The figures as a plain-text table for the terminal.
std::string EvalSummaryText(const EvalReport& report);

}  // namespace drux::eval
