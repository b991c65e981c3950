// The `drux analyze` batch contract (docs/analyze.md): JSON Lines in, one question and
// its panel's answers per line; JSON Lines out, one analysis or error record per input
// line, in the same order.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "analysis/analysis_batch.h"
#include "core/error.h"

namespace drux {

// One input line: {"id": ..., "question": "...", "answers": [{"model": "...", "text": "..."}]}.
// "id" (a string or number) and "question" are optional; an answer may carry "error" (a
// string) instead of, or beside, its text: a member that failed, left out of the
// analysis. PanelQuestion::id is a string id as is, a number's JSON text, or empty.
// kInvalidArgument, saying what is wrong, for anything else: not JSON, not an object, no
// "answers" array, an answer without a non-empty string "model", a model named twice.
Expected<PanelQuestion> ParsePanelQuestion(std::string_view line);

// The output record of one analysed line: id (id_json, the input's id as JSON text, or
// "null"), consensus (score, label), representative, agreements, disagreements and
// pairwise agreement, on one line.
std::string AnalysisJsonLine(std::string_view id_json, const Analysis& analysis);

// The output record of a line that could not be analysed: {"id": <id or null>, "line":
// line_number, "error": {"code": ..., "message": ...}}.
std::string ErrorJsonLine(size_t line_number, std::string_view line, const Error& error);

struct JsonLinesSummary {
  size_t lines = 0;     // records written, one per input line
  size_t analysed = 0;  // lines analysed
  size_t errors = 0;    // error records
  size_t answers = 0;   // answers in the analysed lines
};

// Reads every line of in and writes one record per line to out, in order: blank and
// malformed lines give error records and the others are still analysed. Lines are
// analysed in blocks, each on options.threads threads; with learn_model_weights the whole
// input is one block. Fails only when a similarity cannot be made or out cannot be
// written; records already written stay written.
Expected<JsonLinesSummary> AnalyzeJsonLines(std::istream& in, std::ostream& out,
                                            const SimilarityFactory& make_similarity,
                                            const BatchOptions& options);

}  // namespace drux
