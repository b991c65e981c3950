// The extractive synthesis: an answer assembled from the panel's best-supported points,
// in the models' own words. It needs no model call, so it is always available, and it
// never says anything no model said.
#pragma once

#include <vector>

#include "core/analysis.h"
#include "core/answer.h"
#include "core/synthesis.h"
#include "synthesis/synthesis_options.h"

namespace drux {

// Builds the synthesis from analysis (of these answers) alone. With fewer than two
// answered models the method is "none", the text empty and the note says why. Otherwise
// the method is "extractive": the clusters with the most supporting models, in
// analysis.clusters order (support, then the representative answer's order), each
// written in its representative wording with its models. The weaker side of a
// contradiction is left out (both sides on a tie) and the note says so. Prose points
// form a paragraph; when any point is a list item, every point is a bullet; code stays
// fenced.
Synthesis SynthesizeExtractive(const std::vector<Answer>& answers, const Analysis& analysis,
                               const SynthesisOptions& options = {});

}  // namespace drux
