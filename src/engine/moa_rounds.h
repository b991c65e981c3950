// The panel's rounds: round 1 answers the question; with Mixture-of-Agents rounds
// (`drux ask --rounds N`), each later round answers it again after reading the previous
// round's answers, anonymized and shuffled (Wang et al. 2024, "Mixture-of-Agents").
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/question.h"
#include "core/result.h"
#include "runner/panel_run.h"
#include "runner/progress.h"
#include "synthesis/prompt_template.h"

namespace drux {

struct RoundsOptions {
  int rounds = 1;
  // The proposer's prompt for rounds after the first, with {{question}} and {{answers}}.
  PromptTemplate round_prompt;
  // Shuffles each round's answers (with the round's number added).
  std::uint32_t seed = 0;
};

// Runs the rounds with the same members and run options for each, and returns every
// round that ran, first to last. Stops early, after the round concerned, when a round has
// no answer to show the next one or the caller cancelled. Progress of a later round comes
// as member events whose model reads "NAME · round K".
std::vector<PanelRound> RunRounds(const Question& question, const std::vector<PanelMember>& members,
                                  const RoundsOptions& options, const RunOptions& run,
                                  const ProgressSink& on_progress, const std::atomic<bool>* cancel);

}  // namespace drux
