// One question through every stage: validate, run the panel, analyse, synthesize.
// Every face (CLI, server) calls this and renders the Result it returns.
#pragma once

#include <atomic>
#include <string_view>

#include "analysis/analyzer.h"
#include "core/model_spec.h"
#include "core/result.h"
#include "runner/panel_run.h"
#include "synthesis/extractive_synthesis.h"

namespace drux {

struct AskOptions {
  RunOptions run;
  AnalysisOptions analysis;
  SynthesisOptions synthesis;
};

// Asks panel the question. Fails only when the question itself is unusable (empty, too
// long, invalid UTF-8) or the panel has no members; member failures are recorded in the
// Result, whose status says complete, partial or failed.
Expected<Result> Ask(std::string_view question_text, const Panel& panel, const AskOptions& options,
                     const ProgressSink& on_progress, const std::atomic<bool>* cancel = nullptr);

}  // namespace drux
