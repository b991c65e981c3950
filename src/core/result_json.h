// The Result as JSON: the contract of `drux ask --json` and the HTTP API, documented in
// docs/result-json.md. Keep the two in step.
#pragma once

#include <string>

#include "core/result.h"

namespace drux {

// Serializes result; indent < 0 gives one line.
std::string ResultToJson(const Result& result, int indent = 2);

}  // namespace drux
