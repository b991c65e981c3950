#include "engine/moa_rounds.h"

#include <chrono>

#include "synthesis/anonymized_answers.h"

namespace drux {

std::vector<PanelRound> RunRounds(const Question& question, const std::vector<PanelMember>& members,
                                  const RoundsOptions& options, const RunOptions& run,
                                  const ProgressSink& on_progress,
                                  const std::atomic<bool>* cancel) {
  std::vector<PanelRound> rounds;
  Question asked = question;
  for (int number = 1; number <= options.rounds; ++number) {
    ProgressSink round_progress = on_progress;
    if (number > 1 && on_progress) {
      round_progress = [&, number](const ProgressEvent& event) {
        ProgressEvent renamed = event;
        renamed.model += " · round " + std::to_string(number);
        on_progress(renamed);
      };
    }
    const auto start = std::chrono::steady_clock::now();
    PanelRound round;
    round.answers = RunPanel(asked, members, run, round_progress, cancel);
    round.wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    rounds.push_back(std::move(round));
    if (number == options.rounds) break;
    const std::vector<Answer>& answers = rounds.back().answers;
    const std::vector<AnonymizedModel> order =
        AnonymizeAnswers(answers, options.seed + static_cast<std::uint32_t>(number));
    if (order.empty() || (cancel != nullptr && cancel->load())) break;
    asked.text = RenderPrompt(
        options.round_prompt.text,
        {{"question", question.text}, {"answers", RenderAnonymizedAnswers(order, answers)}});
  }
  return rounds;
}

}  // namespace drux
