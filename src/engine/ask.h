// One question through every stage: validate, run the panel (in one or more rounds),
// analyse, synthesize. Every face (CLI, server) calls this and renders the Result it returns.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/analyzer.h"
#include "core/config.h"
#include "core/model_spec.h"
#include "core/result.h"
#include "runner/panel_run.h"
#include "synthesis/synthesis_options.h"

namespace drux {

struct AskOptions {
  RunOptions run;
  AnalysisOptions analysis;
  SynthesisOptions synthesis;
  // The synthesizer; none picks the strongest member that answered (StrongestMember in
  // engine/synthesizer_choice.h), or leaves the synthesis extractive when no member can
  // write one.
  std::optional<ModelSpec> synthesizer;
  // True writes the extractive synthesis and calls no synthesizer.
  bool extractive_only = false;
  // Rounds of the panel; above 1, each later round is a Mixture-of-Agents round whose
  // proposers first read the previous round's answers.
  int rounds = 1;
  // A template replacing the built-in round prompt (prompts/moa-round-v1.md); empty keeps it.
  std::string rounds_prompt_path;
  // Called once with the Analysis when every member has finished, before the synthesis
  // starts, on the asking thread; lets a live face show the score while the synthesizer
  // writes. May be empty.
  std::function<void(const Analysis&)> on_analysis;
};

// The engine's options from the configuration: deadlines, synthesis limits and prompt
// paths, as `drux ask` and `drux serve` use them without flags. The synthesizer is left to
// the caller, which may take it from a flag.
AskOptions AskOptionsFromConfig(const Config& config);

// Asks panel the question. Fails only when the question itself is unusable (empty, too
// long, invalid UTF-8), the panel has no members, rounds is below 1, or the round prompt
// cannot be loaded; member and synthesizer failures are recorded in the Result, whose
// status says complete, partial or failed. Progress of the members comes as their events;
// the synthesizer's comes as events of one more member, numbered after the panel's, whose
// model reads "synthesis · NAME".
Expected<Result> Ask(std::string_view question_text, const Panel& panel, const AskOptions& options,
                     const ProgressSink& on_progress, const std::atomic<bool>* cancel = nullptr);

}  // namespace drux
