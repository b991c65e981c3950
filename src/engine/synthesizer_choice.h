// Which model writes the synthesis: the one the user named, else the strongest member of
// the panel that answered.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/answer.h"
#include "core/model_spec.h"
#include "runner/panel_run.h"
#include "runner/progress.h"
#include "synthesis/synthesize.h"

namespace drux {

// The member that writes the synthesis by default, as an index into specs: among the
// members that answered and can write one (a replay member only repeats recorded answers),
// the one whose output tokens cost most, since priced models are the frontier ones and
// within a vendor price follows capability; among equals (a panel of free or local
// models), the analysis's representative, whose answer is the closest to all the others;
// then the first in panel order. nullopt when no member qualifies.
std::optional<std::size_t> StrongestMember(const std::vector<ModelSpec>& specs,
                                           const std::vector<Answer>& answers,
                                           const std::string& representative);

// A synthesizer reads every answer at once, so a local one gets a context of this many
// tokens (as far as its model was trained for; each call still sizes its context to need).
inline constexpr int kLocalSynthesizerContext = 16384;

// The synthesizer for spec: a member's provider when spec is that member of an
// OpenAI-compatible or replay panel; else a new provider, downloading a catalog model
// first (its progress reported as member progress_index). A local synthesizer always gets
// its own provider, with at least kLocalSynthesizerContext. A provider that cannot be
// created leaves the synthesizer with its creation_error.
Synthesizer MakeSynthesizer(const ModelSpec& spec, const std::vector<PanelMember>& members,
                            int progress_index, const ProgressSink& on_progress,
                            const std::atomic<bool>* cancel);

}  // namespace drux
