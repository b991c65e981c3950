// Comparing two results that exist only as JSON (as `drux serve` stores them): the server's
// side of `drux ask --compare`, answering GET /api/compare/A/B.
#pragma once

#include <string>

#include "core/error.h"
#include "engine/compare.h"

namespace drux {

// Compares two results given as ResultToJson wrote them, reading only what CompareResults
// uses (question, panel name, synthesis text, answers, the analysis's representative).
// kInvalidArgument when either is not a Result object.
Expected<Comparison> CompareResultJsons(const std::string& a_json, const std::string& b_json);

}  // namespace drux
