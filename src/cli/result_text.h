// The Result laid out for people, top to bottom like the product: panel, score,
// agreements, disagreements, synthesis, then every answer.
#pragma once

#include <string>

#include "cli/terminal.h"
#include "core/result.h"

namespace drux {

std::string RenderResultText(const Result& result, const TerminalStyle& style);

}  // namespace drux
