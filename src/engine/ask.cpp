#include "engine/ask.h"

#include <chrono>

#include "analysis/lexical_similarity.h"
#include "engine/local_models.h"

namespace drux {

Expected<Result> Ask(std::string_view question_text, const Panel& panel, const AskOptions& options,
                     const ProgressSink& on_progress, const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  auto question = ValidateQuestion(question_text);
  if (!question) return tl::unexpected(question.error());
  if (panel.members.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Panel '" + panel.name + "' has no members; add models to it.");
  }

  Result result;
  result.question = question->text;
  result.panel = panel.name;
  result.answers = RunPanel(*question, PreparePanelMembers(panel, on_progress, cancel), options.run,
                            on_progress, cancel);
  result.status = StatusOf(result.answers);
  result.summary = SummaryOf(result.answers);
  for (const Answer& answer : result.answers) result.total_cost_usd += answer.cost_usd;

  LexicalSimilarity similarity;
  result.analysis = AnalyzeAnswers(result.answers, similarity, options.analysis);
  result.synthesis = SynthesizeExtractive(result.answers, result.analysis, options.synthesis);
  result.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace drux
