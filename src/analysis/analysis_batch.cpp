#include "analysis/analysis_batch.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

namespace drux {
namespace {

size_t WorkerCount(size_t requested, size_t questions) {
  const size_t hardware = std::max<size_t>(1, std::thread::hardware_concurrency());
  const size_t threads = requested == 0 ? hardware : requested;
  return std::max<size_t>(1, std::min(threads, questions));
}

// One pass over the questions; each worker takes the next unanalysed question.
std::vector<Analysis> AnalyzeAll(const std::vector<PanelQuestion>& questions,
                                 std::vector<std::unique_ptr<Similarity>>& similarities,
                                 const AnalysisOptions& options) {
  std::vector<Analysis> analyses(questions.size());
  std::atomic<size_t> next{0};
  const auto work = [&](Similarity& similarity) {
    AnswerAnalyzer analyzer;
    for (size_t i = next++; i < questions.size(); i = next++) {
      analyses[i] =
          analyzer.Analyze(questions[i].question, questions[i].answers, similarity, options);
    }
  };
  std::vector<std::thread> workers;
  for (size_t t = 1; t < similarities.size(); ++t) {
    workers.emplace_back(work, std::ref(*similarities[t]));
  }
  work(*similarities.front());
  for (std::thread& worker : workers) worker.join();
  return analyses;
}

}  // namespace

Expected<BatchAnalysis> AnalyzeBatch(const std::vector<PanelQuestion>& questions,
                                     const SimilarityFactory& make_similarity,
                                     const BatchOptions& options) {
  std::vector<std::unique_ptr<Similarity>> similarities;
  const size_t workers = WorkerCount(options.threads, questions.size());
  for (size_t t = 0; t < workers; ++t) {
    auto similarity = make_similarity();
    if (!similarity) return tl::unexpected(similarity.error());
    similarities.push_back(std::move(*similarity));
  }
  BatchAnalysis batch;
  batch.analyses = AnalyzeAll(questions, similarities, options.analysis);
  if (!options.learn_model_weights) return batch;
  batch.reliability = EstimateModelReliability(batch.analyses, options.analysis.match_threshold);
  AnalysisOptions weighted = options.analysis;
  for (const auto& [model, weight] : batch.reliability.weight) {
    weighted.model_weights[model] = weight;
  }
  batch.analyses = AnalyzeAll(questions, similarities, weighted);
  return batch;
}

}  // namespace drux
