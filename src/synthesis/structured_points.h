// The synthesizer's "Models agree on" / "Points of disagreement" bullets as structured
// output: the JSON shape (as a JSON Schema for OpenAI-compatible servers and as a llama.cpp
// grammar for local models), its parsing, and the check of every bullet against the answers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/synthesis.h"
#include "providers/provider.h"
#include "synthesis/synthesis_audit.h"
#include "synthesis/synthesis_options.h"

namespace drux {

// The shape, for answers labelled labels ("Model A", ...):
//   {"agreements": [{"text": "...", "models": ["Model A", "Model C"]}],
//    "disagreements": [{"text": "...", "models": ["Model B"],
//                       "versus_text": "...", "versus": ["Model A"]}]}
// Keys in this order, labels only from labels, texts of 1 to limits.max_chars characters
// (versus_text may be empty), at most limits.max_points per list. The grammar allows no
// whitespace between tokens and no \u escapes (text is written as UTF-8): a small model
// cannot wander off into blanks, and every reply it allows is valid JSON.
StructuredOutput PointsOutputFormat(const std::vector<std::string>& labels,
                                    const PointsLimits& limits);

// A point as the synthesizer wrote it, before its labels are checked.
struct LabelledPoint {
  std::string text;
  std::vector<std::string> labels;
  std::string versus_text;
  std::vector<std::string> versus_labels;
};

struct LabelledPoints {
  std::vector<LabelledPoint> agreements;
  std::vector<LabelledPoint> disagreements;
};

// Reads a reply of the shape above. Tolerates what a server that ignores the schema might
// add around the JSON (a code fence, a sentence): the outermost {...} is read. Fails with
// kMalformedResponse saying what is wrong: no JSON (quoting the start), JSON cut off (the
// reply was truncated), or JSON of another shape (naming the member). Points with an
// empty text are skipped.
Expected<LabelledPoints> ParsePoints(std::string_view reply);

// The points checked against the answers: each label becomes its model's name and is
// kept in models (versus) when that model's answer supports the point's text (versus_text)
// according to index, else moved to unconfirmed (versus_unconfirmed); a label of no answer
// stays unconfirmed as written. A point no named model confirms is dropped and counted.
struct CheckedPoints {
  std::vector<SynthesisPoint> agreements;
  std::vector<SynthesisPoint> disagreements;
  int dropped = 0;
};

CheckedPoints CheckPoints(const LabelledPoints& points, const std::vector<AnonymizedModel>& order,
                          SupportIndex& index);

}  // namespace drux
