#include "eval/evaluation.h"

#include <filesystem>

#include "eval/reliability_plot.h"

namespace drux::eval {
namespace {

namespace fs = std::filesystem;

BatchOptions PlainTqOptions(const EvalOptions& options) {
  BatchOptions plain;
  plain.threads = options.threads;
  plain.analysis.shape = AnswerShape::kShort;
  plain.analysis.match_threshold = options.match_threshold;
  return plain;
}

Expected<void> RunTq(const EvalOptions& options, EvalReport* report) {
  const fs::path path = fs::path(options.data_dir) / "evouna" / "TQ.json";
  if (!fs::exists(path)) {
    report->notes.push_back("EVOUNA TQ skipped: " + path.string() + " is absent.");
    return {};
  }
  auto questions = LoadTq(path.string());
  if (!questions) return tl::unexpected(questions.error());
  report->tq_model_accuracy = ModelAccuracy(*questions);
  auto plain = EvaluateTq(*questions, options.make_similarity, PlainTqOptions(options),
                          "whole answers, every model weighing 1");
  if (!plain) return tl::unexpected(plain.error());
  report->tq_plain = std::move(*plain);
  BatchOptions headline_options = TqBatchOptions(options.threads);
  headline_options.analysis.match_threshold = options.match_threshold;
  auto headline = EvaluateTq(*questions, options.make_similarity, headline_options,
                             "whole answers, model weights learned from agreement, "
                             "gpt35 and chatgpt one family");
  if (!headline) return tl::unexpected(headline.error());
  report->tq_headline = std::move(*headline);
  if (options.plot_path.empty()) return {};
  auto plotted = PlotReliability(report->tq_headline->reliability,
                                 "EVOUNA TQ, " + options.similarity_name +
                                     " similarity: accuracy of the representative by score",
                                 options.plot_path);
  if (plotted) {
    report->plot_path = options.plot_path;
  } else {
    report->notes.push_back("Reliability plot not drawn: " + plotted.error().message);
  }
  return {};
}

Expected<void> RunSick(const EvalOptions& options, EvalReport* report) {
  const fs::path path = fs::path(options.data_dir) / "sick" / "SICK_test_annotated.txt";
  if (!fs::exists(path)) {
    report->notes.push_back("SICK skipped: " + path.string() + " is absent.");
    return {};
  }
  auto pairs = LoadSick(path.string());
  if (!pairs) return tl::unexpected(pairs.error());
  auto figures = EvaluateSick(*pairs, options.make_similarity);
  if (!figures) return tl::unexpected(figures.error());
  report->sick = std::move(*figures);
  return {};
}

Expected<void> RunAlpaca(const EvalOptions& options, EvalReport* report) {
  const fs::path directory = fs::path(options.data_dir) / "alpaca_eval";
  if (!fs::is_directory(directory)) {
    report->notes.push_back("AlpacaEval skipped: " + directory.string() + " is absent.");
    return {};
  }
  auto questions = LoadAlpacaPanel(directory.string());
  if (!questions) return tl::unexpected(questions.error());
  BatchOptions batch;
  batch.threads = options.threads;
  batch.analysis.match_threshold = options.match_threshold;
  batch.learn_model_weights = true;
  auto figures = EvaluateAlpaca(*questions, options.make_similarity, batch);
  if (!figures) return tl::unexpected(figures.error());
  report->alpaca = std::move(*figures);
  return {};
}

}  // namespace

Expected<EvalReport> RunEvaluation(const EvalOptions& options) {
  if (!fs::is_directory(options.data_dir)) {
    return MakeError(ErrorCode::kNotFound, "No evaluation data at " + options.data_dir + ".");
  }
  EvalReport report;
  report.data_dir = options.data_dir;
  report.similarity = options.similarity_name;
  for (const auto& run : {RunTq, RunSick, RunAlpaca}) {
    if (auto done = run(options, &report); !done) return tl::unexpected(done.error());
  }
  return report;
}

}  // namespace drux::eval
