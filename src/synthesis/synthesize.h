// The synthesis stage: a synthesizer model writes the answer and its structured points
// from the anonymized answers and their analysis; the extractive synthesis stands in when
// there is no synthesizer or it fails; every sentence is audited either way.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis.h"
#include "core/answer.h"
#include "core/model_spec.h"
#include "core/synthesis.h"
#include "providers/provider.h"
#include "synthesis/synthesis_options.h"

namespace drux {

// A model that writes the synthesis, ready to call.
struct Synthesizer {
  ModelSpec spec;
  // Null when the provider could not be created; creation_error says why, and the
  // synthesis falls back to extractive with that error.
  std::shared_ptr<Provider> provider;
  std::optional<Error> creation_error;
};

// Progress of the synthesizer, for live displays.
struct SynthesisEvent {
  enum class Kind {
    kStarted,   // the synthesizer's call began
    kText,      // more of the answer streamed in (text holds the new piece)
    kFinished,  // done: the synthesis is complete, or fell back (error says why)
  };
  Kind kind = Kind::kStarted;
  std::string text;
  int pieces = 0;  // pieces streamed so far
  double elapsed_ms = 0;
  std::optional<Error> error;
};

// Called on the synthesizing thread; must return quickly.
using SynthesisEventSink = std::function<void(const SynthesisEvent&)>;

// Synthesizes one answer from answers (to question) and their analysis:
// - with fewer than two answers that count (ok, not blank): method "none", the note says
//   why, and no model is called;
// - without a synthesizer: the extractive synthesis; with one whose provider could not be
//   created, the same with its creation_error;
// - else the synthesizer writes the answer (streamed) and then, in the same conversation,
//   its structured points (see docs/synthesis.md); both calls together must finish within
//   options.timeout. When the answer's call fails, times out, is cancelled or returns
//   nothing, the extractive synthesis is used and error holds the synthesizer's own error;
//   when only the points are unusable, the answer stands and points_error says why.
// In every case basis names a partial panel as such, and every sentence of the text is
// audited against the answers (sentences, audit_ms). Never fails as a whole.
Synthesis Synthesize(std::string_view question, const std::vector<Answer>& answers,
                     const Analysis& analysis, const Synthesizer* synthesizer,
                     const SynthesisOptions& options, const SynthesisEventSink& on_event = {},
                     const std::atomic<bool>* cancel = nullptr);

}  // namespace drux
