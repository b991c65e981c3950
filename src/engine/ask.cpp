#include "engine/ask.h"

#include <chrono>
#include <memory>

#include "analysis/lexical_similarity.h"
#include "engine/local_models.h"
#include "engine/moa_rounds.h"
#include "engine/synthesizer_choice.h"
#include "runner/hooked_provider.h"
#include "synthesis/anonymized_answers.h"
#include "synthesis/synthesize.h"

namespace drux {
namespace {

// The synthesizer's events as those of one more member of the panel.
SynthesisEventSink SynthesisProgress(const ProgressSink& on_progress, int index,
                                     const std::string& name) {
  if (!on_progress) return {};
  return [on_progress, index, model = "synthesis · " + name](const SynthesisEvent& event) {
    ProgressEvent progress;
    progress.member = index;
    progress.model = model;
    progress.elapsed_ms = event.elapsed_ms;
    progress.tokens = event.pieces;
    switch (event.kind) {
      case SynthesisEvent::Kind::kStarted:
        progress.kind = ProgressEvent::Kind::kStarted;
        break;
      case SynthesisEvent::Kind::kText:
        progress.kind = ProgressEvent::Kind::kText;
        progress.text = event.text;
        break;
      case SynthesisEvent::Kind::kFinished:
        progress.kind = event.error ? ProgressEvent::Kind::kFailed : ProgressEvent::Kind::kDone;
        progress.error = event.error;
        break;
    }
    on_progress(progress);
  };
}

Synthesis SynthesizeResult(const Result& result, const std::vector<PanelMember>& members,
                           const AskOptions& options, const ProgressSink& on_progress,
                           const std::atomic<bool>* cancel) {
  const int index = static_cast<int>(members.size());
  std::optional<Synthesizer> synthesizer;
  if (options.synthesizer && !options.extractive_only) {
    synthesizer = MakeSynthesizer(*options.synthesizer, members, index, on_progress, cancel);
  } else if (!options.extractive_only) {
    std::vector<ModelSpec> specs;
    for (const PanelMember& member : members) specs.push_back(member.spec);
    if (const auto strongest =
            StrongestMember(specs, result.answers, result.analysis.representative)) {
      synthesizer = MakeSynthesizer(specs[*strongest], members, index, on_progress, cancel);
    }
  }
  // The synthesizer's calls cost money too: the same budget hooks as the members'.
  if (synthesizer && synthesizer->provider &&
      (options.run.before_priced_call || options.run.after_call)) {
    synthesizer->provider =
        std::make_shared<HookedProvider>(synthesizer->provider, synthesizer->spec,
                                         options.run.before_priced_call, options.run.after_call);
  }
  const SynthesisEventSink on_event =
      synthesizer ? SynthesisProgress(on_progress, index, synthesizer->spec.name)
                  : SynthesisEventSink();
  Synthesis synthesis =
      Synthesize(result.question, result.answers, result.analysis,
                 synthesizer ? &*synthesizer : nullptr, options.synthesis, on_event, cancel);
  if (!synthesizer && !options.extractive_only && synthesis.method == "extractive") {
    synthesis.note += std::string(synthesis.note.empty() ? "" : " ") +
                      "No member that answered can write the synthesis (a replay member only "
                      "repeats its recorded answers); name a synthesizer model to have one "
                      "write it.";
  }
  return synthesis;
}

}  // namespace

AskOptions AskOptionsFromConfig(const Config& config) {
  AskOptions ask;
  ask.run.member_timeout = config.member_timeout;
  ask.run.connect_timeout = config.connect_timeout;
  ask.run.overall_timeout = config.member_timeout + std::chrono::seconds(5);
  ask.synthesis.timeout = config.synthesis.timeout;
  ask.synthesis.connect_timeout = config.connect_timeout;
  ask.synthesis.max_tokens = config.synthesis.max_tokens;
  ask.synthesis.prompt_path = config.synthesis.prompt_path;
  ask.synthesis.points_prompt_path = config.synthesis.points_prompt_path;
  ask.rounds_prompt_path = config.synthesis.rounds_prompt_path;
  return ask;
}

Expected<Result> Ask(std::string_view question_text, const Panel& panel, const AskOptions& options,
                     const ProgressSink& on_progress, const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  auto question = ValidateQuestion(question_text);
  if (!question) return tl::unexpected(question.error());
  if (panel.members.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Panel '" + panel.name + "' has no members; add models to it.");
  }
  if (options.rounds < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "The number of rounds must be at least 1, not " +
                                                      std::to_string(options.rounds) + ".");
  }
  RoundsOptions rounds;
  rounds.rounds = options.rounds;
  rounds.seed = options.synthesis.seed.value_or(SeedFromText(question->text));
  if (options.rounds > 1) {
    auto prompt = LoadPrompt(kRoundPrompt, options.rounds_prompt_path, {"question", "answers"});
    if (!prompt) return tl::unexpected(prompt.error());
    rounds.round_prompt = std::move(*prompt);
  }

  Result result;
  result.question = question->text;
  result.panel = panel.name;
  const std::vector<PanelMember> members = PreparePanelMembers(panel, on_progress, cancel);
  result.rounds = RunRounds(*question, members, rounds, options.run, on_progress, cancel);
  result.answers = result.rounds.back().answers;
  result.status = StatusOf(result.answers);
  result.summary = SummaryOf(result.answers);
  for (const PanelRound& round : result.rounds) {
    result.total_cost_usd += CostOfRound(round.answers).cost_usd;
  }

  LexicalSimilarity similarity;
  result.analysis = AnalyzeAnswers(result.question, result.answers, similarity, options.analysis);
  if (options.on_analysis) options.on_analysis(result.analysis);
  result.synthesis = SynthesizeResult(result, members, options, on_progress, cancel);
  result.total_cost_usd += result.synthesis.cost_usd;
  result.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace drux
